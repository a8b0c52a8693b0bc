"""Budget in money: the cost burned on a project and its forecast at completion.

Hours are priced by the rate of the logger's role on the project (RoleRate, kept by admins):
the project's PM at the PM rate, a team member at their team role's, anyone else at the
consultant's. The forecast adds the work left (open tasks' estimates less the hours already
logged on them) at the rate burned so far.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from projects.models import ImplementationProject, ProjectMembership, RoleRate, Task, TimeEntry

ZERO = Decimal(0)


@dataclass(frozen=True)
class BudgetMoney:
    hours_burned: Decimal
    cost_burned: Decimal
    hours_left: Decimal
    forecast_at_completion: Decimal
    budget_amount: Decimal | None

    @property
    def forecast_overrun(self) -> Decimal | None:
        """How far the forecast exceeds the budget (negative: under budget); None without one."""
        if self.budget_amount is None:
            return None
        return self.forecast_at_completion - self.budget_amount


def forecast_at_completion(
    *, cost_burned: Decimal, hours_burned: Decimal, hours_left: Decimal, default_rate: Decimal
) -> Decimal:
    """Cost so far plus the work left at the rate burned so far (the default before any hours)."""
    rate = cost_burned / hours_burned if hours_burned else default_rate
    return (cost_burned + hours_left * rate).quantize(Decimal("0.01"))


def project_budget(project: ImplementationProject) -> BudgetMoney:
    """The project's money facts, read in four queries whatever its size."""
    rates = dict(RoleRate.objects.values_list("role", "hourly_rate"))
    roles = dict(ProjectMembership.objects.filter(project=project).values_list("user_id", "role"))
    default_rate = rates.get(ProjectMembership.TeamRole.CONSULTANT, ZERO)
    hours_by_user = (
        TimeEntry.objects.filter(project=project)
        .values("user_id")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    hours_burned = cost = ZERO
    for row in hours_by_user:
        role = RoleRate.PM if row["user_id"] == project.pm_id else roles.get(row["user_id"])
        hours_burned += row["hours"]
        cost += row["hours"] * rates.get(role, default_rate)
    open_tasks = (
        Task.objects.open()
        .filter(project=project, estimate_hours__isnull=False)
        .annotate(logged=Sum("time_entries__hours"))
        .values_list("estimate_hours", "logged")
    )
    hours_left = sum(
        (max(estimate - (logged or ZERO), ZERO) for estimate, logged in open_tasks), ZERO
    )
    return BudgetMoney(
        hours_burned=hours_burned,
        cost_burned=cost.quantize(Decimal("0.01")),
        hours_left=hours_left,
        forecast_at_completion=forecast_at_completion(
            cost_burned=cost,
            hours_burned=hours_burned,
            hours_left=hours_left,
            default_rate=default_rate,
        ),
        budget_amount=project.budget_amount,
    )
