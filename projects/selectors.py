"""Reads shared by the project pages, each with its related rows fetched up front."""

import hashlib
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from clients import roles
from clients.models import Client, SalesHandoff
from common.aggregates import NameList
from common.dates import month_abbreviations, short_date
from common.people import name_columns, name_of
from projects import satisfaction, waiting
from projects.baselines import holidays_between
from projects.budget import money_annotations
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
from projects.templatetags.golive import pk_url
from projects.templatetags.home_rows import HOME_TASK_COLUMNS, HomeTaskRow

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
DETAIL_COMMENT_LIMIT = 20

# What a row of projects/_project_table.html shows. A page of rows reads nothing else of a
# project, its client or its PM: the health reasons (JSON), budgets and times cost more to load
# than the row costs to render.
PROJECT_ROW_FIELDS = (
    "name",
    "phase",
    "status",
    "health",
    "computed_health",
    "health_override",
    "baseline_go_live",
    "forecast_go_live",
    "actual_go_live",
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
    """Projects with what the project page shows of them, their progress, products and money.

    The products' names and the budget's sums are subqueries of the project row rather than
    queries of their own: the page's query count is its budget.
    """
    product_names = (
        ImplementationProject.products.through.objects.filter(
            implementationproject_id=OuterRef("pk")
        )
        .order_by()
        .values("implementationproject_id")
        .annotate(names=NameList("product__name"))
        .values("names")
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
        .with_progress()
        .annotate(product_names=Subquery(product_names), **money_annotations())
        .annotate(holidays_in_slip=holidays_between("baseline_go_live", "forecast_go_live"))
    )


def project_task_counts(project: ImplementationProject) -> None:
    """Set the project's task_total and task_done, which its progress bar shows."""
    counts = project.tasks.aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(status=Task.Status.DONE))
    )
    project.task_total, project.task_done = counts["total"], counts["done"]


# The values() columns that task_owner_of() reads.
TASK_OWNER_COLUMNS = (*name_columns("owner_user"), "owner_contact__name")


def task_owner_of(row: dict) -> str:
    """What Task.owner_label says, from a values() row's TASK_OWNER_COLUMNS."""
    if row["owner_user__username"]:
        return name_of(row, "owner_user", "")
    if row["owner_contact__name"]:
        return f"{row['owner_contact__name']} (client)"
    return "Unassigned"


_STATUS_LABELS = dict(Task.Status.choices)
_PRIORITY_LABELS = dict(Task.Priority.choices)
_STATUS_BADGES = {
    Task.Status.DONE: "text-bg-success",
    Task.Status.BLOCKED: "text-bg-danger",
    Task.Status.IN_PROGRESS: "text-bg-primary",
}
_PRIORITY_BADGES = {Task.Priority.URGENT: "text-bg-danger", Task.Priority.HIGH: "text-bg-warning"}


def _task_row(
    *,
    pk: int,
    title: str,
    milestone: str | None,
    status: str,
    priority: str,
    due: date | None,
    owner: str,
    today: date,
    months: tuple[str, ...],
) -> dict:
    """A task as a list row writes it: plain strings and flags, so that a page of rows costs
    its template no method calls, filters or tags."""
    return {
        "pk": pk,
        "url": pk_url("projects:task_detail", pk),
        "title": title,
        "milestone": milestone,
        "status": _STATUS_LABELS[status],
        "status_badge": _STATUS_BADGES.get(status, "text-bg-light border"),
        "priority": _PRIORITY_LABELS[priority],
        "priority_badge": _PRIORITY_BADGES.get(priority, ""),
        "owner": owner,
        "due_iso": due.isoformat() if due else "",
        "due": short_date(due, months=months) if due else "",
        "overdue": due is not None and due < today and status != Task.Status.DONE,
    }


def task_list_rows(tasks, today: date) -> list[dict]:
    """Tasks read with task_rows() (and the task list's link counts) as list rows."""
    months = month_abbreviations()
    return [
        {
            **_task_row(
                pk=task.pk,
                title=task.title,
                milestone=task.milestone.name if task.milestone_id else None,
                status=task.status,
                priority=task.priority,
                due=task.due_date,
                owner=task.owner_label,
                today=today,
                months=months,
            ),
            "waits_on": getattr(task, "waits_on", None),
            "waited_on": getattr(task, "waited_on", None),
        }
        for task in tasks
    ]


