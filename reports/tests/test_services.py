"""Making and sending status reports: the tick, send now, notes, content and recipients."""

import datetime
import threading
import time
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.tests.factories import ContactFactory, UserFactory
from outbox.models import OutgoingEmail
from projects.models import ImplementationProject, Issue, Phase, ProjectMembership, Risk, Task
from projects.tests.factories import (
    IssueFactory,
    MilestoneFactory,
    RiskFactory,
    TaskFactory,
    TimeEntryFactory,
)
from reports import selectors, services
from reports.models import Cadence, StatusReport, StatusReportSettings, Weekday
from reports.tests.dates import MONDAY, at, days

pytestmark = pytest.mark.django_db


def emails_to(project) -> list[str]:
    return sorted(
        OutgoingEmail.objects.filter(about_id__in=project.status_reports.values("pk")).values_list(
            "to_email", flat=True
        )
    )


def set_schedule(project, *, cadence=Cadence.WEEKLY, weekday=Weekday.MONDAY, notes="", on=None):
    services.report_settings_update(
        project=project,
        user=project.pm,
        cadence=cadence,
        weekday=weekday,
        notes=notes,
        now=at(on or days(-30)),
    )


# The tick


def test_the_tick_sends_one_report_per_due_project_to_each_recipient_once(
    make_project, enqueued, django_capture_on_commit_callbacks
):
    first, second = make_project("First"), make_project("Second")
    with django_capture_on_commit_callbacks(execute=True):
        created = services.reports_send_due(now=at(MONDAY))
    assert sorted(r.project.name for r in created) == ["First", "Second"]
    report = first.status_reports.get()
    assert report.kind == StatusReport.Kind.SCHEDULED and report.period_start == MONDAY
    assert emails_to(first) == sorted(
        [
            first.pm.email,
            "consultant1@vendor.example",
            "lead1@client.example",
            "rep1@vendor.example",
        ]
    )
    assert len(emails_to(second)) == 4
    assert len(enqueued) == 8
    email = OutgoingEmail.objects.get(to_email="lead1@client.example")
    assert email.dedup_key == f"status-report:{report.pk}:lead1@client.example"
    assert email.about == report and email.kind == "status_report"


def test_running_the_tick_twice_sends_nothing_twice(make_project):
    project = make_project()
    assert len(services.reports_send_due(now=at(MONDAY))) == 1
    assert services.reports_send_due(now=at(MONDAY, hour=12)) == []
    assert services.reports_send_due(now=at(MONDAY, hour=18)) == []
    assert project.status_reports.count() == 1
    assert len(emails_to(project)) == 4


def test_a_tick_missed_while_the_worker_was_down_is_made_up_once(make_project):
    project = make_project()
    thursday = days(3)
    created = services.reports_send_due(now=at(thursday))
    assert [r.period_start for r in created] == [MONDAY]
    assert services.reports_send_due(now=at(thursday, hour=15)) == []
    assert services.reports_send_due(now=at(days(6))) == []
    assert [r.period_start for r in services.reports_send_due(now=at(days(7)))] == [days(7)]
    assert project.status_reports.count() == 2


def test_nothing_goes_out_before_the_send_hour_on_the_report_day(make_project):
    make_project()
    services.reports_send_due(now=at(days(-7), hour=8))
    assert services.reports_send_due(now=at(MONDAY, hour=6)) == []
    assert len(services.reports_send_due(now=at(MONDAY, hour=7))) == 1


def test_a_project_reports_on_its_own_weekday(make_project):
    project = make_project()
    set_schedule(project, weekday=Weekday.WEDNESDAY)
    services.reports_send_due(now=at(days(-5)))  # the Wednesday before
    assert services.reports_send_due(now=at(days(1))) == []
    assert [r.period_start for r in services.reports_send_due(now=at(days(2)))] == [days(2)]


def test_cadence_off_sends_nothing(make_project):
    project = make_project()
    set_schedule(project, cadence=Cadence.OFF)
    for n in range(14):
        assert services.reports_send_due(now=at(days(n))) == []
    assert not StatusReport.objects.exists()


