"""The geometry of a project's timeline (a Gantt chart), built here and drawn by a template.

`project_timeline` reads the plan in a fixed number of queries; `layout` is pure: from
milestones, tasks and their dependencies it places every row, bar, diamond and arrow on a date
axis, so that the tags of `timeline_chart` only write the SVG elements and the table that says
the same in words.

The status report draws the same chart a level up: `milestone_spans` makes each milestone a
span of work (critical when one of its tasks is on the critical path), and `milestone_layout`
places those spans as bars on the same axis, drawn by the same tags.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models.functions import TruncDate
from django.utils.html import escape
from django.utils.safestring import mark_safe

from common.dates import month_abbreviations, short_date
from projects.baselines import current_baseline, task_baseline, variance
from projects.models import Baseline, ImplementationProject, Milestone, Phase, PhaseChange, Task
from projects.scheduling import PlannedTask, company_holidays, critical_path
from projects.templatetags.golive import pk_url

LABEL_WIDTH = 220  # the column of row names at the left of the chart
ROW_HEIGHT = 22
BAR_HEIGHT = 12
HEADER_HEIGHT = 36
LABEL_CHARS = 32
# The chart aims at this width; a day is never drawn narrower or wider than the bounds.
TARGET_WIDTH = 840
MIN_DAY_WIDTH = 2.0
MAX_DAY_WIDTH = 16.0
MARGIN_DAYS = 7
# A chart of milestones only (the status report's) fits a page: it gives a day what this width
# allows, however narrow, and keeps two lines below its rows for the today and go-live labels.
SPANS_TARGET_WIDTH = 420
SPANS_MIN_DAY_WIDTH = 0.25
SPANS_FOOTER = 14


@dataclass
class Row:
    # "group", "milestone" (a diamond), "task", or "milestone_span" (a milestone drawn as a bar
    # over its work, in the chart of milestones only)
    kind: str
    label: str
    full_label: str
    y: float
    url: str = ""
    group: str = ""
    task_id: int | None = None
    start: date | None = None
    finish: date | None = None
    baseline: date | None = None
    done: bool = False
    critical: bool = False
    overdue: bool = False
    is_key: bool = False
    waits_on: list[str] = field(default_factory=list)
    # Geometry, in SVG user units
    x: float = 0.0
    width: float = 0.0
    baseline_x: float | None = None
    baseline_start: date | None = None
    baseline_width: float = 0.0
    variance: int | None = None
    label_y: float = 0.0
    bar_y: float = 0.0
    diamond: str = ""
    baseline_diamond: str = ""

    @property
    def has_bar(self) -> bool:
        return self.finish is not None

    @property
    def marker_x(self) -> float:
        """Where the words after a bar (overdue, critical) begin."""
        return self.x + self.width + 6


@dataclass
class Tick:
    x: float
    label: str = ""


@dataclass
class Timeline:
    rows: list[Row]
    arrows: list[str]
    months: list[Tick]
    weeks: list[Tick]
    width: float
    height: float
    today_x: float | None
    start: date | None
    end: date | None
    critical_count: int
    overdue_count: int
    go_live_variance: int | None = None
    # Drawn on the chart of milestones only: the go-live (forecast, or actual once live).
    go_live: date | None = None
    go_live_x: float | None = None
    went_live: bool = False

    @property
    def chart_left(self) -> int:
        return LABEL_WIDTH

    @property
    def body_top(self) -> int:
        return HEADER_HEIGHT


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def task_finish(status: str, completed_at: datetime | None, due_date: date | None) -> date | None:
    """Where a task ends on a timeline: the day it was done, else its due date."""
    if status == Task.Status.DONE and completed_at is not None:
        return completed_at.date()
    return due_date


def _task_finish(task: Task) -> date | None:
    return task_finish(task.status, task.completed_at, task.due_date)


# About the width of a month's label, bold at the charts' 11 units, per letter or space, and
# the room kept between two labels.
MONTH_LABEL_LETTER = 7
MONTH_LABEL_GAP = 8


def month_ticks(start: date, end: date, x_of: Callable[[date], float]) -> list[Tick]:
    """A line at the first of each month from start to end, with the month's name as its label.

    The year is written where it starts (and on the first label) rather than on every month,
    and a month whose label would run into the one before it goes without: on a long span
    months are narrower than "Sep 2026" and the labels ran together.
    """
    ticks: list[Tick] = []
    free_from = float("-inf")  # where the next label may start
    year_shown = None
    d = date(start.year, start.month, 1)
    while d <= end:
        if d >= start:
            x = x_of(d)
            label = d.strftime("%b") if d.year == year_shown else d.strftime("%b %Y")
            if x >= free_from:
                ticks.append(Tick(x, label))
                free_from = x + len(label) * MONTH_LABEL_LETTER + MONTH_LABEL_GAP
                year_shown = d.year
            else:
                ticks.append(Tick(x))
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return ticks


@dataclass
class _Axis:
    """Dates from start to end, a day `day` units wide, from LABEL_WIDTH on."""

    start: date
    end: date
    day: float

    @property
    def span(self) -> int:
        return (self.end - self.start).days + 1

    def x_of(self, d: date) -> float:
        return round(LABEL_WIDTH + (d - self.start).days * self.day, 1)

    def ticks(self) -> tuple[list[Tick], list[Tick]]:
        """The month lines, and the week lines where they are far enough apart to read."""
        months, weeks = month_ticks(self.start, self.end, self.x_of), []
        if self.day * 7 >= 20:
            d = self.start + timedelta(days=(7 - self.start.weekday()) % 7)
            while d <= self.end:
                weeks.append(Tick(self.x_of(d), d.strftime("%-d")))
                d += timedelta(days=7)
        return months, weeks


def _axis_of(
    dates: list[date],
    today: date,
    *,
    target_width: float = TARGET_WIDTH,
    min_day_width: float = MIN_DAY_WIDTH,
) -> _Axis:
    start = min(min(dates), today) - timedelta(days=MARGIN_DAYS)
    end = max(max(dates), today) + timedelta(days=MARGIN_DAYS)
    span = (end - start).days + 1
    return _Axis(start, end, min(MAX_DAY_WIDTH, max(min_day_width, target_width / span)))


def _place_bar(row: Row, x_of: Callable[[date], float], day: float) -> None:
    """A bar from the row's start (or its finish alone) to its finish, its baseline's beneath."""
    begin = row.start if row.start is not None and row.start <= row.finish else row.finish
    row.x = x_of(begin)
    row.width = round(max(day, ((row.finish - begin).days + 1) * day), 1)
    if row.baseline is not None:
        begin = row.baseline_start or row.baseline
        row.baseline_x = x_of(begin)
        row.baseline_width = round(max(day, ((row.baseline - begin).days + 1) * day), 1)


def layout(
    milestones: list[Milestone],
    tasks: list[Task],
    dependencies: list[tuple[int, int]],
    *,
    today: date,
    holidays: frozenset[date] = frozenset(),
    go_live: date | None = None,
    baseline: Baseline | None = None,
) -> Timeline:
    """Rows grouped by milestone (in plan order), then the tasks of no milestone.

    `dependencies` are (task, task it waits on) pairs; the critical path is the one to
    `go_live` when it is given.
    """
    waits_on: dict[int, list[int]] = defaultdict(list)
    for task_id, predecessor_id in dependencies:
        waits_on[task_id].append(predecessor_id)
    finishes = {t.pk: _task_finish(t) for t in tasks}
    critical = set(
        critical_path(
            [PlannedTask(t.pk, t.start_date, finishes[t.pk], tuple(waits_on[t.pk])) for t in tasks],
            holidays,
            until=go_live,
        )
    )
    titles = {t.pk: t.title for t in tasks}

    by_milestone: dict[int | None, list[Task]] = defaultdict(list)
    for t in tasks:
        by_milestone[t.milestone_id].append(t)
    for group in by_milestone.values():
        group.sort(key=lambda t: (t.start_date or t.due_date or date.max, t.due_date or date.max))

    rows: list[Row] = []

    def add(row: Row) -> None:
        row.y = HEADER_HEIGHT + len(rows) * ROW_HEIGHT
        rows.append(row)

    for m in milestones:
        add(
            Row(
                kind="milestone",
                label=_short(m.name),
                full_label=m.name,
                y=0,
                url=m.get_absolute_url(),
                group=m.name,
                start=m.due_date,
                finish=m.due_date,
                baseline=m.baseline_date,
                done=m.is_complete,
                overdue=m.is_overdue(today),
            )
        )
        rows.extend(
            _task_rows(by_milestone.pop(m.pk, []), m.name, critical, waits_on, titles, baseline)
        )
    loose = by_milestone.pop(None, [])
    # A task whose milestone is not in the list (never expected) still gets its row.
    for group in by_milestone.values():
        loose.extend(group)
    if loose:
        add(Row(kind="group", label="Tasks of no milestone", full_label="", y=0))
        rows.extend(_task_rows(loose, "", critical, waits_on, titles, baseline))
    for i, row in enumerate(rows):
        row.y = HEADER_HEIGHT + i * ROW_HEIGHT
        if row.kind == "task":
            row.overdue = row.finish is not None and not row.done and row.finish < today
        if row.kind != "group":
            row.variance = variance(row.baseline, row.finish, holidays)

    dates = [d for r in rows for d in (r.start, r.finish, r.baseline) if d is not None]
    if not dates:
        return Timeline(rows, [], [], [], LABEL_WIDTH + 200, _height(rows), None, None, None, 0, 0)
    axis = _axis_of(dates, today)
    start, end, span, day, x_of = axis.start, axis.end, axis.span, axis.day, axis.x_of

    for row in rows:
        row.label_y = row.y + ROW_HEIGHT / 2 + 4
        row.bar_y = row.y + (ROW_HEIGHT - BAR_HEIGHT) / 2 - 2
        if row.finish is None:
            continue
        if row.kind == "task":
            _place_bar(row, x_of, day)
            continue
        # A milestone: a diamond on its day, its baseline's smaller one beneath.
        cx, cy = x_of(row.finish) + day / 2, row.y + ROW_HEIGHT / 2 - 2
        row.diamond = _diamond(cx, cy, 6)
        row.x, row.width = cx - 6, 12
        if row.baseline is not None:
            row.baseline_x = x_of(row.baseline)
            row.baseline_diamond = _diamond(x_of(row.baseline) + day / 2, row.y + 17, 4)

    row_of_task = {r.task_id: r for r in rows if r.kind == "task"}
    arrows = []
    for task_id, predecessor_id in dependencies:
        succ, pred = row_of_task.get(task_id), row_of_task.get(predecessor_id)
        if succ is None or pred is None or not succ.has_bar or not pred.has_bar:
            continue
        x1, y1 = pred.x + pred.width, pred.bar_y + BAR_HEIGHT / 2
        x2, y2 = succ.x, succ.bar_y + BAR_HEIGHT / 2
        arrows.append(f"M{x1:.1f} {y1:.1f}h4V{y2:.1f}H{x2 - 1:.1f}")

    months, weeks = axis.ticks()
    return Timeline(
        rows=rows,
        arrows=arrows,
        months=months,
        weeks=weeks,
        width=round(LABEL_WIDTH + span * day + 80, 1),
        height=_height(rows),
        today_x=x_of(today) + day / 2,
        start=start,
        end=end,
        critical_count=sum(1 for r in rows if r.critical),
        overdue_count=sum(1 for r in rows if r.overdue),
    )


def _task_rows(
    tasks: list[Task],
    group: str,
    critical: set[int],
    waits_on: dict[int, list[int]],
    titles: dict[int, str],
    baseline: Baseline | None,
) -> list[Row]:
    rows = []
    for t in tasks:
        baseline_start, baseline_finish = task_baseline(baseline, t.pk)
        rows.append(
            Row(
                kind="task",
                label=_short(t.title),
                full_label=t.title,
                y=0,
                # Not get_absolute_url(): reversing each task's URL was a third of the layout.
                url=pk_url("projects:task_detail", t.pk),
                group=group,
                task_id=t.pk,
                start=t.start_date,
                finish=_task_finish(t),
                baseline_start=baseline_start,
                baseline=baseline_finish,
                done=t.status == Task.Status.DONE,
                critical=t.pk in critical,
                waits_on=[titles[p] for p in waits_on[t.pk] if p in titles],
            )
        )
    return rows


def _diamond(cx: float, cy: float, r: float) -> str:
    points = ((cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy))
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _height(rows: list[Row]) -> float:
    return HEADER_HEIGHT + len(rows) * ROW_HEIGHT + 8


def project_timeline(project: ImplementationProject, *, today: date) -> Timeline:
    """The project's timeline in five queries, whatever the size of its plan."""
    milestones = list(project.milestones.all())
    tasks = list(
        project.tasks.only(
            "pk",
            "title",
            "project_id",
            "milestone_id",
            "status",
            "start_date",
            "due_date",
            "completed_at",
        )
    )
    dependencies = list(
        Task.depends_on.through.objects.filter(from_task__project=project).values_list(
            "from_task_id", "to_task_id"
        )
    )
    dated = [d for t in tasks for d in (t.start_date, t.due_date) if d is not None]
    dated += [m.due_date for m in milestones if m.due_date is not None]
    holidays = company_holidays(min(dated), max(dated)) if dated else frozenset()
    go_live = project.actual_go_live or project.forecast_go_live
    timeline = layout(
        milestones,
        tasks,
        dependencies,
        today=today,
        holidays=holidays,
        go_live=go_live,
        baseline=current_baseline(project),
    )
    timeline.go_live_variance = variance(project.baseline_go_live, go_live, holidays)
    return timeline


