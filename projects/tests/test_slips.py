"""A slip is previewed before it is saved, moves exactly what it must when confirmed, and a
stale or repeated confirmation moves nothing (again)."""

import datetime
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connections
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from clients.roles import Role
from clients.tests.factories import UserFactory
from onboarding.tests.conftest import uses_postgresql
from projects import services
from projects.forms import RescheduleForm
from projects.models import ImplementationProject, Milestone, Task
from projects.scheduling import add_business_days, next_business_day, subtract_business_days
from projects.tests.factories import MilestoneFactory, ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db


def bd(day: datetime.date, n: int) -> datetime.date:
    return add_business_days(day, n)


@pytest.fixture
def plan(pm):
    """Design → Build → Test, Test finishing the Go-live milestone; Docs waits on Design with
    a week of slack. Everything starts a month ahead, on business days."""
    day0 = next_business_day(timezone.localdate() + datetime.timedelta(days=30))
    project = ProjectFactory(pm=pm, forecast_go_live=bd(day0, 5), baseline_go_live=bd(day0, 5))
    go_live = MilestoneFactory(project=project, name="Go-live", due_date=bd(day0, 5))
    design = TaskFactory(project=project, title="Design", start_date=day0, due_date=bd(day0, 1))
    build = TaskFactory(
        project=project,
        title="Build",
        start_date=bd(day0, 2),
        due_date=bd(day0, 3),
        depends_on=[design],
    )
    test = TaskFactory(
        project=project,
        title="Test",
        start_date=bd(day0, 4),
        due_date=bd(day0, 5),
        depends_on=[build],
        milestone=go_live,
    )
    docs = TaskFactory(
        project=project,
        title="Docs",
        start_date=bd(day0, 8),
        due_date=bd(day0, 9),
        depends_on=[design],
    )
    return {
        "day0": day0,
        "project": project,
        "go_live": go_live,
        "design": design,
        "build": build,
        "test": test,
        "docs": docs,
    }


def edit_data(task: Task, **changes) -> dict:
    data = {
        "title": task.title,
        "description": "",
        "status": task.status,
        "priority": task.priority,
        "start_date": task.start_date.isoformat() if task.start_date else "",
        "due_date": task.due_date.isoformat() if task.due_date else "",
        "depends_on": [str(pk) for pk in task.depends_on.values_list("pk", flat=True)],
        "version": task.version,
    }
    return {**data, **changes}


