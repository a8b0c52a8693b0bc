"""The portfolio's figures, each read in one grouped query whatever the number of projects (the
PMs' load in two), each group filling its part of a Dashboard for the panel that shows it.

Every figure carries the project list's query string that shows the projects behind it, written
with the filters of projects/filters.py, so that the count here is the count there.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    BooleanField,
    CharField,
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, JSONObject, TruncMonth
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from clients.models import Client
from portal.models import Survey
from projects.models import Health, ImplementationProject, Phase, Task, TimeEntry

User = get_user_model()

OPEN_TASK_STATUSES = [s for s in Task.Status.values if s != Task.Status.DONE]
# NPS: promoters answer 9 or 10, detractors 0 to 6.
PROMOTER_FROM = 9
DETRACTOR_UP_TO = 6
PM_LOAD_ROWS = 25
COUNT_DISTINCT = "COUNT(DISTINCT %(expressions)s)"


@dataclass
class Figure:
    """A number and the project list that shows the projects behind it."""

    label: str
    value: int
    url: str
    note: str = ""


@dataclass
class MonthGoLives:
    month: date
    done: Figure
    planned: Figure


@dataclass
class OnTime:
    on_time: Figure
    late: Figure
    unmeasured: int

    @property
    def measured(self) -> int:
        return self.on_time.value + self.late.value

    @property
    def percent(self) -> int | None:
        return round(100 * self.on_time.value / self.measured) if self.measured else None


@dataclass
class TimeToGoLive:
    label: str
    median_days: float
    projects: Figure


@dataclass
class SatisfactionMonth:
    month: date
    answers: int
    csat: float | None
    nps: int | None
    projects: Figure


@dataclass
class Escalation:
    level: int
    label: str
    alerts: int
    projects: Figure


@dataclass
class PmLoad:
    name: str
    active: Figure
    overdue_tasks: int
    overdue_projects: Figure
    red: Figure
    hours_this_week: float


@dataclass
class Dashboard:
    start: date
    end: date
    today: date
    phases: list[Figure] = field(default_factory=list)
    health: list[Figure] = field(default_factory=list)
    in_flight: Figure | None = None
    forecast_passed: Figure | None = None
    go_lives: list[MonthGoLives] = field(default_factory=list)
    on_time: OnTime | None = None
    by_segment: list[TimeToGoLive] = field(default_factory=list)
    by_product: list[TimeToGoLive] = field(default_factory=list)
    satisfaction: list[SatisfactionMonth] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    pm_load: list[PmLoad] = field(default_factory=list)
    pm_more: int = 0  # PMs left out of pm_load, the least busy


class Links:
    """Project list URLs: the dashboard's own filters, then the figure's."""

    def __init__(self, base: dict[str, str]):
        self.base = base
        self.list_url = reverse("projects:list")
        # A page draws a hundred links or more: the filters' part is written once.
        self.prefix = f"{self.list_url}?{urlencode(base)}&" if base else f"{self.list_url}?"

    def __call__(self, **params) -> str:
        given = {k: v for k, v in params.items() if v is not None}
        if given.keys() & self.base.keys():
            return f"{self.list_url}?{urlencode({**self.base, **given})}"
        return self.prefix + urlencode(given)


def phases_and_health(board: Dashboard, projects, links: Links) -> None:
    """In-flight projects by phase and by health, and those past their forecast: one query
    grouped by phase and health."""
    passed = Q(forecast_go_live__lt=board.today, actual_go_live__isnull=True)
    rows = (
        projects.in_flight()
        .values("phase", "health")
        .annotate(n=Count("pk"), passed=Count("pk", filter=passed))
        .order_by()
    )
    by_phase: dict[str, int] = {}
    by_health: dict[str, int] = {}
    total = passed_total = 0
    for row in rows:
        by_phase[row["phase"]] = by_phase.get(row["phase"], 0) + row["n"]
        by_health[row["health"]] = by_health.get(row["health"], 0) + row["n"]
        total += row["n"]
        passed_total += row["passed"]
    board.phases = [
        Figure(phase.label, by_phase.get(phase.value, 0), links(in_flight="yes", phase=phase.value))
        for phase in Phase
        if phase != Phase.HANDED_OFF
    ]
    board.health = [
        Figure(Health(value).label, by_health.get(value, 0), links(in_flight="yes", health=value))
        for value in ("green", "amber", "red")
    ]
    board.in_flight = Figure("In flight", total, links(in_flight="yes"))
    board.forecast_passed = Figure(
        "Forecast passed, not live",
        passed_total,
        links(in_flight="yes", forecast_passed="yes"),
    )


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _months(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = _month_end(month) + timedelta(days=1)
    return months


def go_lives(board: Dashboard, projects, links: Links) -> None:
    """Go-lives by month, done (actual date) and planned (forecast, not live yet), and the
    on-time rate of those done: one query grouped by month and by done or planned."""
    period = (board.start, board.end)
    done = Q(actual_go_live__range=period)
    planned = Q(
        actual_go_live__isnull=True,
        status=ImplementationProject.Status.ACTIVE,
        forecast_go_live__range=period,
    )
    measured = Q(baseline_go_live__isnull=False)
    rows = (
        projects.filter(done | planned)
        .annotate(
            month=TruncMonth(
                Coalesce("actual_go_live", "forecast_go_live"), output_field=DateField()
            ),
            is_live=ExpressionWrapper(Q(actual_go_live__isnull=False), BooleanField()),
        )
        .values("month", "is_live")
        .annotate(
            n=Count("pk"),
            measured=Count("pk", filter=measured),
            on_time=Count("pk", filter=measured & Q(actual_go_live__lte=F("baseline_go_live"))),
        )
        .order_by()
    )
    counts: dict[tuple[date, bool], int] = {}
    on_time = measured_total = done_total = 0
    for row in rows:
        month = row["month"]
        month = month.date() if hasattr(month, "date") and callable(month.date) else month
        counts[(month, bool(row["is_live"]))] = row["n"]
        if row["is_live"]:
            done_total += row["n"]
            on_time += row["on_time"]
            measured_total += row["measured"]
    for month in _months(board.start, board.end):
        last = _month_end(month)
        board.go_lives.append(
            MonthGoLives(
                month,
                Figure(
                    "Done",
                    counts.get((month, True), 0),
                    links(live_from=month.isoformat(), live_to=last.isoformat()),
                ),
                Figure(
                    "Planned",
                    counts.get((month, False), 0),
                    links(
                        live="no",
                        status="active",
                        forecast_from=month.isoformat(),
                        forecast_to=last.isoformat(),
                    ),
                ),
            )
        )
    span = {"live_from": board.start.isoformat(), "live_to": board.end.isoformat()}
    board.on_time = OnTime(
        on_time=Figure("On time", on_time, links(on_time="yes", **span)),
        late=Figure("Late", measured_total - on_time, links(on_time="no", **span)),
        unmeasured=done_total - measured_total,
    )


def time_to_go_live(board: Dashboard, projects, links: Links) -> None:
    """Median business days from kick-off to go-live of the projects live in the period, by
    segment and by product: one query counting the projects of each group by their days, so
    that it returns as many rows as there are different durations, whatever the projects."""
    live = projects.filter(
        actual_go_live__range=(board.start, board.end), business_days_to_go_live__isnull=False
    )
    days = "business_days_to_go_live"
    rows = (
        live.values_list(Value("segment"), "client__segment", "client__segment", days)
        .annotate(n=Count("pk"))
        .order_by()
        .union(
            live.filter(products__isnull=False)
            .values_list(Value("product"), Cast("products", CharField()), "products__name", days)
            .annotate(n=Count("pk"))
            .order_by(),
            all=True,
        )
    )
    counts: dict[tuple[str, str], dict[int, int]] = {}
    names: dict[str, str] = {}
    for kind, key, name, duration, n in rows:
        counts.setdefault((kind, key), {})[duration] = n
        names[key] = name
    span = {
        "kicked_off": "yes",
        "live_from": board.start.isoformat(),
        "live_to": board.end.isoformat(),
    }
    for value, label in Client.Segment.choices:
        if ("segment", value) in counts:
            durations = counts["segment", value]
            board.by_segment.append(
                TimeToGoLive(
                    label,
                    _median(durations),
                    Figure(label, sum(durations.values()), links(segment=value, **span)),
                )
            )
    products = sorted((names[key], key) for kind, key in counts if kind == "product")
    for name, key in products:
        durations = counts["product", key]
        board.by_product.append(
            TimeToGoLive(
                name,
                _median(durations),
                Figure(name, sum(durations.values()), links(product=key, **span)),
            )
        )


def _median(counts: dict[int, int]) -> float:
    """The median of values given as {value: how many times}."""
    total = sum(counts.values())
    middle = ((total - 1) // 2, total // 2)  # the same one when the count is odd
    found, seen = [], 0
    for value in sorted(counts):
        seen += counts[value]
        while len(found) < 2 and seen > middle[len(found)]:
            found.append(value)
    return (found[0] + found[1]) / 2


def satisfaction(board: Dashboard, projects, links: Links) -> None:
    """CSAT (mean, 1–5) and NPS (promoters less detractors, in points) of the surveys answered
    each month of the period: one query grouped by month."""
    rows = (
        Survey.objects.filter(
            project__in=projects.values("pk"),
            answered_at__date__range=(board.start, board.end),
        )
        .annotate(month=TruncMonth("answered_at"))
        .values("month")
        .annotate(
            answers=Count("pk"),
            csat=Avg("csat"),
            nps_answers=Count("nps"),
            promoters=Count("pk", filter=Q(nps__gte=PROMOTER_FROM)),
            detractors=Count("pk", filter=Q(nps__lte=DETRACTOR_UP_TO)),
            projects=Count("project", distinct=True),
        )
        .order_by("month")
    )
    for row in rows:
        month = timezone.localtime(row["month"]).date() if row["month"] else None
        if month is None:
            continue
        nps = (
            round(100 * (row["promoters"] - row["detractors"]) / row["nps_answers"])
            if row["nps_answers"]
            else None
        )
        board.satisfaction.append(
            SatisfactionMonth(
                month,
                row["answers"],
                round(row["csat"], 1) if row["csat"] is not None else None,
                nps,
                Figure(f"{month:%b %Y}", row["projects"], links(surveyed_in=f"{month:%Y-%m}")),
            )
        )


def escalations(board: Dashboard, projects, links: Links) -> None:
    """Alerts still open (or acknowledged) by the rung they reached: one query."""
    alerts = Alert.objects.live().unresolved()
    # Unfiltered (a manager's whole portfolio), `project IN (every project)` would filter
    # nothing and cost PostgreSQL a lookup of every alert's project, most of this query.
    if projects.query.has_filters():
        alerts = alerts.filter(project__in=projects.values("pk"))
    rows = (
        alerts.values("level")
        # COUNT(*) rather than of the ids: the counts come from an index that holds no id.
        .annotate(alerts=Count("*"), projects=Count("project", distinct=True))
        .order_by()
    )
    found = {row["level"]: row for row in rows}
    for level in Alert.Level:
        row = found.get(level.value, {"alerts": 0, "projects": 0})
        board.escalations.append(
            Escalation(
                level.value,
                level.label,
                row["alerts"],
                Figure(level.label, row["projects"], links(escalation=str(level.value))),
            )
        )


def pm_load(board: Dashboard, projects, links: Links) -> None:
    """The busiest PMs' in-flight and red projects, with the number of PMs, in one query
    grouped by PM (on the projects alone: the names come with the next); then those PMs'
    names, overdue tasks and the hours they logged this week (Monday to Sunday, on any
    project), in another that counts for those PMs alone."""
    in_flight = projects.in_flight()
    # The busiest first; a large team's others are a filter by PM away.
    rows = list(
        in_flight.filter(pm__isnull=False)
        .values("pm")
        .annotate(
            # Counted from the columns of the index in_flight_by_pm, which holds no id.
            active=Count("*"),
            red=Count("health", filter=Q(health=Health.RED)),
            pms=Window(Count("*")),
        )
        .order_by("-active", "pm")[:PM_LOAD_ROWS]
    )
    if not rows:
        return
    board.pm_more = rows[0]["pms"] - len(rows)
    # Read from the PM's in-flight projects joined to their late tasks: the same rows as
    # tasks whose project is among the in-flight ones, with one subquery less to build.
    late = in_flight.filter(
        pm=OuterRef("pk"),
        tasks__status__in=OPEN_TASK_STATUSES,
        tasks__due_date__lt=board.today,
    ).order_by()
    monday = board.today - timedelta(days=board.today.weekday())
    logged = TimeEntry.objects.filter(
        user=OuterRef("pk"), spent_on__range=(monday, monday + timedelta(days=6))
    ).order_by()
    people = {
        pk: (f"{first} {last}".strip() or username, late["tasks"], late["projects"], hours)
        for pk, first, last, username, late, hours in User.objects.filter(
            pk__in=[row["pm"] for row in rows]
        )
        .annotate(
            # Both counts from one subquery.
            late=_scalar(
                late,
                JSONObject(
                    tasks=Func(F("tasks"), function="COUNT"),
                    projects=Func(F("pk"), template=COUNT_DISTINCT),
                ),
                JSONField(),
            ),
            hours=_scalar(logged, Func(F("hours"), function="SUM"), DecimalField()),
        )
        .values_list(
            "pk",
            "first_name",
            "last_name",
            "username",
            "late",
            "hours",
        )
    }
    rows.sort(key=lambda row: (-row["active"], people[row["pm"]][0], row["pm"]))
    for row in rows:
        name, late_tasks, late_projects, hours = people[row["pm"]]
        # The row's other links add one filter to this one (the dashboard's filters have
        # neither): one query string written per PM rather than three.
        in_flight_url = links(pm=str(row["pm"]), in_flight="yes")
        board.pm_load.append(
            PmLoad(
                name,
                Figure("Projects", row["active"], in_flight_url),
                late_tasks or 0,
                Figure("With overdue tasks", late_projects or 0, f"{in_flight_url}&overdue=yes"),
                Figure("Red", row["red"], f"{in_flight_url}&health=red"),
                float(hours or 0),
            )
        )


def _scalar(rows, aggregate, output_field=None) -> Subquery:
    """One aggregate over `rows` as a column of the outer query, with no GROUP BY."""
    return Subquery(
        rows.annotate(value=aggregate).values("value")[:1],
        output_field=output_field or IntegerField(),
    )
