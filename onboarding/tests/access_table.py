"""Who may use each URL of Golive, and what each role gets: PRODUCT.md's Access table, per URL.

test_security.py walks every named URL pattern of the project and fails when one is missing
here, so a new page or endpoint cannot ship without someone deciding who may use it.

The roles, against the one demo project the walk uses (see test_security.World):

    anonymous        nobody logged in
    pm               the project's PM
    other_pm         a PM who neither manages the project nor is on its team
    manager          an implementation manager
    sales_rep        the sales rep of the project's client
    other_sales_rep  a sales rep of other accounts
    support          the support team
    admin            a superuser

An answer is an HTTP status, or LOGIN / ADMIN_LOGIN for a redirect to that login page. A 302
means a redirect anywhere else: where an action goes after it is done, or after it said what
was wrong with the (empty) input. Refusals follow STYLE.md: 404 where the user may not see the
object, 403 where they may see it but not do this.

Each route lists the answer to a GET and to a POST with no data (the walk's stand-in for an
action; a form page shows its errors with a 200). A view that takes only POST refuses a GET
with 405 before it looks anything up, so that 405 tells a user nothing about the object; the
same goes for a POST to a page that only shows something.
"""

from dataclasses import dataclass

ROLES = (
    "anonymous",
    "pm",
    "other_pm",
    "manager",
    "sales_rep",
    "other_sales_rep",
    "support",
    "admin",
)

LOGIN = "login"  # a redirect to the login page
ADMIN_LOGIN = "admin login"  # a redirect to the Django admin's login page

Answer = int | str


def answers(
    pm: Answer,
    other_pm: Answer,
    manager: Answer,
    sales_rep: Answer,
    other_sales_rep: Answer,
    support: Answer,
    admin: Answer,
    *,
    anonymous: Answer = LOGIN,
) -> dict[str, Answer]:
    """The answer each role gets, in the order of the module docstring (anonymous last)."""
    return {
        "anonymous": anonymous,
        "pm": pm,
        "other_pm": other_pm,
        "manager": manager,
        "sales_rep": sales_rep,
        "other_sales_rep": other_sales_rep,
        "support": support,
        "admin": admin,
    }


def everyone(answer: Answer, *, anonymous: Answer = LOGIN) -> dict[str, Answer]:
    return answers(*[answer] * 7, anonymous=anonymous)


@dataclass(frozen=True)
class Route:
    get: dict[str, Answer]
    post: dict[str, Answer]

    def accepts_post(self, role: str) -> bool:
        """Whether this role's POST reaches the view's work (the CSRF check must stop it)."""
        return self.post[role] not in (LOGIN, ADMIN_LOGIN, 401, 403, 404, 405)


# What the roles get, by the rule of PRODUCT.md they follow.
#                    pm   other_pm manager sales other_sales support admin
EVERY_ROLE = everyone(200)
NOT_ALLOWED = everyone(405)  # the wrong method, for every logged-in role

# Clients: the implementation side reads every account, a sales rep only their own; managers
# (and admins) edit accounts and contacts.
CLIENT_READ = answers(200, 200, 200, 200, 404, 200, 200)
CLIENT_EDIT = answers(403, 403, 200, 403, 404, 403, 200)
CLIENT_CREATE = answers(403, 403, 200, 403, 403, 403, 200)
# Sales handoff: the account's own rep writes it (until acknowledged), the PM of its project
# and managers acknowledge it, everyone who reads the account reads it.
HANDOFF_WRITE = answers(403, 403, 403, 200, 404, 403, 200)
HANDOFF_ACKNOWLEDGE = answers(302, 403, 302, 403, 404, 403, 302)

# Projects are for the implementation side: sales reps use the account status page instead.
PROJECT_LIST = answers(200, 200, 200, 403, 403, 200, 200)
PROJECT_CREATE = answers(200, 200, 200, 403, 403, 403, 200)
PROJECT_READ = answers(200, 200, 200, 404, 404, 200, 200)
# Changed by the project's PM and team, managers and admins; other PMs and support read only.
PROJECT_FORM = answers(200, 403, 200, 404, 404, 403, 200)
PROJECT_ACTION = answers(302, 403, 302, 404, 404, 403, 302)
# Everyone who reads a project may comment on it and on what is in it.
PROJECT_COMMENT = answers(302, 302, 302, 404, 404, 302, 302)
ITEM_COMMENT = answers(200, 200, 200, 404, 404, 200, 200)  # an empty comment: the page, with why

