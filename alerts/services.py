"""Every write on alerts: the escalation sweep, and people acknowledging and resolving alerts.

The sweep works in sets: a fixed number of queries however many tasks and projects there are.
Two sweeps running at once cannot duplicate anything: the database allows one live alert per
condition, one notification per alert, rung and person, and one email per dedup key.
"""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Value, When
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, AlertNotification
from alerts.sweep import Condition, find_conditions
from clients.roles import Role
from outbox.models import OutgoingEmail
from outbox.services import emails_enqueue

EMAIL_KIND = "alert"
EMAIL_TEMPLATE = "alerts/email/alert"


@dataclass
class SweepResult:
    found: int = 0
    opened: int = 0
    cleared: int = 0
    escalated: int = 0
    notified: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class _Notice:
    """Tell one rung of the ladder about one alert."""

    alert_id: int
    level: int
    condition: Condition
    escalated: bool


def _escalate_after() -> timedelta:
    return timedelta(hours=settings.GOLIVE_ESCALATIONS["ESCALATE_AFTER_HOURS"])


def _start_level(condition: Condition) -> int:
    """The owner first; if there is none, or the owner is the PM, the PM; else the managers."""
    if condition.owner_id and condition.owner_id != condition.pm_id:
        return Alert.Level.OWNER
    if condition.pm_id:
        return Alert.Level.PM
    return Alert.Level.MANAGER


def _next_level(level: int, condition: Condition) -> int:
    """The next rung that has somebody on it; a project without a PM goes to the managers."""
    if level < Alert.Level.PM and condition.pm_id:
        return Alert.Level.PM
    return Alert.Level.MANAGER


def _next_escalation(level: int, now: datetime) -> datetime | None:
    return now + _escalate_after() if level < Alert.Level.MANAGER else None


def _new_alert(condition: Condition, now: datetime) -> Alert:
    level = _start_level(condition)
    return Alert(
        kind=condition.kind,
        object_key=condition.object_key,
        project_id=condition.project_id,
        subject=condition.subject,
        owner_id=condition.owner_id,
        level=level,
        status=Alert.Status.OPEN,
        detail=condition.detail,
        first_seen_at=now,
        last_seen_at=now,
        next_escalation_at=_next_escalation(level, now),
        **condition.object_fields(),
    )


@transaction.atomic
def alerts_sweep(*, now: datetime | None = None) -> SweepResult:
    """Open an alert for each new condition, keep the lasting ones up to date, clear the gone
    ones, move unacknowledged alerts up the ladder, and tell each rung once."""
    now = now or timezone.now()
    conditions = {condition.key: condition for condition in find_conditions(now)}
    # Locking the live alerts makes a second sweep, or someone acknowledging, wait for this
    # one, so an alert is never escalated twice or escalated after it was acknowledged.
    live = {
        (alert.kind, alert.object_key): alert
        for alert in Alert.objects.live().select_for_update().order_by("pk")
    }
    result = SweepResult(found=len(conditions))
    notices: list[_Notice] = []

    new_keys = conditions.keys() - live.keys()
    if new_keys:
        # A sweep running at the same time may have opened some of these already: the partial
        # unique constraint skips them, and only the rows written by this sweep come back.
        Alert.objects.bulk_create(
            [_new_alert(conditions[key], now) for key in new_keys], ignore_conflicts=True
        )
        opened = Alert.objects.live().filter(first_seen_at=now, status=Alert.Status.OPEN)
        for alert in opened.only("pk", "kind", "object_key", "level"):
            condition = conditions.get((alert.kind, alert.object_key))
            if condition is not None:
                result.opened += 1
                notices.append(_Notice(alert.pk, alert.level, condition, escalated=False))

    lasting = [alert for key, alert in live.items() if key in conditions]
    changed = []
    for alert in lasting:
        condition = conditions[(alert.kind, alert.object_key)]
        before = (alert.detail, alert.subject, alert.owner_id)
        alert.detail = condition.detail
        alert.subject = condition.subject
        alert.owner_id = condition.owner_id
        due = alert.next_escalation_at is not None and alert.next_escalation_at <= now
        if alert.status == Alert.Status.OPEN and due and alert.level < Alert.Level.MANAGER:
            alert.level = _next_level(alert.level, condition)
            alert.next_escalation_at = _next_escalation(alert.level, now)
            result.escalated += 1
            notices.append(_Notice(alert.pk, alert.level, condition, escalated=True))
            changed.append(alert)
        elif (alert.detail, alert.subject, alert.owner_id) != before:
            changed.append(alert)
    if changed:
        Alert.objects.bulk_update(
            changed, ["detail", "subject", "owner", "level", "next_escalation_at"]
        )

    gone = [alert.pk for key, alert in live.items() if key not in conditions]
    if gone:
        result.cleared = Alert.objects.filter(pk__in=gone).update(
            cleared_at=now,
            next_escalation_at=None,
            # A resolved alert stays resolved; anything else is closed by the condition clearing.
            status=Case(
                When(status=Alert.Status.RESOLVED, then=Value(Alert.Status.RESOLVED)),
                default=Value(Alert.Status.CLEARED),
            ),
        )
    # What is live now is what the sweep has just seen, so no list of ids is needed.
    Alert.objects.live().exclude(last_seen_at=now).update(last_seen_at=now)

    result.notified = _notify(notices, now)
    return result


