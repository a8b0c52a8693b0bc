"""Accessibility, checked in real headless Chromium on the demo data.

axe-core (the copy that axe-playwright-python ships) runs on every main page of
onboarding/tests/pages.py, as each role that opens it, at desktop width and, for the pages
marked so, at phone width: no violation of impact "serious" or "critical" is allowed. A second
set of tests uses the app with the keyboard alone: the skip link comes first and works, focus is
always visible, and a PM changes a task's status in place and posts a comment without a mouse.

The demo data (`seed_demo`, the escalation sweep, `send_status_reports --now`) is loaded once
for the module, committed so that the live server's thread sees it, and the database is emptied
at the end (the role groups are made again, as the migration made them). So these tests do not
use pytest-django's function-scoped `live_server`, which empties the database after every test:
they start the same LiveServer class once for the module.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import StringIO
from unittest import mock

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Count
from django.test import Client as DjangoClient
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from acceptance.models import TestCase
from alerts.models import Alert
from clients.models import Client, SalesHandoff
from exchange.models import ImportRun
from golive.models import CutoverStep
from meetings import services as meeting_services
from meetings.models import Meeting
from onboarding.celery import app as celery_app
from onboarding.tests import pages
from onboarding.tests.browser import (  # noqa: F401 (fixtures are found by name)
    DESKTOP,
    PHONE,
    SCREENSHOT_DIR,
    TIMEOUT_MS,
    browser,
    live_server_on_committed_data,
)
from outbox.models import OutgoingEmail
from playbooks.models import ProjectTemplate, TemplateMilestone, TemplateTask
from projects import demo
from projects.models import ImplementationProject, Issue, Milestone, Phase, Risk, Task
from reports.models import StatusReport
from reports.tasks import make_pdfs
from webhooks.models import WebhookEndpoint

# django_db: so that pytest-django sets up the test database (the module's data is committed
# outside any test, by `site`); each test's own changes are rolled back as usual.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

BLOCKING_IMPACTS = {"serious", "critical"}
# Each role's demo login (projects/demo.py); the admin is the superuser.
DEMO_LOGINS = {
    pages.PM: "pm",
    pages.MANAGER: "manager",
    pages.SALES: "sales",
    pages.SUPPORT: "support",
    pages.ADMIN: "admin",
}
AXE = Axe()


@dataclass
class Site:
    """The live server on the demo data, the ids the pages' URLs take, and a session per role."""

    server: LiveServer
    ids: dict[str, int]
    sessions: dict[str, str]
    url: str = field(init=False)

    def __post_init__(self) -> None:
        self.url = self.server.url


def _load_demo_data() -> None:
    """seed_demo, then the two jobs, so that alerts, status reports and emails exist.

    Celery runs eagerly here: the emails the jobs queue are delivered in this process to
    Django's test mailbox, instead of being left for a worker on a real broker.
    """
    out = StringIO()
    saved_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        call_command("seed_demo", stdout=out)
        call_command("run_escalations", stdout=out)
        # The reports' PDFs are left to their own job (and a report's first download), so the
        # pages show each report as in the minutes after it is sent: drawing two PDFs of each
        # demo report, eagerly in every test process, was most of this module's setup.
        with mock.patch.object(make_pdfs, "delay"):
            call_command("send_status_reports", "--now", stdout=out)
    finally:
        celery_app.conf.task_always_eager = saved_eager


def _first(queryset, what: str) -> int:
    pk = queryset.values_list("pk", flat=True).first()
    if pk is None:
        pytest.fail(f"The demo data has no {what}; the accessibility checks need one.")
    return pk


