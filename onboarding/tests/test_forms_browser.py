"""Every form of every page, filled in and submitted in real headless Chromium.

Which forms there are comes from the pages themselves: every named URL is opened (as in
test_security's walk, on its demo data) as each role that may open it, and each
`<form method="post">` with a field to fill in is a form to test, keyed by the page and the URL
it posts to. Each must have a recipe in RECIPES; a new form without one fails
test_every_form_has_a_recipe.

A recipe's form is filled in the way a person would: every visible text field and text area
gets a new value, an empty required choice or date gets one, and the recipe sets the rest. The
fields the page renders hidden (the version an edit form was opened at, a one-time submission
key…) are left as the page wrote them. Then its submit button is clicked, and the change must
be in the database and on the page the browser lands on. A form the browser cannot submit, such
as one that the HTML nests in another, fails here.

The demo data is committed for the whole module and the database emptied after it (see
browser.live_server_on_committed_data); the recipes run in order on it, each changing it a bit.
"""

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client as DjangoClient
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from acceptance.models import TestCase, TestRun
from alerts.models import Alert
from alerts.services import alerts_sweep
from api.models import ApiToken
from clients.models import Client, Contact, SalesHandoff
from golive.models import CutoverStep, HandoffMessage
from meetings.models import Decision, Meeting
from onboarding.celery import app as celery_app
from onboarding.tests.access_table import ACCESS, ROLES
from onboarding.tests.browser import (  # noqa: F401 (fixtures are found by name)
    DESKTOP,
    TIMEOUT_MS,
    browser,
    live_server_on_committed_data,
)
from onboarding.tests.test_security import World, build_world, url_for
from playbooks.models import ProjectTemplate, TemplateMilestone, TemplateTask
from portal.models import PortalLink, SignOffRequest, Survey
from portal.services import portal_access_grant, portal_link_create
from projects.models import (
    Baseline,
    Comment,
    HandoffReport,
    ImplementationProject,
    Issue,
    Milestone,
    ProjectMembership,
    Risk,
    Task,
    TimeEntry,
)
from reports.models import StatusReport, StatusReportSettings
from webhooks.models import WebhookEndpoint

# Longer than the other browser tests' TIMEOUT_MS: in the tests Celery runs a submission's jobs
# inside its request, and sending a status report draws its PDFs with WeasyPrint before the
# browser is answered (seconds on a slow, busy machine).
SUBMIT_TIMEOUT_MS = 3 * TIMEOUT_MS

# django_db: so that pytest-django sets up the test database (the module's data is committed
# outside any test, by `site`).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# Input types a person does not fill in.
NOT_FILLED = {"hidden", "submit", "button", "image", "reset", "file", "search"}
DEMO_PASSWORD = "golive-demo"  # projects/demo.py
OTHER_USER = "another user"  # for an owner's choice: any user but the one chosen now


# The forms the pages render


@dataclass(frozen=True, order=True)
class FormKey:
    page: str  # the URL name of the page showing the form
    action: str  # the URL name of where it posts

    def __str__(self) -> str:
        return f"{self.page}->{self.action}"


class PostForms(HTMLParser):
    """The action of every <form method="post"> that has a field a person fills in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.actions: list[str] = []
        self._action: str | None = None
        self._fillable = False

    def handle_starttag(self, tag, attrs):
        attr = dict(attrs)
        if tag == "form":
            self._end()
            if (attr.get("method") or "get").lower() == "post":
                self._action, self._fillable = attr.get("action") or "", False
        elif self._action is not None and tag in ("textarea", "select"):
            self._fillable = True
        elif self._action is not None and tag == "input":
            self._fillable |= (attr.get("type") or "text").lower() not in NOT_FILLED

    def handle_endtag(self, tag):
        if tag == "form":
            self._end()

    def close(self):
        super().close()
        self._end()

    def _end(self) -> None:
        if self._action is not None and self._fillable:
            self.actions.append(self._action)
        self._action = None


def url_name(path: str) -> str:
    try:
        return resolve(path.split("?")[0].split("#")[0]).view_name
    except Resolver404:
        return f"(no URL pattern: {path})"


# A page's parts that load when opened (a disclosure, a "Change" link) or scrolled to: htmx asks
# the page itself for them, by ?fragment=.
FRAGMENT_URL = re.compile(r'hx-get="([^"]*\?fragment=[^"]*)"')


def fragments_on(html: str, page_url: str) -> list[str]:
    """The URLs of the page's parts that load when opened, one of each kind."""
    kinds: dict[str, str] = {}
    for url in FRAGMENT_URL.findall(html):
        url = unescape(url)
        kind = url.split("fragment=")[1].split("&")[0]
        if url.startswith(page_url.split("?")[0]) and kind != "progress":
            kinds.setdefault(kind, url)
    return list(kinds.values())