# Milestones only: the status report's chart.


@dataclass(frozen=True)
class MilestoneTask(PlannedTask):
    """A task as a chart of milestones reads it: what the critical path needs, its milestone,
    and where it began in the current baseline."""

    milestone_id: int | None = None
    baseline_start: date | None = None


@dataclass(frozen=True)
class MilestoneSpan:
    """A milestone as a span of work: from where its work begins to its finish (its completion,
    else its due date), with its baseline span, plain data that a stored report keeps."""

    name: str
    start: date | None
    finish: date | None
    baseline_start: date | None
    baseline: date | None
    done: bool
    overdue: bool
    critical: bool
    variance: int | None
    is_key: bool


def milestone_spans(
    milestones: list[Milestone],
    tasks: list[MilestoneTask],
    *,
    today: date,
    kickoff: date | None,
    go_live: date | None,
    holidays: frozenset[date] = frozenset(),
) -> list[MilestoneSpan]:
    """Each milestone, in the order given, as the span of its work.

    Its work begins at its earliest task (in the baseline, at its earliest task's baseline
    start), else where the previous milestone ends, else at kick-off. It is on the critical path
    when one of its tasks is (the same path as the project's timeline, to `go_live`), or when it
    is the go-live that path leads to. Variance is its due date's against its baseline date, in
    business days, as the project's pages count it.
    """
    critical = set(critical_path(tasks, holidays, until=go_live))
    work: dict[int | None, list[MilestoneTask]] = defaultdict(list)
    for task in tasks:
        work[task.milestone_id].append(task)
    spans = []
    previous, previous_baseline = kickoff, kickoff
    for m in milestones:
        own = work.get(m.pk, [])
        finish = m.completed_on or m.due_date
        start = min((t.start or t.finish for t in own if t.start or t.finish), default=None)
        start = start or previous or finish
        if start is not None and finish is not None and start > finish:
            start = finish
        baseline_start = min((t.baseline_start for t in own if t.baseline_start), default=None)
        baseline_start = baseline_start or previous_baseline or m.baseline_date
        if m.baseline_date is None or (baseline_start and baseline_start > m.baseline_date):
            baseline_start = m.baseline_date
        on_path = any(t.id in critical for t in own) or (
            bool(critical) and go_live is not None and m.due_date == go_live
        )
        spans.append(
            MilestoneSpan(
                name=m.name,
                start=start,
                finish=finish,
                baseline_start=baseline_start,
                baseline=m.baseline_date,
                done=m.is_complete,
                overdue=m.is_overdue(today),
                critical=on_path,
                variance=variance(m.baseline_date, m.due_date, holidays),
                is_key=m.is_key,
            )
        )
        previous = finish or previous
        previous_baseline = m.baseline_date or previous_baseline
    return spans


