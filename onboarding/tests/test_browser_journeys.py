"""Journeys through real pages in headless Chromium: what a PM and a sales rep do every day."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import Client
from clients.tests.factories import ClientFactory
from onboarding.tests.browser import (  # noqa: F401 (fixtures are found by name)
    PHONE,
    browser,
    expect_assets_working,
    expect_no_horizontal_overflow,
    live_app,
    log_in,
    open_page,
    page,
)
from projects.health import refresh_health
from projects.models import Health, Phase, Task
from projects.tests.factories import MilestoneFactory, ProjectFactory, TaskFactory

pytestmark = pytest.mark.browser


def _long_date(day: datetime.date) -> str:
    """A date as the pages print it ("j M Y")."""
    return f"{day.day} {day:%b %Y}"


def test_pm_changes_a_task_status_in_place_and_sees_the_progress_bar_move(page, pm):  # noqa: F811
    project = ProjectFactory(name="Acme Tools payroll", pm=pm)
    census = TaskFactory(project=project, title="Load the employee census")
    TaskFactory(project=project, title="Configure pay groups")

    log_in(page, pm.username)
    main_menu = page.get_by_role("navigation", name="Main")
    # At desktop width the menu is laid out in full, not behind the toggler.
    expect(main_menu.get_by_role("button", name="Toggle navigation")).to_be_hidden()
    main_menu.get_by_role("link", name="Projects").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Projects")
    page.get_by_role("link", name="Acme Tools payroll").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Tools payroll")
    expect_assets_working(page)
    progress = page.locator("#project-progress")
    bar = progress.get_by_role("progressbar", name="Plan progress")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(progress).to_contain_text("0 of 2 tasks done")
    open_count = page.locator("#open-task-count")
    expect(open_count).to_have_text("2")

    page.evaluate("() => { window.__noReload = true; }")
    # A row's editors load when the PM opens them.
    page.get_by_role("link", name="Change status or owner of Load the employee census").click()
    status = page.get_by_label("Status of Load the employee census")
    # Focus moves to the editor once htmx has settled it, with its handlers in place.
    expect(status).to_be_focused()
    # The page's lower part and its cards load on their own; let them land first.
    page.wait_for_load_state("networkidle")
    with page.expect_response(lambda r: r.url.endswith(f"/tasks/{census.pk}/status/")) as answer:
        status.select_option(label="Done")
    assert answer.value.headers.get("hx-trigger") == "project-progress-changed"

    expect(bar).to_have_attribute("aria-valuenow", "50")
    expect(progress).to_contain_text("1 of 2 tasks done")
    expect(open_count).to_have_text("1")
    expect(page.get_by_label("Status of Load the employee census")).to_have_value("done")
    expect(page.get_by_role("status").filter(has_text="Load the employee census")).to_have_text(
        "“Load the employee census” is now done."
    )
    assert page.evaluate("() => window.__noReload") is True, "the page was reloaded"
    census.refresh_from_db()
    assert census.status == Task.Status.DONE


def test_sales_rep_sees_the_forecast_go_live_and_health_of_their_account(
    page,  # noqa: F811
    sales_rep,
    other_sales_rep,
):
    today = timezone.localdate()
    baseline = today + datetime.timedelta(days=60)
    forecast = baseline + datetime.timedelta(days=12)
    account = ClientFactory(name="Northwind Foods", sales_rep=sales_rep)
    project = ProjectFactory(
        client=account,
        name="Northwind payroll and time",
        baseline_go_live=baseline,
        forecast_go_live=forecast,
    )
    MilestoneFactory(project=project, name="Parallel payroll run", due_date=today)
    refresh_health(project_ids=[project.pk])
    ClientFactory(name="Contoso Retail", sales_rep=other_sales_rep)

    log_in(page, sales_rep.username)

    expect(page.get_by_role("heading", level=1)).to_have_text("Your accounts")
    expect(page.get_by_role("link", name="Contoso Retail")).to_have_count(0)
    # The home page already says how the account is doing, without opening it.
    row = page.get_by_role("row").filter(has_text="Northwind payroll and time")
    expect(row.locator(".health-badge")).to_have_text("Amber")
    expect(row).to_contain_text("Go-live 12 calendar days behind baseline")
    expect(row).to_contain_text(_long_date(forecast))
    expect(row).to_contain_text(_long_date(baseline))
    page.get_by_role("link", name="Northwind Foods", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Northwind Foods")
    card = page.get_by_role("region", name="Northwind payroll and time")
    expect(card.locator("dt", has_text="Baseline go-live").locator("+ dd")).to_have_text(
        _long_date(baseline)
    )
    expect(card.locator("dt", has_text="Forecast go-live").locator("+ dd")).to_contain_text(
        f"{_long_date(forecast)} (12 days late)"
    )
    expect(card.locator(".health-badge").first).to_have_text("Amber")
    expect(card).to_contain_text("Go-live 12 calendar days behind baseline")
    expect(card.locator("dt", has_text="Next milestone").locator("+ dd")).to_contain_text(
        "Parallel payroll run"
    )
    # Read-only: a sales rep gets no buttons that change the project.
    expect(card.get_by_role("button")).to_have_count(0)


def test_at_phone_width_the_menu_folds_and_the_project_page_fits(open_page, pm):  # noqa: F811
    project = ProjectFactory(name="Fabrikam benefits enrolment with a long project name", pm=pm)
    for title in ("Collect the benefit plan documents", "Map the deduction codes"):
        TaskFactory(project=project, title=title)
    phone = open_page(PHONE)

    log_in(phone, pm.username)
    expect_no_horizontal_overflow(phone)
    main_menu = phone.get_by_role("navigation", name="Main")
    projects_link = main_menu.get_by_role("link", name="Projects")
    toggler = main_menu.get_by_role("button", name="Toggle navigation")
    expect(projects_link).to_be_hidden()
    toggler.click()
    expect(projects_link).to_be_visible()
    projects_link.click()
    expect_no_horizontal_overflow(phone)

    phone.get_by_role("link", name=project.name).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(project.name)
    expect(phone.get_by_role("progressbar", name="Plan progress")).to_be_visible()
    expect_no_horizontal_overflow(phone)


@pytest.fixture
def eager_celery():
    """Deliveries the sweep enqueues run in this process, into Django's test mailbox."""
    from onboarding.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_manager_sees_an_escalated_alert_and_acknowledges_it(
    page,  # noqa: F811
    pm,
    manager,
    eager_celery,
):
    from alerts.models import Alert
    from alerts.services import alerts_sweep
    from clients.roles import Role
    from clients.tests.factories import UserFactory

    consultant = UserFactory(username="consultant", role=Role.PM)
    project = ProjectFactory(name="Harbor View payroll", pm=pm)
    today = timezone.localdate()
    TaskFactory(
        project=project,
        title="Import year-to-date balances",
        owner_user=consultant,
        start_date=today - datetime.timedelta(days=20),
        due_date=today - datetime.timedelta(days=5),
    )
    # Nobody acknowledges: the owner is told, a day later the PM, a day after that the manager.
    now = timezone.now()
    for hours in (0, 25, 50):
        alerts_sweep(now=now + datetime.timedelta(hours=hours))
    alert = Alert.objects.get(task__title="Import year-to-date balances")
    assert alert.level == Alert.Level.MANAGER

    log_in(page, manager.username)
    main_menu = page.get_by_role("navigation", name="Main")
    expect(main_menu.get_by_role("link", name="Alerts")).to_contain_text("1 open alert")
    main_menu.get_by_role("link", name="Alerts").click()
    page.get_by_role("link", name="Import year-to-date balances").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import year-to-date balances")
    expect(page.get_by_role("main")).to_contain_text("Implementation manager")
    page.get_by_role("button", name="Acknowledge").click()

    expect(page.get_by_role("main")).to_contain_text("Acknowledged")
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by) == (Alert.Status.ACKNOWLEDGED, manager)


