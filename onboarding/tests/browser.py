"""The browser test harness: Debian's headless Chromium, driven by Playwright, on a live server.

A journey module imports the fixtures by name (pytest finds fixtures among a test module's
attributes; `live_app` is autouse, so importing it applies it to every test of the module) and
marks its tests `browser`:

    from onboarding.tests.browser import browser, live_app, open_page, page  # noqa: F401

    pytestmark = pytest.mark.browser

    def test_something(page, pm):
        log_in(page, pm.username)
        ...

One Chromium runs for the whole session; each test gets fresh browser contexts (no shared
cookies) pointed at pytest-django's live server, which serves the static files too. A test fails
when a page throws an uncaught JavaScript error, an htmx request fails or the server answers 5xx,
even if its own assertions passed. When a test fails, each page it opened is saved as a PNG under
var/test-screenshots/.

A module that works on a large data set (the demo data) loads it once instead, in a module-scoped
fixture built on `live_server_on_committed_data`, which empties the database afterwards even when
its setup fails.
"""

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

# Playwright's sync API keeps an asyncio event loop in the test thread, so Django would refuse the
# tests' own ORM calls (factories, refresh_from_db) with SynchronousOnlyOperation. Nothing in the
# test thread is actually asynchronous; Django documents this variable for exactly this case.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# Short, so a broken journey fails in seconds instead of hanging the suite.
TIMEOUT_MS = 5_000
# UserFactory's password (clients/tests/factories.py).
TEST_PASSWORD = "golive-test"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "var" / "test-screenshots"

T = TypeVar("T")
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()

# Reports htmx's failure events to the test, whichever page the browser is on.
_HTMX_ERROR_LISTENER = """
for (const name of ["htmx:responseError", "htmx:sendError", "htmx:swapError",
                    "htmx:targetError", "htmx:onLoadError"]) {
  document.addEventListener(name, (event) => {
    const detail = event.detail || {};
    const xhr = detail.xhr;
    const path = detail.pathInfo ? detail.pathInfo.requestPath : "";
    window.__goliveBrowserProblem(
      `${name}${xhr ? ` ${xhr.status}` : ""}${path ? ` ${path}` : ""}`
    );
  }, true);
}
"""


class _ReportKeeper:
    """A plugin that keeps each phase's report on the test, so fixtures can see a failure."""

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        item.stash.setdefault(_REPORTS, {})[report.when] = report
        return report


def _failed(item: pytest.Item) -> bool:
    reports = item.stash.get(_REPORTS, {})
    return any(report.failed for report in reports.values())


class _SharedChromium:
    """One Playwright and one Chromium for the whole session, however many modules ask.

    Each module that imports the `browser` fixture gets its own copy of it (pytest ties a
    fixture to the module it is found in), and Playwright's sync API can be started only once per
    thread, so the copies share this one and the last to finish closes it.
    """

    def __init__(self) -> None:
        self.users = 0
        self.playwright: Playwright | None = None
        self.chromium: Browser | None = None

    def acquire(self) -> Browser:
        if self.chromium is None:
            self.playwright = sync_playwright().start()
            try:
                self.chromium = self.playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
            except BaseException:
                self.playwright.stop()
                self.playwright = None
                raise
        self.users += 1
        return self.chromium

    def release(self) -> None:
        self.users -= 1
        if self.users == 0 and self.chromium is not None and self.playwright is not None:
            try:
                self.chromium.close()
            finally:
                self.playwright.stop()
                self.chromium = self.playwright = None


_SHARED = _SharedChromium()


@pytest.fixture(scope="session")
def browser(pytestconfig: pytest.Config) -> Iterator[Browser]:
    """Debian's Chromium, headless, shared by every browser test of the session."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}: "
            "apt-get install --no-install-recommends chromium (make test does it when it may).",
            pytrace=False,
        )
    if not pytestconfig.pluginmanager.has_plugin("golive-browser-reports"):
        pytestconfig.pluginmanager.register(_ReportKeeper(), "golive-browser-reports")
    chromium = _SHARED.acquire()
    try:
        yield chromium
    finally:
        _SHARED.release()


@dataclass
class _OpenedPages:
    pages: list[Page] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _screenshot_name(test_name: str, index: int) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", test_name).strip("-")
    return f"{safe}.png" if index == 0 else f"{safe}-{index + 1}.png"


def ensure_role_groups() -> None:
    """The role groups that clients' data migration made, which a flush of the database drops."""
    # Imported here so that the screenshot script can use this module without Django set up.
    from clients.roles import role_groups_ensure

    role_groups_ensure()