def milestone_layout(
    spans: list[MilestoneSpan],
    *,
    today: date,
    go_live: date | None = None,
    went_live: bool = False,
) -> Timeline:
    """One bar per milestone with its baseline bar beneath, on an axis that fits a page, with
    the go-live marked; drawn by the tags of `timeline_chart` like the project's timeline."""
    rows = []
    for i, span in enumerate(spans):
        y = HEADER_HEIGHT + i * ROW_HEIGHT
        rows.append(
            Row(
                kind="milestone_span",
                label=_short(span.name),
                full_label=span.name,
                y=y,
                start=span.start,
                finish=span.finish,
                baseline_start=span.baseline_start,
                baseline=span.baseline,
                done=span.done,
                critical=span.critical,
                overdue=span.overdue,
                is_key=span.is_key,
                variance=span.variance,
                label_y=y + ROW_HEIGHT / 2 + 4,
                bar_y=y + (ROW_HEIGHT - BAR_HEIGHT) / 2 - 2,
            )
        )
    height = _height(rows) + SPANS_FOOTER
    counts = {
        "critical_count": sum(1 for r in rows if r.critical),
        "overdue_count": sum(1 for r in rows if r.overdue),
        "go_live": go_live,
        "went_live": went_live,
    }
    dates = [d for r in rows for d in (r.start, r.finish, r.baseline) if d is not None]
    if go_live is not None:
        dates.append(go_live)
    if not dates:
        return Timeline(rows, [], [], [], LABEL_WIDTH + 200, height, None, None, None, **counts)
    axis = _axis_of(
        dates, today, target_width=SPANS_TARGET_WIDTH, min_day_width=SPANS_MIN_DAY_WIDTH
    )
    for row in rows:
        if row.finish is not None:
            _place_bar(row, axis.x_of, axis.day)
    months, weeks = axis.ticks()
    return Timeline(
        rows=rows,
        arrows=[],
        months=months,
        weeks=weeks,
        width=round(LABEL_WIDTH + axis.span * axis.day + 80, 1),
        height=height,
        today_x=axis.x_of(today) + axis.day / 2,
        start=axis.start,
        end=axis.end,
        go_live_x=axis.x_of(go_live) + axis.day / 2 if go_live is not None else None,
        **counts,
    )


