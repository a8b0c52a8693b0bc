"""The project page's meetings card.

Usage on the project page: {% load meetings_tags %}{% project_meetings_card project can_edit %}
"""

from django import template

from meetings.selectors import project_decisions, upcoming_meetings

register = template.Library()

UPCOMING_LIMIT = 3
DECISION_LIMIT = 5


@register.inclusion_tag("meetings/_project_meetings_card.html", takes_context=True)
def project_meetings_card(context, project, can_edit: bool) -> dict:
    """Upcoming meetings and the latest decisions of one project, in two queries."""
    return {
        "project": project,
        "can_edit": can_edit,
        "upcoming": upcoming_meetings(project, limit=UPCOMING_LIMIT),
        "decisions": list(project_decisions(project)[:DECISION_LIMIT]),
        "request": context.get("request"),
    }
