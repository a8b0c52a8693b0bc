"""The pages `make bench` drives, in one list. Add a line to PAGES when you add a page.

Each `Page` has a name (the row of the table), the demo login that opens it (`pm`, `manager`,
`sales`, `support`: the users `seed_demo` makes) and a function that returns its path on the
benchmark data. The objects are picked the way a user would meet them: the demo PM's busiest
project, its busiest task, its alerts and reports, a sales rep's biggest account. A page that
cannot find its object (an empty table) stops the run with a message, rather than timing a
404. Every page must answer 200 to its login; the driver checks that before timing it.

`BARE` is the constant view every page is compared with: the same server, middleware and
load generator, no template and no query.

Example, a page for a new "meeting detail" view:

    Page("meeting detail", "pm", lambda: reverse("projects:meeting_detail",
         args=[first(Meeting.objects.filter(project=busiest_project()))]))
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.db.models import Count, Model, QuerySet
from django.urls import reverse

from alerts.models import Alert
from clients.models import Client
from outbox.models import OutgoingEmail
from projects.models import HandoffReport, ImplementationProject, Issue, Risk, Task
from reports.models import StatusReport

PM, MANAGER, SALES = "pm", "manager", "sales"


@dataclass(frozen=True)
class Page:
    name: str
    login: str | None
    path: Callable[[], str]


class MissingBenchData(LookupError):
    """The benchmark data holds no object for a page: seed or run the jobs first."""


def first(queryset: QuerySet) -> int:
    """The pk of the first row, or MissingBenchData naming what was looked for."""
    pk = queryset.values_list("pk", flat=True).first()
    if pk is None:
        raise MissingBenchData(f"No {queryset.model._meta.verbose_name} found for the benchmark.")
    return pk


def _pm_projects() -> QuerySet[ImplementationProject]:
    return ImplementationProject.objects.filter(pm__username=PM)


@cache
def busiest_project() -> int:
    """The demo PM's in-flight project with the most tasks: the heaviest plan they open."""
    return first(_pm_projects().in_flight().annotate(n=Count("tasks")).order_by("-n", "pk"))


def _in_project(model: type[Model]) -> QuerySet:
    return model.objects.filter(project_id=busiest_project())


@cache
def busiest_task() -> int:
    """The task of that project with the most predecessors, successors and history."""
    return first(
        _in_project(Task)
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


@cache
def handoff_project() -> int:
    return first(HandoffReport.objects.filter(project__pm__username=PM).values("project_id"))


def _path(name: str, pk: Callable[[], int] | None = None, query: str = "") -> Callable[[], str]:
    def path() -> str:
        url = reverse(name, args=[pk()] if pk else [])
        return f"{url}?{query}" if query else url

    return path


BARE = Page("bare view (/healthz)", None, _path("healthz"))

PAGES: list[Page] = [
    Page("home (PM)", PM, _path("home")),
    Page("home (manager: portfolio)", MANAGER, _path("home")),
    Page("home (sales rep)", SALES, _path("home")),
    Page("project list", PM, _path("projects:list")),
    Page(
        "project list, page 2 by health",
        MANAGER,
        _path("projects:list", query="sort=-health&page=2"),
    ),
    Page("project detail", PM, _path("projects:detail", busiest_project)),
    Page("project history", PM, _path("projects:history", busiest_project)),
    Page("task list", PM, _path("projects:task_list", busiest_project)),
    Page("task detail", PM, _path("projects:task_detail", busiest_task)),
    Page("risk detail", PM, _path("projects:risk_detail", lambda: first(_in_project(Risk)))),
    Page("issue detail", PM, _path("projects:issue_detail", lambda: first(_in_project(Issue)))),
    Page("handoff report", PM, _path("projects:handoff_report", handoff_project)),
    Page("client list", MANAGER, _path("clients:list")),
    Page("client detail", MANAGER, _path("clients:detail", sales_account)),
    Page("account status (sales rep)", SALES, _path("projects:account_status", sales_account)),
    Page("alerts list (PM: mine)", PM, _path("alerts:list")),
    Page("alerts list (manager: all)", MANAGER, _path("alerts:list", query="scope=all")),
    Page(
        "alert detail",
        PM,
        _path("alerts:detail", lambda: first(Alert.objects.filter(project__pm__username=PM))),
    ),
    Page("status report history", PM, _path("reports:project_reports", busiest_project)),
    Page(
        "status report detail",
        PM,
        _path(
            "reports:report_detail",
            lambda: first(StatusReport.objects.filter(project_id=busiest_project())),
        ),
    ),
    Page("status report preview", PM, _path("reports:preview", busiest_project)),
    Page("outbox list", MANAGER, _path("outbox:list")),
    Page(
        "outbox detail",
        MANAGER,
        _path("outbox:detail", lambda: first(OutgoingEmail.objects.order_by("-pk"))),
    ),
]