def dates(*tasks) -> list:
    return [Task.objects.values_list("start_date", "due_date").get(pk=t.pk) for t in tasks]


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_slip_on_the_edit_form_is_previewed_and_moves_nothing_yet(client, pm, plan):
    client.force_login(pm)
    design, day0 = plan["design"], plan["day0"]
    before = dates(design, plan["build"], plan["test"], plan["docs"])
    response = client.post(
        reverse("projects:task_edit", args=[design.pk]),
        edit_data(design, due_date=bd(day0, 3).isoformat()),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "3 items would move" in body
    assert "Build" in body and "Test" in body and "Go-live" in body
    assert "Docs" not in body  # a week of slack takes the slip
    assert "+2" in body
    assert "Forecast go-live:" in body and "→" in body
    assert dates(design, plan["build"], plan["test"], plan["docs"]) == before
    assert ImplementationProject.objects.get().forecast_go_live == bd(day0, 5)


def _confirm(client, response):
    """Send the preview page's form back, as the Confirm button does."""
    form = response.context["form"]
    data = {}
    for bound in form:
        value = bound.value()
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif value is not None:
            data[bound.html_name] = str(value)
    return client.post(response.context["action"], data)


def test_confirming_moves_the_successors_the_milestone_and_the_forecast(client, pm, plan):
    client.force_login(pm)
    design, day0 = plan["design"], plan["day0"]
    preview = client.post(
        reverse("projects:task_edit", args=[design.pk]),
        edit_data(design, due_date=bd(day0, 3).isoformat()),
    )
    response = _confirm(client, preview)
    assert response.status_code == 302
    assert dates(design, plan["build"], plan["test"], plan["docs"]) == [
        (day0, bd(day0, 3)),
        (bd(day0, 4), bd(day0, 5)),
        (bd(day0, 6), bd(day0, 7)),
        (bd(day0, 8), bd(day0, 9)),  # not moved
    ]
    assert Milestone.objects.get().due_date == bd(day0, 7)
    project = ImplementationProject.objects.get()
    assert project.forecast_go_live == bd(day0, 7)
    assert project.baseline_go_live == bd(day0, 5)  # the baseline is what was agreed
    build = Task.objects.get(pk=plan["build"].pk)
    assert build.version == 1
    assert build.history.first().history_user == pm
    assert "3 items of the plan moved with it" in " ".join(messages_of(response))


def test_a_second_confirm_moves_nothing_again(client, pm, plan):
    client.force_login(pm)
    design, day0 = plan["design"], plan["day0"]
    preview = client.post(
        reverse("projects:task_edit", args=[design.pk]),
        edit_data(design, due_date=bd(day0, 3).isoformat()),
    )
    _confirm(client, preview)
    again = _confirm(client, preview)
    assert again.status_code == 302
    assert "already been sent" in " ".join(messages_of(again))
    assert dates(plan["test"]) == [(bd(day0, 6), bd(day0, 7))]
    assert ImplementationProject.objects.get().forecast_go_live == bd(day0, 7)


def test_a_stale_preview_changes_nothing_and_says_what_changed(client, pm, plan):
    client.force_login(pm)
    design, build, day0 = plan["design"], plan["build"], plan["day0"]
    preview = client.post(
        reverse("projects:task_edit", args=[design.pk]),
        edit_data(design, due_date=bd(day0, 3).isoformat()),
    )
    # Meanwhile someone gives Build another day.
    services.task_save(project=plan["project"], user=pm, task=build, data={"due_date": bd(day0, 4)})
    response = _confirm(client, preview)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The plan changed since this preview" in body and "“Build”" in body
    assert "nothing was saved" in body
    assert dates(design, build, plan["test"]) == [
        (day0, bd(day0, 1)),
        (bd(day0, 2), bd(day0, 4)),
        (bd(day0, 4), bd(day0, 5)),
    ]
    # The fresh preview can be confirmed.
    _confirm(client, response)
    assert dates(build) == [(bd(day0, 4), bd(day0, 6))]


def test_an_in_place_date_change_that_moves_other_work_goes_through_the_preview(client, pm, plan):
    client.force_login(pm)
    design, day0 = plan["design"], plan["day0"]
    url = reverse("projects:task_reschedule", args=[design.pk])
    response = client.post(url, {"due": bd(day0, 2).isoformat(), "next": "/"})
    assert response.status_code == 302 and response.url.startswith(url + "?")
    assert dates(design) == [(day0, bd(day0, 1))]
    preview = client.get(response.url)
    assert preview.status_code == 200
    assert "3 items would move" in preview.content.decode()  # Build, Test and Go-live
    _confirm(client, preview)
    assert dates(design, plan["build"]) == [(day0, bd(day0, 2)), (bd(day0, 3), bd(day0, 4))]


def test_an_in_place_date_change_that_moves_nothing_else_is_saved_at_once(client, pm, plan):
    client.force_login(pm)
    docs, day0 = plan["docs"], plan["day0"]
    response = client.post(
        reverse("projects:task_reschedule", args=[docs.pk]),
        {"due": bd(day0, 10).isoformat(), "next": "/"},
    )
    assert response.status_code == 302 and response.url == "/"
    assert dates(docs) == [(bd(day0, 8), bd(day0, 10))]


def test_done_after_the_due_date_asks_before_moving_the_successors(client, pm):
    today = timezone.localdate()
    project = ProjectFactory(pm=pm)
    late = TaskFactory(
        project=project,
        title="Collect census",
        start_date=subtract_business_days(today, 4),
        due_date=subtract_business_days(today, 2),
    )
    waiting = TaskFactory(
        project=project,
        title="Load census",
        start_date=subtract_business_days(today, 1),
        due_date=add_business_days(today, 1),
        depends_on=[late],
    )
    client.force_login(pm)
    response = client.post(
        reverse("projects:task_status", args=[late.pk]), {"status": "done", "next": "/"}
    )
    assert response.status_code == 302 and "done=1" in response.url
    assert Task.objects.get(pk=late.pk).status == Task.Status.NOT_STARTED
    preview = client.get(response.url)
    assert "Load census" in preview.content.decode()
    _confirm(client, preview)
    assert Task.objects.get(pk=late.pk).status == Task.Status.DONE
    starts = add_business_days(today, 1)
    assert dates(waiting) == [(starts, add_business_days(starts, 2))]


def test_finishing_early_offers_a_pull_forward_and_moves_nothing_by_itself(client, pm):
    today = timezone.localdate()
    project = ProjectFactory(pm=pm)
    early = TaskFactory(
        project=project,
        title="Configure earnings",
        start_date=today,
        due_date=add_business_days(today, 5),
    )
    waiting = TaskFactory(
        project=project,
        title="Parallel run",
        start_date=add_business_days(today, 6),
        due_date=add_business_days(today, 7),
        depends_on=[early],
    )
    client.force_login(pm)
    response = client.post(
        reverse("projects:task_status", args=[early.pk]), {"status": "done", "next": "/"}
    )
    assert Task.objects.get(pk=early.pk).status == Task.Status.DONE
    assert "pull=1" in response.url
    before = dates(waiting)
    offer = client.get(response.url)
    assert "Pull forward the work waiting on" in offer.content.decode()
    assert "Parallel run" in offer.content.decode()
    assert dates(waiting) == before
    _confirm(client, offer)
    starts = add_business_days(today, 1)
    assert dates(waiting) == [(starts, add_business_days(starts, 1))]


def test_the_task_page_lists_what_it_waits_on_and_what_waits_on_it(client, pm, plan):
    client.force_login(pm)
    body = client.get(reverse("projects:task_detail", args=[plan["build"].pk])).content.decode()
    assert "Waits on" in body and reverse("projects:task_detail", args=[plan["design"].pk]) in body
    assert "Waiting on it" in body
    assert reverse("projects:task_detail", args=[plan["test"].pk]) in body
    assert f"starts {plan['test'].start_date:%-d %b %Y}" in body


def test_the_task_list_marks_the_links_of_each_task(client, pm, plan):
    client.force_login(pm)
    body = client.get(reverse("projects:task_list", args=[plan["project"].pk])).content.decode()
    assert "2 wait on it" in body  # Design
    assert "waits on 1" in body


@pytest.mark.parametrize("role", [Role.SUPPORT, Role.SALES])
def test_who_may_not_edit_the_plan_gets_no_preview_and_moves_nothing(client, plan, role):
    client.force_login(UserFactory(role=role))
    design, day0 = plan["design"], plan["day0"]
    url = reverse("projects:task_reschedule", args=[design.pk])
    assert client.get(url, {"due": bd(day0, 3).isoformat()}).status_code in (403, 404)
    assert client.post(url, {"due": bd(day0, 3).isoformat()}).status_code in (403, 404)
    assert dates(design) == [(day0, bd(day0, 1))]


def test_a_pm_of_another_project_is_refused(client, plan):
    other = UserFactory(role=Role.PM)
    client.force_login(other)
    url = reverse("projects:task_reschedule", args=[plan["design"].pk])
    assert client.get(url, {"due": bd(plan["day0"], 3).isoformat()}).status_code == 403


def test_a_bad_date_is_refused_with_a_message(client, pm, plan):
    client.force_login(pm)
    url = reverse("projects:task_reschedule", args=[plan["design"].pk])
    response = client.post(url, {"due": "not a date", "next": "/"})
    assert response.status_code == 302
    assert "valid date" in " ".join(messages_of(response))


@pytest.mark.skipif(
    not uses_postgresql(), reason="needs PostgreSQL for two real connections at once"
)
@pytest.mark.django_db(transaction=True)
def test_a_confirm_sent_twice_at_the_same_moment_moves_once(pm, plan, monkeypatch):
    design, day0 = plan["design"], plan["day0"]
    browsers = [Browser(), Browser()]
    for browser in browsers:
        browser.force_login(pm)
    url = reverse("projects:task_reschedule", args=[design.pk])
    preview = browsers[0].get(url, {"due": bd(day0, 3).isoformat()})
    data = {
        bound.html_name: str(bound.value())
        for bound in preview.context["form"]
        if bound.value() is not None
    }

    both_validated = threading.Barrier(2, timeout=10)
    real_clean = RescheduleForm.clean

    def clean_then_wait(self):
        cleaned = real_clean(self)
        both_validated.wait()
        return cleaned

    monkeypatch.setattr(RescheduleForm, "clean", clean_then_wait)
    answers, errors = [], []

    def send(browser):
        try:
            answers.append(browser.post(url, data))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert [answer.status_code for answer in answers] == [302, 302]
    assert dates(design, plan["build"], plan["test"]) == [
        (day0, bd(day0, 3)),
        (bd(day0, 4), bd(day0, 5)),
        (bd(day0, 6), bd(day0, 7)),
    ]
    assert Task.objects.get(pk=plan["build"].pk).version == 1
