"""The pages `make bench` drives, in one list. Add a line to PAGES when you add a page.

Each `Page` has a name (a row of the table), the demo login that opens it (`pm`, `manager`,
`sales`: users `seed_demo` makes; None for an anonymous visitor), its URL name, and functions
that find the objects its URL takes in the benchmark data. Objects are picked the way a user
meets them: the demo PM's busiest project and its busiest task, the sales rep's biggest account.
A page that finds no object stops the run with a message rather than timing a 404, and every page
must answer 200 to its login before it is timed.

bench/tests/test_pages.py fails when a URL of the app is neither here nor one of the actions
that onboarding/tests/pages.py names in NOT_PAGES, so a new page cannot be left out.

Example, a page for a new "meeting detail" view:

    Page("meeting detail", PM, "projects:meeting_detail", (first_of(Meeting),)),

`FLOOR` is the page every other page's CPU time is compared with: the base template for a
logged-in user with no content. `BARE` is the constant view the load figures are set beside: the
same server, middleware and load generator, no template and no query.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.db.models import Count, Model, QuerySet
from django.urls import reverse

from acceptance.models import TestCase
from alerts.models import Alert
from clients.models import Client, Contact, SalesHandoff
from exchange.models import ImportRun
from meetings.models import Meeting
from outbox.models import OutgoingEmail
from playbooks.models import ProjectTemplate, TemplateMilestone, TemplateTask
from projects.models import (
    ImplementationProject,
    Issue,
    Milestone,
    Phase,
    Risk,
    Task,
)
from reports.models import StatusReport
from webhooks.models import WebhookEndpoint

PM, MANAGER, SALES = "pm", "manager", "sales"
SUPPORT = "support"
ADMIN = "admin"
# Not a user: the demo client contact, signed in to the portal by a link (bench/run.py).
PORTAL = "portal"


@dataclass(frozen=True)
class Page:
    name: str
    login: str | None
    url_name: str
    args: tuple[Callable[[], int], ...] = ()
    query: str = ""
    # Asked for by htmx: a fragment of a page (a dashboard's panel), as the browser loads it.
    htmx: bool = False

    def headers(self) -> dict[str, str]:
        return {"HX-Request": "true"} if self.htmx else {}

    def path(self) -> str:
        url = reverse(self.url_name, args=[find() for find in self.args])
        return f"{url}?{self.query}" if self.query else url


class MissingBenchData(LookupError):
    """The benchmark data holds no object for a page."""


def first(queryset: QuerySet) -> int:
    """The pk of the first row, or MissingBenchData naming what was looked for."""
    pk = queryset.values_list("pk", flat=True).first()
    if pk is None:
        raise MissingBenchData(f"No {queryset.model._meta.verbose_name} found for the benchmark.")
    return pk


@cache
def busiest_project() -> int:
    """The demo PM's in-flight project with the most tasks: the heaviest plan they open."""
    return first(
        ImplementationProject.objects.filter(pm__username=PM)
        .in_flight()
        .annotate(n=Count("tasks"))
        .order_by("-n", "pk")
    )


def first_of(model: type[Model]) -> Callable[[], int]:
    """The first object of `model` in the busiest project."""
    return lambda: first(model.objects.filter(project_id=busiest_project()).order_by("pk"))


def first_import() -> int:
    """The demo data's CRM import (imports belong to no project)."""
    return first(ImportRun.objects.order_by("pk"))


@cache
def busiest_task() -> int:
    """The task of that project with the most predecessors and successors."""
    return first(
        Task.objects.filter(project_id=busiest_project())
        .annotate(links=Count("depends_on", distinct=True) + Count("successors", distinct=True))
        .order_by("-links", "pk")
    )


@cache
def sales_account() -> int:
    """The demo sales rep's account with the most projects."""
    return first(
        Client.objects.filter(sales_rep__username=SALES)
        .annotate(n=Count("projects"))
        .order_by("-n", "pk")
    )


def sales_contact() -> int:
    return first(Contact.objects.filter(client_id=sales_account()).order_by("pk"))


def sales_handoff(*, open_only: bool = False) -> Callable[[], int]:
    handoffs = SalesHandoff.objects.filter(client__sales_rep__username=SALES).order_by("pk")
    if open_only:
        handoffs = handoffs.filter(acknowledged_at__isnull=True)
    return lambda: first(handoffs)