def detail_open_tasks(project: ImplementationProject, today: date) -> list[dict]:
    """The open tasks the project page lists, soonest due first, as list rows: read as values,
    with no model instance made."""
    rows = (
        project.tasks.open()
        .order_by("due_date", "pk")
        .values(
            "pk",
            "title",
            "status",
            "priority",
            "due_date",
            "milestone__name",
            *TASK_OWNER_COLUMNS,
        )[:DETAIL_OPEN_TASK_LIMIT]
    )
    months = month_abbreviations()
    tasks = []
    for row in rows:
        tasks.append(
            _task_row(
                pk=row["pk"],
                title=row["title"],
                milestone=row["milestone__name"],
                status=row["status"],
                priority=row["priority"],
                due=row["due_date"],
                owner=task_owner_of(row),
                today=today,
                months=months,
            )
        )
    return tasks


def detail_open_risks(project: ImplementationProject) -> list[dict]:
    """The open risks the project page lists, highest score first, as the strings they show."""
    rows = (
        project.risks.open()
        .annotate(has_plan=ExpressionWrapper(~Q(mitigation_plan=""), output_field=BooleanField()))
        .order_by("-score", "pk")
        .values(
            "pk",
            "title",
            "score",
            "probability",
            "impact",
            "has_plan",
            *name_columns("owner"),
        )
    )
    return [
        {
            **row,
            "url": pk_url("projects:risk_detail", row["pk"]),
            "owner": name_of(row, "owner", "No owner"),
            "badge": "text-bg-danger"
            if row["score"] >= 15
            else "text-bg-warning"
            if row["score"] >= 8
            else "text-bg-light border",
        }
        for row in rows
    ]


_SEVERITY_LABELS = dict(Issue.Severity.choices)
_SEVERITY_BADGES = {
    Issue.Severity.CRITICAL: "text-bg-danger",
    Issue.Severity.HIGH: "text-bg-warning",
}


def detail_open_issues(project: ImplementationProject) -> list[dict]:
    """The open issues the project page lists, latest raised first, as the strings they show."""
    rows = (
        project.issues.open()
        .order_by("-raised_at")
        .values("pk", "title", "severity", "raised_at", *name_columns("owner"))
    )
    months = month_abbreviations()
    return [
        {
            **row,
            "url": pk_url("projects:issue_detail", row["pk"]),
            "owner": name_of(row, "owner", "No owner"),
            "raised": short_date(timezone.localtime(row["raised_at"]), False, months),
            "severity_label": _SEVERITY_LABELS[row["severity"]],
            "badge": _SEVERITY_BADGES.get(row["severity"], "text-bg-light border"),
        }
        for row in rows
    ]


_TEAM_ROLE_LABELS = dict(ProjectMembership.TeamRole.choices)


def detail_team(project: ImplementationProject) -> list[dict]:
    """The project's team as the page lists it: each member's name and role, by first name."""
    rows = project.memberships.order_by("user__first_name").values(
        "user_id", "role", *name_columns("user")
    )
    return [
        {
            "user_id": row["user_id"],
            "name": name_of(row, "user", ""),
            "role": _TEAM_ROLE_LABELS.get(row["role"], row["role"]),
        }
        for row in rows
    ]


def project_detail_parts(project: ImplementationProject, today: date) -> dict:
    """Everything the project page shows beside the project row from project_detail_queryset."""
    return {
        "milestones": list(
            project.milestones.select_related("signed_off_by", "completed_by")
            .only(
                "project_id",
                "name",
                "phase",
                "is_key",
                "is_golive_critical",
                "baseline_date",
                "due_date",
                "completed_on",
                "signed_off_at",
                "signed_off_by__name",
                "completed_by__first_name",
                "completed_by__last_name",
                "completed_by__username",
            )
            .annotate(holidays_in_slip=holidays_between("baseline_date", "due_date"))
        ),
        "open_tasks": detail_open_tasks(project, today),
        "open_task_count": project.task_total - project.task_done,
        "team": detail_team(project),
        "risks": detail_open_risks(project),
        "issues": detail_open_issues(project),
        # The latest comments, oldest of them first as a conversation reads.
        "comments": list(
            Comment.objects.filter(
                project=project, task__isnull=True, risk__isnull=True, issue__isnull=True
            )
            .select_related("author")
            .only(
                "body",
                "created_at",
                "author__first_name",
                "author__last_name",
                "author__username",
            )
            .order_by("-created_at", "-pk")[:DETAIL_COMMENT_LIMIT]
        )[::-1],
        "hours_burned": project.hours_burned,
    }


