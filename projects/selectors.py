"""Reads shared by the project pages, each with its related rows fetched up front."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db.models import (
    Case,
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from clients.models import Client
from projects.history import history_entries
from projects.models import (
    Comment,
    HandoffReport,
    ImplementationProject,
    Issue,
    Milestone,
    Phase,
    PhaseChange,
    ProjectMembership,
    Risk,
    Task,
    TimeEntry,
)

SEVERITY_RANK = Case(
    When(severity=Issue.Severity.CRITICAL, then=Value(0)),
    When(severity=Issue.Severity.HIGH, then=Value(1)),
    When(severity=Issue.Severity.MEDIUM, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)

# Open tasks the project page shows, soonest due first (as many as a page of the task list,
# which it links to for the rest): each is a row of in-place controls.
DETAIL_OPEN_TASK_LIMIT = 25
UPCOMING_GO_LIVE_DAYS = 45

# What a row of projects/_project_table.html shows. A page of rows reads nothing else of a
# project, its client or its PM: the health reasons (JSON), budgets and times cost more to load
# than the row costs to render.
PROJECT_ROW_FIELDS = (
    "name",
    "phase",
    "status",
    "health",
    "baseline_go_live",
    "forecast_go_live",
    "client__name",
    "pm__first_name",
    "pm__last_name",
    "pm__username",
)
# What a row of projects/items/_task_row.html shows, and the project (a project's tasks
# manager sets it on each task it reads).
TASK_ROW_FIELDS = (
    "project",
    "title",
    "status",
    "priority",
    "due_date",
    "milestone__name",
    "owner_user__first_name",
    "owner_user__last_name",
    "owner_user__username",
    "owner_contact__name",
)


def project_rows(projects: QuerySet[ImplementationProject]) -> QuerySet[ImplementationProject]:
    """Projects as the rows of projects/_project_table.html read them, with their progress."""
    return projects.select_related("client", "pm").only(*PROJECT_ROW_FIELDS).with_progress()


def task_rows(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Tasks as the rows of projects/items/_task_row.html read them."""
    return tasks.select_related("owner_user", "owner_contact", "milestone").only(*TASK_ROW_FIELDS)


def project_detail_queryset() -> QuerySet[ImplementationProject]:
    """Projects with what the project page shows of them, their progress and hours burned."""
    hours = (
        TimeEntry.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return (
        ImplementationProject.objects.select_related(
            "client",
            "pm",
            "sales_handoff",
            "health_override_by",
            "uat_signed_off_by",
            "uat_signoff_recorded_by",
        )
        .prefetch_related(
            "products",
            Prefetch(
                "memberships",
                queryset=ProjectMembership.objects.select_related("user").order_by(
                    "user__first_name"
                ),
            ),
        )
        .with_progress()
        .annotate(
            hours_burned=Coalesce(
                Subquery(hours),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            )
        )
    )


def project_task_counts(project: ImplementationProject) -> None:
    """Set the project's task_total and task_done, which its progress bar shows."""
    counts = project.tasks.aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(status=Task.Status.DONE))
    )
    project.task_total, project.task_done = counts["total"], counts["done"]


def project_detail_parts(project: ImplementationProject) -> dict:
    """Everything the project page shows beside the project row from project_detail_queryset."""
    open_tasks = list(
        task_rows(project.tasks.open()).order_by("due_date", "pk")[:DETAIL_OPEN_TASK_LIMIT]
    )
    return {
        "milestones": list(project.milestones.select_related("signed_off_by", "completed_by")),
        "open_tasks": open_tasks,
        "open_task_count": project.task_total - project.task_done,
        "risks": list(
            project.risks.filter(status__in=[Risk.Status.OPEN, Risk.Status.MITIGATING])
            .select_related("owner")
            .order_by("-score", "pk")
        ),
        "issues": list(project.issues.open().select_related("owner").order_by("-raised_at")),
        "comments": list(
            Comment.objects.filter(
                project=project, task__isnull=True, risk__isnull=True, issue__isnull=True
            ).select_related("author")
        ),
        "hours_burned": project.hours_burned,
        "contacts": list(project.client.contacts.all()),
    }


def budget_percent(hours_burned: Decimal, budget_hours: Decimal | None) -> int | None:
    if not budget_hours:
        return None
    return round(100 * hours_burned / budget_hours)


def my_tasks(user: User, today: date) -> dict[str, list[Task]]:
    """The user's open tasks overdue and due this week, as the home page lists them."""
    mine = (
        Task.objects.open()
        .filter(owner_user=user)
        .select_related("project")
        .only("title", "status", "due_date", "project__name")
    )
    return {
        "overdue": list(mine.overdue(today).order_by("due_date", "pk")[:25]),
        "this_week": list(
            mine.due_between(today, today + timedelta(days=6)).order_by("due_date", "pk")[:25]
        ),
    }