def testing_project() -> int:
    """The demo PM's project in Testing whose UAT is not signed off: it offers the sign-off."""
    return first(
        ImplementationProject.objects.filter(
            pm__username=PM, phase=Phase.TESTING, uat_signed_off_at__isnull=True
        )
        .active()
        .order_by("pk")
    )


def testing_case() -> int:
    """The first test case of the demo PM's project in Testing (acceptance/demo.py makes them)."""
    return first(TestCase.objects.filter(project_id=testing_project()).order_by("pk"))


def handoff_project() -> int:
    """The demo PM's first project with a handoff report."""
    return first(
        ImplementationProject.objects.filter(
            pm__username=PM, handoff_report__isnull=False
        ).order_by("pk")
    )


def pm_alert() -> int:
    return first(Alert.objects.filter(project__pm__username=PM).order_by("pk"))


def newest_email() -> int:
    return first(OutgoingEmail.objects.order_by("-pk"))


def first_webhook() -> int:
    """The endpoint with the longest delivery log (seed_demo makes one)."""
    return first(WebhookEndpoint.objects.annotate(n=Count("deliveries")).order_by("-n", "pk"))


@cache
def busiest_meeting() -> int:
    """The busiest project's first meeting, recorded through the service if it has none yet.

    seed_demo holds meetings on the base projects only; data loaded another way may hold none.
    """
    found = Meeting.objects.filter(project_id=busiest_project()).order_by("pk").first()
    if found is None:
        from django.utils import timezone

        from meetings import services

        project = ImplementationProject.objects.get(pk=busiest_project())
        found = services.meeting_create(
            project=project,
            user=project.pm,
            kind=Meeting.Kind.WEEKLY_STATUS,
            title="Weekly status",
            starts_at=timezone.now(),
            duration_minutes=60,
            attendee_users=[project.pm],
            agenda="Census file, pay groups, parallel run.",
        )
    return found.pk


@cache
def busiest_report() -> int:
    """The busiest project's first status report, sent by its PM if it has none yet.

    A run that does not time the reports tick (`--skip-reports`) may find no report.
    """
    found = StatusReport.objects.filter(project_id=busiest_project()).order_by("pk").first()
    if found is None:
        from reports import services

        project = ImplementationProject.objects.get(pk=busiest_project())
        found, _ = services.report_send_now(project=project, user=project.pm)
    return found.pk


def biggest_template() -> int:
    """The template with the most tasks: the heaviest one a manager edits."""
    return first(ProjectTemplate.objects.annotate(n=Count("tasks")).order_by("-n", "pk"))


def first_template_item(model: type[Model]) -> Callable[[], int]:
    return lambda: first(model.objects.filter(template_id=biggest_template()).order_by("pk"))


@cache
def cutover_step() -> int:
    """A go-live checklist step of the PM's project in Testing, added if it has none."""
    from golive.models import CutoverStep

    project_id = testing_project()
    found = CutoverStep.objects.filter(project_id=project_id).order_by("pk").first()
    if found is None:
        found = CutoverStep.objects.create(
            project_id=project_id, title="Freeze payroll changes in the old system", order=1
        )
    return found.pk


def portal_project() -> int:
    """The project the demo client contact follows in the portal (portal/demo.py)."""
    from portal.models import PortalAccess

    return first(PortalAccess.objects.active().order_by("pk").values("project_id"))


def portal_task() -> int:
    """That contact's own client-visible task: the portal page with the upload form."""
    from portal.models import PortalAccess

    access = PortalAccess.objects.active().order_by("pk").first()
    if access is None:
        raise MissingBenchData("No contact has portal access: seed_demo gives one.")
    return first(
        Task.objects.filter(
            project_id=access.project_id, owner_contact_id=access.contact_id, visible_to_client=True
        ).order_by("pk")
    )


def no_such_link() -> str:
    return "no-such-portal-link-token-0000"


PROJECT = (busiest_project,)
TEMPLATE = (biggest_template,)

BARE = Page("bare view (/healthz)", None, "healthz")

# The base template with no content: every page's CPU time is compared with this one's.
FLOOR = Page("floor page (base template, no content)", PM, "floor")

