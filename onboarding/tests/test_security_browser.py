"""The Content-Security-Policy in real headless Chromium: nothing the app needs is blocked.

The policy allows scripts from the app's own files only. These journeys fail on any violation
Chromium reports, on the app's pages, on htmx's in-place edits, on an email shown in the
outbox's sandboxed frame, and in the Django admin, whose JavaScript must keep working.
"""

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import Page, expect

from clients.tests.factories import ClientFactory
from onboarding.tests.browser import (  # noqa: F401 (fixtures are found by name)
    browser,
    live_app,
    log_in,
    open_page,
    page,
)
from outbox.models import OutgoingEmail
from projects.tests.factories import ProjectFactory, TaskFactory

pytestmark = pytest.mark.browser

# Reports each violation to the harness, which fails the test with it.
_VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__goliveBrowserProblem(
    `Content-Security-Policy blocked ${event.blockedURI || "inline code"} ` +
    `(${event.violatedDirective}) on ${location.pathname}`
  );
}, true);
"""


def watch_for_violations(tab: Page) -> list[str]:
    """Fail the test on any CSP violation, including in frames whose scripts cannot run."""
    tab.context.add_init_script(_VIOLATION_LISTENER)
    console = []
    tab.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return console


def test_the_app_and_its_in_place_edits_work_under_the_policy(page, pm):  # noqa: F811
    console = watch_for_violations(page)
    project = ProjectFactory(name="Acme Tools payroll", pm=pm)
    task = TaskFactory(project=project, title="Load the employee census")

    log_in(page, pm.username)
    policy = page.request.get("/").headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    page.goto(f"/projects/{project.pk}/")
    assert page.evaluate("() => typeof window.htmx?.process === 'function'"), "htmx is blocked"
    assert page.evaluate("() => typeof window.bootstrap?.Collapse === 'function'")

    # A row's editors load when opened: htmx under the policy, then the in-place edit.
    page.get_by_role("link", name="Change status or owner of Load the employee census").click()
    status = page.get_by_label("Status of Load the employee census")
    expect(status).to_be_focused()  # htmx has settled the editor, with its handlers
    # The page's lower part and its cards load on their own; let them land first.
    page.wait_for_load_state("networkidle")
    with page.expect_response(lambda r: r.url.endswith(f"/tasks/{task.pk}/status/")):
        status.select_option(label="Done")
    progress = page.get_by_role("progressbar", name="Plan progress")
    expect(progress).to_have_attribute("aria-valuenow", "100")
    assert not console, console


def test_an_email_shows_in_the_outbox_frame_under_the_policy(page, manager):  # noqa: F811
    console = watch_for_violations(page)
    email = OutgoingEmail.objects.create(
        kind="status_report",
        to_email="lead@client.example",
        subject="Status report",
        body_text="The plan is on track.",
        body_html=render_to_string(
            "reports/email/status_report.html",
            {"body_html": "The plan is on track.", "site_url": "http://testserver"},
        ),
        dedup_key="csp-browser-test",
    )

    log_in(page, manager.username)
    page.goto(f"/outbox/{email.pk}/")

    frame = page.frame_locator("iframe[title='HTML body of the message']")
    expect(frame.get_by_text("The plan is on track.")).to_be_visible()
    assert not console, console


def test_the_django_admin_and_its_scripts_work_under_the_policy(page, admin_user):  # noqa: F811
    console = watch_for_violations(page)
    ClientFactory(name="Northwind Foods")

    log_in(page, admin_user.username)
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto("/admin/clients/client/")
    # The admin's actions.js counts the rows ticked for a bulk action.
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("1 of 1 selected")
    page.get_by_role("link", name="Northwind Foods").click()
    expect(page.locator("input[name='name']")).to_have_value("Northwind Foods")
    assert not console, console
