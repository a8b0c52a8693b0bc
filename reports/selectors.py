"""Reads behind status reports: who is due, who receives them, and what a report holds.

Each function makes a fixed number of queries, whatever the number of projects, tasks or
recipients: the due detection two in all, a project with its people and recipients three
(report_project_queryset, which reads the company's holidays and the current baseline's task
dates as columns of the project's row), what the reports of any number of projects are made
from five (report_inputs).
"""

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, RowNumber
from django.utils import timezone

from clients import roles
from clients.models import Contact
from common.aggregates import NameList, WholeNameList, names_of
from common.people import name_columns, name_of
from outbox.models import OutgoingEmail
from projects.baselines import task_baseline
from projects.health import ProjectFacts, assess, gather_facts, shown, worst
from projects.models import (
    Baseline,
    Holiday,
    ImplementationProject,
    Issue,
    Milestone,
    Phase,
    ProjectMembership,
    Risk,
    Task,
)
from projects.scheduling import country_holidays
from projects.selectors import TASK_OWNER_COLUMNS, budget_percent, task_owner_of
from projects.timeline import MilestoneTask, milestone_spans, task_finish
from reports import schedule as sched
from reports.models import Cadence, StatusReport, StatusReportSettings, Weekday


@dataclass(frozen=True)
class DueReport:
    project_id: int
    period_start: date


def reporting_projects() -> QuerySet[ImplementationProject]:
    """Projects that report on a schedule: active, kick-off to hypercare, cadence not off."""
    return (
        ImplementationProject.objects.filter(
            status=ImplementationProject.Status.ACTIVE, phase__in=sched.REPORTING_PHASES
        )
        .exclude(report_settings__cadence=Cadence.OFF)
        .order_by("pk")
    )


def due_reports(now: datetime, project_id: int | None = None) -> list[DueReport]:
    """Reporting projects whose current period has no report yet, in two queries.

    A report sent by hand during the period counts: the PM who just sent one does not want the
    tick to send another minutes later. The next period's report goes out as usual.
    """
    today = sched.report_day(now)
    candidates = reporting_projects()
    if project_id is not None:
        candidates = candidates.filter(pk=project_id)
    rows = candidates.values_list(
        "pk",
        "kickoff_date",
        "report_settings__cadence",
        "report_settings__weekday",
        "report_settings__schedule_changed_on",
    )
    default = sched.schedule_of(None)
    planned: list[tuple[int, date, sched.Schedule]] = []
    for pk, kickoff, cadence, weekday, changed_on in rows:
        schedule = (
            default
            if cadence is None
            else sched.Schedule(cadence=cadence, weekday=weekday, changed_on=changed_on)
        )
        planned.append((pk, sched.period_start(schedule, today, kickoff), schedule))
    if not planned:
        return []
    sent_reports = StatusReport.objects.filter(
        period_start__gte=min(start for _, start, _ in planned)
    )
    if project_id is not None:
        sent_reports = sent_reports.filter(project_id=project_id)
    sent = set(sent_reports.values_list("project_id", "period_start"))
    return [
        DueReport(project_id=pk, period_start=start)
        for pk, start, schedule in planned
        if sched.is_due(schedule, start, (pk, start) in sent)
    ]


def _role_names(user_ref: str) -> Subquery:
    """The role names of the user at `user_ref` of the outer row, as one column of it."""
    groups = (
        User.groups.through.objects.filter(user_id=OuterRef(user_ref))
        .order_by()
        .values("user_id")
        .annotate(names=NameList("group__name"))
        .values("names")
    )
    return Subquery(groups)


def _chosen_contact_ids() -> Subquery:
    """The ids of the contacts the project chose for the client version, as one column."""
    chosen = (
        StatusReportSettings.client_recipients.through.objects.filter(
            statusreportsettings__project_id=OuterRef("pk")
        )
        .order_by()
        .values("statusreportsettings_id")
        .annotate(ids=NameList(Cast("contact_id", CharField())))
        .values("ids")
    )
    return Subquery(chosen)


def _company_days_off() -> Subquery:
    """Every day of the company's holiday list, as one column (the list is a few days a year)."""
    days = Holiday.objects.order_by().annotate(days=WholeNameList(Cast("date", CharField())))
    return Subquery(days.values("days")[:1])