def _pick_ids() -> dict[str, int]:
    """One object of each kind the pages show, from the demo data.

    The project is the demo PM's, on an account of the demo sales rep, with the most alerts,
    so that every role that may open its pages sees them full.
    """
    pm = User.objects.get(username=DEMO_LOGINS[pages.PM])
    sales = User.objects.get(username=DEMO_LOGINS[pages.SALES])
    project = (
        ImplementationProject.objects.filter(pm=pm, client__sales_rep=sales)
        .annotate(alert_total=Count("alerts"))
        .order_by("-alert_total", "pk")
        .first()
    )
    if project is None:
        pytest.fail("The demo data has no project of the demo PM on the demo sales rep's account.")
    on_project = {"project": project}
    ids = {
        "project": project.pk,
        "client": project.client_id,
        "task": _first(
            Task.objects.filter(**on_project).exclude(status=Task.Status.DONE), "open task"
        ),
        "milestone": _first(Milestone.objects.filter(**on_project), "milestone"),
        "risk": _first(Risk.objects.filter(**on_project), "risk"),
        "issue": _first(Issue.objects.filter(**on_project), "issue"),
        "alert": _first(Alert.objects.filter(**on_project), "alert"),
        "report": _first(StatusReport.objects.filter(**on_project), "status report"),
        "email": _first(OutgoingEmail.objects.all(), "outgoing email"),
        "webhook": _first(WebhookEndpoint.objects.all(), "webhook"),
        "contact": _first(Client.objects.get(pk=project.client_id).contacts.all(), "contact"),
        "sales_handoff": _first(SalesHandoff.objects.filter(client__sales_rep=sales), "handoff"),
        "open_sales_handoff": _first(
            SalesHandoff.objects.filter(client__sales_rep=sales, acknowledged_at__isnull=True),
            "sales handoff not yet acknowledged",
        ),
        "template": _first(ProjectTemplate.objects.order_by("pk"), "project template"),
        "template_milestone": _first(
            TemplateMilestone.objects.order_by("pk"), "template milestone"
        ),
        "template_task": _first(TemplateTask.objects.order_by("pk"), "template task"),
        "testing_project": _first(
            ImplementationProject.objects.filter(
                pm=pm, phase=Phase.TESTING, status=ImplementationProject.Status.ACTIVE
            ).filter(uat_signed_off_at__isnull=True),
            "project of the demo PM in Testing without UAT sign-off",
        ),
        "handoff_project": _first(
            ImplementationProject.objects.filter(
                client__sales_rep=sales, handoff_report__isnull=False
            ),
            "handoff report on the demo sales rep's account",
        ),
        "meeting": _meeting_on(project),
    }
    ids["cutover_step"] = _cutover_step_on(ids["testing_project"], pm)
    ids["import_run"] = _first(ImportRun.objects.order_by("pk"), "checked import (exchange.demo)")
    ids["test_case"] = _first(
        TestCase.objects.filter(project_id=ids["testing_project"]).order_by("pk"),
        "test case on the demo PM's project in Testing",
    )
    return ids


def _cutover_step_on(project_id: int, pm: User) -> int:
    """A go-live checklist step on the demo PM's project in Testing: seed_demo makes none."""
    step = CutoverStep.objects.create(
        project_id=project_id, title="Freeze payroll changes", owner=pm, order=1
    )
    return step.pk


def _meeting_on(project: ImplementationProject) -> int:
    """A meeting with an action item and a decision: seed_demo (in projects/) makes none."""
    when = timezone.now() + datetime.timedelta(days=1)
    meeting = meeting_services.meeting_create(
        project=project,
        user=project.pm,
        kind=Meeting.Kind.WEEKLY_STATUS,
        title="Weekly status",
        starts_at=when,
        duration_minutes=45,
        attendee_users=[project.pm],
        attendee_contacts=project.client.contacts.all()[:2],
        agenda="Census file\nPay groups",
    )
    meeting_services.action_item_create(
        meeting=meeting,
        user=project.pm,
        title="Send the employee census file",
        due_date=when.date() + datetime.timedelta(days=7),
        owner_user=project.pm,
    )
    meeting_services.decision_record(
        meeting=meeting,
        user=project.pm,
        text="Hourly staff are paid bi-weekly.",
        decided_on=when.date(),
        decided_by="Client payroll lead",
    )
    return meeting.pk


def _session_cookie(username: str) -> str:
    """A logged-in session for a demo user, as the login page would make it."""
    client = DjangoClient()
    client.force_login(User.objects.get(username=username))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, django_db_setup, django_db_blocker) -> Iterator[Site]:
    """The live server on the demo data, for the whole module; the database is emptied after."""

    def load() -> tuple[dict[str, int], dict[str, str]]:
        _load_demo_data()
        sessions = {role: _session_cookie(username) for role, username in DEMO_LOGINS.items()}
        return _pick_ids(), sessions

    with live_server_on_committed_data(request, django_db_blocker, load) as (server, loaded):
        ids, sessions = loaded
        yield Site(server=server, ids=ids, sessions=sessions)


