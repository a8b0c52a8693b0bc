"""The escalation sweep: what it finds and clears, one alert per condition, and the ladder."""

import threading
from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts import services, sweep
from alerts.models import Alert, AlertNotification
from alerts.services import alerts_sweep
from clients.roles import Role
from clients.tests.factories import ContactFactory, UserFactory
from outbox.models import OutgoingEmail
from outbox.services import email_deliver
from projects.models import ImplementationProject, Issue, Phase, Risk, Task
from projects.tests.factories import (
    IssueFactory,
    MilestoneFactory,
    ProjectFactory,
    RiskFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db

NOW: datetime  # set for each test by `_clock`
TODAY: date
WINDOW = timedelta(hours=24)  # the default ESCALATE_AFTER_HOURS


@pytest.fixture(autouse=True)
def _clock():
    """The time as each test runs: read once at import, it is yesterday's after midnight."""
    global NOW, TODAY
    NOW = timezone.now()
    TODAY = timezone.localdate(NOW)


def days(n: int):
    return TODAY + timedelta(days=n)


def live(**filters):
    return list(Alert.objects.live().filter(**filters))


def told(alert: Alert) -> list[tuple[int, str]]:
    """(level, username) of everyone told about the alert, in order."""
    return list(
        alert.notifications.order_by("created_at", "level", "recipient__username").values_list(
            "level", "recipient__username"
        )
    )


@pytest.fixture
def owner(db):
    return UserFactory(username="owner_user", role=Role.PM)


@pytest.fixture
def project(pm):
    return ProjectFactory(name="Acme payroll", pm=pm)


@pytest.fixture
def deliveries(monkeypatch):
    """Email ids handed to the delivery task, instead of a broker."""
    sent: list[int] = []
    monkeypatch.setattr("outbox.tasks.deliver_email.delay", sent.append)
    monkeypatch.setattr("outbox.tasks.deliver_emails.delay", sent.extend)
    return sent


# What the sweep finds, and clears


def test_a_task_overdue_by_more_than_the_threshold_raises_one_alert(project, owner):
    late = TaskFactory(
        project=project, title="Send census file", owner_user=owner, due_date=days(-3)
    )
    TaskFactory(project=project, title="Just late", owner_user=owner, due_date=days(-2))
    TaskFactory(project=project, owner_user=owner, due_date=days(-9), status=Task.Status.DONE)

    result = alerts_sweep(now=NOW)

    [alert] = live()
    assert (alert.kind, alert.task, alert.project) == (Alert.Kind.TASK_OVERDUE, late, project)
    assert alert.owner == owner and alert.subject == "Send census file"
    assert "3 days overdue" in alert.detail
    assert (result.found, result.opened) == (1, 1)


def test_a_client_contacts_overdue_task_tells_the_pm_whom_to_chase(client_as, project, pm):
    contact = ContactFactory(client=project.client, name="Wei Brooks")
    TaskFactory(
        project=project, title="Validate balances", owner_contact=contact, due_date=days(-4)
    )
    alerts_sweep(now=NOW)
    [alert] = live()
    assert alert.owner is None
    assert "“Validate balances”, owned by Wei Brooks at the client, was due" in alert.detail
    page = client_as(pm).get(reverse("alerts:list"), {"scope": "all"}).content.decode()
    assert "No owner: the PM" in page and "Nobody" not in page
    assert "No owner: the PM" in client_as(pm).get(alert.get_absolute_url()).content.decode()


def test_an_alert_with_no_owner_on_a_project_with_no_pm_is_with_the_managers(client_as, manager):
    project = ProjectFactory(pm=None)
    TaskFactory(project=project, title="Load census", due_date=days(-4))
    alerts_sweep(now=NOW)
    [alert] = live()
    browser = client_as(manager)
    assert (
        "No owner: the managers"
        in browser.get(reverse("alerts:list"), {"scope": "all"}).content.decode()
    )
    assert "No owner: the managers" in browser.get(alert.get_absolute_url()).content.decode()


def test_the_task_threshold_is_a_setting(settings, project, owner):
    settings.GOLIVE_ESCALATIONS = {**settings.GOLIVE_ESCALATIONS, "TASK_OVERDUE_DAYS": 0}
    TaskFactory(project=project, owner_user=owner, due_date=days(-1))
    alerts_sweep(now=NOW)
    assert len(live(kind=Alert.Kind.TASK_OVERDUE)) == 1


def test_an_alert_clears_itself_when_the_task_is_done(project, owner):
    task = TaskFactory(project=project, owner_user=owner, due_date=days(-5))
    alerts_sweep(now=NOW)
    Task.objects.filter(pk=task.pk).update(status=Task.Status.DONE)

    result = alerts_sweep(now=NOW + timedelta(minutes=5))

    alert = Alert.objects.get()
    assert alert.status == Alert.Status.CLEARED
    assert alert.cleared_at == NOW + timedelta(minutes=5)
    assert alert.next_escalation_at is None
    assert result.cleared == 1


def test_key_milestones_overdue_or_slipping_raise_alerts_told_to_the_pm(project, pm):
    overdue = MilestoneFactory(
        project=project, name="Config signed", is_key=True, due_date=days(-1)
    )
    slipping = MilestoneFactory(
        project=project, name="UAT", is_key=True, baseline_date=days(10), due_date=days(18)
    )
    MilestoneFactory(project=project, is_key=True, baseline_date=days(10), due_date=days(17))
    MilestoneFactory(project=project, is_key=False, due_date=days(-4))
    MilestoneFactory(project=project, is_key=True, due_date=days(-4), completed_on=days(-1))

    alerts_sweep(now=NOW)

    [late] = live(kind=Alert.Kind.MILESTONE_OVERDUE)
    [slip] = live(kind=Alert.Kind.MILESTONE_SLIPPING)
    assert late.milestone == overdue and slip.milestone == slipping
    assert "8 days after its baseline" in slip.detail
    assert late.level == slip.level == Alert.Level.PM
    assert told(late) == [(Alert.Level.PM, pm.username)]


def test_a_slipping_milestone_clears_when_brought_back_to_plan(project):
    milestone = MilestoneFactory(
        project=project, is_key=True, baseline_date=days(5), due_date=days(20)
    )
    alerts_sweep(now=NOW)
    milestone.due_date = days(6)
    milestone.save(update_fields=["due_date"])
    alerts_sweep(now=NOW + timedelta(minutes=5))
    assert live() == []
    assert Alert.objects.get().status == Alert.Status.CLEARED


def test_a_high_risk_without_a_mitigation_plan_raises_an_alert_until_it_has_one(project, owner):
    risk = RiskFactory(project=project, owner=owner, probability=5, impact=3, mitigation_plan="")
    RiskFactory(project=project, probability=5, impact=5)  # has a plan
    RiskFactory(project=project, probability=2, impact=5, mitigation_plan="")  # scores 10
    RiskFactory(
        project=project, probability=5, impact=5, mitigation_plan="", status=Risk.Status.CLOSED
    )

    alerts_sweep(now=NOW)
    [alert] = live()
    assert (alert.kind, alert.risk, alert.owner) == (Alert.Kind.RISK_UNMITIGATED, risk, owner)
    assert "scores 15" in alert.detail

    Risk.objects.filter(pk=risk.pk).update(mitigation_plan="Second data extract in week 3.")
    alerts_sweep(now=NOW + timedelta(minutes=5))
    assert live() == []


def test_a_critical_issue_open_too_long_raises_an_alert_until_resolved(project, owner):
    issue = IssueFactory(
        project=project,
        owner=owner,
        severity=Issue.Severity.CRITICAL,
        raised_at=NOW - timedelta(hours=30),
    )
    IssueFactory(
        project=project, severity=Issue.Severity.CRITICAL, raised_at=NOW - timedelta(hours=20)
    )
    IssueFactory(project=project, severity=Issue.Severity.HIGH, raised_at=NOW - timedelta(days=9))

    alerts_sweep(now=NOW)
    [alert] = live()
    assert (alert.kind, alert.issue) == (Alert.Kind.ISSUE_CRITICAL, issue)
    assert "open for 30 hours" in alert.detail

    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.RESOLVED)
    alerts_sweep(now=NOW + timedelta(minutes=5))
    assert live() == []