# Handoff report: the implementation side reads it, and the account's rep once it exists;
# support (and admins) accept or return it.
HANDOFF_REPORT_READ = answers(200, 200, 200, 200, 404, 200, 200)
HANDOFF_REPORT_DECIDE = answers(403, 403, 403, 404, 404, 200, 200)

# Alerts live on projects: whoever may change the project (or owns the alert) acts on it.
ALERT_ACTION = answers(302, 403, 302, 404, 404, 403, 302)

# The handoff report's questions and answers: support asks, the project's PM, team and
# managers answer; other PMs read the thread on the report only.
HANDOFF_THREAD = answers(200, 403, 200, 404, 404, 200, 200)

# Calendar links: whoever reads projects has one of their own.
CALENDAR_LINKS = answers(200, 200, 200, 403, 403, 200, 200)
CALENDAR_ACTION = answers(302, 302, 302, 403, 403, 302, 302)

# The outbox holds every message to every recipient: admins and managers only.
OUTBOX_READ = answers(403, 403, 200, 403, 403, 403, 200)
OUTBOX_ACTION = answers(403, 403, 302, 403, 403, 403, 302)

# The portfolio dashboard is the implementation manager's (PRODUCT.md: the portfolio, each PM's
# load): PMs, sales reps and support may not open it.
PORTFOLIO_READ = answers(403, 403, 200, 403, 403, 403, 200)
# Webhooks send Golive's data out of it: admins alone see them. The list and the new-webhook
# form are refused to others (403); an endpoint is not found (404), as if there were none.
WEBHOOK_LIST = answers(403, 403, 403, 403, 403, 403, 200)
WEBHOOK_READ = answers(404, 404, 404, 404, 404, 404, 200)
WEBHOOK_ACTION = answers(404, 404, 404, 404, 404, 404, 302)

# Templates: PMs read them to plan; implementation managers and admins edit them. Other roles
# see none: the list refuses them, a template is not found.
TEMPLATE_LIST = answers(200, 200, 200, 403, 403, 403, 200)
TEMPLATE_CREATE = answers(403, 403, 200, 403, 403, 403, 200)
TEMPLATE_READ = answers(200, 200, 200, 404, 404, 404, 200)
TEMPLATE_EDIT = answers(403, 403, 200, 404, 404, 404, 200)
TEMPLATE_ACTION = answers(403, 403, 302, 404, 404, 404, 302)
# Saving a project's plan as a template makes a template: managers and admins.
TEMPLATE_FROM_PROJECT = answers(403, 403, 200, 404, 404, 403, 200)

# Imports write accounts, contacts and projects: implementation managers and admins, as for
# adding a client. Everyone else is refused the import pages, whatever run they name.
IMPORT = answers(403, 403, 200, 403, 403, 403, 200)
IMPORT_ACTION = answers(403, 403, 302, 403, 403, 403, 302)
# The REST API answers in JSON: a caller with neither a token nor a session gets 401, not a
# redirect to the login page. Reading follows the pages; an empty POST that reaches a create or
# an action is refused with 400 and what is missing.
API_OUT = 401
API_EVERY_ROLE = everyone(200, anonymous=API_OUT)
API_NOT_ALLOWED = everyone(405, anonymous=API_OUT)
API_CLIENT_READ = {**CLIENT_READ, "anonymous": API_OUT}
API_PROJECT_LIST = {**PROJECT_LIST, "anonymous": API_OUT}
API_PROJECT_READ = {**PROJECT_READ, "anonymous": API_OUT}
# Opening projects and adding what they hold: PMs, managers and admins (then per project).
API_CREATE = answers(400, 400, 400, 403, 403, 403, 400, anonymous=API_OUT)
API_PROJECT_ACTION = answers(400, 403, 400, 404, 404, 403, 400, anonymous=API_OUT)


def api_list(readers: dict[str, Answer], post: dict[str, Answer] = API_NOT_ALLOWED) -> Route:
    return Route(get=readers, post=post)


def api_detail(readers: dict[str, Answer]) -> Route:
    """An object's JSON: read by GET, changed by PUT/PATCH (api/tests), never POSTed to."""
    return Route(get=readers, post=API_NOT_ALLOWED)


