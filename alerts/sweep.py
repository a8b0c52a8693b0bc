"""What the escalation sweep looks for: one query per kind of condition, on active projects only.

Each finder returns plain `Condition`s (no model instances), so the sweep and the emails it
writes never go back to the database for a related row.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db.models import F
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

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.object_key)

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


def overdue_tasks(now: datetime) -> list[Condition]:
    today = timezone.localdate(now)
    cutoff = today - timedelta(days=thresholds()["TASK_OVERDUE_DAYS"])
    rows = (
        Task.objects.open()
        .filter(due_date__lt=cutoff, **ACTIVE_PROJECT)
        .exclude(**HANDED_OFF)
        .values(
            "pk", "title", "due_date", "owner_user_id", "owner_user__is_active", *PROJECT_VALUES
        )
    )
    return [
        _condition(
            row,
            kind=Alert.Kind.TASK_OVERDUE,
            object_type="task",
            owner_id=_active_user(row, "owner_user_id", "owner_user__is_active"),
            subject=row["title"],
            detail=(
                f"Task “{row['title']}” was due on {_day(row['due_date'])} and is "
                f"{_days((today - row['due_date']).days)} overdue."
            ),
        )
        for row in rows
    ]


def _key_milestones():
    return (
        Milestone.objects.open()
        .filter(is_key=True, **ACTIVE_PROJECT)
        .exclude(**HANDED_OFF)
        .values("pk", "name", "due_date", "baseline_date", *PROJECT_VALUES)
    )


def overdue_key_milestones(now: datetime) -> list[Condition]:
    today = timezone.localdate(now)
    rows = _key_milestones().filter(due_date__lt=today)
    conditions = []
    for row in rows:
        pm_id = _active_user(row, "project__pm_id", "project__pm__is_active")
        conditions.append(
            _condition(
                row,
                kind=Alert.Kind.MILESTONE_OVERDUE,
                object_type="milestone",
                owner_id=pm_id,
                subject=row["name"],
                detail=(
                    f"Key milestone “{row['name']}” was due on {_day(row['due_date'])} and is "
                    f"{_days((today - row['due_date']).days)} overdue."
                ),
            )
        )
    return conditions


def slipping_key_milestones(now: datetime) -> list[Condition]:
    slip_days = thresholds()["MILESTONE_SLIP_DAYS"]
    # Slipping at all is filtered in SQL; by how much in Python, which keeps date arithmetic
    # out of the query on both SQLite and PostgreSQL.
    rows = _key_milestones().filter(due_date__gt=F("baseline_date"))
    conditions = []
    for row in rows:
        slip = (row["due_date"] - row["baseline_date"]).days
        if slip <= slip_days:
            continue
        pm_id = _active_user(row, "project__pm_id", "project__pm__is_active")
        conditions.append(
            _condition(
                row,
                kind=Alert.Kind.MILESTONE_SLIPPING,
                object_type="milestone",
                owner_id=pm_id,
                subject=row["name"],
                detail=(
                    f"Key milestone “{row['name']}” is now due on {_day(row['due_date'])}, "
                    f"{_days(slip)} after its baseline of {_day(row['baseline_date'])}."
                ),
            )
        )
    return conditions


def unmitigated_risks(now: datetime) -> list[Condition]:
    rows = (
        Risk.objects.filter(
            status__in=[Risk.Status.OPEN, Risk.Status.MITIGATING],
            score__gte=thresholds()["RISK_SCORE"],
            mitigation_plan="",
            **ACTIVE_PROJECT,
        )
        .exclude(**HANDED_OFF)
        .values("pk", "title", "score", "owner_id", "owner__is_active", *PROJECT_VALUES)
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


def long_open_critical_issues(now: datetime) -> list[Condition]:
    raised_before = now - timedelta(hours=thresholds()["CRITICAL_ISSUE_HOURS"])
    rows = (
        Issue.objects.open()
        .critical()
        .filter(raised_at__lt=raised_before, **ACTIVE_PROJECT)
        .exclude(**HANDED_OFF)
        .values("pk", "title", "raised_at", "owner_id", "owner__is_active", *PROJECT_VALUES)
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


def inactive_projects(now: datetime) -> list[Condition]:
    quiet_since = now - timedelta(days=thresholds()["INACTIVE_DAYS"])
    rows = (
        ImplementationProject.objects.in_flight()
        .filter(last_activity_at__lt=quiet_since)
        .values("pk", "name", "last_activity_at", "pm_id", "pm__is_active")
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


FINDERS = (
    overdue_tasks,
    overdue_key_milestones,
    slipping_key_milestones,
    unmitigated_risks,
    long_open_critical_issues,
    inactive_projects,
)


def find_conditions(now: datetime) -> list[Condition]:
    """Every condition that holds now: one query per kind, whatever the number of projects."""
    return [condition for finder in FINDERS for condition in finder(now)]
