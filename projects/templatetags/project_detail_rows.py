"""The milestone, open-task, risk and issue rows of the project page, each written once.

Through the template engine the two tables cost the page about as much as all its queries'
building: a milestone row ran a choice label, three date filters and two to four URL tags, a
task row a dozen lookups; written here, a row costs a few string joins.
"""

from datetime import date

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from common.dates import month_abbreviations, short_date
from projects.templatetags.golive import person, pk_url_parts
from projects.templatetags.project_rows import PHASE_HTML, csrf_input, label_html

register = template.Library()

KEY_BADGE = ' <span class="badge text-bg-primary">Key</span>'
GOLIVE_CRITICAL_BADGE = ' <span class="badge text-bg-warning">Go-live critical</span>'
OVERDUE_MILESTONE_BADGE = ' <span class="badge text-bg-danger">Overdue</span>'
OVERDUE_TASK_BADGE = ' <span class="badge text-bg-danger">overdue</span>'


def _variance_html(variance: int | None) -> str:
    if not variance:
        return ""
    colour = "text-danger" if variance > 0 else "text-success"
    sign = "+" if variance > 0 else ""
    return (
        f' <span class="{colour} text-nowrap">{sign}{variance}'
        '<span class="visually-hidden"> business days against the baseline</span></span>'
    )


@register.simple_tag(takes_context=True)
def milestone_rows(context, milestones, today: date, can_edit: bool, detail_url: str) -> SafeString:
    """A table row per milestone (their `variance` set by plan_variance), or one saying none."""
    months = month_abbreviations()
    complete_url = pk_url_parts("projects:milestone_complete")
    edit_url = pk_url_parts("projects:milestone_edit")
    token_input = csrf_input(context) if can_edit else ""
    sign_off_url = escape(f"{detail_url}?fragment=sign-off&milestone=")
    rows = []
    for m in milestones:
        name = escape(m.name)
        baseline = short_date(m.baseline_date, False, months) or "—"
        due = short_date(m.due_date, True, months) or "—"
        if not m.completed_on and m.due_date and m.due_date < today:
            due += OVERDUE_MILESTONE_BADGE
        if m.completed_on:
            completed_on = short_date(m.completed_on, False, months)
            done = f'<span class="text-success">✓ {completed_on}</span>'
            if m.completed_by_id:
                done += (
                    ' <span class="small text-body-secondary">'
                    f"by {escape(person(m.completed_by))}</span>"
                )
        else:
            done = "—"
        if m.signed_off_at:
            signed_by = (m.signed_off_by.name if m.signed_off_by_id else "") or "client"
            signed_on = short_date(timezone.localtime(m.signed_off_at), False, months)
            sign_off = f"{escape(signed_by)}, {signed_on}"
        else:
            sign_off = "—"
        row = (
            f'<tr id="milestone-{m.pk}">'
            f"<td>{name}{KEY_BADGE if m.is_key else ''}"
            '<span class="d-block small text-body-secondary">'
            f"{label_html(PHASE_HTML, m.phase)}</span>"
            f"{GOLIVE_CRITICAL_BADGE if m.is_golive_critical else ''}</td>"
            f"<td>{baseline}{_variance_html(getattr(m, 'variance', None))}</td>"
            f"<td>{due}</td><td>{done}</td><td>{sign_off}</td>"
        )
        if can_edit:
            hidden_name = f'<span class="visually-hidden"> {name}</span>'
            if not m.completed_on:
                action = (
                    f'<form method="post" action="{complete_url[0]}{m.pk}{complete_url[1]}" '
                    f'class="d-inline">{token_input}<button class="btn btn-sm btn-outline-success" '
                    f'type="submit">Complete{hidden_name}</button></form>'
                )
            elif not m.signed_off_at:
                action = (
                    '<button class="btn btn-sm btn-outline-primary text-nowrap" type="button" '
                    f'hx-get="{sign_off_url}{m.pk}" hx-swap="outerHTML">'
                    f"Record sign-off…{hidden_name}</button>"
                )
            else:
                action = ""
            row += (
                f'<td class="text-end text-nowrap">{action} <a class="btn btn-sm btn-link" '
                f'href="{edit_url[0]}{m.pk}{edit_url[1]}">Edit{hidden_name}</a></td>'
            )
        rows.append(row + "</tr>")
    if not rows:
        rows = ['<tr><td colspan="6" class="text-body-secondary">No milestones yet.</td></tr>']
    # Safe: every text above went through escape(); the rest is fixed markup and numbers.
    return mark_safe("\n".join(rows))  # noqa: S308  # nosec B308 B703


