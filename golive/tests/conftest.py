import pytest
from django.utils import timezone

from clients.tests.factories import ContactFactory
from projects.models import Phase
from projects.tests.factories import MilestoneFactory, ProjectFactory


@pytest.fixture
def ready_project(pm, sales_rep):
    """A project in Testing that meets the go-live gate: its go-live critical milestone is done
    and signed off, UAT is signed off, and no critical issue is open."""
    project = ProjectFactory(phase=Phase.TESTING, pm=pm, client__sales_rep=sales_rep)
    contact = ContactFactory(client=project.client, name="Dana Whitfield", is_primary=True)
    MilestoneFactory(
        project=project,
        name="Parallel payroll passed",
        is_golive_critical=True,
        completed_on=timezone.localdate(),
        signed_off_by=contact,
        signed_off_at=timezone.now(),
    )
    project.uat_signed_off_at = timezone.now()
    project.uat_signed_off_by = contact
    project.save()
    return project
