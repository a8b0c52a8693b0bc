"""Journeys in headless Chromium: a PM makes a plan from two templates; a manager builds one."""

import datetime

import pytest
from playwright.sync_api import expect

from clients.tests.factories import ProductFactory
from onboarding.tests.browser import (  # noqa: F401 (fixtures are found by name)
    browser,
    live_app,
    log_in,
    open_page,
    page,
)
from playbooks.models import ProjectTemplate
from playbooks.services import project_plan_from_templates
from playbooks.tests.factories import payroll_and_time
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.browser


def test_pm_makes_a_projects_plan_from_two_templates_and_sees_it(page, pm):  # noqa: F811
    payroll, time = ProductFactory(name="Payroll"), ProductFactory(name="Time & Attendance")
    payroll_and_time(payroll, time)
    project = ProjectFactory(
        name="Harbor View payroll and time",
        pm=pm,
        products=[payroll, time],
        kickoff_date=datetime.date(2027, 3, 1),
        baseline_go_live=None,
    )

    log_in(page, pm.username)
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Plan templates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan templates")
    # The templates of the project's two products are chosen, with what they would make.
    expect(page.get_by_label("Payroll (Payroll)")).to_be_checked()
    expect(page.get_by_label("Time & Attendance (Time & Attendance)")).to_be_checked()
    expect(page.locator("#plan-preview")).to_contain_text("4 milestones, 6 tasks")
    expect(page.locator("#plan-preview")).to_contain_text("go-live 29 Mar 2027")

    page.get_by_label("Kick-off date").fill("2027-03-08")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#plan-preview")).to_contain_text("go-live 5 Apr 2027")
    page.get_by_role("button", name="Make the plan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(project.name)
    expect(page.get_by_role("status").or_(page.locator(".alert-success")).first).to_contain_text(
        "4 milestones, 6 tasks, go-live 5 Apr 2027"
    )
    rows = page.locator("#milestones tbody tr")
    expect(rows).to_have_count(4)
    names = [
        text.split("\n")[0].strip() for text in rows.locator("td:first-child").all_inner_texts()
    ]
    assert sorted(names) == ["Go-live", "Kick-off", "Payroll built", "Time & Attendance built"]
    expect(rows.filter(has_text="Go-live")).to_contain_text("5 Apr 2027")
    page.get_by_role("link", name="Plan templates").click()
    made_from = page.get_by_role("region", name="Made from")
    expect(made_from.get_by_role("link", name="Payroll", exact=True)).to_be_visible()
    expect(made_from.get_by_role("link", name="Time & Attendance", exact=True)).to_be_visible()


def test_manager_builds_a_template_whose_loop_is_refused_by_name(page, manager):  # noqa: F811
    ProductFactory(name="Benefits")

    log_in(page, manager.username)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Templates").click()
    page.get_by_role("link", name="New template").click()
    page.get_by_label("Name").fill("Benefits open enrolment")
    page.get_by_label("Product").select_option(label="Benefits")
    page.get_by_role("button", name="Make template").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Benefits open enrolment")

    page.get_by_role("link", name="Add milestone").click()
    page.get_by_label("Name").fill("Plans configured")
    page.get_by_label("Lasts (business days)").fill("10")
    page.get_by_role("button", name="Add milestone").click()
    expect(page.get_by_role("heading", name="1. Plans configured")).to_be_visible()

    for title, waits_on in (("Collect plan documents", None), ("Build plans", "Collect")):
        page.get_by_role("link", name="Add task", exact=True).click()
        page.get_by_label("Title").fill(title)
        page.get_by_label("Milestone").select_option(label="Plans configured")
        if waits_on:
            page.get_by_label("Waits on").select_option(label="Collect plan documents")
        page.get_by_role("button", name="Add task").click()
        expect(page.get_by_role("cell", name=title, exact=True)).to_be_visible()

    page.get_by_role("link", name="Edit Collect plan documents").click()
    page.get_by_label("Waits on").select_option(label="Build plans")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main form")).to_contain_text(
        "Collect plan documents → Build plans → Collect plan documents"
    )
    template = ProjectTemplate.objects.get(name="Benefits open enrolment")
    assert not template.tasks.get(title="Collect plan documents").depends_on.exists()


def test_manager_saves_a_projects_plan_as_a_template_and_renames_it(page, manager, pm):  # noqa: F811
    payroll, time = ProductFactory(name="Payroll"), ProductFactory(name="Time & Attendance")
    templates = payroll_and_time(payroll, time)
    project = ProjectFactory(
        name="Keystone payroll", pm=pm, products=[payroll], kickoff_date=datetime.date(2027, 3, 1)
    )
    project_plan_from_templates(project=project, templates=[templates[0]], user=pm)

    log_in(page, manager.username)
    page.goto(project.get_absolute_url())
    page.get_by_role("link", name="Plan templates").click()
    page.get_by_label("Template name").fill("Payroll for builders")
    page.get_by_role("button", name="Save as template").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Payroll for builders")
    expect(page.get_by_role("heading", name="3. Go-live")).to_be_visible()

    page.get_by_role("link", name="Edit Payroll built").click()
    page.get_by_label("Name").fill("Payroll configured")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="2. Payroll configured")).to_be_visible()

    page.get_by_role("link", name="Edit template").click()
    page.get_by_label("Name").fill("Payroll for construction")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Payroll for construction")
