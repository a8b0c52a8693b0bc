"""The client and internal versions of a status report, their recipients, and their PDFs."""

import datetime
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from clients.tests.factories import ContactFactory
from outbox.models import OutgoingEmail
from projects.models import Phase, RoleRate, Task
from projects.tests.factories import (
    CommentFactory,
    IssueFactory,
    MilestoneFactory,
    RiskFactory,
    TaskFactory,
    TimeEntryFactory,
)
from reports import services
from reports.models import Audience, ReportDocument, StatusReportSettings
from reports.tasks import make_pdfs

pytestmark = pytest.mark.django_db

INTERNAL = "INTERNAL-ONLY"


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(bytes(data)))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def project(make_project, pm):
    """A project with something of every kind, internal text planted wherever it may hide."""
    project = make_project(
        pm=pm,
        phase=Phase.TESTING,
        budget_amount=Decimal("987654"),
        budget_hours=Decimal("400"),
        health_override_reason=f"{INTERNAL} override reason",
    )
    today = timezone.localdate()
    RoleRate.objects.create(role="consultant", hourly_rate=Decimal("150"))
    contact = project.client.contacts.get(email__startswith="lead")
    design = MilestoneFactory(
        project=project,
        name="Design signed",
        is_key=True,
        due_date=today - datetime.timedelta(days=3),
        completed_on=today - datetime.timedelta(days=2),
        visible_to_client=True,
    )
    MilestoneFactory(
        project=project,
        name="Parallel run",
        due_date=today + datetime.timedelta(3),
        visible_to_client=True,
    )
    # Done, key, unsigned, and due within the period: on every list the client would see.
    MilestoneFactory(
        project=project,
        name=f"{INTERNAL} milestone",
        is_key=True,
        due_date=today - datetime.timedelta(days=1),
        completed_on=today - datetime.timedelta(days=1),
    )
    MilestoneFactory(
        project=project, name=f"{INTERNAL} late milestone", due_date=today - datetime.timedelta(1)
    )
    TaskFactory(
        project=project,
        milestone=design,
        title="Send the employee census",
        owner_contact=contact,
        due_date=today + datetime.timedelta(days=2),
        start_date=today - datetime.timedelta(days=10),
        visible_to_client=True,
    )
    # Milestones and a task of the contact's that the team keeps to itself: one done and
    # waiting for sign-off, one overdue, one due soon.
    for done, due in ((-1, -4), (None, -1), (None, 2)):
        hidden = MilestoneFactory(
            project=project,
            name=f"{INTERNAL} milestone due {due}",
            is_key=True,
            due_date=today + datetime.timedelta(days=due),
            completed_on=today + datetime.timedelta(days=done) if done else None,
        )
    TaskFactory(
        project=project,
        milestone=hidden,
        title=f"{INTERNAL} task of the contact's",
        owner_contact=contact,
        due_date=today + datetime.timedelta(days=1),
    )
    task = TaskFactory(
        project=project, title=f"{INTERNAL} team task", status=Task.Status.IN_PROGRESS
    )
    TimeEntryFactory(project=project, task=task, hours=Decimal("8"), note=f"{INTERNAL} time note")
    internal_risk = RiskFactory(
        project=project,
        title=f"{INTERNAL} risk: the client's sponsor is disengaged",
        mitigation_plan=f"{INTERNAL} mitigation",
    )
    RiskFactory(
        project=project,
        title="Bank letter may arrive late",
        visible_to_client=True,
        mitigation_plan=f"{INTERNAL} mitigation of a shared risk",
    )
    IssueFactory(project=project, title=f"{INTERNAL} issue with their IT")
    IssueFactory(project=project, title="Pay codes do not map", visible_to_client=True)
    CommentFactory(project=project, body=f"{INTERNAL} comment on the project")
    CommentFactory(risk=internal_risk, body=f"{INTERNAL} comment on a risk")
    StatusReportSettings.objects.create(project=project, next_notes=f"{INTERNAL} notes from PM")
    return project