def test_a_quiet_active_project_raises_an_alert_for_its_pm_until_something_happens(pm):
    quiet = ProjectFactory(pm=pm, last_activity_at=NOW - timedelta(days=15))
    ProjectFactory(pm=pm, last_activity_at=NOW - timedelta(days=13))
    ProjectFactory(
        pm=pm,
        last_activity_at=NOW - timedelta(days=40),
        status=ImplementationProject.Status.ON_HOLD,
    )
    ProjectFactory(pm=pm, last_activity_at=NOW - timedelta(days=40), phase=Phase.HANDED_OFF)

    alerts_sweep(now=NOW)
    [alert] = live()
    assert (alert.kind, alert.project, alert.owner) == (Alert.Kind.PROJECT_INACTIVE, quiet, pm)
    assert "15 days" in alert.detail
    assert told(alert) == [(Alert.Level.PM, pm.username)]

    ImplementationProject.objects.filter(pk=quiet.pk).update(last_activity_at=NOW)
    alerts_sweep(now=NOW + timedelta(minutes=5))
    assert live() == []


def test_only_active_projects_are_swept_and_putting_one_on_hold_clears_its_alerts(project, owner):
    on_hold = ProjectFactory(status=ImplementationProject.Status.ON_HOLD)
    TaskFactory(project=on_hold, owner_user=owner, due_date=days(-10))
    TaskFactory(project=project, owner_user=owner, due_date=days(-10))
    alerts_sweep(now=NOW)
    assert [a.project for a in live()] == [project]

    ImplementationProject.objects.filter(pk=project.pk).update(
        status=ImplementationProject.Status.ON_HOLD
    )
    alerts_sweep(now=NOW + timedelta(minutes=5))
    assert live() == []