# The portfolio: each project's phases, one row per project, on one axis.

PHASE_COLOURS = {
    Phase.SALES_HANDOFF: "#adb5bd",
    Phase.KICKOFF: "#6f42c1",
    Phase.DISCOVERY: "#0d6efd",
    Phase.CONFIGURATION: "#20c997",
    Phase.DATA_CONVERSION: "#fd7e14",
    Phase.TESTING: "#ffc107",
    Phase.GO_LIVE: "#198754",
    Phase.HYPERCARE: "#0dcaf0",
    Phase.HANDED_OFF: "#495057",
}
# Each phase's label and colour by its value: a portfolio page places hundreds of segments, and
# making a Phase of each value cost more than placing it.
_PHASE_LOOK = {phase.value: (phase.label, colour) for phase, colour in PHASE_COLOURS.items()}
_LABEL_HTML = {label: escape(label) for label in (*Phase.labels, "Forecast to go-live")}
PORTFOLIO_LABEL_WIDTH = 240
# The portfolio's chart aims at the page's width on a desktop (1,116 px, less the labels and
# the right margin), so that it scrolls sideways only for a span of more than a year or so.
PORTFOLIO_TARGET_WIDTH = 780
PORTFOLIO_MIN_DAY_WIDTH = 1.5
# A chart wider than this scrolls sideways on a desktop too, and says so.
PORTFOLIO_PAGE_WIDTH = 1100
PORTFOLIO_ROW_HEIGHT = 26