class BrowserPages:
    """One browser context per role and screen width, kept for the module: logging in once."""

    def __init__(self, chromium: Browser, site: Site) -> None:
        self.browser = chromium
        self.site = site
        self.contexts: dict[tuple[str, int], BrowserContext] = {}
        self.pages: dict[tuple[str, int], Page] = {}
        self.problems: list[str] = []

    def page(self, role: str, viewport: dict[str, int] = DESKTOP) -> Page:
        key = (role, viewport["width"])
        if key not in self.pages:
            context = self.new_context(viewport)
            if role != pages.ANONYMOUS:
                context.add_cookies(
                    [
                        {
                            "name": settings.SESSION_COOKIE_NAME,
                            "value": self.site.sessions[role],
                            "url": self.site.url,
                        }
                    ]
                )
            self.contexts[key] = context
            self.pages[key] = context.new_page()
        return self.pages[key]

    def new_context(self, viewport: dict[str, int] = DESKTOP) -> BrowserContext:
        phone = viewport["width"] < 576
        context = self.browser.new_context(
            base_url=self.site.url, viewport=viewport, is_mobile=phone, has_touch=phone
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.on("weberror", lambda error: self.problems.append(f"JavaScript error: {error}"))
        return context

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()


@pytest.fixture(scope="module")
def browser_pages(request: pytest.FixtureRequest, site: Site) -> Iterator[BrowserPages]:
    # Not an argument: see `site` for why the browser starts after the demo data is in.
    kept = BrowserPages(request.getfixturevalue("browser"), site)
    yield kept
    kept.close()


@pytest.fixture
def no_browser_problems(browser_pages: BrowserPages) -> Iterator[None]:
    """A test fails when a page it opened threw an uncaught JavaScript error."""
    browser_pages.problems.clear()
    yield
    assert not browser_pages.problems, "\n".join(browser_pages.problems)


# axe-core's own defaults (WCAG 2.0–2.2 A and AA, and best practice), violations only.
AXE_OPTIONS = {"resultTypes": ["violations"]}


def start_axe(page: Page) -> None:
    """Start axe-core and return at once: it runs in the page's own renderer process, so the
    pages of several roles are checked side by side."""
    # What a disclosure (<details>) hides is checked too, as someone who opens it sees it.
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    page.evaluate(AXE.axe_script)
    page.evaluate("(options) => { window.__goliveAxe = axe.run(document, options); }", AXE_OPTIONS)


def serious_violations(page: Page) -> list[dict]:
    """What the run `start_axe` began found, of impact serious or critical."""
    results = page.evaluate("() => window.__goliveAxe")
    return [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"  - {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"      at {target}: {summary}")
    return "\n".join(lines)


def _screenshot(page: Page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name)
    page.screenshot(path=SCREENSHOT_DIR / f"a11y-{safe}.png", full_page=True)


# Every page, at desktop width; the marked ones also at phone width. Each is checked as every
# role that opens it.
CASES = [pytest.param(main_page, DESKTOP, id=main_page.name) for main_page in pages.PAGES] + [
    pytest.param(main_page, PHONE, id=f"{main_page.name}-on-a-phone")
    for main_page in pages.PAGES
    if main_page.phone
]


@pytest.mark.parametrize(("main_page", "viewport"), CASES)
def test_page_has_no_serious_accessibility_violations(
    main_page: pages.MainPage,
    viewport: dict[str, int],
    site: Site,
    browser_pages: BrowserPages,
    no_browser_problems,
):
    url = main_page.url(site.ids)
    opened = []
    for role in sorted(main_page.roles):
        page = browser_pages.page(role, viewport)
        response = page.goto(url)
        assert response is not None
        assert (response.status, page.url) == (main_page.status, site.url + url), (
            f"{main_page.name} as {role} answered {response.status} at {page.url}, "
            f"not {main_page.status} at {url}: fix its roles in onboarding/tests/pages.py"
        )
        start_axe(page)
        opened.append((role, page))
    found = []
    for role, page in opened:
        violations = serious_violations(page)
        if violations:
            _screenshot(page, f"{main_page.name}-{role}-{viewport['width']}")
            found.append(f"as {role}:\n{describe(violations)}")
    assert not found, (
        f"{main_page.name} ({url}) at {viewport['width']} px has serious accessibility "
        "violations\n" + "\n".join(found)
    )


def _url_names(resolver: URLResolver, namespace: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's own admin site, not Golive's pages
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else f"(unnamed) {pattern.pattern}"


def test_every_url_is_a_checked_page_or_an_action():
    """A page added later is checked as soon as it has a line in onboarding/tests/pages.py."""
    checked = {page.url_name for page in pages.PAGES if page.url_name}
    unlisted = sorted(set(_url_names(get_resolver())) - checked - set(pages.NOT_PAGES))
    assert not unlisted, (
        "These URLs are neither a page in onboarding/tests/pages.py PAGES (so axe-core checks "
        f"them) nor an action named in NOT_PAGES: {unlisted}"
    )
    stale = sorted((checked | set(pages.NOT_PAGES)) - set(_url_names(get_resolver())))
    assert not stale, f"onboarding/tests/pages.py names URLs that no longer exist: {stale}"


# Keyboard only


FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 60),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
  };
}"""


def expect_focus_visible(page: Page) -> dict:
    """The focused element shows it: an outline, or a focus ring (box-shadow)."""
    focused = page.evaluate(FOCUS_STYLE)
    assert focused["tag"] != "body", f"Focus is nowhere on {page.url}"
    assert focused["outline"] or focused["shadow"], (
        f"The focused <{focused['tag']}> “{focused['text']}” (id {focused['id']!r}) on "
        f"{page.url} shows no focus indicator"
    )
    return focused


def tab_to(page: Page, selector: str, *, key: str = "Tab", limit: int = 150) -> None:
    """Press Tab (or Shift+Tab) until `selector` has focus; every stop on the way shows focus."""
    for _ in range(limit):
        page.keyboard.press(key)
        expect_focus_visible(page)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{limit} presses of {key} on {page.url} never reached {selector}")


def expect_skip_link_first(page: Page) -> None:
    """On a page just opened, the first Tab lands on a visible skip link; Enter moves focus to
    <main>, and the next Tab goes on from there, into the content."""
    page.keyboard.press("Tab")
    focused = expect_focus_visible(page)
    assert (focused["tag"], focused["text"]) == ("a", "Skip to main content"), (
        f"The first Tab on {page.url} reached <{focused['tag']}> “{focused['text']}”, "
        "not the skip link"
    )
    expect(page.get_by_role("link", name="Skip to main content")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    expect_focus_visible(page)
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


# A few pages of each kind: a dashboard, a list, a detail page full of controls, a form.
SKIP_LINK_PAGES = ("home", "project list", "project detail", "client detail", "edit task")


def test_the_skip_link_comes_first_and_moves_focus_to_the_content(
    site: Site, browser_pages: BrowserPages, no_browser_problems
):
    by_name = {main_page.name: main_page for main_page in pages.PAGES}
    page = browser_pages.page(pages.PM)
    for name in SKIP_LINK_PAGES:
        page.goto(by_name[name].url(site.ids))
        expect_skip_link_first(page)
    page = browser_pages.page(pages.ANONYMOUS)
    page.goto(by_name["not found"].url(site.ids))
    expect_skip_link_first(page)


@pytest.fixture
def keyboard_page(browser_pages: BrowserPages) -> Iterator[Page]:
    """A fresh, logged-out desktop page, kept apart from the axe tests' sessions."""
    context = browser_pages.new_context()
    page = context.new_page()
    yield page
    context.close()


