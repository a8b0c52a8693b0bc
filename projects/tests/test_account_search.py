"""The project form's account field: a few accounts listed, a search box for the thousands more."""

import re

import pytest
from django.urls import reverse

from clients.models import Client
from clients.tests.factories import ClientFactory, ProductFactory
from projects.forms import ClientChoiceField
from projects.models import ImplementationProject
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

OPTION = re.compile(r'<option value="(\d+)"( selected)?>([^<]*)</option>')


def listed_accounts(html: str) -> list[str]:
    select = html[html.index('<select name="client"') :]
    return [name for _, _, name in OPTION.findall(select[: select.index("</select>")])]


@pytest.fixture
def many_accounts():
    names = [f"Account {n:03}" for n in range(ClientChoiceField.shown + 20)]
    Client.objects.bulk_create([Client(name=name) for name in names])
    return names


def test_the_new_project_page_lists_the_first_accounts_and_a_search_box(
    client_as, pm, many_accounts
):
    html = client_as(pm).get(reverse("projects:create")).content.decode()

    assert listed_accounts(html) == many_accounts[: ClientChoiceField.shown]
    assert 'name="client_find"' in html and 'aria-label="Find a client by name"' in html
    assert f'hx-get="{reverse("clients:options")}"' in html


def test_the_search_offers_the_accounts_whose_name_matches(client_as, pm, many_accounts):
    ClientFactory(name="Globex Corporation")

    response = client_as(pm).get(reverse("clients:options"), {"client_find": "globex"})

    assert response.status_code == 200
    assert [name for _, _, name in OPTION.findall(response.content.decode())] == [
        "Globex Corporation"
    ]


def test_the_search_keeps_the_chosen_account_and_says_when_nothing_matches(
    client_as, manager, many_accounts
):
    chosen = Client.objects.get(name=many_accounts[-1])

    found = client_as(manager).get(
        reverse("clients:options"), {"client_find": "Account 00", "client": chosen.pk}
    )
    nothing = client_as(manager).get(reverse("clients:options"), {"client_find": "Initech"})

    options = OPTION.findall(found.content.decode())
    assert options[0] == (str(chosen.pk), " selected", chosen.name)
    assert [name for _, _, name in options[1:]] == [f"Account 00{n}" for n in range(10)]
    assert "No account’s name contains “Initech”" in nothing.content.decode()


def test_an_account_beyond_the_first_listed_can_be_chosen(client_as, pm, many_accounts):
    last = Client.objects.get(name=many_accounts[-1])
    product = ProductFactory(name="Payroll")

    response = client_as(pm).post(
        reverse("projects:create"),
        {
            "name": "Late account onboarding",
            "client": last.pk,
            "products": [product.pk],
            "pm": pm.pk,
            "status": "active",
            "kickoff_date": "2026-12-01",
            "baseline_go_live": "2027-03-01",
            "budget_hours": "120",
        },
    )

    project = ImplementationProject.objects.get(name="Late account onboarding")
    assert response.url == project.get_absolute_url()
    assert project.client == last


def test_without_javascript_enter_in_the_search_box_shows_what_it_finds(
    client_as, pm, many_accounts
):
    response = client_as(pm).post(
        reverse("projects:create"), {"name": "", "client_find": "Account 06"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert listed_accounts(html) == [f"Account 06{n}" for n in range(10)]
    assert 'value="Account 06"' in html
    assert not ImplementationProject.objects.exists()


def test_the_edit_page_keeps_the_project_account_listed(client_as, pm, many_accounts):
    project = ProjectFactory(pm=pm, client=Client.objects.get(name=many_accounts[-1]))

    html = client_as(pm).get(reverse("projects:edit", args=[project.pk])).content.decode()

    select = html[html.index('<select name="client"') :]
    assert f'<option value="{project.client_id}" selected>{many_accounts[-1]}</option>' in select


@pytest.mark.parametrize("role", ["sales_rep", "support"])
def test_only_the_people_who_open_projects_may_search_accounts(client_as, request, role):
    response = client_as(request.getfixturevalue(role)).get(reverse("clients:options"))
    assert response.status_code == 403


def test_the_search_needs_a_login(client):
    response = client.get(reverse("clients:options"))
    assert response.status_code == 302 and reverse("login") in response.url