def _recipients(notices: list[_Notice]) -> tuple[dict[int, User], list[User]]:
    """Owners and PMs by id, and the implementation managers: two queries at most."""
    ids = set()
    for notice in notices:
        if notice.level == Alert.Level.OWNER:
            ids.add(notice.condition.owner_id)
        elif notice.level == Alert.Level.PM:
            ids.add(notice.condition.pm_id)
    people = User.objects.filter(is_active=True).only(
        "pk", "username", "first_name", "last_name", "email"
    )
    by_id = people.in_bulk(ids) if ids else {}
    managers: list[User] = []
    if any(notice.level == Alert.Level.MANAGER for notice in notices):
        managers = list(people.filter(groups__name=Role.MANAGER).order_by("pk"))
    return by_id, managers


def _notify(notices: list[_Notice], now: datetime) -> int:
    """Record who was told about what, and queue one email each."""
    if not notices:
        return 0
    by_id, managers = _recipients(notices)
    pairs: list[tuple[_Notice, User]] = []
    for notice in notices:
        if notice.level == Alert.Level.MANAGER:
            pairs += [(notice, manager) for manager in managers]
        else:
            person_id = (
                notice.condition.owner_id
                if notice.level == Alert.Level.OWNER
                else notice.condition.pm_id
            )
            if person_id in by_id:
                pairs.append((notice, by_id[person_id]))
    messages = [_alert_email(notice, person) for notice, person in pairs if person.email]
    email_ids = emails_queue_bulk(messages=messages, now=now)
    AlertNotification.objects.bulk_create(
        [
            AlertNotification(
                alert_id=notice.alert_id,
                level=notice.level,
                recipient=person,
                email_id=email_ids.get(dedup_key(notice.alert_id, notice.level, person.pk)),
                created_at=now,
            )
            for notice, person in pairs
        ],
        ignore_conflicts=True,
    )
    return len(pairs)


def dedup_key(alert_id: int, level: int, user_id: int) -> str:
    return f"alert:{alert_id}:{level}:{user_id}"


@dataclass(frozen=True)
class EmailMessage:
    """What `emails_queue_bulk` stores: the same fields `outbox.services.email_queue` takes."""

    kind: str
    to: str
    subject: str
    template: str
    context: dict
    dedup_key: str
    about_id: int


