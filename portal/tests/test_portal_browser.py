"""The client's side in headless Chromium: a PM sends a link and asks for a sign-off; the
contact signs in by the link, sends a file, marks the task done, signs the milestone off,
runs the test case given to them and, asked by the PM, signs off UAT.

The portal is photographed at desktop and phone width into var/screenshots/portal/.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from acceptance.services import case_create
from clients.tests.factories import ContactFactory
from onboarding.celery import app as celery_app
from onboarding.tests.browser import (  # noqa: F401 (fixtures are found by name)
    PHONE,
    browser,
    expect_no_horizontal_overflow,
    live_app,
    log_in,
    open_page,
    page,
)
from outbox.models import OutgoingEmail
from portal.models import TaskUpload
from projects.models import ImplementationProject, Milestone, Phase, Task
from projects.tests.factories import MilestoneFactory, ProjectFactory, TaskFactory

pytestmark = pytest.mark.browser

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "portal"


@pytest.fixture(autouse=True)
def _emails_sent_at_once():
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


def _link_in_newest_email(to: str) -> str:
    body = OutgoingEmail.objects.filter(to_email=to).latest("pk").body_text
    return "/portal/in/" + body.split("/portal/in/")[1].split()[0]


def test_a_contact_signs_in_by_link_sends_a_file_finishes_a_task_and_signs_off(
    open_page,  # noqa: F811
    pm,
    tmp_path,
):
    project = ProjectFactory(name="Acme payroll", pm=pm, phase=Phase.TESTING)
    contact = ContactFactory(client=project.client, name="Dana Client")
    kickoff = MilestoneFactory(
        project=project, name="Kick-off held", visible_to_client=True, order=1
    )
    parallel = MilestoneFactory(
        project=project,
        name="Parallel run",
        visible_to_client=True,
        order=2,
        completed_on=timezone.localdate(),
    )
    MilestoneFactory(project=project, name="Internal margin review", order=3)
    census = TaskFactory(
        project=project,
        milestone=kickoff,
        title="Send the employee census",
        description="One row per employee, with pay rates.",
        visible_to_client=True,
        owner_contact=contact,
    )
    TaskFactory(
        project=project, milestone=parallel, title="Compare the payslips", visible_to_client=True
    )
    TaskFactory(project=project, title="Chase the late census internally")
    case = case_create(
        project=project,
        user=pm,
        data={
            "title": "Run the first payroll",
            "steps": "Open Payroll\nPress Run for the current period",
            "expected_result": "A payslip for every employee",
            "is_critical": True,
        },
        tester_contact=contact,
    )

    staff = open_page()
    log_in(staff, pm.username)
    staff.goto(f"/projects/{project.pk}/")
    # The client portal card is in the part of the page that loads when scrolled to.
    staff.get_by_text("Recent changes").scroll_into_view_if_needed()
    staff.get_by_role("link", name="Access, sign-offs and surveys").click()
    staff.get_by_role("combobox", name="Contact").select_option(label="Dana Client")
    staff.get_by_role("button", name="Send link").click()
    expect(staff.locator("main")).to_contain_text("A sign-in link is on its way to Dana Client")
    staff.get_by_role("combobox", name="Milestone").select_option(label="Parallel run")
    staff.get_by_role("combobox", name="Ask").select_option(label="Dana Client")
    staff.get_by_role("button", name="Ask for sign-off").click()
    expect(staff.locator("main")).to_contain_text("Dana Client is asked to sign off")

    client = open_page()
    client.goto(_link_in_newest_email(contact.email))
    expect(client.get_by_role("heading", level=1)).to_have_text("Hello Dana Client")
    client.get_by_role("button", name="Continue to the sign-off").click()
    expect(client.get_by_role("heading", level=1)).to_contain_text("Sign off “Parallel run”")
    client.get_by_role("link", name="Acme payroll").click()

    main = client.locator("main")
    expect(main).to_contain_text("Send the employee census")
    expect(main).to_contain_text("Compare the payslips")
    expect(main).not_to_contain_text("Chase the late census")
    expect(main).not_to_contain_text("Internal margin review")
    SHOTS.mkdir(parents=True, exist_ok=True)
    client.screenshot(path=SHOTS / "project-desktop.png", full_page=True)

    client.get_by_role("link", name="Send the employee census").first.click()
    census_file = tmp_path / "census.csv"
    census_file.write_text("name,rate\nA,20\n")
    client.get_by_label("Your file").set_input_files(census_file)
    client.get_by_role("button", name="Send the file").click()
    expect(main).to_contain_text("the file was sent to the team")
    expect(main.get_by_role("link", name="census.csv")).to_be_visible()
    client.screenshot(path=SHOTS / "task-desktop.png", full_page=True)
    client.get_by_role("button", name="Mark as done").click()
    expect(main).to_contain_text("is marked done")
    assert Task.objects.get(pk=census.pk).status == Task.Status.DONE
    assert TaskUpload.objects.get().task_id == census.pk

    client.get_by_role("link", name="Acme payroll").click()
    client.get_by_role("link", name="Review and sign off").click()
    client.get_by_label("I have reviewed this milestone").check()
    client.get_by_role("button", name="Sign off").click()
    expect(main).to_contain_text("“Parallel run” is signed off")
    signed = Milestone.objects.get(pk=parallel.pk)
    assert signed.signed_off_by_id == contact.pk and signed.signed_off_at is not None

    # Back on the project page: the test case given to the contact, run, passed.
    expect(main).to_contain_text("Test cases to run")
    client.get_by_role("link", name="Run the test").click()
    expect(main).to_contain_text("A payslip for every employee")
    client.screenshot(path=SHOTS / "case-desktop.png", full_page=True)
    client.get_by_label("Passed").check()
    client.get_by_label("Notes").fill("Payslips for all 212 employees.")
    client.get_by_role("button", name="Send result").click()
    expect(main).to_contain_text("your result was sent to the team")
    assert case.runs.get().passed

    # The PM asks for the UAT sign-off; the contact gives it.
    staff.goto(f"/projects/{project.pk}/portal/")
    staff.get_by_role("combobox", name="Milestone").select_option(
        label="User acceptance testing (UAT)"
    )
    staff.get_by_role("combobox", name="Ask").select_option(label="Dana Client")
    staff.get_by_role("button", name="Ask for sign-off").click()
    expect(staff.locator("main")).to_contain_text("Dana Client is asked to sign off UAT")
    client.goto(f"/portal/projects/{project.pk}/")
    expect(main).to_contain_text("Sign off UAT")
    client.get_by_role("link", name="Review and sign off").click()
    expect(main).to_contain_text("1 of 1 test case passed")
    client.screenshot(path=SHOTS / "uat-signoff-desktop.png", full_page=True)
    client.get_by_label("We have tested the system").check()
    client.get_by_role("button", name="Sign off UAT").click()
    expect(main).to_contain_text("user acceptance testing is signed off")
    assert ImplementationProject.objects.get(pk=project.pk).uat_signed_off_by_id == contact.pk

    # The team sees the file on the task and who signed off.
    staff.goto(f"/tasks/{census.pk}/")
    expect(staff.get_by_role("link", name="census.csv")).to_be_visible()

    phone = open_page(PHONE)
    phone.goto(_link_for_phone(contact, project, pm))
    phone.get_by_role("button", name="Sign in to the portal").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Acme payroll")
    expect_no_horizontal_overflow(phone)
    phone.screenshot(path=SHOTS / "project-phone.png", full_page=True)
    phone.goto(f"/portal/tasks/{census.pk}/")
    expect_no_horizontal_overflow(phone)
    phone.screenshot(path=SHOTS / "task-phone.png", full_page=True)
    phone.goto(f"/portal/test-cases/{case.pk}/")
    expect_no_horizontal_overflow(phone)
    phone.screenshot(path=SHOTS / "case-phone.png", full_page=True)
    phone.goto(f"/portal/projects/{project.pk}/uat-sign-off/")
    expect_no_horizontal_overflow(phone)
    phone.screenshot(path=SHOTS / "uat-signoff-phone.png", full_page=True)


def _link_for_phone(contact, project, pm) -> str:
    from portal import services

    services.portal_invite_send(contact=contact, project=project, user=pm)
    return _link_in_newest_email(contact.email)
