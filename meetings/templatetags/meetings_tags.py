"""The project page's meetings card, and the link from a task back to the meeting it came from.

Usage on the project page: {% load meetings_tags %}{% project_meetings_card project can_edit %}
and on a task's page {% task_meeting_link task %}.
"""

from django import template
from django.core.exceptions import ObjectDoesNotExist

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


@register.inclusion_tag("meetings/_task_meeting_link.html")
def task_meeting_link(task) -> dict:
    """The "From meeting: …" link on the page of a task an action item became.

    Reads the link from the task as selected with it (select_related("meeting_action__meeting"))
    so that it costs no query. Whoever reads a task reads its project, and a meeting is read by
    whoever reads its project (Meeting.objects.visible_to): the link is shown only when the
    meeting is of the task's project, so it never opens onto a meeting the reader may not see.
    """
    try:
        meeting = task.meeting_action.meeting
    except ObjectDoesNotExist:
        meeting = None
    if meeting is not None and meeting.project_id != task.project_id:
        meeting = None
    return {"meeting": meeting}
