"""Who may open and change what on the client pages (PRODUCT.md, "Access")."""

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory, ContactFactory, SalesHandoffFactory
from projects.models import ImplementationProject

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
STAFF_READERS = ["pm", "manager", "support", "admin_user"]


@pytest.fixture
def account(sales_rep):
    return ClientFactory(name="Northwind Dairy", sales_rep=sales_rep)


@pytest.fixture
def contact(account):
    return ContactFactory(client=account, name="Dana Ortiz")


@pytest.fixture
def handoff(account, sales_rep, pm):
    """A handoff whose project `pm` manages."""
    handoff = SalesHandoffFactory(client=account, submitted_by=sales_rep)
    ImplementationProject.objects.create(
        name="Northwind payroll", client=account, pm=pm, sales_handoff=handoff
    )
    return handoff


@pytest.fixture
def urls(account, contact, handoff):
    return {
        "list": reverse("clients:list"),
        "create": reverse("clients:create"),
        "detail": reverse("clients:detail", args=[account.pk]),
        "edit": reverse("clients:edit", args=[account.pk]),
        "contact_create": reverse("clients:contact_create", args=[account.pk]),
        "contact_edit": reverse("clients:contact_edit", args=[account.pk, contact.pk]),
        "handoff_create": reverse("clients:handoff_create", args=[account.pk]),
        "handoff_detail": reverse("clients:handoff_detail", args=[handoff.pk]),
        "handoff_edit": reverse("clients:handoff_edit", args=[handoff.pk]),
        "handoff_acknowledge": reverse("clients:handoff_acknowledge", args=[handoff.pk]),
    }


def as_user(request, client_as, name):
    return client_as(request.getfixturevalue(name))


class TestAnonymous:
    @pytest.mark.parametrize(
        ("view", "method"),
        [
            ("list", "get"),
            ("create", "get"),
            ("detail", "get"),
            ("edit", "get"),
            ("edit", "post"),
            ("contact_create", "get"),
            ("contact_edit", "post"),
            ("handoff_create", "get"),
            ("handoff_detail", "get"),
            ("handoff_edit", "post"),
            ("handoff_acknowledge", "post"),
        ],
    )
    def test_is_sent_to_the_login_page(self, client, urls, view, method):
        response = getattr(client, method)(urls[view])

        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next=")


class TestReadingClients:
    @pytest.mark.parametrize("role", [*STAFF_READERS, "sales_rep"])
    def test_readers_open_the_account(self, request, client_as, urls, role):
        response = as_user(request, client_as, role).get(urls["detail"])

        assert response.status_code == 200
        assert "Northwind Dairy" in response.text

    @pytest.mark.parametrize("role", ["other_sales_rep", "no_role_user"])
    def test_outsiders_do_not_learn_the_account_exists(self, request, client_as, urls, role):
        user_client = as_user(request, client_as, role)

        assert user_client.get(urls["detail"]).status_code == 404
        assert user_client.get(urls["handoff_detail"]).status_code == 404
        assert "Northwind Dairy" not in user_client.get(urls["list"]).text

    def test_a_sales_rep_lists_only_their_own_accounts(self, client_as, sales_rep, urls):
        ClientFactory(name="Someone Else's Bakery")

        page = client_as(sales_rep).get(urls["list"]).text

        assert "Northwind Dairy" in page
        assert "Someone Else&#x27;s Bakery" not in page

    def test_a_user_with_no_role_sees_an_empty_list(self, client_as, no_role_user, urls):
        response = client_as(no_role_user).get(urls["list"])

        assert response.status_code == 200
        assert list(response.context["clients"]) == []

    @pytest.mark.parametrize("role", [*STAFF_READERS, "sales_rep"])
    def test_readers_open_the_sales_handoff(self, request, client_as, urls, role):
        response = as_user(request, client_as, role).get(urls["handoff_detail"])

        assert response.status_code == 200
        assert "Sales handoff for Northwind Dairy" in response.text


