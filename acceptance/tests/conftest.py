import pytest

from clients.tests.factories import ContactFactory, ProductFactory
from projects.models import Phase
from projects.tests.factories import ProjectFactory


@pytest.fixture
def uat_project(pm):
    """A project in Testing implementing Payroll and Time, with one client contact."""
    project = ProjectFactory(
        pm=pm,
        phase=Phase.TESTING,
        name="Acme payroll",
        products=[ProductFactory(name="Payroll"), ProductFactory(name="Time")],
    )
    ContactFactory(client=project.client, name="Dana Ortiz")
    return project


@pytest.fixture
def dana(uat_project):
    return uat_project.client.contacts.get(name="Dana Ortiz")