def test_every_two_weeks_alternates_from_the_kickoff_week(make_project):
    on_weeks = make_project("Kicked off this week", kickoff_date=days(1))
    off_weeks = make_project("Kicked off next week", kickoff_date=days(8))
    for project in (on_weeks, off_weeks):
        set_schedule(project, cadence=Cadence.BIWEEKLY)
    sent = {}
    for week in range(4):
        monday = days(7 * week)
        sent[week] = sorted(r.project.name for r in services.reports_send_due(now=at(monday)))
    assert sent[0] == ["Kicked off next week", "Kicked off this week"]  # both make up a period
    assert sent[1] == ["Kicked off next week"]
    assert sent[2] == ["Kicked off this week"]
    assert sent[3] == ["Kicked off next week"]


def test_a_new_weekday_starts_with_its_next_period_without_an_extra_report(make_project):
    project = make_project()
    services.reports_send_due(now=at(MONDAY))
    set_schedule(project, weekday=Weekday.TUESDAY, on=days(2))  # changed on Wednesday
    assert services.reports_send_due(now=at(days(2), hour=9)) == []
    assert services.reports_send_due(now=at(days(7))) == []
    assert [r.period_start for r in services.reports_send_due(now=at(days(8)))] == [days(8)]


@pytest.mark.parametrize(
    "fields",
    [
        {"status": ImplementationProject.Status.ON_HOLD},
        {"status": ImplementationProject.Status.CANCELLED},
        {"phase": Phase.HANDED_OFF},
        {"phase": Phase.SALES_HANDOFF},
    ],
    ids=["on hold", "cancelled", "handed off", "not kicked off"],
)
def test_projects_not_running_get_no_scheduled_report(make_project, fields):
    make_project("Running")
    make_project("Not running", **fields)
    assert [r.project.name for r in services.reports_send_due(now=at(MONDAY))] == ["Running"]


def test_kickoff_and_hypercare_projects_do_report(make_project):
    make_project("Kick-off", phase=Phase.KICKOFF)
    make_project("Hypercare", phase=Phase.HYPERCARE)
    assert len(services.reports_send_due(now=at(MONDAY))) == 2


def test_the_tick_limited_to_one_project_leaves_the_others_alone(make_project):
    chosen, other = make_project("Chosen"), make_project("Other")
    created = services.reports_send_due(now=at(MONDAY), project_id=chosen.pk)
    assert [r.project for r in created] == [chosen]
    assert not other.status_reports.exists()


def test_finding_due_projects_takes_two_queries_whatever_their_number(
    make_project, django_assert_num_queries
):
    for n in range(3):
        make_project(f"Project {n}")
    set_schedule(ImplementationProject.objects.first(), weekday=Weekday.TUESDAY)
    with django_assert_num_queries(2):
        assert len(selectors.due_reports(at(days(1)))) == 3
    for n in range(3, 12):
        make_project(f"Project {n}")
    with django_assert_num_queries(2):
        assert len(selectors.due_reports(at(days(1)))) == 12


def test_the_tick_reads_in_sets_whatever_the_size_or_number_of_projects(make_project):
    """What reports show is read for all due projects at once: the queries do not grow with
    their tasks, risks or issues, and each further report adds only the storing of it."""
    ContentType.objects.get_for_model(StatusReport)  # cached from here on, as in a worker

    def tick(on: datetime.date) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            made = services.reports_send_due(now=at(on))
        return len(made), len(captured)

    projects = [make_project(f"Project {n}") for n in range(3)]
    for project in projects:
        TaskFactory(project=project)
    made, small = tick(MONDAY)
    assert made == 3
    for project in projects:
        for _ in range(6):
            TaskFactory(project=project, status=Task.Status.BLOCKED, due_date=days(-3))
            RiskFactory(project=project)
            IssueFactory(project=project)
    assert tick(days(7)) == (3, small)

    make_project("Project 3")
    made, four = tick(days(14))
    assert made == 4
    make_project("Project 4")
    made, five = tick(days(21))
    assert made == 5
    assert five - four == four - small < small