def budget_percent(hours_burned: Decimal, budget_hours: Decimal | None) -> int | None:
    if not budget_hours:
        return None
    return round(100 * hours_burned / budget_hours)


def my_tasks(user: User, today: date) -> dict[str, list[HomeTaskRow]]:
    """The user's open tasks overdue and due in the next 7 days, as the home page lists them
    (My work groups by the calendar week instead)."""
    # overdue() and due_between() keep the open ones.
    mine = (
        Task.objects.filter(owner_user=user)
        .order_by("due_date", "pk")
        .values_list(*HOME_TASK_COLUMNS)
    )
    this_week = mine.due_between(today, today + timedelta(days=6))
    return {
        "overdue": [HomeTaskRow._make(row) for row in mine.overdue(today)[:25]],
        "this_week": [HomeTaskRow._make(row) for row in this_week[:25]],
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
        .only(
            "name",
            "phase",
            "status",
            "health",
            "computed_health",
            "health_override",
            "forecast_go_live",
            "actual_go_live",
            "client__name",
        )
        .order_by("forecast_go_live")[:10]
    )


def health_counts(projects: QuerySet[ImplementationProject]) -> dict[str, int]:
    rows = projects.in_flight().values("health").annotate(n=Count("pk"))
    counts = {"green": 0, "amber": 0, "red": 0}
    counts.update({row["health"]: row["n"] for row in rows})
    return counts


# What a sales rep's home page shows of each project: no budgets, no history.
SALES_HOME_PROJECT_FIELDS = (
    "client_id",
    "name",
    "phase",
    "status",
    "health",
    "health_reasons",
    "baseline_go_live",
    "forecast_go_live",
    "actual_go_live",
)


def sales_rep_accounts(user: User) -> QuerySet[Client]:
    """A sales rep's accounts, each with its products and its projects (`account_projects`,
    soonest go-live first, cancelled ones left out): three queries for a page, whatever its size."""
    projects = (
        ImplementationProject.objects.exclude(status=ImplementationProject.Status.CANCELLED)
        .only(*SALES_HOME_PROJECT_FIELDS)
        .order_by("forecast_go_live", "name", "pk")
    )
    return (
        Client.objects.visible_to(user)
        .prefetch_related(
            "products", Prefetch("projects", queryset=projects, to_attr="account_projects")
        )
        .order_by("account_status", "name")
    )


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
    answers = satisfaction.summaries(p.pk for p in projects)
    for project in projects:
        project.next_milestone = project.open_milestones[0] if project.open_milestones else None
        project.satisfaction = answers.get(project.pk, "")
    return projects


def support_queue(today: date) -> dict:
    # The reports waiting for support are on its "Waiting for you" card (waiting_for).
    return {
        "going_live": list(
            ImplementationProject.objects.active()
            .filter(phase__in=[Phase.TESTING, Phase.GO_LIVE, Phase.HYPERCARE])
            .select_related("client", "pm")
            .order_by("forecast_go_live")[:25]
        ),
    }


# Items the "Waiting for you" card lists of each kind; each kind has a page of its own.
WAITING_LIMIT = 10


