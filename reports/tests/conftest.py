"""Fixtures for the report tests: known settings, no broker, and a project that reports."""

import itertools

import pytest

from clients.roles import Role
from clients.tests.factories import ClientFactory, ContactFactory, UserFactory
from projects.models import Phase
from projects.tests.factories import ProjectFactory


@pytest.fixture(autouse=True)
def report_settings(settings):
    """Known report settings, whatever the environment says."""
    settings.GOLIVE_STATUS_REPORTS = {
        "SEND_HOUR": 7,
        "DEFAULT_WEEKDAY": 0,
        "TOP_RISKS": 5,
        "MAX_ITEMS": 15,
    }
    settings.SITE_URL = "https://golive.example"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings.GOLIVE_STATUS_REPORTS


@pytest.fixture(autouse=True)
def enqueued(monkeypatch):
    """Ids handed to the delivery task, instead of a broker."""
    from outbox.tasks import deliver_email, deliver_emails

    ids: list[int] = []
    monkeypatch.setattr(deliver_email, "delay", lambda email_id: ids.append(email_id))
    monkeypatch.setattr(deliver_emails, "delay", lambda email_ids: ids.extend(email_ids))
    return ids


@pytest.fixture
def make_project(db):
    """A reporting project: a PM, a consultant, a sales rep and one client contact for reports."""

    numbers = itertools.count(1)

    def make(name: str = "Acme payroll onboarding", **fields):
        number = next(numbers)
        pm = fields.pop("pm", None) or UserFactory(username=f"pm{number}", role=Role.PM)
        rep = UserFactory(username=f"rep{number}", role=Role.SALES)
        client = ClientFactory(name=f"{name} client", sales_rep=rep)
        ContactFactory(client=client, email=f"lead{number}@client.example")
        ContactFactory(
            client=client, email=f"quiet{number}@client.example", receives_status_reports=False
        )
        fields.setdefault("phase", Phase.CONFIGURATION)
        return ProjectFactory(
            name=name,
            pm=pm,
            client=client,
            team=[UserFactory(username=f"consultant{number}", role=Role.PM)],
            **fields,
        )

    return make
