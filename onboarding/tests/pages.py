"""Golive's main pages, and which role opens each: the one list the accessibility checks walk.

A page is named by its URL name and the seeded objects its URL takes (keys of the ids that
`test_accessibility` picks from the demo data: "project", "task", "client"...). `roles` are the
roles that open it and see it (status 200), or see the error page it answers them with (403,
404). A new page needs one line here: `test_every_url_is_a_checked_page_or_an_action` fails
until every URL pattern of the app is either listed in PAGES or named in NOT_PAGES.
"""

from dataclasses import dataclass

from django.urls import reverse

PM = "pm"
MANAGER = "manager"
SALES = "sales"
SUPPORT = "support"
ADMIN = "admin"
ANONYMOUS = "anonymous"

# Each role's demo login (projects/demo.py); anonymous has none.
ROLES = (PM, MANAGER, SALES, SUPPORT, ADMIN)
STAFF = frozenset({PM, MANAGER, SUPPORT, ADMIN})  # read every client and project
EDITORS = frozenset({PM, MANAGER, ADMIN})  # change the PM's own project
MANAGERS = frozenset({MANAGER, ADMIN})  # change clients, read the outbox
ADMINS = frozenset({ADMIN})  # webhooks
EVERYONE = frozenset(ROLES)


@dataclass(frozen=True)
class MainPage:
    name: str
    url_name: str
    args: tuple[str, ...] = ()
    roles: frozenset[str] = STAFF
    status: int = 200
    # Also checked at phone width (390 px) for every role.
    phone: bool = False
    # A path instead of a URL name, for pages that have none (a URL nothing answers).
    path: str = ""

    def url(self, ids: dict[str, int]) -> str:
        if self.path:
            return self.path
        return reverse(self.url_name, args=[ids[key] for key in self.args])


