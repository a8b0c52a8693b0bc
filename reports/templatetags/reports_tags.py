"""Status report helpers for templates: the project page's report card, email-safe styles, and
the rows of a report's timeline.

Usage on the project page: {% load reports_tags %}{% project_reports_card project can_edit %}
"""

from django import template
from django.utils.dateformat import format as format_date
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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


@register.filter
def health_style(level: str) -> str:
    """Inline style of a health badge: health_style:"amber"."""
    return _badge(HEALTH_COLOURS.get(level, NEUTRAL))


@register.filter
def severity_style(severity: str) -> str:
    return _badge(SEVERITY_COLOURS.get(severity, NEUTRAL))


@register.filter
def risk_style(score: int, high_score: int) -> str:
    """Red for a risk at or above the high-risk score of the health settings, grey otherwise."""
    return _badge(HEALTH_COLOURS["red"] if score >= high_score else NEUTRAL)


@register.filter
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


# What reports/_timeline.html draws for each milestone and each month, written here once per
# chart rather than by a dozen template lookups and filters per milestone: a plan has a few
# dozen, and each report draws its timeline four times (two versions, email and document).
TICK = (
    '<line x1="{x}" y1="0" x2="{x}" y2="{height}" stroke="#dee2e6"/>'
    '<text x="{text_x}" y="14" fill="#495057" font-size="10">{label}</text>'
)
BAR = (
    '<text x="4" y="{text_y}" fill="#212529">{label}</text>'
    '<rect x="{x}" y="{bar_y}" width="{width}" height="12" rx="2" fill="{colour}"/>'
)
BASELINE = (
    '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="#212529" stroke-width="2"'
    ' stroke-dasharray="3 2"/>'
)
ROW = (
    '\n  <tr style="border-top:1px solid #e9ecef;">'
    '\n    <td style="padding:4px 6px;vertical-align:top;">{name}{key}</td>'
    '\n    <td style="padding:4px 6px;text-align:right;white-space:nowrap;vertical-align:top;">'
    "{end}{state}</td>"
    "\n    {bar}"
    "\n  </tr>\n  "
)
STATES = {
    "done": '<div style="font-size:12px;color:#0f5132;">Done</div>',
    "overdue": '<div style="font-size:12px;color:#842029;">Overdue</div>',
}
EMAIL_CELL = "height:10px;line-height:10px;font-size:1px;"
EMAIL_BAR = (
    '<td style="padding:4px 6px;vertical-align:middle;">'
    '<table role="presentation" style="width:100%;border-collapse:collapse;"><tr>{cells}</tr>'
    "</table></td>"
)


@register.simple_tag
def timeline_marks(chart: dict) -> SafeString:
    """The SVG chart's month ticks, then each milestone's name, bar and baseline."""
    ticks = "".join(
        TICK.format(
            x=tick["x"],
            height=chart["height"],
            text_x=tick["text_x"],
            label=escape(format_date(tick["label"], "M y")),
        )
        for tick in chart["months"]
    )
    bars = []
    for bar in chart["bars"]:
        bars.append(
            BAR.format(
                text_y=bar["text_y"],
                label=escape(bar["label"]),
                x=bar["x"],
                bar_y=bar["bar_y"],
                width=bar["width"],
                colour=bar["colour"],
            )
        )
        if bar["baseline_x"] is not None:
            bars.append(
                BASELINE.format(x=bar["baseline_x"], y1=bar["baseline_y1"], y2=bar["baseline_y2"])
            )
    # Safe: numbers and colours of the layout, and escaped names and dates.
    return mark_safe(f"{ticks}\n  {''.join(bars)}")  # noqa: S308  # nosec B308 B703


def _email_bar(bar: dict) -> str:
    """The milestone's bar as table cells (before, bar, after), which every email client draws."""
    cells = []
    if bar["before_pct"]:
        cells.append(f'<td style="width:{bar["before_pct"]}%;{EMAIL_CELL}">&nbsp;</td>')
    cells.append(
        f'<td style="width:{bar["bar_pct"]}%;{EMAIL_CELL}background:{bar["colour"]};" '
        f'bgcolor="{bar["colour"]}">&nbsp;</td>'
    )
    if bar["after_pct"]:
        cells.append(f'<td style="width:{bar["after_pct"]}%;{EMAIL_CELL}">&nbsp;</td>')
    return EMAIL_BAR.format(cells="".join(cells))


@register.simple_tag
def timeline_rows(chart: dict, medium: str) -> SafeString:
    """The table of the timeline's milestones: name, due date and state, and in an email the
    bar drawn with table cells."""
    rows = (
        ROW.format(
            name=escape(bar["name"]),
            key=" <strong>(key)</strong>" if bar["is_key"] else "",
            end=escape(format_date(bar["end"], "j M Y")),
            state=STATES["done"] if bar["done"] else STATES["overdue"] if bar["overdue"] else "",
            bar=_email_bar(bar) if medium == "email" else "",
        )
        for bar in chart["bars"]
    )
    # Safe: escaped names and dates, and numbers and colours of the layout.
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


@register.simple_tag
def report_task_rows(tasks: list[dict], late: bool = False) -> SafeString:
    """The rows of reports/_task_table.html: each task's title, milestone, owner and due date,
    and how late it is when `late`."""
    rows = (
        TASK_ROW.format(
            title=escape(task["title"]),
            milestone=TASK_MILESTONE.format(escape(task["milestone"])) if task["milestone"] else "",
            owner=escape(task["owner"]),
            due=escape(format_date(task["due_date"], "j M")) if task["due_date"] else "—",
            late=_days_late(task["days_late"]) if late and task["days_late"] else "",
        )
        for task in tasks
    )
    # Safe: escaped titles, names and dates.
    return mark_safe("".join(rows))  # noqa: S308  # nosec B308 B703
