"""The rows of "My work", each written once: by the page for its groups, and by the task status
endpoint for the one row it answers htmx with, so the two write the same markup.

A row through the template engine cost an include, a csrf_token, a form's worth of lookups and a
date filter; written here, it costs a few string joins.
"""

from datetime import date
from types import SimpleNamespace
from typing import NamedTuple

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from common.dates import day_date, month_abbreviations, weekday_abbreviations
from projects.models import Task
from projects.templatetags.golive import pk_url_parts, status_options
from projects.templatetags.project_rows import csrf_input, escaped_labels, label_html

register = template.Library()


class MyTaskRow(NamedTuple):
    """What a row shows of a task: read as values by the page, taken from a Task by the endpoint."""

    pk: int
    title: str
    status: str
    priority: str
    due_date: date | None
    project_id: int
    project_name: str
    milestone_name: str | None
    can_edit: bool

    @classmethod
    def of(cls, task: Task, *, can_edit: bool) -> "MyTaskRow":
        milestone = task.milestone.name if task.milestone_id else None
        return cls(
            task.pk,
            task.title,
            task.status,
            task.priority,
            task.due_date,
            task.project_id,
            task.project.name,
            milestone,
            can_edit,
        )


# The columns of MyTaskRow that a task has, for values_list(); can_edit is the page's to tell.
MY_TASK_ROW_COLUMNS = (
    "pk",
    "title",
    "status",
    "priority",
    "due_date",
    "project_id",
    "project__name",
    "milestone__name",
)

TASK_STATUS_HTML = escaped_labels(Task.Status.choices)
TASK_PRIORITY_HTML = escaped_labels(Task.Priority.choices)
STATUS_BADGE_CLASS = {
    Task.Status.DONE: "text-bg-success",
    Task.Status.BLOCKED: "text-bg-danger",
    Task.Status.IN_PROGRESS: "text-bg-primary",
}
# The <option>s of the status <select> by the task's status, as golive.status_options writes them.
STATUS_OPTIONS = {
    value: status_options(SimpleNamespace(status=value)) for value in Task.Status.values
}
PRIORITY_BADGE_CLASS = {
    Task.Priority.URGENT: "text-bg-danger",
    Task.Priority.HIGH: "text-bg-warning",
}


class RowSettings:
    """What every row of one page shares: read once, not once per row."""

    def __init__(self, context: template.Context, next_url: str) -> None:
        self.next_url = escape(next_url)
        self.csrf_input = csrf_input(context)
        self.task_url = pk_url_parts("projects:task_detail")
        self.status_url = pk_url_parts("projects:task_status")
        self.project_url = pk_url_parts("projects:detail")
        self.today = timezone.localdate()
        self.months = month_abbreviations()
        self.weekdays = weekday_abbreviations()


def _status_cell(task: MyTaskRow, settings: RowSettings, title: str) -> str:
    if not task.can_edit:
        badge = STATUS_BADGE_CLASS.get(task.status, "text-bg-light border")
        return f'<span class="badge {badge}">{label_html(TASK_STATUS_HTML, task.status)}</span>'
    before, after = settings.status_url
    status_url = f"{before}{task.pk}{after}"
    options = STATUS_OPTIONS.get(task.status) or status_options(task)
    return (
        f'<form method="post" action="{status_url}" class="d-flex gap-1"\n'
        f'      hx-post="{status_url}" hx-trigger="change" hx-target="#my-task-{task.pk}" '
        'hx-swap="outerHTML">\n'
        f"  {settings.csrf_input}\n"
        f'  <input type="hidden" name="next" value="{settings.next_url}">\n'
        '  <input type="hidden" name="row" value="my_work">\n'
        f'  <label class="visually-hidden" for="my-task-{task.pk}-status">'
        f"Status of {title}</label>\n"
        '  <select class="form-select form-select-sm task-select" name="status" '
        f'id="my-task-{task.pk}-status">{options}</select>\n'
        '  <noscript><button type="submit" class="btn btn-sm btn-outline-primary">Save</button>'
        "</noscript>\n"
        "</form>"
    )


def _due_cell(due: date | None, status: str, settings: RowSettings) -> str:
    if due is None:
        return "—"
    cell = (
        f'<time datetime="{due.isoformat()}">'
        f"{day_date(due, settings.months, settings.weekdays)}</time>"
    )
    if due < settings.today and status != Task.Status.DONE:
        cell += ' <span class="badge text-bg-danger">overdue</span>'
    return cell


def _priority_cell(priority: str) -> str:
    label = label_html(TASK_PRIORITY_HTML, priority)
    badge = PRIORITY_BADGE_CLASS.get(priority)
    return f'<span class="badge {badge}">{label}</span>' if badge else label


def _row(
    task: MyTaskRow, settings: RowSettings, *, row_error: str = "", row_message: str = ""
) -> str:
    title = escape(task.title)
    milestone = f" · {escape(task.milestone_name)}" if task.milestone_name is not None else ""
    notes = ""
    if row_error:
        error = conditional_escape(row_error)
        notes += f'\n<div class="small text-danger" role="alert">{error}</div>'
    if row_message:
        message = conditional_escape(row_message)
        notes += f'\n<div class="small text-success" role="status">{message}</div>'
    task_before, task_after = settings.task_url
    project_before, project_after = settings.project_url
    return (
        f'<tr id="my-task-{task.pk}">\n'
        f'<td>\n<a href="{task_before}{task.pk}{task_after}">{title}</a>\n'
        '<div class="small text-body-secondary">'
        f'<a class="link-secondary" href="{project_before}{task.project_id}{project_after}">'
        f"{escape(task.project_name)}</a>{milestone}</div>{notes}\n</td>\n"
        f"<td>\n{_status_cell(task, settings, title)}\n</td>\n"
        f'<td class="text-nowrap">\n{_due_cell(task.due_date, task.status, settings)}\n</td>\n'
        f"<td>\n{_priority_cell(task.priority)}\n</td>\n"
        "</tr>"
    )


@register.simple_tag(takes_context=True)
def my_task_rows(context, tasks, next_url: str) -> SafeString:
    """A row per task (MyTaskRow) of one group of the page."""
    settings = RowSettings(context, next_url)
    # Safe: every text above went through escape(); the rest is fixed markup and numbers.
    return mark_safe("\n".join(_row(task, settings) for task in tasks))  # noqa: S308  # nosec B308 B703


@register.simple_tag(takes_context=True)
def my_task_row(
    context, task: Task, next_url: str, row_error: str = "", row_message: str = ""
) -> SafeString:
    """The one row the task status endpoint answers htmx with, its outcome under the title.

    `task` is a Task, its project and milestone read, that the user may change.
    """
    settings = RowSettings(context, next_url)
    row = _row(
        MyTaskRow.of(task, can_edit=True), settings, row_error=row_error, row_message=row_message
    )
    # Safe: as my_task_rows.
    return mark_safe(row)  # noqa: S308  # nosec B308 B703