def waiting_for(user: User, now: datetime) -> list[dict]:
    """What waits on this person, oldest first: sales handoffs to acknowledge, handoff reports
    to decide (support), to answer (returned to the PM) or to take note of (accepted).

    The same people the emails of projects.notifications reach; at most two queries.
    """
    is_manager, is_pm = roles.is_manager(user), roles.is_pm(user)
    items: list[dict] = []
    # A manager also holds what no PM holds, as its emails went to the managers.
    holder = Q(project__pm=user)
    if is_manager:
        holder |= Q(project__pm__isnull=True)
    if is_manager or is_pm:
        # One query: the sales handoffs, with what the apps registered in projects.waiting.
        if is_manager:
            # Held by no other PM: no project yet, or one with no PM or this manager as PM.
            # Said as "no project led by someone else", PostgreSQL reads the oldest handoffs
            # and looks up each one's project, rather than joining every project to them all.
            led_by_another = ImplementationProject.objects.filter(
                sales_handoff=OuterRef("pk"), pm__isnull=False
            ).exclude(pm=user)
            handoffs = SalesHandoff.objects.filter(~Exists(led_by_another))
        else:
            handoffs = SalesHandoff.objects.filter(project__pm=user)
        extra = [
            q for q in (source(user, is_manager) for source in waiting.SOURCES) if q is not None
        ]
        shown = WAITING_LIMIT * (1 + len(extra))
        rows = (
            handoffs.filter(acknowledged_at__isnull=True)
            .annotate(
                kind=Value("sales_handoff", output_field=CharField()),
                name=F("client__name"),
                target=F("pk"),
                when=F("submitted_at"),
            )
            .values_list("kind", "name", "target", "when")
            .order_by()
        )
        # The oldest, in this part of the union already: PostgreSQL then reads them in the
        # order of its index and stops, where the union's own order would have it read them
        # all. SQLite allows no order or limit inside a union.
        if not extra or connections[rows.db].features.supports_slicing_ordering_in_compound:
            rows = rows.order_by("when")[:shown]
        if extra:
            rows = rows.union(*extra, all=True).order_by("when")[:shown]
        kinds = {"sales_handoff": ("Sales handoff to acknowledge", "clients:handoff_detail")}
        kinds.update(waiting.KINDS)
        for kind, name, target, when in rows:
            what, url_name = kinds[kind]
            items.append(
                {"what": what, "name": name, "url": pk_url(url_name, target), "when": when}
            )
    accepted_since = now - timedelta(days=settings.GOLIVE_NOTICES["ACCEPTED_HANDOFF_DAYS"])
    accepted = Q(status=HandoffReport.Status.ACCEPTED, decided_at__gte=accepted_since)
    wanted = []
    if is_manager or is_pm:
        wanted += [holder & Q(status=HandoffReport.Status.RETURNED), holder & accepted]
    if roles.is_support(user):
        wanted.append(Q(status=HandoffReport.Status.SENT))
    if roles.is_sales_rep(user):
        wanted.append(accepted & Q(project__client__sales_rep=user))
    if wanted:
        labels = {
            HandoffReport.Status.SENT: "Handoff report to accept or return",
            HandoffReport.Status.RETURNED: "Handoff report returned with questions",
            HandoffReport.Status.ACCEPTED: "Handoff report accepted by support",
        }
        for status, sent_at, decided_at, project_id, project_name, client_name in (
            HandoffReport.objects.filter(reduce(or_, wanted))
            .order_by("sent_at", "pk")
            .values_list(
                "status",
                "sent_at",
                "decided_at",
                "project_id",
                "project__name",
                "project__client__name",
            )[:WAITING_LIMIT]
        ):
            items.append(
                {
                    "what": labels[status],
                    "name": _project_with_client(project_name, client_name),
                    "url": pk_url("projects:handoff_report", project_id),
                    "when": sent_at if status == HandoffReport.Status.SENT else decided_at,
                }
            )
    return sorted(items, key=lambda item: item["when"] or now)


def _project_with_client(project_name: str, client_name: str) -> str:
    """The project's name, after its client's unless it begins with it ("Acme — Payroll")."""
    if project_name == client_name or project_name.startswith(f"{client_name} "):
        return project_name
    return f"{client_name} · {project_name}"


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
    return history_entries([*shown, *predecessors], shown=len(shown))


def _history_kinds(project: ImplementationProject) -> list[QuerySet]:
    """The historical records of the project and of each kind of thing inside it."""
    return [
        ImplementationProject.history.filter(id=project.pk),
        Milestone.history.filter(project_id=project.pk),
        Task.history.filter(project_id=project.pk),
        Risk.history.filter(project_id=project.pk),
        Issue.history.filter(project_id=project.pk),
    ]


HISTORY_ORDER = ("-history_date", "-kind", "-history_id")


