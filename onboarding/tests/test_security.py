"""Security checks that cover every page, including pages added later.

- Every named URL pattern is walked for every role against the demo data, and the answer must
  be the one access_table.py gives; no answer is ever a 500. A URL missing from the table fails.
- Every HTML answer carries a Content-Security-Policy without 'unsafe-inline' scripts.
- A POST without a CSRF token is refused on every URL that accepts POST, and changes nothing.
- Hostile text typed into every free-text form field is stored as typed and shown escaped on
  every page and in every email.
- Logins lock out after repeated failures; cookies, session keys and password rules hold;
  production settings pass `check --deploy`; bandit finds nothing.
"""

import copy
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.db.models import F
from django.forms import BaseForm
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.html import escape

from acceptance.models import TestCase, TestRun
from acceptance.services import case_create, run_case_as_user
from alerts.models import Alert
from alerts.services import alerts_sweep
from api.models import ApiToken
from calendars.services import calendar_feed_reset
from clients.models import Client, Contact, SalesHandoff
from common.forms import FilterForm
from exchange.models import ImportRun
from golive.models import CutoverStep, HandoffMessage
from meetings.models import ActionItem, Decision, Meeting
from meetings.services import action_item_create, decision_record, meeting_create
from onboarding.tests.access_table import (
    ACCESS,
    ADMIN_LOGIN,
    LOGIN,
    OBJECT_BY_SEGMENT,
    ROLES,
    Route,
)
from outbox.models import OutgoingEmail
from playbooks.models import ProjectTemplate, TemplateMilestone, TemplateTask
from portal.models import SignOffRequest, Survey, TaskUpload
from portal.services import portal_access_grant, portal_link_create
from projects.models import (
    Baseline,
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
from reports.models import StatusReport, StatusReportSettings
from reports.services import report_send_now
from webhooks.events import Event
from webhooks.models import WebhookDelivery, WebhookEndpoint

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEST_PASSWORD = "golive-test"  # UserFactory's (clients/tests/factories.py)
# The demo users who play the roles (projects/demo.py). Which PM and which sales rep is which
# role follows from the project the walk uses.
DEMO_PMS = ("pm", "pm2")
DEMO_SALES_REPS = ("sales", "sales2")


# The demo data, and one object of each kind for the URLs' arguments


@dataclass
class World:
    """The demo data's objects the walk takes its URL arguments from, and a user per role.

    The project is managed by `pm` and has nothing to do with `other_pm`; its client belongs
    to `sales_rep`. Every other object hangs off that project or client, so each role's
    answer follows from PRODUCT.md's Access table.
    """

    users: dict[str, User]
    project: ImplementationProject
    client: Client
    contact: Contact
    handoff: SalesHandoff
    member: User
    milestone: Milestone
    task: Task
    risk: Risk
    issue: Issue
    report: StatusReport
    alert: Alert
    email: OutgoingEmail
    meeting: Meeting
    calendar_token: str
    template: ProjectTemplate
    template_milestone: TemplateMilestone
    template_task: TemplateTask
    cutover_step: CutoverStep
    test_case: TestCase
    test_run: TestRun
    # The client portal's objects (made by build_world; the token opens nothing).
    task_upload: "TaskUpload | None" = None
    signoff_request: "SignOffRequest | None" = None
    survey: "Survey | None" = None
    portal_token: str = "no-such-portal-link-token-000000"
    # A checked import, waiting for someone to choose how to import it.
    import_run: "ImportRun | None" = None
    webhook_endpoint: "WebhookEndpoint | None" = None
    webhook_delivery: "WebhookDelivery | None" = None

    def pk_of(self, kind: str) -> int | str:
        found = getattr(self, kind)
        return found if isinstance(found, str) else found.pk


def build_world() -> World:
    # Sent to support and not decided yet, so that the report can still be edited, sent and
    # decided; with open alerts, a team, and a client with a sales rep.
    project = (
        ImplementationProject.objects.filter(
            pm__username__in=DEMO_PMS,
            client__sales_rep__username__in=DEMO_SALES_REPS,
            handoff_report__status=HandoffReport.Status.SENT,
            memberships__isnull=False,
            alerts__status=Alert.Status.OPEN,
        )
        .select_related("client", "client__sales_rep", "pm")
        .order_by("pk")
        .first()
    )
    assert project is not None, "seed_demo no longer has a project the walk can use"
    client = project.client
    users = {
        "pm": project.pm,
        "other_pm": User.objects.exclude(pk=project.pm_id).get(username__in=DEMO_PMS),
        "manager": User.objects.get(username="manager"),
        "sales_rep": client.sales_rep,
        "other_sales_rep": User.objects.exclude(pk=client.sales_rep_id).get(
            username__in=DEMO_SALES_REPS
        ),
        "support": User.objects.get(username="support"),
        "admin": User.objects.get(username="admin"),
    }
    assert not project.memberships.filter(user=users["other_pm"]).exists()
    handoff = (
        SalesHandoff.objects.filter(client__sales_rep=client.sales_rep, acknowledged_at=None)
        .order_by("pk")
        .first()
    )
    assert handoff is not None, "seed_demo no longer has an unacknowledged sales handoff"
    # Its project's PM acknowledges it (and managers): make that the walk's PM, so that
    # other_pm is a PM of another project. The walk's transaction is rolled back.
    ImplementationProject.objects.filter(sales_handoff=handoff).update(pm=users["pm"])
    # Sent yesterday: a report sent in this minute would make the PM's "Send now" (a form the
    # browser tests submit) a repeat that sends nothing.
    report, _ = report_send_now(
        project=project, user=project.pm, now=timezone.now() - timedelta(days=1)
    )
    meeting = meeting_create(
        project=project,
        user=project.pm,
        kind=Meeting.Kind.WEEKLY_STATUS,
        title="Weekly status",
        starts_at=timezone.now() + timedelta(days=1),
        duration_minutes=60,
        attendee_users=[project.pm],
    )
    action_item_create(
        meeting=meeting,
        user=project.pm,
        title="Send the census file",
        due_date=timezone.localdate() + timedelta(days=7),
        owner_user=project.pm,
    )
    decision_record(
        meeting=meeting,
        user=project.pm,
        text="Pay weekly.",
        decided_on=timezone.localdate(),
        decided_by="Client payroll lead",
    )
    template = ProjectTemplate.objects.filter(tasks__depends_on__isnull=False).order_by("pk")[0]
    test_case = case_create(
        project=project,
        user=project.pm,
        data={"title": "Run a pay run", "steps": "Calculate.", "expected_result": "Net pay."},
        tester_user=project.pm,
    )
    test_run = run_case_as_user(
        test_case,
        project.pm,
        passed=True,
        attachment=SimpleUploadedFile("pay run.txt", b"Net pay matches."),
    )
    return World(
        users=users,
        project=project,
        client=client,
        contact=client.contacts.order_by("pk").first(),
        handoff=handoff,
        member=ProjectMembership.objects.filter(project=project).order_by("pk").first().user,
        milestone=project.milestones.order_by("pk").first(),
        task=project.tasks.order_by("pk").first(),
        # Open ones, which the project page lists beside their own pages.
        risk=project.risks.filter(status__in=[Risk.Status.OPEN, Risk.Status.MITIGATING])
        .order_by("pk")
        .first(),
        issue=project.issues.open().order_by("pk").first(),
        report=report,
        alert=project.alerts.filter(status=Alert.Status.OPEN)
        .exclude(owner__in=[users["other_pm"], users["support"]])
        .order_by("pk")
        .first(),
        email=OutgoingEmail.objects.filter(about_id=report.pk).order_by("pk").first(),
        meeting=meeting,
        calendar_token=calendar_feed_reset(user=project.pm).token,
        template=template,
        template_milestone=template.milestones.order_by("pk").first(),
        template_task=template.tasks.order_by("pk").first(),
        cutover_step=CutoverStep.objects.create(
            project=project, title="Freeze payroll changes", owner=project.pm, order=1
        ),
        test_case=test_case,
        test_run=test_run,
        **portal_objects(project),
        import_run=ImportRun.objects.create(
            created_by=users["manager"],
            file_name="deals.csv",
            content="account_id,account_name\nACC-1,Acme\n",
            rows_total=1,
        ),
        **webhook_objects(),
    )


def webhook_objects() -> dict:
    """A paused endpoint (at an IP literal: its form checks the URL's addresses, and the tests
    ask no DNS server) with a failed delivery an admin may send again."""
    endpoint = WebhookEndpoint.objects.create(
        url="https://93.184.215.14/hooks/golive",
        description="CRM deal sync",
        events=[Event.WENT_LIVE],
        active=False,
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=Event.WENT_LIVE,
        event_id=uuid.uuid4(),
        body="{}",
        status=WebhookDelivery.Status.FAILED,
        attempts=8,
        last_status_code=503,
        last_error="The receiver answered 503.",
    )
    return {"webhook_endpoint": endpoint, "webhook_delivery": delivery}


def portal_objects(project: ImplementationProject) -> dict:
    """A file a contact sent for the walk's task, a sign-off request and a survey."""
    task = project.tasks.order_by("pk").first()
    contact = project.client.contacts.order_by("pk").first()
    # Two completed, client-visible milestones: one the contact is asked to sign off, one the
    # PM may still ask about.
    milestone, _ = (
        Milestone.objects.create(
            project=project,
            name=name,
            order=900 + index,
            completed_on=timezone.localdate(),
            due_date=timezone.localdate(),
            visible_to_client=True,
        )
        for index, name in enumerate(("Payroll parallel run", "Bank file tested"))
    )
    upload = TaskUpload(task=task, token="walk", original_name="census.csv", size=5)
    upload.file.save("census.csv", ContentFile(b"a,b\n"), save=True)
    return {
        "task_upload": upload,
        "signoff_request": SignOffRequest.objects.create(milestone=milestone, contact=contact),
        "survey": Survey.objects.create(
            project=project, contact=contact, reason=Survey.Reason.GO_LIVE
        ),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo set with its alerts and a status report, loaded once for this module.

    Everything runs inside one transaction that is rolled back at the end; each test (and
    each request of the walk) runs in a savepoint of its own inside it.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=StringIO())
        alerts_sweep()
        yield build_world()
        transaction.set_rollback(True)


def browser_for(role: str, world: World) -> HttpClient:
    """A test client logged in as the role's user, or, for "portal", the walk's client
    contact signed in to the client portal by a link."""
    browser = HttpClient()
    if role == "portal":
        portal_access_grant(contact=world.contact, project=world.project, user=None)
        _, token = portal_link_create(contact=world.contact, project=world.project, user=None)
        browser.post(reverse("portal:link", args=[token]))
    else:
        browser.force_login(world.users[role])
    return browser


@pytest.fixture(scope="module")
def browsers(world, django_db_blocker) -> dict[str, HttpClient]:
    """One test client per role, logged in once for the whole module."""
    clients = {"anonymous": HttpClient()}
    with django_db_blocker.unblock():
        for role, user in world.users.items():
            clients[role] = HttpClient()
            clients[role].force_login(user)
        # Not a role of the walk: the client contact in the portal, for the portal's forms.
        clients["portal"] = browser_for("portal", world)
    return clients


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


# The URL patterns


@dataclass(frozen=True)
class NamedRoute:
    name: str
    route: str  # the whole path pattern, e.g. "clients/<int:pk>/contacts/<int:contact_pk>/edit/"


def walk_patterns(patterns, namespace: tuple[str, ...] = (), prefix: str = ""):
    """Every URL pattern under `patterns`, with its full name and path pattern."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespace, pattern.namespace) if pattern.namespace else namespace
            yield from walk_patterns(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        else:
            assert isinstance(pattern, URLPattern)
            name = ":".join((*namespace, pattern.name)) if pattern.name else ""
            yield name, prefix + str(pattern.pattern)


def project_routes() -> list[NamedRoute]:
    """The project's URL patterns: everything but the Django admin's own pages.

    The admin's index stays in, so the walk checks that only admins reach the admin. Every
    other pattern must have a name, or the access table could not list it.
    """
    routes = []
    for name, route in walk_patterns(get_resolver().url_patterns):
        if name == "admin:index":
            routes.append(NamedRoute(name, route))
        elif name.startswith("admin:") or route.startswith("admin/"):
            continue
        else:
            assert name, f"The URL pattern {route!r} has no name: name it and add it to ACCESS."
            routes.append(NamedRoute(name, route))
    return routes


ROUTES = {route.name: route for route in project_routes()}
ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def url_for(name: str, world: World) -> str:
    """The URL of a named pattern, with each argument an object of the kind it stands for."""
    segments = ROUTES[name].route.split("/")
    kwargs = {}
    for index, segment in enumerate(segments):
        argument = ARGUMENT.fullmatch(segment)
        if argument:
            before = segments[index - 1] if index else ""
            assert before in OBJECT_BY_SEGMENT, (
                f"{name}: what does <{argument.group(1)}> after {before!r}/ stand for? "
                "Add the segment to access_table.OBJECT_BY_SEGMENT."
            )
            kwargs[argument.group(1)] = world.pk_of(OBJECT_BY_SEGMENT[before])
    return reverse(name, kwargs=kwargs)


def test_every_url_pattern_is_in_the_access_table():
    walked, listed = set(ROUTES), set(ACCESS)
    assert not walked - listed, (
        "These URLs are not in onboarding/tests/access_table.py ACCESS; decide who may use "
        f"them and add them: {sorted(walked - listed)}"
    )
    assert not listed - walked, f"ACCESS lists URLs that no longer exist: {sorted(listed - walked)}"


# The walk


def visit(browser: HttpClient, method: str, url: str, data: dict | None = None):
    """One request whose effects are all undone: its database writes and its cookies."""
    cookies = copy.deepcopy(browser.cookies)
    try:
        with transaction.atomic():
            response = browser.get(url) if method == "GET" else browser.post(url, data or {})
            transaction.set_rollback(True)
    finally:
        browser.cookies = cookies
    return response


def check_answer(response, expected, *, what: str) -> None:
    status = response.status_code
    assert status != 500, f"{what}: server error"
    location = response.headers.get("Location", "")
    if expected == LOGIN:
        assert status == 302 and location.startswith(reverse("login")), (
            f"{what}: expected a redirect to the login page, got {status} {location}"
        )
    elif expected == ADMIN_LOGIN:
        assert status == 302 and location.startswith(reverse("admin:login")), (
            f"{what}: expected a redirect to the admin's login page, got {status} {location}"
        )
    else:
        assert status == expected, f"{what}: expected {expected}, got {status} {location}"
        if status == 302:
            assert not location.startswith((reverse("login"), reverse("admin:login"))), (
                f"{what}: expected to be let through, was sent to log in"
            )


CSP_HEADER = "Content-Security-Policy"


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers.get(CSP_HEADER, "")
    directives = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in directives}


def check_content_security_policy(response, *, what: str) -> None:
    """An HTML answer's CSP: no inline script but the nonced, nothing may frame it."""
    if not response.headers.get("Content-Type", "").startswith("text/html"):
        return
    policy = policy_of(response)
    assert policy, f"{what}: an HTML answer without a {CSP_HEADER} header"
    script_src = policy.get("script-src", policy.get("default-src"))
    assert script_src and "'unsafe-inline'" not in script_src, f"{what}: script-src {script_src}"
    assert "'unsafe-eval'" not in script_src, f"{what}: script-src {script_src}"
    assert policy.get("frame-ancestors") == ["'none'"], f"{what}: may be framed"
    assert policy.get("object-src") == ["'none'"], f"{what}: object-src {policy.get('object-src')}"
    nonces = [source for source in script_src if source.startswith("'nonce-")]
    for tag in re.findall(rb"<script\b[^>]*>", response.content):
        if b" src=" not in tag:
            # An inline script runs only with this response's nonce.
            assert nonces and f'nonce="{nonces[0][7:-1]}"'.encode() in tag, f"{what}: {tag}"


@pytest.mark.parametrize("name", sorted(set(ROUTES) | set(ACCESS)))
def test_each_role_gets_what_the_access_table_says(name, world, browsers, db):
    assert name in ACCESS, f"{name} is not in access_table.ACCESS"
    assert name in ROUTES, f"{name} is in access_table.ACCESS but no URL has that name"
    route: Route = ACCESS[name]
    url = url_for(name, world)
    for role in ROLES:
        for method, expected in (("GET", route.get[role]), ("POST", route.post[role])):
            what = f"{method} {url} ({name}) as {role}"
            response = visit(browsers[role], method, url)
            check_answer(response, expected, what=what)
            check_content_security_policy(response, what=what)


def test_the_page_for_an_unknown_address_carries_the_policy_too(db, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert CSP_HEADER in response.headers
    check_content_security_policy(response, what="the 404 page")


# CSRF


def close_download(response) -> None:
    """Close a file download's stream without ending the test's database connection.

    Closing a response sends request_finished, whose receiver closes the connection (with the
    test's transaction): the test client mutes it for its own requests, and so does this.
    """
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def fingerprint() -> dict[str, str]:
    """A hash of every row of the project's tables and of the users': changes show."""
    labels = {"auth", "sessions", "axes", *PROJECT_APPS}
    prints = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in labels:
            rows = model._default_manager.order_by("pk").values_list()
            # PostgreSQL hands binary columns back as memoryviews, whose repr is an address.
            plain = [
                tuple(bytes(value) if isinstance(value, memoryview) else value for value in row)
                for row in rows
            ]
            prints[model._meta.label] = hashlib.sha256(repr(plain).encode()).hexdigest()
    return prints


# The apps of this repository (clients, projects…), not those installed into .venv.
PROJECT_APPS = sorted(
    config.label
    for config in apps.get_app_configs()
    if Path(config.path).parent == Path(settings.BASE_DIR)
)


@pytest.mark.parametrize("role", ["pm", "admin", "anonymous"])
def test_a_post_without_the_csrf_token_is_refused_everywhere_and_changes_nothing(role, world, db):
    browser = HttpClient(enforce_csrf_checks=True)
    if role != "anonymous":
        browser.force_login(world.users[role])
    # Like a browser that has used the app: it holds the CSRF cookie, so only the token is missing.
    browser.get(reverse("login" if role == "anonymous" else "home"))
    assert settings.CSRF_COOKIE_NAME in browser.cookies
    names = [name for name, route in ACCESS.items() if route.accepts_post(role)]
    assert len(names) >= (1 if role == "anonymous" else 20)
    before = fingerprint()

    for name in names:
        url = url_for(name, world)
        for data in ({}, {"csrfmiddlewaretoken": "x" * 64}):
            response = browser.post(url, data)
            assert response.status_code == 403, f"POST {url} ({name}) as {role}: not refused"
            assert b"CSRF verification failed" in response.content, f"POST {url} ({name})"

    assert fingerprint() == before
    # The same request with the token gets through: the refusals above were the CSRF check's.
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    control = next((name for name in names if name not in ("login", "logout")), names[0])
    response = visit(browser, "POST", url_for(control, world), {"csrfmiddlewaretoken": token})
    assert response.status_code != 403, control


# Hostile text


class FormReader(HTMLParser):
    """The <form>s of a page and what a browser would submit from each, before any change.

    Inputs, checked boxes and radios, textareas and the selected options; not the buttons.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._textarea: str | None = None
        self._text = ""
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attr = dict(attrs)
        if tag == "form":
            self._fields = []
            self.forms.append((attr.get("action") or "", self._fields))
        elif self._fields is None:
            return
        elif tag == "input" and attr.get("name"):
            kind = attr.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attr:
                    self._fields.append((attr["name"], attr.get("value") or "on"))
            elif kind not in ("submit", "button", "image", "file"):
                self._fields.append((attr["name"], attr.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = attr.get("name"), ""
        elif tag == "select":
            self._select, self._options = (attr.get("name"), "multiple" in attr), []
        elif tag == "option" and self._select:
            self._options.append((attr.get("value", ""), "selected" in attr))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the newline that Django puts right after <textarea>.
            self._fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self._fields.extend((name, value) for value in chosen)
            self._select = None


def form_on_page(html: str, page_url: str, action_url: str) -> dict[str, list[str]]:
    reader = FormReader()
    reader.feed(html)
    for action, fields in reader.forms:
        if (action or page_url) == action_url:
            data: dict[str, list[str]] = {}
            for name, value in fields:
                data.setdefault(name, []).append(value)
            return data
    return {}


HOSTILE = "<script>alert(1)</script>\"quotes' & <b>\u202e"  # the RLO reverses what follows
COMPACT = "<script>alert(1)</script>\"'&<b>\u202e"  # for short fields, like a phone number
RAW_SCRIPT = b"<script>alert(1)</script>"


def hostile_value(tag: str, limit: int | None) -> str:
    value = f"{tag} {HOSTILE}"
    return value if limit is None or len(value) <= limit else f"{tag}{COMPACT}"[:limit]


def long_value(tag: str, length: int) -> str:
    text = (f"{tag} {HOSTILE} " * (length // len(HOSTILE) + 1))[: length - 1]
    return text + "x"  # no trailing space, which the form would strip


@dataclass(frozen=True)
class TextField:
    """One free-text form field: where a user types into it, and where what they typed shows.

    `page` is the URL name of the page with the form, `action` that of the URL it posts to
    (the page itself when empty). `extra` holds the other choices the user makes, such as a
    status or a button. `stored` reads the value back; `shown_on` lists the pages showing it.
    """

    field: str  # "FormClass.field"
    page: str
    role: str
    stored: Callable[[World], str]
    shown_on: tuple[str, ...] = ()
    action: str = ""
    extra: dict = field(default_factory=dict)
    # Puts the world in the state the form needs (run inside the test's transaction).
    setup: Callable[[World], None] | None = None

    @property
    def name(self) -> str:
        return self.field.split(".")[1]


def _client(w):
    return Client.objects.get(pk=w.client.pk)


def _newest_api_token_name() -> str | None:
    token = ApiToken.objects.order_by("created").last()
    return token.name if token else None


def _contact(w):
    return Contact.objects.get(pk=w.contact.pk)


def _handoff(w):
    return SalesHandoff.objects.get(pk=w.handoff.pk)


def _project(w):
    return ImplementationProject.objects.get(pk=w.project.pk)


def _item(model, w):
    return model.objects.get(pk=getattr(w, model.__name__.lower()).pk)


def _report(w):
    return HandoffReport.objects.get(project=w.project)


def _next_notes(w):
    notes = StatusReportSettings.objects.filter(project=w.project).values_list("next_notes")
    return notes.first()[0] if notes else ""  # no row until someone saves the schedule


def _latest(model, **lookup):
    return model.objects.filter(**lookup).order_by("pk").last()


def _action_notes(w):
    # The task's description opens with the meeting it came from, then the notes.
    return _latest(ActionItem, meeting=w.meeting).task.description.partition("\n\n")[2]


def _uat_not_signed_off(w):
    """The walk's project is past Testing: back in Testing, UAT still to be signed off."""
    ImplementationProject.objects.filter(pk=w.project.pk).update(
        phase=Phase.TESTING, uat_signed_off_at=None, uat_signed_off_by=None
    )


def _case_for_the_contact(w):
    """The walk's test case, given to the walk's client contact to run in the portal."""
    TestCase.objects.filter(pk=w.test_case.pk).update(tester_user=None, tester_contact=w.contact)


TEXT_FIELDS = (
    TextField("ClientForm.name", "clients:edit", "manager", lambda w: _client(w).name,
              ("clients:detail", "clients:list", "projects:account_status", "projects:detail")),
    TextField("ClientForm.industry", "clients:edit", "manager", lambda w: _client(w).industry,
              ("clients:detail", "clients:list")),
    TextField("ClientForm.notes", "clients:edit", "manager", lambda w: _client(w).notes,
              ("clients:detail",)),
    TextField("ContactForm.name", "clients:contact_edit", "manager", lambda w: _contact(w).name,
              ("clients:detail", "projects:handoff_report")),
    TextField("ContactForm.phone", "clients:contact_edit", "manager",
              lambda w: _contact(w).phone, ("clients:detail",)),
    *(
        TextField(f"SalesHandoffForm.{name}", "clients:handoff_edit", "sales_rep",
                  lambda w, name=name: getattr(_handoff(w), name), ("clients:handoff_detail",))
        for name in ("commitments", "special_terms", "pain_points", "stakeholders")
    ),
    TextField("ProjectForm.name", "projects:edit", "pm", lambda w: _project(w).name,
              ("projects:detail", "projects:list", "projects:account_status")),
    # A manager passes the gate to Handed off (support has not accepted the report yet).
    TextField("PhaseChangeForm.override_reason", "projects:detail", "manager",
              lambda w: _latest(PhaseChange, project=w.project).override_reason,
              # The project page loads its phase history when opened: the history page shows it.
              ("projects:history",),
              action="projects:phase", extra={"to_phase": Phase.HANDED_OFF.value}),
    TextField("BaselineForm.reason", "projects:timeline", "pm",
              lambda w: getattr(_latest(Baseline, project=w.project), "reason", None),
              ("projects:timeline",),
              action="projects:baseline"),
    # The phase forms offer no note, but the view takes one: a hand-made POST may send it.
    TextField("PhaseChangeForm.note", "projects:detail", "pm",
              lambda w: _latest(PhaseChange, project=w.project).note, ("projects:history",),
              action="projects:phase", extra={"to_phase": Phase.GO_LIVE.value}),
    TextField("HealthOverrideForm.reason", "projects:detail", "pm",
              lambda w: _project(w).health_override_reason,
              ("projects:detail", "projects:account_status"), action="projects:health_override",
              extra={"health": "amber", "until": "2099-12-31"}),
    TextField("MilestoneForm.name", "projects:milestone_edit", "pm",
              lambda w: _item(Milestone, w).name,
              ("projects:detail", "projects:handoff_report", "projects:timeline")),
    TextField("TaskForm.title", "projects:task_edit", "pm", lambda w: _item(Task, w).title,
              ("projects:task_detail", "projects:task_list", "projects:timeline")),
    TextField("TaskForm.description", "projects:task_edit", "pm",
              lambda w: _item(Task, w).description, ("projects:task_detail",)),
    TextField("RiskForm.title", "projects:risk_edit", "pm", lambda w: _item(Risk, w).title,
              ("projects:risk_detail", "projects:detail")),
    TextField("RiskForm.description", "projects:risk_edit", "pm",
              lambda w: _item(Risk, w).description, ("projects:risk_detail",)),
    TextField("RiskForm.mitigation_plan", "projects:risk_edit", "pm",
              lambda w: _item(Risk, w).mitigation_plan, ("projects:risk_detail",)),
    TextField("IssueForm.title", "projects:issue_edit", "pm", lambda w: _item(Issue, w).title,
              ("projects:issue_detail", "projects:detail")),
    TextField("IssueForm.description", "projects:issue_edit", "pm",
              lambda w: _item(Issue, w).description, ("projects:issue_detail",)),
    TextField("IssueForm.resolution", "projects:issue_edit", "pm",
              lambda w: _item(Issue, w).resolution, ("projects:issue_detail",),
              extra={"status": "resolved"}),
    TextField("IssueStatusForm.resolution", "projects:issue_detail", "pm",
              lambda w: _item(Issue, w).resolution, ("projects:issue_detail",),
              action="projects:issue_status", extra={"status": "resolved"}),
    TextField("CommentForm.body", "projects:detail", "pm",
              lambda w: _latest(Comment, project=w.project, task=None).body, ("projects:detail",),
              action="projects:comment"),
    TextField("TimeEntryForm.note", "projects:time_entry_create", "pm",
              lambda w: _latest(TimeEntry, project=w.project).note, extra={"hours": "1.5"}),
    *(
        TextField(f"HandoffReportForm.{name}", "projects:handoff_report_edit", "pm",
                  lambda w, name=name: getattr(_report(w), name), ("projects:handoff_report",))
        for name in ("configuration_summary", "decisions", "training", "open_items")
    ),
    TextField("HandoffDecisionForm.support_comment", "projects:handoff_report", "support",
              lambda w: _report(w).support_comment, ("projects:handoff_report",),
              action="projects:handoff_report_decide", extra={"decision": "return"}),
    TextField("ScheduleForm.next_notes", "reports:schedule", "pm", _next_notes,
              ("reports:preview",)),
    TextField("TemplateForm.name", "playbooks:edit", "manager",
              lambda w: ProjectTemplate.objects.get(pk=w.template.pk).name,
              ("playbooks:detail", "playbooks:list")),
    TextField("TemplateForm.description", "playbooks:edit", "manager",
              lambda w: ProjectTemplate.objects.get(pk=w.template.pk).description,
              ("playbooks:detail",)),
    TextField("TemplateMilestoneForm.name", "playbooks:milestone_edit", "manager",
              lambda w: TemplateMilestone.objects.get(pk=w.template_milestone.pk).name,
              ("playbooks:detail",)),
    TextField("TemplateTaskForm.title", "playbooks:task_edit", "manager",
              lambda w: TemplateTask.objects.get(pk=w.template_task.pk).title,
              ("playbooks:detail",)),
    TextField("TemplateTaskForm.description", "playbooks:task_edit", "manager",
              lambda w: TemplateTask.objects.get(pk=w.template_task.pk).description,
              ("playbooks:detail",)),
    *(
        TextField(f"SaveAsTemplateForm.{name}", "playbooks:project_templates", "manager",
                  lambda w, name=name: getattr(_latest(ProjectTemplate), name),
                  () if name == "description" else ("playbooks:list",),
                  action="playbooks:save_as_template")
        for name in ("name", "description")
    ),
    TextField("ResolveForm.note", "alerts:detail", "pm",
              lambda w: Alert.objects.get(pk=w.alert.pk).resolution_note, ("alerts:detail",),
              action="alerts:resolve"),
    *(
        TextField(f"MeetingForm.{name}", "meetings:meeting_edit", "pm",
                  lambda w, name=name: getattr(Meeting.objects.get(pk=w.meeting.pk), name),
                  # The project page loads its meetings card when scrolled to.
                  ("meetings:meeting_detail", "meetings:meeting_list")
                  if name == "title" else ("meetings:meeting_detail",))
        for name in ("title", "agenda", "minutes")
    ),
    TextField("ActionItemForm.title", "meetings:action_item_create", "pm",
              lambda w: _latest(ActionItem, meeting=w.meeting).task.title,
              ("meetings:meeting_detail",)),
    TextField("ActionItemForm.notes", "meetings:action_item_create", "pm",
              lambda w: _action_notes(w),
              (), extra={"title": "Send the census file"}),
    TextField("DecisionForm.text", "meetings:decision_create", "pm",
              lambda w: _latest(Decision, meeting=w.meeting).text,
              ("meetings:meeting_detail", "meetings:decision_list"),
              extra={"decided_by": "Client payroll lead"}),
    TextField("DecisionForm.decided_by", "meetings:decision_create", "pm",
              lambda w: _latest(Decision, meeting=w.meeting).decided_by,
              ("meetings:meeting_detail", "meetings:decision_list"),
              extra={"text": "Pay weekly."}),
    # Go-live readiness and the handoff thread
    TextField("CutoverStepForm.title", "golive:step_edit", "pm",
              lambda w: CutoverStep.objects.get(pk=w.cutover_step.pk).title,
              ("golive:readiness",), extra={"state": "open"}),
    TextField("HandoffMessageForm.body", "golive:handoff_message", "support",
              lambda w: getattr(_latest(HandoffMessage, report__project=w.project), "body", None),
              ("projects:handoff_report",)),
    # Acceptance testing, and the UAT sign-off the PM records as an exception
    *(
        TextField(f"TestCaseForm.{name}", "acceptance:case_create", "pm",
                  lambda w, name=name: getattr(_latest(TestCase, project=w.project), name),
                  ("acceptance:testing",) if name == "title" else (),
                  extra={"title": "Clock in", "steps": "Clock in.", "expected_result": "Saved."})
        for name in ("title", "steps", "expected_result")
    ),
    TextField("TestRunForm.notes", "acceptance:run_create", "pm",
              lambda w: _latest(TestRun, case=w.test_case).notes, ("acceptance:run_create",),
              extra={"outcome": "pass"}),
    TextField("UatSignoffForm.reason", "projects:uat_signoff", "pm",
              lambda w: _project(w).uat_signoff_exception_reason, ("acceptance:testing",),
              extra={"contact": lambda w: str(w.contact.pk), "confirm": "on"},
              setup=_uat_not_signed_off),
    # Webhooks
    TextField("EndpointForm.description", "webhooks:edit", "admin",
              lambda w: WebhookEndpoint.objects.get(pk=w.webhook_endpoint.pk).description,
              ("webhooks:detail", "webhooks:list"), extra={"events": Event.WENT_LIVE}),
    # An API token's name, on its owner's tokens page.
    TextField("ApiTokenForm.name", "api:tokens", "pm",
              lambda w: _newest_api_token_name(), ("api:tokens",), extra={"lifetime": "30"}),
    # The client portal: typed by the walk's client contact, signed in by a link.
    TextField("SurveyForm.comment", "portal:survey", "portal",
              lambda w: Survey.objects.get(pk=w.survey.pk).comment, ("portal:survey",),
              extra={"csat": "4", "nps": "8"}),
    # A client tester's run in the portal; the notes go to the team, not back to the portal.
    TextField("TestRunForm.notes", "portal:case", "portal",
              lambda w: _latest(TestRun, case=w.test_case).notes,
              extra={"outcome": "pass", "severity": "medium"}, setup=_case_for_the_contact),
)  # fmt: skip


def project_forms() -> list[type[BaseForm]]:
    """Every form class the project's apps define (not their tests, not FilterSets' forms)."""
    found, pending = [], [BaseForm]
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        module = form_class.__module__
        # FilterForm is the base of the FilterSets' forms (their Meta.form), left out as they are.
        if form_class is FilterForm:
            continue
        if module.split(".")[0] in PROJECT_APPS and ".tests" not in module:
            found.append(form_class)
    return found


def free_text_form_fields() -> dict[str, int | None]:
    """Each plain text field of the project's forms ("Form.field"), with its max_length.

    Hidden fields are left out: they carry what the app itself wrote into the page (a signed
    preview token, a return address), which nobody types; test_hostile_input.py posts hostile
    values to every parameter of every page, those included.
    """
    return {
        f"{form_class.__name__}.{name}": form_field.max_length
        for form_class in project_forms()
        for name, form_field in form_class.base_fields.items()
        if type(form_field) is forms.CharField
        and not isinstance(form_field.widget, forms.HiddenInput)
    }


def test_every_free_text_form_field_is_checked_with_hostile_text():
    found, covered = set(free_text_form_fields()), {text_field.field for text_field in TEXT_FIELDS}
    assert found == covered, (
        "Add each new free-text form field to TEXT_FIELDS (and drop the ones that went): "
        f"missing {sorted(found - covered)}, gone {sorted(covered - found)}"
    )


def limit_of(text_field: TextField) -> int | None:
    """The field's max_length; None when it takes any length (a TextField without one)."""
    return free_text_form_fields()[text_field.field]


def submit(browser: HttpClient, text_field: TextField, world: World, value: str):
    """Type `value` into the field as its user would, with everything else left as it was."""
    if text_field.setup is not None:
        text_field.setup(world)
    page_url = url_for(text_field.page, world)
    action_url = url_for(text_field.action, world) if text_field.action else page_url
    page = browser.get(page_url)
    assert page.status_code == 200, f"{text_field.field}: {page_url} answered {page.status_code}"
    data = form_on_page(page.content.decode(), page_url, action_url)
    data.pop("csrfmiddlewaretoken", None)
    data.update(
        {key: [item(world) if callable(item) else item] for key, item in text_field.extra.items()}
    )
    data[text_field.name] = [value]
    return browser.post(action_url, data, follow=True)


def typed_and_undone(browser: HttpClient, text_field: TextField, world: World, value: str):
    """Submit `value` and return (the answer, what was stored); then undo every change."""
    cookies = copy.deepcopy(browser.cookies)
    try:
        with transaction.atomic():
            response = submit(browser, text_field, world, value)
            stored = text_field.stored(world)
            shown = {
                name: browser.get(url_for(name, world)).content for name in text_field.shown_on
            }
            transaction.set_rollback(True)
    finally:
        browser.cookies = cookies
    return response, stored, shown


@pytest.mark.parametrize("text_field", TEXT_FIELDS, ids=lambda text_field: text_field.field)
def test_hostile_text_is_stored_as_typed_and_shown_escaped(text_field, world, browsers, db):
    browser = browsers[text_field.role]
    limit = limit_of(text_field)
    value = hostile_value(text_field.field, limit)

    response, stored, shown = typed_and_undone(browser, text_field, world, value)
    assert response.redirect_chain, f"{text_field.field}: not saved\n{errors_in(response)}"
    assert stored == value
    for name, content in shown.items():
        assert RAW_SCRIPT not in content, f"{text_field.field}: unescaped on {name}"
        assert escape(value).encode() in content, f"{text_field.field}: not shown on {name}"

    longest = long_value(text_field.field, limit or 5000)
    response, stored, _ = typed_and_undone(browser, text_field, world, longest)
    assert response.redirect_chain, f"{text_field.field}: not saved\n{errors_in(response)}"
    assert stored == longest

    if limit is not None:
        before = text_field.stored(world)
        response, stored, _ = typed_and_undone(browser, text_field, world, longest + "y")
        assert response.status_code == 200
        assert stored == before
        error = f"Ensure this value has at most {limit} characters (it has {limit + 1})."
        assert error.encode() in response.content, f"{text_field.field}: no error shown"


def errors_in(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(line.strip() for line in text.splitlines() if "rror" in line or "nsure" in line)


def test_hostile_text_in_every_field_at_once_is_escaped_on_every_page_and_in_every_email(
    world, browsers, db
):
    typed = {}
    for text_field in TEXT_FIELDS:
        value = hostile_value(text_field.field, limit_of(text_field))
        response = submit(browsers[text_field.role], text_field, world, value)
        assert response.redirect_chain, f"{text_field.field}: not saved"
        typed[text_field.field] = value
    # A new task, overdue long enough for the escalation sweep to email its owner about it.
    title = hostile_value("Overdue task", 200)
    pm = world.users["pm"]
    overdue = date.today() - timedelta(days=30)
    new_task = TextField(
        "TaskForm.title",
        "projects:task_create",
        "pm",
        lambda w: "",
        extra={"due_date": overdue.isoformat(), "owner_user": str(pm.pk), "start_date": ""},
    )
    assert submit(browsers["pm"], new_task, world, title).redirect_chain
    last_email = OutgoingEmail.objects.order_by("pk").last().pk
    # A minute on from the walk's own report, which would otherwise stand for this one.
    report, _ = report_send_now(
        project=world.project, user=pm, now=timezone.now() + timedelta(minutes=2)
    )
    alerts_sweep()

    # Every page each role may open, the status report and the outbox's copies included.
    for role in ("admin", "sales_rep"):
        for name, route in ACCESS.items():
            if route.get[role] == 200:
                response = browsers[role].get(url_for(name, world))
                if response.streaming:
                    close_download(response)
                    continue  # a file a client sent, downloaded as the bytes it was
                if response["Content-Type"].startswith("text/calendar"):
                    # iCalendar is plain text, not HTML: there the text stands as typed.
                    assert RAW_SCRIPT in response.content, f"{name}: the meeting's title"
                    continue
                if response["Content-Type"].startswith(("application/json", "application/vnd.oai")):
                    # The API's JSON (and its schema) is data, not markup: the text stands as
                    # typed, and browsers are told not to read it as anything else.
                    assert response["X-Content-Type-Options"] == "nosniff", name
                    continue
                content = response.content
                assert RAW_SCRIPT not in content, f"{name} as {role}: unescaped hostile text"

    emails = list(OutgoingEmail.objects.filter(pk__gt=last_email))
    kinds = {email.kind for email in emails}
    assert {"status_report", "alert"} <= kinds, kinds
    for email in emails:
        assert RAW_SCRIPT not in email.body_html.encode(), f"{email.kind} to {email.to_email}"
        page = browsers["admin"].get(reverse("outbox:detail", args=[email.pk])).content
        assert RAW_SCRIPT not in page
    assert RAW_SCRIPT not in report.body_html.encode()
    for name in ("reports:report_detail", "reports:preview"):
        pk = report.pk if name == "reports:report_detail" else world.project.pk
        url = reverse(name, args=[pk])
        assert RAW_SCRIPT not in browsers["pm"].get(url).content, name
    report_emails = [email for email in emails if email.kind == "status_report"]
    # The PM's notes are for the team: the client version of the report leaves them out.
    staff_addresses = set(User.objects.values_list("email", flat=True))
    internal_emails = [email for email in report_emails if email.to_email in staff_addresses]
    assert internal_emails and len(internal_emails) < len(report_emails)
    for field_name, shown_in in (
        ("ProjectForm.name", report_emails),
        ("ScheduleForm.next_notes", internal_emails),
    ):
        value = typed[field_name]
        assert all(escape(value) in email.body_html for email in shown_in), field_name
        # Plain text is not HTML: there the text stands as it was typed.
        assert all(value in email.body_text for email in shown_in), field_name
    alert_emails = [email for email in emails if title in email.body_text]
    assert alert_emails, "no alert email names the overdue task"
    assert all(escape(title) in email.body_html for email in alert_emails)


# Templates: no script runs but from a file


TEMPLATE_DIRS = [Path(directory) for directory in settings.TEMPLATES[0]["DIRS"]] + [
    Path(config.path) / folder
    for config in apps.get_app_configs()
    if config.label in PROJECT_APPS
    # Django's templates, and Jinja2's: the form field and widgets (common/jinja2env.py).
    for folder in ("templates", "jinja2")
]
INLINE_HANDLER = re.compile(r"<[^>]*\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)


def test_templates_hold_no_inline_script_handler_or_javascript_url():
    """The policy would block them; they belong in static JS files (hx-on needs eval too)."""
    problems = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            text = path.read_text()
            for match in INLINE_HANDLER.finditer(text):
                problems.append(f"{path}: {match.group(1)}= handler")
            for match in INLINE_SCRIPT.finditer(text):
                if 'nonce="{{ csp_nonce }}"' not in match.group(0):
                    problems.append(f"{path}: inline <script> without the nonce")
            if re.search(r"javascript:", text, re.IGNORECASE):
                problems.append(f"{path}: javascript: URL")
    assert not problems, "\n".join(problems)
    assert any(directory.exists() for directory in TEMPLATE_DIRS)


def test_no_django_template_comment_spans_lines():
    """Django's {# #} comment ends on its own line: one that goes on prints as text on the page
    ({% comment %} spans lines; Jinja2's {# #} does too)."""
    unclosed = [
        f"{path}:{number}"
        for directory in TEMPLATE_DIRS
        if directory.name == "templates"
        for path in directory.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert unclosed == []


# Logins


def log_in(browser: HttpClient, username: str, password: str, **extra):
    return browser.post(reverse("login"), {"username": username, "password": password}, **extra)


def logged_in_user_id(browser: HttpClient) -> str | None:
    return browser.session.get("_auth_user_id")


def test_logins_lock_out_after_the_failure_limit_until_the_cool_off_ends(pm, settings):
    limit = settings.AXES_FAILURE_LIMIT
    browser = HttpClient()
    for _ in range(limit - 1):
        response = log_in(browser, pm.username, "not-the-password")
        assert response.status_code == 200
        assert b"Please enter a correct username and password" in response.content

    response = log_in(browser, pm.username, "not-the-password")
    assert response.status_code == 429
    assert b"Login paused after too many attempts" in response.content
    assert f"There were {limit} failed attempts".encode() in response.content
    # Even the right password is refused now, with the same page.
    response = log_in(browser, pm.username, TEST_PASSWORD)
    assert response.status_code == 429
    assert b"for the next 15 minutes" in response.content
    assert logged_in_user_id(browser) is None
    check_content_security_policy(response, what="the lockout page")

    # The cool-off is over once the last attempt is older than it.
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    response = log_in(browser, pm.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(browser) == str(pm.pk)


def test_a_lockout_is_for_that_username_from_that_address_only(pm, other_pm, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(HttpClient(), pm.username, "not-the-password")
    assert log_in(HttpClient(), pm.username, TEST_PASSWORD).status_code == 429

    elsewhere = HttpClient(REMOTE_ADDR="192.0.2.10")
    assert log_in(elsewhere, pm.username, TEST_PASSWORD).status_code == 302
    colleague = HttpClient()
    assert log_in(colleague, other_pm.username, TEST_PASSWORD).status_code == 302


def test_a_successful_login_clears_the_failures_before_it(pm, settings):
    browser = HttpClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(browser, pm.username, "not-the-password")
    assert log_in(browser, pm.username, TEST_PASSWORD).status_code == 302
    browser.post(reverse("logout"))

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(browser, pm.username, "not-the-password").status_code == 200
    assert log_in(browser, pm.username, TEST_PASSWORD).status_code == 302


def test_the_lockout_page_shows_a_hostile_username_escaped(db, settings):
    username = hostile_value("user", 150)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(HttpClient(), username, "not-the-password")
    assert response.status_code == 429
    assert RAW_SCRIPT not in response.content
    assert escape(username).encode() in response.content


def test_the_session_key_changes_at_login(pm):
    browser = HttpClient()
    session = browser.session
    session["seen"] = True
    session.save()
    before = browser.cookies[settings.SESSION_COOKIE_NAME].value

    response = log_in(browser, pm.username, TEST_PASSWORD)

    assert response.status_code == 302
    after = browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_the_session_and_csrf_cookies_are_http_only_and_same_site(pm):
    browser = HttpClient()
    response = browser.get(reverse("login"))
    csrf = response.cookies[settings.CSRF_COOKIE_NAME]
    response = log_in(browser, pm.username, TEST_PASSWORD)
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    for cookie in (csrf, session):
        assert cookie["httponly"] is True, cookie.key
        assert cookie["samesite"] == "Lax", cookie.key


@pytest.mark.parametrize(
    "password", ["golive", "password123", "12345678901", "priya.shah", "Priya Shah 2024"]
)
def test_weak_passwords_are_refused(password, db):
    user = User(username="priya.shah", first_name="Priya", last_name="Shah")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_strong_password_is_accepted(db):
    validate_password("correct horse battery staple", User(username="priya.shah"))


# Production settings


def production_environment() -> dict[str, str]:
    """A production configuration, and none of this test run's environment.

    (The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses.)
    """
    kept = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    return {
        **{name: os.environ[name] for name in kept if name in os.environ},
        "DJANGO_SETTINGS_MODULE": "onboarding.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "golive.example",
        # check --deploy reads the URL but connects to nothing: this port has no server.
        "DATABASE_URL": "postgres://golive:secret@127.0.0.1:9/golive",
    }


def test_production_settings_pass_the_deployment_checks():
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output
    assert "WARNING" not in output and "?:" not in output, output


def test_production_cookies_are_secure_http_only_and_same_site():
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({n: getattr(s, n) for n in ("
        "'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', "
        "'CSRF_COOKIE_SECURE', 'CSRF_COOKIE_HTTPONLY', 'CSRF_COOKIE_SAMESITE')}))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
    }


# Static analysis


def test_bandit_finds_nothing_in_the_project_code():
    """Medium and high findings; each exception is justified inline with `# nosec Bxxx`."""
    folders = sorted({*PROJECT_APPS, "onboarding"})
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "bandit", "-ll", "-q", "-f", "json", "-r", *folders]
        + ["-x", "*/tests/*,*/migrations/*"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)
    findings = [
        f"{item['filename']}:{item['line_number']} {item['test_id']} {item['issue_text']}"
        for item in report["results"]
    ]
    assert not findings, "\n".join(findings)
    assert not report["errors"], report["errors"]
    assert report["metrics"]["_totals"]["loc"] > 1000  # it did read the code