def forms_on(html: str, page_url: str) -> set[str]:
    """The URL names the page's fillable POST forms post to."""
    reader = PostForms()
    reader.feed(html)
    reader.close()
    return {url_name(action or page_url) for action in reader.actions}


# The module's site: the demo data, a live server, a logged-in browser context per role


@dataclass
class Site:
    url: str
    world: World
    sessions: dict[str, str]
    browser: Browser
    contexts: dict[str, BrowserContext] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def page(self, role: str) -> Page:
        """A tab logged in as `role` (the demo user the walk chose for it), kept for the module."""
        if role not in self.contexts:
            context = self.browser.new_context(base_url=self.url, viewport=DESKTOP)
            context.set_default_timeout(SUBMIT_TIMEOUT_MS)
            context.on("weberror", lambda error: self.problems.append(f"JavaScript: {error}"))
            context.on(
                "response",
                lambda response: (
                    self.problems.append(f"HTTP {response.status} from {response.url}")
                    if response.status >= 500
                    else None
                ),
            )
            if role != "anonymous":
                cookie = {"name": settings.SESSION_COOKIE_NAME, "value": self.sessions[role]}
                context.add_cookies([{**cookie, "url": self.url}])
            self.contexts[role] = context
            context.new_page()
        return self.contexts[role].pages[0]


def _session_cookie(user: User) -> str:
    client = DjangoClient()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _portal_cookie(world: World) -> str:
    """The session of the walk's client contact, signed in to the portal by a link."""
    client = DjangoClient()
    portal_access_grant(contact=world.contact, project=world.project, user=None)
    _, token = portal_link_create(contact=world.contact, project=world.project, user=None)
    client.post(reverse("portal:link", args=[token]))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _load() -> tuple[World, dict[str, str]]:
    call_command("seed_demo", stdout=StringIO())
    alerts_sweep()
    world = build_world()
    sessions = {role: _session_cookie(user) for role, user in world.users.items()}
    return world, {**sessions, PORTAL: _portal_cookie(world)}


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, django_db_setup, django_db_blocker) -> Iterator[Site]:
    # Eager, so that the email a form's action queues is sent in the live server's thread
    # (to Django's test mailbox), not left on a broker for a worker.
    saved_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with live_server_on_committed_data(request, django_db_blocker, _load) as (server, data):
            world, sessions = data
            kept = Site(server.url, world, sessions, request.getfixturevalue("browser"))
            try:
                yield kept
            finally:
                for context in kept.contexts.values():
                    context.close()
    finally:
        celery_app.conf.task_always_eager = saved_eager


# Recipes

# Not a role: the walk's client contact in the client portal, and the portal pages with forms
# that need no file (the upload, a test case run and the UAT sign-off are filled in by
# portal/tests/test_portal_browser.py).
# The CRM import's upload has only a file to choose, so no form here needs its recipe:
# exchange/tests/test_import_browser.py chooses a file, checks it and imports it.
PORTAL = "portal"
PORTAL_FORM_PAGES = ("portal:survey", "portal:signoff")


def _typed(name: str) -> Callable[[dict[str, str]], str]:
    return lambda typed: typed[name]


@dataclass(frozen=True)
class Recipe:
    """How a person uses one form, and how to see that it worked.

    `stored(world, pk)` reads what the form changes from the database, `pk` being the object
    its action's URL names (None when it names none). It must hold something else before and
    `expected(typed)` after, `typed` being every value put into the form by name (or just
    something else, when `expected` gives None); `shown(typed)` must be on the page afterwards.
    `values` are the choices made instead of the generic ones; `button` names the submit
    button when the form has several, or picks the form among several posting to one URL. A
    form with no button (an in-place edit) is sent by its `values`' change event.
    """

    role: str
    stored: Callable[[World, int | None], object]
    expected: Callable[[dict[str, str]], object]
    shown: Callable[[dict[str, str]], str]
    values: dict[str, str] = field(default_factory=dict)
    button: str = ""


