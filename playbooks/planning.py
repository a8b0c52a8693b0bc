"""Stitching templates into one plan and placing it in business days: pure functions.

The services read templates into these plain records, and write the result; nothing here
touches the database, so the rules can be tested on small known plans.
"""

from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError

from projects.scheduling import add_business_days, next_business_day

GO_LIVE_NAMES = ("go-live", "go live", "golive")


def merge_key(name: str) -> str:
    """Names that differ only in case or spacing are the same milestone or task."""
    return " ".join(name.split()).casefold()


@dataclass
class MilestoneSpec:
    name: str
    order: int
    offset: int
    duration: int
    is_key: bool = False
    is_golive_critical: bool = False
    visible_to_client: bool = True

    @property
    def key(self) -> str:
        return merge_key(self.name)


@dataclass
class TaskSpec:
    key: Hashable  # unique within its template
    title: str
    milestone: str | None  # the name of its milestone
    offset: int
    duration: int
    owner_role: str
    estimate_hours: Decimal | None = None
    visible_to_client: bool = False
    description: str = ""
    depends_on: set[Hashable] = field(default_factory=set)


@dataclass
class TemplateSpec:
    name: str
    milestones: list[MilestoneSpec]
    tasks: list[TaskSpec]


@dataclass
class PlannedMilestone:
    name: str
    order: int
    offset: int
    duration: int
    is_key: bool
    is_golive_critical: bool
    visible_to_client: bool
    due_date: date | None = None

    @property
    def key(self) -> str:
        return merge_key(self.name)


@dataclass
class PlannedTask:
    key: tuple[str, str]  # (milestone key, title key): what merges across templates
    title: str
    milestone: str | None
    offset: int
    duration: int
    owner_role: str
    estimate_hours: Decimal | None
    visible_to_client: bool
    description: str
    depends_on: set[tuple[str, str]] = field(default_factory=set)
    start_date: date | None = None
    due_date: date | None = None


@dataclass
class Plan:
    milestones: list[PlannedMilestone]
    tasks: list[PlannedTask]

    @property
    def dependency_count(self) -> int:
        return sum(len(task.depends_on) for task in self.tasks)

    def go_live(self) -> date | None:
        """The go-live milestone's date, else the latest go-live critical one's."""
        named = [m for m in self.milestones if m.key in GO_LIVE_NAMES and m.due_date]
        if named:
            return named[0].due_date
        critical = [m.due_date for m in self.milestones if m.is_golive_critical and m.due_date]
        return max(critical, default=None)


def find_cycle(edges: Mapping[Hashable, Collection[Hashable]]) -> list[Hashable] | None:
    """A dependency loop as [a, b, …, a] (each waits on the next), or None."""
    state: dict[Hashable, int] = {}  # 1: on the current path, 2: finished
    for root in sorted(edges, key=str):
        if state.get(root):
            continue
        path: list[Hashable] = [root]
        state[root] = 1
        stack = [iter(sorted(edges.get(root, ()), key=str))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(edges.get(nxt, ()), key=str)))
    return None


def check_no_cycle(
    edges: Mapping[Hashable, Collection[Hashable]], names: Mapping, start: Hashable = None
) -> None:
    """Refuse a loop of dependencies, naming it task by task: "A → B → C → A".

    The loop is told from `start` (the task being edited) when it runs through it.
    """
    cycle = find_cycle(edges)
    if cycle:
        # Listed in the order the work would run: each task before the one that waits on it.
        order = list(reversed(cycle))[:-1]
        if start in order:
            at = order.index(start)
            order = order[at:] + order[:at]
        loop = " → ".join(str(names[key]) for key in [*order, order[0]])
        raise ValidationError(
            {"depends_on": f"These dependencies make a loop: {loop}. Remove one of them."}
        )


