"""Status report pages: a project's history, one stored report, the preview and the schedule."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.parsing import parse_id
from common.pdf import pdf_response
from common.queries import get_or_404
from projects.access import can_edit_project, get_project_for_edit, get_project_for_view
from reports import selectors, services
from reports.filters import ReportFilter
from reports.forms import ScheduleForm, SendForm
from reports.models import Audience, ReportDocument, StatusReport, StatusReportSettings

RECIPIENT_KINDS = {"team": "Team", "client": "Client contact", "sales": "Sales rep"}


def _audience(value) -> str:
    """The version asked for in the query string; the internal one unless it says client."""
    return Audience.CLIENT if value == Audience.CLIENT else Audience.INTERNAL


@login_required
@require_GET
def project_reports(request, pk: int):
    """The reports a project has sent, newest first."""
    project = get_project_for_view(request, pk)
    queryset = (
        StatusReport.objects.filter(project=project)
        .select_related("created_by")
        .defer("snapshot", "body_html", "body_text")
        .order_by("-created_at", "-pk")
    )
    report_filter = ReportFilter(request.GET, queryset=queryset)
    page = Paginator(report_filter.qs, settings.PAGE_SIZE).get_page(
        parse_id(request.GET.get("page"))
    )
    counts = selectors.delivery_counts([report.pk for report in page])
    for report in page:
        report.delivery = counts[report.pk]
    return render(
        request,
        "reports/project_reports.html",
        {
            "nav": "projects",
            "project": project,
            "filter": report_filter,
            "page_obj": page,
            "can_edit": can_edit_project(request.user, project),
        },
    )


@login_required
@require_GET
def report_detail(request, pk: int):
    """One report exactly as it was sent, to whom, and how each delivery went."""
    report = get_or_404(
        StatusReport.objects.visible_to(request.user).select_related(
            "project", "project__client", "created_by"
        ),
        pk=pk,
    )
    audience = _audience(request.GET.get("version"))
    deliveries = {email.to_email.lower(): email for email in selectors.report_deliveries(report)}
    rows = [
        {
            **recipient,
            "kind_label": RECIPIENT_KINDS.get(recipient["kind"], recipient["kind"]),
            "version": recipient.get("version", Audience.INTERNAL),
            "email_row": deliveries.get(recipient["email"].lower()),
        }
        for recipient in report.recipients
    ]
    # Reports sent before there were versions have only the internal email body.
    document = (
        ReportDocument.objects.filter(report=report, audience=audience)
        .only("pk", "audience", "subject", "document_html")
        .first()
    )
    return render(
        request,
        "reports/report_detail.html",
        {
            "nav": "projects",
            "report": report,
            "project": report.project,
            "recipients": rows,
            "audience": audience,
            "document": document,
        },
    )


@login_required
@require_GET
def report_pdf(request, pk: int):
    """The PDF of one version of a report (?version=client for the client's), made from the
    document as it was sent."""
    audience = _audience(request.GET.get("version"))
    if parse_id(pk) is None:
        raise Http404("No such report.")
    document = get_object_or_404(
        ReportDocument.objects.filter(
            report__in=StatusReport.objects.visible_to(request.user)
        ).only("pk", "pdf", "report__created_at", "report__project_id"),
        report_id=pk,
        audience=audience,
    )
    day = timezone.localtime(document.report.created_at).date().isoformat()
    suffix = "-client" if audience == Audience.CLIENT else ""
    return pdf_response(
        services.document_pdf(document),
        f"status-report-{document.report.project_id}-{day}{suffix}.pdf",
    )


@login_required
@require_GET
def report_preview(request, pk: int):
    """The next report as it would look now; nothing is saved, sent or cleared."""
    project = get_project_for_view(request, pk, selectors.report_project_queryset(links=False))
    audience = _audience(request.GET.get("version"))
    draft = services.report_build(project=project, now=timezone.now(), preview=audience)
    recipients = [
        {**recipient, "kind_label": RECIPIENT_KINDS[recipient["kind"]]}
        for recipient in draft.recipients
    ]
    can_edit = can_edit_project(request.user, project)
    send_form = (
        SendForm(
            contacts=project.client.all_contacts,
            chosen=selectors.default_client_recipients(project),
        )
        if can_edit
        else None
    )
    return render(
        request,
        "reports/report_preview.html",
        {
            "nav": "projects",
            "project": project,
            "draft": draft,
            "version": draft.versions[audience],
            "audience": audience,
            "internal_recipients": [r for r in recipients if r["version"] == Audience.INTERNAL],
            "client_recipients": [r for r in recipients if r["version"] == Audience.CLIENT],
            "can_edit": can_edit,
            "send_form": send_form,
        },
    )


@login_required
@require_POST
def report_send_now(request, pk: int):
    project = get_project_for_edit(request, pk, selectors.report_project_queryset())
    client_contact_ids = None
    if "client_recipients_shown" in request.POST:
        form = SendForm(request.POST, contacts=project.client.all_contacts)
        if not form.is_valid():
            messages.error(
                request, "Choose the client contacts from the list; the report was not sent."
            )
            return redirect("reports:preview", pk=project.pk)
        client_contact_ids = form.cleaned_data["client_recipients"]
    report, created = services.report_send_now(
        project=project, user=request.user, client_contact_ids=client_contact_ids
    )
    if created:
        messages.success(
            request,
            f"Status report sent to {len(report.recipients)} "
            f"recipient{'s' if len(report.recipients) != 1 else ''}.",
        )
    else:
        messages.info(request, "This report was sent a moment ago; it was not sent again.")
    return redirect(report)


@login_required
@require_http_methods(["GET", "POST"])
def report_schedule(request, pk: int):
    """When the project's reports go out, and the PM's notes for the next one."""
    project = get_project_for_edit(request, pk, selectors.recipient_choice_queryset())
    row = selectors.report_settings_of(project)
    form = ScheduleForm(
        request.POST if request.method == "POST" else None,
        instance=row or StatusReportSettings(project=project),
        contacts=project.client.all_contacts,
        default_contacts=selectors.default_client_recipients(project),
    )
    if request.method == "POST" and form.is_valid():
        services.report_settings_update(
            project=project,
            user=request.user,
            cadence=form.cleaned_data["cadence"],
            weekday=form.cleaned_data["weekday"],
            notes=form.cleaned_data["next_notes"],
            client_recipients=list(form.cleaned_data["client_recipients"]),
        )
        messages.success(request, "Status report schedule and notes saved.")
        return redirect("reports:project_reports", pk=project.pk)
    return render(
        request,
        "reports/report_schedule.html",
        {"nav": "projects", "project": project, "form": form},
    )