PAGES: list[Page] = [
    FLOOR,
    Page("home (PM)", PM, "home"),
    Page("home (manager: portfolio)", MANAGER, "home"),
    Page("home (sales rep)", SALES, "home"),
    Page("login page", None, "login"),
    # Projects and what they hold
    Page("project list", PM, "projects:list"),
    Page("project list, page 2 by health", MANAGER, "projects:list", query="sort=-health&page=2"),
    Page("project detail", PM, "projects:detail", PROJECT),
    # The parts the project page loads as it is scrolled to, each asked for by htmx.
    Page(
        "project detail: lower part",
        PM,
        "projects:detail",
        PROJECT,
        query="fragment=more",
        htmx=True,
    ),
    Page("project detail: client portal card", PM, "portal_staff:project_card", PROJECT, htmx=True),
    Page(
        "project detail: recent history",
        PM,
        "projects:detail",
        PROJECT,
        query="fragment=history",
        htmx=True,
    ),
    Page("project history", PM, "projects:history", PROJECT),
    Page("project timeline", PM, "projects:timeline", PROJECT),
    Page("portfolio timeline", MANAGER, "projects:portfolio_timeline"),
    Page("baselines", PM, "projects:baseline_list", PROJECT),
    Page("baseline comparison", PM, "projects:baseline_compare", PROJECT),
    Page("task list", PM, "projects:task_list", PROJECT),
    Page("my work (PM)", PM, "projects:my_work"),
    Page("timesheet (PM)", PM, "projects:timesheet"),
    Page("task detail", PM, "projects:task_detail", (busiest_task,)),
    # The parts the task page loads with it.
    Page("task detail: baseline", PM, "projects:task_baseline", (busiest_task,), htmx=True),
    Page("task detail: client's files", PM, "portal_staff:task_files", (busiest_task,), htmx=True),
    Page("risk detail", PM, "projects:risk_detail", (first_of(Risk),)),
    Page("issue detail", PM, "projects:issue_detail", (first_of(Issue),)),
    Page("handoff report", PM, "projects:handoff_report", (handoff_project,)),
    # Clients
    Page("client list", MANAGER, "clients:list"),
    Page("client detail", MANAGER, "clients:detail", (sales_account,)),
    Page(
        "client detail: satisfaction",
        MANAGER,
        "portal_staff:client_surveys",
        (sales_account,),
        htmx=True,
    ),
    Page("account status (sales rep)", SALES, "projects:account_status", (sales_account,)),
    Page("sales handoff", SALES, "clients:handoff_detail", (sales_handoff(),)),
    # Alerts, status reports and the outbox
    Page("alerts list (PM: mine)", PM, "alerts:list"),
    Page("alerts list (manager: all)", MANAGER, "alerts:list", query="scope=all"),
    Page("alert detail", PM, "alerts:detail", (pm_alert,)),
    Page("status report history", PM, "reports:project_reports", PROJECT),
    Page("status report detail", PM, "reports:report_detail", (busiest_report,)),
    Page("status report preview", PM, "reports:preview", PROJECT),
    Page("template list", MANAGER, "playbooks:list"),
    Page("template detail", PM, "playbooks:detail", TEMPLATE),
    Page("project plan templates", PM, "playbooks:project_templates", PROJECT),
    Page("portfolio dashboard", MANAGER, "portfolio:dashboard"),
    Page("portfolio: projects in flight", MANAGER, "portfolio:now", htmx=True),
    Page("portfolio: go-lives", MANAGER, "portfolio:go_lives", htmx=True),
    Page("portfolio: time to go-live", MANAGER, "portfolio:time_to_go_live", htmx=True),
    Page("portfolio: satisfaction", MANAGER, "portfolio:satisfaction", htmx=True),
    Page("portfolio: escalations", MANAGER, "portfolio:escalations", htmx=True),
    Page("portfolio: PMs' load", MANAGER, "portfolio:pm_load", htmx=True),
    Page(
        "portfolio: time to go-live, one segment",
        MANAGER,
        "portfolio:time_to_go_live",
        query="segment=smb",
        htmx=True,
    ),
    Page("outbox list", MANAGER, "outbox:list"),
    Page("outbox detail", MANAGER, "outbox:detail", (newest_email,)),
    # Webhooks (admins only)
    Page("webhook list", ADMIN, "webhooks:list"),
    Page("new webhook", ADMIN, "webhooks:create"),
    Page("webhook deliveries", ADMIN, "webhooks:detail", (first_webhook,)),
    Page("edit webhook", ADMIN, "webhooks:edit", (first_webhook,)),
    # Meetings and calendar links
    Page("meeting list", PM, "meetings:meeting_list", PROJECT),
    Page("decision list", PM, "meetings:decision_list", PROJECT),
    Page("meeting detail", PM, "meetings:meeting_detail", (busiest_meeting,)),
    Page("calendar feeds", PM, "calendars:settings"),
    Page("API tokens", PM, "api:tokens"),
    # Forms
    Page("new project", PM, "projects:create"),
    Page("edit project", PM, "projects:edit", PROJECT),
    Page("new task", PM, "projects:task_create", PROJECT),
    Page("edit task", PM, "projects:task_edit", (busiest_task,)),
    Page("task done: what moves", PM, "projects:task_reschedule", (busiest_task,), query="done=1"),
    Page("new milestone", PM, "projects:milestone_create", PROJECT),
    Page("UAT sign-off", PM, "projects:uat_signoff", (testing_project,)),
    Page("edit milestone", PM, "projects:milestone_edit", (first_of(Milestone),)),
    Page("new risk", PM, "projects:risk_create", PROJECT),
    Page("edit risk", PM, "projects:risk_edit", (first_of(Risk),)),
    Page("new issue", PM, "projects:issue_create", PROJECT),
    Page("edit issue", PM, "projects:issue_edit", (first_of(Issue),)),
    Page("edit handoff report", PM, "projects:handoff_report_edit", (handoff_project,)),
    Page("status report schedule", PM, "reports:schedule", PROJECT),
    Page("new meeting", PM, "meetings:meeting_create", PROJECT),
    Page("edit meeting", PM, "meetings:meeting_edit", (busiest_meeting,)),
    Page("new action item", PM, "meetings:action_item_create", (busiest_meeting,)),
    Page("new decision", PM, "meetings:decision_create", (busiest_meeting,)),
    Page("new template", MANAGER, "playbooks:create"),
    Page("edit template", MANAGER, "playbooks:edit", TEMPLATE),
    Page("new template milestone", MANAGER, "playbooks:milestone_create", TEMPLATE),
    Page(
        "edit template milestone",
        MANAGER,
        "playbooks:milestone_edit",
        (first_template_item(TemplateMilestone),),
    ),
    Page("new template task", MANAGER, "playbooks:task_create", TEMPLATE),
    Page(
        "edit template task", MANAGER, "playbooks:task_edit", (first_template_item(TemplateTask),)
    ),
    Page("new client", MANAGER, "clients:create"),
    Page("edit client", MANAGER, "clients:edit", (sales_account,)),
    Page("new contact", MANAGER, "clients:contact_create", (sales_account,)),
    Page("edit contact", MANAGER, "clients:contact_edit", (sales_account, sales_contact)),
    Page("new sales handoff", SALES, "clients:handoff_create", (sales_account,)),
    Page("edit sales handoff", SALES, "clients:handoff_edit", (sales_handoff(open_only=True),)),
    # Go-live and the handoff to support
    Page("go-live readiness", PM, "golive:readiness", (testing_project,)),
    Page("incoming handoffs (support)", SUPPORT, "golive:incoming"),
    Page("new go-live step", PM, "golive:step_create", (testing_project,)),
    Page("edit go-live step", PM, "golive:step_edit", (cutover_step,)),
    Page("handoff question or answer", PM, "golive:handoff_message", (handoff_project,)),
    # Acceptance testing
    Page("testing", PM, "acceptance:testing", (testing_project,)),
    Page("new test case", PM, "acceptance:case_create", (testing_project,)),
    Page("record a test run", PM, "acceptance:run_create", (testing_case,)),
    # The client portal: the team's page, and the client contact's own pages
    Page("client portal (team)", PM, "portal_staff:project", (portal_project,)),
    Page("portal link refused", None, "portal:link", (no_such_link,)),
    Page("portal signed out", None, "portal:signed_out"),
    Page("portal project", PORTAL, "portal:project", (portal_project,)),
    Page("portal task", PORTAL, "portal:task", (portal_task,)),
    # Imports, and the downloads of a project (the portfolio's grows with it: not a page)
    Page("import", MANAGER, "exchange:import"),
    Page("import check", MANAGER, "exchange:import_detail", (first_import,)),
    Page("plan export (Excel)", PM, "exchange:plan_export", PROJECT, query="format=xlsx"),
    Page("plan export (CSV)", PM, "exchange:plan_export", PROJECT, query="format=csv"),
    Page("RAID log export (CSV)", PM, "exchange:raid_export", PROJECT, query="format=csv"),
]