class TestChangingClients:
    @pytest.mark.parametrize("view", ["create", "edit", "contact_create", "contact_edit"])
    @pytest.mark.parametrize("role", ["pm", "support", "sales_rep"])
    def test_read_only_roles_are_refused(self, request, client_as, urls, view, role):
        user_client = as_user(request, client_as, role)

        assert user_client.get(urls[view]).status_code == 403
        assert user_client.post(urls[view], {"name": "Changed"}).status_code == 403

    def test_a_user_with_no_role_cannot_add_clients(self, client_as, no_role_user, urls):
        assert client_as(no_role_user).get(urls["create"]).status_code == 403

    @pytest.mark.parametrize("view", ["edit", "contact_create", "contact_edit"])
    @pytest.mark.parametrize("role", ["other_sales_rep", "no_role_user"])
    def test_outsiders_get_not_found(self, request, client_as, urls, view, role):
        assert as_user(request, client_as, role).get(urls[view]).status_code == 404

    @pytest.mark.parametrize("view", ["create", "edit", "contact_create", "contact_edit"])
    @pytest.mark.parametrize("role", ["manager", "admin_user"])
    def test_managers_and_admins_open_the_forms(self, request, client_as, urls, view, role):
        assert as_user(request, client_as, role).get(urls[view]).status_code == 200

    def test_a_contact_of_another_client_is_not_found(self, client_as, manager, account):
        stranger = ContactFactory(client=ClientFactory())
        url = reverse("clients:contact_edit", args=[account.pk, stranger.pk])

        assert client_as(manager).get(url).status_code == 404


class TestWritingSalesHandoffs:
    @pytest.mark.parametrize("view", ["handoff_create", "handoff_edit"])
    @pytest.mark.parametrize("role", ["sales_rep", "admin_user"])
    def test_the_accounts_sales_rep_and_admins_write_it(self, request, client_as, urls, view, role):
        assert as_user(request, client_as, role).get(urls[view]).status_code == 200

    @pytest.mark.parametrize("view", ["handoff_create", "handoff_edit"])
    @pytest.mark.parametrize("role", ["pm", "manager", "support"])
    def test_implementation_and_support_only_read_it(self, request, client_as, urls, view, role):
        user_client = as_user(request, client_as, role)

        assert user_client.get(urls[view]).status_code == 403
        assert user_client.post(urls[view], {}).status_code == 403

    @pytest.mark.parametrize("view", ["handoff_create", "handoff_edit"])
    @pytest.mark.parametrize("role", ["other_sales_rep", "no_role_user"])
    def test_another_rep_gets_not_found(self, request, client_as, urls, view, role):
        assert as_user(request, client_as, role).get(urls[view]).status_code == 404

    def test_nobody_edits_it_after_acknowledgement(self, client_as, sales_rep, pm, handoff, urls):
        client_as(pm).post(urls["handoff_acknowledge"])

        response = client_as(sales_rep).get(urls["handoff_edit"])

        assert response.status_code == 403
        assert "can no longer be changed" in response.text


class TestAcknowledgingSalesHandoffs:
    @pytest.mark.parametrize("role", ["pm", "manager", "admin_user"])
    def test_pms_and_managers_acknowledge(self, request, client_as, urls, handoff, role):
        response = as_user(request, client_as, role).post(urls["handoff_acknowledge"])

        assert response.status_code == 302
        handoff.refresh_from_db()
        assert handoff.is_acknowledged

    def test_a_pm_of_another_project_cannot(self, client_as, urls, handoff, other_pm):
        response = client_as(other_pm).post(urls["handoff_acknowledge"])

        assert response.status_code == 403
        handoff.refresh_from_db()
        assert not handoff.is_acknowledged

    def test_a_handoff_without_a_project_is_for_the_managers(self, client_as, account, pm, manager):
        handoff = SalesHandoffFactory(client=account)
        url = reverse("clients:handoff_acknowledge", args=[handoff.pk])

        assert client_as(pm).post(url).status_code == 403
        assert client_as(manager).post(url).status_code == 302
        handoff.refresh_from_db()
        assert handoff.acknowledged_by == manager

    @pytest.mark.parametrize("role", ["sales_rep", "support"])
    def test_sales_and_support_cannot(self, request, client_as, urls, handoff, role):
        response = as_user(request, client_as, role).post(urls["handoff_acknowledge"])

        assert response.status_code == 403
        handoff.refresh_from_db()
        assert not handoff.is_acknowledged

    @pytest.mark.parametrize("role", ["other_sales_rep", "no_role_user"])
    def test_outsiders_get_not_found(self, request, client_as, urls, role):
        response = as_user(request, client_as, role).post(urls["handoff_acknowledge"])

        assert response.status_code == 404


class TestWrongMethod:
    @pytest.mark.parametrize(
        ("view", "method"),
        [
            ("list", "post"),
            ("detail", "post"),
            ("handoff_detail", "post"),
            ("create", "put"),
            ("edit", "delete"),
            ("contact_create", "put"),
            ("contact_edit", "delete"),
            ("handoff_create", "put"),
            ("handoff_edit", "delete"),
            ("handoff_acknowledge", "get"),
        ],
    )
    def test_is_refused_with_405(self, client_as, admin_user, urls, handoff, view, method):
        response = getattr(client_as(admin_user), method)(urls[view])

        assert response.status_code == 405
        handoff.refresh_from_db()
        assert not handoff.is_acknowledged