def _text(name: str, stored: Callable[[World, int | None], object], role: str = "pm", **kw):
    """A recipe whose proof is the text typed into `name`: stored as typed, and shown."""
    kw.setdefault("shown", _typed(name))
    return Recipe(role=role, stored=stored, expected=_typed(name), **kw)


def _latest(model, **lookup):
    return model.objects.filter(**lookup).order_by("pk").last()


def _comment(**on) -> str | None:
    comment = _latest(Comment, **on)
    return comment.body if comment else None


def _next_notes(w: World) -> str:
    # No row until someone saves the schedule.
    notes = StatusReportSettings.objects.filter(project=w.project).values_list("next_notes")
    return notes.first()[0] if notes else ""


def _newest_api_token_name() -> str | None:
    token = ApiToken.objects.order_by("created").last()
    return token.name if token else None


def _project(w: World) -> ImplementationProject:
    return ImplementationProject.objects.get(pk=w.project.pk)


def _report(w: World) -> HandoffReport:
    return HandoffReport.objects.get(project=w.project)


class _FirstCell(dict):
    """Values for a grid whose field names hold ids: the first cell named `prefix`… gets `value`."""

    def __init__(self, prefix: str, value: str):
        super().__init__()
        self.prefix, self.value, self.name = prefix, value, None

    def __contains__(self, name) -> bool:
        if self.name is None and str(name).startswith(self.prefix):
            self.name = name
        return name == self.name

    def __getitem__(self, name) -> str:
        return self.value


def _client_recipients_of_latest_report(w: World) -> list[str]:
    report = StatusReport.objects.filter(project=w.project).order_by("-created_at", "-pk").first()
    return [r["email"] for r in report.recipients if r.get("version") == "client"]


def _hours_of(w: World):
    return sorted(TimeEntry.objects.filter(user=w.users["pm"]).values_list("pk", "hours"))


