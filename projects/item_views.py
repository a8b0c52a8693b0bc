"""Pages and in-place edits for what lives inside a project.

Milestones, tasks, risks, issues, their comments, time entries and the handoff report. Access
goes through projects.access, writes through projects.services; a service's ValidationError
becomes a form error or a message and changes nothing.
"""

import copy
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Model, OuterRef, Prefetch, Subquery, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.forms import add_service_errors
from common.parsing import PlainInputFormMixin, local_next_url, parse_id
from common.submissions import REPEATED, create_once
from projects import selectors, services
from projects.access import (
    can_decide_handoff_report,
    can_edit_project,
    get_item_for_edit,
    get_item_for_view,
    get_project_for_edit,
    get_project_for_handoff_report,
    get_project_for_view,
)
from projects.forms import (
    CommentForm,
    ConfirmForm,
    ContactChoiceForm,
    HandoffDecisionForm,
    HandoffReportForm,
    IssueForm,
    MilestoneForm,
    RiskForm,
    TaskForm,
    TaskOwnerForm,
    TaskStatusForm,
    TimeEntryForm,
    owner_choices,
)
from projects.history import history_entries
from projects.item_filters import TaskFilter
from projects.models import (
    Comment,
    HandoffReport,
    ImplementationProject,
    Issue,
    Milestone,
    Phase,
    ProjectMembership,
    Risk,
    Task,
    TimeEntry,
)

HISTORY_LIMIT = 50
PROGRESS_EVENT = "project-progress-changed"

SEVERITY_RANK = selectors.SEVERITY_RANK


class RiskStatusForm(PlainInputFormMixin, forms.Form):
    status = forms.ChoiceField(choices=Risk.Status.choices)


class IssueStatusForm(PlainInputFormMixin, forms.Form):
    status = forms.ChoiceField(choices=Issue.Status.choices)
    resolution = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


# Helpers


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _repeated(request: HttpRequest, url: str) -> HttpResponse:
    messages.info(request, REPEATED)
    return redirect(url)


def _form_instance(item: Model) -> Model:
    """A copy for a ModelForm to write its cleaned values onto.

    Validating a ModelForm copies the submitted values onto its instance; the services compare
    the data with the item to decide what changed, so they must get the untouched item.
    """
    return copy.copy(item)


def _project_url(project: ImplementationProject, anchor: str = "") -> str:
    url = reverse("projects:detail", args=[project.pk])
    return f"{url}#{anchor}" if anchor else url


def _project_crumbs(project: ImplementationProject) -> list[dict[str, str]]:
    return [
        {"url": reverse("projects:list"), "label": "Projects"},
        {"url": _project_url(project), "label": project.name},
    ]


def _form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    project: ImplementationProject,
    title: str,
    cancel_url: str,
    extra_crumbs: tuple[dict[str, str], ...] = (),
    submit_label: str = "Save",
) -> HttpResponse:
    return render(
        request,
        "_form_page.html",
        {
            "nav": "projects",
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "breadcrumbs": [*_project_crumbs(project), *extra_crumbs],
            "submit_label": submit_label,
        },
    )


def _history(item: Model) -> list[dict]:
    records = item.history.select_related("history_user").order_by("-history_date", "-history_id")
    return history_entries(records, limit=HISTORY_LIMIT)


def _comments(item_filter: dict) -> list:
    return list(Comment.objects.filter(**item_filter).select_related("author"))


