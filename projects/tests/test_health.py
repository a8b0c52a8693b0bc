import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from projects.health import refresh_health
from projects.models import Health, ImplementationProject, Issue, Phase, RoleRate
from projects.services import project_update
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
    assert "Go-live 30 calendar days behind baseline" in reason_texts(project)


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
    def priced_project_with_work():
        task = TaskFactory(due_date=days(-3), estimate_hours=Decimal("10"))
        ImplementationProject.objects.filter(pk=task.project_id).update(budget_amount=1000)
        TimeEntryFactory(project=task.project, task=task, hours=Decimal("2"))

    for _ in range(3):
        priced_project_with_work()
    with django_assert_max_num_queries(15):
        refresh_health()
    for _ in range(12):
        priced_project_with_work()
    with django_assert_max_num_queries(15):
        assert refresh_health() == 15


def _priced_project(budget: str, estimate: str, logged: str):
    """A project whose consultant-rate hours forecast a known cost at completion (100/h)."""
    RoleRate.objects.update_or_create(role="consultant", defaults={"hourly_rate": 100})
    project = ProjectFactory(budget_amount=Decimal(budget), budget_hours=Decimal("1000"))
    task = TaskFactory(project=project, status="in_progress", estimate_hours=Decimal(estimate))
    TaskFactory(project=project, status="done")
    TimeEntryFactory(project=project, task=task, hours=Decimal(logged))
    return project


def test_a_forecast_over_budget_turns_the_budget_red_while_hours_look_fine():
    # 30 h logged of a 1000 h budget, half the work done: the hours rule would say green.
    # But 30 h of 150 h are done: the forecast is 15,000 against a budget of 10,000.
    project = refreshed(_priced_project(budget="10000", estimate="150", logged="30"))
    assert project.health == Health.RED
    assert "Forecast at completion 150% of the budget ($15,000 of $10,000)" in reason_texts(project)


def test_a_forecast_a_little_over_budget_is_amber_and_within_it_green():
    project = refreshed(_priced_project(budget="10000", estimate="105", logged="10"))
    assert project.health == Health.AMBER
    assert "Forecast at completion 105% of the budget ($10,500 of $10,000)" in reason_texts(project)
    within = refreshed(_priced_project(budget="10000", estimate="80", logged="10"))
    assert within.health == Health.GREEN
    assert "Forecast at completion 80% of the budget ($8,000 of $10,000)" in reason_texts(within)


# After go-live, and projects that are not active


@pytest.mark.parametrize("phase", [Phase.HYPERCARE, Phase.HANDED_OFF])
def test_a_live_project_is_not_held_to_a_slip_that_is_behind_it(phase):
    project = ProjectFactory(
        phase=phase,
        baseline_go_live=days(-60),
        forecast_go_live=days(-40),
        actual_go_live=days(-40),
    )
    project = refreshed(project)
    assert project.health == Health.GREEN
    assert not [text for text in reason_texts(project) if "behind baseline" in text]
    assert "Live; nothing open is overdue" in reason_texts(project)


def test_a_live_project_is_still_judged_on_what_is_open():
    project = ProjectFactory(
        phase=Phase.HYPERCARE, baseline_go_live=days(-60), actual_go_live=days(-30)
    )
    MilestoneFactory(project=project, is_key=True, due_date=days(-2))
    project = refreshed(project)
    assert project.health == Health.AMBER
    assert reason_texts(project)[0] == "1 key milestone overdue"


def test_before_go_live_the_slip_still_counts():
    project = ProjectFactory(
        phase=Phase.TESTING, baseline_go_live=days(10), forecast_go_live=days(40)
    )
    assert refreshed(project).health == Health.RED


@pytest.mark.parametrize(
    ("status", "health", "label"),
    [
        (ImplementationProject.Status.ON_HOLD, Health.ON_HOLD, "On hold"),
        (ImplementationProject.Status.CANCELLED, Health.CANCELLED, "Cancelled"),
    ],
)
def test_a_project_on_hold_or_cancelled_shows_its_state_and_no_colour(status, health, label):
    project = ProjectFactory(status=status, baseline_go_live=days(5), forecast_go_live=days(60))
    IssueFactory(project=project, severity=Issue.Severity.CRITICAL)
    project = refreshed(project)
    assert (project.health, project.get_health_display()) == (health, label)
    [reason] = project.health_reasons
    assert reason["level"] == health and reason["text"].startswith(label)

    badge = render_to_string(
        "_health_badge.html", {"health": project.health, "label": project.get_health_display()}
    )
    assert label in badge
    assert not [colour for colour in ("green", "amber", "red") if f"health-{colour}" in badge]


def test_an_override_does_not_colour_a_project_on_hold(pm):
    project = ProjectFactory(status=ImplementationProject.Status.ON_HOLD)
    project.health_override = Health.RED
    project.health_override_reason = "Client unhappy"
    project.health_override_until = days(3)
    project.save()
    assert refreshed(project).health == Health.ON_HOLD


def test_the_health_filter_and_the_list_offer_and_show_on_hold(client_as, manager):
    paused = ProjectFactory(name="Paused payroll", status=ImplementationProject.Status.ON_HOLD)
    ProjectFactory(name="Running payroll")
    refresh_health()

    response = client_as(manager).get(reverse("projects:list"), {"health": "on_hold"})

    assert [p.name for p in response.context["page_obj"]] == [paused.name]
    page = response.content.decode()
    assert '<option value="on_hold" selected>On hold</option>' in page
    assert "health-inactive" in page


def test_putting_a_project_on_hold_shows_on_hold_at_once(pm):
    project = ProjectFactory(pm=pm)
    project_update(project=project, user=pm, data={"status": ImplementationProject.Status.ON_HOLD})
    project.refresh_from_db()
    assert project.health == Health.ON_HOLD
