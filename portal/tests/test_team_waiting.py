"""What a contact does in the portal waits on the team's home page until one of them opens it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ContactFactory
from portal import services
from projects.models import ProjectMembership
from projects.selectors import waiting_for
from projects.tests.factories import ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(pm):
    project = ProjectFactory(pm=pm, name="Acme payroll")
    contact = ContactFactory(client=project.client, name="Dana Client")
    return TaskFactory(
        project=project,
        title="Send the census",
        visible_to_client=True,
        owner_contact=contact,
    )


def _items(user):
    return [(i["what"], i["name"]) for i in waiting_for(user, timezone.now())]


def test_a_task_done_and_a_file_sent_wait_on_the_pm_until_the_team_opens_the_task(
    task, pm, manager, other_pm
):
    contact = task.owner_contact
    services.portal_upload_add(
        task=task, contact=contact, uploaded=SimpleUploadedFile("census.csv", b"a,b\n")
    )
    services.portal_task_complete(task=task, contact=contact)
    expected = [
        ("File sent by the client", "Send the census · Dana Client"),
        ("Task done by the client", "Send the census · Dana Client"),
    ]
    assert _items(pm) == expected
    home = Browser()
    home.force_login(pm)
    page = home.get(reverse("home")).content.decode()
    assert "Task done by the client" in page
    assert reverse("projects:task_detail", args=[task.pk]) in page
    # Nobody else's: another PM, and a manager of a project that has a PM.
    assert _items(other_pm) == [] and _items(manager) == []

    # A team member opens the task (its client files card): seen, for everyone.
    ProjectMembership.objects.create(project=task.project, user=other_pm, role="consultant")
    assert _items(other_pm) == expected
    member = Browser()
    member.force_login(other_pm)
    assert member.get(reverse("portal_staff:task_files", args=[task.pk])).status_code == 200
    assert _items(pm) == [] and _items(other_pm) == []


def test_a_reader_who_cannot_edit_the_project_does_not_mark_it_seen(task, pm, sales_rep):
    services.portal_task_complete(task=task, contact=task.owner_contact)
    reader = Browser()
    reader.force_login(sales_rep)
    reader.get(reverse("portal_staff:task_files", args=[task.pk]))
    assert _items(pm) == [("Task done by the client", "Send the census · Dana Client")]