RECIPES: dict[FormKey, Recipe] = {
    FormKey("login", "login"): Recipe(
        role="anonymous",
        values={"username": "pm", "password": DEMO_PASSWORD},
        stored=lambda w, pk: Session.objects.count(),
        expected=lambda typed: None,  # any other number: a new session
        shown=lambda typed: "What needs you today",
    ),
    # The time zone is typed, as a person picks it from the suggestions.
    FormKey("clients:create", "clients:create"): _text(
        "name",
        lambda w, pk: _latest(Client).name,
        role="manager",
        values={"time_zone": "Europe/Berlin"},
    ),
    FormKey("clients:edit", "clients:edit"): _text(
        "name",
        lambda w, pk: Client.objects.get(pk=pk).name,
        role="manager",
        values={"time_zone": "Europe/Berlin"},
    ),
    FormKey("clients:contact_create", "clients:contact_create"): _text(
        "name", lambda w, pk: _latest(Contact, client=w.client).name, role="manager"
    ),
    FormKey("clients:contact_edit", "clients:contact_edit"): _text(
        "name", lambda w, pk: Contact.objects.get(pk=w.contact.pk).name, role="manager"
    ),
    FormKey("clients:handoff_create", "clients:handoff_create"): _text(
        "commitments",
        lambda w, pk: _latest(SalesHandoff).commitments,
        role="sales_rep",
        values={"products": "on"},
    ),
    FormKey("clients:handoff_edit", "clients:handoff_edit"): _text(
        "commitments", lambda w, pk: SalesHandoff.objects.get(pk=pk).commitments, role="sales_rep"
    ),
    FormKey("projects:create", "projects:create"): _text(
        "name", lambda w, pk: _latest(ImplementationProject).name, values={"products": "on"}
    ),
    FormKey("projects:edit", "projects:edit"): _text(
        "name", lambda w, pk: ImplementationProject.objects.get(pk=pk).name
    ),
    FormKey("projects:detail", "projects:comment"): _text(
        "body", lambda w, pk: _comment(project=w.project)
    ),
    FormKey("projects:detail", "projects:health_override"): _text(
        "reason",
        lambda w, pk: _project(w).health_override_reason,
        values={"health": "amber"},
    ),
    FormKey("projects:detail", "projects:member_add"): Recipe(
        role="pm",
        stored=lambda w, pk: ProjectMembership.objects.filter(project=w.project).count(),
        expected=lambda typed: None,
        shown=lambda typed: "Team updated.",
    ),
    FormKey("projects:detail", "projects:milestone_sign_off"): Recipe(
        role="pm",
        stored=lambda w, pk: Milestone.objects.get(pk=pk).signed_off_by_id,
        expected=lambda typed: int(typed["contact"]),
        shown=lambda typed: "recorded.",
    ),
    FormKey("projects:detail", "projects:task_owner"): Recipe(
        role="pm",
        stored=lambda w, pk: Task.objects.get(pk=pk).owner_user_id,
        expected=lambda typed: int(typed["owner"].removeprefix("user:")),
        shown=lambda typed: "is now owned by",
        values={"owner": OTHER_USER},
    ),
    FormKey("projects:detail", "projects:task_status"): Recipe(
        role="pm",
        stored=lambda w, pk: Task.objects.get(pk=pk).status,
        expected=_typed("status"),
        shown=lambda typed: "is now blocked.",
        values={"status": "blocked"},
    ),
    FormKey("projects:time_entry_create", "projects:time_entry_create"): Recipe(
        role="pm",
        stored=lambda w, pk: _latest(TimeEntry, project=w.project).note,
        expected=_typed("note"),
        shown=lambda typed: "Logged 2.5 h",
        values={"hours": "2.5"},
    ),
    FormKey("projects:handoff_report_edit", "projects:handoff_report_edit"): _text(
        "configuration_summary", lambda w, pk: _report(w).configuration_summary
    ),
    FormKey("projects:handoff_report", "projects:handoff_report_decide"): _text(
        "support_comment",
        lambda w, pk: _report(w).support_comment,
        role="support",
        button="Return with questions",
    ),
    # Go-live readiness and the handoff thread
    FormKey("golive:step_create", "golive:step_create"): _text(
        "title", lambda w, pk: getattr(_latest(CutoverStep, project=w.project), "title", None)
    ),
    FormKey("golive:step_edit", "golive:step_edit"): _text(
        "title", lambda w, pk: CutoverStep.objects.get(pk=pk).title
    ),
    FormKey("golive:handoff_message", "golive:handoff_message"): _text(
        "body",
        lambda w, pk: getattr(_latest(HandoffMessage, report__project=w.project), "body", None),
        role="support",
    ),
    FormKey("projects:milestone_create", "projects:milestone_create"): _text(
        "name", lambda w, pk: _latest(Milestone, project=w.project).name
    ),
    FormKey("projects:milestone_edit", "projects:milestone_edit"): _text(
        "name", lambda w, pk: Milestone.objects.get(pk=pk).name
    ),
    FormKey("projects:task_create", "projects:task_create"): _text(
        "title", lambda w, pk: _latest(Task, project=w.project).title
    ),
    FormKey("projects:task_edit", "projects:task_edit"): _text(
        "title", lambda w, pk: Task.objects.get(pk=pk).title
    ),
    FormKey("projects:task_detail", "projects:task_comment"): _text(
        "body", lambda w, pk: _comment(task_id=pk)
    ),
    FormKey("projects:task_detail", "projects:task_owner"): Recipe(
        role="pm",
        stored=lambda w, pk: Task.objects.get(pk=pk).owner_user_id,
        expected=lambda typed: int(typed["owner"].removeprefix("user:")),
        shown=lambda typed: "is now owned by",
        values={"owner": OTHER_USER},
    ),
    FormKey("projects:task_detail", "projects:task_status"): Recipe(
        role="pm",
        stored=lambda w, pk: Task.objects.get(pk=pk).status,
        expected=_typed("status"),
        shown=lambda typed: "is now in progress.",
        values={"status": "in_progress"},
    ),
    FormKey("projects:my_work", "projects:task_status"): Recipe(
        role="pm",
        stored=lambda w, pk: Task.objects.get(pk=pk).status,
        expected=_typed("status"),
        shown=lambda typed: "is now blocked.",
        values={"status": "blocked"},
    ),
    FormKey("projects:timesheet", "projects:timesheet"): Recipe(
        role="pm",
        stored=lambda w, pk: _hours_of(w),
        expected=lambda typed: None,  # any other hours
        shown=lambda typed: "Timesheet saved: 1 day changed.",
        values=_FirstCell("h-", "7.25"),
    ),
    FormKey("projects:task_list", "projects:task_owner"): Recipe(
        role="pm",
        stored=lambda w, pk: Task.objects.get(pk=pk).owner_user_id,
        expected=lambda typed: int(typed["owner"].removeprefix("user:")),
        shown=lambda typed: "is now owned by",
        values={"owner": OTHER_USER},
    ),
    FormKey("projects:task_list", "projects:task_status"): Recipe(
        role="pm",
        stored=lambda w, pk: Task.objects.get(pk=pk).status,
        expected=_typed("status"),
        shown=lambda typed: "is now done.",
        values={"status": "done"},
    ),
    # A task's due date moved in place on its page (to a day that moves nothing after it).
    FormKey("projects:task_detail", "projects:task_reschedule"): Recipe(
        role="pm",
        stored=lambda w, pk: Task.objects.get(pk=pk).due_date,
        expected=lambda typed: datetime.date.fromisoformat(typed["due"]),
        shown=lambda typed: "is now due 6 Jan 2020.",
        values={"due": "2020-01-06"},
    ),
    FormKey("projects:risk_create", "projects:risk_create"): _text(
        "title", lambda w, pk: _latest(Risk, project=w.project).title
    ),
    FormKey("projects:risk_edit", "projects:risk_edit"): _text(
        "title", lambda w, pk: Risk.objects.get(pk=pk).title
    ),
    FormKey("projects:risk_detail", "projects:risk_comment"): _text(
        "body", lambda w, pk: _comment(risk_id=pk)
    ),
    FormKey("projects:risk_detail", "projects:risk_status"): Recipe(
        role="pm",
        stored=lambda w, pk: Risk.objects.get(pk=pk).status,
        expected=_typed("status"),
        shown=lambda typed: "is now mitigating.",
        values={"status": "mitigating"},
    ),
    FormKey("projects:issue_create", "projects:issue_create"): _text(
        "title", lambda w, pk: _latest(Issue, project=w.project).title
    ),
    FormKey("projects:issue_edit", "projects:issue_edit"): _text(
        "title", lambda w, pk: Issue.objects.get(pk=pk).title
    ),
    FormKey("projects:issue_detail", "projects:issue_comment"): _text(
        "body", lambda w, pk: _comment(issue_id=pk)
    ),
    FormKey("projects:issue_detail", "projects:issue_status"): _text(
        "resolution",
        lambda w, pk: Issue.objects.get(pk=pk).resolution,
        values={"status": "resolved"},
    ),
    FormKey("reports:schedule", "reports:schedule"): _text(
        "next_notes",
        lambda w, pk: _next_notes(w),
        # The notes show in the next report; this page says they were kept for it.
        shown=lambda typed: "Status report schedule and notes saved.",
    ),
    FormKey("alerts:detail", "alerts:resolve"): _text(
        "note", lambda w, pk: Alert.objects.get(pk=pk).resolution_note
    ),
    FormKey("meetings:meeting_create", "meetings:meeting_create"): _text(
        "title", lambda w, pk: _latest(Meeting, project_id=pk).title
    ),
    FormKey("meetings:meeting_edit", "meetings:meeting_edit"): _text(
        "title", lambda w, pk: Meeting.objects.get(pk=pk).title
    ),
    FormKey("meetings:action_item_create", "meetings:action_item_create"): _text(
        "title", lambda w, pk: _latest(Task, meeting_action__meeting_id=pk).title
    ),
    FormKey("meetings:decision_create", "meetings:decision_create"): _text(
        "text", lambda w, pk: _latest(Decision, meeting_id=pk).text
    ),
    FormKey("playbooks:create", "playbooks:create"): _text(
        "name", lambda w, pk: _latest(ProjectTemplate).name, role="manager"
    ),
    FormKey("playbooks:edit", "playbooks:edit"): _text(
        "name", lambda w, pk: ProjectTemplate.objects.get(pk=pk).name, role="manager"
    ),
    FormKey("playbooks:milestone_create", "playbooks:milestone_create"): _text(
        "name", lambda w, pk: _latest(TemplateMilestone, template_id=pk).name, role="manager"
    ),
    FormKey("playbooks:milestone_edit", "playbooks:milestone_edit"): _text(
        "name", lambda w, pk: TemplateMilestone.objects.get(pk=pk).name, role="manager"
    ),
    FormKey("playbooks:task_create", "playbooks:task_create"): _text(
        "title", lambda w, pk: _latest(TemplateTask, template_id=pk).title, role="manager"
    ),
    FormKey("playbooks:task_edit", "playbooks:task_edit"): _text(
        "title", lambda w, pk: TemplateTask.objects.get(pk=pk).title, role="manager"
    ),
    FormKey("playbooks:project_templates", "playbooks:save_as_template"): _text(
        "name", lambda w, pk: _latest(ProjectTemplate).name, role="manager"
    ),
    FormKey("projects:timeline", "projects:baseline"): _text(
        "reason",
        lambda w, pk: _latest(Baseline, project_id=pk).reason if _latest(Baseline) else None,
        shown=lambda typed: "Baseline taken",
    ),
    # Acceptance testing
    FormKey("acceptance:case_create", "acceptance:case_create"): _text(
        "title", lambda w, pk: getattr(_latest(TestCase, project_id=pk), "title", None)
    ),
    FormKey("acceptance:run_create", "acceptance:run_create"): Recipe(
        role="pm",
        stored=lambda w, pk: getattr(_latest(TestRun, case_id=pk), "notes", None),
        expected=_typed("notes"),
        # Both outcome radios are required and get ticked in turn: the last, Failed, stands.
        shown=lambda typed: "recorded: failed; defect",
    ),
    # The client portal: the team's page, and the client contact's own forms
    FormKey("portal_staff:project", "portal_staff:invite"): Recipe(
        role="pm",
        stored=lambda w, pk: PortalLink.objects.filter(project_id=pk).count(),
        expected=lambda typed: None,
        shown=lambda typed: "A sign-in link is on its way",
    ),
    FormKey("portal_staff:project", "portal_staff:signoff_request"): Recipe(
        role="pm",
        stored=lambda w, pk: SignOffRequest.objects.filter(milestone__project_id=pk).count(),
        expected=lambda typed: None,
        shown=lambda typed: "is asked to sign off",
    ),
    FormKey("portal:survey", "portal:survey"): _text(
        "comment",
        lambda w, pk: Survey.objects.get(pk=pk).comment,
        role="portal",
        shown=lambda typed: "You answered",
    ),
    FormKey("portal:signoff", "portal:signoff"): Recipe(
        role="portal",
        stored=lambda w, pk: Milestone.objects.get(signoff_requests=pk).signed_off_at,
        expected=lambda typed: None,
        shown=lambda typed: "is signed off",
        values={"confirm": "on"},
    ),
    # Webhooks: an admin registers one (at a public address, which needs no DNS) and edits it.
    FormKey("webhooks:create", "webhooks:create"): _text(
        "description",
        lambda w, pk: getattr(_latest(WebhookEndpoint), "description", None),
        role="admin",
        values={"url": "https://93.184.215.14/hooks/crm", "events": "on"},
    ),
    FormKey("webhooks:edit", "webhooks:edit"): _text(
        "description",
        lambda w, pk: WebhookEndpoint.objects.get(pk=pk).description,
        role="admin",
        values={"url": "https://93.184.215.14/hooks/crm-sync"},
    ),
    # Status report versions: the PM sends the next report to no client contact this once.
    FormKey("reports:preview", "reports:send_now"): Recipe(
        role="pm",
        stored=lambda w, pk: _client_recipients_of_latest_report(w),
        expected=lambda typed: [],
        shown=lambda typed: "Status report sent to",
        values={"client_recipients": "off"},
    ),
    # A person makes an API token for an integration; its secret is shown once, with its name.
    FormKey("api:tokens", "api:tokens"): _text(
        "name", lambda w, pk: _newest_api_token_name(), values={"lifetime": "30"}
    ),
    # Last: moving the project back a phase changes what the other forms may do.
    FormKey("projects:detail", "projects:phase"): Recipe(
        role="pm",
        stored=lambda w, pk: _project(w).phase,
        expected=_typed("to_phase"),
        shown=lambda typed: "Project moved to Testing",
        values={"to_phase": "testing"},
        button="Move back",
    ),
}