def project_history_index(project: ImplementationProject) -> QuerySet:
    """(history_id, history_date, kind) of every history record of a project and of what is
    inside it, newest first: one UNION of the historical tables, which a Paginator counts and
    pages with LIMIT/OFFSET in the database. `project_history_page` reads a page's records."""
    parts = [
        records.order_by()
        .annotate(kind=Value(index, output_field=IntegerField()))
        # The annotation last: a UNION matches its columns by position.
        .values_list("history_id", "history_date", "kind")
        for index, records in enumerate(_history_kinds(project))
    ]
    return parts[0].union(*parts[1:], all=True).order_by(*HISTORY_ORDER)


def project_history_page(project: ImplementationProject, rows: list[tuple]) -> list[dict]:
    """History entries of a page of `project_history_index` rows, in their order.

    One query per kind on the page reads its records and, for the diff, each one's previous
    version (the same object's record just before it), wherever that lies in the history.
    """
    kinds = _history_kinds(project)
    ids_by_kind: dict[int, list[int]] = {}
    for history_id, _, kind in rows:
        ids_by_kind.setdefault(kind, []).append(history_id)
    found = {}
    for kind, ids in sorted(ids_by_kind.items()):
        records = kinds[kind]
        earlier = records.filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")),
            id=OuterRef("id"),
        ).order_by("-history_date", "-history_id")
        previous = (
            records.filter(history_id__in=ids)
            .annotate(previous_id=Subquery(earlier.values("history_id")[:1]))
            .values("previous_id")
        )
        for record in (
            records.filter(Q(history_id__in=ids) | Q(history_id__in=previous))
            .select_related("history_user")
            .defer(*HISTORY_USER_UNREAD)
        ):
            found[kind, record.history_id] = record
    shown = [found[kind, history_id] for history_id, _, kind in rows]
    on_page = {(kind, history_id) for history_id, _, kind in rows}
    older = sorted(
        (record for key, record in found.items() if key not in on_page),
        key=lambda record: (record.history_date, record.history_id),
        reverse=True,
    )
    return history_entries_of(shown, older)


def owner_candidates(project: ImplementationProject) -> QuerySet[User]:
    """Who may own a task or a risk of the project: its PM and its team members.

    The one rule for owners, used by the services that set one and by the forms that offer
    them. Anyone else (another account's sales rep, the admin) would be told about a project
    they cannot open. Client-side task owners are the client's contacts.
    """
    return User.objects.filter(is_active=True).filter(
        Q(pk=project.pm_id) | Q(pk__in=project.memberships.values("user_id"))
    )


# Timesheet


def week_days(week_start: date) -> list[date]:
    return [week_start + timedelta(days=i) for i in range(7)]


def timesheet_tasks(*, user: User, week_start: date) -> list[Task]:
    """The tasks a user may log hours on in a week, in the order the timesheet shows them.

    Their own open tasks on the projects they manage or work on, and any task of those projects
    they already logged hours on that week (a task finished mid-week keeps its row).
    """
    days = week_days(week_start)
    projects = ImplementationProject.objects.managed_or_joined_by(user)
    logged = TimeEntry.objects.filter(
        user=user, spent_on__gte=days[0], spent_on__lte=days[-1], task__isnull=False
    ).values("task_id")
    mine_open = Q(owner_user=user) & ~Q(status=Task.Status.DONE)
    return list(
        Task.objects.filter(project__in=projects)
        .filter(mine_open | Q(pk__in=logged))
        .select_related("project")
        .order_by("project__name", "project_id", "due_date", "pk")
    )


def timesheet_entries(*, user: User, week_start: date) -> list[TimeEntry]:
    """Every time entry of the user in that week, with or without a task."""
    days = week_days(week_start)
    return list(
        TimeEntry.objects.filter(user=user, spent_on__gte=days[0], spent_on__lte=days[-1]).order_by(
            "pk"
        )
    )


def timesheet_state(entries: list[TimeEntry]) -> str:
    """A digest of a week's entries: a timesheet form carries the one it was opened at."""
    text = "|".join(
        f"{e.pk}:{e.task_id}:{e.spent_on.isoformat()}:{e.hours.normalize()}"
        for e in sorted(entries, key=lambda e: e.pk)
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]