def test_the_client_version_never_holds_internal_text(
    project, client_as, pm, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(make_pdfs, "delay", lambda report_id: make_pdfs.apply([report_id])),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report, _ = services.report_send_now(project=project, user=pm)
    client = report.documents.get(audience=Audience.CLIENT)
    email = OutgoingEmail.objects.get(to_email__startswith="lead")
    page = client_as(pm).get(report.get_absolute_url() + "?version=client").content.decode()
    pdf = pdf_text(client.pdf)
    for name, text in {
        "email html": client.body_html,
        "email text": client.body_text,
        "document": client.document_html,
        "sent email html": email.body_html,
        "sent email text": email.body_text,
        "subject": email.subject,
        "pdf": pdf,
    }.items():
        assert INTERNAL not in text, name
        for money in ("987,654", "987654", "Forecast at completion", "Cost burned"):
            assert money not in text, (name, money)
    assert INTERNAL not in page.split('id="recipients-heading"')[0]
    # What the client does see.
    for shown in (
        "Send the employee census",
        "Bank letter may arrive late",
        "Pay codes do not map",
    ):
        assert shown in client.body_html and shown in client.body_text and shown in pdf
    assert "Design signed" in client.body_html  # a key milestone done, waiting for sign-off
    assert "User acceptance testing (UAT)" in client.body_text
    assert "Testing (ORT/UAT)" in client.body_html


def test_the_internal_version_shows_budget_in_money_and_what_the_team_needs(project, pm):
    report, _ = services.report_send_now(project=project, user=pm)
    internal = report.documents.get(audience=Audience.INTERNAL)
    money = internal.snapshot["money"]
    # 8 h at the consultant's 150/h burned; the open tasks' estimates priced at that rate.
    assert Decimal(money["cost_burned"]) == Decimal("1200.00")
    assert Decimal(money["budget_amount"]) == Decimal("987654")
    assert "$987,654" in internal.body_html and "$1,200" in internal.body_html
    assert "Budget in money: $987,654; cost burned $1,200" in internal.body_text
    assert "Forecast at completion" in internal.body_html
    assert f"{INTERNAL} notes from PM" in internal.body_text
    assert f"{INTERNAL} risk" in internal.body_html
    assert report.body_html == internal.body_html


def test_the_timeline_is_a_table_of_bars_in_email_and_an_svg_on_the_page(project, pm):
    report, _ = services.report_send_now(project=project, user=pm)
    for document in report.documents.all():
        assert "<svg" not in document.body_html and "Parallel run" in document.body_html
        assert 'bgcolor="#' in document.body_html  # bars drawn as table cells
        assert "<svg" in document.document_html and ">today</text>" in document.document_html
        assert "TIMELINE" in document.body_text


def test_team_and_sales_get_the_internal_version_and_chosen_contacts_the_client_one(project, pm):
    report, _ = services.report_send_now(project=project, user=pm)
    versions = {r["email"]: r["version"] for r in report.recipients}
    assert versions == {
        pm.email: "internal",
        "consultant1@vendor.example": "internal",
        "rep1@vendor.example": "internal",
        "lead1@client.example": "client",
    }
    client = report.documents.get(audience=Audience.CLIENT)
    internal = report.documents.get(audience=Audience.INTERNAL)
    for email in OutgoingEmail.objects.filter(kind="status_report"):
        expected = client if versions[email.to_email] == "client" else internal
        other = internal if expected is client else client
        assert expected.body_html in email.body_html and other.body_html not in email.body_html


def test_the_client_version_keeps_the_contacts_it_went_to_and_the_internal_one_none(project, pm):
    lead = project.client.contacts.get(email__startswith="lead")
    quiet = project.client.contacts.get(email__startswith="quiet")
    report, _ = services.report_send_now(project=project, user=pm)
    assert list(report.documents.get(audience=Audience.CLIENT).contacts.all()) == [lead]
    assert not report.documents.get(audience=Audience.INTERNAL).contacts.exists()
    # The PM's choice for one report is what is kept for it.
    later = timezone.now() + datetime.timedelta(minutes=5)
    chosen, _ = services.report_send_now(
        project=project, user=pm, now=later, client_contact_ids=[quiet.pk]
    )
    assert list(chosen.documents.get(audience=Audience.CLIENT).contacts.all()) == [quiet]


def test_the_pm_chooses_the_projects_client_recipients_on_the_schedule_page(project, client_as, pm):
    quiet = project.client.contacts.get(email__startswith="quiet")
    stranger = ContactFactory(email="stranger@elsewhere.example")
    url = reverse("reports:schedule", args=[project.pk])
    page = client_as(pm).get(url).content.decode()
    assert "quiet1@client.example" in page and "stranger@" not in page
    data = {"cadence": "weekly", "weekday": 0, "next_notes": "", "client_recipients": [quiet.pk]}
    assert client_as(pm).post(url, data).status_code == 302
    response = client_as(pm).post(url, {**data, "client_recipients": [stranger.pk]})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    report, _ = services.report_send_now(project=project, user=pm)
    clients = [r["email"] for r in report.recipients if r["version"] == "client"]
    assert clients == ["quiet1@client.example"]


def test_the_pm_changes_the_client_recipients_of_one_report_when_sending(project, client_as, pm):
    quiet = project.client.contacts.get(email__startswith="quiet")
    url = reverse("reports:send_now", args=[project.pk])
    response = client_as(pm).post(
        url, {"client_recipients_shown": "1", "client_recipients": [quiet.pk]}
    )
    assert response.status_code == 302
    sent = OutgoingEmail.objects.filter(kind="status_report").values_list("to_email", flat=True)
    assert "quiet1@client.example" in sent and "lead1@client.example" not in sent
    # A contact of another client is refused, and nothing is sent.
    other = ContactFactory(email="other@elsewhere.example")
    before = OutgoingEmail.objects.count()
    response = client_as(pm).post(
        url, {"client_recipients_shown": "1", "client_recipients": [other.pk]}, follow=True
    )
    assert "Choose the client contacts from the list" in response.content.decode()
    assert OutgoingEmail.objects.count() == before


def test_the_preview_shows_each_version_and_saves_nothing(project, client_as, pm):
    url = reverse("reports:preview", args=[project.pk])
    internal = client_as(pm).get(url).content.decode()
    client = client_as(pm).get(url + "?version=client").content.decode()
    assert "987,654" in internal and f"{INTERNAL} notes from PM" in internal
    assert "Send the employee census" in client
    assert INTERNAL not in client.split('id="would-go-heading"')[0]
    assert "987,654" not in client
    assert ReportDocument.objects.count() == 0


def test_each_pdf_is_a_valid_pdf_with_the_clients_name_stored_as_sent(project, client_as, pm):
    report, _ = services.report_send_now(project=project, user=pm)
    for audience in ("internal", "client"):
        url = reverse("reports:report_pdf", args=[report.pk]) + f"?version={audience}"
        response = client_as(pm).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert "attachment" in response["Content-Disposition"]
        text = pdf_text(response.content)
        assert project.client.name in text and "Parallel run" in text
        stored = report.documents.get(audience=audience).pdf
        assert response.content == bytes(stored)
    # Later changes to the project do not change what was sent.
    project.client.name = "Renamed Holdings"
    project.client.save()
    url = reverse("reports:report_pdf", args=[report.pk]) + "?version=client"
    response = client_as(pm).get(url)
    assert "Renamed Holdings" not in pdf_text(response.content)


def test_sending_queues_one_pdf_job_that_makes_each_pdf_once(
    project, pm, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(make_pdfs, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        report, _ = services.report_send_now(project=project, user=pm)
    delay.assert_called_once_with(report.pk)
    # Sending makes no PDF itself: the tick makes a report for every project at once.
    assert set(report.documents.values_list("pdf", flat=True)) == {b""}

    assert make_pdfs.apply([report.pk]).get() == 2
    made = dict(report.documents.values_list("audience", "pdf"))
    assert all(bytes(pdf).startswith(b"%PDF-") for pdf in made.values())
    assert project.client.name in pdf_text(made["client"])
    # A repeat (a retry, or a message delivered twice) makes nothing and changes nothing.
    assert make_pdfs.apply([report.pk]).get() == 0
    assert dict(report.documents.values_list("audience", "pdf")) == made


def test_a_download_before_the_job_ran_makes_the_pdf_once(project, client_as, pm):
    report, _ = services.report_send_now(project=project, user=pm)
    url = reverse("reports:report_pdf", args=[report.pk]) + "?version=client"
    first = client_as(pm).get(url)
    assert first.status_code == 200 and first.content.startswith(b"%PDF-")
    stored = report.documents.get(audience="client").pdf
    assert bytes(stored) == first.content
    assert client_as(pm).get(url).content == first.content
    # The job then makes only the version nobody downloaded.
    assert make_pdfs.apply([report.pk]).get() == 1


def test_a_pdf_of_an_unknown_report_is_not_found_and_an_odd_version_is_the_internal_one(
    project, client_as, pm
):
    report, _ = services.report_send_now(project=project, user=pm)
    url = reverse("reports:report_pdf", args=[report.pk + 100])
    assert client_as(pm).get(url).status_code == 404
    odd = client_as(pm).get(reverse("reports:report_pdf", args=[report.pk]) + "?version=%00x")
    internal = report.documents.get(audience="internal")
    assert odd.status_code == 200 and odd.content == bytes(internal.pdf)


def _grow(project, n: int) -> None:
    """n more of everything a report lists, in both versions."""
    contact = project.client.contacts.first()
    for i in range(n):
        ContactFactory(client=project.client)
        MilestoneFactory(project=project, due_date=timezone.localdate())
        TaskFactory(project=project, owner_contact=contact, due_date=timezone.localdate())
        TaskFactory(project=project, status=Task.Status.BLOCKED)
        RiskFactory(project=project, visible_to_client=bool(i % 2))
        IssueFactory(project=project, visible_to_client=bool(i % 2))
        TimeEntryFactory(project=project, hours=Decimal("1"))


# Each version's preview reads only the lists that version shows: the internal one its
# overdue and blocked tasks (in one query), risks and issues; the client one the client's
# tasks, risks and issues.
@pytest.mark.parametrize(("version", "queries"), [("", 12), ("?version=client", 12)])
def test_the_preview_query_count_does_not_grow_with_the_project(
    project, client_as, pm, django_assert_num_queries, version, queries
):
    url = reverse("reports:preview", args=[project.pk]) + version
    logged_in = client_as(pm)
    logged_in.get(url)
    with django_assert_num_queries(queries):
        logged_in.get(url)
    _grow(project, 8)
    with django_assert_num_queries(queries):
        logged_in.get(url)
    # The PM's own choice of client contacts is read with the project too.
    choose_client_recipients(project, pm, list(project.client.contacts.order_by("pk")[:3]))
    with django_assert_num_queries(queries):
        logged_in.get(url)


def choose_client_recipients(project, pm, contacts) -> None:
    row = project.report_settings
    services.report_settings_update(
        project=project,
        user=pm,
        cadence=row.cadence,
        weekday=row.weekday,
        notes=row.next_notes,
        client_recipients=contacts,
    )


def test_the_preview_lists_the_client_contacts_the_pm_chose(project, client_as, pm, other_pm):
    quiet = project.client.contacts.get(email__startswith="quiet")
    extra = ContactFactory(client=project.client, email="extra@client.example")
    choose_client_recipients(project, pm, [quiet, extra])
    page = client_as(other_pm).get(reverse("reports:preview", args=[project.pk])).content
    client_list = page.decode().split("Client version</h3>")[1]
    assert "quiet1@client.example" in client_list and "extra@client.example" in client_list
    assert "lead1@client.example" not in client_list


def test_the_schedule_and_pdf_query_counts_do_not_grow(
    project, client_as, pm, django_assert_num_queries
):
    report, _ = services.report_send_now(project=project, user=pm)
    make_pdfs.apply([report.pk])
    schedule = reverse("reports:schedule", args=[project.pk])
    pdf = reverse("reports:report_pdf", args=[report.pk]) + "?version=client"
    logged_in = client_as(pm)
    logged_in.get(schedule)
    for _ in range(2):
        with django_assert_num_queries(7):
            logged_in.get(schedule)
        with django_assert_num_queries(5):
            logged_in.get(pdf)
        _grow(project, 6)
