"""Reads of meetings that pages, the project card, the calendars and reports share."""

from django.contrib.auth.models import User
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from meetings.models import ActionItem, Decision, Meeting
from projects.models import ImplementationProject


def _count(model, field: str = "meeting"):
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


def project_meetings(project: ImplementationProject) -> QuerySet[Meeting]:
    """A project's meetings, newest first, each with its action item and decision counts."""
    return (
        Meeting.objects.filter(project=project)
        .annotate(action_count=_count(ActionItem), decision_count=_count(Decision))
        .order_by("-starts_at", "-pk")
    )


def meeting_for_detail() -> QuerySet[Meeting]:
    """What the meeting page shows, read in a fixed number of queries."""
    return Meeting.objects.select_related(
        "project", "project__client", "updated_by"
    ).prefetch_related(
        Prefetch("attendee_users", queryset=User.objects.order_by("first_name", "last_name")),
        "attendee_contacts",
        Prefetch(
            "action_items",
            queryset=ActionItem.objects.select_related(
                "task", "task__owner_user", "task__owner_contact"
            ).order_by("task__due_date", "pk"),
        ),
        Prefetch("decisions", queryset=Decision.objects.order_by("decided_on", "pk")),
    )


def project_decisions(project: ImplementationProject) -> QuerySet[Decision]:
    """Every decision recorded in the project's meetings, newest first (the handoff uses them)."""
    return (
        Decision.objects.filter(meeting__project=project)
        .select_related("meeting")
        .order_by("-decided_on", "-pk")
    )


def upcoming_meetings(project: ImplementationProject, *, limit: int) -> list[Meeting]:
    return list(Meeting.objects.filter(project=project).upcoming(timezone.now())[:limit])