def test_one_failing_project_does_not_hold_back_the_others(make_project, monkeypatch):
    good, bad = make_project("Good"), make_project("Bad")
    real_build = services.report_build

    def build(*, project, **kwargs):
        if project.pk == bad.pk:
            raise ValueError("broken data")
        return real_build(project=project, **kwargs)

    monkeypatch.setattr(services, "report_build", build)
    with pytest.raises(services.StatusReportsFailed) as failure:
        services.reports_send_due(now=at(MONDAY))
    assert failure.value.failed_project_ids == [bad.pk]
    assert [r.project for r in failure.value.created] == [good]
    assert not bad.status_reports.exists() and not emails_to(bad)
    monkeypatch.setattr(services, "report_build", real_build)
    assert [r.project for r in services.reports_send_due(now=at(MONDAY, hour=13))] == [bad]


# Two ticks at once


def test_a_tick_that_lost_the_race_sends_nothing(make_project):
    """Tick A finds the project due; tick B makes the report first; A then sends nothing."""
    project = make_project()
    found_by_a = selectors.due_reports(at(MONDAY))
    assert len(services.reports_send_due(now=at(MONDAY))) == 1  # tick B
    for due in found_by_a:
        report = services.report_create(
            project_id=due.project_id,
            kind=StatusReport.Kind.SCHEDULED,
            now=at(MONDAY, hour=13),
            period_start=due.period_start,
        )
        assert report is None
    assert project.status_reports.count() == 1
    assert len(emails_to(project)) == 4


def test_the_database_refuses_a_second_scheduled_report_for_the_same_period(make_project):
    project = make_project()
    StatusReport.objects.create(
        project=project, kind=StatusReport.Kind.SCHEDULED, key="one", period_start=MONDAY
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusReport.objects.create(
            project=project, kind=StatusReport.Kind.SCHEDULED, key="two", period_start=MONDAY
        )
    StatusReport.objects.create(
        project=project, kind=StatusReport.Kind.MANUAL, key="three", period_start=MONDAY
    )
    assert project.status_reports.count() == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL for two real connections"
)
@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_the_same_time_make_one_report(make_project, monkeypatch):
    project = make_project()
    real_build = services.report_build

    def slow_build(**kwargs):
        time.sleep(0.5)  # hold the claimed row uncommitted while the other tick arrives
        return real_build(**kwargs)

    monkeypatch.setattr(services, "report_build", slow_build)
    start = threading.Barrier(2)
    results, errors = [], []

    def tick():
        try:
            start.wait()
            results.append(len(services.reports_send_due(now=at(MONDAY))))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [0, 1]
    assert project.status_reports.count() == 1
    assert len(emails_to(project)) == 4


# Send now


def test_send_now_twice_in_the_same_minute_sends_once(make_project):
    project = make_project()
    first, created = services.report_send_now(
        project=project, user=project.pm, now=at(MONDAY, hour=10)
    )
    again, created_again = services.report_send_now(
        project=project, user=project.pm, now=at(MONDAY, hour=10) + datetime.timedelta(seconds=40)
    )
    assert created and not created_again and again == first
    assert first.kind == StatusReport.Kind.MANUAL and first.created_by == project.pm
    assert len(emails_to(project)) == 4
    later, created_later = services.report_send_now(
        project=project, user=project.pm, now=at(MONDAY, hour=10) + datetime.timedelta(minutes=5)
    )
    assert created_later and later != first


def test_a_report_sent_by_hand_stands_in_for_the_scheduled_one_of_its_period(make_project):
    project = make_project()
    services.report_send_now(project=project, user=project.pm, now=at(days(-4)))  # Thursday
    assert services.reports_send_due(now=at(days(-3))) == []
    assert [r.period_start for r in services.reports_send_due(now=at(MONDAY))] == [MONDAY]
    assert project.status_reports.count() == 2


# Schedule and notes


def test_the_pms_notes_go_into_the_next_report_and_are_then_cleared(make_project):
    project = make_project()
    set_schedule(project, notes="Parallel run 2 starts Thursday.\nPlease send the census file.")
    report = services.reports_send_due(now=at(MONDAY))[0]
    assert report.snapshot["notes"].startswith("Parallel run 2 starts Thursday.")
    assert "Parallel run 2 starts Thursday.<br>Please send the census file." in report.body_html
    assert "Please send the census file." in report.body_text
    assert StatusReportSettings.objects.get(project=project).next_notes == ""
    next_report = services.reports_send_due(now=at(days(7)))[0]
    assert next_report.snapshot["notes"] == "" and "Notes from" not in next_report.body_html


