"""In headless Chromium: a PM takes a project through go-live from its readiness page, and
support accepts the handoff report from its queue of incoming handoffs."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import Client
from clients.tests.factories import ContactFactory
from golive.models import CutoverStep
from onboarding.tests.browser import (  # noqa: F401 (fixtures are found by name)
    PHONE,
    browser,
    expect_no_horizontal_overflow,
    live_app,
    log_in,
    open_page,
)
from projects.models import HandoffReport, Phase
from projects.tests.factories import MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def eager_celery():
    """The handoff build the move into Go-live enqueues runs in the live server's thread."""
    from onboarding.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_pm_takes_the_project_through_go_live_and_support_accepts_the_handoff(
    open_page,  # noqa: F811
    pm,
    support,
    eager_celery,
):
    project = ProjectFactory(name="Bluebird payroll", pm=pm, phase=Phase.TESTING)
    contact = ContactFactory(client=project.client, name="Maria Chen", is_primary=True)
    MilestoneFactory(
        project=project,
        name="Parallel payroll passed",
        is_golive_critical=True,
        completed_on=timezone.localdate(),
        signed_off_by=contact,
        signed_off_at=timezone.now(),
    )
    project.uat_signed_off_at, project.uat_signed_off_by = timezone.now(), contact
    project.save()

    page = open_page()
    log_in(page, pm.username)
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Go-live readiness").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Go-live readiness")
    gate = page.get_by_role("region", name="The gate Met")
    expect(gate).to_contain_text("UAT signed off by the client")

    page.get_by_role("link", name="Add a step").click()
    page.get_by_label("Step").fill("Freeze payroll changes in the old system")
    page.get_by_role("button", name="Add step").click()
    step = page.locator("li.list-group-item", has_text="Freeze payroll changes in the old system")
    expect(step).to_contain_text("Open")
    expect(page.get_by_role("region", name="Move to Go-live")).to_contain_text(
        "Still open on the checklist"
    )
    step.get_by_role("button", name="Done").click()
    expect(page.locator("li.list-group-item", has_text="Freeze payroll changes")).to_contain_text(
        "Done"
    )
    assert CutoverStep.objects.get(project=project).state == "done"

    page.get_by_role("button", name="Move to Go-live").click()
    expect(page.get_by_role("status").or_(page.locator(".alert-success")).first).to_contain_text(
        "is live as of"
    )
    project.refresh_from_db()
    assert project.phase == Phase.GO_LIVE and project.hypercare_ends_on is not None
    expect(page.get_by_role("main")).to_contain_text(
        f"{project.hypercare_ends_on.day} {project.hypercare_ends_on:%b %Y}"
    )
    assert Client.objects.get(pk=project.client_id).account_status == "live"

    # The job built the report; the PM sends it to support.
    page.get_by_role("link", name="Handoff report").click()
    expect(page.get_by_role("main")).to_contain_text("Built from the project")
    page.get_by_role("button", name="Send to support").click()
    expect(page.get_by_role("main")).to_contain_text("Exactly what support received")

    desk = open_page()
    log_in(desk, support.username)
    desk.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Incoming handoffs"
    ).click()
    desk.get_by_role("link", name=project.client.name).click()
    expect(desk.get_by_role("main")).to_contain_text("Maria Chen")
    desk.get_by_role("button", name="Accept the handoff").click()
    expect(desk.get_by_role("main")).to_contain_text("Accepted")

    report = HandoffReport.objects.get(project=project)
    project.refresh_from_db()
    assert report.status == HandoffReport.Status.ACCEPTED
    assert project.phase == Phase.HANDED_OFF


def test_the_readiness_page_fits_a_phone(open_page, pm):  # noqa: F811
    project = ProjectFactory(name="Fabrikam benefits enrolment", pm=pm, phase=Phase.TESTING)
    for n, title in enumerate(["Freeze payroll changes", "Run the final census import"]):
        CutoverStep.objects.create(project=project, title=title, owner=pm, order=n)
    phone = open_page(PHONE)
    log_in(phone, pm.username)
    phone.goto(f"/projects/{project.pk}/go-live/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Go-live readiness")
    expect_no_horizontal_overflow(phone)
