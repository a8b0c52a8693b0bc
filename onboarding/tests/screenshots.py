"""Full-page screenshots of the main pages, as each demo user sees them, on a laptop and a phone.

Run it against a running app with the demo data (`make run`):

    .venv/bin/python -m onboarding.tests.screenshots --base-url http://127.0.0.1:8000 \\
        --out var/screenshots

It writes <out>/<user>/<page>-desktop.png (1366 wide) and <page>-phone.png (390 wide), and prints
what it could not take (a page the role may not open) and what looked wrong (JavaScript errors,
server errors, a page wider than the phone). The exit status is 1 when something looked wrong.
It needs no Django settings: it only talks to the server through Debian's headless Chromium.
"""

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from onboarding.tests.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE

DEMO_USERS = ("pm", "manager", "sales", "support", "admin")
DEMO_PASSWORD = "golive-demo"  # noqa: S105 (the documented demo password)
TIMEOUT_MS = 15_000
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}

PROJECT_DETAIL = re.compile(r"^/projects/\d+/$")
CLIENT_DETAIL = re.compile(r"^/clients/\d+/$")
ACCOUNT_STATUS = re.compile(r"^/clients/\d+/status/$")
TASK_DETAIL = re.compile(r"^/tasks/\d+/$")


@dataclass
class Shot:
    name: str
    path: str


@dataclass
class Outcome:
    taken: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _new_context(browser: Browser, base_url: str, viewport: dict[str, int]) -> BrowserContext:
    phone = viewport["width"] < 576
    context = browser.new_context(
        base_url=base_url, viewport=viewport, is_mobile=phone, has_touch=phone
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


def _log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    if urlsplit(page.url).path.startswith("/accounts/login/"):
        raise SystemExit(
            f"Could not log in as {username!r} with the demo password: "
            "is the demo data loaded (python manage.py seed_demo)?"
        )


def _links(page: Page, pattern: re.Pattern) -> list[str]:
    """The paths of the links in the page's main content that match the pattern, in order."""
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)")
    paths = [urlsplit(href).path for href in hrefs]
    return list(dict.fromkeys(path for path in paths if pattern.match(path)))


def _first_link(page: Page, pattern: re.Pattern) -> str | None:
    links = _links(page, pattern)
    return links[0] if links else None


def _open(page: Page, path: str) -> int:
    response = page.goto(path)
    return response.status if response else 0


def _find_task(page: Page, projects: list[str]) -> str | None:
    """A task of one of the first few projects; a finished project lists no open tasks."""
    for project in projects[:5]:
        if _open(page, f"{project}tasks/") == 200 and (task := _first_link(page, TASK_DETAIL)):
            return task
    return None


def _discover(page: Page, outcome: Outcome, username: str) -> list[Shot]:
    """Walk the user's pages as they would and list the ones worth a picture."""
    shots = [Shot("home", "/")]
    projects: list[str] = []
    client = account = None
    listed = (
        ("/projects/", "project-list"),
        ("/clients/", "client-list"),
        ("/projects/new/", "project-form"),
    )
    for path, name in listed:
        status = _open(page, path)
        if status != 200:
            outcome.skipped.append(f"{username}: {name} answers {status}")
            continue
        shots.append(Shot(name, path))
        if name == "project-list":
            projects = _links(page, PROJECT_DETAIL)
        elif name == "client-list":
            client = _first_link(page, CLIENT_DETAIL)
    if client is None:
        _open(page, "/")
        account = _first_link(page, ACCOUNT_STATUS)
    if projects:
        shots.append(Shot("project-detail", projects[0]))
        task = _find_task(page, projects)
        if task:
            shots.append(Shot("task-detail", task))
        else:
            outcome.skipped.append(f"{username}: no task in the first projects of the list")
    if client:
        shots.append(Shot("client-detail", client))
        _open(page, client)
        account = _first_link(page, ACCOUNT_STATUS) or f"{client}status/"
    if account:
        shots.append(Shot("account-status", account))
    else:
        outcome.skipped.append(f"{username}: no account to show the status of")
    return shots


def _watch(page: Page, outcome: Outcome, label: str) -> None:
    page.on("pageerror", lambda error: outcome.problems.append(f"{label}: JavaScript {error}"))
    page.on(
        "response",
        lambda response: (
            outcome.problems.append(f"{label}: HTTP {response.status} from {response.url}")
            if response.status >= 500
            else None
        ),
    )


def shoot_user(browser: Browser, base_url: str, out: Path, username: str, outcome: Outcome) -> None:
    shots: list[Shot] = []
    for width_name, viewport in WIDTHS.items():
        context = _new_context(browser, base_url, viewport)
        try:
            page = context.new_page()
            _watch(page, outcome, f"{username} ({width_name})")
            _log_in(page, username)
            if not shots:
                shots = _discover(page, outcome, username)
            for shot in shots:
                status = _open(page, shot.path)
                if status != 200:
                    outcome.skipped.append(f"{username}: {shot.path} answers {status}")
                    continue
                if width_name == "phone":
                    width = page.evaluate("() => document.documentElement.scrollWidth")
                    if width > viewport["width"]:
                        outcome.problems.append(
                            f"{username}: {shot.path} is {width} px wide on a "
                            f"{viewport['width']} px phone"
                        )
                target = out / username / f"{shot.name}-{width_name}.png"
                target.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=target, full_page=True)
                outcome.taken.append(target)
        finally:
            context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("var/screenshots"))
    parser.add_argument(
        "--users", nargs="+", default=list(DEMO_USERS), help="demo users (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    base_url = urljoin(args.base_url.rstrip("/") + "/", "/")

    outcome = Outcome()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            for username in args.users:
                shoot_user(browser, base_url, args.out, username, outcome)
        finally:
            browser.close()

    print(f"{len(outcome.taken)} screenshots in {args.out}/")
    for line in outcome.skipped:
        print(f"  not taken: {line}")
    for line in outcome.problems:
        print(f"  PROBLEM: {line}")
    return 1 if outcome.problems else 0


if __name__ == "__main__":
    sys.exit(main())
