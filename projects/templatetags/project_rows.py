"""The rows of projects/_project_table.html, each written once here.

A page of 25 projects cost the template engine about thirty lookups, tags and filters per row,
more than the rest of the list page together; written here, a row costs a few string joins.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from common.dates import month_abbreviations, short_date
from projects.models import Health, ImplementationProject, Phase
from projects.templatetags.golive import person, pk_url

register = template.Library()

# Each choice's label by its value, escaped once: get_FOO_display() makes a dict of the
# field's choices on every call, and a page of rows calls it a hundred times.
PHASE_HTML = {value: escape(label) for value, label in Phase.choices}
HEALTH_HTML = {value: escape(label) for value, label in Health.choices}
STATUS_HTML = {value: escape(label) for value, label in ImplementationProject.Status.choices}


def label_html(labels: dict[str, str], value: str) -> str:
    """The value's label from one of the maps above; the value itself when it has none."""
    return labels.get(value) or escape(value)


FORECAST_PASSED = (
    '<div><span class="badge text-bg-warning" title="The forecast go-live is past and the '
    'project is not live">Forecast passed</span></div>'
)


def _health(p: ImplementationProject) -> str:
    label = label_html(HEALTH_HTML, p.health)
    if p.health in ("on_hold", "cancelled"):
        cell = f'<span class="badge health-badge health-inactive">{label}</span>'
    else:
        cell = (
            f'<span class="badge health-badge health-{escape(p.health)}">'
            f'<span class="health-dot" aria-hidden="true"></span>{label}</span>'
        )
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
