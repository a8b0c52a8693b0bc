"""The portfolio dashboard: a page of filters, and a panel per group of figures.

Each panel is its own request, loaded by htmx as the page opens (and a page of its own without
JavaScript), so that the dashboard shows its first figures without waiting for the slowest,
and each request reads and draws only its own figures.
"""

from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from clients import roles
from portfolio import charts, selectors
from portfolio.filters import PortfolioFilter, default_period
from projects.models import ImplementationProject, Phase

HEALTH_FILLS = {"Green": "green", "Amber": "amber", "Red": "red"}
# Names too long for a chart's label column; the table under the chart says them in full.
SHORT_LABELS = {Phase.DISCOVERY.label: "Discovery", Phase.DATA_CONVERSION.label: "Data conversion"}


@dataclass(frozen=True)
class Panel:
    url_name: str
    title: str
    width: str  # the Bootstrap column classes it takes on the page


PANELS = (
    Panel("portfolio:now", "Projects in flight", "col-12"),
    Panel("portfolio:go_lives", "Go-lives by month", "col-12 col-lg-6"),
    Panel("portfolio:time_to_go_live", "Time to go-live", "col-12 col-lg-6"),
    Panel("portfolio:satisfaction", "Client satisfaction by month", "col-12 col-lg-6"),
    Panel("portfolio:escalations", "Open escalations by level", "col-12 col-lg-6"),
    Panel("portfolio:pm_load", "Each PM's load", "col-12"),
)
PANEL_TITLES = {panel.url_name: panel.title for panel in PANELS}


def _portfolio_filter(request) -> PortfolioFilter:
    """The implementation manager's view of every project (PRODUCT.md: the portfolio, each
    PM's load, on-time go-live rate, time to go-live, satisfaction): managers and admins."""
    if not roles.is_manager(request.user):
        raise PermissionDenied("The portfolio dashboard is for implementation managers.")
    return PortfolioFilter(
        default_period(request.GET, timezone.localdate()),
        queryset=ImplementationProject.objects.visible_to(request.user),
    )


@login_required
@require_GET
def dashboard(request):
    portfolio_filter = _portfolio_filter(request)
    start, end = portfolio_filter.period(timezone.localdate())
    query = urlencode(request.GET, doseq=True)
    panels = [(panel, reverse(panel.url_name) + (f"?{query}" if query else "")) for panel in PANELS]
    return render(
        request,
        "portfolio/dashboard.html",
        {
            "nav": "portfolio",
            "filter": portfolio_filter,
            "start": start,
            "end": end,
            "panels": panels,
        },
    )


def _panel(request, url_name: str, *figures, charts_of=None):
    """One panel's figures: drawn alone for htmx, or as a page of its own without it."""
    portfolio_filter = _portfolio_filter(request)
    today = timezone.localdate()
    start, end = portfolio_filter.period(today)
    board = selectors.Dashboard(start=start, end=end, today=today)
    links = selectors.Links(portfolio_filter.link_params())
    for figure in figures:
        figure(board, portfolio_filter.qs, links)
    context = {"board": board, **(charts_of(board) if charts_of else {})}
    template = f"portfolio/panels/{url_name.split(':')[1]}.html"
    if request.htmx:
        response = render(request, template, context)
    else:
        query = urlencode(request.GET, doseq=True)
        response = render(
            request,
            "portfolio/panel_page.html",
            {
                **context,
                "nav": "portfolio",
                "panel_template": template,
                "title": PANEL_TITLES[url_name],
                "dashboard_url": reverse("portfolio:dashboard") + (f"?{query}" if query else ""),
            },
        )
    # The same address answers a fragment or a page: a browser's cache must keep both apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _now_charts(board) -> dict:
    return {
        "phase_chart": charts.bar_chart(
            [charts.Bar(SHORT_LABELS.get(f.label, f.label), f.value, f.url) for f in board.phases]
        ),
        "health_chart": charts.bar_chart(
            [charts.Bar(f.label, f.value, f.url, HEALTH_FILLS[f.label]) for f in board.health]
        ),
    }


def _go_live_charts(board) -> dict:
    return {
        "go_live_chart": charts.paired_bar_chart(
            [
                charts.BarPair(
                    f"{m.month:%b %Y}",
                    charts.Bar("Done", m.done.value, m.done.url, "done", f"{m.done.value} done"),
                    charts.Bar(
                        "Planned",
                        m.planned.value,
                        m.planned.url,
                        "planned",
                        f"{m.planned.value} planned",
                    ),
                )
                for m in board.go_lives
            ]
        )
    }


def _satisfaction_charts(board) -> dict:
    return {
        "csat_chart": charts.bar_chart(
            [
                charts.Bar(
                    f"{m.month:%b %Y}",
                    m.csat or 0,
                    m.projects.url,
                    text=f"{m.csat if m.csat is not None else '—'}"
                    + (f" · NPS {m.nps:+d}" if m.nps else " · NPS 0" if m.nps == 0 else ""),
                )
                for m in board.satisfaction
            ],
            maximum=5,
            value_width=104,
        )
    }


@login_required
@require_GET
def now(request):
    return _panel(request, "portfolio:now", selectors.phases_and_health, charts_of=_now_charts)


@login_required
@require_GET
def go_lives(request):
    return _panel(request, "portfolio:go_lives", selectors.go_lives, charts_of=_go_live_charts)


@login_required
@require_GET
def time_to_go_live(request):
    return _panel(request, "portfolio:time_to_go_live", selectors.time_to_go_live)


@login_required
@require_GET
def satisfaction(request):
    return _panel(
        request,
        "portfolio:satisfaction",
        selectors.satisfaction,
        charts_of=_satisfaction_charts,
    )


@login_required
@require_GET
def escalations(request):
    return _panel(request, "portfolio:escalations", selectors.escalations)


@login_required
@require_GET
def pm_load(request):
    return _panel(request, "portfolio:pm_load", selectors.pm_load, charts_of=_pm_rows)


def _pm_rows(board) -> dict:
    """The PMs' rows, each written at once rather than through a template loop (25 of them)."""
    rows = []
    for load in board.pm_load:
        overdue = "0"
        if load.overdue_tasks:
            projects = load.overdue_projects.value
            url = escape(load.overdue_projects.url)
            overdue = (
                f'{load.overdue_tasks} <span class="small">on <a href="{url}">'
                f"{projects} project{'' if projects == 1 else 's'}</a></span>"
            )
        red = (
            f'<a href="{escape(load.red.url)}" class="badge health-badge health-red '
            f'text-decoration-none"><span class="health-dot" aria-hidden="true"></span>'
            f"{load.red.value} red</a>"
            if load.red.value
            else f'<a href="{escape(load.red.url)}">0</a>'
        )
        rows.append(
            f'<tr><th scope="row" class="fw-normal">{escape(load.name)}</th>'
            f'<td class="text-end"><a href="{escape(load.active.url)}">{load.active.value}</a></td>'
            f'<td class="text-end">{overdue}</td>'
            f'<td class="text-end">{round(load.hours_this_week, 1):g}</td>'
            f'<td class="text-end">{red}</td></tr>'
        )
    # Every part is a number of ours or an escaped name or address.
    return {"pm_rows": mark_safe("".join(rows))}  # noqa: S308  # nosec B308 B703