def _current_baseline_tasks() -> Subquery:
    """The task dates of the project's current baseline (task id → [start, due]), as one column."""
    latest = Baseline.objects.filter(project=OuterRef("pk")).order_by("-taken_at", "-pk")
    return Subquery(latest.values("task_dates")[:1], output_field=JSONField())


def _contacts_of_client() -> Prefetch:
    # Every contact of the client: the PM picks from them who gets the client version.
    return Prefetch(
        "client__contacts", queryset=Contact.objects.order_by("name", "pk"), to_attr="all_contacts"
    )


def report_project_queryset(*, links: bool = True) -> QuerySet[ImplementationProject]:
    """A project with what a report needs around it: people, recipients, its schedule and when
    it last reported, and what its timeline counts business days and variance with.

    The roles of its people (which page the link in their email opens), the contacts chosen for
    the client version, its last report, the company's holidays and its current baseline's task
    dates are columns of the project's row and of its memberships' rows, not queries of their
    own. `links=False` leaves the roles out, for the preview: see recipients().
    """
    last_report = (
        StatusReport.objects.filter(project=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    roles_of_people = (
        {"pm_roles": _role_names("pm_id"), "sales_rep_roles": _role_names("client__sales_rep_id")}
        if links
        else {}
    )
    memberships = ProjectMembership.objects.select_related("user").order_by("pk")
    if links:
        memberships = memberships.annotate(user_roles=_role_names("user_id"))
    return (
        ImplementationProject.objects.select_related(
            "client", "client__sales_rep", "pm", "report_settings"
        )
        .annotate(
            last_report_at=Subquery(last_report),
            chosen_contact_ids=_chosen_contact_ids(),
            company_days_off=_company_days_off(),
            baseline_task_dates=_current_baseline_tasks(),
            **roles_of_people,
        )
        .prefetch_related(Prefetch("memberships", queryset=memberships), _contacts_of_client())
    )


def recipient_choice_queryset() -> QuerySet[ImplementationProject]:
    """A project with its client's contacts and its choice of who gets the client version."""
    return (
        ImplementationProject.objects.select_related("client", "report_settings")
        .annotate(chosen_contact_ids=_chosen_contact_ids())
        .prefetch_related(
            _contacts_of_client(),
            # The schedule form shows the choice from the settings row itself.
            Prefetch("report_settings__client_recipients", queryset=Contact.objects.only("pk")),
        )
    )


def report_settings_of(project: ImplementationProject) -> StatusReportSettings | None:
    """The project's settings row, from select_related when it was fetched so."""
    try:
        return project.report_settings
    except StatusReportSettings.DoesNotExist:
        return None


def person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


# What the link in a recipient's email opens: the stored report, the account status page of the
# project's client, or nothing (client contacts have no login).
LINK_REPORT = "report"
LINK_ACCOUNT = "account"
LINK_NONE = ""
LINK_BY_KIND = {"team": LINK_REPORT, "sales": LINK_ACCOUNT, "client": LINK_NONE}


def link_for_user(user, role_names: str | None, project: ImplementationProject) -> str:
    """The page of this project a user who logs in can open, by the same rules as the pages.

    `role_names` are the user's roles as report_project_queryset() reads them with the
    project, so it makes no query.
    """
    # Fills clients.roles' per-user cache from the roles read with the project, so that its
    # rules decide here as on the pages, without a query per recipient.
    user._golive_roles = frozenset(names_of(role_names))
    if roles.is_staff_reader(user):
        return LINK_REPORT
    if roles.is_sales_rep(user) and project.client.sales_rep_id == user.pk:
        return LINK_ACCOUNT
    return LINK_NONE


INTERNAL = "internal"
CLIENT = "client"


def default_client_recipients(project: ImplementationProject) -> list[Contact]:
    """The client contacts the project's reports go to unless the PM picks others for one.

    The PM's choice for the project once made; before that, the client's contacts flagged to
    receive status reports. Needs a project from report_project_queryset() (or
    recipient_choice_queryset()).
    """
    contacts = project.client.all_contacts
    settings_row = report_settings_of(project)
    if settings_row is not None and settings_row.client_recipients_chosen:
        chosen = {int(pk) for pk in names_of(project.chosen_contact_ids)}
        return [contact for contact in contacts if contact.pk in chosen]
    return [contact for contact in contacts if contact.receives_status_reports]


def recipients(
    project: ImplementationProject,
    client_contact_ids: list[int] | None = None,
    *,
    links: bool = True,
) -> list[dict]:
    """The team and the sales rep (the internal version) and the client contacts chosen for the
    client version, one per address; a person both on the team and a contact gets the internal one.

    Each says which version they get (`version`) and which page the link in their email opens
    (`link`): one they may open, which for a sales rep is the account status page, not the
    report. `client_contact_ids` overrides the project's choice for one report (only contacts
    of the project's client count). Needs a project from report_project_queryset(), or with
    `links=False` (the preview, which shows who gets which version, not their links) from
    report_project_queryset(links=False); the recipients then have no `link`.
    """

    def link(user, read_with, roles_column: str) -> str | None:
        # The user's roles are a column of the row they were read with.
        return link_for_user(user, getattr(read_with, roles_column), project) if links else None

    people: list[tuple[str, str, str, str | None]] = []
    team = [(project.pm, project, "pm_roles")] + [
        (membership.user, membership, "user_roles") for membership in project.memberships.all()
    ]
    people += [
        (user.email, person(user), "team", link(user, read_with, roles_column))
        for user, read_with, roles_column in team
        if user and user.is_active
    ]
    rep = project.client.sales_rep
    if rep and rep.is_active:
        people.append((rep.email, person(rep), "sales", link(rep, project, "sales_rep_roles")))
    if client_contact_ids is None:
        contacts = default_client_recipients(project)
    else:
        wanted = set(client_contact_ids)
        contacts = [c for c in project.client.all_contacts if c.pk in wanted]
    people += [(c.email, c.name, "client", LINK_NONE) for c in contacts]
    seen: set[str] = set()
    result = []
    for email, name, kind, link in people:
        address = (email or "").strip()
        if not address or address.lower() in seen:
            continue
        seen.add(address.lower())
        version = CLIENT if kind == "client" else INTERNAL
        recipient = {"email": address, "name": name, "kind": kind, "link": link, "version": version}
        if not links:
            del recipient["link"]
        result.append(recipient)
    return result


SEVERITY_RANK = Case(
    When(severity=Issue.Severity.CRITICAL, then=0),
    When(severity=Issue.Severity.HIGH, then=1),
    When(severity=Issue.Severity.MEDIUM, then=2),
    default=3,
    output_field=IntegerField(),
)
OPEN_RISK = Q(status__in=[Risk.Status.OPEN, Risk.Status.MITIGATING])


# What a report shows of each listed task, risk and issue, read as values() rows: a report
# lists up to MAX_ITEMS of each, for a hundred projects at a time, and model instances with
# their related rows cost several times more to read.
TASK_COLUMNS = ("project_id", "title", "due_date", "milestone__name", *TASK_OWNER_COLUMNS)
# Every task of the plan is read (the timeline's critical path needs them all), with what its
# place on the timeline needs; the lists of tasks are taken from the same rows.
PLAN_TASK_COLUMNS = (
    "pk",
    "milestone_id",
    "status",
    "start_date",
    "completed_at",
    "owner_contact_id",
    "visible_to_client",
    *TASK_COLUMNS,
)
RISK_COLUMNS = (
    "project_id",
    "title",
    "score",
    "probability",
    "impact",
    "status",
    "mitigation_plan",
    *name_columns("owner"),
)
ISSUE_COLUMNS = ("project_id", "title", "severity", "status", "raised_at", *name_columns("owner"))
RISK_STATUS_LABELS = dict(Risk.Status.choices)
ISSUE_STATUS_LABELS = dict(Issue.Status.choices)
SEVERITY_LABELS = dict(Issue.Severity.choices)


def _task_row(task: dict, today: date) -> dict:
    due = task["due_date"]
    return {
        "title": task["title"],
        "owner": task_owner_of(task),
        "milestone": task["milestone__name"] or "",
        "due_date": due,
        "days_late": (today - due).days if due and due < today else 0,
    }


@dataclass
class ReportInputs:
    """What the reports of a set of projects are made from, read for all of them at once.

    Each read is one query for the whole set (the top risks and issues of each project through
    a window function, every task of each), so composing a hundred reports costs the same few
    queries as composing one.
    """

    today: date
    facts: dict[int, ProjectFacts]
    last_sent_at: dict[int, datetime]
    blocked_count: dict[int, int]
    # The listed tasks, risks and issues are values() rows of their *_COLUMNS above.
    overdue_tasks: dict[int, list[dict]]
    blocked_tasks: dict[int, list[dict]]
    milestones: dict[int, list[Milestone]]
    open_risk_count: dict[int, int]
    top_risks: dict[int, list[dict]]
    open_issue_count: dict[int, int]
    listed_issues: dict[int, list[dict]]
    # For the timeline: every milestone and task of each project (tasks as PLAN_TASK_COLUMNS
    # rows with `waits_on`, the ids of the tasks each waits on).
    plan_milestones: dict[int, list[Milestone]]
    plan_tasks: dict[int, list[dict]]
    # What the client version shows: the client's own open tasks, the sign-offs waiting for
    # them, and the risks and issues, all of them only where flagged client-visible.
    client_task_count: dict[int, int]
    client_tasks: dict[int, list[dict]]
    signoffs_waiting: dict[int, list[Milestone]]
    client_risk_count: dict[int, int]
    client_risks: dict[int, list[dict]]
    client_issue_count: dict[int, int]
    client_issues: dict[int, list[dict]]


def _period(
    project: ImplementationProject, today: date, last_sent_at: datetime | None
) -> tuple[int, date, date]:
    """The report's period length, and the days it runs from and "due by" runs to."""
    period_days = sched.schedule_of(report_settings_of(project)).period_days
    since = (
        timezone.localdate(last_sent_at) if last_sent_at else today - timedelta(days=period_days)
    )
    return period_days, since, today + timedelta(days=period_days - 1)


def _tops_and_counts(
    lists: dict[str, tuple[QuerySet, int]], columns: tuple[str, ...], order_by: list
) -> defaultdict[str, tuple[dict[int, list[dict]], dict[int, int]]]:
    """For each named list of rows of one model, with its limit: the `columns` of the first
    `limit` rows of each project, in `order_by` order, and how many it has in all; every list
    in one query (a UNION ALL), none without a list. A list not asked for reads as empty.

    The count is a window over the rows before the first `limit` are kept, so it counts all.
    """
    result = defaultdict(lambda: (defaultdict(list), {}))
    by = [F("project_id")]
    parts = [
        rows.values(*columns)
        .annotate(
            top_list=Value(name, output_field=CharField()),
            rank=Window(RowNumber(), partition_by=by, order_by=order_by),
            in_all=Window(Count("pk"), partition_by=by),
        )
        .filter(rank__lte=limit)
        .order_by()
        for name, (rows, limit) in lists.items()
    ]
    if not parts:
        return result
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    for row in combined.order_by("project_id", "top_list", "rank"):
        by_project, counts = result[row["top_list"]]
        by_project[row["project_id"]].append(row)
        counts[row["project_id"]] = row["in_all"]
    return result


def _waits_on() -> Subquery:
    """The ids of the tasks a task waits on, as one column of its row."""
    links = (
        Task.depends_on.through.objects.filter(from_task_id=OuterRef("pk"))
        .order_by()
        .values("from_task_id")
        .annotate(ids=NameList(Cast("to_task_id", CharField())))
        .values("ids")
    )
    return Subquery(links)


def _by_due(task: dict) -> tuple:
    # Undated last, as PostgreSQL sorts them, then in the order they were made.
    return (task["due_date"] is None, task["due_date"] or date.min, task["pk"])


def _task_lists(
    plan_tasks: dict[int, list[dict]], today: date, limit: int
) -> dict[str, tuple[dict[int, list[dict]], dict[int, int]]]:
    """From each project's tasks, the first `limit` of each list the report shows (by due date)
    and how many it holds in all: overdue, blocked, and the client's own open ones (those flagged
    client-visible)."""
    wanted = {
        "overdue": lambda t: (
            t["status"] != Task.Status.DONE and t["due_date"] is not None and t["due_date"] < today
        ),
        "blocked": lambda t: t["status"] == Task.Status.BLOCKED,
        "client": lambda t: (
            t["status"] != Task.Status.DONE
            and t["owner_contact_id"] is not None
            and t["visible_to_client"]
        ),
    }
    lists = {name: ({}, {}) for name in wanted}
    for project_id, tasks in plan_tasks.items():
        in_order = sorted(tasks, key=_by_due)
        for name, belongs in wanted.items():
            rows, counts = lists[name]
            chosen = [task for task in in_order if belongs(task)]
            rows[project_id], counts[project_id] = chosen[:limit], len(chosen)
    return lists


def _in_report_order(milestone: Milestone) -> tuple:
    # By due date, undated last (as PostgreSQL sorts them), then by their order in the plan.
    return (
        milestone.due_date is None,
        milestone.due_date or date.min,
        milestone.order,
        milestone.pk,
    )


def report_inputs(
    projects: list[ImplementationProject], *, now: datetime, only: str | None = None
) -> ReportInputs:
    """Read what the reports of these projects need, in a fixed number of queries.

    Needs projects from report_project_queryset() (their last report is read with them).
    `only` (an audience, for the preview of one version) leaves out the risks and issues only
    the other version lists; every task is read whichever it is (the timeline needs them), and
    the lists of tasks of both versions are taken from them.
    """
    internal_lists = only in (None, INTERNAL)
    client_lists = only in (None, CLIENT)
    config = sched.config()
    limit = config["MAX_ITEMS"]
    today = timezone.localdate(now)
    ids = [project.pk for project in projects]

    last_sent_at = {p.pk: p.last_report_at for p in projects if p.last_report_at is not None}

    # Every milestone of each project, for the timeline. The milestones the report lists are
    # among them: those completed since the project's last report, or open and due within its
    # next period.
    plan_rows = (
        Milestone.objects.filter(project_id__in=ids)
        .only(
            "pk",
            "project_id",
            "name",
            "order",
            "baseline_date",
            "due_date",
            "completed_on",
            "is_key",
            "is_golive_critical",
            "visible_to_client",
            "signed_off_at",
        )
        .order_by("project_id", "order", "due_date", "pk")
    )
    windows = {p.pk: _period(p, today, last_sent_at.get(p.pk))[1:] for p in projects}
    plan_milestones: dict[int, list[Milestone]] = defaultdict(list)
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    signoffs: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in plan_rows:
        plan_milestones[milestone.project_id].append(milestone)
        since, until = windows[milestone.project_id]
        completed = milestone.completed_on
        if (completed is not None and completed >= since) or (
            completed is None and milestone.due_date is not None and milestone.due_date <= until
        ):
            milestones[milestone.project_id].append(milestone)
        # Done but not yet signed off by the client: key and go-live-critical ones need it.
        if (
            completed
            and milestone.signed_off_at is None
            and (milestone.is_key or milestone.is_golive_critical)
        ):
            signoffs[milestone.project_id].append(milestone)
    for listed in milestones.values():
        listed.sort(key=_in_report_order)

    plan_tasks: dict[int, list[dict]] = defaultdict(list)
    task_rows = (
        Task.objects.filter(project_id__in=ids)
        .values(*PLAN_TASK_COLUMNS, waits_on=_waits_on())
        .order_by("project_id", "pk")
    )
    for task in task_rows:
        plan_tasks[task["project_id"]].append(task)
    task_lists = _task_lists(plan_tasks, today, limit)
    overdue_tasks = task_lists["overdue"][0]
    blocked_tasks, blocked_count = task_lists["blocked"]
    client_task_rows, client_task_count = task_lists["client"]

    open_risks = Risk.objects.filter(OPEN_RISK, project_id__in=ids)
    open_issues = Issue.objects.open().filter(project_id__in=ids)
    client_risks = open_risks.filter(visible_to_client=True)
    client_issues = open_issues.filter(visible_to_client=True)
    by_score = [F("score").desc(), F("pk").asc()]
    by_severity = [SEVERITY_RANK.asc(), F("raised_at").asc(), F("pk").asc()]
    # Each model's lists, of both versions when both are made, are read in one query.
    risk_lists, issue_lists = {}, {}
    if internal_lists:
        risk_lists["top"] = (open_risks, config["TOP_RISKS"])
        issue_lists["listed"] = (open_issues, limit)
    if client_lists:
        risk_lists["client"] = (client_risks, limit)
        issue_lists["client"] = (client_issues, limit)
    risk_rows = _tops_and_counts(risk_lists, RISK_COLUMNS, by_score)
    issue_rows = _tops_and_counts(issue_lists, ISSUE_COLUMNS, by_severity)
    top_risks, open_risk_count = risk_rows["top"]
    listed_issues, open_issue_count = issue_rows["listed"]
    client_risk_rows, client_risk_count = risk_rows["client"]
    client_issue_rows, client_issue_count = issue_rows["client"]
    return ReportInputs(
        today=today,
        facts=gather_facts(ids, today, settings.GOLIVE_HEALTH),
        last_sent_at=last_sent_at,
        blocked_count=blocked_count,
        overdue_tasks=overdue_tasks,
        blocked_tasks=blocked_tasks,
        milestones=milestones,
        open_risk_count=open_risk_count,
        top_risks=top_risks,
        open_issue_count=open_issue_count,
        listed_issues=listed_issues,
        plan_milestones=plan_milestones,
        plan_tasks=plan_tasks,
        client_task_count=client_task_count,
        client_tasks=client_task_rows,
        signoffs_waiting=signoffs,
        client_risk_count=client_risk_count,
        client_risks=client_risk_rows,
        client_issue_count=client_issue_count,
        client_issues=client_issue_rows,
    )


def _timeline(project: ImplementationProject, inputs: ReportInputs, today: date) -> list[dict]:
    """Each milestone of the plan as the span of its work, for the report's Gantt chart: with
    its baseline, whether it is on the critical path, overdue, and its variance (see
    projects.timeline.milestone_spans), from what was read with the project and its inputs."""
    baseline = Baseline(task_dates=project.baseline_task_dates or {})
    tasks = []
    for row in inputs.plan_tasks.get(project.pk, []):
        baseline_start, baseline_finish = task_baseline(baseline, row["pk"])
        tasks.append(
            MilestoneTask(
                id=row["pk"],
                start=row["start_date"],
                finish=task_finish(row["status"], row["completed_at"], row["due_date"]),
                depends_on=tuple(int(pk) for pk in names_of(row["waits_on"])),
                milestone_id=row["milestone_id"],
                baseline_start=baseline_start or baseline_finish,
            )
        )
    milestones = inputs.plan_milestones.get(project.pk, [])
    spans = milestone_spans(
        milestones,
        tasks,
        today=today,
        kickoff=project.kickoff_date,
        go_live=project.actual_go_live or project.forecast_go_live,
        holidays=_days_off(project, milestones, tasks),
    )
    return [asdict(span) for span in spans]


def _days_off(
    project: ImplementationProject, milestones: list[Milestone], tasks: list[MilestoneTask]
) -> frozenset[date]:
    """The company's holidays read with the project, and the country's over the plan's dates."""
    company = frozenset(date.fromisoformat(day) for day in names_of(project.company_days_off))
    dates = [d for t in tasks for d in (t.start, t.finish) if d is not None]
    dates += [d for m in milestones for d in (m.due_date, m.baseline_date) if d is not None]
    return company | country_holidays(min(dates), max(dates)) if dates else company


def _money(facts: ProjectFacts) -> dict | None:
    money = facts.money
    if money is None or not money.budget_amount:
        return None
    budget = money.budget_amount
    return {
        "budget_amount": budget,
        "cost_burned": money.cost_burned,
        "forecast_at_completion": money.forecast_at_completion,
        "forecast_overrun": money.forecast_overrun,
        "burned_percent": round(100 * money.cost_burned / budget),
        "forecast_percent": round(100 * money.forecast_at_completion / budget),
    }


def _milestone_lists(milestones: list[Milestone], today: date) -> dict:
    """The milestones the period touched: completed since the last report, overdue, coming due."""
    return {
        "milestones_completed": [
            {"name": m.name, "date": m.completed_on, "is_key": m.is_key}
            for m in milestones
            if m.completed_on is not None
        ],
        "milestones_overdue": [
            {
                "name": m.name,
                "date": m.due_date,
                "is_key": m.is_key,
                "days_late": (today - m.due_date).days,
            }
            for m in milestones
            if m.completed_on is None and m.due_date < today
        ],
        "milestones_due": [
            {"name": m.name, "date": m.due_date, "is_key": m.is_key}
            for m in milestones
            if m.completed_on is None and m.due_date >= today
        ],
    }


def client_content(project: ImplementationProject, content: dict, inputs: ReportInputs) -> dict:
    """What the client version shows, built from a list of what may be shown, never by taking
    away from the internal version: a field added to the internal report stays out of it.

    No budget, health reasons, internal risks or issues, comments or the PM's notes; of the
    milestones, only those shared with the client (as in the portal).
    """
    pk = project.pk
    today = inputs.today
    shared = [m.visible_to_client for m in inputs.plan_milestones.get(pk, [])]
    return {
        "project": {
            key: content["project"][key]
            for key in ("id", "name", "client", "pm", "pm_email", "phase", "phase_label")
        },
        "generated_at": content["generated_at"],
        "today": today,
        "since": content["since"],
        "until": content["until"],
        "dates": content["dates"],
        "progress": content["progress"],
        **_milestone_lists(
            [m for m in inputs.milestones.get(pk, []) if m.visible_to_client], today
        ),
        "timeline": [
            row for row, is_shared in zip(content["timeline"], shared, strict=True) if is_shared
        ],
        "client_tasks": {
            "count": inputs.client_task_count.get(pk, 0),
            "items": [_task_row(task, today) for task in inputs.client_tasks.get(pk, [])],
        },
        "signoffs_waiting": [
            {"name": m.name, "completed_on": m.completed_on}
            for m in inputs.signoffs_waiting.get(pk, [])
            if m.visible_to_client
        ]
        + (
            [{"name": "User acceptance testing (UAT)", "completed_on": None}]
            if project.phase == Phase.TESTING and project.uat_signed_off_at is None
            else []
        ),
        "risks": {
            "count": inputs.client_risk_count.get(pk, 0),
            "items": [
                {
                    "title": risk["title"],
                    "score": risk["score"],
                    "status_label": RISK_STATUS_LABELS.get(risk["status"], risk["status"]),
                }
                for risk in inputs.client_risks.get(pk, [])
            ],
        },
        "issues": {
            "count": inputs.client_issue_count.get(pk, 0),
            "items": [
                {
                    "title": issue["title"],
                    "severity": issue["severity"],
                    "severity_label": SEVERITY_LABELS.get(issue["severity"], issue["severity"]),
                    "status_label": ISSUE_STATUS_LABELS.get(issue["status"], issue["status"]),
                }
                for issue in inputs.client_issues.get(pk, [])
            ],
        },
    }


def report_content(
    project: ImplementationProject,
    *,
    now: datetime,
    inputs: ReportInputs | None = None,
) -> dict:
    """Everything a status report shows, as plain data (dates, numbers, strings).

    Needs a project from report_project_queryset(), and the inputs read for it (alone, when
    none are given). The period reported on runs from the last report (or one period back when
    there is none) to today; "due by" covers one period ahead, today included.
    """
    if inputs is None:
        inputs = report_inputs([project], now=now)
    pk = project.pk
    today = inputs.today
    settings_row = report_settings_of(project)
    period_days, since, until = _period(project, today, inputs.last_sent_at.get(pk))

    # Health as of now, from the same rules as the stored health (which the hourly job may not
    # have refreshed yet), without writing anything: the preview must not change data.
    facts = inputs.facts[pk]
    reasons = assess(project, facts, settings.GOLIVE_HEALTH)
    computed = worst(reasons)
    level = shown(project, computed, today)
    override = project.override_active(today) and computed.is_rag

    milestones = inputs.milestones.get(pk, [])
    hours = facts.hours_burned
    total, done = facts.task_total, facts.task_done
    slip = project.slip_days or 0
    return {
        "project": {
            "id": project.pk,
            "name": project.name,
            "client": project.client.name,
            "pm": person(project.pm),
            "pm_email": project.pm.email if project.pm else "",
            "phase": project.phase,
            "phase_label": project.get_phase_display(),
            "status": project.status,
            "status_label": project.get_status_display(),
        },
        "generated_at": now,
        "today": today,
        "since": since,
        "until": until,
        "period_days": period_days,
        "health": {
            "level": level.value,
            "label": level.label,
            "reasons": reasons,
            "override_reason": project.health_override_reason if override else "",
        },
        "dates": {
            "kickoff": project.kickoff_date,
            "baseline_go_live": project.baseline_go_live,
            "forecast_go_live": project.forecast_go_live,
            "actual_go_live": project.actual_go_live,
            "days_behind": max(slip, 0),
            "days_ahead": max(-slip, 0),
        },
        "progress": {
            "done": done,
            "total": total,
            "percent": round(100 * done / total) if total else 0,
        },
        **_milestone_lists(milestones, today),
        "overdue_tasks": {
            "count": facts.overdue_tasks,
            "items": [_task_row(task, today) for task in inputs.overdue_tasks.get(pk, [])],
        },
        "blocked_tasks": {
            "count": inputs.blocked_count.get(pk, 0),
            "items": [_task_row(task, today) for task in inputs.blocked_tasks.get(pk, [])],
        },
        "top_risks": {
            "count": inputs.open_risk_count.get(pk, 0),
            "items": [
                {
                    "title": risk["title"],
                    "score": risk["score"],
                    "probability": risk["probability"],
                    "impact": risk["impact"],
                    "owner": name_of(risk, "owner", ""),
                    "status_label": RISK_STATUS_LABELS.get(risk["status"], risk["status"]),
                    "mitigation_plan": risk["mitigation_plan"],
                }
                for risk in inputs.top_risks.get(pk, [])
            ],
        },
        "open_issues": {
            "count": inputs.open_issue_count.get(pk, 0),
            "items": [
                {
                    "title": issue["title"],
                    "severity": issue["severity"],
                    "severity_label": SEVERITY_LABELS.get(issue["severity"], issue["severity"]),
                    "owner": name_of(issue, "owner", ""),
                    "status_label": ISSUE_STATUS_LABELS.get(issue["status"], issue["status"]),
                    "raised_on": timezone.localdate(issue["raised_at"]),
                    "days_open": (today - timezone.localdate(issue["raised_at"])).days,
                }
                for issue in inputs.listed_issues.get(pk, [])
            ],
        },
        "budget": {
            "budget_hours": project.budget_hours,
            "hours_burned": hours,
            "percent": budget_percent(hours, project.budget_hours),
        }
        if project.budget_hours
        else None,
        "money": _money(facts),
        "timeline": _timeline(project, inputs, today),
        "hours_burned": hours,
        "notes": settings_row.next_notes if settings_row else "",
    }


def report_card(project: ImplementationProject, now: datetime | None = None) -> dict:
    """What the project page's report card shows, in two queries."""
    now = now or timezone.now()
    settings_row = StatusReportSettings.objects.filter(project=project).first()
    schedule = sched.schedule_of(settings_row)
    today = sched.report_day(now)
    start = sched.period_start(schedule, today, project.kickoff_date)
    current_sent = StatusReport.objects.filter(project=project, period_start=start)
    last = (
        StatusReport.objects.filter(project=project)
        .annotate(current_sent=Exists(current_sent))
        .order_by("-created_at", "-pk")
        .values("pk", "created_at", "current_sent")
        .first()
    )
    reporting = sched.is_reporting(project.status, project.phase)
    next_due = (
        sched.next_due(schedule, today, project.kickoff_date, bool(last and last["current_sent"]))
        if reporting
        else None
    )
    return {
        "schedule": schedule,
        "cadence_label": Cadence(schedule.cadence).label,
        "weekday_label": Weekday(schedule.weekday).label,
        "last": last,
        "reporting": reporting,
        "next_due": next_due,
        "due_now": next_due == today,
        "has_notes": bool(settings_row and settings_row.next_notes),
    }


def report_deliveries(report: StatusReport) -> list[OutgoingEmail]:
    """The emails of one report with their delivery status, in one query."""
    return list(
        OutgoingEmail.objects.filter(
            about_type__app_label="reports",
            about_type__model="statusreport",
            about_id=report.pk,
        ).order_by("to_email", "pk")
    )


def delivery_counts(report_ids: list[int]) -> dict[int, dict[str, int]]:
    """For each report, how many of its emails are sent, waiting or failed, in one query."""
    rows = (
        OutgoingEmail.objects.filter(
            about_type__app_label="reports",
            about_type__model="statusreport",
            about_id__in=report_ids,
        )
        .values("about_id", "status")
        .annotate(n=Count("pk"))
    )
    counts = {pk: {"sent": 0, "waiting": 0, "failed": 0, "total": 0} for pk in report_ids}
    for row in rows:
        group = {
            OutgoingEmail.Status.SENT: "sent",
            OutgoingEmail.Status.FAILED: "failed",
        }.get(row["status"], "waiting")
        counts[row["about_id"]][group] += row["n"]
        counts[row["about_id"]]["total"] += row["n"]
    return counts
