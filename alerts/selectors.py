"""Reads of alerts that pages, the navigation and the project page share."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Case, Count, IntegerField, Value, When, Window

from alerts.models import Alert, AlertNotification
from clients import roles
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


# `Alert.objects.unresolved().concerning(user).count()`, written out: the navigation shows it
# on every page, and building that union through the ORM cost more than running it. The last
# branch, alerts at the managers' rung, is switched on by a parameter. The tests check that
# this counts the rows the alerts page shows by default.
ALERT_COUNT_SQL = """
SELECT COUNT(*) FROM alerts_alert WHERE status IN (%s, %s) AND id IN (
    SELECT id FROM alerts_alert WHERE owner_id = %s
    UNION SELECT alert_id FROM alerts_alertnotification WHERE recipient_id = %s
    UNION SELECT a.id FROM alerts_alert a
        JOIN projects_implementationproject p ON p.id = a.project_id WHERE p.pm_id = %s
    UNION SELECT id FROM alerts_alert WHERE level = %s AND %s
)
"""


def alert_count(user) -> int:
    """What the alerts page lists by default ("Mine", open or acknowledged): the same set, so
    the number in the navigation is the number of rows the link opens on."""
    params = [Alert.Status.OPEN.value, Alert.Status.ACKNOWLEDGED.value, user.pk, user.pk, user.pk]
    params += [Alert.Level.MANAGER.value, roles.is_manager(user)]
    with connection.cursor() as cursor:
        cursor.execute(ALERT_COUNT_SQL, params)
        return cursor.fetchone()[0]


def scope_from(value: str | None) -> str:
    return value if value in SCOPES else DEFAULT_SCOPE


def alert_list(user, scope: str):
    """The alerts list for one scope tab, with what each row shows and whether the user may act."""
    alerts = Alert.objects.visible_to(user)
    if scope == "mine":
        alerts = alerts.concerning(user)
    elif scope == "projects":
        alerts = alerts.on_projects_of(user)
    # What a row shows: not the task, milestone, risk or issue, whose joins would also keep
    # PostgreSQL from starting at the few alerts of the scope (join_collapse_limit).
    return (
        alerts.select_related("project", "project__client", "owner")
        .only(*ALERT_ROW_FIELDS)
        .with_can_act(user)
        .order_by("-first_seen_at", "-pk")
    )


# The columns a row of the alerts list shows, and nothing else of the alert or its relations.
ALERT_ROW_FIELDS = (
    "kind",
    "subject",
    "detail",
    "level",
    "status",
    "first_seen_at",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "project__name",
    "project__pm",  # who an alert without an owner goes to
    "project__client__name",
)


def alert_for_detail(user):
    """The queryset the detail page picks its alert from."""
    # Not the task, milestone, risk or issue it is about: at most one of them is set, and read
    # on its own (one query) it spares PostgreSQL planning a join of twelve tables, which took
    # 20 ms, forty times the time of running it.
    return (
        Alert.objects.visible_to(user)
        .with_can_act(user)
        .select_related("project__client", "project__pm", "owner", "acknowledged_by", "resolved_by")
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
    """The project's unresolved alerts (at most `limit`) and how many there are, in one query.

    The total is a window over the same rows, counted before the LIMIT.
    """
    alerts = list(
        Alert.objects.filter(project=project)
        .live()
        .unresolved()
        .select_related("owner")
        .annotate(status_rank=STATUS_RANK, total=Window(Count("pk")))
        .order_by("status_rank", "-level", "-first_seen_at", "-pk")[:limit]
    )
    return alerts, alerts[0].total if alerts else 0
