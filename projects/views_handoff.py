"""The handoff report support reads at go-live, and time logged on a project."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.forms import add_service_errors
from common.submissions import create_once
from projects import handoff_document, selectors, services
from projects.access import (
    can_decide_handoff_report,
    can_edit_project,
    get_project_for_edit,
    get_project_for_handoff_report,
    get_project_for_view,
)
from projects.forms import (
    ConfirmForm,
    HandoffDecisionForm,
    HandoffReportForm,
    TimeEntryForm,
)
from projects.item_pages import (
    error_text,
    form_page,
    project_url,
    repeated,
)
from projects.models import (
    HandoffReport,
    ImplementationProject,
    Phase,
)

SEVERITY_RANK = selectors.SEVERITY_RANK


# Time


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def time_entry_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_edit(request, pk)
    form = TimeEntryForm(
        request.POST or None, project=project, initial={"spent_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            outcome = create_once(
                request,
                form.cleaned_data["submission_key"],
                lambda: services.time_entry_add(
                    project=project, user=request.user, data=form.cleaned_data
                ),
                lambda entry: project_url(project),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                return repeated(request, outcome.url)
            entry = outcome.created
            messages.success(
                request, f"Logged {entry.hours.normalize():f} h on {entry.spent_on:%d %b %Y}."
            )
            return redirect(outcome.url)
    return form_page(
        request,
        form,
        project=project,
        title="Log time",
        cancel_url=project_url(project),
        submit_label="Log time",
    )


# The handoff report


_handoff_project_queryset = handoff_document.handoff_project_queryset


def _handoff_report_response(
    request: HttpRequest,
    project: ImplementationProject,
    *,
    decision_form: HandoffDecisionForm | None = None,
) -> HttpResponse:
    """The report as support reads it: built from the project, plus what the PM wrote."""
    user = request.user
    report = (
        HandoffReport.objects.filter(project=project)
        .select_related("sent_by", "decided_by")
        .first()
    )
    can_edit = can_edit_project(user, project)
    status = report.status if report else HandoffReport.Status.DRAFT
    return render(
        request,
        "projects/items/handoff_report.html",
        {
            "nav": "projects",
            "project": project,
            "report": report,
            "status_label": report.get_status_display() if report else "Not started",
            **handoff_document.document_context(project, report),
            "at_go_live": Phase(project.phase).index >= Phase.GO_LIVE.index,
            "can_edit": can_edit and status != HandoffReport.Status.ACCEPTED,
            "can_send": can_edit
            and report is not None
            and status in (HandoffReport.Status.DRAFT, HandoffReport.Status.RETURNED),
            "can_decide": can_decide_handoff_report(user) and status == HandoffReport.Status.SENT,
            "decision_form": decision_form or HandoffDecisionForm(),
        },
    )


@login_required
@require_safe
def handoff_report(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_handoff_report(request, pk, _handoff_project_queryset())
    return _handoff_report_response(request, project)


@login_required
@require_safe
def handoff_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as a PDF: once sent, the very file support received; before, a draft."""
    project = get_project_for_handoff_report(request, pk, _handoff_project_queryset())
    report = HandoffReport.objects.filter(project=project).first()
    if report and report.sent_pdf and report.status in handoff_document.SHOWS_SENT:
        pdf, name = bytes(report.sent_pdf), f"handoff-report-{project.pk}.pdf"
    else:
        html = handoff_document.render_document(project, report)
        pdf = handoff_document.document_pdf(project, html)
        name = f"handoff-report-{project.pk}-draft.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def handoff_report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_edit(request, pk)
    report = HandoffReport.objects.filter(project=project).first()
    initial = {}
    if report:
        initial = {
            "configuration_summary": report.configuration_summary,
            "decisions": report.decisions,
            "training": report.training,
            "open_items": report.open_items,
        }
    form = HandoffReportForm(
        request.POST or None, initial=initial, version=report.version if report else 0
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.handoff_report_save(
                project=project,
                user=request.user,
                data=form.cleaned_data,
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Handoff report saved.")
            return redirect("projects:handoff_report", pk=project.pk)
    report_url = reverse("projects:handoff_report", args=[project.pk])
    return form_page(
        request,
        form,
        project=project,
        title="Edit the handoff report",
        cancel_url=report_url,
        extra_crumbs=({"url": report_url, "label": "Handoff report"},),
    )


@login_required
@require_POST
def handoff_report_send(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_edit(request, pk)
    report = HandoffReport.objects.filter(project=project).select_related("project").first()
    if report is None:
        messages.error(request, "Write the handoff report before sending it to support.")
    else:
        try:
            services.handoff_report_send(report=report, user=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "Handoff report sent to support.")
    return redirect("projects:handoff_report", pk=project.pk)


@login_required
@require_POST
def handoff_report_decide(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_view(request, pk, _handoff_project_queryset())
    if not can_decide_handoff_report(request.user):
        raise PermissionDenied("Only support accepts or returns handoff reports.")
    report = HandoffReport.objects.filter(project=project).select_related("project").first()
    if report is None:
        messages.error(request, "There is no handoff report for this project yet.")
        return redirect("projects:handoff_report", pk=project.pk)
    form = HandoffDecisionForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        confirm = ConfirmForm(request.POST if "confirm_page" in request.POST else None)
        try:
            services.handoff_report_decide(
                report=report,
                user=request.user,
                accept=accept,
                comment=form.cleaned_data["support_comment"],
                confirm_open_issues=confirm.is_valid(),
            )
        except services.OpenIssuesNotConfirmed:
            return render(
                request,
                "projects/items/handoff_accept_confirm.html",
                {
                    "nav": "projects",
                    "project": project,
                    "open_issues": list(
                        project.issues.open()
                        .serious()
                        .select_related("owner")
                        .annotate(severity_rank=SEVERITY_RANK)
                        .order_by("severity_rank", "-raised_at")
                    ),
                    "form": confirm,
                    "support_comment": form.cleaned_data["support_comment"],
                },
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # The report's state, not the form, is the problem: say so on the report.
                messages.error(request, error_text(error))
                return redirect("projects:handoff_report", pk=project.pk)
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Handoff report accepted."
                if accept
                else "Handoff report returned to the project team with your questions.",
            )
            return redirect("projects:handoff_report", pk=project.pk)
    return _handoff_report_response(request, project, decision_form=form)
