"""Reaching a receiver without ever reaching the servers' own network.

A webhook URL is checked when it is registered and again at every delivery: its host is
resolved, every address it resolves to must be public, and the request goes to the address
that was checked (pinned), with the URL's name in the Host header and in TLS (SNI and the
certificate check), so a DNS answer that changes between the check and the connection
(rebinding) cannot send it elsewhere. Redirects are followed by hand, each checked the same way.
Hosts in settings.WEBHOOK_ALLOWED_HOSTS skip the address rule (they are still resolved and
pinned).
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Networks refused although Python may not call them private: carrier-grade NAT, the cloud
# metadata services, NAT64 and 6to4 (which can embed an internal IPv4 address).
_REFUSED_NETWORKS = {
    ipaddress.ip_network("100.64.0.0/10"): "a carrier-grade NAT address",
    ipaddress.ip_network("169.254.169.254/32"): "a cloud metadata address",
    ipaddress.ip_network("fd00:ec2::254/128"): "a cloud metadata address",
}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressRefused(Exception):
    """The URL may not be reached: a scheme, a credential, or an address it must not go to."""


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4), if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour:
        return address.sixtofour
    return None


def address_refusal(address: IPAddress) -> str | None:
    """Why a webhook may not go to this address ("a loopback address"), or None if it may."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return address_refusal(embedded)
    for network, why in _REFUSED_NETWORKS.items():
        if address.version == network.version and address in network:
            return why
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "a reserved address"
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the host resolves to (an IP literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused(f"The host {host} could not be found.") from error
    addresses = []
    for _family, _type, _proto, _name, sockaddr in infos:
        # An IPv6 sockaddr may carry a zone ("fe80::1%eth0"): the address is what comes before.
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise AddressRefused(f"The host {host} could not be found.")
    # IPv4 first: the one connected to is the first, and not every server has IPv6.
    return sorted(addresses, key=lambda address: address.version)


def host_allowed(host: str) -> bool:
    return host.lower().strip("[]") in settings.WEBHOOK_ALLOWED_HOSTS


@dataclass(frozen=True)
class Target:
    """A URL checked for delivery: where it goes, and the address to connect to."""

    url: str
    scheme: str
    host: str
    port: int
    path: str
    address: IPAddress

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def check_url(url: str) -> Target:
    """Check a URL as a webhook's, resolving its host; AddressRefused says what is wrong."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise AddressRefused("Only http and https URLs can receive webhooks.")
    if parts.username is not None or parts.password is not None:
        raise AddressRefused(
            "A webhook URL cannot carry a user name or password; the signature proves who sent it."
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise AddressRefused("The URL has no host.")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:
        raise AddressRefused("The URL's port is not a number from 1 to 65535.") from error
    addresses = resolve(host, port)
    if not host_allowed(host):
        for address in addresses:
            why = address_refusal(address)
            if why:
                raise AddressRefused(
                    f"{host} resolves to {address}, {why}: webhooks may not reach the "
                    "servers' own network."
                )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(url, scheme, host, port, path, addresses[0])


@dataclass(frozen=True)
class Response:
    status: int
    body: str
    url: str


REDIRECTS = (301, 302, 303, 307, 308)
# Enough of the answer to show in the delivery log; the rest is not read.
BODY_LIMIT = 2000


def _pool(target: Target) -> urllib3.HTTPConnectionPool:
    connect = settings.WEBHOOKS["CONNECT_TIMEOUT_SECONDS"]
    read = settings.WEBHOOKS["READ_TIMEOUT_SECONDS"]
    # A total too: the read timeout is per read, and a receiver sending a byte at a time
    # would otherwise hold the worker for as long as it likes.
    timeout = urllib3.Timeout(connect=connect, read=read, total=connect + read)
    common = {"port": target.port, "timeout": timeout, "retries": False, "maxsize": 1}
    if target.scheme == "https":
        # Connect to the checked address; TLS still names and verifies the URL's host.
        return urllib3.HTTPSConnectionPool(
            str(target.address),
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            **common,
        )
    return urllib3.HTTPConnectionPool(str(target.address), **common)


def post(url: str, *, body: bytes, headers: dict[str, str]) -> Response:
    """POST the body to the URL, checked and pinned, following up to MAX_REDIRECTS redirects.

    Raises AddressRefused for a URL (or a redirect) that may not be reached, and urllib3's
    errors for one that cannot be.
    """
    target = check_url(url)
    for _ in range(settings.WEBHOOKS["MAX_REDIRECTS"] + 1):
        pool = _pool(target)
        try:
            answer = pool.urlopen(
                "POST",
                target.path,
                body=body,
                headers={**headers, "Host": target.host_header},
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
            )
            try:
                text = answer.read(BODY_LIMIT, decode_content=True).decode("utf-8", "replace")
            finally:
                answer.release_conn()
        finally:
            pool.close()
        location = answer.headers.get("Location")
        if answer.status not in REDIRECTS or not location:
            return Response(answer.status, text, target.url)
        target = check_url(urljoin(target.url, location))
    raise AddressRefused(
        f"More than {settings.WEBHOOKS['MAX_REDIRECTS']} redirects; the last went to {target.url}."
    )