@dataclass
class Segment:
    phase: str
    label: str
    colour: str
    start: date
    end: date
    forecast: bool = False  # the time left until the forecast go-live, not yet lived
    x: float = 0.0
    width: float = 0.0


@dataclass
class PortfolioRow:
    project: ImplementationProject
    label: str
    y: float
    segments: list[Segment]
    go_live: date | None
    go_live_is_actual: bool = False
    label_y: float = 0.0
    bar_y: float = 0.0
    diamond: str = ""
    # The row's phase bars (SVG) and their dates in words (the table), each written once here:
    # a page of rows holds hundreds of segments, too many for a template loop of each.
    bars_svg: str = ""
    phases_text: str = ""


@dataclass
class Portfolio:
    rows: list[PortfolioRow]
    months: list[Tick]
    width: float
    height: float
    today_x: float | None
    start: date | None
    end: date | None
    phases: list[tuple[str, str]]  # (label, colour) for the legend

    @property
    def body_top(self) -> int:
        return HEADER_HEIGHT

    @property
    def scrolls_on_desktop(self) -> bool:
        return self.width > PORTFOLIO_PAGE_WIDTH


def phase_segments(
    project: ImplementationProject, changes: list[tuple[str, str, date]], *, today: date
) -> list[Segment]:
    """The phases a project went through, from its (from, to, day) phase changes, oldest first.

    The first phase runs from kick-off (or the project's creation, or its first change if
    earlier) to the first change; the current one runs to today, then a forecast stretch runs
    to the forecast go-live.
    """
    first_day = project.kickoff_date or project.created_at.date()
    if changes:
        first_day = min(first_day, changes[0][2])
        steps = [(changes[0][0], first_day)] + [(to, day) for _, to, day in changes]
    else:
        steps = [(project.phase, first_day)]
    segments = []
    for i, (phase_value, begin) in enumerate(steps):
        end = steps[i + 1][1] if i + 1 < len(steps) else max(today, begin)
        label, colour = _PHASE_LOOK[phase_value]
        segments.append(Segment(phase_value, label, colour, begin, end))
    last = segments[-1]
    forecast = project.forecast_go_live
    if project.actual_go_live is None and forecast is not None and forecast > last.end:
        segments.append(
            Segment("forecast", "Forecast to go-live", "#ffffff", last.end, forecast, True)
        )
    return segments


