"""Variance against the current baseline, in business days, where a project or task is shown."""

from dataclasses import dataclass
from datetime import date

from django import template
from django.conf import settings

from projects.baselines import _day
from projects.models import Baseline, ImplementationProject, Task
from projects.scheduling import business_days_between, company_holidays

register = template.Library()


def _holidays(days: list[date]) -> frozenset[date]:
    """The holidays between the days that differ, read once; none to read when nothing moved."""
    return company_holidays(min(days), max(days)) if len(set(days)) > 1 else frozenset()


def _between(baseline: date | None, day: date | None, holidays: frozenset[date]) -> int | None:
    if baseline is None or day is None:
        return None
    return business_days_between(baseline, day, holidays)


def _counted(baseline: date | None, day: date | None, holidays_inside: int) -> int | None:
    """Business days from the baseline to the day, given the holidays counted between them."""
    if baseline is None or day is None:
        return None
    weekdays = business_days_between(baseline, day)
    return weekdays - holidays_inside if weekdays > 0 else weekdays + holidays_inside


@register.simple_tag
def plan_variance(project: ImplementationProject, milestones: list) -> int | None:
    """The forecast go-live's variance; each milestone gets its own as `variance`.

    The holidays in between come counted with the rows (projects.baselines.holidays_between);
    rows read without that count, or a country's public holidays to skip too, read them once.
    """
    rows = [project, *milestones]
    if not settings.HOLIDAY_COUNTRY and all(hasattr(r, "holidays_in_slip") for r in rows):
        for m in milestones:
            m.variance = _counted(m.baseline_date, m.due_date, m.holidays_in_slip)
        return _counted(
            project.baseline_go_live, project.forecast_go_live, project.holidays_in_slip
        )
    pairs = [(project.baseline_go_live, project.forecast_go_live)] + [
        (m.baseline_date, m.due_date) for m in milestones
    ]
    moved = [d for a, b in pairs if a and b and a != b for d in (a, b)]
    holidays = _holidays(moved) if moved else frozenset()
    for m in milestones:
        m.variance = _between(m.baseline_date, m.due_date, holidays)
    return _between(project.baseline_go_live, project.forecast_go_live, holidays)


@dataclass(frozen=True)
class TaskVariance:
    baseline_start: date | None
    baseline_due: date | None
    variance: int | None  # of the due date


def task_variance(task: Task) -> TaskVariance | None:
    """The task's dates in the current baseline and how far its due date moved since; None
    when no baseline holds the task (made after it was taken, or no baseline yet)."""
    # Task ids are the JSON's keys, and a numeric key reads as an array index in a key lookup:
    # the snapshot is read whole (a few kB for a large plan).
    dates = (
        Baseline.objects.filter(project_id=task.project_id)
        .order_by("-taken_at", "-pk")
        .values_list("task_dates", flat=True)
        .first()
    )
    if not dates or str(task.pk) not in dates:
        return None
    start, due = (_day(d) for d in dates[str(task.pk)])
    days = [d for d in (due, task.due_date) if d is not None]
    holidays = _holidays(days) if len(days) == 2 else frozenset()
    return TaskVariance(start, due, _between(due, task.due_date, holidays))
