"""The client portal's pages: reached with a personal link, never with a staff login."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from acceptance import services as acceptance
from acceptance.forms import TestRunForm
from acceptance.models import TestCase
from common.forms import add_service_errors
from common.pagination import page_without_total
from common.parsing import parse_id
from common.pdf import pdf_response
from common.submissions import REPEATED, create_once
from portal import selectors, services
from portal.access import portal_view, session_end, session_start
from portal.forms import SignOffForm, SurveyForm, UatSignOffForm, UploadForm
from portal.models import PortalLink, SignOffRequest, Survey, TaskUpload
from projects.models import Phase, Task
from reports.services import document_pdf


def _refused(request: HttpRequest) -> HttpResponse:
    # One page for every link that signs nobody in, whatever was wrong with it.
    return render(request, "portal/link_refused.html")


@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    """A personal link: the page asks for one click, so that mail scanners opening it
    do not use it up; the click signs the contact in and leads to what the link was for."""
    try:
        found = services.portal_link_find(token)
    except services.LinkRefused:
        return _refused(request)
    if request.method == "GET":
        return render(request, "portal/link.html", {"link": found, "contact": found.contact})
    try:
        session = services.portal_link_redeem(token)
    except services.LinkRefused:
        return _refused(request)
    if request.user.is_authenticated:
        # The browser of a staff member: the portal visit replaces their login.
        logout(request)
    session_start(request, session)
    if found.purpose == PortalLink.Purpose.SIGN_OFF and found.target_id:
        return redirect("portal:signoff", found.target_id)
    if found.purpose == PortalLink.Purpose.UAT_SIGN_OFF:
        return redirect("portal:uat_signoff", found.project_id)
    if found.purpose == PortalLink.Purpose.SURVEY and found.target_id:
        return redirect("portal:survey", found.target_id)
    return redirect("portal:project", found.project_id)


@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/signed_out.html")


@require_POST
@portal_view
def sign_out(request: HttpRequest) -> HttpResponse:
    services.portal_session_end(session_id=request.portal.session_id)
    session_end(request)
    return redirect("portal:signed_out")


@require_GET
@portal_view
def home(request: HttpRequest) -> HttpResponse:
    visitor = request.portal
    projects = selectors.projects_with_progress(visitor)
    ids = [p.pk for p in projects]
    if len(projects) == 1:
        return redirect("portal:project", projects[0].pk)
    return render(
        request,
        "portal/home.html",
        {
            "projects": projects,
            "signoffs": selectors.open_signoffs(visitor.contact, ids),
            "surveys": selectors.open_surveys(visitor.contact, ids),
        },
    )


@require_GET
@portal_view
def project(request: HttpRequest, pk: int) -> HttpResponse:
    visitor = request.portal
    found = visitor.project(pk)
    milestones = selectors.client_milestones(found)
    tasks = selectors.client_tasks(found)
    mine = [t for t in tasks if t.owner_contact_id == visitor.contact.pk]
    cases = selectors.cases_to_run(visitor.contact, found)
    done = sum(1 for t in tasks if t.status == Task.Status.DONE)
    return render(
        request,
        "portal/project.html",
        {
            "project": found,
            "phases": Phase.ordered(),
            "current_phase": Phase(found.phase),
            "timeline": selectors.timeline(found, milestones, tasks),
            "my_open_tasks": [t for t in mine if t.status != Task.Status.DONE],
            "cases": cases,
            # Cases never run or whose latest run failed wait on the tester.
            "cases_waiting": [c for c in cases if not (c.latest_run_id and c.latest_run.passed)],
            "signoffs": selectors.open_signoffs(visitor.contact, [found.pk]),
            "surveys": selectors.open_surveys(visitor.contact, [found.pk]),
            "documents": selectors.project_documents(found),
            "reports": page_without_total(
                selectors.sent_reports(visitor.contact, [found.pk]),
                parse_id(request.GET.get("page")),
                settings.GOLIVE_PORTAL["REPORTS_PER_PAGE"],
            ),
            "progress": round(100 * done / len(tasks)) if tasks else 0,
            "task_count": len(tasks),
            "done_count": done,
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@portal_view
def task(request: HttpRequest, pk: int) -> HttpResponse:
    """A client-visible task; its owner marks it done and sends the files it asks for."""
    visitor = request.portal
    found = visitor.task(pk)
    own = found.owner_contact_id == visitor.contact.pk
    form = UploadForm(request.POST or None, request.FILES or None) if own else None
    if request.method == "POST":
        if not own:
            return render(request, "portal/refused.html", status=403)
        if form.is_valid():
            try:
                outcome = create_once(
                    request,
                    form.cleaned_data["submission_key"],
                    lambda: services.portal_upload_add(
                        task=found, contact=visitor.contact, uploaded=form.cleaned_data["file"]
                    ),
                    lambda upload: reverse("portal:task", args=[found.pk]),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if outcome.repeated:
                    messages.info(request, REPEATED)
                else:
                    messages.success(request, "Thank you: the file was sent to the team.")
                return redirect(outcome.url)
    return render(
        request,
        "portal/task.html",
        {
            "task": found,
            "own": own,
            "form": form,
            "uploads": selectors.task_uploads(found),
        },
    )


@require_POST
@portal_view
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    visitor = request.portal
    found = visitor.task(pk)
    try:
        services.portal_task_complete(task=found, contact=visitor.contact)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{found.title}” is marked done. The team has been told.")
    return redirect("portal:task", found.pk)


@require_GET
@portal_view
def download(request: HttpRequest, pk: int) -> HttpResponse:
    visitor = request.portal
    upload = (
        TaskUpload.objects.filter(
            pk=pk, task__visible_to_client=True, task__project__in=visitor.projects()
        )
        .only("file", "original_name", "content_type")
        .first()
    )
    if upload is None:
        raise Http404
    return file_response(upload)


@require_GET
@portal_view
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF of a status report's client version, for a contact it was sent to."""
    visitor = request.portal
    document = (
        selectors.sent_reports(visitor.contact, visitor.projects())
        .filter(report_id=pk)
        .only("pdf", "report__created_at")
        .first()
    )
    if document is None:
        raise Http404
    day = timezone.localtime(document.report.created_at).date().isoformat()
    return pdf_response(document_pdf(document), f"status-report-{day}.pdf")


