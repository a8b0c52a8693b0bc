"""Baselines: the plan's agreed dates, kept, retaken with a reason, and measured against."""

from collections.abc import Collection
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Func, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest, Least

from projects.models import Baseline, Holiday, ImplementationProject, Milestone
from projects.scheduling import business_days_between


@transaction.atomic
def take_baseline(
    *, project: ImplementationProject, user: User | None, reason: str, first: bool = False
) -> Baseline:
    """Snapshot every milestone and task date; a re-baseline (not the first) needs a reason.

    Milestones' baseline dates and the project's baseline go-live follow the new baseline, so
    every page that shows them shows the one variance is measured against.
    """
    reason = reason.strip()
    if not first and project.baselines.exists() and not reason:
        raise ValidationError("Say why the plan is re-baselined: the earlier baseline is kept.")
    milestones = list(project.milestones.only("pk", "due_date"))
    tasks = project.tasks.values_list("pk", "start_date", "due_date")
    baseline = Baseline.objects.create(
        project=project,
        taken_by=user,
        reason=reason,
        go_live=project.forecast_go_live,
        milestone_dates={str(m.pk): _iso(m.due_date) for m in milestones},
        task_dates={str(pk): [_iso(start), _iso(due)] for pk, start, due in tasks},
    )
    for m in milestones:
        m.baseline_date = m.due_date
    Milestone.objects.bulk_update(milestones, ["baseline_date"])
    ImplementationProject.objects.filter(pk=project.pk).update(
        baseline_go_live=project.forecast_go_live
    )
    return baseline


def current_baseline(project: ImplementationProject) -> Baseline | None:
    return project.baselines.first()


def task_baseline(baseline: Baseline | None, task_id: int) -> tuple[date | None, date | None]:
    if baseline is None:
        return None, None
    start, due = baseline.task_dates.get(str(task_id), [None, None])
    return _day(start), _day(due)


def variance(
    baseline_day: date | None, day: date | None, holidays: frozenset[date] = frozenset()
) -> int | None:
    """Business days later (positive) or earlier (negative) than the baseline."""
    if baseline_day is None or day is None:
        return None
    return business_days_between(baseline_day, day, holidays)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def holidays_between(
    start_field: str, end_field: str, *, counted: Collection[date] = ()
) -> Coalesce:
    """The company's weekday holidays after the earlier of two date columns, up to the later:
    the days `business_days_between` skips, read as a column of the row's own query so that a
    page showing variance reads no holidays of its own. Days in `counted` (the country's, which
    the caller skips itself) are left out, so that none is skipped twice."""
    inside = Holiday.objects.filter(
        date__gt=Least(OuterRef(start_field), OuterRef(end_field)),
        date__lte=Greatest(OuterRef(start_field), OuterRef(end_field)),
        date__week_day__in=[2, 3, 4, 5, 6],  # Monday to Friday
    ).exclude(date__in=list(counted))
    # COUNT as a plain function: one row for the whole range, with no GROUP BY.
    count = inside.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(count[:1], output_field=IntegerField()), 0)
