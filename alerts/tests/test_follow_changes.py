"""One alert per condition, and an alert that clears the moment someone's change ends it."""

import ast
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts.models import Alert
from alerts.services import alerts_recheck, alerts_sweep
from clients.roles import Role
from clients.tests.factories import UserFactory
from projects import services as project_services
from projects.models import Issue, Risk, Task
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


@pytest.fixture(autouse=True)
def _clock():
    global NOW, TODAY
    NOW = timezone.now()
    TODAY = timezone.localdate(NOW)


def days(n: int):
    return TODAY + timedelta(days=n)


def live(**filters) -> list[Alert]:
    return list(Alert.objects.live().filter(**filters))


@pytest.fixture
def owner(db):
    return UserFactory(username="owner_user", role=Role.PM)


@pytest.fixture
def project(pm):
    return ProjectFactory(name="Acme payroll", pm=pm)


# One late milestone, one alert


def test_a_milestone_both_slipping_and_overdue_is_one_alert_saying_both(project):
    milestone = MilestoneFactory(
        project=project,
        name="Config signed",
        is_key=True,
        baseline_date=days(-20),
        due_date=days(-2),
    )

    result = alerts_sweep(now=NOW)

    [alert] = Alert.objects.filter(milestone=milestone)
    assert alert.kind == Alert.Kind.MILESTONE_OVERDUE
    assert "2 days overdue" in alert.detail and "18 days after its baseline" in alert.detail
    assert (result.found, result.opened) == (1, 1)


def test_a_slipping_milestone_that_falls_overdue_stays_the_same_alert(project, pm):
    milestone = MilestoneFactory(
        project=project, is_key=True, baseline_date=days(-10), due_date=days(1)
    )
    alerts_sweep(now=NOW)
    [slipping] = live()
    assert slipping.kind == Alert.Kind.MILESTONE_SLIPPING

    alerts_sweep(now=NOW + timedelta(days=3))

    [overdue] = Alert.objects.filter(milestone=milestone)
    assert overdue.pk == slipping.pk and overdue.kind == Alert.Kind.MILESTONE_OVERDUE
    assert "overdue" in overdue.detail and "11 days after its baseline" in overdue.detail
    # The same alert, still climbing its ladder, not a new one told from the start.
    assert overdue.first_seen_at == slipping.first_seen_at
    assert [notice.level for notice in overdue.notifications.all()] == [Alert.Level.PM]


# Clearing on the change that ends the condition, not at the next sweep


def test_marking_the_task_done_clears_its_alert_at_once_and_no_other(project, owner, pm):
    late = TaskFactory(project=project, owner_user=owner, due_date=days(-5))
    other = TaskFactory(project=project, owner_user=owner, due_date=days(-5))
    alerts_sweep(now=NOW)

    project_services.task_set_status(task=late, user=pm, status=Task.Status.DONE)

    cleared = Alert.objects.get(task=late)
    assert cleared.status == Alert.Status.CLEARED and cleared.cleared_at is not None
    assert [alert.task for alert in live()] == [other]


def test_moving_a_task_on_without_finishing_it_keeps_its_alert(project, owner, pm):
    late = TaskFactory(project=project, owner_user=owner, due_date=days(-5))
    alerts_sweep(now=NOW)

    project_services.task_set_status(task=late, user=pm, status=Task.Status.IN_PROGRESS)

    assert [alert.task for alert in live()] == [late]


def test_completing_the_milestone_clears_its_alert_at_once(project, pm):
    milestone = MilestoneFactory(project=project, is_key=True, due_date=days(-3))
    alerts_sweep(now=NOW)

    project_services.milestone_complete(milestone=milestone, user=pm)

    assert live() == []
    assert Alert.objects.get().status == Alert.Status.CLEARED


def test_giving_the_risk_a_mitigation_plan_clears_its_alert_at_once(project, owner, pm):
    risk = RiskFactory(project=project, owner=owner, probability=5, impact=4, mitigation_plan="")
    alerts_sweep(now=NOW)
    assert len(live(risk=risk)) == 1

    project_services.risk_save(
        project=project, user=pm, risk=risk, data={"mitigation_plan": "Second payroll run."}
    )

    assert live() == []


def test_closing_the_risk_clears_its_alert_at_once(project, owner, pm):
    risk = RiskFactory(project=project, owner=owner, probability=5, impact=4, mitigation_plan="")
    alerts_sweep(now=NOW)

    project_services.risk_set_status(risk=risk, user=pm, status=Risk.Status.CLOSED)

    assert live() == []


def test_resolving_the_critical_issue_clears_its_alert_at_once(project, owner, pm):
    issue = IssueFactory(project=project, owner=owner, severity=Issue.Severity.CRITICAL)
    Issue.objects.filter(pk=issue.pk).update(raised_at=NOW - timedelta(days=3))
    alerts_sweep(now=NOW)
    assert len(live(issue=issue)) == 1

    project_services.issue_set_status(
        issue=issue, user=pm, status=Issue.Status.RESOLVED, resolution="Mapped by hand."
    )

    assert live() == []


def test_a_resolved_alert_stays_resolved_when_its_condition_clears(project, owner, pm):
    late = TaskFactory(project=project, owner_user=owner, due_date=days(-5))
    alerts_sweep(now=NOW)
    Alert.objects.update(status=Alert.Status.RESOLVED)

    project_services.task_set_status(task=late, user=pm, status=Task.Status.DONE)

    alert = Alert.objects.get()
    assert alert.status == Alert.Status.RESOLVED and alert.cleared_at is not None


def test_a_change_rechecks_one_object_in_two_queries_however_many_alerts_there_are(
    project, owner, django_assert_num_queries
):
    tasks = [TaskFactory(project=project, owner_user=owner, due_date=days(-5)) for _ in range(6)]
    alerts_sweep(now=NOW)
    Task.objects.filter(pk=tasks[0].pk).update(status=Task.Status.DONE)

    with django_assert_num_queries(2):
        cleared = alerts_recheck(object_type="task", object_id=tasks[0].pk)

    assert cleared == 1
    assert len(live()) == 5


def test_renaming_a_task_costs_no_alert_query(project, owner):
    task = TaskFactory(project=project, owner_user=owner, due_date=days(-5))
    task.title = "Renamed"
    with CaptureQueriesContext(connection) as queries:
        task.save(update_fields=["title"])
    assert queries.captured_queries
    assert not [q for q in queries.captured_queries if "alerts_alert" in q["sql"]]


def test_projects_never_import_alerts():
    """Alerts react to projects' changes; projects know nothing of alerts."""
    offenders = []
    for path in Path(settings.BASE_DIR, "projects").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "alerts"]
    assert offenders == []