# Milestones


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_edit(request, pk)
    form = MilestoneForm(request.POST or None, initial={"phase": project.phase})
    if request.method == "POST" and form.is_valid():
        try:
            outcome = create_once(
                request,
                form.cleaned_data["submission_key"],
                lambda: services.milestone_save(
                    project=project, user=request.user, milestone=None, data=form.cleaned_data
                ),
                lambda milestone: _project_url(project, "milestones"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                return _repeated(request, outcome.url)
            messages.success(request, f"Milestone “{outcome.created.name}” added.")
            return redirect(outcome.url)
    return _form_page(
        request,
        form,
        project=project,
        title="New milestone",
        cancel_url=_project_url(project, "milestones"),
        submit_label="Add milestone",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_item_for_edit(request, Milestone, pk)
    project, name = milestone.project, milestone.name
    form = MilestoneForm(request.POST or None, instance=_form_instance(milestone))
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_save(
                project=project,
                user=request.user,
                milestone=milestone,
                data=form.cleaned_data,
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Milestone “{milestone.name}” saved.")
            return redirect(_project_url(project, "milestones"))
    return _form_page(
        request,
        form,
        project=project,
        title=f"Edit milestone “{name}”",
        cancel_url=_project_url(project, "milestones"),
    )


@login_required
@require_POST
def milestone_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete a milestone; while tasks of it are open, only after a page that lists them."""
    milestone = get_item_for_edit(request, Milestone, pk)
    back = local_next_url(request, _project_url(milestone.project, "milestones"))
    confirm = ConfirmForm(request.POST if "confirm_page" in request.POST else None)
    try:
        services.milestone_complete(
            milestone=milestone, user=request.user, confirm_open_tasks=confirm.is_valid()
        )
    except services.OpenTasksNotConfirmed:
        return render(
            request,
            "projects/items/milestone_complete_confirm.html",
            {
                "nav": "projects",
                "project": milestone.project,
                "milestone": milestone,
                "open_tasks": list(
                    selectors.task_rows(milestone.tasks.open()).order_by("due_date", "pk")
                ),
                "form": confirm,
                "back": back,
            },
        )
    messages.success(request, f"Milestone “{milestone.name}” is complete.")
    return redirect(back)


@login_required
@require_POST
def milestone_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_item_for_edit(request, Milestone, pk)
    services.milestone_reopen(milestone=milestone, user=request.user)
    messages.success(
        request, f"Milestone “{milestone.name}” is open again; its client sign-off was cleared."
    )
    return redirect(local_next_url(request, _project_url(milestone.project, "milestones")))


@login_required
@require_POST
def milestone_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_item_for_edit(request, Milestone, pk)
    back = local_next_url(request, _project_url(milestone.project, "milestones"))
    form = ContactChoiceForm(request.POST, project=milestone.project)
    if not form.is_valid():
        messages.error(request, "Choose the client contact who signed the milestone off.")
        return redirect(back)
    try:
        services.milestone_sign_off(
            milestone=milestone, user=request.user, contact=form.cleaned_data["contact"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            f"Sign-off of “{milestone.name}” by {form.cleaned_data['contact'].name} recorded.",
        )
    return redirect(back)


# Tasks


def _task_queryset():
    return Task.objects.select_related(
        "project", "project__client", "owner_user", "owner_contact", "milestone"
    )


@login_required
@require_safe
def task_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_view(
        request, pk, ImplementationProject.objects.select_related("client").with_progress()
    )
    can_edit = can_edit_project(request.user, project)
    choices = owner_choices(project)
    filterset = TaskFilter(
        request.GET,
        queryset=selectors.task_rows(project.tasks.all()),
        project=project,
        owner_choices=choices,
    )
    page_obj = Paginator(filterset.qs, settings.PAGE_SIZE).get_page(
        parse_id(request.GET.get("page"))
    )
    filtered = any(
        request.GET.get(name) for name in ("q", "status", "owner", "milestone", "overdue")
    )
    return render(
        request,
        "projects/items/task_list.html",
        {
            "nav": "projects",
            "project": project,
            "filter": filterset,
            "page_obj": page_obj,
            "tasks": page_obj.object_list,
            "is_filtered": filtered,
            "can_edit": can_edit,
            "owner_choices": choices if can_edit else [],
            "today": timezone.localdate(),
        },
    )


def _task_detail_response(
    request: HttpRequest, task: Task, *, comment_form: CommentForm | None = None
) -> HttpResponse:
    project = task.project
    can_edit = can_edit_project(request.user, project)
    return render(
        request,
        "projects/items/task_detail.html",
        {
            "nav": "projects",
            "project": project,
            "task": task,
            "can_edit": can_edit,
            "today": timezone.localdate(),
            "owner_choices": owner_choices(project) if can_edit else [],
            "predecessors": list(task.depends_on.all()),
            "successors": list(task.successors.all()),
            "comments": _comments({"task": task}),
            "comment_form": comment_form or CommentForm(),
            "history": _history(task),
        },
    )


@login_required
@require_safe
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_item_for_view(request, Task, pk, _task_queryset())
    return _task_detail_response(request, task)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_edit(request, pk)
    initial = {}
    milestone_pk = parse_id(request.GET.get("milestone"))
    if milestone_pk:
        initial["milestone"] = milestone_pk
    form = TaskForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = create_once(
                request,
                form.cleaned_data["submission_key"],
                lambda: services.task_save(
                    project=project, user=request.user, task=None, data=form.cleaned_data
                ),
                Task.get_absolute_url,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                return _repeated(request, outcome.url)
            messages.success(request, f"Task “{outcome.created.title}” added.")
            return redirect(outcome.url)
    return _form_page(
        request,
        form,
        project=project,
        title="New task",
        cancel_url=reverse("projects:task_list", args=[project.pk]),
        extra_crumbs=({"url": reverse("projects:task_list", args=[project.pk]), "label": "Tasks"},),
        submit_label="Add task",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_item_for_edit(request, Task, pk, _task_queryset())
    project, title, url = task.project, task.title, task.get_absolute_url()
    form = TaskForm(request.POST or None, project=project, instance=_form_instance(task))
    if request.method == "POST" and form.is_valid():
        try:
            services.task_save(
                project=project,
                user=request.user,
                task=task,
                data=form.cleaned_data,
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Task “{task.title}” saved.")
            return redirect(task)
    return _form_page(
        request,
        form,
        project=project,
        title=f"Edit task “{title}”",
        cancel_url=url,
        extra_crumbs=(
            {"url": reverse("projects:task_list", args=[project.pk]), "label": "Tasks"},
            {"url": url, "label": title},
        ),
    )


def _task_row_or_redirect(
    request: HttpRequest,
    task: Task,
    *,
    message: str,
    error: str = "",
    progress_changed: bool = False,
) -> HttpResponse:
    """htmx gets the task's row back, re-rendered in place; a plain post goes back where it was."""
    next_url = local_next_url(request, _project_url(task.project, "tasks"))
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, message)
        return redirect(next_url)
    if error:
        # The service may have set attributes before refusing; show what is stored.
        task = _task_queryset().get(pk=task.pk)
    if request.POST.get("row") == "my_work":
        # "My work" lays its rows out differently (project shown, no owner column).
        task.can_edit = True
        return render(
            request,
            "projects/work/_my_task_row.html",
            {
                "task": task,
                "next_url": next_url,
                "row_error": error,
                "row_message": "" if error else message,
            },
        )
    response = render(
        request,
        "projects/items/_task_row.html",
        {
            "task": task,
            "can_edit": True,
            "owner_choices": owner_choices(task.project),
            "today": timezone.localdate(),
            "next_url": next_url,
            "row_error": error,
            "row_message": "" if error else message,
        },
    )
    if progress_changed and not error:
        response["HX-Trigger"] = PROGRESS_EVENT
        # The project page's "Open tasks" count follows, out of band (pages without it ignore it).
        response.write(
            render_to_string(
                "projects/items/_open_task_count.html",
                {"open_task_count": task.project.tasks.open().count(), "oob": True},
            )
        )
    return response


@login_required
@require_POST
def task_status(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_item_for_edit(request, Task, pk, _task_queryset())
    form = TaskStatusForm(request.POST)
    if not form.is_valid():
        return _task_row_or_redirect(
            request, task, message="", error="Choose one of the listed statuses."
        )
    before = task.status
    try:
        services.task_set_status(task=task, user=request.user, status=form.cleaned_data["status"])
    except ValidationError as error:
        return _task_row_or_redirect(
            request,
            task,
            message="",
            error=f"“{task.title}” cannot change status. {_error_text(error)}",
        )
    return _task_row_or_redirect(
        request,
        task,
        message=f"“{task.title}” is now {task.get_status_display().lower()}.",
        progress_changed=task.status != before,
    )


@login_required
@require_POST
def task_owner(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_item_for_edit(request, Task, pk, _task_queryset())
    form = TaskOwnerForm(request.POST, project=task.project)
    if not form.is_valid():
        return _task_row_or_redirect(
            request, task, message="", error="Choose one of the listed owners."
        )
    owner_user, owner_contact = form.cleaned_data["owner"]
    try:
        services.task_set_owner(
            task=task, user=request.user, owner_user=owner_user, owner_contact=owner_contact
        )
    except ValidationError as error:
        return _task_row_or_redirect(request, task, message="", error=_error_text(error))
    return _task_row_or_redirect(
        request, task, message=f"“{task.title}” is now owned by {task.owner_label}."
    )


def _comment_or_detail(request: HttpRequest, item: Model, *, kind: str, detail) -> HttpResponse:
    """Post a comment on a task, risk or issue; on bad input show its page with the error."""
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            outcome = create_once(
                request,
                form.cleaned_data["submission_key"],
                lambda: services.comment_add(
                    project=item.project,
                    user=request.user,
                    body=form.cleaned_data["body"],
                    **{kind: item},
                ),
                lambda comment: item.get_absolute_url() + "#comments",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                return _repeated(request, outcome.url)
            messages.success(request, "Comment posted.")
            return redirect(outcome.url)
    return detail(request, item, comment_form=form)


@login_required
@require_POST
def task_comment(request: HttpRequest, pk: int) -> HttpResponse:
    # A comment is not an edit: everyone who may read the project may comment.
    task = get_item_for_view(request, Task, pk, _task_queryset())
    return _comment_or_detail(request, task, kind="task", detail=_task_detail_response)


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
            "comments": _comments({"risk": risk}),
            "comment_form": comment_form or CommentForm(),
            "history": _history(risk),
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
                return _repeated(request, outcome.url)
            messages.success(request, f"Risk “{outcome.created.title}” added.")
            return redirect(outcome.url)
    return _form_page(
        request,
        form,
        project=project,
        title="New risk",
        cancel_url=_project_url(project, "risks"),
        submit_label="Add risk",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_item_for_edit(request, Risk, pk)
    project, title, url = risk.project, risk.title, risk.get_absolute_url()
    form = RiskForm(request.POST or None, project=project, instance=_form_instance(risk))
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
    return _form_page(
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
        messages.error(request, _error_text(error))
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
    return _comment_or_detail(request, risk, kind="risk", detail=_risk_detail_response)


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
            "comments": _comments({"issue": issue}),
            "comment_form": comment_form or CommentForm(),
            "history": _history(issue),
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
                return _repeated(request, outcome.url)
            messages.success(request, f"Issue “{outcome.created.title}” raised.")
            return redirect(outcome.url)
    return _form_page(
        request,
        form,
        project=project,
        title="New issue",
        cancel_url=_project_url(project, "issues"),
        submit_label="Raise issue",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def issue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_item_for_edit(request, Issue, pk)
    project, title, url = issue.project, issue.title, issue.get_absolute_url()
    form = IssueForm(request.POST or None, instance=_form_instance(issue), project=project)
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
    return _form_page(
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
        messages.error(request, _error_text(error))
        return redirect(back)
    messages.success(request, f"Issue “{issue.title}” is now {issue.get_status_display().lower()}.")
    return redirect(back)


@login_required
@require_POST
def issue_comment(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_item_for_view(request, Issue, pk, _issue_queryset())
    return _comment_or_detail(request, issue, kind="issue", detail=_issue_detail_response)


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
                lambda entry: _project_url(project),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                return _repeated(request, outcome.url)
            entry = outcome.created
            messages.success(
                request, f"Logged {entry.hours.normalize():f} h on {entry.spent_on:%d %b %Y}."
            )
            return redirect(outcome.url)
    return _form_page(
        request,
        form,
        project=project,
        title="Log time",
        cancel_url=_project_url(project),
        submit_label="Log time",
    )


# The handoff report


def _handoff_project_queryset():
    """The project with what its handoff report shows, its hours summed in the same query."""
    entries = TimeEntry.objects.filter(project=OuterRef("pk")).order_by().values("project")
    return (
        ImplementationProject.objects.annotate(
            hours_total=Subquery(entries.annotate(total=Sum("hours")).values("total")),
            hours_billable=Subquery(
                entries.filter(billable=True).annotate(total=Sum("hours")).values("total")
            ),
        )
        .select_related("client", "client__sales_rep", "pm")
        .prefetch_related(
            "products",
            "client__contacts",
            Prefetch("milestones", queryset=Milestone.objects.select_related("signed_off_by")),
            Prefetch(
                "memberships",
                queryset=ProjectMembership.objects.select_related("user").order_by(
                    "user__first_name", "user__last_name"
                ),
            ),
        )
    )


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
    hours_used = project.hours_total or Decimal(0)
    budget_percent = (
        round(100 * hours_used / project.budget_hours) if project.budget_hours else None
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
            "milestones": list(project.milestones.all()),
            "open_issues": list(
                project.issues.open()
                .select_related("owner")
                .annotate(severity_rank=SEVERITY_RANK)
                .order_by("severity_rank", "-raised_at")
            ),
            "open_risks": list(
                project.risks.filter(status__in=[Risk.Status.OPEN, Risk.Status.MITIGATING])
                .select_related("owner")
                .order_by("-score", "pk")
            ),
            "hours_used": hours_used,
            "hours_billable": project.hours_billable or Decimal(0),
            "budget_percent": budget_percent,
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
    return _form_page(
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
            messages.error(request, _error_text(error))
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
                messages.error(request, _error_text(error))
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
