"""The plan as a picture: a project's timeline, and the portfolio's."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from clients import roles
from common.parsing import parse_id
from common.submissions import REPEATED, create_once
from projects.access import can_edit_project, get_project_for_edit, get_project_for_view
from projects.baselines import take_baseline
from projects.filters import PortfolioTimelineFilter
from projects.forms import BaselineForm
from projects.models import ImplementationProject
from projects.selectors import PROJECT_ROW_FIELDS
from projects.timeline import portfolio_layout, portfolio_phase_changes, project_timeline

# A page as long as every other list's: each project is a chart row and a table row.
PORTFOLIO_PAGE_SIZE = settings.PAGE_SIZE
# What a row of the portfolio timeline shows, and where its first phase starts.
PORTFOLIO_ROW_FIELDS = (*PROJECT_ROW_FIELDS, "kickoff_date", "created_at")


@login_required
@require_GET
def project_timeline_page(request, pk: int):
    project = get_project_for_view(request, pk)
    today = timezone.localdate()
    # Every kept baseline by date and reason; only the current one's dates are read.
    baselines = list(
        project.baselines.defer("milestone_dates", "task_dates").select_related("taken_by")
    )
    return render(
        request,
        "projects/project_timeline.html",
        {
            "nav": "projects",
            "project": project,
            "today": today,
            "timeline": project_timeline(project, today=today),
            "can_edit": can_edit_project(request.user, project),
            "baseline": baselines[0] if baselines else None,
            "baseline_count": len(baselines),
            "baselines": baselines,
            "baseline_form": BaselineForm(retake=bool(baselines)),
        },
    )


@login_required
@require_POST
def project_baseline(request, pk: int):
    project = get_project_for_edit(request, pk)
    timeline_url = reverse("projects:timeline", args=[project.pk])
    form = BaselineForm(request.POST)
    if not form.is_valid():
        problems = [message for errors in form.errors.values() for message in errors]
        messages.error(request, "No baseline was taken. " + " ".join(problems))
        return redirect(timeline_url)
    try:
        outcome = create_once(
            request,
            form.cleaned_data["submission_key"],
            lambda: take_baseline(
                project=project, user=request.user, reason=form.cleaned_data["reason"]
            ),
            lambda baseline: timeline_url,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if outcome.repeated:
            messages.info(request, REPEATED)
        else:
            messages.success(request, "Baseline taken: variance is now measured against it.")
    return redirect(timeline_url)


@login_required
@require_GET
def portfolio_timeline_page(request):
    if not roles.is_staff_reader(request.user):
        raise PermissionDenied("The portfolio timeline is for the implementation team.")
    queryset = (
        ImplementationProject.objects.visible_to(request.user)
        .active()
        .select_related("client", "pm")
        .only(*PORTFOLIO_ROW_FIELDS)
        .order_by("forecast_go_live", "pk")
    )
    project_filter = PortfolioTimelineFilter(request.GET, queryset=queryset)
    # No DISTINCT: one product per filter matches a project at most once, and DISTINCT over
    # every column made PostgreSQL sort all active projects before it could count or page them.
    page = Paginator(project_filter.qs, PORTFOLIO_PAGE_SIZE).get_page(
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
