"""Risks and issues: their pages, add and edit, status changes and comments."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.forms import add_service_errors
from common.parsing import PlainInputFormMixin, local_next_url
from common.submissions import create_once
from projects import selectors, services
from projects.access import (
    can_edit_project,
    get_item_for_edit,
    get_item_for_view,
    get_project_for_edit,
)
from projects.forms import (
    CommentForm,
    IssueForm,
    RiskForm,
)
from projects.item_pages import (
    comment_or_detail,
    comments,
    error_text,
    form_instance,
    form_page,
    history,
    project_url,
    repeated,
)
from projects.models import (
    Issue,
    Risk,
)

SEVERITY_RANK = selectors.SEVERITY_RANK


class RiskStatusForm(PlainInputFormMixin, forms.Form):
    status = forms.ChoiceField(choices=Risk.Status.choices)


class IssueStatusForm(PlainInputFormMixin, forms.Form):
    status = forms.ChoiceField(choices=Issue.Status.choices)
    resolution = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


# Risks


def _risk_queryset():
    return Risk.objects.select_related("project", "owner", "raised_issue")


def _risk_detail_response(
    request: HttpRequest, risk: Risk, *, comment_form: CommentForm | None = None
) -> HttpResponse:
    project = risk.project
    return render(
        request,
        "projects/items/risk_detail.html",
        {
            "nav": "projects",
            "project": project,
            "risk": risk,
            "raised_issue": getattr(risk, "raised_issue", None),
            "can_edit": can_edit_project(request.user, project),
            "comments": comments({"risk": risk}),
            "comment_form": comment_form or CommentForm(),
            "history": history(risk),
        },
    )


@login_required
@require_safe
def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_item_for_view(request, Risk, pk, _risk_queryset())
    return _risk_detail_response(request, risk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def risk_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_edit(request, pk)
    form = RiskForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = create_once(
                request,
                form.cleaned_data["submission_key"],
                lambda: services.risk_save(
                    project=project, user=request.user, risk=None, data=form.cleaned_data
                ),
                Risk.get_absolute_url,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                return repeated(request, outcome.url)
            messages.success(request, f"Risk “{outcome.created.title}” added.")
            return redirect(outcome.url)
    return form_page(
        request,
        form,
        project=project,
        title="New risk",
        cancel_url=project_url(project, "risks"),
        submit_label="Add risk",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_item_for_edit(request, Risk, pk)
    project, title, url = risk.project, risk.title, risk.get_absolute_url()
    form = RiskForm(request.POST or None, project=project, instance=form_instance(risk))
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_save(
                project=project,
                user=request.user,
                risk=risk,
                data=form.cleaned_data,
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Risk “{risk.title}” saved.")
            return redirect(risk)
    return form_page(
        request,
        form,
        project=project,
        title=f"Edit risk “{title}”",
        cancel_url=url,
        extra_crumbs=({"url": url, "label": title},),
    )


@login_required
@require_POST
def risk_status(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_item_for_edit(request, Risk, pk)
    back = local_next_url(request, risk.get_absolute_url())
    form = RiskStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed statuses.")
        return redirect(back)
    try:
        services.risk_set_status(risk=risk, user=request.user, status=form.cleaned_data["status"])
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(back)
    text = f"Risk “{risk.title}” is now {risk.get_status_display().lower()}."
    if risk.status == Risk.Status.OCCURRED:
        text += " An issue was raised for it."
    messages.success(request, text)
    return redirect(back)


@login_required
@require_POST
def risk_comment(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_item_for_view(request, Risk, pk, _risk_queryset())
    return comment_or_detail(request, risk, kind="risk", detail=_risk_detail_response)


# Issues


def _issue_queryset():
    return Issue.objects.select_related("project", "owner", "from_risk")


def _issue_detail_response(
    request: HttpRequest, issue: Issue, *, comment_form: CommentForm | None = None
) -> HttpResponse:
    project = issue.project
    return render(
        request,
        "projects/items/issue_detail.html",
        {
            "nav": "projects",
            "project": project,
            "issue": issue,
            "can_edit": can_edit_project(request.user, project),
            "comments": comments({"issue": issue}),
            "comment_form": comment_form or CommentForm(),
            "history": history(issue),
        },
    )


@login_required
@require_safe
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_item_for_view(request, Issue, pk, _issue_queryset())
    return _issue_detail_response(request, issue)


@transaction.atomic
def _issue_write(
    *, project, user, issue: Issue | None, data: dict, version: int | None = None
) -> Issue:
    """Save an issue from IssueForm: details, then status with its resolution.

    issue_save leaves the resolution alone, so a changed status or resolution goes through
    issue_set_status, in the same transaction.
    """
    details = {key: value for key, value in data.items() if key not in ("status", "resolution")}
    issue = services.issue_save(
        project=project, user=user, issue=issue, data=details, version=version
    )
    status, resolution = data.get("status") or issue.status, data.get("resolution", "")
    if status != issue.status or (resolution and resolution != issue.resolution):
        services.issue_set_status(issue=issue, user=user, status=status, resolution=resolution)
    return issue


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def issue_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_edit(request, pk)
    form = IssueForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = create_once(
                request,
                form.cleaned_data["submission_key"],
                lambda: _issue_write(
                    project=project, user=request.user, issue=None, data=form.cleaned_data
                ),
                Issue.get_absolute_url,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                return repeated(request, outcome.url)
            messages.success(request, f"Issue “{outcome.created.title}” raised.")
            return redirect(outcome.url)
    return form_page(
        request,
        form,
        project=project,
        title="New issue",
        cancel_url=project_url(project, "issues"),
        submit_label="Raise issue",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def issue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_item_for_edit(request, Issue, pk)
    project, title, url = issue.project, issue.title, issue.get_absolute_url()
    form = IssueForm(request.POST or None, instance=form_instance(issue), project=project)
    if request.method == "POST" and form.is_valid():
        try:
            _issue_write(
                project=project,
                user=request.user,
                issue=issue,
                data=form.cleaned_data,
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Issue “{issue.title}” saved.")
            return redirect(issue)
    return form_page(
        request,
        form,
        project=project,
        title=f"Edit issue “{title}”",
        cancel_url=url,
        extra_crumbs=({"url": url, "label": title},),
    )


@login_required
@require_POST
def issue_status(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_item_for_edit(request, Issue, pk)
    back = local_next_url(request, issue.get_absolute_url())
    form = IssueStatusForm(request.POST)
    if not form.is_valid():
        problems = ["Choose one of the listed statuses."] if form.has_error("status") else []
        # A resolution that is too long, say: its own error tells the user what to change.
        problems += form.errors.get("resolution", [])
        messages.error(request, " ".join(problems))
        return redirect(back)
    try:
        services.issue_set_status(
            issue=issue,
            user=request.user,
            status=form.cleaned_data["status"],
            resolution=form.cleaned_data["resolution"].strip(),
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(back)
    messages.success(request, f"Issue “{issue.title}” is now {issue.get_status_display().lower()}.")
    return redirect(back)


@login_required
@require_POST
def issue_comment(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_item_for_view(request, Issue, pk, _issue_queryset())
    return comment_or_detail(request, issue, kind="issue", detail=_issue_detail_response)
