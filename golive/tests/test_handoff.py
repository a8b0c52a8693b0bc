"""The handoff report at go-live: built once per go-live, stored as sent, reminded once."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from golive import handoff
from golive.models import HandoffMessage
from golive.tasks import build_handoff_report, handoff_reminders
from meetings.models import Decision, Meeting
from outbox.models import OutgoingEmail
from projects import services as project_services
from projects.models import HandoffReport, Phase, PhaseChange
from projects.tests.factories import IssueFactory, ProductFactory, TaskFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_project(ready_project):
    ready_project.products.add(ProductFactory(name="Payroll"))
    IssueFactory(project=ready_project, title="GL export rounding", severity="high")
    TaskFactory(project=ready_project, title="Admin training session", status="done")
    TimeEntryFactory(project=ready_project, hours=12)
    meeting = Meeting.objects.create(
        project=ready_project, title="Go-live readiness", starts_at=timezone.now()
    )
    Decision.objects.create(
        meeting=meeting,
        text="Pay hourly staff weekly.",
        decided_on=timezone.localdate(),
        decided_by="Client payroll lead",
    )
    change = project_services.project_change_phase(
        project=ready_project, to_phase=Phase.GO_LIVE, user=ready_project.pm
    )
    ready_project.refresh_from_db()
    ready_project.go_live_change = change
    return ready_project


def test_the_job_builds_the_report_once_per_go_live(live_project):
    change = live_project.go_live_change
    build_handoff_report.apply(args=[live_project.pk, change.pk]).get()
    report = HandoffReport.objects.get(project=live_project)
    facts = report.built_data
    assert facts["client"]["name"] == live_project.client.name
    assert facts["products"] == ["Payroll"]
    assert facts["contacts"][0]["name"] == "Dana Whitfield"
    assert facts["dates"]["actual_go_live"] == live_project.actual_go_live.isoformat()
    assert [i["title"] for i in facts["open_issues"]] == ["GL export rounding"]
    assert facts["decisions"][0]["text"] == "Pay hourly staff weekly."
    assert facts["training"] == ["Admin training session"]
    assert facts["tests"]["sign_offs"][0]["signed_off_by"] == "Dana Whitfield"
    assert facts["budget"]["hours_used"] == "12"
    # The free text is drafted from the facts for the PM to edit.
    assert "Pay hourly staff weekly." in report.decisions
    assert report.built_for_change_id == change.pk
    built_at, version = report.built_at, report.version

    # The PM writes; the job runs again (a retry, a second worker): nothing is rebuilt.
    HandoffReport.objects.filter(pk=report.pk).update(decisions="Weekly pay, agreed in writing.")
    assert "already built" in build_handoff_report.apply(args=[live_project.pk, change.pk]).get()
    report.refresh_from_db()
    assert (report.built_at, report.version) == (built_at, version)
    assert report.decisions == "Weekly pay, agreed in writing."


def test_a_new_go_live_builds_again_keeping_what_the_pm_wrote(live_project):
    change = live_project.go_live_change
    handoff.handoff_report_build(project_id=live_project.pk, change_id=change.pk)
    HandoffReport.objects.filter(project=live_project).update(training="Two sessions, recorded.")
    later = PhaseChange.objects.create(
        project=live_project, from_phase=Phase.TESTING, to_phase=Phase.GO_LIVE
    )
    report, built = handoff.handoff_report_build(project_id=live_project.pk, change_id=later.pk)
    assert built and report.built_for_change_id == later.pk
    assert report.training == "Two sessions, recorded."


def test_the_pm_rebuilds_until_sent_and_never_after(client_as, live_project):
    url = reverse("golive:handoff_rebuild", args=[live_project.pk])
    client_as(live_project.pm).post(url)
    report = HandoffReport.objects.get(project=live_project)
    assert report.built_at is not None
    project_services.handoff_report_send(report=report, user=live_project.pm)
    response = client_as(live_project.pm).post(url, follow=True)
    assert "rebuilt only before it is sent" in response.content.decode()
    with pytest.raises(ValidationError):
        handoff.handoff_report_build(project_id=live_project.pk, user=live_project.pm)


def test_what_support_received_is_stored_and_shown_exactly(client_as, live_project, support):
    handoff.handoff_report_build(
        project_id=live_project.pk, change_id=live_project.go_live_change.pk
    )
    report = HandoffReport.objects.get(project=live_project)
    project_services.handoff_report_send(report=report, user=live_project.pm)
    report.refresh_from_db()
    assert "GL export rounding" in report.sent_html
    assert live_project.client.name in report.sent_html

    email = OutgoingEmail.objects.get(dedup_key__endswith=":to:support-address")
    assert email.to_email == "support@golive.example"
    assert report.sent_html in email.body_html

    # The project moves on; the page still shows what support received.
    IssueFactory(project=live_project, title="Late bank file", severity="critical")
    page = client_as(support).get(reverse("projects:handoff_report", args=[live_project.pk]))
    html = page.content.decode()
    snapshot = html[html.index('id="sent-snapshot"') :]
    snapshot = snapshot[: snapshot.index("</details>")]
    assert report.sent_html in snapshot
    assert "Late bank file" not in snapshot


def test_returned_questions_open_the_thread_and_the_pm_answers(client_as, live_project, support):
    report = HandoffReport.objects.create(project=live_project)
    project_services.handoff_report_send(report=report, user=live_project.pm)
    project_services.handoff_report_decide(
        report=report, user=support, accept=False, comment="Who owns the GL export?"
    )
    question = HandoffMessage.objects.get(report=report)
    assert question.from_support and question.body == "Who owns the GL export?"

    url = reverse("golive:handoff_message", args=[live_project.pk])
    client_as(live_project.pm).post(url, {"body": "Priya in finance owns it."})
    answer = HandoffMessage.objects.get(report=report, from_support=False)
    assert answer.author == live_project.pm
    told = OutgoingEmail.objects.filter(dedup_key__startswith=f"handoff-message:{answer.pk}:")
    assert list(told.values_list("to_email", flat=True)) == [support.email]
    page = client_as(support).get(reverse("projects:handoff_report", args=[live_project.pk]))
    assert "Priya in finance owns it." in page.content.decode()


def test_a_report_nobody_acts_on_is_reminded_once(live_project, support):
    report = HandoffReport.objects.create(project=live_project)
    project_services.handoff_report_send(report=report, user=live_project.pm)
    assert handoff_reminders.apply().get()["reminded"] == 0  # just sent: not yet
    HandoffReport.objects.filter(pk=report.pk).update(sent_at=timezone.now() - timedelta(days=7))

    assert handoff_reminders.apply().get()["reminded"] == 1
    assert handoff_reminders.apply().get()["reminded"] == 0
    reminders = OutgoingEmail.objects.filter(dedup_key__startswith=f"handoff-reminder:{report.pk}:")
    assert sorted(reminders.values_list("to_email", flat=True)) == sorted(
        [support.email, "support@golive.example"]
    )
    assert "has waited for support since" in reminders.first().body_text


def test_a_go_live_whose_build_was_never_enqueued_is_built_by_the_tick(live_project):
    assert not HandoffReport.objects.filter(project=live_project).exists()
    assert handoff_reminders.apply().get()["built"] == 1
    report = HandoffReport.objects.get(project=live_project)
    assert report.built_for_change_id == live_project.go_live_change.pk
    assert handoff_reminders.apply().get()["built"] == 0


def test_support_accepting_moves_the_project_to_handed_off(live_project, support):
    report = HandoffReport.objects.create(project=live_project)
    project_services.handoff_report_send(report=report, user=live_project.pm)
    project_services.handoff_report_decide(
        report=report, user=support, accept=True, confirm_open_issues=True
    )
    live_project.refresh_from_db()
    assert live_project.phase == Phase.HANDED_OFF
    change = live_project.phase_changes.first()
    assert (change.from_phase, change.changed_by, change.note) == (
        Phase.GO_LIVE,
        support,
        "Support accepted the handoff report.",
    )


def test_a_returned_report_nobody_answers_reminds_the_pm(live_project, support):
    report = HandoffReport.objects.create(project=live_project)
    project_services.handoff_report_send(report=report, user=live_project.pm)
    project_services.handoff_report_decide(
        report=report, user=support, accept=False, comment="Which bank?"
    )
    HandoffReport.objects.filter(pk=report.pk).update(decided_at=timezone.now() - timedelta(days=7))
    assert handoff_reminders.apply().get()["reminded"] == 1
    [reminder] = OutgoingEmail.objects.filter(
        dedup_key__startswith=f"handoff-reminder:{report.pk}:"
    )
    assert reminder.to_email == live_project.pm.email
    assert "Answer them and send the report again" in reminder.body_text


def _waited(report: HandoffReport, since: str, days: int = 7) -> None:
    """Let the report's current wait (since it was sent, or since it was returned) last
    `days` calendar days: more than the business days a reminder waits for."""
    HandoffReport.objects.filter(pk=report.pk).update(
        **{since: timezone.now() - timedelta(days=days)}
    )


def test_each_wait_on_a_report_is_reminded_once_to_whoever_it_waits_on(live_project, support):
    report = HandoffReport.objects.create(project=live_project)
    reminders = OutgoingEmail.objects.filter(dedup_key__startswith=f"handoff-reminder:{report.pk}:")
    support_addresses = sorted([support.email, "support@golive.example"])

    # Sent; support sits on it: support is reminded, once however often the job ticks.
    project_services.handoff_report_send(report=report, user=live_project.pm)
    _waited(report, "sent_at", days=21)
    assert handoff_reminders.apply().get()["reminded"] == 1
    assert handoff_reminders.apply().get()["reminded"] == 0
    assert sorted(reminders.values_list("to_email", flat=True)) == support_addresses

    # Returned with questions; the PM does nothing: the PM is reminded, once.
    report.refresh_from_db()
    project_services.handoff_report_decide(
        report=report, user=support, accept=False, comment="Which bank?"
    )
    assert handoff_reminders.apply().get()["reminded"] == 0  # just returned: not yet
    _waited(report, "decided_at", days=14)
    assert handoff_reminders.apply().get()["reminded"] == 1
    assert handoff_reminders.apply().get()["reminded"] == 0
    to_pm = reminders.filter(to_email=live_project.pm.email)
    assert to_pm.count() == 1
    assert "Answer them and send the report again" in to_pm.get().body_text

    # Answered and sent again; support sits on it again: support is reminded again, once.
    report.refresh_from_db()
    project_services.handoff_report_send(report=report, user=live_project.pm)
    assert handoff_reminders.apply().get()["reminded"] == 0
    _waited(report, "sent_at")
    assert handoff_reminders.apply().get()["reminded"] == 1
    assert handoff_reminders.apply().get()["reminded"] == 0
    assert reminders.count() == 2 * len(support_addresses) + 1
    for address in support_addresses:
        assert reminders.filter(to_email=address).count() == 2
