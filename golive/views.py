"""The go-live readiness page and its checklist, the move into Go-live, the handoff report's
rebuild and Q&A thread, and support's queue of incoming handoffs."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clients import roles
from common.forms import add_service_errors
from common.parsing import parse_id
from common.submissions import REPEATED, create_once
from golive import handoff, services
from golive.forms import (
    CutoverStepForm,
    GoLiveForm,
    HandoffMessageForm,
    StepMoveForm,
    StepStateForm,
)
from golive.models import CutoverStep
from projects.access import (
    can_edit_project,
    get_item_for_edit,
    get_project_for_edit,
    get_project_for_view,
)
from projects.item_pages import form_page, project_crumbs
from projects.models import HandoffReport, ImplementationProject, Phase
from projects.scheduling import add_business_days, holidays_from

EDITORS_ONLY = "Only this project's PM, its team and managers can change it."


def _readiness_url(project_id: int, anchor: str = "") -> str:
    url = reverse("golive:readiness", args=[project_id])
    return f"{url}#{anchor}" if anchor else url


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
@require_safe
def readiness(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_view(
        request,
        pk,
        ImplementationProject.objects.select_related("client").only(
            "name",
            "phase",
            "status",
            "uat_signed_off_at",
            "pm_id",
            "actual_go_live",
            "forecast_go_live",
            "baseline_go_live",
            "hypercare_ends_on",
            "client__name",
        ),
    )
    state = services.readiness(project)
    phase = Phase(project.phase)
    can_edit = can_edit_project(request.user, project)
    hypercare_days = settings.GOLIVE_HANDOFF["HYPERCARE_BUSINESS_DAYS"]
    today = timezone.localdate()
    return render(
        request,
        "golive/readiness.html",
        {
            "nav": "projects",
            "project": project,
            "breadcrumbs": project_crumbs(project),
            "readiness": state,
            "can_edit": can_edit,
            "in_testing": phase == Phase.TESTING,
            "is_live": phase.index >= Phase.GO_LIVE.index,
            "hypercare_days": hypercare_days,
            # What hypercare would run to if the project went live today.
            "hypercare_if_today": None
            if phase.index >= Phase.GO_LIVE.index
            else add_business_days(today, hypercare_days, holidays_from(today)),
            "go_live_form": GoLiveForm(open_steps=len(state.open_steps)),
            "states": CutoverStep.State.choices,
        },
    )


@login_required
@require_POST
def go_live(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_edit(request, pk)
    open_steps = project.cutover_steps.filter(state=CutoverStep.State.OPEN).count()
    form = GoLiveForm(request.POST, open_steps=open_steps)
    confirm = form.is_valid() and bool(form.cleaned_data.get("confirm"))
    try:
        services.project_go_live(project=project, user=request.user, confirm_open_steps=confirm)
    except ValidationError as error:
        messages.error(request, f"{project.name} did not go live: {_error_text(error)}")
    else:
        project.refresh_from_db(fields=["actual_go_live", "hypercare_ends_on"])
        messages.success(
            request,
            f"{project.name} is live as of {project.actual_go_live:%d %b %Y}; hypercare runs "
            f"until {project.hypercare_ends_on:%d %b %Y}. The handoff report is being built.",
        )
    return redirect(_readiness_url(project.pk))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def step_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_edit(request, pk)
    form = CutoverStepForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = create_once(
                request,
                form.cleaned_data["submission_key"],
                lambda: services.step_save(
                    project=project, user=request.user, step=None, data=form.cleaned_data
                ),
                lambda step: _readiness_url(project.pk, f"step-{step.pk}"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                messages.info(request, REPEATED)
            else:
                messages.success(request, f"Step “{outcome.created.title}” added.")
            return redirect(outcome.url)
    return form_page(
        request,
        form,
        project=project,
        title="New go-live step",
        cancel_url=_readiness_url(project.pk),
        submit_label="Add step",
        extra_crumbs=({"url": _readiness_url(project.pk), "label": "Go-live readiness"},),
    )


def _step_for_edit(request: HttpRequest, pk: int) -> CutoverStep:
    return get_item_for_edit(
        request, CutoverStep, pk, CutoverStep.objects.select_related("project")
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def step_edit(request: HttpRequest, pk: int) -> HttpResponse:
    step = _step_for_edit(request, pk)
    project = step.project
    form = CutoverStepForm(
        request.POST or None,
        instance=CutoverStep.objects.get(pk=step.pk) if request.method == "POST" else step,
        project=project,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.step_save(
                project=project,
                user=request.user,
                step=form.instance,
                data=form.cleaned_data,
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Step “{form.instance.title}” saved.")
            return redirect(_readiness_url(project.pk, f"step-{step.pk}"))
    return form_page(
        request,
        form,
        project=project,
        title="Edit go-live step",
        cancel_url=_readiness_url(project.pk),
        extra_crumbs=({"url": _readiness_url(project.pk), "label": "Go-live readiness"},),
    )


@login_required
@require_POST
def step_state(request: HttpRequest, pk: int) -> HttpResponse:
    step = _step_for_edit(request, pk)
    form = StepStateForm(request.POST)
    if form.is_valid():
        services.step_set_state(step=step, user=request.user, state=form.cleaned_data["state"])
        messages.success(request, f"“{step.title}”: {step.get_state_display().lower()}.")
    else:
        messages.error(request, "Choose open, done or not needed.")
    return redirect(_readiness_url(step.project_id, f"step-{step.pk}"))


@login_required
@require_POST
def step_move(request: HttpRequest, pk: int) -> HttpResponse:
    step = _step_for_edit(request, pk)
    form = StepMoveForm(request.POST)
    if form.is_valid():
        services.step_move(step=step, user=request.user, up=form.cleaned_data["direction"] == "up")
    else:
        messages.error(request, "Choose whether to move the step up or down.")
    return redirect(_readiness_url(step.project_id, f"step-{step.pk}"))


@login_required
@require_POST
def handoff_rebuild(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_edit(request, pk)
    if Phase(project.phase).index < Phase.GO_LIVE.index:
        messages.error(request, "The handoff report is built once the project reaches Go-live.")
    else:
        try:
            handoff.handoff_report_build(project_id=project.pk, user=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                "Handoff report rebuilt from the project; the sections you had written are kept.",
            )
    return redirect("projects:handoff_report", pk=project.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def handoff_message(request: HttpRequest, pk: int) -> HttpResponse:
    """Support asks, the project's team answers, on the report's thread."""
    project = get_project_for_view(request, pk)
    from_support = roles.is_support(request.user)
    if not from_support and not can_edit_project(request.user, project):
        raise PermissionDenied(EDITORS_ONLY)
    report = HandoffReport.objects.filter(project=project).select_related("project").first()
    report_url = reverse("projects:handoff_report", args=[project.pk])
    if report is None:
        messages.error(request, "There is no handoff report for this project yet.")
        return redirect(report_url)
    form = HandoffMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = create_once(
                request,
                form.cleaned_data["submission_key"],
                lambda: handoff.handoff_message_add(
                    report=report,
                    user=request.user,
                    body=form.cleaned_data["body"],
                    from_support=from_support,
                ),
                lambda message: f"{report_url}#handoff-message-{message.pk}",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                messages.info(request, REPEATED)
            else:
                messages.success(request, "Message posted; the other side is told by email.")
            return redirect(outcome.url)
    return form_page(
        request,
        form,
        project=project,
        title="Ask support" if not from_support else "Ask the project team",
        cancel_url=report_url,
        submit_label="Post",
        extra_crumbs=({"url": report_url, "label": "Handoff report"},),
    )


@login_required
@require_safe
def incoming(request: HttpRequest) -> HttpResponse:
    """Support's queue: the handoff reports waiting for it to accept or return."""
    if not roles.is_staff_reader(request.user):
        raise PermissionDenied("The incoming handoffs are for support and the implementation team.")
    page = Paginator(handoff.incoming_handoffs(), settings.PAGE_SIZE).get_page(
        parse_id(request.GET.get("page"))
    )
    return render(
        request,
        "golive/incoming.html",
        {"nav": "handoffs", "page_obj": page, "can_decide": roles.is_support(request.user)},
    )
