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


def business_days_to_go_live(kickoff: date | None, live: date | None) -> int | None:
    """Business days from kick-off to go-live, skipping the days off known today."""
    if kickoff is None or live is None:
        return None
    days_off = company_holidays(min(kickoff, live), max(kickoff, live))
    return business_days_between(kickoff, live, days_off)


def company_holidays(start: date, end: date) -> frozenset[date]:
    """The days off between start and end (inclusive): the company's list, and the country's.

    A margin of a year past `end` is read by callers that schedule forward; reading a range
    costs one query whatever its length.
    """
    days = set(Holiday.objects.filter(date__range=(start, end)).values_list("date", flat=True))
    return frozenset(days | country_holidays(start, end))


def country_holidays(start: date, end: date) -> frozenset[date]:
    """The public holidays of `HOLIDAY_COUNTRY` between start and end (inclusive); no query."""
    country = getattr(settings, "HOLIDAY_COUNTRY", "")
    if not country:
        return frozenset()
    import holidays as public_holidays

    return frozenset(
        d
        for d in public_holidays.country_holidays(country, years=range(start.year, end.year + 1))
        if start <= d <= end
    )


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


# Ripples: what a task's new finish does to the work that waits on it.

GO_LIVE_NAMES = ("go-live", "go live", "golive")


@dataclass(frozen=True)
class ScheduledTask:
    """What a ripple needs of a task. `finish` is the day it finished when done, else its due."""

    id: int
    title: str
    start: date | None
    due: date | None
    finish: date | None
    depends_on: tuple[int, ...] = ()
    milestone_id: int | None = None
    done: bool = False
    started: bool = False  # in progress: its start is history, it can slip but not be pulled


@dataclass(frozen=True)
class ScheduledMilestone:
    id: int
    name: str
    due: date | None
    complete: bool = False
    is_golive_critical: bool = False

    @property
    def is_go_live(self) -> bool:
        return " ".join(self.name.split()).casefold() in GO_LIVE_NAMES


@dataclass(frozen=True)
class Move:
    """One task or milestone the ripple moves; `days` in business days, negative when earlier."""

    kind: str  # "task" or "milestone"
    id: int
    name: str
    old_due: date
    new_due: date
    days: int
    old_start: date | None = None
    new_start: date | None = None


@dataclass(frozen=True)
class Ripple:
    moves: tuple[Move, ...]
    go_live_before: date | None
    go_live_after: date | None

    @property
    def go_live_moves(self) -> bool:
        return self.go_live_before != self.go_live_after

    def __bool__(self) -> bool:
        return bool(self.moves) or self.go_live_moves


def go_live_anchor(milestones: Iterable[ScheduledMilestone]) -> date | None:
    """The milestone date the forecast go-live follows: the go-live milestone's, else the
    latest go-live critical one's (as a plan made from templates sets it)."""
    milestones = [m for m in milestones if m.due is not None]
    named = [m.due for m in milestones if m.is_go_live]
    if named:
        return named[0]
    return max((m.due for m in milestones if m.is_golive_critical), default=None)


def _topological(reach: set[int], tasks: dict[int, ScheduledTask]) -> list[int]:
    """The reached tasks, each after every reached task it waits on (ids break ties)."""
    waiting = {pk: {p for p in tasks[pk].depends_on if p in reach and p != pk} for pk in reach}
    ready = sorted(pk for pk, preds in waiting.items() if not preds)
    order: list[int] = []
    while ready:
        pk = ready.pop(0)
        order.append(pk)
        for other in sorted(reach):
            if pk in waiting[other]:
                waiting[other].discard(pk)
                if not waiting[other] and other not in order and other not in ready:
                    ready.append(other)
        ready.sort()
    return order  # tasks on a loop (which cannot be saved) are left where they are


