"""A webhook never reaches the servers' own network: refused when registered, and again when
delivering, after DNS resolution and on every redirect."""

import ipaddress
import socket
import uuid
from unittest import mock

import pytest
from django.urls import reverse

from webhooks import network, services
from webhooks.events import Event
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.tests.factories import WebhookEndpointFactory

REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.9", "private"),
    ("192.168.1.20", "private"),
    ("169.254.169.254", "metadata"),
    ("169.254.10.1", "link-local"),
    ("100.64.0.7", "carrier-grade NAT"),
    ("0.0.0.0", "unspecified"),  # noqa: S104 - refused, not bound
    ("224.0.0.251", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("192.0.2.10", "private"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fe80::1", "link-local"),
    ("fc00::5", "private"),
    ("fd00:ec2::254", "metadata"),
    ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:169.254.169.254", "metadata"),
    ("::ffff:10.0.0.1", "private"),
    ("64:ff9b::a9fe:a9fe", "metadata"),
    ("2002:7f00:1::1", "loopback"),
]


@pytest.mark.parametrize(("address", "why"), REFUSED)
def test_internal_addresses_are_refused(address, why):
    assert why in network.address_refusal(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address):
    assert network.address_refusal(ipaddress.ip_address(address)) is None


def resolving(mapping: dict[str, str]):
    """getaddrinfo as a DNS server with these answers would give it (IP literals as given)."""
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host in mapping:
            address = mapping[host]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    return mock.patch("webhooks.network.socket.getaddrinfo", side_effect=fake)


# When registered


BAD_URLS = [
    ("http://127.0.0.1/hook", "loopback"),
    ("http://localhost:8000/hook", "loopback"),
    ("http://10.0.0.5/hook", "private"),
    ("http://169.254.169.254/latest/meta-data/", "metadata"),
    ("http://[::ffff:127.0.0.1]/hook", "loopback"),
    ("http://[fd00:ec2::254]/", "metadata"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://internal.corp.example/hook", "private"),  # resolves to 10.20.30.40, below
    ("ftp://files.example.com/hook", "Only http and https"),
    ("https://user:secret@crm.example.com/hook", "user name or password"),
]


@pytest.mark.parametrize(("url", "why"), BAD_URLS)
def test_an_admin_cannot_register_a_url_of_the_servers_own_network(url, why, client, admin_user):
    client.force_login(admin_user)
    with resolving({"internal.corp.example": "10.20.30.40", "localhost": "127.0.0.1"}):
        response = client.post(
            reverse("webhooks:create"), {"url": url, "events": [Event.WENT_LIVE], "active": "on"}
        )
    assert response.status_code == 200
    assert why in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_host_that_does_not_resolve_is_refused(client, admin_user):
    client.force_login(admin_user)
    with mock.patch(
        "webhooks.network.socket.getaddrinfo", side_effect=socket.gaierror("no such name")
    ):
        response = client.post(
            reverse("webhooks:create"),
            {"url": "https://nowhere.example/hook", "events": [Event.WENT_LIVE]},
        )
    assert "could not be found" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_host_the_setting_allows_may_be_registered_though_it_is_internal(
    client, admin_user, settings
):
    settings.WEBHOOK_ALLOWED_HOSTS = ["receiver.internal"]
    client.force_login(admin_user)
    with resolving({"receiver.internal": "10.9.8.7"}):
        response = client.post(
            reverse("webhooks:create"),
            {"url": "http://receiver.internal:9000/hook", "events": [Event.WENT_LIVE]},
        )
    assert response.status_code == 302
    assert WebhookEndpoint.objects.get().url == "http://receiver.internal:9000/hook"


# When delivering


def queued_delivery(url: str) -> WebhookDelivery:
    WebhookEndpointFactory(url=url)
    services.event_record(event=Event.WENT_LIVE, event_id=uuid.uuid4(), data={})
    return WebhookDelivery.objects.get()


@pytest.mark.django_db
def test_a_name_that_now_resolves_to_a_private_address_is_refused_at_delivery():
    """Registered when public; DNS changed since (rebinding): nothing is sent."""
    delivery = queued_delivery("https://crm.example.com/hook")
    with (
        resolving({"crm.example.com": "192.168.0.10"}),
        mock.patch("urllib3.HTTPSConnectionPool.urlopen") as urlopen,
    ):
        status = services.delivery_deliver(delivery_id=delivery.pk)
    assert status == WebhookDelivery.Status.FAILED
    urlopen.assert_not_called()
    delivery.refresh_from_db()
    assert "192.168.0.10, a private address" in delivery.last_error
    assert delivery.last_error.startswith("Refused:")


@pytest.mark.django_db
def test_the_connection_goes_to_the_address_checked_with_the_url_s_host_name(receiver):
    """The name is resolved once; the request goes to that address, Host naming the URL's host."""
    receiver.secret = "ignored"
    delivery = queued_delivery(f"http://hooks.receiver.test:{receiver.port}/hooks/golive")
    receiver.secret = delivery.endpoint.secret
    # Allowed by name, as an admin would list a receiver on the servers' own network.
    with (
        resolving({"hooks.receiver.test": "127.0.0.1"}) as getaddrinfo,
        mock.patch.object(network, "host_allowed", return_value=True),
    ):
        status = services.delivery_deliver(delivery_id=delivery.pk)
    assert status == WebhookDelivery.Status.DELIVERED
    looked_up = [call.args[0] for call in getaddrinfo.call_args_list]
    assert looked_up.count("hooks.receiver.test") == 1
    [received] = receiver.received
    assert received.headers["Host"] == f"hooks.receiver.test:{receiver.port}"
    assert received.verified


@pytest.mark.django_db
@pytest.mark.parametrize(
    "location", ["http://10.0.0.1/steal", "http://169.254.169.254/latest/meta-data/"]
)
def test_a_redirect_to_a_private_address_is_refused(receiver, location):
    delivery = queued_delivery(receiver.url)
    receiver.redirects = [(302, {"Location": location})]
    assert services.delivery_deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.FAILED
    delivery.refresh_from_db()
    assert "may not reach the servers' own network" in delivery.last_error
    assert len(receiver.received) == 1


@pytest.mark.django_db
def test_a_redirect_to_a_name_resolving_to_a_private_address_is_refused(receiver):
    delivery = queued_delivery(receiver.url)
    receiver.redirects = [(307, {"Location": "http://sneaky.example.net/x"})]
    with resolving({"sneaky.example.net": "10.1.1.1"}):
        status = services.delivery_deliver(delivery_id=delivery.pk)
    assert status == WebhookDelivery.Status.FAILED
    assert len(receiver.received) == 1


@pytest.mark.django_db
def test_allowed_redirects_are_followed_three_times_at_most(receiver):
    delivery = queued_delivery(receiver.url)
    receiver.secret = delivery.endpoint.secret
    receiver.redirects = [(307, {"Location": "/moved"}), (308, {"Location": "/moved/again"})]
    assert services.delivery_deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.DELIVERED
    assert [r.path for r in receiver.received] == ["/hooks/golive", "/moved", "/moved/again"]
    assert all(r.verified for r in receiver.received)

    second = queued_second(delivery)
    receiver.redirects = [(302, {"Location": f"/loop{n}"}) for n in range(5)]
    assert services.delivery_deliver(delivery_id=second.pk) == WebhookDelivery.Status.FAILED
    second.refresh_from_db()
    assert "More than 3 redirects" in second.last_error


def queued_second(delivery: WebhookDelivery) -> WebhookDelivery:
    services.event_record(event=Event.WENT_LIVE, event_id=uuid.uuid4(), data={})
    return WebhookDelivery.objects.exclude(pk=delivery.pk).get()


@pytest.mark.django_db
def test_without_the_setting_even_the_test_receiver_is_refused(receiver, settings):
    delivery = queued_delivery(receiver.url)
    settings.WEBHOOK_ALLOWED_HOSTS = []
    assert services.delivery_deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.FAILED
    assert receiver.received == []