def test_notes_rewritten_while_a_report_is_composed_are_kept_for_the_next(
    make_project, monkeypatch
):
    project = make_project()
    set_schedule(project, notes="Old notes")
    real_content = services.report_content

    def content_then_edit(project, **kwargs):
        content = real_content(project, **kwargs)
        StatusReportSettings.objects.filter(project=project).update(next_notes="New notes")
        return content

    monkeypatch.setattr(services, "report_content", content_then_edit)
    report = services.reports_send_due(now=at(MONDAY))[0]
    assert report.snapshot["notes"] == "Old notes"
    assert StatusReportSettings.objects.get(project=project).next_notes == "New notes"


def test_a_project_without_settings_reports_weekly_on_the_default_day(make_project):
    project = make_project()
    assert not StatusReportSettings.objects.filter(project=project).exists()
    assert selectors.due_reports(at(MONDAY)) == [
        selectors.DueReport(project_id=project.pk, period_start=MONDAY)
    ]


def test_saving_notes_alone_does_not_move_the_schedule(make_project):
    project = make_project()
    set_schedule(project, notes="First notes")
    row = StatusReportSettings.objects.get(project=project)
    assert row.schedule_changed_on is None and row.updated_by == project.pm
    set_schedule(project, weekday=Weekday.FRIDAY, on=days(2))
    row.refresh_from_db()
    assert row.schedule_changed_on == days(2) and row.weekday == Weekday.FRIDAY


def test_a_bad_schedule_is_refused_by_the_service(make_project):
    project = make_project()
    with pytest.raises(ValidationError):
        services.report_settings_update(
            project=project, user=project.pm, cadence="daily", weekday=0, notes=""
        )
    assert not StatusReportSettings.objects.exists()


# What a report holds and who receives it


def test_recipients_are_the_team_flagged_contacts_and_sales_rep_once_each(make_project):
    project = make_project()
    ProjectMembership.objects.create(
        project=project, user=UserFactory(username="gone", is_active=False)
    )
    ContactFactory(client=project.client, email=project.pm.email.upper())
    ContactFactory(client=project.client, email="sponsor@client.example")
    project = selectors.report_project_queryset().get(pk=project.pk)
    people = selectors.recipients(project)
    by_kind = {
        kind: sorted(p["email"].lower() for p in people if p["kind"] == kind)
        for kind in ("team", "client", "sales")
    }
    assert by_kind == {
        "team": sorted([project.pm.email, "consultant1@vendor.example"]),
        "client": ["lead1@client.example", "sponsor@client.example"],
        "sales": ["rep1@vendor.example"],
    }
    assert [p["kind"] for p in people] == ["team", "team", "sales", "client", "client"]


