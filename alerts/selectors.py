"""Reads of alerts that pages, the navigation and the project page share."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, IntegerField, Value, When

from alerts.models import Alert, AlertNotification
from projects.models import ImplementationProject

SCOPES = {"mine": "Mine", "projects": "My projects", "all": "All"}
DEFAULT_SCOPE = "mine"

# Unresolved first, so the newest open alert tops the project card.
STATUS_RANK = Case(
    When(status=Alert.Status.OPEN, then=Value(0)),
    When(status=Alert.Status.ACKNOWLEDGED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def open_alert_count(user) -> int:
    """Open alerts (nobody acknowledged, resolved or cleared them) that concern the user."""
    return Alert.objects.filter(status=Alert.Status.OPEN).concerning(user).count()


def scope_from(value: str | None) -> str:
    return value if value in SCOPES else DEFAULT_SCOPE


def alert_list(user, scope: str):
    """The alerts list for one scope tab, with what each row shows and whether the user may act."""
    alerts = Alert.objects.visible_to(user)
    if scope == "mine":
        alerts = alerts.mine(user)
    elif scope == "projects":
        alerts = alerts.on_projects_of(user)
    return alerts.with_related().with_can_act(user).order_by("-first_seen_at", "-pk")


def alert_for_detail(user):
    """The queryset the detail page picks its alert from."""
    return (
        Alert.objects.visible_to(user)
        .with_related()
        .with_can_act(user)
        .select_related("project__pm", "acknowledged_by", "resolved_by")
    )


def alert_notifications(alert: Alert) -> list[AlertNotification]:
    return list(alert.notifications.select_related("recipient", "email").order_by("created_at"))


@dataclass(frozen=True)
class HistoryEvent:
    at: datetime
    title: str
    text: str = ""
    by: object = None
    notification: AlertNotification | None = None


def alert_history(alert: Alert, notifications: list[AlertNotification]) -> list[HistoryEvent]:
    """What happened to the alert, oldest first: found, each person told, acted on, cleared."""
    events = [HistoryEvent(alert.first_seen_at, "Found by the escalation sweep")]
    events += [
        HistoryEvent(n.created_at, f"Told the {n.get_level_display().lower()}", notification=n)
        for n in notifications
    ]
    if alert.acknowledged_at:
        events.append(HistoryEvent(alert.acknowledged_at, "Acknowledged", by=alert.acknowledged_by))
    if alert.resolved_at:
        events.append(
            HistoryEvent(alert.resolved_at, "Resolved", alert.resolution_note, by=alert.resolved_by)
        )
    if alert.cleared_at:
        events.append(HistoryEvent(alert.cleared_at, "Cleared: the condition no longer holds"))
    return sorted(events, key=lambda event: event.at)


def project_open_alerts(project: ImplementationProject, limit: int) -> tuple[list[Alert], int]:
    """The project's unresolved alerts (at most `limit`) and how many there are; ≤ 2 queries."""
    alerts = list(
        Alert.objects.filter(project=project)
        .live()
        .unresolved()
        .select_related("owner")
        .annotate(status_rank=STATUS_RANK)
        .order_by("status_rank", "-level", "-first_seen_at", "-pk")[:limit]
    )
    if len(alerts) < limit:
        return alerts, len(alerts)
    return alerts, Alert.objects.filter(project=project).live().unresolved().count()