# The test


def test_every_form_has_a_recipe(site: Site):
    """Each form that any role is shown, on any page, has a recipe below."""
    found: dict[FormKey, set[str]] = {}
    clients = {role: DjangoClient() for role in (*ROLES, PORTAL)}
    for role, session in site.sessions.items():
        clients[role].cookies[settings.SESSION_COOKIE_NAME] = session
    for name in sorted(ACCESS):
        url = url_for(name, site.world)
        for role in ROLES:
            if ACCESS[name].get[role] != 200:
                continue
            response = clients[role].get(url)
            if not response.headers.get("Content-Type", "").startswith("text/html"):
                continue
            html = response.content.decode()
            for fragment in fragments_on(html, url):
                html += clients[role].get(fragment, HTTP_HX_REQUEST="true").content.decode()
            for action in forms_on(html, url):
                found.setdefault(FormKey(name, action), set()).add(role)
    # The client contact opens the portal's pages, which every role is refused.
    portal = DjangoClient()
    portal.cookies[settings.SESSION_COOKIE_NAME] = site.sessions[PORTAL]
    for name in PORTAL_FORM_PAGES:
        url = url_for(name, site.world)
        response = portal.get(url)
        assert response.status_code == 200, f"{name} as the client contact"
        for action in forms_on(response.content.decode(), url):
            found.setdefault(FormKey(name, action), set()).add(PORTAL)
    missing = sorted(set(found) - set(RECIPES))
    assert not missing, (
        "Add a recipe to RECIPES in onboarding/tests/test_forms_browser.py for each of these "
        "forms (page → where it posts), so that a browser test fills it in and submits it: "
        + "; ".join(f"{key} (shown to {', '.join(sorted(found[key]))})" for key in missing)
    )
    gone = sorted(set(RECIPES) - set(found))
    assert not gone, f"RECIPES has forms no page shows any more: {', '.join(map(str, gone))}"
    for key, recipe in RECIPES.items():
        assert recipe.role in found[key], f"{key}: {recipe.role} is not shown this form"


