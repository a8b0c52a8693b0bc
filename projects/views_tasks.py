"""Tasks: the list, the task page, add and edit, and the in-place changes of a row."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.forms import add_service_errors
from common.parsing import local_next_url, parse_id
from common.submissions import create_once
from projects import selectors, services
from projects.access import (
    can_edit_project,
    get_item_for_edit,
    get_item_for_view,
    get_project_for_edit,
    get_project_for_view,
)
from projects.forms import (
    CommentForm,
    TaskForm,
    TaskOwnerForm,
    TaskStatusForm,
    owner_choices,
)
from projects.item_filters import TaskFilter
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
    ImplementationProject,
    Task,
)

PROGRESS_EVENT = "project-progress-changed"


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
            "comments": comments({"task": task}),
            "comment_form": comment_form or CommentForm(),
            "history": history(task),
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
                return repeated(request, outcome.url)
            messages.success(request, f"Task “{outcome.created.title}” added.")
            return redirect(outcome.url)
    return form_page(
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
    form = TaskForm(request.POST or None, project=project, instance=form_instance(task))
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
    return form_page(
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
    next_url = local_next_url(request, project_url(task.project, "tasks"))
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
            error=f"“{task.title}” cannot change status. {error_text(error)}",
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
        return _task_row_or_redirect(request, task, message="", error=error_text(error))
    return _task_row_or_redirect(
        request, task, message=f"“{task.title}” is now owned by {task.owner_label}."
    )


@login_required
@require_POST
def task_comment(request: HttpRequest, pk: int) -> HttpResponse:
    # A comment is not an edit: everyone who may read the project may comment.
    task = get_item_for_view(request, Task, pk, _task_queryset())
    return comment_or_detail(request, task, kind="task", detail=_task_detail_response)