def _alert_email(notice: _Notice, person: User) -> EmailMessage:
    condition = notice.condition
    kind_label = Alert.Kind(condition.kind).label
    level_label = Alert.Level(notice.level).label
    prefix = "Escalated: " if notice.escalated else ""
    return EmailMessage(
        kind=EMAIL_KIND,
        to=person.email,
        subject=f"{prefix}{kind_label}: {condition.subject} ({condition.project_name})",
        template=EMAIL_TEMPLATE,
        context={
            "recipient_name": person.get_full_name() or person.username,
            "kind_label": kind_label,
            "level_label": level_label,
            "subject": condition.subject,
            "detail": condition.detail,
            "project_name": condition.project_name,
            "escalated": notice.escalated,
            "escalate_after_hours": settings.GOLIVE_ESCALATIONS["ESCALATE_AFTER_HOURS"],
            "action_url": settings.SITE_URL + reverse("alerts:detail", args=[notice.alert_id]),
            "action_label": "Open the alert",
        },
        dedup_key=dedup_key(notice.alert_id, notice.level, person.pk),
        about_id=notice.alert_id,
    )


# Looked up once, not once per message: a first sweep may write thousands.
_template = cache(get_template)


def emails_queue_bulk(*, messages: list[EmailMessage], now: datetime) -> dict[str, int]:
    """`outbox.services.email_queue` for many messages in three queries, about alerts.

    Renders each message, stores those whose dedup key is new, and has the rows written here
    delivered after the transaction commits. Returns the email id for every dedup key, new or
    stored earlier, so callers can link to it.
    """
    if not messages:
        return {}
    about_type = ContentType.objects.get_for_model(Alert)
    rows = []
    for message in messages:
        context = {"site_url": settings.SITE_URL, **message.context}
        rows.append(
            OutgoingEmail(
                kind=message.kind,
                to_email=message.to,
                subject=message.subject[:250],
                body_text=_template(f"{message.template}.txt").render(context),
                body_html=_template(f"{message.template}.html").render(context),
                dedup_key=message.dedup_key,
                about_type=about_type,
                about_id=message.about_id,
                created_at=now,
                next_attempt_at=now,
            )
        )
    OutgoingEmail.objects.bulk_create(rows, ignore_conflicts=True)
    stored = OutgoingEmail.objects.filter(
        dedup_key__in=[message.dedup_key for message in messages]
    ).values_list("dedup_key", "pk", "created_at")
    ids: dict[str, int] = {}
    written_now: list[int] = []
    for key, pk, created_at in stored:
        ids[key] = pk
        if created_at == now:
            written_now.append(pk)
    if written_now:
        # In batches over one connection each: a first sweep may tell thousands of owners.
        transaction.on_commit(lambda: emails_enqueue(email_ids=written_now))
    return ids


def alert_acknowledge(*, alert: Alert, user: User, now: datetime | None = None) -> Alert:
    """Someone takes the alert on: it stops climbing the ladder."""
    now = now or timezone.now()
    # Conditional, so a sweep or a second click in between cannot be overwritten.
    updated = Alert.objects.filter(pk=alert.pk, status=Alert.Status.OPEN).update(
        status=Alert.Status.ACKNOWLEDGED,
        acknowledged_by=user,
        acknowledged_at=now,
        next_escalation_at=None,
    )
    if not updated:
        _raise_not_open(alert, "acknowledge")
    alert.status = Alert.Status.ACKNOWLEDGED
    alert.acknowledged_by, alert.acknowledged_at = user, now
    alert.next_escalation_at = None
    return alert


def alert_resolve(
    *, alert: Alert, user: User, note: str = "", now: datetime | None = None
) -> Alert:
    """Someone has dealt with the alert; it stays on record and tells nobody else."""
    now = now or timezone.now()
    updated = Alert.objects.filter(
        pk=alert.pk, status__in=[Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED]
    ).update(
        status=Alert.Status.RESOLVED,
        resolved_by=user,
        resolved_at=now,
        resolution_note=note,
        next_escalation_at=None,
    )
    if not updated:
        _raise_not_open(alert, "resolve")
    alert.status = Alert.Status.RESOLVED
    alert.resolved_by, alert.resolved_at, alert.resolution_note = user, now, note
    alert.next_escalation_at = None
    return alert


def _raise_not_open(alert: Alert, action: str) -> None:
    alert.refresh_from_db(fields=["status"])
    raise ValidationError(
        f"This alert is {alert.get_status_display().lower()} already, so there is nothing "
        f"to {action}."
    )
