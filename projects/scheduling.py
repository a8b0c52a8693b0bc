"""Business days: the unit a plan is scheduled in.

Pure functions over dates and a set of holidays, so that templates, slips and forecasts count
days the same way; `company_holidays` is the one read, of the holidays admins keep in the app
(and, with HOLIDAY_COUNTRY set, that country's public holidays from the `holidays` library).

Conventions: `add_business_days(day, n)` is the n-th business day after `day` (`day` itself
need not be one); `business_days_between(start, end)` counts the business days after `start`
up to and including `end`, so that `add_business_days(start, business_days_between(start,
end)) == end` whenever `end` is a business day.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from projects.models import Holiday

ONE_DAY = timedelta(days=1)
SATURDAY = 5


def is_business_day(day: date, holidays: Collection[date] = frozenset()) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def next_business_day(day: date, holidays: Collection[date] = frozenset()) -> date:
    """`day` when it is a business day, else the first business day after it."""
    while not is_business_day(day, holidays):
        day += ONE_DAY
    return day


def previous_business_day(day: date, holidays: Collection[date] = frozenset()) -> date:
    """`day` when it is a business day, else the last business day before it."""
    while not is_business_day(day, holidays):
        day -= ONE_DAY
    return day


def add_business_days(day: date, days: int, holidays: Collection[date] = frozenset()) -> date:
    """The `days`-th business day after `day` (before it for a negative count)."""
    if days < 0:
        return subtract_business_days(day, -days, holidays)
    step = 0
    while step < days:
        day += ONE_DAY
        if is_business_day(day, holidays):
            step += 1
    return day


def subtract_business_days(day: date, days: int, holidays: Collection[date] = frozenset()) -> date:
    """The `days`-th business day before `day`."""
    if days < 0:
        return add_business_days(day, -days, holidays)
    step = 0
    while step < days:
        day -= ONE_DAY
        if is_business_day(day, holidays):
            step += 1
    return day


def business_days_between(start: date, end: date, holidays: Collection[date] = frozenset()) -> int:
    """Business days after `start` up to and including `end`; negative when `end` is earlier."""
    if end < start:
        return -business_days_between(end, start, holidays)
    # Whole weeks hold five weekdays each; only the remainder and the holidays need a look.
    weeks, rest = divmod((end - start).days, 7)
    count = 5 * weeks
    day = start + timedelta(days=7 * weeks)
    for _ in range(rest):
        day += ONE_DAY
        if day.weekday() < SATURDAY:
            count += 1
    count -= sum(1 for h in set(holidays) if start < h <= end and h.weekday() < SATURDAY)
    return count


def company_holidays(start: date, end: date) -> frozenset[date]:
    """The days off between start and end (inclusive): the company's list, and the country's.

    A margin of a year past `end` is read by callers that schedule forward; reading a range
    costs one query whatever its length.
    """
    days = set(Holiday.objects.filter(date__range=(start, end)).values_list("date", flat=True))
    country = getattr(settings, "HOLIDAY_COUNTRY", "")
    if country:
        import holidays as public_holidays

        days.update(
            d
            for d in public_holidays.country_holidays(
                country, years=range(start.year, end.year + 1)
            )
            if start <= d <= end
        )
    return frozenset(days)


def holidays_from(start: date, *, years: int = 2) -> frozenset[date]:
    """The days off from `start` on, far enough ahead for any plan made from it."""
    return company_holidays(start, start + timedelta(days=366 * years))


@dataclass(frozen=True)
class PlannedTask:
    """What the critical path needs of a task: its dates and what it waits on."""

    id: int
    start: date | None
    finish: date | None
    depends_on: tuple[int, ...] = ()


def critical_path(
    tasks: Iterable[PlannedTask],
    holidays: Collection[date] = frozenset(),
    *,
    until: date | None = None,
) -> list[int]:
    """The tasks that decide the plan's end, earliest first: those with no float.

    A backward pass from the latest finish gives each task the latest day it may finish
    without moving that end (a predecessor must finish the business day before its
    successor's latest start); a task finishing on that day has no float. A task with no
    finish date cannot decide the end and is left out, as are the links through it; a task
    with a finish but no start is a one-day task. Ties keep every chain that decides the end.

    With `until` (the forecast go-live), the work after it (hypercare, handover) is left out,
    so the path is the chain that decides that day rather than the plan's last task.
    """
    dated = {
        t.id: t for t in tasks if t.finish is not None and (until is None or t.finish <= until)
    }
    if not dated:
        return []
    end = max(t.finish for t in dated.values())
    successors: dict[int, list[int]] = {pk: [] for pk in dated}
    for t in dated.values():
        for pred in t.depends_on:
            if pred in dated and pred != t.id:
                successors[pred].append(t.id)

    def duration(t: PlannedTask) -> int:
        start = t.start if t.start is not None and t.start <= t.finish else t.finish
        return business_days_between(start, t.finish, holidays)

    latest_finish: dict[int, date] = {}
    on_stack: set[int] = set()

    def late_finish(pk: int) -> date:
        if pk in latest_finish:
            return latest_finish[pk]
        on_stack.add(pk)
        bound = end
        for succ in successors[pk]:
            if succ in on_stack:  # a cycle cannot be saved; never loop on bad data
                continue
            latest_start = subtract_business_days(
                late_finish(succ), duration(dated[succ]), holidays
            )
            bound = min(bound, subtract_business_days(latest_start, 1, holidays))
        on_stack.discard(pk)
        latest_finish[pk] = bound
        return bound

    critical = [t for t in dated.values() if t.finish >= late_finish(t.id)]
    critical.sort(key=lambda t: (t.start or t.finish, t.finish, t.id))
    return [t.id for t in critical]
