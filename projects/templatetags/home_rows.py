"""The short lists beside the home page's projects, each item written once: the tasks due, the
go-lives coming and what waits on the person.

Through the template engine these few dozen items cost about as much as the rest of the page:
an include per health badge, a date filter and a dozen lookups per item. Here, a few joins.
"""

from datetime import date, datetime
from typing import NamedTuple

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from common.dates import month_abbreviations, short_date, weekday_abbreviations
from projects.models import ImplementationProject
from projects.templatetags.golive import pk_url_parts
from projects.templatetags.project_rows import HEALTH_HTML, PHASE_HTML, health_badge, label_html

register = template.Library()


class HomeTaskRow(NamedTuple):
    """What the home page shows of one of the person's open tasks."""

    pk: int
    title: str
    status: str
    due_date: date
    project_name: str


# The columns of HomeTaskRow, in its order, for values_list().
HOME_TASK_COLUMNS = ("pk", "title", "status", "due_date", "project__name")

EMPTY_ITEM = '<li class="list-group-item px-0 text-body-secondary">{}</li>'


def _list(items: list[str], empty_text: str) -> SafeString:
    if not items:
        items = [EMPTY_ITEM.format(escape(empty_text))]
    # Safe: every text went through escape(); the rest is fixed markup, numbers and dates.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        '<ul class="list-group list-group-flush">' + "".join(items) + "</ul>"
    )


@register.simple_tag
def home_task_list(tasks: list[HomeTaskRow], empty_text: str) -> SafeString:
    """The tasks (read by selectors.my_tasks), each with its project, due day and blocked flag."""
    months, weekdays = month_abbreviations(), weekday_abbreviations()
    before, after = pk_url_parts("projects:task_detail")
    items = []
    for task in tasks:
        due = task.due_date
        blocked = (
            ' · <span class="text-danger fw-semibold">Blocked</span>'
            if task.status == "blocked"
            else ""
        )
        items.append(
            f'<li class="list-group-item px-0"><a href="{before}{task.pk}{after}">'
            f"{escape(task.title)}</a>"
            f'<div class="small text-body-secondary">{escape(task.project_name)} · due '
            f"{weekdays[due.weekday()]} {due.day} {months[due.month]}{blocked}</div></li>"
        )
    return _list(items, empty_text)


def _health_markers(p: ImplementationProject) -> str:
    """What projects/_health_markers.html writes beside a health badge."""
    markers = ""
    if p.override_hides_computed:
        computed = label_html(HEALTH_HTML, p.computed_health)
        markers += (
            ' <span class="badge text-bg-secondary" title="Set by the PM; the facts give '
            f'{computed}">Override</span> <span class="small">computed {computed}</span>'
        )
    if p.forecast_passed:
        markers += (
            ' <span class="badge text-bg-warning" title="The forecast go-live is past and the '
            'project is not live">Forecast passed</span>'
        )
    return markers


@register.simple_tag
def go_live_list(projects: list[ImplementationProject]) -> SafeString:
    """The go-lives coming (read by selectors.upcoming_go_lives), with each project's health."""
    months = month_abbreviations()
    before, after = pk_url_parts("projects:detail")
    items = []
    for p in projects:
        # The markers go under the date and badge: kept on their line, they ran out of the card.
        markers = _health_markers(p).strip()
        if markers:
            markers = f'<span class="d-block mt-1">{markers}</span>'
        items.append(
            '<li class="list-group-item px-0 d-flex justify-content-between gap-2">'
            f'<span><a href="{before}{p.pk}{after}">{escape(p.client.name)}</a>'
            f'<span class="d-block small text-body-secondary">{label_html(PHASE_HTML, p.phase)}'
            "</span></span>"
            f'<span class="small text-end"><span class="text-nowrap">'
            f"{short_date(p.forecast_go_live, with_year=False, months=months)} "
            f"{health_badge(p.health)}</span>{markers}</span></li>"
        )
    return _list(items, "No go-lives in the next weeks.")


def local_day(moment: datetime | date | None, months: tuple[str, ...]) -> str:
    """What the `date` filter writes with "j M Y": a moment on the local calendar."""
    if isinstance(moment, datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return short_date(moment, months=months)


@register.simple_tag
def waiting_list(waiting: list[dict]) -> SafeString:
    """What waits on the person (read by selectors.waiting_for), oldest first."""
    months = month_abbreviations()
    items = []
    for item in waiting:
        when = f" · {local_day(item['when'], months)}" if item["when"] else ""
        items.append(
            '<li class="list-group-item px-0">'
            f'<a href="{escape(item["url"])}" class="fw-semibold">{escape(item["name"])}</a>'
            f'<div class="small text-body-secondary">{escape(item["what"])}{when}</div></li>'
        )
    return _list(items, "Nothing is waiting for you.")
