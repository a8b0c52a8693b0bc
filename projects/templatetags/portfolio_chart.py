"""The portfolio timeline's rows, each written once here rather than by template tags per row.

A page shows 25 projects, each a row of the chart and a row of the table beside it: a dozen
template lookups and filters per row were most of the page's time.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from common.dates import month_abbreviations, short_date
from projects.templatetags.golive import pk_url
from projects.templatetags.project_rows import HEALTH_HTML, PHASE_HTML, label_html
from projects.timeline import Portfolio

register = template.Library()

STRIPE = '<rect x="0" y="{y}" width="{width:.0f}" height="26" fill="#f6f7f9"/>'


@register.simple_tag
def portfolio_stripes(portfolio: Portfolio) -> SafeString:
    """A light band behind every second row of the chart."""
    stripes = (STRIPE.format(y=row.y, width=portfolio.width) for row in portfolio.rows[1::2])
    # Safe: numbers of the layout only.
    return mark_safe("".join(stripes))  # noqa: S308  # nosec B308 B703


def _health_markers(project) -> str:
    """What projects/_health_markers.html writes beside a project's health."""
    parts = []
    if project.override_hides_computed:
        computed = label_html(HEALTH_HTML, project.computed_health)
        parts.append(
            ' <span class="badge text-bg-secondary" title="Set by the PM; the facts give '
            f'{computed}">Override</span> <span class="small">computed {computed}</span>'
        )
    if project.forecast_passed:
        parts.append(
            ' <span class="badge text-bg-warning" title="The forecast go-live is past and the '
            'project is not live">Forecast passed</span>'
        )
    return "".join(parts)


@register.simple_tag
def portfolio_chart_rows(portfolio: Portfolio) -> SafeString:
    """Each project's group of the chart: what it is in words, its name, its bars, its go-live.

    The name is plain text: a picture with role="img" holds no links; the table links each
    project.
    """
    months = month_abbreviations()
    groups = []
    for row in portfolio.rows:
        project = row.project
        about = (
            f"{escape(project.client.name)}: {escape(project.name)}, "
            f"{label_html(PHASE_HTML, project.phase)}, "
            f"health {label_html(HEALTH_HTML, project.health)}"
        )
        if row.go_live:
            about += f", go-live {short_date(row.go_live, months=months)}"
            if not row.go_live_is_actual:
                about += " (forecast)"
        diamond = ""
        if row.diamond:
            fill = "#198754" if row.go_live_is_actual else "#212529"
            diamond = f'<polygon points="{row.diamond}" fill="{fill}"/>'
        groups.append(
            f"<g><title>{about}</title>"
            f'<text x="6" y="{row.label_y}" fill="#212529">{escape(row.label)}</text>'
            f"{row.bars_svg}{diamond}</g>"
        )
    # Safe: every text above went through escape(); numbers and colours are the layout's own.
    return mark_safe("\n".join(groups))  # noqa: S308  # nosec B308 B703


@register.simple_tag
def portfolio_table_rows(portfolio: Portfolio) -> SafeString:
    """The chart's rows as the table that says the same in words, each project linked."""
    months = month_abbreviations()
    rows = []
    for row in portfolio.rows:
        project = row.project
        pm = project.pm
        pm_name = escape(pm.get_full_name() or pm.username) if pm else "—"
        url = pk_url("projects:detail", project.pk)
        go_live = short_date(row.go_live, months=months) or "not set"
        if row.go_live and not row.go_live_is_actual:
            go_live += " (forecast)"
        rows.append(
            f'<tr><th scope="row" class="fw-normal"><a href="{url}">'
            f"{escape(project.client.name)}: {escape(project.name)}</a></th>"
            f"<td>{pm_name}</td>"
            f"<td>{label_html(HEALTH_HTML, project.health)}{_health_markers(project)}</td>"
            f"<td>{escape(row.phases_text)}</td><td>{go_live}</td></tr>"
        )
    # Safe: every text above went through escape(); the link is a reversed URL with an int pk.
    return mark_safe("\n".join(rows))  # noqa: S308  # nosec B308 B703
