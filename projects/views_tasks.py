"""Tasks: the list, the task page, add and edit, and the in-place changes of a row."""

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Func, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.forms import add_service_errors
from common.parsing import CONTROL_CHARACTERS, local_next_url, parse_id
from common.submissions import create_once
from projects import selectors, services, slips
from projects.access import (
    can_edit_project,
    get_item_for_edit,
    get_item_for_view,
    get_project_for_edit,
    get_project_for_view,
)
from projects.forms import (
    CommentForm,
    RescheduleForm,
    TaskForm,
    TaskOwnerForm,
    TaskStatusForm,
    hidden_copy,
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
# What the task page shows of the tasks it waits on and of those waiting on it.
LINKED_FIELDS = ("title", "status", "start_date", "due_date", "completed_at")


def _with_link_counts(tasks):
    """Rows with how many tasks each waits on and how many wait on it: the list's marker."""
    links = Task.depends_on.through.objects.order_by()
    count = Func(F("pk"), function="COUNT")
    return tasks.annotate(
        waits_on=Subquery(
            links.filter(from_task=OuterRef("pk")).values("from_task").annotate(n=count).values("n")
        ),
        waited_on=Subquery(
            links.filter(to_task=OuterRef("pk")).values("to_task").annotate(n=count).values("n")
        ),
    )


def _task_queryset():
    # With the meeting an action item came from (meetings' link to the task), which the page
    # links back to: read with the task, it costs no query of its own.
    return Task.objects.select_related(
        "project",
        "project__client",
        "owner_user",
        "owner_contact",
        "milestone",
        "meeting_action__meeting",
    )


@login_required
@require_safe
def task_list(request: HttpRequest, pk: int) -> HttpResponse:
    if request.htmx and request.GET.get("fragment") == "task-row":
        return _task_row_editor(request, pk)
    project = get_project_for_view(
        request, pk, ImplementationProject.objects.select_related("client").with_progress()
    )
    can_edit = can_edit_project(request.user, project)
    filtered = any(
        request.GET.get(name) for name in ("q", "status", "owner", "milestone", "overdue")
    )
    # The filters show open when some apply, else they load when "Filter tasks" is opened:
    # their owner choices cost two queries, and their selects most of the page's rendering.
    show_filters = filtered or (request.htmx and request.GET.get("fragment") == "filters")
    filterset = TaskFilter(
        request.GET,
        queryset=_with_link_counts(selectors.task_rows(project.tasks.all())),
        project=project,
        owner_choices=owner_choices(project) if show_filters else [("", "Unassigned")],
    )
    if show_filters and not filtered:
        return render(
            request,
            "projects/items/_task_filters.html",
            {"project": project, "filter": filterset, "is_filtered": False},
        )
    paginator = Paginator(filterset.qs, settings.PAGE_SIZE)
    if not filtered:
        # Every task of the project: the progress bar counted them already.
        paginator.count = project.task_total
    page_obj = paginator.get_page(parse_id(request.GET.get("page")))
    return render(
        request,
        "projects/items/task_list.html",
        {
            "nav": "projects",
            "project": project,
            "filter": filterset,
            "page_obj": page_obj,
            "tasks": selectors.task_list_rows(page_obj.object_list, timezone.localdate()),
            "is_filtered": filtered,
            "can_edit": can_edit,
        },
    )


def _task_row_editor(request: HttpRequest, pk: int) -> HttpResponse:
    """A task's row with its status and owner editors, loaded when its "Change" is pressed.

    The list writes each row as plain text: 25 rows of editors would cost every page view what
    the one row a user changes needs.
    """
    task = get_item_for_edit(
        request,
        Task,
        parse_id(request.GET.get("task")) or 0,
        _with_link_counts(selectors.task_rows(Task.objects.filter(project_id=pk))).select_related(
            "project"
        ),
    )
    return render(
        request,
        "projects/items/_task_row.html",
        {
            "task": task,
            "can_edit": True,
            "owner_choices": owner_choices(task.project),
            "today": timezone.localdate(),
            "next_url": reverse("projects:task_list", args=[pk]),
            "opened": True,
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
            "predecessors": list(task.depends_on.only(*LINKED_FIELDS).order_by("due_date", "pk")),
            "successors": list(task.successors.only(*LINKED_FIELDS).order_by("start_date", "pk")),
            "comments": comments({"task": task}),
            # A form that came back with an error shows at once; else it loads when opened.
            "comment_form": comment_form,
            "history": history(task),
        },
    )


@login_required
@require_safe
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # The comment form and the owner editor load when opened: the owner's choices cost two
    # queries that most visits to a task do not need.
    fragment = request.GET.get("fragment") if request.htmx else None
    if fragment == "comment-form":
        get_item_for_view(request, Task, pk, Task.objects.only("pk"))
        return render(
            request,
            "projects/items/_comment_form.html",
            {"form": CommentForm(), "post_url": reverse("projects:task_comment", args=[pk])},
        )
    if fragment == "owner-form":
        task = get_item_for_edit(request, Task, pk, _task_queryset())
        return render(
            request,
            "projects/items/_task_owner_form.html",
            {
                "task": task,
                "owner_choices": owner_choices(task.project),
                "next_url": task.get_absolute_url(),
            },
        )
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


def _submission_key(request: HttpRequest) -> uuid.UUID | None:
    """The one-time key of a preview's confirmation: a second confirm moves nothing again."""
    try:
        return uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        return None


def _preview_url(task: Task, next_url: str, **params) -> str:
    query = urlencode({**{k: v for k, v in params.items() if v}, "next": next_url})
    return f"{reverse('projects:task_reschedule', args=[task.pk])}?{query}"


def _moved_text(preview: slips.Preview) -> str:
    count = len(preview.ripple.moves)
    if not count:
        return ""
    text = f" {count} {'item' if count == 1 else 'items'} of the plan moved with it"
    if preview.ripple.go_live_moves:
        day = preview.ripple.go_live_after
        text += f"; the forecast go-live is now {day.day} {day:%b %Y}"
    return text + "."


def _preview_page(
    request: HttpRequest,
    preview: slips.Preview,
    *,
    form,
    action: str,
    back: str,
    error: str = "",
) -> HttpResponse:
    """What would move, old and new dates and business days, and the confirm that moves it."""
    task = preview.task
    return render(
        request,
        "projects/items/task_reschedule.html",
        {
            "nav": "projects",
            "project": task.project,
            "task": task,
            "preview": preview,
            "form": form,
            "action": action,
            "back": back,
            "error": error,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a task; when its new finish would move other work, a preview comes first."""
    task = get_item_for_edit(request, Task, pk, _task_queryset())
    project, title, url = task.project, task.title, task.get_absolute_url()
    form = TaskForm(request.POST or None, project=project, instance=form_instance(task))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        change = slips.Change(
            start=data.get("start_date"),
            due=data.get("due_date"),
            done=(data.get("status") or task.status) == Task.Status.DONE,
        )

        def save():
            return services.task_save(
                project=project, user=request.user, task=task, data=data, version=data["version"]
            )

        token = request.POST.get("slip_token")
        try:
            if token is None:
                preview = slips.preview(task, change)
                if preview.needs_confirmation:
                    return _preview_page(
                        request,
                        preview,
                        form=hidden_copy(form, token=preview.token),
                        action=reverse("projects:task_edit", args=[task.pk]),
                        back=url,
                    )
                save()
            else:
                outcome = create_once(
                    request,
                    _submission_key(request),
                    lambda: slips.apply(
                        task, change, user=request.user, token=token, save_task=save
                    ),
                    lambda applied: url,
                )
                if outcome.repeated:
                    return repeated(request, outcome.url)
                preview = outcome.created
        except slips.StalePreview as stale:
            fresh = slips.preview(task, change)
            return _preview_page(
                request,
                fresh,
                form=hidden_copy(form, token=fresh.token),
                action=reverse("projects:task_edit", args=[task.pk]),
                back=url,
                error=error_text(stale),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Task “{task.title}” saved.{_moved_text(preview)}")
            if preview.pull_offer:
                return redirect(_preview_url(task, url, pull=1, since=preview.old_finish))
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


def _next_from_query(request: HttpRequest, fallback: str) -> str:
    """The `next` of a preview's address, when it is a path on this site."""
    candidate = request.GET.get("next", "")
    if (
        candidate.startswith("/")
        and not CONTROL_CHARACTERS.search(candidate)
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return fallback


def _change_of(task: Task, data: dict) -> slips.Change:
    if data.get("pull"):
        return slips.Change(pull=True, since=data.get("since"))
    if data.get("done"):
        return slips.Change(start=task.start_date, due=task.due_date, done=True)
    return slips.Change(
        start=task.start_date, due=data["due"], done=task.status == Task.Status.DONE
    )


def _apply_change(task: Task, change: slips.Change, user, *, mark_done: bool):
    """The service call that saves the task's own part of a change (none for a pull)."""
    if change.pull:
        return None
    if mark_done:
        return lambda: services.task_set_status(task=task, user=user, status=Task.Status.DONE)
    data = {"due_date": change.due}
    if task.start_date and change.due < task.start_date:
        data["start_date"] = change.due
    return lambda: services.task_save(project=task.project, user=user, task=task, data=data)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def task_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """A task's new due date, its late completion, or a pull forward: previewed, then confirmed.

    GET shows what would move. POST with the preview's token confirms it; POST without one is
    the in-place due date change, saved at once when nothing else would move.
    """
    task = get_item_for_edit(request, Task, pk, _task_queryset())
    url = task.get_absolute_url()
    action = reverse("projects:task_reschedule", args=[task.pk])
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        back = local_next_url(request, url)
    else:
        form = RescheduleForm(request.GET)
        back = _next_from_query(request, url)
    if not form.is_valid():
        problems = " ".join(e for errors in form.errors.values() for e in errors)
        if request.htmx and request.method == "POST":
            return _task_row_or_redirect(request, task, message="", error=problems)
        messages.error(request, problems or "That change could not be read.")
        return redirect(back)
    change = _change_of(task, form.cleaned_data)
    mark_done = bool(form.cleaned_data["done"]) and task.status != Task.Status.DONE
    if change.pull and (change.since is None or task.due_date is None):
        messages.error(request, "There is nothing to pull forward for this task.")
        return redirect(back)
    token = form.cleaned_data["token"]
    error = ""
    if request.method == "POST":
        try:
            if not token:
                preview = slips.preview(task, change)
                if preview.needs_confirmation or change.pull:
                    return _to_preview(request, task, change, back)
                _apply_change(task, change, request.user, mark_done=mark_done)()
            else:
                outcome = create_once(
                    request,
                    _submission_key(request),
                    lambda: slips.apply(
                        task,
                        change,
                        user=request.user,
                        token=token,
                        save_task=_apply_change(task, change, request.user, mark_done=mark_done),
                    ),
                    lambda applied: back,
                )
                if outcome.repeated:
                    return repeated(request, outcome.url)
                preview = outcome.created
        except slips.StalePreview as stale:
            error = error_text(stale)
        except ValidationError as refused:
            if request.htmx:
                return _task_row_or_redirect(request, task, message="", error=error_text(refused))
            messages.error(request, f"“{task.title}” was not changed. {error_text(refused)}")
            return redirect(back)
        else:
            if change.pull:
                text = f"Work waiting on “{task.title}” pulled forward.{_moved_text(preview)}"
            elif mark_done:
                text = f"“{task.title}” is done.{_moved_text(preview)}"
            else:
                due = f"{change.due.day} {change.due:%b %Y}"
                text = f"“{task.title}” is now due {due}.{_moved_text(preview)}"
            if preview.pull_offer and not change.pull:
                messages.success(request, text)
                pull = _preview_url(task, back, pull=1, since=preview.old_finish)
                if request.htmx:
                    return HttpResponse(headers={"HX-Redirect": pull})
                return redirect(pull)
            if request.htmx:
                task = _task_queryset().get(pk=task.pk)
                return _task_row_or_redirect(request, task, message=text)
            messages.success(request, text)
            return redirect(back)
        task = _task_queryset().get(pk=task.pk)
    preview = slips.preview(task, change)
    confirm = RescheduleForm(
        initial={
            "due": None if (mark_done or change.pull) else change.due,
            "done": mark_done,
            "pull": change.pull,
            "since": change.since,
            "token": preview.token,
            "next": back,
        },
        confirming=True,
    )
    return _preview_page(request, preview, form=confirm, action=action, back=back, error=error)


def _to_preview(request: HttpRequest, task: Task, change: slips.Change, back: str):
    """Send an in-place change that would move other work to its preview page."""
    if change.pull:
        url = _preview_url(task, back, pull=1, since=change.since)
    elif change.done:
        url = _preview_url(task, back, done=1)
    else:
        url = _preview_url(task, back, due=change.due)
    if request.htmx:
        return HttpResponse(headers={"HX-Redirect": url})
    return redirect(url)


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
    status = form.cleaned_data["status"]
    back = local_next_url(request, project_url(task.project, "tasks"))
    finishing = status == Task.Status.DONE and before != Task.Status.DONE
    try:
        if finishing:
            # Done after its due date: the work waiting on it may have to move, shown first.
            change = slips.Change(start=task.start_date, due=task.due_date, done=True)
            preview = slips.preview(task, change)
            if preview.needs_confirmation:
                messages.info(request, f"Finishing “{task.title}” now moves other work: check it.")
                return _to_preview(request, task, change, back)
        services.task_set_status(task=task, user=request.user, status=status)
    except ValidationError as error:
        return _task_row_or_redirect(
            request,
            task,
            message="",
            error=f"“{task.title}” cannot change status. {error_text(error)}",
        )
    text = f"“{task.title}” is now {task.get_status_display().lower()}."
    if finishing and preview.pull_offer:
        # Finished early: the work waiting on it may start sooner, if the PM says so.
        messages.success(request, text)
        return _to_preview(request, task, slips.Change(pull=True, since=preview.old_finish), back)
    return _task_row_or_redirect(
        request, task, message=text, progress_changed=task.status != before
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