def api_action(users: dict[str, Answer]) -> Route:
    return Route(get=API_NOT_ALLOWED, post=users)


def page(readers: dict[str, Answer]) -> Route:
    """A page that shows something: GET for its readers, POST refused."""
    return Route(get=readers, post=NOT_ALLOWED)


def form(users: dict[str, Answer]) -> Route:
    """A form page: GET shows the form, an empty POST shows it again with its errors."""
    return Route(get=users, post=users)


def action(users: dict[str, Answer]) -> Route:
    """A POST-only action."""
    return Route(get=NOT_ALLOWED, post=users)


ACCESS: dict[str, Route] = {
    # The project's own pages
    "home": page(EVERY_ROLE),
    "healthz": Route(get=everyone(200, anonymous=200), post=everyone(405, anonymous=405)),
    # Browsers ask for it on every page, logged in or not.
    "favicon": Route(get=everyone(302, anonymous=302), post=everyone(405, anonymous=405)),
    # A logged-in user is sent on from the login page; an empty login shows the form's errors.
    "login": Route(get=everyone(302, anonymous=200), post=everyone(302, anonymous=200)),
    "logout": Route(get=everyone(405, anonymous=405), post=everyone(LOGIN)),
    # The base template with no content: what every page pays (the benchmark's floor).
    "floor": page(EVERY_ROLE),
    # The Django admin is for admins only: everyone else is asked to log in as staff.
    "admin:index": Route(
        get=answers(*[ADMIN_LOGIN] * 6, 200, anonymous=ADMIN_LOGIN),
        post=answers(*[ADMIN_LOGIN] * 6, 200, anonymous=ADMIN_LOGIN),
    ),
    # Clients
    "clients:list": page(EVERY_ROLE),
    "clients:create": form(CLIENT_CREATE),
    "clients:options": page(PROJECT_CREATE),
    # The time zone names the client form suggests: public knowledge, for anyone logged in.
    "clients:time_zones": page(EVERY_ROLE),
    # The project form's PM search (htmx): for those who open projects.
    "projects:pm_options": page(PROJECT_CREATE),
    "clients:detail": page(CLIENT_READ),
    "clients:edit": form(CLIENT_EDIT),
    "clients:contact_create": form(CLIENT_EDIT),
    "clients:contact_edit": form(CLIENT_EDIT),
    "clients:handoff_create": form(HANDOFF_WRITE),
    "clients:handoff_detail": page(CLIENT_READ),
    "clients:handoff_edit": form(HANDOFF_WRITE),
    "clients:handoff_acknowledge": action(HANDOFF_ACKNOWLEDGE),
    # A sales rep's one page about their own account
    "projects:account_status": page(CLIENT_READ),
    # Projects
    "projects:list": page(PROJECT_LIST),
    "projects:create": form(PROJECT_CREATE),
    "projects:detail": page(PROJECT_READ),
    "projects:edit": form(PROJECT_FORM),
    "projects:history": page(PROJECT_READ),
    "projects:timeline": page(PROJECT_READ),
    "projects:portfolio_timeline": page(PROJECT_LIST),
    "projects:baseline": action(PROJECT_ACTION),
    # Kept baselines and two versions of the plan side by side: whoever reads the project.
    "projects:baseline_list": page(PROJECT_READ),
    "projects:baseline_compare": page(PROJECT_READ),
    "projects:task_baseline": page(PROJECT_READ),
    "projects:phase": action(PROJECT_ACTION),
    "projects:health_override": action(PROJECT_ACTION),
    "projects:health_override_clear": action(PROJECT_ACTION),
    # A page that lists what testing has open, then records the sign-off; the walk's project
    # has been signed off, so each editor is sent back to it.
    "projects:uat_signoff": Route(get=PROJECT_ACTION, post=PROJECT_ACTION),
    "projects:member_add": action(PROJECT_ACTION),
    # The demo member owns open tasks: the answer is the page that lists them first.
    "projects:member_remove": action(PROJECT_FORM),
    "projects:comment": action(PROJECT_COMMENT),
    "projects:time_entry_create": form(PROJECT_FORM),
    # Milestones
    "projects:milestone_create": form(PROJECT_FORM),
    "projects:milestone_edit": form(PROJECT_FORM),
    "projects:milestone_complete": action(PROJECT_ACTION),
    "projects:milestone_reopen": action(PROJECT_ACTION),
    "projects:milestone_sign_off": action(PROJECT_ACTION),
    # Tasks
    "projects:task_list": page(PROJECT_READ),
    # Everyone has a "My work" page; it lists only their own tasks (none for most roles).
    "projects:my_work": page(EVERY_ROLE),
    # Everyone has a timesheet; an empty POST is refused on the page (its week state is missing).
    "projects:timesheet": form(EVERY_ROLE),
    "projects:task_create": form(PROJECT_FORM),
    "projects:task_detail": page(PROJECT_READ),
    "projects:task_edit": form(PROJECT_FORM),
    "projects:task_status": action(PROJECT_ACTION),
    "projects:task_owner": action(PROJECT_ACTION),
    # What a task's change would move, then its confirmation: editors only. Without a change
    # to preview (the walk gives none) each editor is sent back with why.
    "projects:task_reschedule": Route(get=PROJECT_ACTION, post=PROJECT_ACTION),
    "projects:task_comment": action(ITEM_COMMENT),
    # Risks
    "projects:risk_create": form(PROJECT_FORM),
    "projects:risk_detail": page(PROJECT_READ),
    "projects:risk_edit": form(PROJECT_FORM),
    "projects:risk_status": action(PROJECT_ACTION),
    "projects:risk_comment": action(ITEM_COMMENT),
    # Issues
    "projects:issue_create": form(PROJECT_FORM),
    "projects:issue_detail": page(PROJECT_READ),
    "projects:issue_edit": form(PROJECT_FORM),
    "projects:issue_status": action(PROJECT_ACTION),
    "projects:issue_comment": action(ITEM_COMMENT),
    # The handoff report (the walk's project has one, sent to support and not yet decided)
    "projects:handoff_report": page(HANDOFF_REPORT_READ),
    "projects:handoff_report_edit": form(PROJECT_FORM),
    "projects:handoff_report_send": action(PROJECT_ACTION),
    "projects:handoff_report_decide": action(HANDOFF_REPORT_DECIDE),
    # Status reports
    "reports:project_reports": page(PROJECT_READ),
    "reports:preview": page(PROJECT_READ),
    "reports:send_now": action(PROJECT_ACTION),
    "reports:schedule": form(PROJECT_FORM),
    "reports:report_detail": page(PROJECT_READ),
    # PDF downloads: a status report's follows the report, the handoff report's follows it.
    "reports:report_pdf": page(PROJECT_READ),
    "projects:handoff_report_pdf": page(HANDOFF_REPORT_READ),
    # Alerts
    "alerts:list": page(PROJECT_READ),
    "alerts:detail": page(PROJECT_READ),
    "alerts:acknowledge": action(ALERT_ACTION),
    "alerts:resolve": action(ALERT_ACTION),
    # Meetings follow their project: its readers read them, its PM, team and managers write.
    "meetings:meeting_list": page(PROJECT_READ),
    "meetings:meeting_create": form(PROJECT_FORM),
    "meetings:decision_list": page(PROJECT_READ),
    "meetings:meeting_detail": page(PROJECT_READ),
    "meetings:meeting_edit": form(PROJECT_FORM),
    "meetings:action_item_create": form(PROJECT_FORM),
    "meetings:decision_create": form(PROJECT_FORM),
    # Calendar links are for those who read projects; the feeds take the link's token instead
    # of a login (the walk's token is the PM's), so every visitor gets the same answer.
    "calendars:settings": page(CALENDAR_LINKS),
    "calendars:reset": action(CALENDAR_ACTION),
    "calendars:revoke": action(CALENDAR_ACTION),
    "calendars:user_feed": Route(
        get=everyone(200, anonymous=200), post=everyone(405, anonymous=405)
    ),
    "calendars:project_feed": Route(
        get=everyone(200, anonymous=200), post=everyone(405, anonymous=405)
    ),
    # Project templates (playbooks)
    "playbooks:list": page(TEMPLATE_LIST),
    "playbooks:create": form(TEMPLATE_CREATE),
    "playbooks:detail": page(TEMPLATE_READ),
    "playbooks:edit": form(TEMPLATE_EDIT),
    "playbooks:milestone_create": form(TEMPLATE_EDIT),
    "playbooks:milestone_edit": form(TEMPLATE_EDIT),
    "playbooks:milestone_delete": action(TEMPLATE_ACTION),
    "playbooks:task_create": form(TEMPLATE_EDIT),
    "playbooks:task_edit": form(TEMPLATE_EDIT),
    "playbooks:task_delete": action(TEMPLATE_ACTION),
    # A project's plan from templates (an empty POST: the page with what is missing)
    "playbooks:project_templates": page(PROJECT_READ),
    "playbooks:apply": Route(get=NOT_ALLOWED, post=PROJECT_FORM),
    "playbooks:save_as_template": Route(get=NOT_ALLOWED, post=TEMPLATE_FROM_PROJECT),
    # Go-live readiness, its checklist, and the handoff to support (the walk's project is past
    # Testing, so a move to Go-live is refused with a message on the readiness page, and its
    # report, sent to support, is no longer rebuilt)
    "golive:readiness": page(PROJECT_READ),
    "golive:go_live": action(PROJECT_ACTION),
    "golive:step_create": form(PROJECT_FORM),
    "golive:step_edit": form(PROJECT_FORM),
    "golive:step_state": action(PROJECT_ACTION),
    "golive:step_move": action(PROJECT_ACTION),
    "golive:handoff_rebuild": action(PROJECT_ACTION),
    "golive:handoff_message": form(HANDOFF_THREAD),
    "golive:incoming": page(PROJECT_LIST),
    # Acceptance testing: whoever reads the project reads its testing page and attachments;
    # its PM, team and managers add test cases and record runs
    "acceptance:testing": page(PROJECT_READ),
    "acceptance:case_create": form(PROJECT_FORM),
    "acceptance:run_create": form(PROJECT_FORM),
    "acceptance:run_attachment": page(PROJECT_READ),
    # The portfolio dashboard
    "portfolio:dashboard": page(PORTFOLIO_READ),
    "portfolio:now": page(PORTFOLIO_READ),
    "portfolio:go_lives": page(PORTFOLIO_READ),
    "portfolio:time_to_go_live": page(PORTFOLIO_READ),
    "portfolio:satisfaction": page(PORTFOLIO_READ),
    "portfolio:escalations": page(PORTFOLIO_READ),
    "portfolio:pm_load": page(PORTFOLIO_READ),
    # The outbox
    "outbox:list": page(OUTBOX_READ),
    "outbox:detail": page(OUTBOX_READ),
    "outbox:retry": action(OUTBOX_ACTION),
    # Webhooks
    "webhooks:list": page(WEBHOOK_LIST),
    "webhooks:create": form(WEBHOOK_LIST),
    "webhooks:detail": page(WEBHOOK_READ),
    "webhooks:edit": form(WEBHOOK_READ),
    "webhooks:rotate_secret": action(WEBHOOK_ACTION),
    "webhooks:delete": action(WEBHOOK_ACTION),
    "webhooks:retry": action(WEBHOOK_ACTION),
    # The client portal is for client contacts with a portal session, never for a staff login:
    # every role is refused (403), a visitor without a portal session is sent to the page that
    # says how to sign in again (302). A sign-in link with a bad token answers everyone with
    # the same page (200). The team's own portal pages follow the project.
    "portal:home": Route(get=everyone(403, anonymous=302), post=everyone(405, anonymous=405)),
    "portal:link": Route(get=everyone(200, anonymous=200), post=everyone(200, anonymous=200)),
    "portal:signed_out": Route(get=everyone(200, anonymous=200), post=everyone(405, anonymous=405)),
    "portal:sign_out": Route(get=everyone(405, anonymous=405), post=everyone(403, anonymous=302)),
    "portal:project": Route(get=everyone(403, anonymous=302), post=everyone(405, anonymous=405)),
    "portal:task": Route(get=everyone(403, anonymous=302), post=everyone(403, anonymous=302)),
    "portal:task_done": Route(get=everyone(405, anonymous=405), post=everyone(403, anonymous=302)),
    "portal:download": Route(get=everyone(403, anonymous=302), post=everyone(405, anonymous=405)),
    # The client version of a status report sent to the contact.
    "portal:report_pdf": Route(get=everyone(403, anonymous=302), post=everyone(405, anonymous=405)),
    "portal:signoff": Route(get=everyone(403, anonymous=302), post=everyone(403, anonymous=302)),
    "portal:survey": Route(get=everyone(403, anonymous=302), post=everyone(403, anonymous=302)),
    # A client tester's test case, run in the portal.
    "portal:case": Route(get=everyone(403, anonymous=302), post=everyone(403, anonymous=302)),
    # The UAT sign-off asked of a client contact.
    "portal:uat_signoff": Route(
        get=everyone(403, anonymous=302), post=everyone(403, anonymous=302)
    ),
    "portal_staff:project": page(PROJECT_READ),
    "portal_staff:invite": action(PROJECT_ACTION),
    "portal_staff:revoke": action(PROJECT_ACTION),
    "portal_staff:signoff_request": action(PROJECT_ACTION),
    "portal_staff:task_file": page(PROJECT_READ),
    "portal_staff:project_card": page(PROJECT_READ),
    "portal_staff:task_files": page(PROJECT_READ),
    "portal_staff:client_surveys": page(CLIENT_READ),
    # Imports from a CRM's CSV (an empty upload shows the form with what is missing; an
    # import started without saying how goes back to its check with why)
    "exchange:import": form(IMPORT),
    "exchange:import_detail": page(IMPORT),
    "exchange:import_start": action(IMPORT_ACTION),
    # Downloads follow what they hold: a project's plan and RAID log its readers, the
    # portfolio whoever has the project list.
    "exchange:plan_export": page(PROJECT_READ),
    "exchange:raid_export": page(PROJECT_READ),
    "exchange:portfolio_export": page(PROJECT_LIST),
    # The REST API (api/): the same rules as the pages, in JSON.
    "api:client-list": api_list(API_EVERY_ROLE),
    "api:client-detail": api_detail(API_CLIENT_READ),
    "api:client-account-status": api_detail(API_CLIENT_READ),
    "api:contact-list": api_list(API_EVERY_ROLE),
    "api:contact-detail": api_detail(API_CLIENT_READ),
    "api:project-list": api_list(API_PROJECT_LIST, API_CREATE),
    "api:project-detail": api_detail(API_PROJECT_READ),
    "api:project-phase": api_action(API_PROJECT_ACTION),
    # A closed deal's handoff and its project in one: a PM or manager gets as far as the
    # missing fields (then needs the account's handoff rights too, api/tests).
    "api:project-from-deal": api_action(API_CREATE),
    "api:milestone-list": api_list(API_PROJECT_LIST),
    "api:milestone-detail": api_detail(API_PROJECT_READ),
    "api:task-list": api_list(API_PROJECT_LIST, API_CREATE),
    "api:task-detail": api_detail(API_PROJECT_READ),
    "api:risk-list": api_list(API_PROJECT_LIST, API_CREATE),
    "api:risk-detail": api_detail(API_PROJECT_READ),
    "api:issue-list": api_list(API_PROJECT_LIST, API_CREATE),
    "api:issue-detail": api_detail(API_PROJECT_READ),
    "api:alert-list": api_list(API_PROJECT_LIST),
    "api:alert-detail": api_detail(API_PROJECT_READ),
    # The OpenAPI schema for any caller the API knows; its Swagger UI page for anyone logged in.
    "api:schema": api_list(API_EVERY_ROLE),
    "api:docs": Route(get=EVERY_ROLE, post=NOT_ALLOWED),
    # Everyone manages their own API tokens (an empty POST: the form with what is missing).
    "api:tokens": form(EVERY_ROLE),
    "api:token_revoke": action(everyone(302)),
}

# What the `pk` (or other) argument of a URL stands for, by the path segment before it:
# "projects/<int:pk>/" is a project, "clients/<int:pk>/contacts/<int:contact_pk>/" a contact.
# A new kind of object needs a line here and an object in test_security.World.
OBJECT_BY_SEGMENT = {
    "clients": "client",
    "contacts": "contact",
    "handoffs": "handoff",
    "projects": "project",
    "team": "member",
    "milestones": "milestone",
    "tasks": "task",
    "risks": "risk",
    "issues": "issue",
    "reports": "report",
    "alerts": "alert",
    "outbox": "email",
    "webhooks": "webhook_endpoint",
    "deliveries": "webhook_delivery",
    "meetings": "meeting",
    "calendar": "calendar_token",
    "templates": "template",
    "template-milestones": "template_milestone",
    "template-tasks": "template_task",
    "go-live-steps": "cutover_step",
    "test-cases": "test_case",
    "test-runs": "test_run",
    # The client portal
    "in": "portal_token",
    "files": "task_upload",
    "sign-offs": "signoff_request",
    "surveys": "survey",
    "imports": "import_run",
}
