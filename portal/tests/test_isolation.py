"""A contact sees their own client's projects they were given, and only what is client-visible."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from acceptance.models import TestCase
from acceptance.services import run_case_as_user
from clients.tests.factories import ContactFactory, SalesHandoffFactory
from outbox.models import OutgoingEmail
from portal import services
from portal import urls as portal_urls
from portal.models import Survey, TaskUpload
from portal.tests.helpers import sign_in
from projects.models import Issue, Phase, PhaseChange, Task
from projects.tests.factories import (
    CommentFactory,
    HandoffReportFactory,
    IssueFactory,
    MilestoneFactory,
    ProjectFactory,
    RiskFactory,
    TaskFactory,
    TimeEntryFactory,
)
from reports.services import report_send_now

pytestmark = pytest.mark.django_db

SECRET = "INTERNAL-7Q"


@pytest.fixture
def world(pm):
    project = ProjectFactory(pm=pm, name="Payroll for Acme")
    contact = ContactFactory(client=project.client, name="Dana Client")
    sibling = ProjectFactory(pm=pm, client=project.client, name=f"Time clocks {SECRET} sibling")
    stranger_project = ProjectFactory(pm=pm, name=f"Other client {SECRET} project")
    stranger = ContactFactory(client=stranger_project.client)
    return {
        "project": project,
        "contact": contact,
        "sibling": sibling,
        "stranger_project": stranger_project,
        "stranger": stranger,
    }


def test_a_contact_never_reaches_another_clients_project_or_one_they_were_not_given(
    client, world, pm
):
    project, contact = world["project"], world["contact"]
    foreign_task = TaskFactory(
        project=world["stranger_project"], visible_to_client=True, owner_contact=world["stranger"]
    )
    sibling_task = TaskFactory(
        project=world["sibling"], visible_to_client=True, owner_contact=contact
    )
    # Even access wrongly recorded for another client's project opens nothing.
    services.portal_access_grant(
        contact=world["stranger"], project=world["stranger_project"], user=pm
    )
    from portal.models import PortalAccess

    PortalAccess.objects.create(contact=contact, project=world["stranger_project"])
    sign_in(client, contact, project, user=pm)
    for url in (
        reverse("portal:project", args=[world["sibling"].pk]),
        reverse("portal:project", args=[world["stranger_project"].pk]),
        reverse("portal:task", args=[foreign_task.pk]),
        reverse("portal:task", args=[sibling_task.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("portal:task_done", args=[sibling_task.pk])).status_code == 404
    sibling_task.refresh_from_db()
    assert sibling_task.status == Task.Status.NOT_STARTED


def test_a_file_of_another_project_is_not_downloaded(client, world, pm):
    other_contact = world["stranger"]
    task = TaskFactory(
        project=world["stranger_project"], visible_to_client=True, owner_contact=other_contact
    )
    upload = services.portal_upload_add(
        task=task, contact=other_contact, uploaded=SimpleUploadedFile("bank.pdf", b"%PDF-1.4")
    )
    sign_in(client, world["contact"], world["project"], user=pm)
    assert client.get(reverse("portal:download", args=[upload.pk])).status_code == 404


def test_sign_offs_and_surveys_of_someone_else_are_not_found(client, world, pm):
    project, contact = world["project"], world["contact"]
    colleague = ContactFactory(client=project.client)
    milestone = MilestoneFactory(
        project=project, completed_on=timezone.localdate(), visible_to_client=True
    )
    request = services.signoff_request(milestone=milestone, contact=colleague, user=pm)
    survey = services.send_survey(project, colleague, Survey.Reason.GO_LIVE)
    sign_in(client, contact, project, user=pm)
    assert client.get(reverse("portal:signoff", args=[request.pk])).status_code == 404
    assert client.get(reverse("portal:survey", args=[survey.pk])).status_code == 404


def plant_internal_text(project, contact, pm) -> None:
    """Marked text in every internal field of the project and around it, and something of
    each kind a portal page shows to the contact."""
    client = project.client
    client.notes = f"{SECRET} client notes"
    client.save()
    ContactFactory(client=client, name=f"{SECRET} other contact", phone="555")
    project.budget_hours = Decimal("9871.5")
    project.budget_amount = Decimal("7654321.00")
    project.health_override = "red"
    project.health_override_reason = f"{SECRET} health override"
    project.health_override_until = timezone.localdate() + timedelta(days=3)
    project.health_reasons = [f"{SECRET} health reason"]
    # In Testing, so that the contact may be asked to sign UAT off.
    project.phase = Phase.TESTING
    project.save()
    handoff = SalesHandoffFactory(
        client=client,
        commitments=f"{SECRET} commitments",
        special_terms=f"{SECRET} terms",
        pain_points=f"{SECRET} pains",
        stakeholders=f"{SECRET} stakeholders",
    )
    project.sales_handoff = handoff
    project.save()
    PhaseChange.objects.create(
        project=project, from_phase="discovery", to_phase="configuration", note=f"{SECRET} note"
    )
    hidden_milestone = MilestoneFactory(project=project, name=f"{SECRET} hidden milestone")
    shared = MilestoneFactory(
        project=project,
        name="Payroll parallel run",
        visible_to_client=True,
        completed_on=timezone.localdate(),
    )
    hidden_task = TaskFactory(
        project=project,
        milestone=shared,
        title=f"{SECRET} internal task",
        description=f"{SECRET} internal description",
    )
    TaskFactory(
        project=project,
        milestone=hidden_milestone,
        title=f"{SECRET} task of hidden milestone",
        owner_contact=contact,
    )
    own = TaskFactory(
        project=project,
        milestone=shared,
        title="Send the employee census",
        description="One row per employee.",
        visible_to_client=True,
        owner_contact=contact,
    )
    risk = RiskFactory(
        project=project,
        title=f"{SECRET} risk",
        description=f"{SECRET} risk description",
        mitigation_plan=f"{SECRET} mitigation",
    )
    issue = IssueFactory(
        project=project,
        title=f"{SECRET} issue",
        description=f"{SECRET} issue description",
        resolution=f"{SECRET} resolution",
    )
    for target in ({}, {"task": own}, {"task": hidden_task}, {"risk": risk}, {"issue": issue}):
        CommentFactory(project=project, author=pm, body=f"{SECRET} comment", **target)
    TimeEntryFactory(project=project, user=pm, task=own, note=f"{SECRET} time note")
    HandoffReportFactory(
        project=project,
        configuration_summary=f"{SECRET} configured",
        decisions=f"{SECRET} decisions",
        training=f"{SECRET} training",
        open_items=f"{SECRET} support notes",
    )
    staff_upload_task = TaskFactory(project=project, owner_contact=contact)
    # A file on a task the client cannot see (sent before the flag was turned off).
    Task.objects.filter(pk=staff_upload_task.pk).update(visible_to_client=True)
    services.portal_upload_add(
        task=Task.objects.get(pk=staff_upload_task.pk),
        contact=contact,
        uploaded=SimpleUploadedFile(f"{SECRET}-hidden.csv", b"a,b\n"),
    )
    Task.objects.filter(pk=staff_upload_task.pk).update(visible_to_client=False)
    services.portal_upload_add(
        task=own, contact=contact, uploaded=SimpleUploadedFile("census.csv", b"id,name\n")
    )
    # A case given to the contact that the team ran first: its notes, the defect it raised and
    # the team's comments on it are the team's; a case the team keeps for itself.
    given = TestCase.objects.create(
        project=project,
        title="Net pay matches the old system",
        steps="Run the October pay run.",
        expected_result="Net pay matches to the cent.",
        is_critical=True,
        tester_contact=contact,
    )
    run = run_case_as_user(
        given, pm, passed=False, notes=f"{SECRET} run notes", severity=Issue.Severity.HIGH
    )
    Issue.objects.filter(pk=run.defect_id).update(resolution=f"{SECRET} defect resolution")
    CommentFactory(project=project, author=pm, body=f"{SECRET} defect comment", issue=run.defect)
    TestCase.objects.create(
        project=project,
        title=f"{SECRET} internal case",
        steps=f"{SECRET} internal steps",
        expected_result=f"{SECRET} internal expected result",
        is_critical=True,
        tester_user=pm,
    )
    services.signoff_request(milestone=shared, contact=contact, user=pm)
    services.uat_signoff_request(project=project, contact=contact, user=pm)
    services.send_survey(project, contact, Survey.Reason.GO_LIVE)
    # A status report whose client version went to the contact; its internal version holds
    # everything above.
    report_send_now(project=project, user=pm, client_contact_ids=[contact.pk])


# POST-only actions of the portal: no page to search, so a GET must be refused (405).
PORTAL_ACTIONS = {"sign_out", "task_done"}


def portal_pages(project, contact, pm, second) -> dict[str, list[dict]]:
    """For each portal URL name, the arguments of every page of it the contact may open in
    the planted world: each filled from what the contact was given, never from a list kept by
    hand elsewhere."""
    _, token = services.portal_link_create(contact=contact, project=project, user=pm)
    visible_tasks = project.tasks.filter(visible_to_client=True)
    return {
        "home": [{}],
        # The link's own page, and the page of a link that signs nobody in.
        "link": [{"token": token}, {"token": "x" * 43}],
        "signed_out": [{}],
        "project": [{"pk": project.pk}, {"pk": second.pk}],
        "task": [{"pk": pk} for pk in visible_tasks.values_list("pk", flat=True)],
        "task_done": [{"pk": pk} for pk in visible_tasks.values_list("pk", flat=True)],
        "download": [
            {"pk": pk}
            for pk in TaskUpload.objects.filter(task__in=visible_tasks).values_list("pk", flat=True)
        ],
        "signoff": [
            {"pk": pk}
            for pk in contact.signoff_requests.filter(milestone__isnull=False).values_list(
                "pk", flat=True
            )
        ],
        "uat_signoff": [
            {"pk": pk}
            for pk in contact.signoff_requests.filter(milestone__isnull=True).values_list(
                "project_id", flat=True
            )
        ],
        "survey": [{"pk": pk} for pk in contact.surveys.values_list("pk", flat=True)],
        "case": [{"pk": pk} for pk in contact.test_cases.values_list("pk", flat=True)],
        "report_pdf": [
            {"pk": pk} for pk in contact.report_documents.values_list("report_id", flat=True)
        ],
        "sign_out": [{}],
    }


def text_of(response) -> str:
    """What a person reads of a response: the page, or the file it downloads."""
    if response["Content-Type"] == "application/pdf":
        pages = PdfReader(io.BytesIO(response.content)).pages
        return "\n".join(page.extract_text() for page in pages)
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode()


def test_no_internal_text_reaches_any_portal_page_or_portal_email(client, world, pm):
    project, contact = world["project"], world["contact"]
    plant_internal_text(project, contact, pm)
    # A second project of theirs, so that the list of projects shows too.
    second = ProjectFactory(pm=pm, client=project.client, name="Benefits for Acme")
    services.portal_access_grant(contact=contact, project=second, user=pm)
    sign_in(client, contact, project, user=pm)

    # Every pattern of portal/urls.py is visited: a new page fails here until it says how it
    # is filled from the planted world.
    pages = portal_pages(project, contact, pm, second)
    names = [pattern.name for pattern in portal_urls.urlpatterns]
    unfilled = sorted(set(names) - set(pages))
    assert not unfilled, f"Say in portal_pages() how to fill these portal URLs: {unfilled}"
    seen = ""
    for name in names:
        assert pages[name], f"portal:{name}: nothing planted opens this page"
        for kwargs in pages[name]:
            url = reverse(f"portal:{name}", kwargs=kwargs)
            response = client.get(url)
            if name in PORTAL_ACTIONS:
                assert response.status_code == 405, url
                continue
            assert response.status_code == 200, url
            text = text_of(response)
            assert SECRET not in text, url
            for figure in ("9871", "9,871", "7654321", "7,654,321"):
                assert figure not in text, (url, figure)
            seen += text
    # The pages do show what is shared.
    for shared in (
        "Send the employee census",
        "Payroll parallel run",
        "Benefits for Acme",
        "Net pay matches the old system",
        "Sign off user acceptance testing",
        "id,name",
        "Status report: Payroll for Acme",
    ):
        assert shared in seen, shared
    for email in OutgoingEmail.objects.filter(to_email=contact.email):
        assert SECRET not in email.subject + email.body_text + email.body_html
    assert not [m for m in mail.outbox if SECRET in m.body]
