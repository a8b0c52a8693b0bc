"""Budget in money: the cost burned on a project and its forecast at completion.

Hours are priced by the rate of the logger's role on the project (RoleRate, kept by admins):
the project's PM at the PM rate, a team member at their team role's, anyone else at the
consultant's. The forecast adds the work left (open tasks' estimates less the hours already
logged on them) at the rate burned so far.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest

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
    return budgets_of([project])[project.pk]


def budgets_of(projects: list[ImplementationProject]) -> dict[int, BudgetMoney]:
    """The money facts of many projects, read in four queries whatever their number and size.

    Needs each project's pk, pm_id and budget_amount.
    """
    ids = [project.pk for project in projects]
    rates = dict(RoleRate.objects.values_list("role", "hourly_rate"))
    default_rate = rates.get(ProjectMembership.TeamRole.CONSULTANT, ZERO)
    roles = {
        (project_id, user_id): role
        for project_id, user_id, role in ProjectMembership.objects.filter(
            project_id__in=ids
        ).values_list("project_id", "user_id", "role")
    }
    pm_of = {project.pk: project.pm_id for project in projects}
    hours_burned = dict.fromkeys(ids, ZERO)
    cost = dict.fromkeys(ids, ZERO)
    hours_by_user = (
        TimeEntry.objects.filter(project_id__in=ids)
        .values("project_id", "user_id")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    for row in hours_by_user:
        pk, user_id = row["project_id"], row["user_id"]
        role = RoleRate.PM if user_id == pm_of[pk] else roles.get((pk, user_id))
        hours_burned[pk] += row["hours"]
        cost[pk] += row["hours"] * rates.get(role, default_rate)
    # The work left on each open task (its estimate less the hours logged on it, never below
    # zero), summed per project by the database.
    logged = (
        TimeEntry.objects.filter(task=OuterRef("pk"))
        .order_by()
        .values("task")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    left_rows = (
        Task.objects.open()
        .filter(project_id__in=ids, estimate_hours__isnull=False)
        .annotate(
            left=Greatest(
                F("estimate_hours") - Coalesce(Subquery(logged), Value(ZERO)),
                Value(ZERO),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            )
        )
        .values("project_id")
        .annotate(hours_left=Sum("left"))
        .order_by()
        .values_list("project_id", "hours_left")
    )
    hours_left = dict.fromkeys(ids, ZERO)
    for pk, left in left_rows:
        hours_left[pk] = Decimal(left or 0)
    return {
        project.pk: BudgetMoney(
            hours_burned=hours_burned[project.pk],
            cost_burned=cost[project.pk].quantize(Decimal("0.01")),
            hours_left=hours_left[project.pk],
            forecast_at_completion=forecast_at_completion(
                cost_burned=cost[project.pk],
                hours_burned=hours_burned[project.pk],
                hours_left=hours_left[project.pk],
                default_rate=default_rate,
            ),
            budget_amount=project.budget_amount,
        )
        for project in projects
    }