@contextmanager
def live_server_on_committed_data(
    request: pytest.FixtureRequest, django_db_blocker, load: Callable[[], T]
) -> Iterator[tuple["LiveServer", T]]:
    """A live server on data that `load` commits, for a module of tests; the database is
    emptied afterwards, and the role groups made again.

    The data is committed, outside any test, so that the live server's thread sees it on
    PostgreSQL too. The database is emptied even when setting up fails after the data went in
    (Chromium missing, say): else every test after this module would find the data.
    """
    from django.core.management import call_command
    from django.db import connections
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        try:
            # A transactional test before this module may have emptied the database.
            ensure_role_groups()
            loaded = load()
            # Playwright's sync API runs an event loop in this thread once it starts, and from
            # then on Django keeps this thread's connections apart from those made before. So
            # the connections made so far are closed first (else one would stay open, unseen,
            # and keep PostgreSQL's test database from being dropped), and the browser starts
            # before the live server, which shares this thread's SQLite in-memory connection
            # when there is one: the one the tests use from now on. (pytest would start the
            # session-scoped browser before a module-scoped fixture that asked for it as an
            # argument, before the data is in.)
            connections.close_all()
            request.getfixturevalue("browser")
            server = LiveServer("localhost")
            server._live_server_modified_settings.enable()
            try:
                yield server, loaded
            finally:
                server._live_server_modified_settings.disable()
                server.stop()
        finally:
            call_command("flush", interactive=False, verbosity=0)
            ensure_role_groups()
            connections.close_all()


@pytest.fixture(autouse=True)
def live_app(live_server, transactional_db):
    """The live server, on a database that has the role groups.

    The live server runs in another thread, so the tests commit their data (transactional_db),
    and the database is emptied after each test: the role groups that clients' data migration
    made are gone for the next one. They are made again here, before any user fixture runs.
    """
    ensure_role_groups()
    return live_server


@pytest.fixture
def open_page(
    request: pytest.FixtureRequest, browser: Browser, live_app
) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context: `open_page()` at desktop width, `open_page(PHONE)`.

    Relative URLs (`page.goto("/projects/")`) go to the live server.
    """
    opened = _OpenedPages()

    def open_(viewport: dict[str, int] = DESKTOP) -> Page:
        phone = viewport["width"] < 576
        context = browser.new_context(
            base_url=live_app.url,
            viewport=viewport,
            is_mobile=phone,
            has_touch=phone,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.expose_function(
            "__goliveBrowserProblem", lambda problem: opened.problems.append(problem)
        )
        context.add_init_script(_HTMX_ERROR_LISTENER)
        opened.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: opened.problems.append(f"JavaScript error: {error}"))
        page.on(
            "response",
            lambda response: (
                opened.problems.append(f"HTTP {response.status} from {response.url}")
                if response.status >= 500
                else None
            ),
        )
        opened.pages.append(page)
        return page

    yield open_

    if _failed(request.node):
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        for index, page in enumerate(opened.pages):
            if not page.is_closed():
                page.screenshot(
                    path=SCREENSHOT_DIR / _screenshot_name(request.node.name, index),
                    full_page=True,
                )
    for context in opened.contexts:
        context.close()
    if opened.problems:
        summary = "The browser saw problems:\n" + "\n".join(opened.problems)
        if _failed(request.node):
            # The test has already failed; show these beside its failure, under "teardown".
            print(summary)
        else:
            pytest.fail(summary, pytrace=False)


@pytest.fixture
def page(open_page: Callable[..., Page]) -> Page:
    """A desktop-width page (1366 × 900) on the live server."""
    return open_page()


def log_in(page: Page, username: str, password: str = TEST_PASSWORD) -> None:
    """Log in through the real login form and wait for the page it leads to."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def expect_assets_working(page: Page) -> None:
    """Bootstrap's CSS and JavaScript and htmx all loaded from the app and are running."""
    stylesheet_rules = page.evaluate(
        """() => [...document.styleSheets]
            .filter((sheet) => sheet.href && sheet.href.includes("bootstrap"))
            .map((sheet) => sheet.cssRules.length)"""
    )
    assert stylesheet_rules, "Bootstrap's stylesheet is not on the page"
    assert all(stylesheet_rules), "Bootstrap's stylesheet did not load"
    # A style only Bootstrap gives: a navbar is a flex container.
    expect(page.locator("nav.navbar").first).to_have_css("display", "flex")
    assert page.evaluate("() => typeof window.bootstrap?.Collapse === 'function'"), (
        "Bootstrap's JavaScript is not running"
    )
    assert page.evaluate("() => typeof window.htmx?.process === 'function'"), "htmx is not running"


def expect_no_horizontal_overflow(page: Page) -> None:
    """Nothing on the page is wider than the screen, so the page never scrolls sideways.

    Measured against the viewport the page was opened with, not window.innerWidth: a phone
    (is_mobile) zooms out to fit a page that is too wide, and innerWidth grows with it.
    """
    screen = page.viewport_size["width"]
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= screen, f"{page.url} is {width} px wide on a {screen} px screen"