def file_response(upload: TaskUpload) -> FileResponse:
    try:
        handle = upload.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Always a download: a file the client sent is never rendered in the app's origin.
    response = FileResponse(handle, as_attachment=True, filename=upload.original_name)
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
@portal_view
def signoff(request: HttpRequest, pk: int) -> HttpResponse:
    visitor = request.portal
    found = (
        SignOffRequest.objects.filter(
            pk=pk,
            contact=visitor.contact,
            milestone__visible_to_client=True,
            milestone__project__in=visitor.projects(),
        )
        .select_related("milestone__project", "requested_by")
        .first()
    )
    if found is None:
        raise Http404
    milestone = found.milestone
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and found.signed_at is None and form.is_valid():
        try:
            services.signoff_confirm(request=found, contact=visitor.contact)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Thank you: “{milestone.name}” is signed off.")
            return redirect("portal:project", milestone.project_id)
    tasks = [t for t in selectors.client_tasks(milestone.project) if t.milestone_id == milestone.pk]
    return render(
        request,
        "portal/signoff.html",
        {"request_": found, "milestone": milestone, "tasks": tasks, "form": form},
    )


@require_http_methods(["GET", "POST"])
@portal_view
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    visitor = request.portal
    found = (
        Survey.objects.filter(pk=pk, contact=visitor.contact, project__in=visitor.projects())
        .select_related("project")
        .first()
    )
    if found is None:
        raise Http404
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and not found.is_answered and form.is_valid():
        data = form.cleaned_data
        try:
            answered = services.survey_answer(
                survey=found,
                contact=visitor.contact,
                csat=data["csat"],
                nps=data["nps"],
                comment=data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if answered:
                messages.success(request, "Thank you for your answer.")
            else:
                messages.info(request, "This survey had been answered already; nothing changed.")
            return redirect("portal:survey", found.pk)
    return render(
        request,
        "portal/survey.html",
        {"survey": found, "form": form},
    )


@require_http_methods(["GET", "POST"])
@portal_view
def case(request: HttpRequest, pk: int) -> HttpResponse:
    """A test case given to the visitor: its steps, what should happen, and their verdict."""
    visitor = request.portal
    found = (
        TestCase.objects.filter(
            pk=pk, tester_contact=visitor.contact, project__in=visitor.projects()
        )
        .select_related("project", "latest_run__defect")
        .only(
            "title",
            "steps",
            "expected_result",
            "is_critical",
            "tester_contact_id",
            "project__name",
            "latest_run__passed",
            "latest_run__run_at",
            "latest_run__defect__status",
        )
        .first()
    )
    if found is None:
        raise Http404
    form = TestRunForm(request.POST or None, request.FILES or None)
    form.fields["outcome"].label = "Did it work as expected?"
    form.fields["severity"].label = "If it failed: how serious is it?"
    form.fields["severity"].help_text = "The team is told of a failure at once."
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = create_once(
                request,
                data["submission_key"],
                lambda: acceptance.run_case_as_contact(
                    found,
                    visitor.contact,
                    data["outcome"] == "pass",
                    data["notes"],
                    attachment=data["attachment"],
                    severity=data["severity"],
                ),
                lambda run: reverse("portal:case", args=[found.pk]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                messages.info(request, REPEATED)
            else:
                messages.success(request, "Thank you: your result was sent to the team.")
            return redirect(outcome.url)
    return render(request, "portal/case.html", {"case": found, "form": form})


@require_http_methods(["GET", "POST"])
@portal_view
def uat_signoff(request: HttpRequest, pk: int) -> HttpResponse:
    """The project's UAT sign-off, asked of the visitor: what they sign, and why not yet."""
    visitor = request.portal
    found = visitor.project(pk)
    asked = (
        SignOffRequest.objects.filter(
            project=found, contact=visitor.contact, milestone__isnull=True
        )
        .select_related("requested_by")
        .only(
            "requested_at",
            "signed_at",
            "contact_id",
            "project_id",
            "requested_by__first_name",
            "requested_by__last_name",
            "requested_by__username",
        )
        .order_by("signed_at", "-requested_at")
        .first()
    )
    if asked is None:
        raise Http404
    form = UatSignOffForm(request.POST or None)
    refusal = "" if found.uat_signed_off_at else acceptance.uat_signoff_refusal(found)
    if request.method == "POST" and not found.uat_signed_off_at and form.is_valid():
        try:
            services.uat_signoff_confirm(request=asked, contact=visitor.contact)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: user acceptance testing is signed off.")
            return redirect("portal:project", found.pk)
    return render(
        request,
        "portal/uat_signoff.html",
        {
            "project": found,
            "request_": asked,
            "progress": acceptance.progress(found)["total"],
            "refusal": refusal,
            "form": form,
        },
    )
