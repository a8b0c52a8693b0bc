"""The portfolio's figures, each read in one grouped query whatever the number of projects.

Every figure carries the project list's query string that shows the projects behind it, written
with the filters of projects/filters.py, so that the count here is the count there.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median
from urllib.parse import urlencode

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from clients.models import Client
from portal.models import Survey
from projects.baselines import holidays_between
from projects.models import Health, ImplementationProject, Phase, Task, TimeEntry
from projects.scheduling import business_days_between, country_holidays

OPEN_TASK_STATUSES = [s for s in Task.Status.values if s != Task.Status.DONE]
# NPS: promoters answer 9 or 10, detractors 0 to 6.
PROMOTER_FROM = 9
DETRACTOR_UP_TO = 6
KICKOFF_YEARS_BACK = 5
PM_LOAD_ROWS = 25


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

    def __call__(self, **params) -> str:
        merged = {**self.base, **{k: v for k, v in params.items() if v is not None}}
        return f"{self.list_url}?{urlencode(merged)}"


def dashboard(
    projects: QuerySet[ImplementationProject],
    *,
    start: date,
    end: date,
    link_params: dict[str, str],
    today: date | None = None,
) -> Dashboard:
    """Every figure of the portfolio page over `projects` (already filtered by PM, segment and
    product); go-lives, time to go-live and satisfaction over the period from start to end."""
    today = today or timezone.localdate()
    links = Links(link_params)
    board = Dashboard(start=start, end=end, today=today)
    pms = _phases_and_health(board, projects, links)
    _go_lives(board, projects, links)
    _time_to_go_live(board, projects, links)
    _satisfaction(board, projects, links)
    _escalations(board, projects, links)
    _pm_load(board, projects, links, pms)
    return board


def _phases_and_health(board: Dashboard, projects, links: Links) -> dict:
    """In-flight projects by phase and by health, those past their forecast, and each PM's
    in-flight and red ones: one query grouped by PM, phase and health. Returns the PMs' rows."""
    passed = Q(forecast_go_live__lt=board.today, actual_go_live__isnull=True)
    rows = (
        projects.in_flight()
        .values("pm", "pm__first_name", "pm__last_name", "pm__username", "phase", "health")
        .annotate(n=Count("pk"), passed=Count("pk", filter=passed))
        .order_by()
    )
    by_phase: dict[str, int] = {}
    by_health: dict[str, int] = {}
    pms: dict[int, dict] = {}
    total = passed_total = 0
    for row in rows:
        by_phase[row["phase"]] = by_phase.get(row["phase"], 0) + row["n"]
        by_health[row["health"]] = by_health.get(row["health"], 0) + row["n"]
        total += row["n"]
        passed_total += row["passed"]
        if row["pm"] is not None:
            pm = pms.setdefault(row["pm"], {**row, "active": 0, "red": 0})
            pm["active"] += row["n"]
            pm["red"] += row["n"] if row["health"] == Health.RED else 0
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
    return pms


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _months(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = _month_end(month) + timedelta(days=1)
    return months


def _go_lives(board: Dashboard, projects, links: Links) -> None:
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


def _time_to_go_live(board: Dashboard, projects, links: Links) -> None:
    """Median business days from kick-off to go-live of the projects live in the period, by
    segment and by product: their dates, with the company's days off between, in one query."""
    # The country's holidays come from a library, not the database; a project kicked off
    # more than KICKOFF_YEARS_BACK years before its go-live would miss some of its oldest.
    country_days = country_holidays(
        board.start.replace(year=board.start.year - KICKOFF_YEARS_BACK, month=1, day=1), board.end
    )
    rows = list(
        projects.filter(actual_go_live__range=(board.start, board.end), kickoff_date__isnull=False)
        .annotate(days_off=holidays_between("kickoff_date", "actual_go_live", counted=country_days))
        .values_list(
            "pk",
            "kickoff_date",
            "actual_go_live",
            "days_off",
            "client__segment",
            "products__pk",
            "products__name",
        )
        .order_by()
    )
    if not rows:
        return
    days: dict[int, int] = {}
    segments: dict[str, set[int]] = {}
    products: dict[tuple[str, int], set[int]] = {}
    for pk, kickoff, live, days_off, segment, product_pk, product_name in rows:
        if pk not in days:
            weekdays = business_days_between(kickoff, live, country_days)
            days[pk] = weekdays - days_off if weekdays >= 0 else weekdays + days_off
        segments.setdefault(segment, set()).add(pk)
        if product_pk is not None:
            products.setdefault((product_name, product_pk), set()).add(pk)
    span = {
        "kicked_off": "yes",
        "live_from": board.start.isoformat(),
        "live_to": board.end.isoformat(),
    }
    for value, label in Client.Segment.choices:
        if value in segments:
            ids = segments[value]
            board.by_segment.append(
                TimeToGoLive(
                    label,
                    median(days[pk] for pk in ids),
                    Figure(label, len(ids), links(segment=value, **span)),
                )
            )
    for (name, product_pk), ids in sorted(products.items()):
        board.by_product.append(
            TimeToGoLive(
                name,
                median(days[pk] for pk in ids),
                Figure(name, len(ids), links(product=str(product_pk), **span)),
            )
        )


def _satisfaction(board: Dashboard, projects, links: Links) -> None:
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


def _escalations(board: Dashboard, projects, links: Links) -> None:
    """Alerts still open (or acknowledged) by the rung they reached: one query."""
    rows = (
        Alert.objects.live()
        .unresolved()
        .filter(project__in=projects.values("pk"))
        .values("level")
        .annotate(alerts=Count("pk"), projects=Count("project", distinct=True))
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


def _pm_load(board: Dashboard, projects, links: Links, pms: dict[int, dict]) -> None:
    """Each PM's in-flight and red projects (counted with the phases), their overdue tasks in
    one query grouped by PM, and the hours they logged this week (Monday to Sunday, on any
    project) in another."""
    if not pms:
        return
    late_tasks = (
        Task.objects.filter(
            project__in=projects.in_flight().values("pk"),
            project__pm__isnull=False,
            status__in=OPEN_TASK_STATUSES,
            due_date__lt=board.today,
        )
        .order_by()
        .values("project__pm")
        .annotate(n=Count("pk"), on_projects=Count("project", distinct=True))
        .values_list("project__pm", "n", "on_projects")
    )
    late = {pm: (n, on_projects) for pm, n, on_projects in late_tasks}
    monday = board.today - timedelta(days=board.today.weekday())
    hours = dict(
        TimeEntry.objects.filter(
            user_id__in=list(pms), spent_on__range=(monday, monday + timedelta(days=6))
        )
        .order_by()
        .values("user")
        .annotate(total=Sum("hours"))
        .values_list("user", "total")
    )
    # The busiest first; a large team's others are a filter by PM away.
    rows = sorted(
        pms.values(),
        key=lambda row: (-row["active"], row["pm__first_name"], row["pm__last_name"], row["pm"]),
    )
    board.pm_more = max(0, len(rows) - PM_LOAD_ROWS)
    rows = rows[:PM_LOAD_ROWS]
    for row in rows:
        pm = str(row["pm"])
        name = f"{row['pm__first_name']} {row['pm__last_name']}".strip() or row["pm__username"]
        board.pm_load.append(
            PmLoad(
                name,
                Figure("Projects", row["active"], links(pm=pm, in_flight="yes")),
                late.get(row["pm"], (0, 0))[0],
                Figure(
                    "With overdue tasks",
                    late.get(row["pm"], (0, 0))[1],
                    links(pm=pm, in_flight="yes", overdue="yes"),
                ),
                Figure("Red", row["red"], links(pm=pm, in_flight="yes", health="red")),
                float(hours.get(row["pm"]) or 0),
            )
        )
