"""A PM records a meeting, adds an action item, and finds it in the plan as a task."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.tests.factories import ContactFactory
from meetings.models import ActionItem, Meeting
from onboarding.tests.browser import (  # noqa: F401 (fixtures are found by name)
    PHONE,
    browser,
    expect_no_horizontal_overflow,
    live_app,
    log_in,
    open_page,
    page,
)
from projects.models import Task
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.browser


def test_pm_records_a_meeting_with_an_action_item_and_sees_the_task(page, pm):  # noqa: F811
    pm.first_name, pm.last_name = "Pat", "Morgan"
    pm.save(update_fields=["first_name", "last_name"])
    project = ProjectFactory(name="Acme Tools payroll", pm=pm)
    ContactFactory(client=project.client, name="Dana Client")
    starts = (timezone.localtime() + datetime.timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    due = timezone.localdate() + datetime.timedelta(days=9)

    log_in(page, pm.username)
    page.goto(project.get_absolute_url())
    page.locator("#project-more").scroll_into_view_if_needed()  # the card loads when seen
    meetings_card = page.get_by_role("region", name="Meetings and decisions")
    expect(meetings_card).to_contain_text("No meeting planned.")
    meetings_card.get_by_role("link", name="New meeting").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("New meeting")
    page.get_by_label("Kind").select_option(label="Kick-off")
    page.get_by_label("Title").fill("Kick-off with Acme")
    page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Duration (minutes)").fill("90")
    page.get_by_label("Pat Morgan").check()
    page.get_by_label("Dana Client (Project lead)").check()
    page.get_by_label("Agenda").fill("Plan, census file, pay groups")
    page.get_by_role("button", name="Add meeting").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kick-off with Acme")
    expect(page.get_by_role("alert")).to_contain_text("Meeting “Kick-off with Acme” recorded.")
    attendees = page.get_by_role("region", name="Attendees")
    expect(attendees).to_contain_text("Pat Morgan")
    expect(attendees).to_contain_text("Dana Client")

    page.get_by_role("link", name="Add action item").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New action item")
    page.get_by_label("What needs doing").fill("Send the employee census file")
    expect(page.get_by_label("Owner (team)")).to_have_value(str(pm.pk))
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_role("button", name="Add action item").click()

    action_items = page.get_by_role("region", name="Action items")
    expect(action_items).to_contain_text("Pat Morgan")
    action_items.get_by_role("link", name="Send the employee census file").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Send the employee census file")
    expect(page.locator("main")).to_contain_text(
        "Action item from the meeting “Kick-off with Acme”"
    )
    meeting = Meeting.objects.get(project=project)
    task = Task.objects.get(project=project)
    assert ActionItem.objects.get(meeting=meeting).task == task
    assert task.owner_user == pm and task.due_date == due

    page.goto(project.get_absolute_url())
    page.locator("#project-more").scroll_into_view_if_needed()
    expect(page.get_by_role("region", name="Meetings and decisions")).to_contain_text(
        "Kick-off with Acme"
    )


def test_the_meeting_page_fits_a_phone(open_page, pm):  # noqa: F811
    project = ProjectFactory(name="Fabrikam benefits enrolment with a long project name", pm=pm)
    meeting = Meeting.objects.create(
        project=project,
        title="Go-live readiness review for Fabrikam with a long meeting title",
        kind=Meeting.Kind.GO_LIVE_READINESS,
        starts_at=timezone.now(),
        minutes="A" * 300,
    )
    phone = open_page(PHONE)
    log_in(phone, pm.username)
    phone.goto(meeting.get_absolute_url())
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Go-live readiness review")
    expect_no_horizontal_overflow(phone)
