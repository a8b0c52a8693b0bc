"""Reads shared by the project pages, each with its related rows fetched up front."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from clients.models import Client
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
)

# Open tasks the project page shows, soonest due first (as many as a page of the task list,
# which it links to for the rest): each is a row of in-place controls.
DETAIL_OPEN_TASK_LIMIT = 25
UPCOMING_GO_LIVE_DAYS = 45


def project_detail_queryset() -> QuerySet[ImplementationProject]:
    return ImplementationProject.objects.select_related(
        "client",
        "client__sales_rep",
        "pm",
        "sales_handoff",
        "health_override_by",
        "uat_signed_off_by",
    ).prefetch_related(
        "products",
        Prefetch(
            "memberships",
            queryset=ProjectMembership.objects.select_related("user").order_by("user__first_name"),
        ),
    )


def project_detail_parts(project: ImplementationProject) -> dict:
    """Everything the project page shows beside the project row itself."""
    tasks = project.tasks.with_related()
    task_counts = tasks.aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(status=Task.Status.DONE))
    )
    project.task_total, project.task_done = task_counts["total"], task_counts["done"]
    open_tasks = list(tasks.open().order_by("due_date", "pk")[:DETAIL_OPEN_TASK_LIMIT])
    hours = project.time_entries.aggregate(total=Sum("hours"))["total"] or Decimal(0)
    return {
        "milestones": list(project.milestones.select_related("signed_off_by")),
        "open_tasks": open_tasks,
        "open_task_count": task_counts["total"] - task_counts["done"],
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
        "phase_changes": list(project.phase_changes.select_related("changed_by")[:10]),
        "hours_burned": hours,
        "handoff_report": HandoffReport.objects.filter(project=project).first(),
        "contacts": list(project.client.contacts.all()),
    }


def budget_percent(hours_burned: Decimal, budget_hours: Decimal | None) -> int | None:
    if not budget_hours:
        return None
    return round(100 * hours_burned / budget_hours)


def my_tasks(user: User, today: date) -> dict[str, list[Task]]:
    mine = Task.objects.open().filter(owner_user=user).select_related("project", "milestone")
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
        .select_related("client", "pm")
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


def recent_phase_changes(limit: int = 10) -> list[PhaseChange]:
    return list(
        PhaseChange.objects.select_related("project", "changed_by").order_by("-changed_at")[:limit]
    )


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
            records_of_kind.select_related("history_user").order_by("-history_date", "-history_id")[
                : per_kind + 1
            ]
        )
    records.sort(key=lambda record: record.history_date, reverse=True)
    return records