def _axis(start: date, end: date, left: int) -> tuple[float, list[Tick], float]:
    """Day width, month ticks and the chart's right edge for an axis from start to end."""
    span = (end - start).days + 1
    day = min(MAX_DAY_WIDTH, max(PORTFOLIO_MIN_DAY_WIDTH, PORTFOLIO_TARGET_WIDTH / span))
    months = month_ticks(start, end, lambda d: round(left + (d - start).days * day, 1))
    return day, months, round(left + span * day + 40, 1)


def portfolio_layout(
    projects: list[ImplementationProject],
    changes: list[tuple[int, str, str, date]],
    *,
    today: date,
) -> Portfolio:
    """One row per project, in the order given; `changes` are (project, from, to, day) rows."""
    by_project: dict[int, list[tuple[str, str, date]]] = defaultdict(list)
    for project_id, from_phase, to_phase, day in sorted(changes, key=lambda c: (c[0], c[3])):
        by_project[project_id].append((from_phase, to_phase, day))
    rows = []
    for i, project in enumerate(projects):
        y = HEADER_HEIGHT + i * PORTFOLIO_ROW_HEIGHT
        rows.append(
            PortfolioRow(
                project=project,
                label=_short(project.name),
                y=y,
                segments=phase_segments(project, by_project[project.pk], today=today),
                go_live=project.actual_go_live or project.forecast_go_live,
                go_live_is_actual=project.actual_go_live is not None,
                label_y=y + PORTFOLIO_ROW_HEIGHT / 2 + 4,
                bar_y=y + (PORTFOLIO_ROW_HEIGHT - BAR_HEIGHT) / 2,
            )
        )
    legend = [(p.label, PHASE_COLOURS[p]) for p in Phase]
    height = HEADER_HEIGHT + len(rows) * PORTFOLIO_ROW_HEIGHT + 8
    dates = [d for r in rows for s in r.segments for d in (s.start, s.end)]
    dates += [r.go_live for r in rows if r.go_live is not None]
    if not dates:
        return Portfolio(rows, [], PORTFOLIO_LABEL_WIDTH + 200, height, None, None, None, legend)
    start = min(min(dates), today) - timedelta(days=MARGIN_DAYS)
    end = max(max(dates), today) + timedelta(days=MARGIN_DAYS)
    day, months, width = _axis(start, end, PORTFOLIO_LABEL_WIDTH)

    def x_of(d: date) -> float:
        return round(PORTFOLIO_LABEL_WIDTH + (d - start).days * day, 1)

    for row in rows:
        for seg in row.segments:
            seg.x = x_of(seg.start)
            seg.width = round(max(day, (seg.end - seg.start).days * day), 1)
        if row.go_live is not None:
            row.diamond = _diamond(x_of(row.go_live) + day / 2, row.bar_y + BAR_HEIGHT / 2, 7)
        _write_segments(row)
    return Portfolio(rows, months, width + 40, height, x_of(today) + day / 2, start, end, legend)


