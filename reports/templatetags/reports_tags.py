"""Status report helpers: the project page's report card (a template tag), and for the report
itself, drawn by Jinja2 (reports/jinja2/reports/, common/jinja2env.py), its email-safe styles
and the rows of its timeline and task tables.

Usage on the project page: {% load reports_tags %}{% project_reports_card project can_edit %}
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from common.dates import month_abbreviations, short_date
from projects.timeline import Row, Timeline
from reports import gantt
from reports.selectors import report_card

register = template.Library()

# Inline styles, because email clients ignore style sheets; the colours match golive.css.
BADGE = "display:inline-block;padding:2px 8px;border-radius:10px;font-size:12px;font-weight:600;"
HEALTH_COLOURS = {
    "green": ("#d1f0dc", "#0f5132"),
    "amber": ("#fff1c2", "#6b4a00"),
    "red": ("#f8d7da", "#842029"),
}
SEVERITY_COLOURS = {
    "critical": ("#f8d7da", "#842029"),
    "high": ("#ffe5d0", "#7a3200"),
    "medium": ("#fff1c2", "#6b4a00"),
    "low": ("#e9ecef", "#343a40"),
}
NEUTRAL = ("#e9ecef", "#343a40")


def _badge(colours: tuple[str, str]) -> str:
    background, colour = colours
    return f"{BADGE}background:{background};color:{colour};"


def health_style(level: str) -> str:
    """Inline style of a health badge: health_style:"amber"."""
    return _badge(HEALTH_COLOURS.get(level, NEUTRAL))


def severity_style(severity: str) -> str:
    return _badge(SEVERITY_COLOURS.get(severity, NEUTRAL))


def risk_style(score: int, high_score: int) -> str:
    """Red for a risk at or above the high-risk score of the health settings, grey otherwise."""
    return _badge(HEALTH_COLOURS["red"] if score >= high_score else NEUTRAL)


def bar_width(percent) -> int:
    """A percentage clamped to 0–100, for drawing a bar (the text says the real number)."""
    return max(0, min(int(percent or 0), 100))


@register.inclusion_tag("reports/_project_reports_card.html", takes_context=True)
def project_reports_card(context, project, can_edit: bool) -> dict:
    """Last report, next due date and the report actions of one project, in two queries."""
    return {
        "project": project,
        "can_edit": can_edit,
        "card": report_card(project),
        "csrf_token": context.get("csrf_token"),
    }


# The rows of the table of reports/jinja2/reports/_timeline.html, written here once per chart
# rather than by a dozen template lookups and filters per milestone: a plan has a few dozen, and
# each report draws its timeline four times (two versions, email and document). The chart itself
# is drawn by the project timeline's tags (projects/templatetags/timeline_chart.py).
ROW = (
    '\n  <tr style="border-top:1px solid #e9ecef;">'
    '\n    <th scope="row" style="padding:4px 6px;text-align:left;font-weight:400;'
    'vertical-align:top;">{name}{key}{states}</th>'
    '\n    <td style="padding:4px 6px;text-align:right;white-space:nowrap;vertical-align:top;">'
    "{finish}</td>"
    # The variance may wrap under its date: on a phone the table is wider than the screen.
    '\n    <td style="padding:4px 6px;text-align:right;vertical-align:top;">'
    '<span style="white-space:nowrap;">{baseline}</span>{variance}</td>'
    "\n    {bar}"
    "\n  </tr>\n  "
)
# What the chart says in colour, in words (and in the colours of its marks).
STATES = (
    ("done", "Done", "#0f5132"),
    ("critical", "Critical path", "#8a3c00"),
    ("overdue", "Overdue", "#842029"),
)
STATE = '<span style="color:{};font-weight:600;">{}</span>'
SMALL = '<div style="font-size:12px;">{}</div>'
# The email's bar colours: the chart's (projects/templatetags/timeline_chart.py), its stripes
# and dashes, which table cells cannot draw, in plain colours.
DONE, OVERDUE, CRITICAL, PLANNED = "#adb5bd", "#b02a37", "#b8570f", "#5b8bd0"
EMAIL_CELL = "height:10px;line-height:10px;font-size:1px;"
EMAIL_BAR = (
    '<td style="padding:4px 6px;vertical-align:middle;">'
    '<table role="presentation" style="width:100%;border-collapse:collapse;"><tr>{cells}</tr>'
    "</table></td>"
)


def variance_words(days: int | None) -> str:
    """A milestone's variance against its baseline, in words."""
    if days is None:
        return ""
    if days == 0:
        return "on baseline"
    plural = "" if abs(days) == 1 else "s"
    return f"{abs(days)} business day{plural} {'behind' if days > 0 else 'ahead'}"


