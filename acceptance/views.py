"""The project's testing page, and the forms that add a test case and record a run.

Access follows the project's (projects.access); writes go through acceptance.services.
"""

import mimetypes
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_safe

from acceptance import services
from acceptance.forms import TestCaseForm, TestRunForm
from acceptance.models import TestCase, TestRun
from common.forms import add_service_errors
from common.queries import get_or_404
from common.submissions import REPEATED, create_once
from common.views import render_form_page
from projects.access import (
    can_edit_project,
    get_item_for_edit,
    get_project_for_edit,
    get_project_for_view,
)
from projects.item_pages import project_crumbs
from projects.models import ImplementationProject

FORM_METHODS = ["GET", "HEAD", "POST"]


def _crumbs(project: ImplementationProject, testing: bool = True) -> list[dict]:
    crumbs = project_crumbs(project)
    if testing:
        crumbs.append({"url": reverse("acceptance:testing", args=[project.pk]), "label": "Testing"})
    return crumbs


@login_required
@require_safe
def testing(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_view(
        request,
        pk,
        ImplementationProject.objects.select_related("uat_signed_off_by").only(
            "name",
            "phase",
            "pm_id",
            "uat_signed_off_at",
            "uat_signed_off_by__name",
            "uat_signoff_exception_reason",
        ),
    )
    cases = list(
        project.test_cases.select_related(
            "product", "tester_user", "tester_contact", "latest_run__defect"
        ).only(
            "title",
            "is_critical",
            "project_id",
            "product__name",
            "tester_user__first_name",
            "tester_user__last_name",
            "tester_user__username",
            "tester_contact__name",
            "latest_run__passed",
            "latest_run__run_at",
            "latest_run__defect__title",
            "latest_run__defect__status",
            "latest_run__defect__severity",
        )
    )
    can_edit = can_edit_project(request.user, project)
    refusal = services.uat_signoff_refusal(project) if not project.uat_signed_off_at else ""
    return render(
        request,
        "acceptance/testing.html",
        {
            "nav": "projects",
            "project": project,
            "cases": cases,
            "progress": services.progress(project),
            "can_edit": can_edit,
            "signoff_refusal": refusal,
            "breadcrumbs": _crumbs(project, testing=False),
        },
    )


@login_required
@require_http_methods(FORM_METHODS)
def case_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_edit(request, pk)
    form = TestCaseForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = create_once(
                request,
                data["submission_key"],
                lambda: services.case_create(
                    project=project,
                    user=request.user,
                    data=data,
                    tester_user=form.tester_user,
                    tester_contact=form.tester_contact,
                ),
                TestCase.get_absolute_url,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                messages.info(request, REPEATED)
            else:
                messages.success(request, f"Test case “{outcome.created.title}” added.")
            return redirect(outcome.url)
    return render_form_page(
        request,
        form,
        nav="projects",
        title="New test case",
        cancel_url=reverse("acceptance:testing", args=[project.pk]),
        breadcrumbs=_crumbs(project),
        submit_label="Add test case",
    )


@login_required
@require_http_methods(FORM_METHODS)
def run_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_item_for_edit(
        request,
        TestCase,
        pk,
        TestCase.objects.select_related("project", "product", "tester_user", "tester_contact"),
    )
    form = TestRunForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = create_once(
                request,
                data["submission_key"],
                lambda: services.run_case_as_user(
                    case,
                    request.user,
                    data["outcome"] == "pass",
                    data["notes"],
                    attachment=data["attachment"],
                    severity=data["severity"],
                ),
                lambda run: run.case.get_absolute_url(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                messages.info(request, REPEATED)
            else:
                run = outcome.created
                text = "passed" if run.passed else "failed"
                if not run.passed and run.defect_id:
                    text += f"; defect “{run.defect.title}” is linked to it"
                messages.success(request, f"Run of “{case.title}” recorded: {text}.")
            return redirect(outcome.url)
    runs = list(
        case.runs.select_related("run_by_user", "run_by_contact", "defect").only(
            "passed",
            "notes",
            "attachment",
            "run_at",
            "case_id",
            "run_by_user__first_name",
            "run_by_user__last_name",
            "run_by_user__username",
            "run_by_contact__name",
            "defect__title",
            "defect__status",
            "defect__severity",
        )[:20]
    )
    return render(
        request,
        "acceptance/run_form.html",
        {
            "nav": "projects",
            "project": case.project,
            "case": case,
            "runs": runs,
            "form": form,
            "breadcrumbs": _crumbs(case.project),
        },
    )


@login_required
@require_safe
def run_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's attachment, for those who may read its project (files are never served bare).

    Always a download, never shown inline: an uploaded HTML file must not run as one of our
    pages. Attachments are small (GOLIVE_TEST_ATTACHMENTS), so they are read whole.
    """
    visible = ImplementationProject.objects.visible_to(request.user)
    run = get_or_404(TestRun.objects.only("attachment"), pk=pk, case__project__in=visible)
    if not run.attachment:
        raise Http404
    try:
        with run.attachment.open("rb") as handle:
            body = handle.read()
    except FileNotFoundError as error:
        raise Http404 from error
    name = PurePath(run.attachment.name).name
    response = HttpResponse(
        body, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
