"""A PM's slip in headless Chromium: a plan from two templates, a task finishing later, the
preview of what moves, and the forecast go-live following it on the timeline."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clients.tests.factories import ProductFactory
from onboarding.tests.browser import (  # noqa: F401 (fixtures are found by name)
    PHONE,
    browser,
    expect_no_horizontal_overflow,
    live_app,
    log_in,
    open_page,
    page,
)
from playbooks.tests.factories import payroll_and_time
from projects.models import ImplementationProject, Task
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.browser


def test_pm_slips_a_task_confirms_the_preview_and_sees_the_go_live_move(  # noqa: PLR0915
    page,  # noqa: F811
    open_page,  # noqa: F811
    pm,
    tmp_path: Path,
):
    payroll, time = ProductFactory(name="Payroll"), ProductFactory(name="Time & Attendance")
    payroll_and_time(payroll, time)
    project = ProjectFactory(
        name="Harbor View payroll and time",
        pm=pm,
        products=[payroll, time],
        kickoff_date=datetime.date(2027, 3, 8),
        baseline_go_live=None,
    )

    log_in(page, pm.username)
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Plan templates").click()
    page.get_by_role("button", name="Make the plan").click()
    expect(page.locator(".alert-success").first).to_contain_text("go-live 5 Apr 2027")

    # Pay codes take until 7 April: the go/no-go after them cannot be on 5 April any more.
    build = Task.objects.get(project=project, title="Build pay codes")
    page.goto(reverse("projects:task_list", args=[project.pk]))
    page.get_by_role("link", name="Build pay codes", exact=True).click()
    expect(page.locator("#dependencies")).to_contain_text("Send Payroll data")
    expect(page.locator("#dependencies")).to_contain_text("Go/no-go")
    page.screenshot(path=tmp_path / "task-detail-desktop.png", full_page=True)
    page.get_by_role("link", name="Edit task").click()
    page.get_by_label("Due date").fill("2027-04-07")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check what moves with “Build pay codes”"
    )
    moves = page.locator("main table tbody tr")
    expect(moves).to_have_count(3)
    expect(moves.filter(has_text="Go/no-go")).to_contain_text("+3")
    expect(moves.filter(has_text="Go-live")).to_contain_text("Thu 8 Apr")
    expect(moves.filter(has_text="Payroll built")).to_be_visible()
    expect(page.locator("#slip-go-live")).to_contain_text("Mon 5 Apr 2027 → Thu 8 Apr 2027")
    page.screenshot(path=tmp_path / "slip-preview-desktop.png", full_page=True)
    assert Task.objects.get(pk=build.pk).due_date != datetime.date(2027, 4, 7)

    phone = open_page(PHONE)
    log_in(phone, pm.username)
    phone.goto(reverse("projects:task_reschedule", args=[build.pk]) + "?due=2027-04-07")
    expect(phone.locator("#slip-go-live")).to_contain_text("→ Thu 8 Apr 2027")
    expect_no_horizontal_overflow(phone)
    phone.screenshot(path=tmp_path / "slip-preview-phone.png", full_page=True)

    page.get_by_role("button", name="Confirm and move 3").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Build pay codes")
    expect(page.locator(".alert-success").first).to_contain_text(
        "3 items of the plan moved with it; the forecast go-live is now 8 Apr 2027."
    )
    assert ImplementationProject.objects.get(pk=project.pk).forecast_go_live == datetime.date(
        2027, 4, 8
    )

    page.goto(reverse("projects:timeline", args=[project.pk]))
    expect(page.get_by_text("Forecast go-live:")).to_contain_text("8 Apr 2027")
    expect(page.get_by_text("Forecast go-live:")).to_contain_text("+3 business days")
    page.screenshot(path=tmp_path / "timeline-desktop.png", full_page=True)
    phone.goto(reverse("projects:timeline", args=[project.pk]))
    expect(phone.get_by_text("Forecast go-live:")).to_contain_text("8 Apr 2027")
    phone.screenshot(path=tmp_path / "timeline-phone.png", full_page=True)
