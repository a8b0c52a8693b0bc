"""Budget in money: the cost burned on a project and its forecast at completion.

Hours are priced by the rate of the logger's role on the project (RoleRate, kept by admins):
the project's PM at the PM rate, a team member at their team role's, anyone else at the
consultant's. The forecast adds the work left (open tasks' estimates less the hours already
logged on them) at the rate burned so far.

The sums are annotations (`money_annotations`), so a page that reads the project row reads its
money in the same query.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from clients.roles import is_manager, is_pm
from projects.models import ImplementationProject, ProjectMembership, RoleRate, Task, TimeEntry

ZERO = Decimal(0)
MONEY = DecimalField(max_digits=14, decimal_places=2)

# Each time entry at the rate of its logger's role on the project, the consultant's when that
# role has none. Plain SQL that SQLite and PostgreSQL both run, correlated with the project row.
_COST_BURNED = """
SELECT COALESCE(SUM(te.hours * COALESCE(r.hourly_rate, d.hourly_rate, 0)), 0)
FROM projects_timeentry te
LEFT JOIN projects_projectmembership m
    ON m.project_id = te.project_id AND m.user_id = te.user_id
LEFT JOIN projects_rolerate r
    ON r.role = CASE WHEN te.user_id = projects_implementationproject.pm_id THEN %s
                     ELSE m.role END
LEFT JOIN projects_rolerate d ON d.role = %s
WHERE te.project_id = projects_implementationproject.id
"""
# Open tasks' estimates less what is logged on each, never below zero per task.
_HOURS_LEFT = """
SELECT COALESCE(SUM(CASE WHEN w.hours_left > 0 THEN w.hours_left ELSE 0 END), 0)
FROM (
    SELECT t.estimate_hours - COALESCE(
        (SELECT SUM(e.hours) FROM projects_timeentry e WHERE e.task_id = t.id), 0
    ) AS hours_left
    FROM projects_task t
    WHERE t.project_id = projects_implementationproject.id
      AND t.status <> %s AND t.estimate_hours IS NOT NULL
) w
"""


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

    @property
    def burned_percent(self) -> int | None:
        """Cost burned as a share of the money budget, for its bar; None without one."""
        if not self.budget_amount:
            return None
        return round(100 * self.cost_burned / self.budget_amount)


def can_see_budget(user) -> bool:
    """Budget is for those who run projects: PMs, managers and admins, not support or sales."""
    return is_pm(user) or is_manager(user)


def forecast_at_completion(
    *, cost_burned: Decimal, hours_burned: Decimal, hours_left: Decimal, default_rate: Decimal
) -> Decimal:
    """Cost so far plus the work left at the rate burned so far (the default before any hours)."""
    rate = cost_burned / hours_burned if hours_burned else default_rate
    return (cost_burned + hours_left * rate).quantize(Decimal("0.01"))


def money_annotations() -> dict:
    """Annotations of a project queryset that money_of() reads: hours and cost burned, work left
    and the default rate, each a subquery of the project's own rows."""
    hours = (
        TimeEntry.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    # Constant SQL with its values bound as parameters: nothing of a request reaches it.
    return {
        "hours_burned": Coalesce(Subquery(hours), Value(ZERO), output_field=MONEY),
        "money_cost_burned": RawSQL(  # noqa: S611  # nosec B611
            _COST_BURNED, (RoleRate.PM, ProjectMembership.TeamRole.CONSULTANT), MONEY
        ),
        "money_hours_left": RawSQL(  # noqa: S611  # nosec B611
            _HOURS_LEFT, (Task.Status.DONE,), MONEY
        ),
        "money_default_rate": Coalesce(
            Subquery(
                RoleRate.objects.filter(role=ProjectMembership.TeamRole.CONSULTANT).values(
                    "hourly_rate"
                )[:1]
            ),
            Value(ZERO),
            output_field=MONEY,
        ),
    }


def money_of(project: ImplementationProject) -> BudgetMoney:
    """The money facts of a project read with money_annotations(), without a query."""
    hours_burned = Decimal(project.hours_burned or 0)
    cost = Decimal(project.money_cost_burned or 0)
    hours_left = Decimal(project.money_hours_left or 0)
    return BudgetMoney(
        hours_burned=hours_burned,
        cost_burned=cost.quantize(Decimal("0.01")),
        hours_left=hours_left,
        forecast_at_completion=forecast_at_completion(
            cost_burned=cost,
            hours_burned=hours_burned,
            hours_left=hours_left,
            default_rate=Decimal(project.money_default_rate or 0),
        ),
        budget_amount=project.budget_amount,
    )


def project_budget(project: ImplementationProject) -> BudgetMoney:
    """The project's money facts, read in one query whatever its size."""
    row = (
        ImplementationProject.objects.filter(pk=project.pk)
        .annotate(**money_annotations())
        .only("budget_amount")
        .get()
    )
    return money_of(row)