def ripple(
    tasks: Iterable[ScheduledTask],
    milestones: Iterable[ScheduledMilestone],
    changed: dict[int, date | None],
    holidays: Collection[date] = frozenset(),
    *,
    forecast: date | None = None,
    earlier: bool = False,
    today: date | None = None,
) -> Ripple:
    """What must move when the tasks in `changed` finish on the given days instead.

    Finish-to-start: a task starts no sooner than the business day after the last of its
    predecessors finishes. Later (the default), a successor moves only when that is no longer
    true, by exactly the business days needed, keeping its length; the moves ripple on along
    the graph. A milestone moves when a task the plan finished by it (due on or before it)
    would now finish after it; the forecast go-live follows the go-live milestone when it was
    not already later.

    `earlier` is the pull forward a PM may ask for after a task finishes early: a successor
    that had no slack (it started the business day after its last predecessor) starts that
    much sooner, but never before the next business day after `today`, nor when it is under
    way; a milestone that was due on its last task's finish follows it, and the forecast
    go-live follows the go-live milestone when it stood on it. Done tasks never move.
    """
    by_id = {t.id: t for t in tasks}
    successors: dict[int, list[int]] = {pk: [] for pk in by_id}
    for t in by_id.values():
        for pred in t.depends_on:
            if pred in successors and pred != t.id:
                successors[pred].append(t.id)
    before = {pk: t.finish for pk, t in by_id.items()}
    after = dict(before)
    after.update({pk: day for pk, day in changed.items() if pk in by_id})
    reach: set[int] = set()
    stack = [pk for pk in changed if pk in by_id]
    while stack:
        for succ in successors[stack.pop()]:
            if succ not in reach and succ not in changed:
                reach.add(succ)
                stack.append(succ)
    floor = add_business_days(today, 1, holidays) if today else None

    def ready_after(finishes: dict[int, date | None], t: ScheduledTask) -> date | None:
        days = [finishes[p] for p in t.depends_on if p in finishes and finishes[p] is not None]
        return add_business_days(max(days), 1, holidays) if days else None

    moves: list[Move] = []
    for pk in _topological(reach, by_id):
        t = by_id[pk]
        if t.done or t.due is None:
            continue
        first = next_business_day(t.start or t.due, holidays)
        ready = ready_after(after, t)
        if ready is None:
            continue
        if not earlier:
            if first >= ready:
                continue
            new_start = ready
        else:
            was_ready = ready_after(before, t)
            if t.started or was_ready is None or first != was_ready or ready >= first:
                continue
            new_start = max(ready, floor) if floor else ready
            if new_start >= first:
                continue
        length = max(0, business_days_between(first, t.due, holidays))
        new_due = add_business_days(new_start, length, holidays)
        after[pk] = new_due
        moves.append(
            Move(
                "task",
                pk,
                t.title,
                t.due,
                new_due,
                business_days_between(t.due, new_due, holidays),
                t.start,
                new_start if t.start else None,
            )
        )

    moved_tasks = {pk for pk in after if after[pk] != before[pk]}
    new_milestone_dates: dict[int, date] = {}
    milestones = list(milestones)
    for m in milestones:
        if m.complete or m.due is None:
            continue
        # The tasks the plan finishes by this milestone: those due on or before it.
        within = [
            t.id
            for t in by_id.values()
            if t.milestone_id == m.id and before[t.id] is not None and before[t.id] <= m.due
        ]
        if not moved_tasks.intersection(within):
            continue
        latest = max((after[pk] for pk in within if after[pk] is not None), default=None)
        if latest is None:
            continue
        if not earlier:
            if latest <= m.due:
                continue
            new_due = latest
        else:
            if max(before[pk] for pk in within) != m.due or latest >= m.due:
                continue
            new_due = max(latest, today) if today else latest
            if new_due >= m.due:
                continue
        new_milestone_dates[m.id] = new_due
        moves.append(
            Move(
                "milestone",
                m.id,
                m.name,
                m.due,
                new_due,
                business_days_between(m.due, new_due, holidays),
            )
        )

    anchor_before = go_live_anchor(milestones)
    anchor_after = go_live_anchor(
        ScheduledMilestone(
            m.id, m.name, new_milestone_dates.get(m.id, m.due), m.complete, m.is_golive_critical
        )
        for m in milestones
    )
    go_live_after = forecast
    if forecast is not None and anchor_before is not None and anchor_after is not None:
        if not earlier and anchor_before <= forecast < anchor_after:
            go_live_after = anchor_after
        if earlier and forecast == anchor_before and anchor_after < anchor_before:
            go_live_after = anchor_after
    return Ripple(tuple(moves), forecast, go_live_after)