def _form_on_page(page: Page, action: str, button: str) -> tuple[Locator, int | None]:
    """The first form on the page that posts to the URL named `action`, and the pk it names.

    A visible one if there is one (a page may write a form twice, for wide and narrow screens),
    with the `button` if one is named (a page may have two forms for one action).
    """
    forms = page.eval_on_selector_all(
        "form",
        "(forms) => forms.map((f) => [f.method.toLowerCase() === 'post' ? "
        "new URL(f.action, location.href).pathname : null, f.checkVisibility(), "
        "f.textContent])",
    )
    matching = [
        (not visible, index, path)
        for index, (path, visible, text) in enumerate(forms)
        if path and url_name(path) == action and button in text
    ]
    if not matching:
        pytest.fail(f"The page {page.url} has no form that posts to {action}")
    _, index, path = min(matching)
    return page.locator("form").nth(index), resolve(path).kwargs.get("pk")


def _load_what_opens(page: Page) -> None:
    """Load the page's parts that load when opened or scrolled to, as a person would: open the
    disclosures, click the first link or button of each kind that loads an editor, scroll down."""
    opened = page.evaluate(
        """() => {
            const clicked = new Set();
            const loaders = [...document.querySelectorAll("[hx-get*='fragment=']")];
            for (const e of loaders) {
                const kind = e.getAttribute("hx-get").split("fragment=")[1].split("&")[0];
                if (e.tagName === "DETAILS") {
                    e.open = true;
                } else if (!e.getAttribute("hx-trigger") && !clicked.has(kind)) {
                    clicked.add(kind);
                    e.click();
                }
            }
            return loaders.length;
        }"""
    )
    if opened:
        page.mouse.wheel(0, 20000)
        page.wait_for_load_state("networkidle")