@register.simple_tag
def open_task_rows(tasks: list[dict], can_edit: bool, detail_url: str) -> SafeString:
    """A table row per open task (rows from selectors.detail_open_tasks), or one saying none."""
    change_url = escape(f"{detail_url}?fragment=task-row&task=")
    rows = []
    for task in tasks:
        pk = task["pk"]
        title = escape(task["title"])
        url = task["url"]
        milestone = task["milestone"]
        milestone_html = (
            f'<div class="small text-body-secondary">{escape(milestone)}</div>' if milestone else ""
        )
        change = (
            f' <a class="btn btn-sm btn-link py-0" href="{url}edit/" '
            f'hx-get="{change_url}{pk}" hx-target="#task-{pk}" hx-swap="outerHTML">'
            f'Change<span class="visually-hidden"> status or owner of {title}</span></a>'
            if can_edit
            else ""
        )
        if task["due"]:
            due = f'<time datetime="{task["due_iso"]}">{task["due"]}</time>'
            if task["overdue"]:
                due += OVERDUE_TASK_BADGE
        else:
            due = "—"
        priority = escape(task["priority"])
        if task["priority_badge"]:
            priority = f'<span class="badge {task["priority_badge"]}">{priority}</span>'
        rows.append(
            f'<tr id="task-{pk}">'
            f'<td><a href="{url}">{title}</a>{milestone_html}</td>'
            f'<td class="text-nowrap"><span class="badge {task["status_badge"]}">'
            f"{escape(task['status'])}</span>{change}</td>"
            f"<td>{escape(task['owner'])}</td>"
            f'<td class="text-nowrap">{due}</td>'
            f"<td>{priority}</td></tr>"
        )
    if not rows:
        rows = ['<tr><td colspan="5" class="text-body-secondary">No open tasks.</td></tr>']
    # Safe: every text above went through escape(); the rest is fixed markup, numbers, dates
    # and this app's URLs.
    return mark_safe("\n".join(rows))  # noqa: S308  # nosec B308 B703


NO_PLAN = ' · <span class="text-danger">no mitigation plan</span>'


@register.simple_tag
def open_risk_items(risks: list[dict]) -> SafeString:
    """A list item per open risk (rows from selectors.detail_open_risks), or one saying none."""
    items = [
        '<li class="list-group-item px-0 d-flex justify-content-between gap-2">'
        f'<span><a href="{risk["url"]}">{escape(risk["title"])}</a>'
        f'<span class="d-block small text-body-secondary">{escape(risk["owner"])}'
        f"{'' if risk['has_plan'] else NO_PLAN}</span></span>"
        f'<span class="badge {risk["badge"]} align-self-start" title="Probability '
        f'{int(risk["probability"])} × impact {int(risk["impact"])}">'
        f"Score {int(risk['score'])}</span></li>"
        for risk in risks
    ] or ['<li class="list-group-item px-0 text-body-secondary">No open risks.</li>']
    # Safe: every text above went through escape(); the rest is fixed markup and numbers.
    return mark_safe("\n".join(items))  # noqa: S308  # nosec B308 B703


@register.simple_tag
def open_issue_items(issues: list[dict]) -> SafeString:
    """A list item per open issue (rows from selectors.detail_open_issues), or one saying none."""
    items = [
        '<li class="list-group-item px-0 d-flex justify-content-between gap-2">'
        f'<span><a href="{issue["url"]}">{escape(issue["title"])}</a>'
        f'<span class="d-block small text-body-secondary">{escape(issue["owner"])} · raised '
        f"{issue['raised']}</span></span>"
        f'<span class="badge {issue["badge"]} align-self-start">'
        f"{escape(issue['severity_label'])}</span></li>"
        for issue in issues
    ] or ['<li class="list-group-item px-0 text-body-secondary">No open issues.</li>']
    # Safe: every text above went through escape(); the rest is fixed markup and dates.
    return mark_safe("\n".join(items))  # noqa: S308  # nosec B308 B703
