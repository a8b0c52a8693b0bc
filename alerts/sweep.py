"""What the escalation sweep looks for: one query per kind of condition, on active projects only.

Each finder returns plain `Condition`s (no model instances), so the sweep and the emails it
writes never go back to the database for a related row.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db.models import F, Q
from django.utils import dateformat, timezone, translation

from alerts.models import Alert
from projects.models import ImplementationProject, Issue, Milestone, Phase, Risk, Task

ACTIVE_PROJECT = {"project__status": ImplementationProject.Status.ACTIVE}
HANDED_OFF = {"project__phase": Phase.HANDED_OFF}
PROJECT_VALUES = ("project_id", "project__name", "project__pm_id", "project__pm__is_active")


@dataclass(frozen=True)
class Condition:
    """One thing that needs somebody's attention, as the sweep found it just now."""

    kind: str
    object_type: str
    object_id: int
    project_id: int
    project_name: str
    pm_id: int | None
    owner_id: int | None
    subject: str
    detail: str

    @property
    def object_key(self) -> str:
        return f"{self.object_type}:{self.object_id}"

    def object_fields(self) -> dict[str, int]:
        """The alert's foreign key to the object, e.g. {"task_id": 12}; none for a project."""
        if self.object_type == "project":
            return {}
        return {f"{self.object_type}_id": self.object_id}


def thresholds() -> dict:
    return settings.GOLIVE_ESCALATIONS


def _day(value: date) -> str:
    return _day_in_language(value, translation.get_language())


