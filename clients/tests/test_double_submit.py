"""An account, contact or sales handoff form sent twice creates one."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from clients.models import Client, Contact, SalesHandoff
from clients.tests.factories import ClientFactory, ProductFactory
from common.submissions import REPEATED
from common.testing import form_data

pytestmark = pytest.mark.django_db


def sent_twice(client, url, **filled):
    form = client.get(url).context["form"]
    assert form["submission_key"].value()
    data = form_data(form, **filled)
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    assert [str(m) for m in get_messages(second.wsgi_request)][-1] == REPEATED


def test_an_account_sent_twice_is_added_once(client, manager):
    client.force_login(manager)
    sent_twice(client, reverse("clients:create"), name="Bluebird Logistics")
    assert Client.objects.filter(name="Bluebird Logistics").count() == 1


def test_a_contact_sent_twice_is_added_once(client, manager):
    account = ClientFactory()
    client.force_login(manager)
    sent_twice(
        client,
        reverse("clients:contact_create", args=[account.pk]),
        name="Dana Ortiz",
        email="dana@bluebird.example",
    )
    assert Contact.objects.filter(client=account).count() == 1


def test_a_sales_handoff_sent_twice_is_sent_once(client, sales_rep):
    account = ClientFactory(sales_rep=sales_rep)
    client.force_login(sales_rep)
    sent_twice(
        client,
        reverse("clients:handoff_create", args=[account.pk]),
        products=[ProductFactory(name="Payroll").pk],
        contract_signed_on="2026-01-05",
        target_go_live="2026-06-01",
    )
    assert SalesHandoff.objects.filter(client=account).count() == 1
