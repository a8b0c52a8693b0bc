from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clients import roles
from portfolio import charts, selectors
from portfolio.filters import PortfolioFilter, default_period
from projects.models import ImplementationProject, Phase

HEALTH_FILLS = {"Green": "green", "Amber": "amber", "Red": "red"}
# Names too long for a chart's label column; the table under the chart says them in full.
SHORT_LABELS = {Phase.DISCOVERY.label: "Discovery", Phase.DATA_CONVERSION.label: "Data conversion"}


@login_required
@require_GET
def dashboard(request):
    """The implementation manager's picture of every project (PRODUCT.md: the portfolio, each
    PM's load, on-time go-live rate, time to go-live, satisfaction): managers and admins."""
    if not roles.is_manager(request.user):
        raise PermissionDenied("The portfolio dashboard is for implementation managers.")
    today = timezone.localdate()
    portfolio_filter = PortfolioFilter(
        default_period(request.GET, today),
        queryset=ImplementationProject.objects.visible_to(request.user),
    )
    start, end = portfolio_filter.period(today)
    board = selectors.dashboard(
        portfolio_filter.qs,
        start=start,
        end=end,
        link_params=portfolio_filter.link_params(),
        today=today,
    )
    return render(
        request,
        "portfolio/dashboard.html",
        {
            "nav": "portfolio",
            "filter": portfolio_filter,
            "board": board,
            "phase_chart": charts.bar_chart(
                [
                    charts.Bar(SHORT_LABELS.get(f.label, f.label), f.value, f.url)
                    for f in board.phases
                ]
            ),
            "health_chart": charts.bar_chart(
                [charts.Bar(f.label, f.value, f.url, HEALTH_FILLS[f.label]) for f in board.health]
            ),
            "go_live_chart": charts.paired_bar_chart(
                [
                    charts.BarPair(
                        f"{m.month:%b %Y}",
                        charts.Bar(
                            "Done", m.done.value, m.done.url, "done", f"{m.done.value} done"
                        ),
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
            ),
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
            ),
        },
    )