def _reveal(form: Locator) -> None:
    """Open the disclosure (<details>) the form sits in, as a person would, by its summary."""
    if not form.is_visible():
        form.locator("xpath=ancestor::details[1]/summary").click()


def _in_place(form: Locator) -> bool:
    """An htmx form without a button: choosing a value sends it."""
    return bool(form.get_attribute("hx-post")) and _buttons(form).count() == 0


def _buttons(form: Locator) -> Locator:
    # A <noscript> fallback that htmx swapped in is parsed into elements, hidden: not a button.
    return form.locator(
        "button[type=submit]:not(noscript *), button:not([type]):not(noscript *), "
        "input[type=submit]:not(noscript *)"
    )


def _choose(element: Locator, value: str, *, page: Page, in_place: bool) -> str:
    if value == OTHER_USER:
        value = element.evaluate(
            "(e) => [...e.options].map((o) => o.value)"
            ".find((v) => v.startsWith('user:') && v !== e.value)"
        )
    if in_place:
        with page.expect_response(lambda response: response.request.method == "POST"):
            element.select_option(value)
    else:
        element.select_option(value)
    return value


# What _fill needs to know of each field, read in one call rather than a dozen per field.
_FIELDS = """(fields) => fields.map((f) => ({
  name: f.name,
  kind: f.tagName === "INPUT" ? (f.getAttribute("type") || "text").toLowerCase()
                              : f.tagName.toLowerCase(),
  visible: f.checkVisibility(),
  required: f.required,
  limit: f.maxLength > 0 ? f.maxLength : null,
  value: f.value,
  firstChoice: f.tagName === "SELECT"
    ? ([...f.options].map((o) => o.value).find((v) => v !== "") ?? "") : null,
  groupChecked: f.type === "radio"
    ? [...f.form.elements].some((r) => r.name === f.name && r.checked) : null,
}))"""


