"""A PM's own week in headless Chromium: My work, then the timesheet."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onboarding.tests.browser import (  # noqa: F401 (fixtures are found by name)
    browser,
    live_app,
    log_in,
    open_page,
    page,
)
from projects.models import Task, TimeEntry
from projects.tests.factories import ProjectFactory, TaskFactory

pytestmark = pytest.mark.browser


def test_pm_changes_a_status_from_my_work_and_logs_hours_in_the_timesheet(page, pm):  # noqa: F811
    today = timezone.localdate()
    project = ProjectFactory(name="Acme Tools payroll", pm=pm)
    census = TaskFactory(
        project=project,
        owner_user=pm,
        title="Load the employee census",
        due_date=today - datetime.timedelta(days=2),
    )

    log_in(page, pm.username)
    main_menu = page.get_by_role("navigation", name="Main")
    main_menu.get_by_role("link", name="My work").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    overdue = page.locator("section", has=page.get_by_role("heading", name="Overdue"))
    expect(overdue).to_contain_text("Load the employee census")
    expect(overdue).to_contain_text("Acme Tools payroll")

    page.evaluate("() => { window.__noReload = true; }")
    with page.expect_response(lambda r: r.url.endswith(f"/tasks/{census.pk}/status/")):
        page.get_by_label("Status of Load the employee census").select_option(label="In progress")
    expect(page.get_by_role("status").filter(has_text="Load the employee census")).to_have_text(
        "“Load the employee census” is now in progress."
    )
    expect(page.get_by_label("Status of Load the employee census")).to_have_value("in_progress")
    assert page.evaluate("() => window.__noReload") is True, "the page was reloaded"
    census.refresh_from_db()
    assert census.status == Task.Status.IN_PROGRESS

    main_menu.get_by_role("link", name="Timesheet").click()
    monday = today - datetime.timedelta(days=today.weekday())
    cell = page.get_by_label(f"Hours on Load the employee census on {monday:%A %d %B}")
    cell.fill("3.5")
    page.get_by_role("button", name="Save timesheet").click()
    expect(page.locator("main")).to_contain_text("Timesheet saved: 1 day changed.")
    expect(
        page.get_by_label(f"Hours on Load the employee census on {monday:%A %d %B}")
    ).to_have_value("3.5")
    entry = TimeEntry.objects.get(user=pm)
    assert (entry.task, entry.spent_on, entry.hours) == (census, monday, Decimal("3.5"))

    # Back a week and forward again: the hours stay with their week.
    page.get_by_role("link", name="← Previous week").click()
    expect(page.locator("main")).to_contain_text("0 h logged")
    page.get_by_role("link", name="Next week →").click()
    expect(page.locator("main")).to_contain_text("3.50 h logged")
