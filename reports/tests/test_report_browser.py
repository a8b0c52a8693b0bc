"""A PM previews both versions of a status report, sends it with a chosen contact, and reads it."""

import datetime
import os
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.tests.factories import ClientFactory, ContactFactory
from onboarding.tests.browser import (  # noqa: F401 (fixtures are found by name)
    PHONE,
    browser,
    live_app,
    log_in,
    open_page,
    page,
)
from projects.models import Phase, RoleRate
from projects.tests.factories import (
    MilestoneFactory,
    ProjectFactory,
    RiskFactory,
    TaskFactory,
    TimeEntryFactory,
)
from reports.models import StatusReport

pytestmark = pytest.mark.browser
# Set to a folder to keep screenshots of the report page (desktop and phone).
SHOTS = os.environ.get("GOLIVE_REPORT_SHOTS", "")


def test_pm_previews_both_versions_sends_to_a_chosen_contact_and_reads_the_report(
    page,  # noqa: F811
    open_page,  # noqa: F811
    pm,
):
    today = timezone.localdate()
    client = ClientFactory(name="Northwind Foods")
    lead = ContactFactory(client=client, name="Dana Lead", email="dana@northwind.example")
    ContactFactory(client=client, name="Sam Finance", email="sam@northwind.example")
    project = ProjectFactory(
        name="Northwind payroll",
        pm=pm,
        client=client,
        phase=Phase.CONFIGURATION,
        kickoff_date=today - datetime.timedelta(days=40),
        budget_amount=Decimal("60000"),
    )
    RoleRate.objects.create(role="consultant", hourly_rate=Decimal("150"))
    previous = None
    for offset, name in (
        (-20, "Discovery signed off"),
        (10, "Configuration done"),
        (45, "Go-live"),
    ):
        previous = MilestoneFactory(
            project=project,
            name=name,
            is_key=True,
            due_date=today + datetime.timedelta(days=offset),
            baseline_date=today + datetime.timedelta(days=offset - 5),
            completed_on=today + datetime.timedelta(days=offset) if offset < 0 else None,
            visible_to_client=True,
        )
        TaskFactory(
            project=project,
            milestone=previous,
            title=f"Work towards {name.lower()}",
            start_date=today + datetime.timedelta(days=offset - 20),
            due_date=today + datetime.timedelta(days=offset),
            estimate_hours=Decimal("40"),
        )
    TaskFactory(
        project=project,
        title="Send the bank letter",
        owner_contact=lead,
        due_date=today,
        visible_to_client=True,
    )
    RiskFactory(project=project, title="Internal: sponsor disengaged", probability=4, impact=4)
    RiskFactory(project=project, title="Bank letter may be late", visible_to_client=True)
    TimeEntryFactory(project=project, hours=Decimal("30"))

    log_in(page, pm.username)
    page.goto(f"/projects/{project.pk}/reports/preview/")
    expect(page.get_by_role("heading", name="Budget")).to_be_visible()
    expect(page.get_by_text("Internal: sponsor disengaged")).to_be_visible()
    page.get_by_role("link", name="Client version").click()
    expect(page.get_by_text("Send the bank letter").first).to_be_visible()
    expect(page.get_by_text("Internal: sponsor disengaged")).to_have_count(0)
    page.get_by_label("Sam Finance (sam@northwind.example)").check()
    page.get_by_label("Dana Lead (dana@northwind.example)").uncheck()
    page.get_by_role("button", name="Send this report now").click()
    expect(page.get_by_text("Status report sent to")).to_be_visible()

    report = StatusReport.objects.get(project=project)
    clients = [r["email"] for r in report.recipients if r["version"] == "client"]
    assert clients == ["sam@northwind.example"]
    expect(page.locator("svg").first).to_be_visible()
    expect(page.get_by_role("link", name="Download the internal version (PDF)")).to_be_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/report-internal-desktop.png", full_page=True)
        page.goto(f"/reports/{report.pk}/?version=client")
        page.screenshot(path=f"{SHOTS}/report-client-desktop.png", full_page=True)
        phone = open_page(PHONE)
        log_in(phone, pm.username)
        phone.goto(f"/reports/{report.pk}/")
        phone.screenshot(path=f"{SHOTS}/report-internal-phone.png", full_page=True)