PAGES = (
    MainPage("home", "home", roles=EVERYONE, phone=True),
    MainPage("login", "login", roles=frozenset({ANONYMOUS})),
    # Projects and what they hold
    MainPage("project list", "projects:list"),
    MainPage("project detail", "projects:detail", ("project",), phone=True),
    MainPage("project history", "projects:history", ("project",)),
    MainPage("project timeline", "projects:timeline", ("project",), phone=True),
    MainPage("portfolio timeline", "projects:portfolio_timeline"),
    MainPage("baselines", "projects:baseline_list", ("project",)),
    MainPage("baseline comparison", "projects:baseline_compare", ("project",), phone=True),
    MainPage("task list", "projects:task_list", ("project",)),
    MainPage("my work", "projects:my_work", roles=EVERYONE, phone=True),
    MainPage("timesheet", "projects:timesheet", roles=EVERYONE, phone=True),
    MainPage("task detail", "projects:task_detail", ("task",)),
    MainPage("risk detail", "projects:risk_detail", ("risk",)),
    MainPage("issue detail", "projects:issue_detail", ("issue",)),
    MainPage(
        "handoff report",
        "projects:handoff_report",
        ("handoff_project",),
        roles=STAFF | {SALES},
    ),
    # Clients
    MainPage("client list", "clients:list", roles=EVERYONE),
    MainPage("client detail", "clients:detail", ("client",), roles=EVERYONE),
    MainPage("account status", "projects:account_status", ("client",), roles=EVERYONE),
    MainPage("sales handoff", "clients:handoff_detail", ("sales_handoff",), roles=EVERYONE),
    # Alerts, status reports and the outbox
    MainPage("alert list", "alerts:list"),
    MainPage("alert detail", "alerts:detail", ("alert",)),
    MainPage("status report history", "reports:project_reports", ("project",)),
    MainPage("status report preview", "reports:preview", ("project",)),
    MainPage("status report", "reports:report_detail", ("report",)),
    MainPage("templates", "playbooks:list", roles=EDITORS),
    MainPage("template", "playbooks:detail", ("template",), roles=EDITORS),
    MainPage("project plan templates", "playbooks:project_templates", ("project",)),
    MainPage("portfolio", "portfolio:dashboard", roles=MANAGERS, phone=True),
    # Each panel of the dashboard, as the page it is without JavaScript
    MainPage("portfolio: projects in flight", "portfolio:now", roles=MANAGERS, phone=True),
    MainPage("portfolio: go-lives", "portfolio:go_lives", roles=MANAGERS),
    MainPage("portfolio: time to go-live", "portfolio:time_to_go_live", roles=MANAGERS),
    MainPage("portfolio: satisfaction", "portfolio:satisfaction", roles=MANAGERS),
    MainPage("portfolio: escalations", "portfolio:escalations", roles=MANAGERS),
    MainPage("portfolio: PMs' load", "portfolio:pm_load", roles=MANAGERS, phone=True),
    MainPage("outbox", "outbox:list", roles=MANAGERS),
    MainPage("outbox email", "outbox:detail", ("email",), roles=MANAGERS),
    # Webhooks
    MainPage("webhooks", "webhooks:list", roles=ADMINS),
    MainPage("new webhook", "webhooks:create", roles=ADMINS),
    MainPage("webhook and its deliveries", "webhooks:detail", ("webhook",), roles=ADMINS),
    MainPage("edit webhook", "webhooks:edit", ("webhook",), roles=ADMINS),
    MainPage(
        "forbidden (manager in webhooks)", "webhooks:list", roles=frozenset({MANAGER}), status=403
    ),
    # Meetings and calendar links
    MainPage("meeting list", "meetings:meeting_list", ("project",)),
    MainPage("decision list", "meetings:decision_list", ("project",)),
    MainPage("meeting detail", "meetings:meeting_detail", ("meeting",), phone=True),
    MainPage("calendar feeds", "calendars:settings"),
    MainPage("API tokens", "api:tokens", roles=EVERYONE),
    # Forms
    MainPage("new project", "projects:create", roles=EDITORS),
    MainPage("edit project", "projects:edit", ("project",), roles=EDITORS),
    MainPage("edit task", "projects:task_edit", ("task",), roles=EDITORS),
    MainPage("new task", "projects:task_create", ("project",), roles=frozenset({PM})),
    MainPage("new milestone", "projects:milestone_create", ("project",), roles=frozenset({PM})),
    MainPage("UAT sign-off", "projects:uat_signoff", ("testing_project",), roles=frozenset({PM})),
    MainPage("edit milestone", "projects:milestone_edit", ("milestone",), roles=frozenset({PM})),
    MainPage("new risk", "projects:risk_create", ("project",), roles=frozenset({PM})),
    MainPage("edit risk", "projects:risk_edit", ("risk",), roles=frozenset({PM})),
    MainPage("new issue", "projects:issue_create", ("project",), roles=frozenset({PM})),
    MainPage("edit issue", "projects:issue_edit", ("issue",), roles=frozenset({PM})),
    MainPage(
        "edit handoff report",
        "projects:handoff_report_edit",
        ("project",),
        roles=frozenset({PM}),
    ),
    MainPage("report schedule", "reports:schedule", ("project",), roles=frozenset({PM})),
    MainPage("new meeting", "meetings:meeting_create", ("project",), roles=frozenset({PM})),
    MainPage("edit meeting", "meetings:meeting_edit", ("meeting",), roles=EDITORS),
    MainPage("new action item", "meetings:action_item_create", ("meeting",), roles=frozenset({PM})),
    MainPage("new decision", "meetings:decision_create", ("meeting",), roles=frozenset({PM})),
    MainPage("new template", "playbooks:create", roles=MANAGERS),
    MainPage("edit template", "playbooks:edit", ("template",), roles=MANAGERS),
    MainPage("new template milestone", "playbooks:milestone_create", ("template",), roles=MANAGERS),
    MainPage(
        "edit template milestone",
        "playbooks:milestone_edit",
        ("template_milestone",),
        roles=frozenset({MANAGER}),
    ),
    MainPage("new template task", "playbooks:task_create", ("template",), roles=MANAGERS),
    MainPage("edit template task", "playbooks:task_edit", ("template_task",), roles=MANAGERS),
    MainPage("new client", "clients:create", roles=frozenset({MANAGER})),
    MainPage("edit client", "clients:edit", ("client",), roles=MANAGERS),
    MainPage("new contact", "clients:contact_create", ("client",), roles=MANAGERS),
    MainPage("edit contact", "clients:contact_edit", ("client", "contact"), roles=MANAGERS),
    MainPage(
        "new sales handoff", "clients:handoff_create", ("client",), roles=frozenset({SALES, ADMIN})
    ),
    MainPage(
        "edit sales handoff",
        "clients:handoff_edit",
        ("open_sales_handoff",),
        roles=frozenset({SALES}),
    ),
    # Go-live and the handoff to support
    MainPage("go-live readiness", "golive:readiness", ("testing_project",), phone=True),
    MainPage("incoming handoffs", "golive:incoming"),
    MainPage("new go-live step", "golive:step_create", ("testing_project",), roles=frozenset({PM})),
    MainPage("edit go-live step", "golive:step_edit", ("cutover_step",), roles=frozenset({PM})),
    MainPage(
        "handoff question",
        "golive:handoff_message",
        ("handoff_project",),
        roles=frozenset({SUPPORT}),
    ),
    MainPage(
        "forbidden (support changing the go-live checklist)",
        "golive:step_create",
        ("testing_project",),
        roles=frozenset({SUPPORT}),
        status=403,
    ),
    # Acceptance testing
    MainPage("testing", "acceptance:testing", ("testing_project",), phone=True),
    MainPage("new test case", "acceptance:case_create", ("testing_project",), roles=EDITORS),
    MainPage("record a test run", "acceptance:run_create", ("test_case",), roles=EDITORS),
    MainPage(
        "forbidden (support recording a test run)",
        "acceptance:run_create",
        ("test_case",),
        roles=frozenset({SUPPORT}),
        status=403,
    ),
    # The client portal: the team's page, and what a visitor without a portal session sees
    MainPage("client portal (team)", "portal_staff:project", ("project",), phone=True),
    MainPage(
        "portal link refused",
        "portal:link",
        roles=frozenset({ANONYMOUS}),
        path="/portal/in/no-such-portal-link-token-0000/",
    ),
    MainPage("portal signed out", "portal:signed_out", roles=frozenset({ANONYMOUS}), phone=True),
    # Imports from a CRM's CSV
    MainPage("import", "exchange:import", roles=MANAGERS, phone=True),
    MainPage("import check", "exchange:import_detail", ("import_run",), roles=MANAGERS, phone=True),
    MainPage(
        "forbidden (PM importing)",
        "exchange:import",
        roles=frozenset({PM}),
        status=403,
    ),
    # Error pages: what a role sees where it may not go, and where nothing is
    MainPage("forbidden (PM in the outbox)", "outbox:list", roles=frozenset({PM}), status=403),
    MainPage(
        "forbidden (PM in the portfolio)", "portfolio:dashboard", roles=frozenset({PM}), status=403
    ),
    MainPage(
        "forbidden (support editing a project)",
        "projects:edit",
        ("project",),
        roles=frozenset({SUPPORT}),
        status=403,
    ),
    MainPage(
        "forbidden (sales rep adding a client)",
        "clients:create",
        roles=frozenset({SALES}),
        status=403,
    ),
    MainPage(
        "forbidden (manager writing a sales handoff)",
        "clients:handoff_create",
        ("client",),
        roles=frozenset({MANAGER}),
        status=403,
    ),
    MainPage(
        "not found",
        "",
        roles=EVERYONE | {ANONYMOUS},
        status=404,
        path="/no-such-page/",
    ),
)

