"""Who may own a task or a risk: the project's people (and, for tasks, the client's contacts)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clients.roles import Role
from clients.tests.factories import ClientFactory, ContactFactory, UserFactory
from common.testing import form_data
from projects import services
from projects.forms import owner_choices
from projects.tests.factories import ProjectFactory, RiskFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    return UserFactory(username="mia", first_name="Mia", last_name="Member", role=Role.PM)


@pytest.fixture
def outsiders(admin_user, other_sales_rep):
    """The admin, and the sales rep of another account: neither can open the project."""
    ClientFactory(name="Elsewhere Inc", sales_rep=other_sales_rep)
    return [admin_user, other_sales_rep]


@pytest.fixture
def project(pm, member):
    return ProjectFactory(name="Acme payroll", pm=pm, team=[member])


def offered_users(form, field) -> set[int]:
    return {int(str(value)) for value, _ in form.fields[field].choices if str(value) != ""}


def test_the_task_form_and_the_in_place_control_offer_the_same_people(
    client, pm, member, project, outsiders
):
    contact = ContactFactory(client=project.client)
    client.force_login(pm)
    form = client.get(reverse("projects:task_create", args=[project.pk])).context["form"]

    assert offered_users(form, "owner_user") == {pm.pk, member.pk}
    in_place = dict(owner_choices(project))
    assert {value for value, _ in in_place["Team"]} == {f"user:{pm.pk}", f"user:{member.pk}"}
    assert [value for value, _ in in_place["Client"]] == [f"contact:{contact.pk}"]


@pytest.mark.parametrize("who", [0, 1], ids=["admin", "another account's sales rep"])
def test_the_full_task_form_refuses_an_owner_from_outside_the_project(
    client, pm, project, outsiders, who
):
    task = TaskFactory(project=project, title="Load employees")
    url = reverse("projects:task_edit", args=[task.pk])
    client.force_login(pm)
    form = client.get(url).context["form"]

    response = client.post(url, form_data(form, owner_user=outsiders[who].pk))

    assert response.status_code == 200
    assert response.context["form"].errors["owner_user"]
    task.refresh_from_db()
    assert task.owner_user is None


def test_a_team_member_can_be_given_a_task_and_a_risk(client, pm, member, project):
    task = TaskFactory(project=project)
    risk = RiskFactory(project=project)
    client.force_login(pm)
    for url, field in (
        (reverse("projects:task_edit", args=[task.pk]), "owner_user"),
        (reverse("projects:risk_edit", args=[risk.pk]), "owner"),
    ):
        form = client.get(url).context["form"]
        assert client.post(url, form_data(form, **{field: member.pk})).status_code == 302
    task.refresh_from_db()
    risk.refresh_from_db()
    assert (task.owner_user, risk.owner) == (member, member)


@pytest.mark.parametrize("who", [0, 1], ids=["admin", "another account's sales rep"])
def test_the_risk_form_offers_and_accepts_only_the_projects_people(
    client, pm, member, project, outsiders, who
):
    risk = RiskFactory(project=project, title="Late census")
    url = reverse("projects:risk_edit", args=[risk.pk])
    client.force_login(pm)
    form = client.get(url).context["form"]
    assert offered_users(form, "owner") == {pm.pk, member.pk}

    response = client.post(url, form_data(form, owner=outsiders[who].pk))

    assert response.context["form"].errors["owner"]
    risk.refresh_from_db()
    assert risk.owner is None


def test_the_services_refuse_an_owner_from_outside_the_project(pm, project, outsiders):
    task = TaskFactory(project=project)
    risk = RiskFactory(project=project)
    admin, rep = outsiders
    with pytest.raises(ValidationError, match="is not on this project's team"):
        services.task_set_owner(task=task, user=pm, owner_user=rep, owner_contact=None)
    with pytest.raises(ValidationError, match="is not on this project's team"):
        services.task_save(
            project=project, user=pm, task=None, data={"title": "X", "owner_user": admin}
        )
    with pytest.raises(ValidationError, match="is not on this project's team"):
        services.risk_save(
            project=project,
            user=pm,
            risk=None,
            data={"title": "Y", "probability": 2, "impact": 2, "owner": rep},
        )
    with pytest.raises(ValidationError, match="is not on this project's team"):
        services.risk_save(project=project, user=pm, risk=risk, data={"owner": admin})
    assert project.tasks.count() == 1 and project.risks.count() == 1


def test_a_task_whose_owner_left_the_team_can_still_be_edited(client, pm, member, project):
    task = TaskFactory(project=project, title="Load employees", owner_user=member)
    project.memberships.filter(user=member).delete()
    url = reverse("projects:task_edit", args=[task.pk])
    client.force_login(pm)
    form = client.get(url).context["form"]
    assert member.pk in offered_users(form, "owner_user")

    assert client.post(url, form_data(form, title="Load all employees")).status_code == 302
    task.refresh_from_db()
    assert (task.title, task.owner_user) == ("Load all employees", member)
