"""The Django admin: every model is there, and every list and form opens for an admin."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from clients.tests.factories import ProductFactory, UserFactory
from playbooks.services import project_plan_from_templates
from playbooks.tests.factories import payroll_and_time
from projects.budget import project_budget
from projects.models import Holiday, RoleRate
from projects.tests.factories import ProjectFactory, RiskFactory, TaskFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db

GOLIVE_APPS = [
    "clients",
    "projects",
    "outbox",
    "reports",
    "alerts",
    "meetings",
    "calendars",
    "playbooks",
    "common",
    "golive",
    "webhooks",
    "api",
]
NOT_IN_ADMIN = {"historical"}  # simple_history's tables are shown on each object's history page


def golive_models():
    for app_label in GOLIVE_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if not any(model._meta.model_name.startswith(prefix) for prefix in NOT_IN_ADMIN):
                yield model


@pytest.mark.parametrize("model", list(golive_models()), ids=lambda m: m._meta.label)
def test_every_model_has_an_admin_whose_list_opens(client_as, admin_user, model):
    assert model in admin.site._registry, f"{model._meta.label} is not in the Django admin"
    TaskFactory()
    RiskFactory()
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client_as(admin_user).get(url).status_code == 200


def test_a_pm_cannot_open_the_django_admin(client_as, pm):
    response = client_as(pm).get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response.url


# Holidays and role rates: admins keep them in the app, through the Django admin behind the
# "Admin" link of their navigation.

KICKOFF = datetime.date(2027, 3, 1)  # a Monday


def holiday_add_url() -> str:
    return reverse("admin:projects_holiday_add")


def rate_change_url(rate) -> str:
    return reverse("admin:projects_rolerate_change", args=[rate.pk])


def test_an_admin_adds_a_holiday_and_a_new_projects_plan_skips_it(client_as, admin_user, pm):
    payroll, _ = payroll_and_time(ProductFactory(name="Payroll"), ProductFactory(name="Time"))
    admin = client_as(admin_user)
    assert reverse("admin:index") in admin.get(reverse("home")).content.decode()

    response = admin.post(holiday_add_url(), {"date": "2027-03-02", "name": "Founders' day"})

    assert response.status_code == 302
    project = ProjectFactory(pm=pm, kickoff_date=KICKOFF)
    project_plan_from_templates(project=project, templates=[payroll], user=pm)
    send = project.tasks.get(title="Send Payroll data")
    assert send.start_date == datetime.date(2027, 3, 3)  # business day 1: Tuesday is off


def test_an_admin_changes_a_rate_and_the_budget_prices_hours_at_it(client_as, admin_user, pm):
    rate = RoleRate.objects.create(role=RoleRate.PM, hourly_rate=Decimal(150))
    project = ProjectFactory(pm=pm, budget_amount=Decimal(5000))
    TimeEntryFactory(project=project, user=pm, hours=Decimal(4))
    assert project_budget(project).cost_burned == Decimal("600.00")

    response = client_as(admin_user).post(
        rate_change_url(rate), {"role": RoleRate.PM, "hourly_rate": "175"}
    )

    assert response.status_code == 302
    assert project_budget(project).cost_burned == Decimal("700.00")


def test_an_admin_made_a_superuser_alone_still_reaches_holidays_and_rates(client_as):
    # The user admin has "Superuser status" and "Staff status" apart: an admin ticking only
    # the first makes a Golive admin, who sees the Admin link and must get where it leads.
    admin = client_as(UserFactory(username="second_admin", is_superuser=True))
    rate = RoleRate.objects.create(role=RoleRate.PM, hourly_rate=Decimal(150))
    assert reverse("admin:index") in admin.get(reverse("home")).content.decode()

    assert admin.get(reverse("admin:index")).status_code == 200
    response = admin.post(holiday_add_url(), {"date": "2027-03-02", "name": "Founders' day"})
    assert response.status_code == 302 and Holiday.objects.filter(name="Founders' day").exists()
    response = admin.post(rate_change_url(rate), {"role": RoleRate.PM, "hourly_rate": "175"})
    assert response.status_code == 302
    rate.refresh_from_db()
    assert rate.hourly_rate == Decimal(175)


@pytest.mark.parametrize("role", ["pm", "manager", "sales_rep", "support"])
@pytest.mark.parametrize("staff", [False, True], ids=["", "marked staff"])
def test_other_roles_may_not_open_or_post_to_holidays_and_rates(client_as, request, role, staff):
    user = request.getfixturevalue(role)
    if staff:  # staff by mistake: still no permission on either
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    rate = RoleRate.objects.create(role=RoleRate.PM, hourly_rate=Decimal(150))
    browser = client_as(user)
    refused = (403,) if staff else (302,)

    assert reverse("admin:index") not in browser.get(reverse("home")).content.decode()
    for url in (holiday_add_url(), reverse("admin:projects_holiday_changelist")):
        response = browser.get(url)
        assert response.status_code in refused, url
    response = browser.post(holiday_add_url(), {"date": "2027-03-02", "name": "Founders' day"})
    assert response.status_code in refused and not Holiday.objects.exists()
    response = browser.post(rate_change_url(rate), {"role": RoleRate.PM, "hourly_rate": "1"})
    assert response.status_code in refused
    rate.refresh_from_db()
    assert rate.hourly_rate == Decimal(150)
    if not staff:
        assert "/admin/login/" in response.url
