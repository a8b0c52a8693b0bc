"""Status report helpers for templates: the project page's report card, and email-safe styles.

Usage on the project page: {% load reports_tags %}{% project_reports_card project can_edit %}
"""

from django import template

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