def test_a_lasting_condition_keeps_its_alert_up_to_date(project, owner, other_pm):
    task = TaskFactory(project=project, title="Old title", owner_user=owner, due_date=days(-3))
    alerts_sweep(now=NOW)
    Task.objects.filter(pk=task.pk).update(title="New title", owner_user=other_pm)

    alerts_sweep(now=NOW + timedelta(days=1))

    alert = Alert.objects.get()
    assert alert.first_seen_at == NOW
    assert alert.last_seen_at == NOW + timedelta(days=1)
    assert (alert.subject, alert.owner) == ("New title", other_pm)
    assert "4 days overdue" in alert.detail


def test_a_condition_that_comes_back_after_clearing_opens_a_new_alert(project, owner):
    task = TaskFactory(project=project, owner_user=owner, due_date=days(-3))
    alerts_sweep(now=NOW)
    Task.objects.filter(pk=task.pk).update(status=Task.Status.DONE)
    alerts_sweep(now=NOW + timedelta(minutes=5))
    Task.objects.filter(pk=task.pk).update(status=Task.Status.IN_PROGRESS)
    alerts_sweep(now=NOW + timedelta(minutes=10))

    assert Alert.objects.filter(task=task).count() == 2
    assert len(live(task=task)) == 1


# One alert per condition, each person told once


