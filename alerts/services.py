"""Every write on alerts: the escalation sweep, and people acknowledging and resolving alerts.

The sweep works in sets: a fixed number of queries however many tasks and projects there are,
and one email per person however many alerts it has for them (a digest when there are several).
Two sweeps running at once cannot duplicate anything: the database allows one live alert per
condition, one notification per alert, rung and person, and one email per dedup key.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, Model, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, AlertNotification
from alerts.signals import alerts_raised
from alerts.sweep import Condition, conditions_of, find_conditions
from clients.roles import Role
from outbox.services import Message, emails_queue_bulk

EMAIL_KIND = "alert"
EMAIL_TEMPLATE = "alerts/email/alert"
DIGEST_TEMPLATE = "alerts/email/digest"
DIGEST_MAX_ALERTS = 50


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


ALERT_COLUMNS = (
    "kind",
    "object_key",
    "project",
    "task",
    "milestone",
    "risk",
    "issue",
    "subject",
    "owner",
    "level",
    "status",
    "detail",
    "first_seen_at",
    "last_seen_at",
    "next_escalation_at",
    "resolution_note",
)


def _alerts_open(conditions: list[Condition], now: datetime) -> list[_Notice]:
    """Open an alert for each condition; return who to tell about those this sweep opened.

    A sweep running at the same time may have opened some already: the partial unique
    constraint skips them, so they are not this sweep's to tell anyone about.
    """
    seen = connection.ops.adapt_datetimefield_value(now)
    escalation_at = {
        level: connection.ops.adapt_datetimefield_value(_next_escalation(level, now))
        for level in Alert.Level
    }
    rows = []
    for condition in conditions:
        level = _start_level(condition)
        about = condition.object_fields()
        rows.append(
            (
                condition.kind,
                condition.object_key,
                condition.project_id,
                about.get("task_id"),
                about.get("milestone_id"),
                about.get("risk_id"),
                about.get("issue_id"),
                condition.subject,
                condition.owner_id,
                level,
                Alert.Status.OPEN,
                condition.detail,
                seen,
                seen,
                escalation_at[level],
                "",
            )
        )
    opened = _insert(
        Alert, ALERT_COLUMNS, rows, skip_conflicts=True, returning=("id", "object_key")
    )
    by_key = {condition.object_key: condition for condition in conditions}
    notices = []
    for alert_id, object_key in opened:
        condition = by_key[object_key]
        notices.append(_Notice(alert_id, _start_level(condition), condition, escalated=False))
    return notices


def _insert(
    model: type[Model],
    fields: Sequence[str],
    rows: list[tuple],
    *,
    skip_conflicts: bool = False,
    returning: Sequence[str] = (),
) -> list[tuple]:
    """Insert rows of plain values; with `skip_conflicts`, leave out those a unique constraint
    refuses. Returns the `returning` columns of the rows written.

    bulk_create, but it can tell which rows this transaction wrote when it skips conflicts
    (INSERT … ON CONFLICT DO NOTHING RETURNING, on PostgreSQL and SQLite), and it takes
    tuples: a first sweep writes tens of thousands of rows, and a model instance for each cost
    more than the insert. Values go to the database as given, so datetimes must have been
    through `connection.ops.adapt_datetimefield_value`.
    """
    if not rows:
        return []
    meta, quote = model._meta, connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    # Names come from the model and values go as parameters.
    insert = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608  # nosec B608
    suffix = " ON CONFLICT DO NOTHING" if skip_conflicts else ""
    if returning:
        suffix += " RETURNING " + ", ".join(
            quote(meta.get_field(name).column) for name in returning
        )
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    batch = connection.ops.bulk_batch_size([meta.get_field(name) for name in fields], rows)
    written: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            cursor.execute(
                insert + ", ".join([row_sql] * len(chunk)) + suffix,
                [value for row in chunk for value in row],
            )
            if returning:
                written += cursor.fetchall()
    return written


@transaction.atomic
def alerts_sweep(*, now: datetime | None = None) -> SweepResult:
    """Open an alert for each new condition, keep the lasting ones up to date, clear the gone
    ones, move unacknowledged alerts up the ladder, and tell each rung once."""
    now = now or timezone.now()
    conditions = {condition.object_key: condition for condition in find_conditions(now)}
    # Locking the live alerts makes a second sweep, or someone acknowledging, wait for this
    # one, so an alert is never escalated twice or escalated after it was acknowledged.
    live = {
        alert.object_key: alert for alert in Alert.objects.live().select_for_update().order_by("pk")
    }
    result = SweepResult(found=len(conditions))
    notices: list[_Notice] = []

    notices += _alerts_open(
        [condition for key, condition in conditions.items() if key not in live], now
    )
    result.opened = len(notices)
    if notices:
        alerts_raised.send(sender=Alert, alert_ids=[notice.alert_id for notice in notices])

    lasting = [alert for key, alert in live.items() if key in conditions]
    changed = []
    for alert in lasting:
        condition = conditions[alert.object_key]
        # A slipping milestone that falls overdue stays one alert, of the worse kind.
        before = (alert.kind, alert.detail, alert.subject, alert.owner_id)
        alert.kind = condition.kind
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
        elif (alert.kind, alert.detail, alert.subject, alert.owner_id) != before:
            changed.append(alert)
    if changed:
        Alert.objects.bulk_update(
            changed, ["kind", "detail", "subject", "owner", "level", "next_escalation_at"]
        )

    gone = [alert.pk for key, alert in live.items() if key not in conditions]
    if gone:
        result.cleared = _clear(Alert.objects.filter(pk__in=gone), now)
    # What is live now is what the sweep has just seen, so no list of ids is needed.
    Alert.objects.live().exclude(last_seen_at=now).update(last_seen_at=now)

    result.notified = _notify(notices, now)
    return result


def _clear(alerts: QuerySet[Alert], now: datetime) -> int:
    return alerts.update(
        cleared_at=now,
        next_escalation_at=None,
        # A resolved alert stays resolved; anything else is closed by the condition clearing.
        status=Case(
            When(status=Alert.Status.RESOLVED, then=Value(Alert.Status.RESOLVED)),
            default=Value(Alert.Status.CLEARED),
        ),
    )


def alerts_recheck(*, object_type: str, object_id: int, now: datetime | None = None) -> int:
    """Clear the live alert about one task, milestone, risk or issue if its condition no
    longer holds, as soon as someone's change made it so. Two queries; returns how many
    alerts it cleared."""
    now = now or timezone.now()
    if conditions_of(object_type, object_id, now):
        return 0
    return _clear(Alert.objects.live().filter(object_key=f"{object_type}:{object_id}"), now)


def alerts_clear_about(*, object_type: str, object_id: int, now: datetime | None = None) -> int:
    """Clear the live alert about an object that is gone: one query."""
    now = now or timezone.now()
    return _clear(Alert.objects.live().filter(object_key=f"{object_type}:{object_id}"), now)


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


NOTIFICATION_COLUMNS = ("alert", "level", "recipient", "email", "created_at")


def _notify(notices: list[_Notice], now: datetime) -> int:
    """Record who was told about what, and email each person once: the alert itself, or a
    digest of every alert this sweep has for them. Returns how many notifications it wrote."""
    if not notices:
        return 0
    by_id, managers = _recipients(notices)
    people: dict[int, User] = {}
    told: dict[int, list[_Notice]] = defaultdict(list)
    for notice in notices:
        if notice.level == Alert.Level.MANAGER:
            rung = managers
        else:
            person_id = (
                notice.condition.owner_id
                if notice.level == Alert.Level.OWNER
                else notice.condition.pm_id
            )
            rung = [by_id[person_id]] if person_id in by_id else []
        for person in rung:
            people[person.pk] = person
            told[person.pk].append(notice)

    link = _alert_link()
    emails = {
        person_id: _email(people[person_id], notices_of_person, link)
        for person_id, notices_of_person in told.items()
        if people[person_id].email
    }
    email_ids = emails_queue_bulk(messages=list(emails.values()), now=now)
    # Not skipping conflicts: the database holds one notification per alert, rung and person,
    # so should another sweep have told anyone of these already, this one fails whole, and the
    # emails above are never sent.
    created = connection.ops.adapt_datetimefield_value(now)
    rows = [
        (
            notice.alert_id,
            notice.level,
            person_id,
            email_ids[emails[person_id].dedup_key] if person_id in emails else None,
            created,
        )
        for person_id, notices_of_person in told.items()
        for notice in notices_of_person
    ]
    _insert(AlertNotification, NOTIFICATION_COLUMNS, rows)
    return len(rows)


def dedup_key(alert_id: int, level: int, user_id: int) -> str:
    return f"alert:{alert_id}:{level}:{user_id}"


def digest_dedup_key(user_id: int, notices: list[_Notice]) -> str:
    # Any one alert and rung of a digest names it: each person hears of each rung once.
    alert_id, level = min((notice.alert_id, notice.level) for notice in notices)
    return f"alert-digest:{user_id}:{alert_id}:{level}"


def _alert_link() -> Callable[[int], str]:
    """An alert's address by id. The route is reversed once, for a stand-in id: a first sweep
    links thousands of alerts, and reverse() costs more than the rest of a digest line."""
    stand_in = 987654321
    before, after = (settings.SITE_URL + reverse("alerts:detail", args=[stand_in])).rsplit(
        str(stand_in), 1
    )
    return lambda alert_id: f"{before}{alert_id}{after}"


def _email(person: User, notices: list[_Notice], link: Callable[[int], str]) -> Message:
    """What this sweep sends one person: the alert itself, or a digest of several."""
    if len(notices) == 1:
        return _alert_email(notices[0], person, link)
    return _digest_email(person, notices, link)


def _alert_email(notice: _Notice, person: User, link: Callable[[int], str]) -> Message:
    condition = notice.condition
    kind_label = Alert.Kind(condition.kind).label
    level_label = Alert.Level(notice.level).label
    prefix = "Escalated: " if notice.escalated else ""
    return Message(
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
            "action_url": link(notice.alert_id),
            "action_label": "Open the alert",
        },
        dedup_key=dedup_key(notice.alert_id, notice.level, person.pk),
        about=Alert(pk=notice.alert_id),
    )


def _digest_email(person: User, notices: list[_Notice], link: Callable[[int], str]) -> Message:
    """Every alert this sweep has for one person, by project: a PM whose forty tasks are late
    gets one email listing them, not forty emails."""
    kind_labels = dict(Alert.Kind.choices)
    level_labels = dict(Alert.Level.choices)
    projects: dict[int, dict] = {}
    escalated = sum(notice.escalated for notice in notices)
    # The first DIGEST_MAX_ALERTS, escalations first: an email of a thousand alerts is clipped
    # by mail readers and read by nobody; the alerts page lists the rest.
    listed = sorted(
        notices,
        key=lambda notice: (
            not notice.escalated,
            notice.condition.project_name.casefold(),
            notice.condition.project_id,
        ),
    )[:DIGEST_MAX_ALERTS]
    # By project name, escalations first within a project, then in the order they were found.
    for notice in sorted(
        listed,
        key=lambda notice: (
            notice.condition.project_name.casefold(),
            notice.condition.project_id,
            not notice.escalated,
        ),
    ):
        condition = notice.condition
        project = projects.setdefault(
            condition.project_id, {"name": condition.project_name, "alerts": []}
        )
        project["alerts"].append(
            {
                "kind_label": kind_labels[condition.kind],
                "subject": condition.subject,
                "detail": condition.detail,
                "url": link(notice.alert_id),
                "escalated": notice.escalated,
                "level_label": level_labels[notice.level],
            }
        )
    count = len(notices)
    project_count = len({notice.condition.project_id for notice in notices})
    one_project = notices[0].condition.project_name
    where = one_project if project_count == 1 else f"{project_count} projects"
    subject = f"{count} alerts on {where}"
    if escalated == count:
        subject = f"Escalated: {subject}"
    elif escalated:
        subject = f"{subject}, {escalated} escalated to you"
    return Message(
        kind=EMAIL_KIND,
        to=person.email,
        subject=subject,
        template=DIGEST_TEMPLATE,
        context={
            "recipient_name": person.get_full_name() or person.username,
            "count": count,
            "escalated_count": escalated,
            "project_count": project_count,
            "projects": list(projects.values()),
            "unlisted_count": count - len(listed),
            "escalate_after_hours": settings.GOLIVE_ESCALATIONS["ESCALATE_AFTER_HOURS"],
            "action_url": settings.SITE_URL + reverse("alerts:list"),
            "action_label": "Open my alerts",
        },
        dedup_key=digest_dedup_key(person.pk, notices),
    )


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
