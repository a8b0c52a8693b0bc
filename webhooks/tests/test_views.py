"""The webhook pages: admins alone register endpoints and read their delivery logs."""

import uuid
from unittest import mock

import pytest
from django.urls import reverse

from common.submissions import FIELD as SUBMISSION_KEY
from webhooks import services
from webhooks.events import Event
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db

PUBLIC = "93.184.215.14"


@pytest.fixture
def public_dns():
    """crm.example.com resolves to a public address, without asking a DNS server."""
    import socket

    def fake(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, port))]

    with mock.patch("webhooks.network.socket.getaddrinfo", side_effect=fake):
        yield


@pytest.mark.parametrize("role", ["pm", "manager", "sales_rep", "support"])
def test_only_admins_reach_the_webhook_pages(role, request, client):
    endpoint = WebhookEndpointFactory()
    client.force_login(request.getfixturevalue(role))
    # The list and the new-webhook form: refused.
    assert client.get(reverse("webhooks:list")).status_code == 403
    assert client.get(reverse("webhooks:create")).status_code == 403
    # An endpoint, its log and its actions: not found, as if there were none.
    for name in ("detail", "edit"):
        assert client.get(reverse(f"webhooks:{name}", args=[endpoint.pk])).status_code == 404
    for name in ("edit", "rotate_secret", "delete"):
        assert client.post(reverse(f"webhooks:{name}", args=[endpoint.pk])).status_code == 404
    assert WebhookEndpoint.objects.get().secret == endpoint.secret


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("webhooks:list"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("login"))


def test_an_admin_registers_a_webhook_and_sees_its_secret(client, admin_user, public_dns):
    client.force_login(admin_user)
    form = client.get(reverse("webhooks:create")).content.decode()
    key = form.split(f'name="{SUBMISSION_KEY}" value="')[1].split('"')[0]
    data = {
        "url": "https://crm.example.com/hooks/golive",
        "description": "CRM deal sync",
        "events": [Event.WENT_LIVE, Event.HANDED_OFF],
        "active": "on",
        SUBMISSION_KEY: key,
    }
    response = client.post(reverse("webhooks:create"), data, follow=True)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["project.went_live", "project.handed_off"]
    assert endpoint.created_by == admin_user
    page = response.content.decode()
    assert endpoint.secret in page
    assert "Give its signing secret" in page

    # The same form sent twice (a double click, a reload): one webhook.
    again = client.post(reverse("webhooks:create"), data, follow=True)
    assert WebhookEndpoint.objects.count() == 1
    assert "already been sent" in again.content.decode()


def test_a_webhook_needs_an_event(client, admin_user, public_dns):
    client.force_login(admin_user)
    response = client.post(reverse("webhooks:create"), {"url": "https://crm.example.com/h"})
    assert "Choose at least one event to send." in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_stale_edit_changes_nothing_and_says_why(client, admin_user, public_dns):
    endpoint = WebhookEndpointFactory(url="https://crm.example.com/old")
    client.force_login(admin_user)
    url = reverse("webhooks:edit", args=[endpoint.pk])
    opened_at = endpoint.version
    # Someone else pauses it meanwhile.
    services.endpoint_update(
        endpoint=endpoint,
        version=opened_at,
        url=endpoint.url,
        events=endpoint.events,
        description="",
        active=False,
    )
    response = client.post(
        url,
        {
            "url": "https://crm.example.com/new",
            "events": [Event.WENT_LIVE],
            "active": "on",
            "version": opened_at,
        },
    )
    assert response.status_code == 200
    assert "Someone changed this while you were editing it" in response.content.decode()
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.active) == ("https://crm.example.com/old", False)

    response = client.post(
        url,
        {
            "url": "https://crm.example.com/new",
            "events": [Event.WENT_LIVE],
            "active": "on",
            "version": endpoint.version,
        },
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events, endpoint.active) == (
        "https://crm.example.com/new",
        ["project.went_live"],
        True,
    )


def test_an_admin_rotates_the_secret_and_deletes_a_webhook(client, admin_user):
    endpoint = WebhookEndpointFactory()
    old = endpoint.secret
    client.force_login(admin_user)
    response = client.post(reverse("webhooks:rotate_secret", args=[endpoint.pk]), follow=True)
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    page = response.content.decode()
    assert endpoint.secret in page and old not in page
    assert client.get(reverse("webhooks:rotate_secret", args=[endpoint.pk])).status_code == 405

    response = client.post(reverse("webhooks:delete", args=[endpoint.pk]), follow=True)
    assert not WebhookEndpoint.objects.exists()
    assert "deleted" in response.content.decode()


def make_deliveries(endpoint, count: int) -> None:
    for n in range(count):
        services.event_record(
            event=Event.WENT_LIVE, event_id=uuid.uuid4(), data={"n": n}, endpoint_ids=[endpoint.pk]
        )
    WebhookDelivery.objects.filter(pk__in=WebhookDelivery.objects.values("pk")[:2]).update(
        status="failed", attempts=8, last_status_code=503, last_response="Service Unavailable",
        last_error="The receiver answered 503.",
    )  # fmt: skip


@pytest.mark.parametrize("rows", [1, 6])
def test_the_list_and_the_delivery_log_read_a_fixed_number_of_queries(
    rows, client, admin_user, django_assert_num_queries
):
    endpoints = [WebhookEndpointFactory() for _ in range(rows)]
    for endpoint in endpoints:
        make_deliveries(endpoint, rows)
    client.force_login(admin_user)
    # Session and user, then the page: its rows (with their counts) and their number.
    with django_assert_num_queries(6):
        response = client.get(reverse("webhooks:list"))
    assert response.content.decode().count('class="fw-semibold" href="/webhooks/') == rows
    with django_assert_num_queries(7):
        response = client.get(reverse("webhooks:detail", args=[endpoints[0].pk]))
    page = response.content.decode()
    assert page.count("Project went live</span>") == rows
    assert "HTTP 503" in page and "Service Unavailable" in page


def test_the_delivery_log_shows_each_delivery_s_outcome(client, admin_user):
    endpoint = WebhookEndpointFactory()
    make_deliveries(endpoint, 3)
    client.force_login(admin_user)
    page = client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert page.count("Failed</span>") == 2
    assert page.count("Queued</span>") == 1
    assert "The receiver answered 503." in page


def test_an_admin_sends_a_failed_delivery_again(client, admin_user):
    endpoint = WebhookEndpointFactory()
    make_deliveries(endpoint, 3)
    failed = WebhookDelivery.objects.filter(status="failed").first()
    queued = WebhookDelivery.objects.filter(status="queued").first()
    client.force_login(admin_user)
    page = client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert page.count("Send again") == 2

    with mock.patch("webhooks.tasks.deliver_webhook.delay"):
        response = client.post(reverse("webhooks:retry", args=[failed.pk]), follow=True)
    assert "queued to be sent again" in response.content.decode()
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("queued", 0)

    response = client.post(reverse("webhooks:retry", args=[queued.pk]), follow=True)
    assert "Only a failed delivery can be sent again" in response.content.decode()


def test_nobody_but_admins_may_send_a_delivery_again(client, manager):
    endpoint = WebhookEndpointFactory()
    make_deliveries(endpoint, 1)
    delivery = WebhookDelivery.objects.get()
    client.force_login(manager)
    assert client.post(reverse("webhooks:retry", args=[delivery.pk])).status_code == 404
    delivery.refresh_from_db()
    assert delivery.status == "failed"