def test_sweeping_twice_keeps_one_alert_and_tells_nobody_twice(
    project, owner, deliveries, django_capture_on_commit_callbacks
):
    TaskFactory(project=project, owner_user=owner, due_date=days(-3))
    with django_capture_on_commit_callbacks(execute=True):
        alerts_sweep(now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        second = alerts_sweep(now=NOW + timedelta(minutes=5))

    assert Alert.objects.count() == 1
    assert AlertNotification.objects.count() == 1
    email = OutgoingEmail.objects.get()
    assert deliveries == [email.pk]
    assert (second.opened, second.notified) == (0, 0)


def test_the_database_refuses_a_second_live_alert_for_the_same_condition(project, owner):
    TaskFactory(project=project, owner_user=owner, due_date=days(-3))
    alerts_sweep(now=NOW)
    alert = Alert.objects.get()
    copy = Alert(
        kind=alert.kind,
        object_key=alert.object_key,
        project=project,
        subject=alert.subject,
        detail=alert.detail,
        first_seen_at=NOW,
        last_seen_at=NOW,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


@pytest.mark.parametrize("same_clock", [True, False])
def test_two_interleaved_sweeps_open_one_alert_and_send_one_email(
    monkeypatch, project, owner, pm, same_clock
):
    """The second sweep runs in full after the first has looked for live alerts and before it
    writes its own: the first's writes must all be skipped, not duplicated."""
    TaskFactory(project=project, owner_user=owner, due_date=days(-3))
    MilestoneFactory(project=project, is_key=True, due_date=days(-2))
    original = services._alerts_open
    other_sweep_ran = []

    def open_after_another_sweep(conditions, now):
        if not other_sweep_ran:
            other_sweep_ran.append(True)
            alerts_sweep(now=NOW if same_clock else NOW + timedelta(seconds=1))
        return original(conditions, now)

    monkeypatch.setattr(services, "_alerts_open", open_after_another_sweep)
    alerts_sweep(now=NOW)

    assert other_sweep_ran
    assert Alert.objects.count() == 2
    assert AlertNotification.objects.count() == 2
    assert OutgoingEmail.objects.count() == 2
    assert sorted(OutgoingEmail.objects.values_list("to_email", flat=True)) == sorted(
        [owner.email, pm.email]
    )


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="SQLite serialises writers; the race needs PostgreSQL.",
)
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_on_postgresql_duplicate_nothing(pm, monkeypatch):
    owner = UserFactory(username="race_owner", role=Role.PM)
    project = ProjectFactory(pm=pm)
    for n in range(10):
        TaskFactory(project=project, owner_user=owner, due_date=days(-3 - n))
    monkeypatch.setattr("outbox.tasks.deliver_emails.delay", lambda email_ids: None)
    both_found = threading.Barrier(2, timeout=10)
    find = sweep.find_conditions

    def find_then_wait(now):
        conditions = find(now)
        both_found.wait()
        return conditions

    monkeypatch.setattr(services, "find_conditions", find_then_wait)
    errors = []

    def run(offset):
        try:
            alerts_sweep(now=NOW + timedelta(microseconds=offset))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Alert.objects.count() == 10
    assert AlertNotification.objects.count() == 10
    # One digest to the owner, naming each alert once.
    [email] = OutgoingEmail.objects.all()
    for alert in Alert.objects.all():
        assert email.body_text.count(f"/alerts/{alert.pk}/") == 1
    assert set(AlertNotification.objects.values_list("email", flat=True)) == {email.pk}


# The ladder: owner, then the PM, then the implementation managers


@pytest.fixture
def managers(manager):
    return [manager, UserFactory(username="second_manager", role=Role.MANAGER)]


def test_nobody_acknowledging_moves_the_alert_up_the_ladder(project, owner, pm, managers):
    TaskFactory(project=project, owner_user=owner, due_date=days(-3))
    alerts_sweep(now=NOW)
    alert = Alert.objects.get()
    assert (alert.level, alert.next_escalation_at) == (Alert.Level.OWNER, NOW + WINDOW)
    assert told(alert) == [(0, "owner_user")]

    alerts_sweep(now=NOW + WINDOW - timedelta(minutes=1))
    alert.refresh_from_db()
    assert alert.level == Alert.Level.OWNER

    at_pm = NOW + WINDOW + timedelta(minutes=1)
    result = alerts_sweep(now=at_pm)
    alert.refresh_from_db()
    assert (alert.level, alert.next_escalation_at) == (Alert.Level.PM, at_pm + WINDOW)
    assert told(alert) == [(0, "owner_user"), (1, "pm_user")]
    assert result.escalated == 1

    alerts_sweep(now=at_pm + WINDOW)
    alert.refresh_from_db()
    assert (alert.level, alert.next_escalation_at) == (Alert.Level.MANAGER, None)
    assert told(alert) == [
        (0, "owner_user"),
        (1, "pm_user"),
        (2, "manager_user"),
        (2, "second_manager"),
    ]

    alerts_sweep(now=at_pm + 5 * WINDOW)
    assert AlertNotification.objects.count() == 4


def test_escalation_waits_for_the_configured_time(settings, project, owner):
    settings.GOLIVE_ESCALATIONS = {**settings.GOLIVE_ESCALATIONS, "ESCALATE_AFTER_HOURS": 2}
    TaskFactory(project=project, owner_user=owner, due_date=days(-3))
    alerts_sweep(now=NOW)
    alerts_sweep(now=NOW + timedelta(hours=2))
    assert Alert.objects.get().level == Alert.Level.PM


def test_an_acknowledged_alert_escalates_no_further(project, owner, managers):
    TaskFactory(project=project, owner_user=owner, due_date=days(-3))
    alerts_sweep(now=NOW)
    alert = Alert.objects.get()
    services.alert_acknowledge(alert=alert, user=owner, now=NOW + timedelta(hours=1))

    alerts_sweep(now=NOW + 3 * WINDOW)

    alert.refresh_from_db()
    assert (alert.status, alert.level) == (Alert.Status.ACKNOWLEDGED, Alert.Level.OWNER)
    assert (alert.acknowledged_by, alert.next_escalation_at) == (owner, None)
    assert told(alert) == [(0, "owner_user")]


def test_a_resolved_alert_escalates_no_further_and_stays_resolved_when_it_clears(project, owner):
    task = TaskFactory(project=project, owner_user=owner, due_date=days(-3))
    alerts_sweep(now=NOW)
    alert = Alert.objects.get()
    services.alert_resolve(alert=alert, user=owner, note="Census file arrived by post.")
    alerts_sweep(now=NOW + 3 * WINDOW)
    alert.refresh_from_db()
    assert (alert.status, alert.level, alert.cleared_at) == (Alert.Status.RESOLVED, 0, None)

    Task.objects.filter(pk=task.pk).update(status=Task.Status.DONE)
    alerts_sweep(now=NOW + 4 * WINDOW)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.RESOLVED
    assert alert.cleared_at == NOW + 4 * WINDOW


def test_an_alert_about_something_nobody_owns_starts_with_the_pm(project, pm):
    TaskFactory(project=project, owner_user=None, due_date=days(-3))
    alerts_sweep(now=NOW)
    alert = Alert.objects.get()
    assert alert.level == Alert.Level.PM
    assert told(alert) == [(1, "pm_user")]


def test_an_alert_whose_owner_is_the_pm_starts_with_the_pm(project, pm):
    TaskFactory(project=project, owner_user=pm, due_date=days(-3))
    alerts_sweep(now=NOW)
    assert told(Alert.objects.get()) == [(1, "pm_user")]


def test_an_owner_who_left_is_skipped(project, owner):
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    TaskFactory(project=project, owner_user=owner, due_date=days(-3))
    alerts_sweep(now=NOW)
    alert = Alert.objects.get()
    assert (alert.level, alert.owner) == (Alert.Level.PM, None)


def test_without_an_owner_or_a_pm_the_managers_are_told_at_once(managers):
    TaskFactory(project=ProjectFactory(pm=None), owner_user=None, due_date=days(-3))
    alerts_sweep(now=NOW)
    alert = Alert.objects.get()
    assert (alert.level, alert.next_escalation_at) == (Alert.Level.MANAGER, None)
    assert told(alert) == [(2, "manager_user"), (2, "second_manager")]


def test_escalating_an_owner_alert_on_a_project_without_a_pm_goes_to_the_managers(owner, managers):
    TaskFactory(project=ProjectFactory(pm=None), owner_user=owner, due_date=days(-3))
    alerts_sweep(now=NOW)
    alerts_sweep(now=NOW + WINDOW)
    alert = Alert.objects.get()
    assert alert.level == Alert.Level.MANAGER
    assert told(alert) == [(0, "owner_user"), (2, "manager_user"), (2, "second_manager")]


def test_someone_without_an_email_address_is_recorded_as_told_but_sent_nothing(project, pm):
    pm.email = ""
    pm.save(update_fields=["email"])
    TaskFactory(project=project, owner_user=None, due_date=days(-3))
    alerts_sweep(now=NOW)
    notification = AlertNotification.objects.get()
    assert (notification.recipient, notification.email) == (pm, None)
    assert OutgoingEmail.objects.count() == 0


# The emails


def test_each_notification_queues_an_email_with_a_link_to_the_alert(
    settings, project, owner, deliveries, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://golive.example"
    TaskFactory(project=project, title="Send census file", owner_user=owner, due_date=days(-3))
    with django_capture_on_commit_callbacks(execute=True):
        alerts_sweep(now=NOW)
    alert = Alert.objects.get()
    notification = alert.notifications.get()
    email = notification.email
    assert email.dedup_key == f"alert:{alert.pk}:0:{owner.pk}"
    assert (email.to_email, email.kind, email.about) == (owner.email, "alert", alert)
    assert email.subject == "Task overdue: Send census file (Acme payroll)"
    assert f"https://golive.example/alerts/{alert.pk}/" in email.body_text
    assert f'href="https://golive.example/alerts/{alert.pk}/"' in email.body_html
    assert deliveries == [email.pk]

    assert email_deliver(email_id=email.pk) == OutgoingEmail.Status.SENT
    [message] = mail.outbox
    assert message.to == [owner.email]
    assert "Send census file" in message.body
    assert message.alternatives[0].mimetype == "text/html"


def test_an_escalation_email_says_why_it_came(project, owner, pm):
    TaskFactory(project=project, owner_user=owner, due_date=days(-3))
    alerts_sweep(now=NOW)
    alerts_sweep(now=NOW + WINDOW)
    email = OutgoingEmail.objects.get(to_email=pm.email)
    assert email.subject.startswith("Escalated: Task overdue")
    assert "Nobody acknowledged this alert within 24 hours" in email.body_text
    assert "as the project manager" in email.body_text


def test_several_alerts_for_one_person_come_in_one_digest_with_a_link_to_each(
    settings, project, owner, deliveries, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://golive.example"
    other = ProjectFactory(name="Birch time clocks", pm=project.pm)
    TaskFactory(project=project, title="Send census file", owner_user=owner, due_date=days(-3))
    TaskFactory(project=project, title="Map pay codes", owner_user=owner, due_date=days(-6))
    TaskFactory(project=other, title="Order clocks", owner_user=owner, due_date=days(-4))
    with django_capture_on_commit_callbacks(execute=True):
        result = alerts_sweep(now=NOW)

    [email] = OutgoingEmail.objects.filter(to_email=owner.email)
    alerts = list(Alert.objects.filter(owner=owner))
    assert (len(alerts), result.notified) == (3, 3)
    assert email.subject == "3 alerts on 2 projects"
    assert email.dedup_key == f"alert-digest:{owner.pk}:{min(a.pk for a in alerts)}:0"
    for alert in alerts:
        assert email.body_text.count(f"https://golive.example/alerts/{alert.pk}/") == 1
        assert email.body_html.count(f'href="https://golive.example/alerts/{alert.pk}/"') == 1
        assert f"{alert.subject}\n  {alert.detail}" in email.body_text
        assert alert.notifications.get().email == email
    # By project, in name order.
    text = email.body_text
    assert text.index("Acme payroll") < text.index("Map pay codes") < text.index("Birch time")
    assert text.index("Birch time") < text.index("Order clocks")
    assert deliveries == [email.pk]

    with django_capture_on_commit_callbacks(execute=True):
        again = alerts_sweep(now=NOW + timedelta(minutes=5))
    assert (again.notified, OutgoingEmail.objects.count(), deliveries) == (0, 1, [email.pk])


def test_a_digest_reaches_the_inbox_as_one_message(project, owner):
    TaskFactory(project=project, title="Send census file", owner_user=owner, due_date=days(-3))
    TaskFactory(project=project, title="Map pay codes", owner_user=owner, due_date=days(-6))
    alerts_sweep(now=NOW)
    email = OutgoingEmail.objects.get()

    assert email_deliver(email_id=email.pk) == OutgoingEmail.Status.SENT
    [message] = mail.outbox
    assert (message.to, message.subject) == ([owner.email], "2 alerts on Acme payroll")
    assert "Send census file" in message.body and "Map pay codes" in message.body
    assert message.alternatives[0].mimetype == "text/html"


def test_a_digest_says_which_alerts_were_escalated_to_the_reader(project, owner, pm):
    TaskFactory(project=project, title="Send census file", owner_user=owner, due_date=days(-3))
    TaskFactory(project=project, title="Map pay codes", owner_user=owner, due_date=days(-3))
    alerts_sweep(now=NOW)
    MilestoneFactory(project=project, name="Config signed", is_key=True, due_date=days(-1))

    alerts_sweep(now=NOW + WINDOW)

    email = OutgoingEmail.objects.get(to_email=pm.email)
    assert email.subject == "3 alerts on Acme payroll, 2 escalated to you"
    assert "Nobody acknowledged 2 of them within 24 hours" in email.body_text
    assert email.body_text.count("Escalated to you as the project manager.") == 2
    assert "- Key milestone overdue: Config signed" in email.body_text
    assert "Escalated to you as the project manager · Task overdue" in email.body_html


def test_a_digest_of_escalations_only_says_so_in_its_subject(project, owner, pm):
    TaskFactory(project=project, owner_user=owner, due_date=days(-3))
    TaskFactory(project=project, owner_user=owner, due_date=days(-4))
    alerts_sweep(now=NOW)
    alerts_sweep(now=NOW + WINDOW)
    email = OutgoingEmail.objects.get(to_email=pm.email)
    assert email.subject == "Escalated: 2 alerts on Acme payroll"
    assert "Nobody acknowledged these 2 alerts within 24 hours" in email.body_text


def test_each_manager_gets_one_digest_of_what_reached_the_managers(managers):
    for name in ("Order clocks", "Map pay codes"):
        TaskFactory(project=ProjectFactory(pm=None), title=name, owner_user=None, due_date=days(-3))
    alerts_sweep(now=NOW)
    for manager in managers:
        [email] = OutgoingEmail.objects.filter(to_email=manager.email)
        assert email.subject == "2 alerts on 2 projects"
        assert "Order clocks" in email.body_text and "Map pay codes" in email.body_text
    assert AlertNotification.objects.filter(level=Alert.Level.MANAGER).count() == 4


# Working in sets


def _build(n_tasks: int, n_projects: int, owners: list) -> list[Task]:
    projects = [
        ProjectFactory(pm=UserFactory(role=Role.PM), last_activity_at=NOW - timedelta(days=20))
        for _ in range(n_projects)
    ]
    tasks = [
        TaskFactory(
            project=projects[i % n_projects],
            owner_user=owners[i % len(owners)],
            due_date=days(-3 - i % 5),
        )
        for i in range(n_tasks)
    ]
    for i, project in enumerate(projects):
        MilestoneFactory(project=project, is_key=True, due_date=days(-1 - i))
        RiskFactory(project=project, owner=owners[0], probability=5, impact=4, mitigation_plan="")
        IssueFactory(
            project=project,
            owner=owners[1],
            severity=Issue.Severity.CRITICAL,
            raised_at=NOW - timedelta(days=2),
        )
    return tasks


def _queries(now) -> int:
    with CaptureQueriesContext(connection) as queries:
        alerts_sweep(now=now)
    return len(queries)


def _sweep_counts(n_tasks: int, n_projects: int, owners: list) -> list[int]:
    tasks = _build(n_tasks, n_projects, owners)
    counts = [
        _queries(NOW),  # opens every alert and tells each owner
        _queries(NOW + timedelta(hours=1)),  # keeps them up to date
        _queries(NOW + WINDOW + timedelta(hours=1)),  # escalates them all to the PMs
    ]
    Task.objects.filter(pk__in=[t.pk for t in tasks[::2]]).update(status=Task.Status.DONE)
    counts.append(_queries(NOW + WINDOW + timedelta(hours=2)))  # clears half of the task alerts
    counts.append(_queries(NOW + 2 * WINDOW + timedelta(hours=3)))  # up to the managers
    return counts


def test_the_sweep_makes_the_same_number_of_queries_for_many_tasks_as_for_few(managers):
    ContentType.objects.get_for_model(Alert)  # cached for the process, as in a worker
    owners = [UserFactory(role=Role.PM) for _ in range(3)]
    # SQLite allows 999 parameters a statement, so Django splits an insert of more than ~47
    # alerts in two; PostgreSQL has no such limit, so it is tried on a bigger portfolio.
    n_tasks, n_projects = (40, 8) if connection.vendor == "postgresql" else (30, 4)

    few = _sweep_counts(n_tasks=5, n_projects=2, owners=owners)
    assert Alert.objects.count() == 5 + 2 * 4
    ImplementationProject.objects.all().delete()
    OutgoingEmail.objects.all().delete()

    many = _sweep_counts(n_tasks=n_tasks, n_projects=n_projects, owners=owners)
    assert Alert.objects.count() == n_tasks + n_projects * 4
    assert AlertNotification.objects.filter(level=Alert.Level.MANAGER).count() == 2 * (
        n_tasks // 2 + n_projects * 4
    )

    assert few == many
    assert max(many) <= 20


# Acknowledging and resolving


def test_acknowledging_twice_is_refused_and_keeps_the_first_acknowledgement(project, owner, pm):
    TaskFactory(project=project, owner_user=owner, due_date=days(-3))
    alerts_sweep(now=NOW)
    alert = Alert.objects.get()
    services.alert_acknowledge(alert=alert, user=owner)
    with pytest.raises(ValidationError, match="acknowledged already"):
        services.alert_acknowledge(alert=Alert.objects.get(), user=pm)
    assert Alert.objects.get().acknowledged_by == owner


def test_a_cleared_alert_cannot_be_resolved(project, owner):
    task = TaskFactory(project=project, owner_user=owner, due_date=days(-3))
    alerts_sweep(now=NOW)
    Task.objects.filter(pk=task.pk).update(status=Task.Status.DONE)
    alerts_sweep(now=NOW + timedelta(minutes=5))
    with pytest.raises(ValidationError, match="cleared already"):
        services.alert_resolve(alert=Alert.objects.get(), user=owner, note="Done")
    assert Alert.objects.get().resolved_at is None


def test_a_long_digest_lists_the_first_alerts_and_sends_the_reader_to_the_rest(
    settings, project, owner, monkeypatch
):
    settings.SITE_URL = "https://golive.example"
    monkeypatch.setattr("alerts.services.DIGEST_MAX_ALERTS", 2)
    for title in ("Send census file", "Map pay codes", "Order clocks"):
        TaskFactory(project=project, title=title, owner_user=owner, due_date=days(-3))

    alerts_sweep(now=NOW)

    [email] = OutgoingEmail.objects.filter(to_email=owner.email)
    assert email.subject == "3 alerts on Acme payroll"
    listed = [a for a in Alert.objects.filter(owner=owner) if a.subject in email.body_text]
    assert len(listed) == 2
    assert "And 1 more alert, not listed here" in email.body_text
    assert "https://golive.example/alerts/" in email.body_text.split("not listed here")[1]
    assert 'href="https://golive.example/alerts/" style="color:#1d4e89;">your alerts page' in (
        email.body_html
    )
    assert AlertNotification.objects.filter(recipient=owner, email=email).count() == 3
