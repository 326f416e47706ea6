"""Where a subscription may send: checked when it is made (and again before every attempt, see
test_delivery). In production only public https addresses; a clear error otherwise, nothing saved."""

from __future__ import annotations

from typing import Any

import pytest

from tahawul.identity.models import User
from tahawul.webhooks.errors import InvalidSubscription
from tahawul.webhooks.models import Subscription
from tests.webhooks.conftest import subscribe

PRIVATE = [
    "http://127.0.0.1:8000/events",
    "http://localhost/events",
    "http://10.20.30.40/events",
    "http://172.16.0.9/events",
    "http://192.168.1.1/events",
    "http://169.254.169.254/latest/meta-data/",  # where cloud metadata services answer
    "http://100.64.0.1/events",  # carrier-grade NAT, not the internet
    "http://0.0.0.0/events",
    "http://[::1]/events",
    "http://[fd00::1]/events",
    "http://[::ffff:127.0.0.1]/events",  # loopback written as IPv6
    "http://224.0.0.1/events",
]


def refusal(admin: User, url: str) -> str:
    with pytest.raises(InvalidSubscription) as refused:
        subscribe(admin, url)
    assert not Subscription.objects.exists()
    return refused.value.errors["target_url"].en


@pytest.mark.parametrize("url", PRIVATE)
def test_in_production_an_address_inside_a_private_network_is_refused(
    npra_admin: User, settings: Any, url: str
) -> None:
    settings.TAHAWUL_WEBHOOKS_PRIVATE_TARGETS = False

    assert refusal(npra_admin, url) == (
        "This address leads into a private network. Webhooks go only to public addresses."
    )


# IPv6 addresses that carry an inside IPv4 address, and reach it.
IPV4_INSIDE_IPV6 = [
    "http://[::ffff:0:a9fe:a9fe]/latest/meta-data/",  # IPv4-translated 169.254.169.254
    "http://[64:ff9b::a00:1]/events",  # NAT64 of 10.0.0.1
    "http://[64:ff9b::7f00:1]/events",  # NAT64 of 127.0.0.1
    "http://[2002:c0a8:101::1]/events",  # 6to4 of 192.168.1.1
    "http://[2002:a9fe:a9fe::]/events",  # 6to4 of 169.254.169.254
    "http://[::a00:1]/events",  # IPv4-compatible 10.0.0.1
    "http://[::7f00:1]/events",  # IPv4-compatible 127.0.0.1
    "http://[64:ff9b:1::5db8:d70e]/events",  # a network's own NAT64 leads into it, whatever it carries
]


@pytest.mark.parametrize("url", IPV4_INSIDE_IPV6)
def test_in_production_an_ipv6_address_carrying_an_inside_ipv4_address_is_refused(
    npra_admin: User, settings: Any, url: str
) -> None:
    settings.TAHAWUL_WEBHOOKS_PRIVATE_TARGETS = False

    assert refusal(npra_admin, url) == (
        "This address leads into a private network. Webhooks go only to public addresses."
    )


@pytest.mark.parametrize("url", ["https://[64:ff9b::5db8:d70e]/events", "https://[2002:5db8:d70e::1]/events"])
def test_an_ipv6_address_carrying_a_public_ipv4_address_is_accepted(npra_admin: User, settings: Any, url: str) -> None:
    settings.TAHAWUL_WEBHOOKS_PRIVATE_TARGETS = False  # NAT64 and 6to4 of 93.184.215.14: judged by it

    assert subscribe(npra_admin, url).target_url == url


def test_a_public_address_is_accepted(npra_admin: User, settings: Any) -> None:
    settings.TAHAWUL_WEBHOOKS_PRIVATE_TARGETS = False
    settings.TAHAWUL_WEBHOOKS_HTTPS_ONLY = True

    subscription = subscribe(npra_admin, "https://93.184.215.14/tahawul/events?source=npra")

    assert subscription.target_url == "https://93.184.215.14/tahawul/events?source=npra"


def test_in_production_plain_http_is_refused(npra_admin: User, settings: Any) -> None:
    settings.TAHAWUL_WEBHOOKS_HTTPS_ONLY = True

    assert refusal(npra_admin, "http://93.184.215.14/events") == (
        "The address must start with https://: deliveries are only sent encrypted."
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Give the full address of your receiver"),
        ("crm.example.bh/events", "Give the full address of your receiver"),
        ("ftp://93.184.215.14/events", "Give the full address of your receiver"),
        ("https://user:password@93.184.215.14/events", "Leave names and passwords out of the address"),
        ("https://93.184.215.14:99999/events", "The port number in the address is not valid."),
        ("https://93.184.215.14/events#top", "Leave the part after # out of the address."),
        ("https://no-such-host.invalid/events", "We could not find this address."),
        ("https://93.184.215.14/" + "x" * 500, "Give the full address of your receiver"),
        ("https://وزارة.example/events", "Write the address in Latin letters"),
        ("https://93.184.215.14/الأحداث", "Write the address in Latin letters"),
        ("https://93.184.215.14/a b", "Write the address in Latin letters"),
        ("https://93.184.215.14/\x00", "Write the address in Latin letters"),
    ],
)
def test_an_address_that_cannot_be_used_says_why(npra_admin: User, url: str, message: str) -> None:
    assert refusal(npra_admin, url).startswith(message)


def test_every_mistake_is_reported_at_once(npra_admin: User) -> None:
    with pytest.raises(InvalidSubscription) as refused:
        subscribe(npra_admin, "ftp://x", events=["application.exploded"], name="", integrator_id=999_999)

    assert set(refused.value.errors) == {"name", "target_url", "events", "integrator"}
    assert all(message.ar and message.en for message in refused.value.errors.values())  # both languages