def upcoming_go_lives(projects: QuerySet[ImplementationProject], today: date):
    return list(
        projects.in_flight()
        .filter(
            forecast_go_live__gte=today,
            forecast_go_live__lte=today + timedelta(days=UPCOMING_GO_LIVE_DAYS),
            phase__in=[p for p in Phase if p.index < Phase.GO_LIVE.index],
        )
        .select_related("client")
        .only("name", "phase", "health", "forecast_go_live", "client__name")
        .order_by("forecast_go_live")[:10]
    )


def health_counts(projects: QuerySet[ImplementationProject]) -> dict[str, int]:
    rows = projects.in_flight().values("health").annotate(n=Count("pk"))
    counts = {"green": 0, "amber": 0, "red": 0}
    counts.update({row["health"]: row["n"] for row in rows})
    return counts


def account_status_projects(client: Client, today: date) -> list[ImplementationProject]:
    """The client's projects with what a sales rep asks about: next milestone, critical issues."""
    projects = list(
        client.projects.exclude(status=ImplementationProject.Status.CANCELLED)
        .select_related("pm")
        .prefetch_related(
            "products",
            Prefetch(
                "milestones",
                queryset=Milestone.objects.open().order_by("due_date", "order"),
                to_attr="open_milestones",
            ),
            Prefetch(
                "issues",
                queryset=Issue.objects.open().critical().order_by("-raised_at"),
                to_attr="open_critical_issues",
            ),
        )
        .with_progress()
        .order_by("-created_at")
    )
    for project in projects:
        project.next_milestone = project.open_milestones[0] if project.open_milestones else None
    return projects


def support_queue(today: date) -> dict:
    return {
        "reports_waiting": list(
            HandoffReport.objects.filter(status=HandoffReport.Status.SENT)
            .select_related("project", "project__client", "sent_by")
            .order_by("sent_at")
        ),
        "going_live": list(
            ImplementationProject.objects.active()
            .filter(phase__in=[Phase.TESTING, Phase.GO_LIVE, Phase.HYPERCARE])
            .select_related("client", "pm")
            .order_by("forecast_go_live")[:25]
        ),
    }


def project_phase_changes(
    project: ImplementationProject, limit: int | None = None
) -> list[PhaseChange]:
    """The project's phase changes, newest first, with who made them (and any gate overridden)."""
    changes = project.phase_changes.select_related("changed_by").order_by("-changed_at", "-pk")
    return list(changes[:limit] if limit else changes)


def uat_open_items(project: ImplementationProject) -> dict:
    """What a UAT sign-off would leave behind: open testing tasks and open issues."""
    return {
        "open_testing_tasks": list(
            task_rows(project.tasks.open().filter(milestone__phase=Phase.TESTING)).order_by(
                "due_date", "pk"
            )
        ),
        "open_issues": list(
            project.issues.open()
            .select_related("owner")
            .annotate(severity_rank=SEVERITY_RANK)
            .order_by("severity_rank", "-raised_at")
        ),
    }


def recent_phase_changes(limit: int = 10) -> list[PhaseChange]:
    return list(
        PhaseChange.objects.select_related("project", "changed_by").order_by("-changed_at")[:limit]
    )


# A history record's user is only named: full name, else username.
HISTORY_USER_UNREAD = [
    f"history_user__{name}"
    for name in (
        "password",
        "last_login",
        "is_superuser",
        "email",
        "is_staff",
        "is_active",
        "date_joined",
    )
]


def project_history_records(project: ImplementationProject, per_kind: int) -> list:
    """The newest history records of a project and of everything inside it, newest first.

    One query per kind, whatever the project's size; `per_kind + 1` rows so the oldest shown
    record of each kind can still be diffed against its predecessor.
    """
    kinds = [
        project.history.all(),
        Milestone.history.filter(project_id=project.pk),
        Task.history.filter(project_id=project.pk),
        Risk.history.filter(project_id=project.pk),
        Issue.history.filter(project_id=project.pk),
    ]
    records = []
    for records_of_kind in kinds:
        records += list(
            records_of_kind.select_related("history_user")
            .defer(*HISTORY_USER_UNREAD)
            .order_by("-history_date", "-history_id")[: per_kind + 1]
        )
    records.sort(key=lambda record: record.history_date, reverse=True)
    return records


def history_entries_of(shown: list, older: list) -> list[dict]:
    """history_entries of `shown`, newest first, whose earlier versions are among `older`.

    Each record is diffed against the one before it of the same object. Of the older records
    only the newest of each object shown is needed for that: diffing every record of a long
    history to show 25 of them was most of the history page's work.
    """

    def key(record) -> tuple:
        return record.instance_type, getattr(record, record.instance_type._meta.pk.attname)

    unmatched = {key(record) for record in shown}
    predecessors = []
    for record in older:
        if not unmatched:
            break
        if key(record) in unmatched:
            unmatched.discard(key(record))
            predecessors.append(record)
    return history_entries([*shown, *predecessors])[: len(shown)]