# Thousands of tasks fall due on a few hundred days, and formatting a date is slow. The
# language is part of the key: month names are translated.
@lru_cache(maxsize=4096)
def _day_in_language(value: date, language: str | None) -> str:
    return dateformat.format(value, "j M Y")


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _duration(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours < 48:
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    return _days(hours // 24)


def _active_user(row: dict, id_field: str, active_field: str) -> int | None:
    """A user id, or None when there is nobody or they can no longer log in."""
    return row[id_field] if row[id_field] and row[active_field] else None


def _condition(
    row: dict, *, kind: str, object_type: str, owner_id: int | None, subject: str, detail: str
) -> Condition:
    return Condition(
        kind=kind,
        object_type=object_type,
        object_id=row["pk"],
        project_id=row["project_id"],
        project_name=row["project__name"],
        pm_id=_active_user(row, "project__pm_id", "project__pm__is_active"),
        owner_id=owner_id,
        subject=subject[:200],
        detail=detail,
    )


def _only(queryset, ids: list[int] | None):
    """The queryset, narrowed to the given objects when a change asks about those alone."""
    return queryset if ids is None else queryset.filter(pk__in=ids)


def overdue_tasks(now: datetime, ids: list[int] | None = None) -> list[Condition]:
    today = timezone.localdate(now)
    cutoff = today - timedelta(days=thresholds()["TASK_OVERDUE_DAYS"])
    rows = _only(
        Task.objects.open()
        .filter(due_date__lt=cutoff, **ACTIVE_PROJECT)
        .exclude(**HANDED_OFF)
        .values(
            "pk",
            "title",
            "due_date",
            "owner_user_id",
            "owner_user__is_active",
            "owner_contact__name",
            *PROJECT_VALUES,
        ),
        ids,
    )
    return [
        _condition(
            row,
            kind=Alert.Kind.TASK_OVERDUE,
            object_type="task",
            owner_id=_active_user(row, "owner_user_id", "owner_user__is_active"),
            subject=row["title"],
            detail=(
                f"Task “{row['title']}”{_client_owner(row['owner_contact__name'])} was due on "
                f"{_day(row['due_date'])} and is {_days((today - row['due_date']).days)} overdue."
            ),
        )
        for row in rows
    ]


def _client_owner(contact_name: str | None) -> str:
    # A client contact owns the task but cannot be alerted: the alert goes to the PM, who
    # must know whom to chase.
    return f", owned by {contact_name} at the client," if contact_name else ""


def late_key_milestones(now: datetime, ids: list[int] | None = None) -> list[Condition]:
    """Open key milestones overdue, or slipping past their baseline by more than the threshold.

    One alert per milestone: one that is both is one condition, of the worse kind (overdue),
    whose detail says both.
    """
    today = timezone.localdate(now)
    slip_days = thresholds()["MILESTONE_SLIP_DAYS"]
    # Late at all is filtered in SQL; slipping by how much in Python, which keeps date
    # arithmetic out of the query on both SQLite and PostgreSQL.
    rows = _only(
        Milestone.objects.open()
        .filter(Q(due_date__lt=today) | Q(due_date__gt=F("baseline_date")))
        .filter(is_key=True, **ACTIVE_PROJECT)
        .exclude(**HANDED_OFF)
        .values("pk", "name", "due_date", "baseline_date", *PROJECT_VALUES),
        ids,
    )
    conditions = []
    for row in rows:
        due, baseline = row["due_date"], row["baseline_date"]
        slip = (due - baseline).days if baseline else 0
        slipping = slip > slip_days
        overdue = due < today
        if not (overdue or slipping):
            continue
        name = row["name"]
        after_baseline = f"{_days(slip)} after its baseline of {_day(baseline)}" if slipping else ""
        if overdue:
            kind = Alert.Kind.MILESTONE_OVERDUE
            detail = (
                f"Key milestone “{name}” was due on {_day(due)} and is "
                f"{_days((today - due).days)} overdue"
            )
            detail += f", {after_baseline}." if slipping else "."
        else:
            kind = Alert.Kind.MILESTONE_SLIPPING
            detail = f"Key milestone “{name}” is now due on {_day(due)}, {after_baseline}."
        pm_id = _active_user(row, "project__pm_id", "project__pm__is_active")
        conditions.append(
            _condition(
                row,
                kind=kind,
                object_type="milestone",
                owner_id=pm_id,
                subject=name,
                detail=detail,
            )
        )
    return conditions


def unmitigated_risks(now: datetime, ids: list[int] | None = None) -> list[Condition]:
    rows = _only(
        Risk.objects.filter(
            status__in=[Risk.Status.OPEN, Risk.Status.MITIGATING],
            score__gte=thresholds()["RISK_SCORE"],
            mitigation_plan="",
            **ACTIVE_PROJECT,
        )
        .exclude(**HANDED_OFF)
        .values("pk", "title", "score", "owner_id", "owner__is_active", *PROJECT_VALUES),
        ids,
    )
    return [
        _condition(
            row,
            kind=Alert.Kind.RISK_UNMITIGATED,
            object_type="risk",
            owner_id=_active_user(row, "owner_id", "owner__is_active"),
            subject=row["title"],
            detail=f"Risk “{row['title']}” scores {row['score']} and has no mitigation plan.",
        )
        for row in rows
    ]


def long_open_critical_issues(now: datetime, ids: list[int] | None = None) -> list[Condition]:
    raised_before = now - timedelta(hours=thresholds()["CRITICAL_ISSUE_HOURS"])
    rows = _only(
        Issue.objects.open()
        .critical()
        .filter(raised_at__lt=raised_before, **ACTIVE_PROJECT)
        .exclude(**HANDED_OFF)
        .values("pk", "title", "raised_at", "owner_id", "owner__is_active", *PROJECT_VALUES),
        ids,
    )
    return [
        _condition(
            row,
            kind=Alert.Kind.ISSUE_CRITICAL,
            object_type="issue",
            owner_id=_active_user(row, "owner_id", "owner__is_active"),
            subject=row["title"],
            detail=(
                f"Critical issue “{row['title']}” has been open for "
                f"{_duration(now - row['raised_at'])}."
            ),
        )
        for row in rows
    ]


def inactive_projects(now: datetime, ids: list[int] | None = None) -> list[Condition]:
    quiet_since = now - timedelta(days=thresholds()["INACTIVE_DAYS"])
    rows = _only(
        ImplementationProject.objects.in_flight()
        .filter(last_activity_at__lt=quiet_since)
        .values("pk", "name", "last_activity_at", "pm_id", "pm__is_active"),
        ids,
    )
    conditions = []
    for row in rows:
        pm_id = row["pm_id"] if row["pm_id"] and row["pm__is_active"] else None
        idle = (now - row["last_activity_at"]).days
        conditions.append(
            Condition(
                kind=Alert.Kind.PROJECT_INACTIVE,
                object_type="project",
                object_id=row["pk"],
                project_id=row["pk"],
                project_name=row["name"],
                pm_id=pm_id,
                owner_id=pm_id,
                subject=row["name"][:200],
                detail=(
                    f"Nothing has happened on “{row['name']}” for {_days(idle)} "
                    f"(last activity on {_day(timezone.localdate(row['last_activity_at']))})."
                ),
            )
        )
    return conditions


# One finder per kind of object: each object has at most one condition, so its alert is
# named by the object alone (an "object_key" such as "milestone:7").
FINDERS = {
    "task": overdue_tasks,
    "milestone": late_key_milestones,
    "risk": unmitigated_risks,
    "issue": long_open_critical_issues,
    "project": inactive_projects,
}


def find_conditions(now: datetime) -> list[Condition]:
    """Every condition that holds now: one query per kind, whatever the number of projects."""
    return [condition for finder in FINDERS.values() for condition in finder(now)]


def conditions_of(object_type: str, object_id: int, now: datetime) -> list[Condition]:
    """The condition that holds now for one object, if any: one query."""
    return FINDERS[object_type](now, ids=[object_id])
