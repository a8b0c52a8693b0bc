"""Who may read and change a meeting: the rules of its project, from projects.access."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from common.queries import get_or_404
from meetings.models import Meeting
from projects.access import can_edit_project


def get_meeting_for_view(request, pk: int, queryset: QuerySet[Meeting] | None = None) -> Meeting:
    base = queryset if queryset is not None else Meeting.objects.select_related("project")
    return get_or_404(base.visible_to(request.user), pk=pk)


def get_meeting_for_edit(request, pk: int, queryset: QuerySet[Meeting] | None = None) -> Meeting:
    meeting = get_meeting_for_view(request, pk, queryset)
    if not can_edit_project(request.user, meeting.project):
        raise PermissionDenied("Only this project's PM, its team and managers can change it.")
    return meeting