def stitch(templates: Iterable[TemplateSpec]) -> Plan:
    """One plan from several templates: same-named milestones and tasks merged, every
    dependency kept; a loop that only the combination makes is refused, named."""
    milestones: dict[str, PlannedMilestone] = {}
    tasks: dict[tuple[str, str], PlannedTask] = {}
    seen = 0
    first_seen: dict[str, int] = {}
    for template in templates:
        for spec in sorted(template.milestones, key=lambda m: (m.order, m.offset)):
            merged = milestones.get(spec.key)
            if merged is None:
                first_seen[spec.key] = seen
                seen += 1
                milestones[spec.key] = PlannedMilestone(
                    name=spec.name,
                    order=spec.order,
                    offset=spec.offset,
                    duration=spec.duration,
                    is_key=spec.is_key,
                    is_golive_critical=spec.is_golive_critical,
                    visible_to_client=spec.visible_to_client,
                )
                continue
            end = max(merged.offset + merged.duration, spec.offset + spec.duration)
            merged.offset = min(merged.offset, spec.offset)
            merged.duration = end - merged.offset
            merged.is_key |= spec.is_key
            merged.is_golive_critical |= spec.is_golive_critical
            merged.visible_to_client |= spec.visible_to_client
        local: dict[Hashable, tuple[str, str]] = {}
        for spec in template.tasks:
            milestone_key = merge_key(spec.milestone) if spec.milestone else ""
            local[spec.key] = (milestone_key, merge_key(spec.title))
        for spec in template.tasks:
            key = local[spec.key]
            merged = tasks.get(key)
            if merged is None:
                merged = tasks[key] = PlannedTask(
                    key=key,
                    title=spec.title,
                    milestone=milestones[key[0]].name if key[0] else None,
                    offset=spec.offset,
                    duration=spec.duration,
                    owner_role=spec.owner_role,
                    estimate_hours=spec.estimate_hours,
                    visible_to_client=spec.visible_to_client,
                    description=spec.description,
                )
            else:
                # The same work named in two templates is done once: the longer estimate.
                end = max(merged.offset + merged.duration, spec.offset + spec.duration)
                merged.offset = min(merged.offset, spec.offset)
                merged.duration = end - merged.offset
                if spec.estimate_hours is not None:
                    merged.estimate_hours = max(merged.estimate_hours or 0, spec.estimate_hours)
                merged.visible_to_client |= spec.visible_to_client
                merged.description = merged.description or spec.description
            merged.depends_on |= {local[dep] for dep in spec.depends_on}
    check_no_cycle(
        {key: task.depends_on for key, task in tasks.items()},
        {key: task.title for key, task in tasks.items()},
    )
    ordered = sorted(milestones.values(), key=lambda m: (m.offset + m.duration, first_seen[m.key]))
    for order, milestone in enumerate(ordered, start=1):
        milestone.order = order
    return Plan(milestones=ordered, tasks=list(tasks.values()))


def schedule(plan: Plan, kickoff: date, holidays: Collection[date] = frozenset()) -> Plan:
    """Dates for every task and milestone, in business days from kick-off.

    A task starts at its offset, or later when a task it waits on finishes later; a milestone
    is due at the end of its window, or when the last of its tasks is due.
    """
    first_day = next_business_day(kickoff, holidays)
    by_key = {task.key: task for task in plan.tasks}
    start: dict[tuple[str, str], int] = {}

    def place(key: tuple[str, str]) -> int:
        # Depth-first over predecessors; stitch() has already refused loops.
        pending = [key]
        while pending:
            current = pending[-1]
            if current in start:
                pending.pop()
                continue
            waiting = [dep for dep in by_key[current].depends_on if dep not in start]
            if waiting:
                pending.extend(waiting)
                continue
            task = by_key[current]
            earliest = max(
                (start[dep] + by_key[dep].duration for dep in task.depends_on), default=0
            )
            start[current] = max(task.offset, earliest)
            pending.pop()
        return start[key]

    def day(index: int) -> date:
        return add_business_days(first_day, index, holidays)

    milestone_end: dict[str, int] = {
        m.key: m.offset + max(m.duration, 1) - 1 for m in plan.milestones
    }
    for task in plan.tasks:
        begin = place(task.key)
        end = begin + max(task.duration, 1) - 1
        task.start_date, task.due_date = day(begin), day(end)
        if task.key[0]:
            milestone_end[task.key[0]] = max(milestone_end[task.key[0]], end)
    for milestone in plan.milestones:
        milestone.due_date = day(milestone_end[milestone.key])
    plan.tasks.sort(key=lambda t: (t.start_date, t.due_date, t.title))
    return plan
