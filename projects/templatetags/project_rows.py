"""The rows of projects/_project_table.html and of the sales rep's accounts, each written once.

A page of 25 projects cost the template engine about thirty lookups, tags and filters per row,
more than the rest of the list page together; written here, a row costs a few string joins.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from clients.models import Client
from common.dates import month_abbreviations, short_date
from projects.models import Health, ImplementationProject, Phase
from projects.templatetags.golive import person, pk_url

register = template.Library()


# Each choice's label by its value, escaped once: get_FOO_display() makes a dict of the
# field's choices on every call, and a page of rows calls it a hundred times.
def escaped_labels(choices) -> dict[str, str]:
    """Each choice's label by its value, escaped once, for label_html()."""
    return {value: escape(label) for value, label in choices}


PHASE_HTML = escaped_labels(Phase.choices)
HEALTH_HTML = escaped_labels(Health.choices)
STATUS_HTML = escaped_labels(ImplementationProject.Status.choices)


def label_html(labels: dict[str, str], value: str) -> str:
    """The value's label from one of the maps above; the value itself when it has none."""
    return labels.get(value) or escape(value)


def csrf_input(context) -> str:
    """What {% csrf_token %} writes, for a form in a row written here; nothing without a token."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # noqa: S105 (Django's marker, not a secret)
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


def health_badge(health: str) -> str:
    """What _health_badge.html writes: a project on hold or cancelled has no colour or dot."""
    label = label_html(HEALTH_HTML, health)
    if health in ("on_hold", "cancelled"):
        return f'<span class="badge health-badge health-inactive">{label}</span>'
    return (
        f'<span class="badge health-badge health-{escape(health)}">'
        f'<span class="health-dot" aria-hidden="true"></span>{label}</span>'
    )


FORECAST_PASSED = (
    '<div><span class="badge text-bg-warning" title="The forecast go-live is past and the '
    'project is not live">Forecast passed</span></div>'
)


WENT_LIVE = '<div class="small text-body-secondary">went live</div>'


def _health(p: ImplementationProject) -> str:
    cell = health_badge(p.health)
    if p.override_hides_computed:
        computed = label_html(HEALTH_HTML, p.computed_health)
        cell += (
            '<div class="small mt-1"><span class="badge text-bg-secondary" title="Set by the PM; '
            f'the facts give {computed}">Override</span> computed {computed}</div>'
        )
    return cell


def _row(p: ImplementationProject, months: tuple[str, ...]) -> str:
    name = escape(p.name)
    status = "" if p.status == "active" else f" · {label_html(STATUS_HTML, p.status)}"
    percent = int(p.progress_percent)
    if p.actual_go_live:
        # Live: the day it went live, not a forecast (nor the forecast's slip).
        go_live = f"{short_date(p.actual_go_live, months=months)}{WENT_LIVE}"
    else:
        go_live = short_date(p.forecast_go_live, months=months) or "—"
        if p.forecast_passed:
            go_live += FORECAST_PASSED
        slip = p.slip_days
        if slip and slip > 0:
            go_live += f'<div class="small text-danger">+{slip} days</div>'
    return (
        f'<tr><td><a href="{pk_url("projects:detail", p.pk)}" class="fw-semibold">{name}</a>'
        f'<div class="small text-body-secondary">{escape(p.client.name)}{status}</div></td>'
        f"<td>{label_html(PHASE_HTML, p.phase)}</td>"
        f"<td>{_health(p)}</td>"
        '<td><div class="d-flex align-items-center gap-2"><div class="progress flex-grow-1" '
        f'role="progressbar" aria-label="Progress of {name}" aria-valuenow="{percent}" '
        'aria-valuemin="0" aria-valuemax="100" style="height: .9rem">'
        f'<div class="progress-bar bg-golive" style="width: {percent}%"></div></div>'
        f'<span class="small text-nowrap progress-value" aria-hidden="true">{percent}%</span>'
        "</div></td>"
        f"<td>{go_live}</td>"
        f"<td>{escape(person(p.pm, 'Unassigned'))}</td></tr>"
    )


@register.simple_tag
def project_rows(projects, empty_text: str = "") -> SafeString:
    """A table row per project (read by selectors.project_rows), or one saying there are none."""
    months = month_abbreviations()
    rows = [_row(p, months) for p in projects]
    if not rows:
        rows = [
            '<tr><td colspan="6" class="text-body-secondary">'
            f"{escape(empty_text or 'No projects.')}</td></tr>"
        ]
    # Safe: every text above went through escape(); the rest is fixed markup and numbers.
    return mark_safe("\n".join(rows))  # noqa: S308  # nosec B308 B703


# The sales rep's home: an account's projects, the account's cell spanning them.

ACCOUNT_STATUS_HTML = escaped_labels(Client.AccountStatus.choices)
SEGMENT_HTML = escaped_labels(Client.Segment.choices)


def _account_cell(client: Client) -> str:
    products = "".join(
        f'<span class="badge text-bg-light border me-1">{escape(product.name)}</span>'
        for product in client.products.all()
    )
    return (
        f'<a href="{pk_url("projects:account_status", client.pk)}" class="fw-semibold">'
        f"{escape(client.name)}</a>"
        '<div class="small text-body-secondary">'
        f"{label_html(ACCOUNT_STATUS_HTML, client.account_status)} · {escape(client.industry)}"
        f" · {label_html(SEGMENT_HTML, client.segment)}</div>"
        f"<div>{products}</div>"
    )


def _account_project_cells(p: ImplementationProject, months: tuple[str, ...]) -> str:
    reasons = p.health_reasons or []
    title = "; ".join(f"{capfirst(r['dimension'])}: {r['text']}" for r in reasons)
    worrying = "".join(
        f"<li>{escape(r['text'])}</li>" for r in reasons if r["level"] in ("red", "amber")
    )
    if p.actual_go_live:
        go_live = f"Live since {short_date(p.actual_go_live, months=months)}"
    else:
        go_live = short_date(p.forecast_go_live, months=months) or "—"
    return (
        f"<td>{escape(p.name)}</td>"
        f'<td><span title="{escape(title)}">{health_badge(p.health)}</span>'
        f'<ul class="list-unstyled small text-body-secondary mb-0 mt-1">{worrying}</ul></td>'
        f"<td>{label_html(PHASE_HTML, p.phase)}</td>"
        f'<td class="text-nowrap">{go_live}</td>'
        f'<td class="text-nowrap">{short_date(p.baseline_go_live, months=months) or "—"}</td>'
    )


def _account_body(client: Client, months: tuple[str, ...]) -> str:
    cell = _account_cell(client)
    projects = client.account_projects
    if not projects:
        return (
            f'<tbody class="border-top"><tr><th scope="row" class="fw-normal">{cell}</th>'
            '<td colspan="5" class="text-body-secondary">No project yet.</td></tr></tbody>'
        )
    rows = [
        f'<tr><th scope="rowgroup" rowspan="{len(projects)}" class="fw-normal align-top">'
        f"{cell}</th>{_account_project_cells(projects[0], months)}</tr>"
    ]
    rows += [f"<tr>{_account_project_cells(p, months)}</tr>" for p in projects[1:]]
    return f'<tbody class="border-top">{"".join(rows)}</tbody>'


@register.simple_tag
def sales_account_rows(accounts) -> SafeString:
    """A table body per account (read by selectors.sales_rep_accounts), or one saying none."""
    months = month_abbreviations()
    bodies = [_account_body(client, months) for client in accounts]
    if not bodies:
        bodies = [
            '<tbody><tr><td colspan="6" class="text-body-secondary">'
            "No accounts are assigned to you yet.</td></tr></tbody>"
        ]
    # Safe: every text above went through escape(); the rest is fixed markup and numbers.
    return mark_safe("\n".join(bodies))  # noqa: S308  # nosec B308 B703