def test_a_pm_logs_in_changes_a_task_status_and_comments_with_the_keyboard_alone(
    keyboard_page: Page, site: Site, no_browser_problems
):
    page = keyboard_page
    project = ImplementationProject.objects.get(pk=site.ids["project"])
    task = (
        Task.objects.filter(project=project, status=Task.Status.NOT_STARTED)
        .filter(depends_on__isnull=True)
        .order_by("due_date", "pk")
        .first()
    )
    assert task is not None, "The demo project has no task that can start now"

    # The login page puts focus in the username field; Tab goes on to the password; Enter sends.
    page.goto("/accounts/login/")
    expect(page.get_by_label("Username")).to_be_focused()
    expect_focus_visible(page)
    page.keyboard.type(DEMO_LOGINS[pages.PM])
    tab_to(page, "input[name=password]")
    page.keyboard.type(demo.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(site.url + "/")

    # Home: the skip link first; back up through the menu to Projects, then on to the project.
    expect_skip_link_first(page)
    tab_to(page, "nav[aria-label=Main] a[href='/projects/']", key="Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(site.url + "/projects/")
    tab_to(page, f"main a[href='/projects/{project.pk}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(site.url + f"/projects/{project.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(project.name)

    # The task's status, in place: its "Change" opens the row's editors with focus on the
    # status, chosen with the arrow keys.
    status = page.get_by_label(f"Status of {task.title}")
    expect_skip_link_first(page)
    tab_to(page, f"#task-{task.pk} a[hx-get*='fragment=task-row']")
    page.keyboard.press("Enter")
    expect(status).to_be_focused()
    page.evaluate("() => { window.__noReload = true; }")
    with page.expect_response(lambda r: r.url.endswith(f"/tasks/{task.pk}/status/")) as answer:
        page.keyboard.press("ArrowDown")
    assert answer.value.status == 200
    expect(page.locator(f"#task-{task.pk}").get_by_role("status")).to_have_text(
        f"“{task.title}” is now in progress."
    )
    expect(status).to_have_value(Task.Status.IN_PROGRESS)
    assert page.evaluate("() => window.__noReload") is True, "the page was reloaded"
    # The row was replaced, and focus is back on the control the keyboard user was on.
    expect(status).to_be_focused()
    expect_focus_visible(page)
    task.refresh_from_db()
    assert task.status == Task.Status.IN_PROGRESS

    # A comment, typed and sent with the keyboard: Enter on "Write a comment" opens its form.
    comment = "Census file received; loading it into the test tenant now."
    tab_to(page, "#comments summary")
    page.keyboard.press("Enter")
    expect(page.locator("#comments textarea")).to_be_visible()
    tab_to(page, "#comments textarea")
    page.keyboard.type(comment)
    tab_to(page, "#comments button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#comments")).to_contain_text(comment)
    assert project.comments.filter(body=comment, author__username="pm").exists()
