"""Where a webhook may be sent: checked when a subscription is made and again before every attempt.

A server that posts to addresses its users choose can be turned against the network it runs in
(server-side request forgery). So, unless TAHAWUL_WEBHOOKS_PRIVATE_TARGETS allows it (development
and tests), an address whose host resolves to a loopback, private, link-local or otherwise
non-public address is refused; and the delivery connects to the very address it checked, so a
name that resolves differently a moment later (DNS rebinding) gains nothing.
TAHAWUL_WEBHOOKS_HTTPS_ONLY (on in production) refuses plain http.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

URL_MAX_CHARS = 500
DEFAULT_PORTS = {"http": 80, "https": 443}


class RefusedTarget(Exception):
    """The address cannot be used; ``reason`` says why in words for people. ``unresolved``: its
    host name was not found, which may pass (the others will not without a change of address)."""

    def __init__(self, reason: Promise, *, unresolved: bool = False, detail: str = "") -> None:
        super().__init__(detail or str(reason))
        self.reason = reason
        self.unresolved = unresolved
        self.detail = detail


@dataclass(frozen=True)
class Target:
    """A checked address: what to connect to and what to ask for."""

    scheme: str
    host: str
    port: int
    path: str  # with the query string
    addresses: tuple[str, ...]  # the host's addresses, checked; connect to these only


def check_target(url: str) -> Target:
    """Parse ``url``, resolve its host and check every address it resolves to. Raises RefusedTarget."""
    url = url.strip()
    if not url or len(url) > URL_MAX_CHARS:
        raise RefusedTarget(_("Give the full address of your receiver, e.g. https://example.org/tahawul/events."))
    if not url.isascii() or not url.isprintable() or " " in url:
        raise RefusedTarget(
            _(
                "Write the address in Latin letters without spaces: an Arabic host name in its xn-- form, other "
                "characters percent-encoded."
            )
        )
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise RefusedTarget(_("Give the full address of your receiver, e.g. https://example.org/tahawul/events."))
    if parts.scheme != "https" and settings.TAHAWUL_WEBHOOKS_HTTPS_ONLY:
        raise RefusedTarget(_("The address must start with https://: deliveries are only sent encrypted."))
    if parts.username or parts.password:
        raise RefusedTarget(_("Leave names and passwords out of the address: every delivery is signed instead."))
    if parts.fragment:
        raise RefusedTarget(_("Leave the part after # out of the address."))
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise RefusedTarget(_("The port number in the address is not valid.")) from None
    host = parts.hostname
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=parts.scheme, host=host, port=port, path=path, addresses=_checked_addresses(host, port))


def _checked_addresses(host: str, port: int) -> tuple[str, ...]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise RefusedTarget(
            _("We could not find this address. Check the host name."),
            unresolved=True,
            detail=f"{type(error).__name__}: {error}",
        ) from None
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in found))
    if not settings.TAHAWUL_WEBHOOKS_PRIVATE_TARGETS:
        # All of them: a name that also resolves to an inside address is not an outside one.
        for address in addresses:
            if not _is_public(address):
                raise RefusedTarget(
                    _("This address leads into a private network. Webhooks go only to public addresses."),
                    detail=f"{host} resolves to {address}, which is not a public address",
                )
    return addresses


# IPv6 addresses that carry an IPv4 address in their last 32 bits, and reach it: mapped
# (::ffff:0:0/96), translated (::ffff:0:0:0/96), NAT64 (64:ff9b::/96) and the old "compatible"
# form (::/96). Such an address is as public as the IPv4 address inside it.
_LAST_32_BITS_IPV4 = tuple(
    ipaddress.IPv6Network(network) for network in ("::ffff:0:0/96", "::ffff:0:0:0/96", "64:ff9b::/96", "::/96")
)
# NAT64 for a network's own use (RFC 8215): where the IPv4 address sits is the operator's choice,
# and it leads into that network anyway.
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") is link-local anyway
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _LOCAL_NAT64:
            return False
        embedded = ip.sixtofour  # 2002::/16, 6to4
        if embedded is None and any(ip in network for network in _LAST_32_BITS_IPV4):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    return ip.is_global and not ip.is_multicast
