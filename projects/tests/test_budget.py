"""Budget in money: hours priced by team role, the cost burned and the forecast at completion."""

from decimal import Decimal

from django.template import Context, Template

from clients.tests.factories import UserFactory
from projects.budget import forecast_at_completion, project_budget
from projects.models import ProjectMembership, RoleRate, Task
from projects.tests.factories import (
    ProjectFactory,
    ProjectMembershipFactory,
    TaskFactory,
    TimeEntryFactory,
)


def test_forecast_adds_the_work_left_at_the_rate_burned():
    assert forecast_at_completion(
        cost_burned=Decimal(1500),
        hours_burned=Decimal(10),
        hours_left=Decimal(20),
        default_rate=Decimal(99),
    ) == Decimal("4500.00")


def test_forecast_before_any_hours_uses_the_default_rate():
    assert forecast_at_completion(
        cost_burned=Decimal(0),
        hours_burned=Decimal(0),
        hours_left=Decimal(8),
        default_rate=Decimal(100),
    ) == Decimal("800.00")


def test_cost_burned_prices_each_persons_hours_by_their_role_on_the_project(
    pm, django_assert_num_queries
):
    RoleRate.objects.create(role=RoleRate.PM, hourly_rate=Decimal(150))
    RoleRate.objects.create(role=ProjectMembership.TeamRole.CONSULTANT, hourly_rate=Decimal(100))
    RoleRate.objects.create(role=ProjectMembership.TeamRole.INTEGRATION, hourly_rate=Decimal(120))
    project = ProjectFactory(pm=pm, budget_amount=Decimal(5000))
    engineer = UserFactory()
    ProjectMembershipFactory(
        project=project, user=engineer, role=ProjectMembership.TeamRole.INTEGRATION
    )
    outsider = UserFactory()  # logs time without a team role: priced as a consultant
    task = TaskFactory(project=project, estimate_hours=Decimal(30))
    TaskFactory(project=project, estimate_hours=Decimal(40), status=Task.Status.DONE)
    TimeEntryFactory(project=project, task=task, user=pm, hours=Decimal(2))
    TimeEntryFactory(project=project, task=task, user=engineer, hours=Decimal(5))
    TimeEntryFactory(project=project, task=None, user=outsider, hours=Decimal(3))

    with django_assert_num_queries(1):
        money = project_budget(project)

    assert money.hours_burned == Decimal(10)
    assert money.cost_burned == Decimal("1200.00")  # 2×150 + 5×120 + 3×100
    assert money.hours_left == Decimal(23)  # the open task's 30 h less the 7 h logged on it
    assert money.forecast_at_completion == Decimal("3960.00")  # 1200 + 23 × 120 a burned hour
    assert money.forecast_overrun == Decimal("-1040.00")


def test_budget_card_shows_cost_burned_and_an_overrun(pm):
    RoleRate.objects.create(role=RoleRate.PM, hourly_rate=Decimal(200))
    project = ProjectFactory(pm=pm, budget_amount=Decimal(1000))
    task = TaskFactory(project=project, estimate_hours=Decimal(10))
    TimeEntryFactory(project=project, task=task, user=pm, hours=Decimal(4))

    html = Template('{% load budget_tags %}<dl class="row">{% budget_money project %}</dl>').render(
        Context({"project": project})
    )

    assert "$800 for 4 h" in html
    assert "$2,000" in html  # 800 + the 6 h left × 200
    assert "$1,000 over budget" in html