# URL names that are not pages a person reads: each says what it is instead.
NOT_PAGES = {
    "logout": "POST: logs out and redirects",
    "healthz": "a probe for load balancers, plain text",
    "favicon": "a redirect to the icon file",
    "floor": "the base template with no content, the benchmark's floor (bench/pages.py)",
    "alerts:acknowledge": "POST action",
    "alerts:resolve": "POST action",
    "clients:handoff_acknowledge": "POST action",
    "clients:options": "htmx fragment: the options of the project form's account search",
    "projects:task_baseline": "htmx fragment: a task's baseline dates, loaded into its page",
    "clients:time_zones": "htmx fragment: the time zone names the client form suggests",
    "projects:pm_options": "htmx fragment: the options of the project form's PM search",
    "outbox:retry": "POST action",
    "webhooks:rotate_secret": "POST action (its button is on the webhook's page)",
    "webhooks:delete": "POST action (its button is on the webhook's page)",
    "webhooks:retry": "POST action (its button is on the webhook's page)",
    "projects:comment": "POST action (its form is on the project page)",
    "projects:task_comment": "POST action (its form is on the task page)",
    "projects:risk_comment": "POST action (its form is on the risk page)",
    "projects:issue_comment": "POST action (its form is on the issue page)",
    "projects:phase": "POST action",
    "projects:baseline": "POST action",
    "projects:health_override": "POST action (its form is on the project page)",
    "projects:health_override_clear": "POST action",
    "projects:member_add": "POST action (its form is on the project page)",
    "projects:member_remove": "POST action",
    "projects:milestone_complete": "POST action",
    "projects:milestone_reopen": "POST action",
    "projects:milestone_sign_off": "POST action",
    "projects:task_status": "POST, in place (htmx): answers a table row",
    "projects:task_owner": "POST, in place (htmx): answers a table row",
    # Its address carries the change it previews (due=…, done=1, pull=1&since=…); bench/pages.py
    # measures it with one.
    "projects:task_reschedule": "a preview of a task's change, then its confirmation (POST)",
    "projects:risk_status": "POST action",
    "projects:issue_status": "POST action",
    "projects:time_entry_create": "POST action (its form is on the project page)",
    "projects:handoff_report_send": "POST action",
    "projects:handoff_report_decide": "POST action",
    "reports:send_now": "POST action",
    # PDF downloads, not pages: reports/tests/test_versions.py and
    # projects/tests/test_handoff_pdf.py check them.
    "reports:report_pdf": "a PDF download (the file stored when the report was sent)",
    "projects:handoff_report_pdf": "a PDF download (stored when sent; a draft before)",
    "exchange:import_start": "POST action (its buttons are on the import check page)",
    # Downloads, not pages: exchange/tests/test_exports.py opens them with csv and openpyxl.
    "exchange:plan_export": "a CSV or Excel download of a project's plan",
    "exchange:raid_export": "a CSV or Excel download of a project's risks and issues",
    "exchange:portfolio_export": "a CSV or Excel download of the filtered project list",
    "calendars:reset": "POST action (its button is on the calendar feeds and project pages)",
    "calendars:revoke": "POST action",
    "calendars:user_feed": "iCalendar feed that calendar apps fetch (tests pin its queries)",
    "calendars:project_feed": "iCalendar feed that calendar apps fetch (tests pin its queries)",
    "playbooks:milestone_delete": "POST action (its button is on the template page)",
    "playbooks:task_delete": "POST action (its button is on the template page)",
    "playbooks:apply": "POST: previews or makes the plan (its form is on the plan templates page)",
    "playbooks:save_as_template": "POST action (its form is on the plan templates page)",
    "golive:go_live": "POST action (its form is on the go-live readiness page)",
    "golive:step_state": "POST action (its buttons are on the go-live readiness page)",
    "golive:step_move": "POST action (its buttons are on the go-live readiness page)",
    "golive:handoff_rebuild": "POST action (its button is on the handoff report page)",
    "acceptance:run_attachment": "a file download (a test run's attachment)",
    # The client portal: its pages are for a client contact's portal session, which no role
    # here has; portal/tests/test_pages.py walks them (HTML, hostile text, queries).
    "portal:home": "client portal page (portal/tests/test_pages.py)",
    "portal:project": "client portal page (portal/tests/test_pages.py)",
    "portal:task": "client portal page (portal/tests/test_pages.py)",
    "portal:signoff": "client portal page (portal/tests/test_pages.py)",
    "portal:survey": "client portal page (portal/tests/test_pages.py)",
    "portal:case": "client portal page (portal/tests/test_pages.py)",
    "portal:uat_signoff": "client portal page (portal/tests/test_pages.py)",
    "portal:task_done": "POST action (its button is on the portal's task page)",
    "portal:sign_out": "POST action (its button is in the portal's header)",
    "portal:download": "a file download",
    "portal:report_pdf": "a PDF download (portal/tests/test_documents.py checks it)",
    "portal_staff:task_file": "a file download",
    "portal_staff:invite": "POST action (its form is on the project's client portal page)",
    "portal_staff:revoke": "POST action (its button is on the project's client portal page)",
    "portal_staff:signoff_request": "POST action (its form is on the client portal page)",
    "portal_staff:project_card": "htmx fragment: the client portal card of the project page",
    "portal_staff:task_files": "htmx fragment: the client's files on the task page",
    "portal_staff:client_surveys": "htmx fragment: the satisfaction card of the client page",
    # The REST API answers JSON (api/tests pin each list's queries and walk it by role).
    "api:client-list": "REST API, JSON",
    "api:client-detail": "REST API, JSON",
    "api:client-account-status": "REST API, JSON",
    "api:contact-list": "REST API, JSON",
    "api:contact-detail": "REST API, JSON",
    "api:project-list": "REST API, JSON",
    "api:project-detail": "REST API, JSON",
    "api:project-phase": "REST API, JSON (POST action)",
    "api:project-from-deal": "REST API, JSON (POST action)",
    "api:milestone-list": "REST API, JSON",
    "api:milestone-detail": "REST API, JSON",
    "api:task-list": "REST API, JSON",
    "api:task-detail": "REST API, JSON",
    "api:risk-list": "REST API, JSON",
    "api:risk-detail": "REST API, JSON",
    "api:issue-list": "REST API, JSON",
    "api:issue-detail": "REST API, JSON",
    "api:alert-list": "REST API, JSON",
    "api:alert-detail": "REST API, JSON",
    "api:schema": "the OpenAPI schema (YAML or JSON)",
    "api:docs": "Swagger UI's own page (drf-spectacular's template; api/tests load it in Chromium)",
    "api:token_revoke": "POST action (its buttons are on the API tokens page)",
}


def pages_for(role: str) -> list[MainPage]:
    """The pages a role's checks open."""
    return [page for page in PAGES if role in page.roles]