def test_the_report_shows_progress_milestones_tasks_risks_issues_and_budget(make_project):
    today = timezone.localdate()
    project = make_project(budget_hours=Decimal("100"))
    MilestoneFactory(
        project=project, name="Design signed", completed_on=today - datetime.timedelta(days=2)
    )
    MilestoneFactory(
        project=project, name="Long done", completed_on=today - datetime.timedelta(days=40)
    )
    MilestoneFactory(
        project=project,
        name="Parallel run",
        due_date=today + datetime.timedelta(days=3),
        is_key=True,
    )
    MilestoneFactory(project=project, name="Far away", due_date=today + datetime.timedelta(days=30))
    MilestoneFactory(
        project=project, name="Late config", due_date=today - datetime.timedelta(days=4)
    )
    TaskFactory(project=project, title="Done task", status=Task.Status.DONE)
    TaskFactory(project=project, title="Late task", due_date=today - datetime.timedelta(days=5))
    TaskFactory(project=project, title="Stuck task", status=Task.Status.BLOCKED)
    TaskFactory(project=project, title="Fine task")
    for n in range(7):
        RiskFactory(project=project, title=f"Risk {n}", probability=n % 5 + 1, impact=3)
    RiskFactory(
        project=project, title="Closed risk", probability=5, impact=5, status=Risk.Status.CLOSED
    )
    IssueFactory(project=project, title="Minor issue", severity=Issue.Severity.LOW)
    IssueFactory(project=project, title="Payroll down", severity=Issue.Severity.CRITICAL)
    IssueFactory(project=project, title="Solved", status=Issue.Status.RESOLVED)
    TimeEntryFactory(project=project, hours=Decimal("12.5"))

    report = services.report_send_now(project=project, user=project.pm)[0]
    report.refresh_from_db()
    snap = report.snapshot
    assert snap["progress"] == {"done": 1, "total": 4, "percent": 25}
    assert [m["name"] for m in snap["milestones_completed"]] == ["Design signed"]
    assert [m["name"] for m in snap["milestones_due"]] == ["Parallel run"]
    assert [m["name"] for m in snap["milestones_overdue"]] == ["Late config"]
    assert [t["title"] for t in snap["overdue_tasks"]["items"]] == ["Late task"]
    assert snap["overdue_tasks"]["items"][0]["days_late"] == 5
    assert [t["title"] for t in snap["blocked_tasks"]["items"]] == ["Stuck task"]
    assert snap["top_risks"]["count"] == 7
    assert [r["score"] for r in snap["top_risks"]["items"]] == [15, 12, 9, 6, 6]
    assert [i["title"] for i in snap["open_issues"]["items"]] == ["Payroll down", "Minor issue"]
    budget = snap["budget"]
    assert Decimal(budget["hours_burned"]) == Decimal("12.5") and budget["percent"] == 12
    assert snap["health"]["level"] == "red"  # the critical issue, though not yet refreshed
    assert "1 critical issue open" in report.body_text
    for text in ("Design signed", "Parallel run", "Late task", "Stuck task", "Payroll down"):
        assert text in report.body_html and text in report.body_text
    assert "Solved" not in report.body_html
    # The timeline shows the whole plan; the milestone lists only what the period touched.
    assert [m["name"] for m in snap["timeline"]][:1] == ["Design signed"] or "Long done" in [
        m["name"] for m in snap["timeline"]
    ]
    assert "Long done" not in report.body_text.split("TIMELINE")[0]


def test_milestones_done_are_those_since_the_last_report(make_project):
    project = make_project()
    services.reports_send_due(now=at(MONDAY))
    MilestoneFactory(project=project, name="Before", completed_on=days(-1))
    MilestoneFactory(project=project, name="After", completed_on=days(3))
    report = services.reports_send_due(now=at(days(7)))[0]
    report.refresh_from_db()
    assert report.snapshot["since"] == MONDAY.isoformat()
    assert [m["name"] for m in report.snapshot["milestones_completed"]] == ["After"]


def test_composing_a_report_costs_the_same_queries_with_more_data(
    make_project, django_assert_num_queries
):
    project = make_project()

    def build():
        loaded = selectors.report_project_queryset().get(pk=project.pk)
        return services.report_build(project=loaded, now=timezone.now())

    TaskFactory(project=project, status=Task.Status.BLOCKED)
    with CaptureQueriesContext(connection) as small:
        build()
    for _ in range(10):
        TaskFactory(project=project, status=Task.Status.BLOCKED, due_date=days(-400))
        RiskFactory(project=project)
        IssueFactory(project=project)
        MilestoneFactory(project=project, due_date=timezone.localdate())
        ProjectMembership.objects.create(project=project, user=UserFactory())
        ContactFactory(client=project.client)
    with django_assert_num_queries(len(small)):
        build()


def test_preview_saves_sends_and_clears_nothing(make_project):
    project = make_project()
    set_schedule(project, notes="Draft notes")
    loaded = selectors.report_project_queryset().get(pk=project.pk)
    draft = services.report_build(project=loaded, now=timezone.now())
    assert "Draft notes" in draft.body_html and len(draft.recipients) == 4
    assert not StatusReport.objects.exists() and not OutgoingEmail.objects.exists()
    assert StatusReportSettings.objects.get(project=project).next_notes == "Draft notes"


# The email