def test_pm_finds_the_client_of_a_new_project_by_typing_part_of_its_name(page, pm):  # noqa: F811
    for n in range(60):
        ClientFactory(name=f"Account {n:02}")
    ClientFactory(name="Globex Corporation")

    log_in(page, pm.username)
    page.goto(reverse("projects:create"))
    expect(page.get_by_role("heading", level=1)).to_have_text("New project")
    client_field = page.get_by_role("combobox", name="Client*", exact=True)
    expect(client_field.locator("option", has_text="Globex Corporation")).to_have_count(0)

    page.get_by_label("Find a client by name").fill("glob")

    expect(client_field.locator("option")).to_have_text(["Choose an account", "Globex Corporation"])
    client_field.select_option(label="Globex Corporation")
    expect(client_field).to_have_value(str(Client.objects.get(name="Globex Corporation").pk))


def test_an_upcoming_go_lives_override_and_computed_colour_stay_inside_the_card(
    open_page,  # noqa: F811
    pm,
):
    ProjectFactory(
        pm=pm,
        client=ClientFactory(name="Brightline Retail Group"),
        phase=Phase.TESTING,
        forecast_go_live=timezone.localdate() + datetime.timedelta(days=20),
        computed_health=Health.AMBER,
        health=Health.GREEN,
        health_override=Health.GREEN,
        health_override_reason="The client signed the scope change",
        health_override_until=timezone.localdate() + datetime.timedelta(days=7),
    )
    # A laptop's width: the page's side column, and so the card, is at its narrowest.
    laptop = open_page({"width": 1100, "height": 800})

    log_in(laptop, pm.username)
    card = laptop.get_by_role("region", name="Upcoming go-lives")
    expect(card).to_contain_text("Brightline Retail Group")
    expect(card).to_contain_text("computed Amber")
    overflow = card.evaluate("card => card.scrollWidth - card.clientWidth")
    assert overflow <= 0, f"the card's content runs {overflow} px past its edge"