def _email_bar(row: Row, chart: Timeline) -> str:
    """The milestone's bar as table cells (before, bar, after), which every email client draws."""
    if not row.has_bar:
        return EMAIL_BAR.format(cells=f'<td style="{EMAIL_CELL}">&nbsp;</td>')
    before, width, after = gantt.email_cells(row, chart)
    colour = DONE if row.done else OVERDUE if row.overdue else CRITICAL if row.critical else PLANNED
    cells = []
    if before:
        cells.append(f'<td style="width:{before}%;{EMAIL_CELL}">&nbsp;</td>')
    cells.append(
        f'<td style="width:{width}%;{EMAIL_CELL}background:{colour};" '
        f'bgcolor="{colour}">&nbsp;</td>'
    )
    if after:
        cells.append(f'<td style="width:{after}%;{EMAIL_CELL}">&nbsp;</td>')
    return EMAIL_BAR.format(cells="".join(cells))


def timeline_rows(chart: Timeline, medium: str) -> SafeString:
    """The table of the timeline's milestones: name and state (done, on the critical path,
    overdue), due date, baseline and variance, and in an email the bar drawn with table cells."""
    rows = []
    months = month_abbreviations()
    for row in chart.rows:
        states = " · ".join(
            STATE.format(colour, words) for name, words, colour in STATES if getattr(row, name)
        )
        variance = variance_words(row.variance)
        rows.append(
            ROW.format(
                name=escape(row.full_label),
                key=" <strong>(key)</strong>" if row.is_key else "",
                states=SMALL.format(states) if states else "",
                finish=escape(short_date(row.finish, months=months)) if row.finish else "no date",
                baseline=escape(short_date(row.baseline, months=months)) if row.baseline else "—",
                variance=SMALL.format(escape(variance)) if variance else "",
                bar=_email_bar(row, chart) if medium == "email" else "",
            )
        )
    # Safe: escaped names and dates, fixed words, and numbers and colours of the layout.
    return mark_safe("".join(rows))  # noqa: S308  # nosec B308 B703


TASK_ROW = (
    '\n  <tr style="border-top:1px solid #e9ecef;">'
    '\n    <td style="vertical-align:top;padding:6px;">{title}{milestone}</td>'
    '\n    <td style="vertical-align:top;padding:6px;">{owner}</td>'
    '\n    <td style="vertical-align:top;text-align:right;padding:6px;white-space:nowrap;">'
    "{due}{late}</td>"
    "\n  </tr>\n  "
)
TASK_MILESTONE = '<div style="font-size:13px;color:#5c636a;">{}</div>'


def _days_late(days: int) -> str:
    return (
        f'<div style="font-size:13px;color:#842029;">{days} day{"" if days == 1 else "s"} late'
        "</div>"
    )


def report_task_rows(tasks: list[dict], late: bool = False) -> SafeString:
    """The rows of reports/jinja2/reports/_task_table.html: each task's title, milestone, owner
    and due date, and how late it is when `late`."""
    months = month_abbreviations()
    rows = (
        TASK_ROW.format(
            title=escape(task["title"]),
            milestone=TASK_MILESTONE.format(escape(task["milestone"])) if task["milestone"] else "",
            owner=escape(task["owner"]),
            due=escape(short_date(task["due_date"], False, months)) if task["due_date"] else "—",
            late=_days_late(task["days_late"]) if late and task["days_late"] else "",
        )
        for task in tasks
    )
    # Safe: escaped titles, names and dates.
    return mark_safe("".join(rows))  # noqa: S308  # nosec B308 B703