def _fill(
    page: Page, form: Locator, recipe: Recipe, label: str, *, in_place: bool
) -> dict[str, str]:
    """Fill in the form as a person would; what was put in each field, by name."""
    typed: dict[str, str] = {}
    fields = form.locator("input, textarea, select")
    for index, info in enumerate(fields.evaluate_all(_FIELDS)):
        name, kind, value = info["name"], info["kind"], info["value"]
        if not name or kind in NOT_FILLED or not info["visible"]:
            continue
        element = fields.nth(index)
        if name in recipe.values:
            value = recipe.values[name]
            if kind == "select":
                value = _choose(element, value, page=page, in_place=in_place)
            elif kind in ("checkbox", "radio"):
                element.set_checked(value == "on")
            else:
                element.fill(value)
        elif kind in ("text", "textarea", "url", "tel"):
            value = f"{label} {name}"[: info["limit"]]
            element.fill(value)
        elif kind == "email":
            value = f"{name}.{label.split()[-1]}@example.com"
            element.fill(value)
        elif kind == "select" and info["required"] and not value:
            value = info["firstChoice"]
            element.select_option(value)
        elif kind == "date" and info["required"] and not value:
            value = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
            element.fill(value)
        elif kind == "datetime-local" and info["required"] and not value:
            value = f"{timezone.localdate() + datetime.timedelta(days=7)}T10:00"
            element.fill(value)
        elif kind == "number" and info["required"] and not value:
            value = "1"
            element.fill(value)
        elif kind == "radio" and info["required"] and not info["groupChecked"]:
            element.check()
        # Anything else keeps what the page gave it: a ticked box or not, a date, a choice.
        if kind not in ("checkbox", "radio"):
            typed[name] = value
    return typed


def _submit(page: Page, form: Locator, recipe: Recipe, key: FormKey, *, in_place: bool) -> None:
    if in_place:
        return  # choosing the value sent it
    buttons = _buttons(form)
    if recipe.button:
        buttons = buttons.filter(has_text=recipe.button)
    count = buttons.count()
    assert count == 1, (
        f"{key}: the form has {count} submit buttons"
        + (" (name the one to click in the recipe's `button`)" if count else "")
        + "; a form nested in another loses its button to the outer one"
    )
    with page.expect_navigation():
        buttons.click()


def _complaints(page: Page) -> str:
    """What the page says was wrong, to show beside a failure."""
    notes = page.locator(".invalid-feedback, .alert-danger, .errorlist").evaluate_all(
        "(notes) => notes.map((n) => `${n.id.replace(/^error_\\d+_id_/, '')}: ${n.innerText}`)"
    )
    return " | ".join(note.strip() for note in notes) or "(no error shown)"


@pytest.mark.parametrize("key", list(RECIPES), ids=str)
def test_a_person_fills_in_the_form_submits_it_and_sees_the_change(key: FormKey, site: Site):
    recipe = RECIPES[key]
    page = site.page(recipe.role)
    site.problems.clear()
    label = f"Form test {list(RECIPES).index(key) + 1}"
    page.goto(url_for(key.page, site.world))
    _load_what_opens(page)
    form, pk = _form_on_page(page, key.action, recipe.button)
    before = recipe.stored(site.world, pk)

    _reveal(form)
    in_place = _in_place(form)  # before an htmx answer replaces the form
    typed = _fill(page, form, recipe, label, in_place=in_place)
    _submit(page, form, recipe, key, in_place=in_place)

    after = recipe.stored(site.world, pk)
    expected = recipe.expected(typed)
    if expected is None:
        assert after != before, f"{key}: nothing changed: {_complaints(page)}"
    else:
        assert after == expected, f"{key}: saved {after!r}, not {expected!r}: {_complaints(page)}"
    expect(page.locator("main")).to_contain_text(recipe.shown(typed))
    assert not site.problems, "\n".join(site.problems)