def _write_segments(row: PortfolioRow) -> None:
    """Set the row's bars_svg and phases_text from its placed segments.

    Numbers and colours are the layout's own; labels are escaped.
    """
    months = month_abbreviations()
    bars, phases = [], []
    for seg in row.segments:
        label = _LABEL_HTML.get(seg.label) or escape(seg.label)
        start, end = short_date(seg.start, months=months), short_date(seg.end, months=months)
        stroke = ' stroke="#6c757d" stroke-dasharray="3 2"' if seg.forecast else ""
        bars.append(
            f'<rect x="{seg.x}" y="{row.bar_y}" width="{seg.width}" height="12" '
            f'fill="{seg.colour}"{stroke}><title>{label}: {start} to {end}</title></rect>'
        )
        phases.append(f"{seg.label} {short_date(seg.start, False, months)}–{end}")
    row.bars_svg = mark_safe("".join(bars))  # noqa: S308  # nosec B308 B703: escaped parts
    row.phases_text = "; ".join(phases)


def portfolio_phase_changes(project_ids: list[int]) -> list[tuple[int, str, str, date]]:
    """The phase changes of these projects, in one query."""
    # The day in the current time zone is worked out by the database: converting hundreds of
    # aware datetimes in Python was most of the query's cost.
    return list(
        PhaseChange.objects.filter(project_id__in=project_ids)
        .order_by("project_id", "changed_at")
        .values_list("project_id", "from_phase", "to_phase", TruncDate("changed_at"))
    )
