"""Project health: schedule, budget, and risks & issues; the worst of the three wins.

Computed in sets (a fixed number of queries per chunk of projects), stored on the project so
lists can filter and sort by it, and refreshed after each change and by a periodic job.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, Count, OuterRef, Subquery, When
from django.utils import timezone

from projects.account_status import account_status_refresh
from projects.budget import money_annotations, money_of
from projects.models import (
    Health,
    ImplementationProject,
    Issue,
    Milestone,
    Phase,
    Risk,
    Task,
)

CHUNK_SIZE = 2000


@dataclass
class ProjectFacts:
    overdue_tasks: int = 0
    overdue_key_milestones: int = 0
    task_total: int = 0
    task_done: int = 0
    hours_burned: Decimal = Decimal(0)
    open_critical_issues: int = 0
    unmitigated_high_risks: int = 0
    # Cost burned plus the work left at the rate burned so far; None without a money budget.
    forecast_at_completion: Decimal | None = None
    # The project's money facts (projects.budget.BudgetMoney) when it has a money budget.
    money: object = None


def _reason(dimension: str, level: Health, text: str) -> dict:
    return {"dimension": dimension, "level": level.value, "text": text}


INACTIVE_TEXT = {
    ImplementationProject.Status.ON_HOLD: "On hold: health is not judged while the project waits",
    ImplementationProject.Status.CANCELLED: "Cancelled: health is no longer judged",
}
LIVE_PHASES = {Phase.GO_LIVE, Phase.HYPERCARE, Phase.HANDED_OFF}


def is_live(project: ImplementationProject) -> bool:
    return project.actual_go_live is not None or project.phase in LIVE_PHASES


def assess(project: ImplementationProject, facts: ProjectFacts, thresholds: dict) -> list[dict]:
    """The reasons behind a project's health, one or more per dimension.

    A project on hold or cancelled has one reason, its state, and no colour. Once live, the
    schedule judges only what is still open: the go-live date is behind it.
    """
    if project.status in INACTIVE_TEXT:
        state = Health(project.status)
        return [_reason("status", state, INACTIVE_TEXT[project.status])]
    reasons: list[dict] = []

    schedule: list[dict] = []
    live = is_live(project)
    if project.baseline_go_live and project.forecast_go_live and not live:
        slip = (project.forecast_go_live - project.baseline_go_live).days
        if slip >= thresholds["SLIP_RED_DAYS"]:
            schedule.append(
                _reason("schedule", Health.RED, f"Go-live {slip} calendar days behind baseline")
            )
        elif slip >= thresholds["SLIP_AMBER_DAYS"]:
            schedule.append(
                _reason("schedule", Health.AMBER, f"Go-live {slip} calendar days behind baseline")
            )
    if facts.overdue_key_milestones:
        level = (
            Health.RED
            if facts.overdue_key_milestones >= thresholds["OVERDUE_KEY_MILESTONES_RED"]
            else Health.AMBER
        )
        noun = "milestone" if facts.overdue_key_milestones == 1 else "milestones"
        schedule.append(
            _reason("schedule", level, f"{facts.overdue_key_milestones} key {noun} overdue")
        )
    if facts.overdue_tasks >= thresholds["OVERDUE_TASKS_AMBER"]:
        level = (
            Health.RED if facts.overdue_tasks >= thresholds["OVERDUE_TASKS_RED"] else Health.AMBER
        )
        schedule.append(_reason("schedule", level, f"{facts.overdue_tasks} tasks overdue"))
    on_plan = "Live; nothing open is overdue" if live else "On schedule"
    reasons += schedule or [_reason("schedule", Health.GREEN, on_plan)]

    budget: list[dict] = []
    if project.budget_amount and facts.forecast_at_completion is not None:
        # With a money budget, what matters is where the project will end, not what it has
        # burned so far: the forecast at completion against the budget.
        ratio = float(facts.forecast_at_completion / project.budget_amount)
        text = (
            f"Forecast at completion {ratio:.0%} of the budget "
            f"(${facts.forecast_at_completion:,.0f} of ${project.budget_amount:,.0f})"
        )
        if ratio - 1 >= thresholds["FORECAST_OVERRUN_RED"]:
            budget.append(_reason("budget", Health.RED, text))
        elif ratio - 1 > thresholds["FORECAST_OVERRUN_AMBER"]:
            budget.append(_reason("budget", Health.AMBER, text))
        else:
            budget.append(_reason("budget", Health.GREEN, text))
    elif project.budget_hours:
        burned = float(facts.hours_burned / project.budget_hours)
        done = facts.task_done / facts.task_total if facts.task_total else 0.0
        overrun = burned - done
        text = f"{burned:.0%} of budget hours used for {done:.0%} of the work"
        if burned > 1 or overrun >= thresholds["BUDGET_OVERRUN_RED"]:
            budget.append(_reason("budget", Health.RED, text))
        elif overrun >= thresholds["BUDGET_OVERRUN_AMBER"]:
            budget.append(_reason("budget", Health.AMBER, text))
        else:
            budget.append(_reason("budget", Health.GREEN, text))
    reasons += budget or [_reason("budget", Health.GREEN, "No hours budget set")]

    raid: list[dict] = []
    if facts.open_critical_issues:
        noun = "issue" if facts.open_critical_issues == 1 else "issues"
        raid.append(
            _reason("risks", Health.RED, f"{facts.open_critical_issues} critical {noun} open")
        )
    if facts.unmitigated_high_risks:
        noun = "risk" if facts.unmitigated_high_risks == 1 else "risks"
        raid.append(
            _reason(
                "risks",
                Health.AMBER,
                f"{facts.unmitigated_high_risks} high-scoring {noun} without a mitigation plan",
            )
        )
    reasons += raid or [
        _reason("risks", Health.GREEN, "No critical issues or unmitigated high risks")
    ]
    return reasons


def worst(reasons: list[dict]) -> Health:
    levels = [Health(r["level"]) for r in reasons] or [Health.GREEN]
    return max(levels, key=lambda h: h.rank)


def shown(project: ImplementationProject, computed: Health, today: date) -> Health:
    """What the project shows: the PM's override while it lasts, but never over a project's
    state (on hold, cancelled)."""
    if project.override_active(today) and computed.is_rag:
        return Health(project.health_override)
    return computed


def _count_of(rows) -> Subquery:
    """How many of `rows` belong to the project of the outer query, as a subquery of its row:
    NULL when none do (read as 0 below)."""
    counted = (
        rows.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(counted)


def gather_facts(project_ids: list[int], today: date, thresholds: dict) -> dict[int, ProjectFacts]:
    """What the health of these projects is judged on, in one query whatever their number.

    Each count is a subquery of the project's row; the money sums are made only for projects
    with a money budget.
    """
    high_risks = Risk.objects.open().filter(
        score__gte=thresholds["HIGH_RISK_SCORE"], mitigation_plan=""
    )
    money = {
        name: expression
        if name == "hours_burned"
        else Case(When(budget_amount__isnull=False, then=expression), default=None)
        for name, expression in money_annotations().items()
    }
    rows = (
        ImplementationProject.objects.filter(pk__in=project_ids)
        .annotate(
            fact_overdue_tasks=_count_of(Task.objects.overdue(today)),
            fact_overdue_key_milestones=_count_of(
                Milestone.objects.overdue(today).filter(is_key=True)
            ),
            fact_task_total=_count_of(Task.objects.all()),
            fact_task_done=_count_of(Task.objects.filter(status=Task.Status.DONE)),
            fact_open_critical_issues=_count_of(Issue.objects.open().critical()),
            fact_unmitigated_high_risks=_count_of(high_risks),
            **money,
        )
        .only("pk", "pm_id", "budget_amount")
        .order_by()
    )
    facts = {pk: ProjectFacts() for pk in project_ids}
    for row in rows:
        fact = facts[row.pk]
        fact.overdue_tasks = row.fact_overdue_tasks or 0
        fact.overdue_key_milestones = row.fact_overdue_key_milestones or 0
        fact.task_total = row.fact_task_total or 0
        fact.task_done = row.fact_task_done or 0
        fact.hours_burned = row.hours_burned
        fact.open_critical_issues = row.fact_open_critical_issues or 0
        fact.unmitigated_high_risks = row.fact_unmitigated_high_risks or 0
        if row.budget_amount is not None:
            fact.money = money_of(row)
            fact.forecast_at_completion = fact.money.forecast_at_completion
    return facts


def refresh_health(*, project_ids: Iterable[int] | None = None, today: date | None = None) -> int:
    """Recompute and store the health of the given projects (all when None)."""
    today = today or timezone.localdate()
    thresholds = settings.GOLIVE_HEALTH
    queryset = ImplementationProject.objects.order_by("pk")
    if project_ids is not None:
        queryset = queryset.filter(pk__in=list(project_ids))
    all_ids = list(queryset.values_list("pk", flat=True))
    now = timezone.now()
    fields = [
        "pk",
        "baseline_go_live",
        "forecast_go_live",
        "actual_go_live",
        "budget_hours",
        "budget_amount",
        "health_override",
        "health_override_until",
        "status",
        "phase",
    ]
    updated = 0
    for start in range(0, len(all_ids), CHUNK_SIZE):
        ids = all_ids[start : start + CHUNK_SIZE]
        facts = gather_facts(ids, today, thresholds)
        projects = list(ImplementationProject.objects.filter(pk__in=ids).only(*fields))
        for project in projects:
            reasons = assess(project, facts[project.pk], thresholds)
            project.computed_health = worst(reasons)
            project.health = shown(project, project.computed_health, today)
            project.health_reasons = reasons
            project.health_computed_at = now
        ImplementationProject.objects.bulk_update(
            projects, ["computed_health", "health", "health_reasons", "health_computed_at"]
        )
        updated += len(projects)
    # Whose account is at risk (or no longer) follows the health just stored.
    if project_ids is None:
        account_status_refresh()
    else:
        account_status_refresh(
            client_ids=ImplementationProject.objects.filter(pk__in=all_ids).values("client_id")
        )
    return updated
