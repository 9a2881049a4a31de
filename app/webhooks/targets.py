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

import idna
import psutil

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
SCHEMES = ("http", "https")
# Names that are this machine by definition (RFC 6761), whatever a resolver answers for them.
LOCAL_NAMES = ("localhost", "localhost.localdomain")
# NAT64 prefixes (RFC 6052's well-known one, RFC 8215's local one): a gateway turns an address in
# them into the IPv4 address in its last 32 bits, so ``64:ff9b::7f00:1`` is 127.0.0.1 in disguise.
NAT64_PREFIXES = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


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
    """The URL's parts, if it is an absolute http(s) URL with a valid host; RefusedTarget otherwise."""
    # urlsplit quietly drops tabs and line breaks (as browsers do), so what it parsed would not be
    # what was typed; a URL carries none of them, nor spaces: they are percent-encoded.
    if any(character.isspace() or not character.isprintable() for character in url):
        raise RefusedTarget("a URL holds no spaces, tabs, line breaks or control characters; percent-encode them")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a port out of range
    except ValueError as error:
        raise RefusedTarget(f"not a URL: {error}") from None
    if parts.scheme not in SCHEMES:
        raise RefusedTarget("only http and https URLs receive webhooks")
    if not parts.hostname:
        raise RefusedTarget("the URL names no host")
    if parts.username is not None or parts.password is not None:
        raise RefusedTarget("credentials do not belong in the URL; the signature authenticates the sender")
    if port == 0:
        raise RefusedTarget("port 0 receives nothing; name the receiver's port, or none for the scheme's own")
    host_name(parts.hostname)
    return parts


def host_name(host: str) -> str:
    """The host as resolution sees it: an IP address as written, a name in its ASCII (IDNA) form
    without the trailing dot of a fully qualified name; RefusedTarget when it is neither."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    name = host.removesuffix(".")
    if not name or "" in name.split("."):
        raise RefusedTarget(f"{host!r} is not a host name: a label between its dots is empty")
    try:
        ascii_name = idna.encode(name, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as error:
        raise RefusedTarget(f"{host!r} is not a host name: {error}") from None
    return ascii_name


@cache
def _own_addresses() -> frozenset[Address]:
    found: set[Address] = set()
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family in (socket.AF_INET, socket.AF_INET6):
                found.add(ipaddress.ip_address(address.address.split("%")[0]))
    return frozenset(found)


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries and reaches: mapped (``::ffff:a.b.c.d``), compatible
    (``::a.b.c.d``), NAT64, 6to4 or Teredo; None when it carries none."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in IPV4_COMPATIBLE or any(address in prefix for prefix in NAT64_PREFIXES):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_own_host(address: Address) -> bool:
    """Whether a request to this address would reach the service's own machine (or its metadata service)."""
    if isinstance(address, ipaddress.IPv6Address):
        carried = embedded_ipv4(address)
        if carried is not None and is_own_host(carried):
            return True
    return (
        address.is_loopback
        or address.is_unspecified
        or address.is_link_local
        or address.is_multicast
        or address in _own_addresses()
    )


def is_local_name(name: str) -> bool:
    lowered = name.lower()
    return lowered in LOCAL_NAMES or lowered.endswith(".localhost")


async def resolve(url: str, *, allow_local: bool) -> Target:
    """The address a delivery to ``url`` connects to, checked; RefusedTarget when there is none allowed."""
    parts = parse(url)
    host = host_name(parts.hostname or "")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if is_local_name(host) and not allow_local:
        raise RefusedTarget(f"{host} is this service's own host, which webhooks may not reach")
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise Unresolvable(f"{host} does not resolve: {error.strerror or error}") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]
    own = [address for address in addresses if is_own_host(address)]
    if own and not allow_local:
        raise RefusedTarget(f"{host} resolves to this service's own host ({own[0]}), which webhooks may not reach")
    return Target(url=url, host=host, address=addresses[0])
