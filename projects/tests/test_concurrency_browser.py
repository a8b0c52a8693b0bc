"""In Chromium: a stale task form says who changed what; a form sent again creates nothing."""

import pytest
from playwright.sync_api import expect

from clients.roles import Role
from clients.tests.factories import UserFactory
from onboarding.tests.browser import (  # noqa: F401 (fixtures are found by name)
    browser,
    live_app,
    log_in,
    open_page,
    page,
)
from projects import services
from projects.models import Task
from projects.tests.factories import ProjectFactory, TaskFactory

pytestmark = pytest.mark.browser


def test_pm_saving_a_task_form_opened_before_a_managers_change_is_told_and_saves_again(
    page,  # noqa: F811
    pm,
):
    boss = UserFactory(username="boss", first_name="Morgan", last_name="Lee", role=Role.MANAGER)
    project = ProjectFactory(name="Acme Tools payroll", pm=pm)
    task = TaskFactory(project=project, title="Load the employee census")
    log_in(page, pm.username)
    page.goto(f"/tasks/{task.pk}/edit/")
    page.get_by_label("Title").fill("Load the full employee census")

    services.task_set_status(task=task, user=boss, status=Task.Status.BLOCKED)
    page.get_by_role("button", name="Save").click()

    alert = page.locator(".alert-danger")
    expect(alert).to_contain_text("Someone changed this while you were editing it")
    expect(alert).to_contain_text("Morgan Lee")
    expect(alert).to_contain_text("Status from Not started to Blocked")
    expect(page.get_by_label("Title")).to_have_value("Load the full employee census")
    task.refresh_from_db()
    assert (task.title, task.status) == ("Load the employee census", Task.Status.BLOCKED)

    # The PM keeps the manager's status, and saves their title again.
    page.get_by_label("Status").select_option(label="Blocked")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Load the full employee census")
    task.refresh_from_db()
    assert (task.title, task.status) == ("Load the full employee census", Task.Status.BLOCKED)


def test_the_same_task_form_sent_twice_from_the_browser_makes_one_task(page, pm):  # noqa: F811
    project = ProjectFactory(name="Acme Tools payroll", pm=pm)
    log_in(page, pm.username)
    page.goto(f"/projects/{project.pk}/tasks/new/")
    page.get_by_label("Title").fill("Send the census file")

    # What a double click on a slow connection sends: the same form, twice.
    landed = page.evaluate(
        """async () => {
            const form = document.querySelector("#main form[method=post]");
            const send = () => fetch(location.href, {method: "POST", body: new FormData(form)});
            const first = await send();
            const second = await send();
            return [first.url, second.url, await second.text()];
        }"""
    )

    task = project.tasks.get()
    assert task.title == "Send the census file"
    assert [url.split("/", 3)[3] for url in landed[:2]] == [f"tasks/{task.pk}/"] * 2
    assert "That form had already been sent; nothing was added twice." in landed[2]
