"""The owner <select> of each task row offers the project's people, however large the company."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from clients.roles import Role
from clients.tests.factories import ContactFactory, UserFactory
from projects.forms import owner_choices
from projects.models import Task
from projects.tests.factories import ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(pm):
    return ProjectFactory(name="Acme payroll", pm=pm)


def name(user) -> str:
    return user.get_full_name() or user.username


def offered(choices) -> set[str]:
    team = dict(choices)["Team"]
    return {label for _, label in team}


def test_the_team_is_the_pm_the_members_and_whoever_owns_a_task(pm, manager, project):
    member = UserFactory(username="member", first_name="Mia", last_name="Member", role=Role.PM)
    owner = UserFactory(username="owner", first_name="Otto", last_name="Owner", role=Role.PM)
    UserFactory(username="stranger", first_name="Sam", last_name="Stranger", role=Role.PM)
    project.memberships.create(user=member)
    # Owned before the owner rule, and kept so that the task's row still shows its owner.
    TaskFactory(project=project, owner_user=owner)
    contact = ContactFactory(client=project.client, name="Dana Client")

    choices = owner_choices(project)

    assert offered(choices) == {name(pm), "Mia Member", "Otto Owner"}
    assert dict(choices)["Client"] == [(f"contact:{contact.pk}", "Dana Client (client)")]


def test_someone_off_the_team_cannot_be_given_a_task_in_place(client_as, pm, project):
    consultant = UserFactory(username="far_away", role=Role.PM)
    task = TaskFactory(project=project, title="Map earnings codes")

    response = client_as(pm).post(
        reverse("projects:task_owner", args=[task.pk]),
        {"owner": f"user:{consultant.pk}"},
        HTTP_HX_REQUEST="true",
    )

    task.refresh_from_db()
    assert task.owner_user is None
    assert "Choose one of the listed owners." in response.content.decode()


def test_a_task_list_does_not_grow_with_the_number_of_people_in_the_company(client_as, pm, project):
    for n in range(3):
        TaskFactory(project=project, title=f"Task {n}")
    url = reverse("projects:task_list", args=[project.pk])
    before = client_as(pm).get(url).content.decode()
    for n in range(40):
        UserFactory(username=f"colleague{n}", role=Role.PM)

    after = client_as(pm).get(url).content.decode()

    assert after.count("<option") == before.count("<option")


def render_options(task, choices) -> str:
    template = Template(
        "{% load golive %}{% owner_options task choices %}|{% status_options task %}"
    )
    return template.render(Context({"task": task, "choices": choices}))


def test_each_row_selects_its_own_owner_and_status_and_escapes_names(pm, project):
    contact = ContactFactory(client=project.client, name="<Dana> & Co")
    theirs = TaskFactory(project=project, owner_contact=contact, status=Task.Status.BLOCKED)
    nobodys = TaskFactory(project=project)
    choices = owner_choices(project)

    owners, statuses = render_options(theirs, choices).split("|")
    assert f'<option value="contact:{contact.pk}" selected>&lt;Dana&gt; &amp; Co (client)' in owners
    assert re.findall(r"<option[^>]* selected>", owners) == [
        f'<option value="contact:{contact.pk}" selected>'
    ]
    assert '<option value="blocked" selected>Blocked</option>' in statuses
    assert statuses.count(" selected") == 1

    owners, statuses = render_options(nobodys, choices).split("|")
    assert re.findall(r"<option[^>]* selected>", owners) == ['<option value="" selected>']
    assert '<option value="not_started" selected>Not started</option>' in statuses
