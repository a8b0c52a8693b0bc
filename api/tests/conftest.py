import pytest
from rest_framework.test import APIClient

from alerts.tests.factories import AlertFactory
from api.models import ApiToken
from clients.tests.factories import ClientFactory, ContactFactory
from projects.tests.factories import (
    IssueFactory,
    MilestoneFactory,
    ProjectFactory,
    RiskFactory,
    TaskFactory,
)


@pytest.fixture
def token_for():
    """An API client that sends a fresh token of `user` (None: no token at all)."""

    def make(user) -> APIClient:
        api = APIClient()
        if user is not None:
            _, secret = ApiToken.objects.create(user=user, expiry=None, name="Test")
            api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        return api

    return make


@pytest.fixture
def world(pm, sales_rep):
    """The PM's project for the sales rep's account, with one of everything in it."""
    client = ClientFactory(name="Acme Corp", sales_rep=sales_rep)
    project = ProjectFactory(name="Acme payroll", client=client, pm=pm)
    milestone = MilestoneFactory(project=project, name="Configuration signed off")
    task = TaskFactory(project=project, milestone=milestone, title="Map pay codes", owner_user=pm)
    return {
        "client": client,
        "contact": ContactFactory(client=client, name="Carla Client"),
        "project": project,
        "milestone": milestone,
        "task": task,
        "risk": RiskFactory(project=project, title="Late payroll data"),
        "issue": IssueFactory(project=project, title="Pay codes do not map"),
        "alert": AlertFactory(project=project, task=task),
    }
