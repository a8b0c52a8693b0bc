"""The Django admin: every model is there, and every list and form opens for an admin."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from projects.tests.factories import RiskFactory, TaskFactory

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
