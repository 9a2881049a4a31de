"""Where a webhook may be sent.

A webhook makes the service send requests to a URL an admin typed. Pointed at the service's own
machine (``localhost``, an address of one of its interfaces, the cloud's link-local metadata
service), that is server-side request forgery: the request comes from inside, where a local
database console or the instance's credentials answer without asking who calls. So only http(s) URLs
are taken, and a URL whose host resolves to such an address is refused when it is saved and again
before each delivery, and the delivery connects to the very address that was checked (a name that
resolves elsewhere a second later changes nothing). Other private networks stay allowed: a CRM
inside the company's network is a normal receiver. ``KAM_WEBHOOKS_ALLOW_LOCAL_TARGETS`` lifts the
refusal where receivers run on the service's own host on purpose.
"""

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from functools import cache
from urllib.parse import SplitResult, urlsplit

import psutil

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
SCHEMES = ("http", "https")


class RefusedTarget(Exception):
    """The URL may not receive webhooks; the message says why, for the admin or the delivery log."""


class Unresolvable(RefusedTarget):
    """The host does not resolve now: no delivery can go out, though it may later."""


@dataclass(frozen=True)
class Target:
    url: str
    host: str
    address: Address


def parse(url: str) -> SplitResult:
    """The URL's parts, if it is an absolute http(s) URL with a host; RefusedTarget otherwise."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError as error:
        raise RefusedTarget(f"not a URL: {error}") from None
    if parts.scheme not in SCHEMES:
        raise RefusedTarget("only http and https URLs receive webhooks")
    if not parts.hostname:
        raise RefusedTarget("the URL names no host")
    if parts.username is not None or parts.password is not None:
        raise RefusedTarget("credentials do not belong in the URL; the signature authenticates the sender")
    return parts


@cache
def _own_addresses() -> frozenset[Address]:
    found: set[Address] = set()
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family in (socket.AF_INET, socket.AF_INET6):
                found.add(ipaddress.ip_address(address.address.split("%")[0]))
    return frozenset(found)


def is_own_host(address: Address) -> bool:
    """Whether a request to this address would reach the service's own machine (or its metadata service)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_loopback
        or address.is_unspecified
        or address.is_link_local
        or address.is_multicast
        or address in _own_addresses()
    )


async def resolve(url: str, *, allow_local: bool) -> Target:
    """The address a delivery to ``url`` connects to, checked; RefusedTarget when there is none allowed."""
    parts = parse(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise Unresolvable(f"{host} does not resolve: {error.strerror or error}") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]
    own = [address for address in addresses if is_own_host(address)]
    if own and not allow_local:
        raise RefusedTarget(f"{host} resolves to this service's own host ({own[0]}), which webhooks may not reach")
    return Target(url=url, host=host, address=addresses[0])
