"""A stale account, contact or sales handoff form changes nothing and says what changed."""

import datetime

import pytest
from django.urls import reverse

from clients import services
from clients.models import Client, Contact, SalesHandoff
from clients.tests.factories import ClientFactory, ContactFactory, SalesHandoffFactory
from common.testing import form_data

STALE = "Someone changed this while you were editing it, so nothing was saved."

pytestmark = pytest.mark.django_db


def opened(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["form"]


def _client_values(account: Client, **changes) -> dict:
    values = {
        name: getattr(account, name)
        for name in (
            "name",
            "industry",
            "employee_count",
            "segment",
            "time_zone",
            "sales_rep",
            "account_status",
            "contract_value",
            "notes",
        )
    }
    return {**values, "products": account.products.all(), **changes}


def test_a_stale_account_form_keeps_the_other_managers_status(client, manager):
    account = ClientFactory(name="Bluebird", account_status="onboarding")
    url = reverse("clients:edit", args=[account.pk])
    client.force_login(manager)
    form = opened(client, url)
    # Another manager marks the account at risk meanwhile.
    services.client_update(client=account, **_client_values(account, account_status="at_risk"))

    response = client.post(url, form_data(form, notes="Renewal talks in May."))

    text = response.content.decode()
    assert STALE in text
    assert "Account status is now “At risk”" in text
    assert "It was saved on" in text
    assert "Renewal talks in May." in text
    account.refresh_from_db()
    assert (account.account_status, account.notes) == ("at_risk", "")


def test_a_stale_contact_form_changes_nothing(client, manager):
    contact = ContactFactory(name="Dana Ortiz", phone="")
    url = reverse("clients:contact_edit", args=[contact.client_id, contact.pk])
    client.force_login(manager)
    form = opened(client, url)
    services.contact_update(
        contact=Contact.objects.get(pk=contact.pk),
        name="Dana Ortiz",
        email=contact.email,
        role=contact.role,
        phone="555 0100",
        receives_status_reports=contact.receives_status_reports,
        is_primary=contact.is_primary,
    )

    response = client.post(url, form_data(form, name="Dana Ortiz-Reyes"))

    text = response.content.decode()
    assert STALE in text
    assert "Phone is now “555 0100”" in text
    assert 'value="Dana Ortiz-Reyes"' in text
    contact.refresh_from_db()
    assert (contact.name, contact.phone) == ("Dana Ortiz", "555 0100")


def test_a_stale_sales_handoff_form_changes_nothing(client, sales_rep):
    handoff = SalesHandoffFactory(client=ClientFactory(sales_rep=sales_rep))
    url = reverse("clients:handoff_edit", args=[handoff.pk])
    client.force_login(sales_rep)
    form = opened(client, url)
    later = handoff.target_go_live + datetime.timedelta(days=30)
    services.sales_handoff_update(
        handoff=SalesHandoff.objects.get(pk=handoff.pk),
        products=handoff.products.all(),
        contract_signed_on=handoff.contract_signed_on,
        target_go_live=later,
        commitments=handoff.commitments,
        special_terms=handoff.special_terms,
        pain_points=handoff.pain_points,
        stakeholders=handoff.stakeholders,
    )

    response = client.post(url, form_data(form, commitments="Parallel run in June."))

    text = response.content.decode()
    assert STALE in text
    assert "Target go live is now" in text
    handoff.refresh_from_db()
    assert (handoff.target_go_live, handoff.commitments) == (
        later,
        "Payroll parallel run before go-live.",
    )

    # Having read what changed, the rep takes the new date over and saves their words again.
    again = client.post(url, form_data(response.context["form"], target_go_live=later.isoformat()))
    assert again.status_code == 302
    handoff.refresh_from_db()
    assert (handoff.target_go_live, handoff.commitments) == (later, "Parallel run in June.")
