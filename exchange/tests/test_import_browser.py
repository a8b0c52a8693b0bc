"""A manager imports a CRM's file in Chromium: the check lists the bad rows, the good ones go in.

The upload form has no field a person types into (a file only), so test_forms_browser's generic
recipes pass it by; this journey fills it in instead.
"""

import pytest
from playwright.sync_api import expect

from clients.models import Client
from clients.roles import Role
from clients.tests.factories import ProductFactory, UserFactory
from exchange.models import ImportRun
from onboarding.celery import app as celery_app
from onboarding.tests.browser import (  # noqa: F401 (fixtures are found by name)
    PHONE,
    browser,
    expect_no_horizontal_overflow,
    live_app,
    log_in,
    open_page,
    page,
)
from projects.models import ImplementationProject

pytestmark = pytest.mark.browser

FILE = (
    "account_id,account_name,sales_rep,contact_name,contact_email,deal_id,project_name,products,"
    "contract_signed_on,target_go_live,pm\n"
    "A-1,Northwind Logistics,rep,Dana Reyes,dana@northwind.example,D-1,Northwind payroll,"
    "Payroll,2026-11-02,2027-03-01,lead_pm\n"
    "A-2,Bluebell Clinics,rep,,,D-2,Bluebell payroll,Payroll,2026-13-01,2027-03-01,\n"
    "A-3,Granite Works,nobody,,,D-3,Granite time,Clocks,2026-11-02,2027-03-01,\n"
)


@pytest.fixture(autouse=True)
def _jobs_run_at_once():
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


@pytest.fixture
def people(db):
    ProductFactory(name="Payroll")
    UserFactory(username="rep", role=Role.SALES)
    UserFactory(username="lead_pm", role=Role.PM)
    return UserFactory(username="boss", role=Role.MANAGER)


def test_a_manager_checks_a_file_sees_why_rows_are_bad_and_imports_the_good_one(
    page,  # noqa: F811
    people,
    tmp_path,
):
    upload = tmp_path / "deals.csv"
    upload.write_text(FILE, encoding="utf-8-sig")
    log_in(page, "boss")
    page.goto("/clients/")
    page.get_by_role("link", name="Import from CSV").click()
    expect(page.get_by_role("link", name="Download the sample CSV")).to_be_visible()

    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file").click()

    expect(page.locator("main")).to_contain_text("1 can be imported, 2 cannot")
    expect(page.locator("#row-3")).to_contain_text("“2026-13-01” is not a date written YYYY-MM-DD")
    expect(page.locator("#row-4")).to_contain_text("Sales rep “nobody” is not a sales rep")
    expect(page.locator("#row-4")).to_contain_text("Product “Clocks” is not one Golive knows")
    assert not Client.objects.filter(name="Northwind Logistics").exists()

    page.get_by_role("button", name="Import only the 1 good row").click()

    expect(page.locator("#import-status")).to_contain_text("1 of 3 rows imported")
    project = ImplementationProject.objects.get(external_id="D-1")
    assert project.client.name == "Northwind Logistics" and project.pm.username == "lead_pm"
    assert ImportRun.objects.get().status == ImportRun.Status.DONE


def test_the_import_page_fits_a_phone(open_page, people):  # noqa: F811
    phone = open_page(PHONE)
    log_in(phone, "boss")
    phone.goto("/imports/")
    expect(phone.get_by_role("button", name="Check the file")).to_be_visible()
    expect_no_horizontal_overflow(phone)
