"""The confirmation pages in headless Chromium: what is open is listed, and nothing happens
until the box is ticked."""

import pytest
from playwright.sync_api import expect

from clients.tests.factories import ContactFactory
from onboarding.tests.browser import (  # noqa: F401 (fixtures are found by name)
    browser,
    live_app,
    log_in,
    open_page,
    page,
)
from projects.models import Phase
from projects.tests.factories import MilestoneFactory, ProjectFactory, TaskFactory

pytestmark = pytest.mark.browser


def test_pm_records_uat_sign_off_after_seeing_what_testing_has_open(page, pm):  # noqa: F811
    project = ProjectFactory(name="Acme Tools payroll", pm=pm, phase=Phase.TESTING)
    uat = MilestoneFactory(project=project, name="UAT sign-off", phase=Phase.TESTING)
    TaskFactory(project=project, milestone=uat, title="Execute UAT test scripts")
    ContactFactory(client=project.client, name="Dana Ortiz")

    log_in(page, pm.username)
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Record UAT sign-off as an exception…").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record the client’s UAT sign-off as an exception"
    )
    expect(page.get_by_role("link", name="Execute UAT test scripts")).to_be_visible()
    page.get_by_label("Signed off by").select_option(label="Dana Ortiz")
    page.get_by_label("Why the client cannot sign off themselves").fill("Dana is on leave.")
    page.get_by_label("I have checked what is still open").check()
    page.get_by_role("button", name="Record UAT sign-off as an exception").click()

    expect(page.get_by_text("UAT sign-off by Dana Ortiz recorded as an exception.")).to_be_visible()
    expect(page.get_by_text("(recorded by")).to_be_visible()
    expect(page.get_by_role("link", name="Record UAT sign-off as an exception…")).to_have_count(0)


def test_pm_completes_a_milestone_with_open_tasks_only_after_confirming(page, pm):  # noqa: F811
    project = ProjectFactory(name="Acme Tools payroll", pm=pm)
    milestone = MilestoneFactory(project=project, name="Configuration complete")
    TaskFactory(project=project, milestone=milestone, title="Build earning codes")

    log_in(page, pm.username)
    page.goto(project.get_absolute_url())
    page.get_by_role("button", name="Complete Configuration complete").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("with open tasks?")
    expect(page.get_by_role("link", name="Build earning codes")).to_be_visible()
    page.get_by_label("I know these tasks are open").check()
    page.get_by_role("button", name="Complete the milestone").click()

    expect(page.get_by_text("Milestone “Configuration complete” is complete.")).to_be_visible()
    milestone.refresh_from_db()
    assert milestone.completed_by == pm