def test_the_email_has_html_and_text_and_team_members_get_a_link_to_the_stored_report(
    make_project,
):
    project = make_project()
    report = services.reports_send_due(now=at(MONDAY))[0]
    url = f"https://golive.example/reports/{report.pk}/"
    to_pm = OutgoingEmail.objects.get(to_email=project.pm.email)
    assert (
        to_pm.subject
        == report.subject
        == "Status report: Acme payroll onboarding, 3 Mar 2025 (Green)"
    )
    assert report.body_html in to_pm.body_html
    assert url in to_pm.body_html and url in to_pm.body_text
    assert "MILESTONES COMPLETED SINCE" in to_pm.body_text and "<" not in to_pm.body_text
    to_client = OutgoingEmail.objects.get(to_email="lead1@client.example")
    client_version = report.documents.get(audience="client")
    assert (
        to_client.subject
        == client_version.subject
        == "Status report: Acme payroll onboarding, 3 Mar 2025"
    )
    assert client_version.body_html in to_client.body_html
    assert report.body_html not in to_client.body_html
    assert "golive.example" not in to_client.body_html
    to_rep = OutgoingEmail.objects.get(to_email="rep1@vendor.example")
    assert f"https://golive.example/clients/{project.client_id}/status/" in to_rep.body_html


def test_text_in_the_report_is_escaped_in_html_but_not_in_plain_text(make_project):
    project = make_project()
    set_schedule(project, notes="Fish & chips <b>Friday</b>")
    report = services.reports_send_due(now=at(MONDAY))[0]
    assert "Fish &amp; chips &lt;b&gt;Friday&lt;/b&gt;" in report.body_html
    assert "Fish & chips <b>Friday</b>" in report.body_text


def test_odd_characters_in_names_titles_and_milestones_are_escaped_in_every_html_version(
    make_project,
):
    project = make_project('Acme "R&D" <payroll>')
    milestone = MilestoneFactory(
        project=project, name="Data & <conversion>", due_date=MONDAY, visible_to_client=True
    )
    TaskFactory(
        project=project,
        milestone=milestone,
        title="Load 'odd' <rows>",
        due_date=days(-3),
        visible_to_client=True,
    )
    RiskFactory(project=project, title="Vendor <late> & 'odd'", probability=5, impact=5)
    set_schedule(project)
    report = services.reports_send_due(now=at(MONDAY))[0]
    client_version = report.documents.get(audience="client")
    internal, client = report.body_html, client_version.body_html
    for html in (internal, client, client_version.document_html):
        assert "Acme &#34;R&amp;D&#34; &lt;payroll&gt;" in html
        assert "Data &amp; &lt;conversion&gt;" in html
    for html in (internal, client):
        assert "<rows>" not in html and "<late>" not in html
    # Each text is shown as typed once the HTML is read.
    assert "Load 'odd' <rows>" in unescape(internal)
    assert "Vendor <late> & 'odd'" in unescape(internal)
    assert 'Acme "R&D" <payroll>' in report.body_text
    assert "Load 'odd' <rows>" in report.body_text
    assert "Vendor <late> & 'odd'" in report.body_text
    assert "Data & <conversion>" in client_version.body_text


def test_reports_without_recipients_are_still_stored(make_project):
    project = make_project()
    project.client.contacts.update(receives_status_reports=False)
    ProjectMembership.objects.filter(project=project).delete()
    project.client.sales_rep = None
    project.client.save(update_fields=["sales_rep"])
    ImplementationProject.objects.filter(pk=project.pk).update(pm=None)
    report = services.reports_send_due(now=at(MONDAY))[0]
    assert report.recipients == [] and not OutgoingEmail.objects.exists()


def test_a_line_break_in_the_project_name_does_not_stop_the_report_email(make_project):
    from django.core import mail

    from outbox.services import email_deliver

    make_project("Acme\r\npayroll\nonboarding")
    report = services.reports_send_due(now=at(MONDAY))[0]
    assert report.subject == "Status report: Acme payroll onboarding, 3 Mar 2025 (Green)"
    emails = OutgoingEmail.objects.filter(kind="status_report")
    assert [email_deliver(email_id=email.pk) for email in emails] == ["sent"] * 4
    assert {message.subject for message in mail.outbox} == {
        report.subject,
        "Status report: Acme payroll onboarding, 3 Mar 2025",
    }
