"""The plan as a picture: a project's timeline, and the portfolio's."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clients import roles
from common.parsing import parse_id
from projects.access import get_project_for_view
from projects.filters import PortfolioTimelineFilter
from projects.models import ImplementationProject
from projects.timeline import portfolio_layout, portfolio_phase_changes, project_timeline

PORTFOLIO_PAGE_SIZE = 50


@login_required
@require_GET
def project_timeline_page(request, pk: int):
    project = get_project_for_view(request, pk)
    today = timezone.localdate()
    return render(
        request,
        "projects/project_timeline.html",
        {
            "nav": "projects",
            "project": project,
            "today": today,
            "timeline": project_timeline(project, today=today),
        },
    )


@login_required
@require_GET
def portfolio_timeline_page(request):
    if not roles.is_staff_reader(request.user):
        raise PermissionDenied("The portfolio timeline is for the implementation team.")
    queryset = (
        ImplementationProject.objects.visible_to(request.user)
        .active()
        .select_related("client", "pm")
        .order_by("forecast_go_live", "pk")
    )
    project_filter = PortfolioTimelineFilter(request.GET, queryset=queryset)
    page = Paginator(project_filter.qs.distinct(), PORTFOLIO_PAGE_SIZE).get_page(
        parse_id(request.GET.get("page"))
    )
    projects = list(page.object_list)
    today = timezone.localdate()
    return render(
        request,
        "projects/portfolio_timeline.html",
        {
            "nav": "projects",
            "filter": project_filter,
            "page_obj": page,
            "today": today,
            "portfolio": portfolio_layout(
                projects, portfolio_phase_changes([p.pk for p in projects]), today=today
            ),
        },
    )
