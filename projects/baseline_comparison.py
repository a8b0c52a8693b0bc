"""Two versions of a plan side by side: two baselines, or a baseline and the plan as it stands.

Pure functions over the dates each side holds (`PlanDates`), so that what counts as a move, and
by how many business days, is decided in one place and tested on small known plans.
"""

from dataclasses import dataclass, field
from datetime import date

from projects.baselines import _day
from projects.models import Baseline
from projects.scheduling import business_days_between

CURRENT = "current"


@dataclass
class PlanDates:
    """One side of a comparison: milestone id → due date, task id → (start, due)."""

    label: str
    milestones: dict[int, date | None] = field(default_factory=dict)
    tasks: dict[int, tuple[date | None, date | None]] = field(default_factory=dict)
    go_live: date | None = None

    @classmethod
    def of_baseline(cls, baseline: Baseline, label: str) -> "PlanDates":
        return cls(
            label=label,
            milestones={int(pk): _day(due) for pk, due in baseline.milestone_dates.items()},
            tasks={
                int(pk): (_day(start), _day(due))
                for pk, (start, due) in baseline.task_dates.items()
            },
            go_live=baseline.go_live,
        )


@dataclass(frozen=True)
class PlanItem:
    """What a row names: a milestone or task of the plan as it stands."""

    kind: str  # "milestone" or "task"
    pk: int
    name: str
    url: str = ""


@dataclass
class ComparedRow:
    item: PlanItem
    left_start: date | None
    left_due: date | None
    right_start: date | None
    right_due: date | None
    # Business days the due date moved from left to right; start likewise (tasks only).
    difference: int | None
    start_difference: int | None
    state: str  # "same", "moved", "added" (only on the right), "missing" (only on the left)

    @property
    def changed(self) -> bool:
        return self.state != "same"


@dataclass
class Comparison:
    left: PlanDates
    right: PlanDates
    rows: list[ComparedRow]
    go_live_difference: int | None
    # Items a side holds that are no longer in the plan: they have no name left to show.
    removed: int = 0

    @property
    def changed_rows(self) -> list[ComparedRow]:
        return [row for row in self.rows if row.changed]

    @property
    def moved_count(self) -> int:
        return sum(row.state == "moved" for row in self.rows)


def _difference(left: date | None, right: date | None, holidays: frozenset[date]) -> int | None:
    if left is None or right is None:
        return None
    return business_days_between(left, right, holidays)


def compare(
    left: PlanDates,
    right: PlanDates,
    items: list[PlanItem],
    holidays: frozenset[date] = frozenset(),
) -> Comparison:
    """Every item of the plan with its dates on both sides, in the order `items` gives.

    An item is "moved" when its start or due date differs, "added" when only the right side
    holds it (made after the left baseline was taken) and "missing" when only the left does.
    """
    rows = []
    for item in items:
        if item.kind == "milestone":
            in_left, in_right = item.pk in left.milestones, item.pk in right.milestones
            left_dates = (None, left.milestones.get(item.pk))
            right_dates = (None, right.milestones.get(item.pk))
        else:
            in_left, in_right = item.pk in left.tasks, item.pk in right.tasks
            left_dates = left.tasks.get(item.pk, (None, None))
            right_dates = right.tasks.get(item.pk, (None, None))
        if not in_left and not in_right:
            continue
        if not in_left:
            state = "added"
        elif not in_right:
            state = "missing"
        else:
            state = "same" if left_dates == right_dates else "moved"
        rows.append(
            ComparedRow(
                item=item,
                left_start=left_dates[0],
                left_due=left_dates[1],
                right_start=right_dates[0],
                right_due=right_dates[1],
                difference=_difference(left_dates[1], right_dates[1], holidays),
                start_difference=_difference(left_dates[0], right_dates[0], holidays),
                state=state,
            )
        )
    known = {(item.kind, item.pk) for item in items}
    removed = {
        (kind, pk)
        for side in (left, right)
        for kind, ids in (("milestone", side.milestones), ("task", side.tasks))
        for pk in ids
        if (kind, pk) not in known
    }
    return Comparison(
        left=left,
        right=right,
        rows=rows,
        go_live_difference=_difference(left.go_live, right.go_live, holidays),
        removed=len(removed),
    )


def dates_span(*sides: PlanDates) -> tuple[date, date] | None:
    """The first and last day any side holds: the range whose holidays a comparison needs."""
    days = [
        d
        for side in sides
        for d in (
            side.go_live,
            *side.milestones.values(),
            *(d for pair in side.tasks.values() for d in pair),
        )
        if d is not None
    ]
    return (min(days), max(days)) if days else None
