import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.health import refresh_health
from projects.models import Health, Issue
from projects.tests.factories import (
    IssueFactory,
    MilestoneFactory,
    ProjectFactory,
    RiskFactory,
    TaskFactory,
    TimeEntryFactory,
)

pytestmark = pytest.mark.django_db
TODAY: datetime.date  # set for each test by `_today`


@pytest.fixture(autouse=True)
def _today():
    """Today as each test runs: read once at import, it is yesterday's for a test after midnight."""
    global TODAY
    TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def refreshed(project):
    refresh_health(project_ids=[project.pk])
    project.refresh_from_db()
    return project


def reason_texts(project) -> list[str]:
    return [reason["text"] for reason in project.health_reasons]


def test_a_project_on_plan_is_green_with_its_reasons():
    project = refreshed(ProjectFactory())
    assert project.health == Health.GREEN
    assert "On schedule" in reason_texts(project)


def test_go_live_slipping_past_the_red_threshold_turns_the_project_red(settings):
    project = refreshed(ProjectFactory(baseline_go_live=days(30), forecast_go_live=days(60)))
    assert project.health == Health.RED
    assert "Go-live 30 days behind baseline" in reason_texts(project)


def test_a_small_slip_is_amber():
    project = refreshed(ProjectFactory(baseline_go_live=days(30), forecast_go_live=days(40)))
    assert project.health == Health.AMBER


def test_thresholds_come_from_settings(settings):
    settings.GOLIVE_HEALTH = {**settings.GOLIVE_HEALTH, "SLIP_AMBER_DAYS": 20}
    project = refreshed(ProjectFactory(baseline_go_live=days(30), forecast_go_live=days(40)))
    assert project.health == Health.GREEN


def test_overdue_tasks_and_key_milestones_count_against_the_schedule():
    project = ProjectFactory()
    for _ in range(3):
        TaskFactory(project=project, start_date=days(-20), due_date=days(-2))
    MilestoneFactory(project=project, is_key=True, due_date=days(-1))
    project = refreshed(project)
    assert project.health == Health.AMBER
    assert "3 tasks overdue" in reason_texts(project)
    assert "1 key milestone overdue" in reason_texts(project)


def test_an_open_critical_issue_makes_the_project_red_until_resolved():
    project = ProjectFactory()
    issue = IssueFactory(project=project, severity=Issue.Severity.CRITICAL)
    assert refreshed(project).health == Health.RED
    assert "1 critical issue open" in reason_texts(project)
    issue.status = Issue.Status.RESOLVED
    issue.save()
    assert refreshed(project).health == Health.GREEN


def test_a_high_risk_without_mitigation_is_amber():
    project = ProjectFactory()
    RiskFactory(project=project, probability=4, impact=4, mitigation_plan="")
    project = refreshed(project)
    assert project.health == Health.AMBER
    assert "1 high-scoring risk without a mitigation plan" in reason_texts(project)


def test_hours_burned_ahead_of_work_done_turns_the_budget_red():
    project = ProjectFactory(budget_hours=Decimal("100"))
    TaskFactory(project=project, status="not_started")
    TimeEntryFactory(project=project, hours=Decimal("24"))
    TimeEntryFactory(project=project, hours=Decimal("24"))
    project = refreshed(project)
    assert project.health == Health.RED
    assert "48% of budget hours used for 0% of the work" in reason_texts(project)


def test_an_active_override_wins_and_an_expired_one_does_not(pm):
    project = ProjectFactory(baseline_go_live=days(30), forecast_go_live=days(60))
    project.health_override = Health.AMBER
    project.health_override_reason = "Client agreed the new date"
    project.health_override_until = days(3)
    project.save()
    project = refreshed(project)
    assert (project.health, project.computed_health) == (Health.AMBER, Health.RED)
    refresh_health(project_ids=[project.pk], today=days(4))
    project.refresh_from_db()
    assert project.health == Health.RED


def test_refreshing_many_projects_takes_the_same_queries_as_few(django_assert_max_num_queries):
    for _ in range(3):
        TaskFactory(due_date=days(-3))
    with django_assert_max_num_queries(10):
        refresh_health()
    for _ in range(12):
        TaskFactory(due_date=days(-3))
    with django_assert_max_num_queries(10):
        assert refresh_health() == 15
