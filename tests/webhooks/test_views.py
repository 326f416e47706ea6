"""The entity admin's webhook pages, over HTTP in both languages: making a subscription (with
every mistake reported and nothing saved), the secret shown once and on request, rotation, pause,
resume, delete, a delivery's log and sending it again; and 404 for everyone else."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tahawul.catalog.models import Entity
from tahawul.identity.models import Role, User
from tahawul.webhooks.emitting import emit
from tahawul.webhooks.models import Delivery, DeliveryStatus, Subscription, SubscriptionStatus, WebhookEvent
from tahawul.webhooks.tasks import deliver
from tests.applications.conftest import give_role, make_user
from tests.webhooks.conftest import Receiver, admin_of, subscribe


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def office(path: str, language: str = "en") -> str:
    return f"/{language}/office/{path}"


def happen(subscription: Subscription) -> Delivery:
    emit(
        event=WebhookEvent.CASE_OPENED,
        entity_id=subscription.entity_id,
        payload=lambda: {"reference": "CS-2B9X-7KQM-4TRE", "kind": "complaint"},
    )
    return subscription.deliveries.latest("pk")


def test_an_entity_admin_makes_a_subscription_and_sees_its_secret_once(npra_admin: User, receiver: Receiver) -> None:
    client = signed_in(npra_admin)
    listing = client.get(office("NPRA/webhooks/"))
    assert listing.status_code == 200
    assert 'aria-current="page">Webhooks</a>' in listing.content.decode()

    refused = client.post(office("NPRA/webhooks/new/"), {"name": " ", "target_url": "ftp://example.org/x"})

    assert refused.status_code == 422
    page = refused.content.decode()
    for field in ("name", "target_url", "events"):
        assert f'href="#id_{field}"' in page  # the error summary links each problem to its field
    assert "Nothing was saved." in page
    assert not Subscription.objects.exists()

    made = client.post(
        office("NPRA/webhooks/new/"),
        {"name": "NPRA case system", "target_url": receiver.url, "events": ["case.opened", "case.closed"]},
    )

    subscription = Subscription.objects.get()
    assert made.status_code == 302 and made["Location"] == office(f"webhooks/{subscription.pk}/")
    assert (subscription.entity.code, subscription.events) == ("NPRA", ["case.opened", "case.closed"])
    first = client.get(made["Location"])
    assert subscription.secret in first.content.decode()
    assert "no-store" in first["Cache-Control"]
    assert subscription.secret not in client.get(made["Location"]).content.decode()  # once only
    assert subscription.secret not in client.get(office("NPRA/webhooks/")).content.decode()

    shown = client.post(office(f"webhooks/{subscription.pk}/do/"), {"do": "reveal"})

    assert shown.status_code == 200 and subscription.secret in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    assert list(subscription.history.values_list("action", flat=True)) == ["created", "secret_shown", "secret_shown"]


def test_a_new_secret_is_shown_and_the_old_one_still_signs_for_a_while(npra_admin: User, receiver: Receiver) -> None:
    client = signed_in(npra_admin)
    subscription = subscribe(npra_admin, receiver.url)
    old = subscription.secret

    rotated = client.post(office(f"webhooks/{subscription.pk}/do/"), {"do": "rotate"})

    subscription.refresh_from_db()
    page = client.get(rotated["Location"]).content.decode()
    assert subscription.secret != old and subscription.secret in page
    assert old not in page
    assert "signed with the previous secret until" in page
    assert subscription.signing_secrets() == [subscription.secret, old]


def test_pausing_resuming_and_deleting_from_the_subscriptions_page(npra_admin: User, receiver: Receiver) -> None:
    client = signed_in(npra_admin)
    subscription = subscribe(npra_admin, receiver.url)
    page = office(f"webhooks/{subscription.pk}/")

    client.post(page + "do/", {"do": "pause"})
    assert Subscription.objects.get(pk=subscription.pk).status == SubscriptionStatus.PAUSED
    assert "Resume the subscription" in client.get(page).content.decode()
    client.post(page + "do/", {"do": "resume"})
    assert Subscription.objects.get(pk=subscription.pk).status == SubscriptionStatus.ACTIVE
    assert client.post(page + "do/", {"do": "explode"}).status_code == 400

    waiting = happen(subscription)
    assert "Delete the subscription" in client.get(page + "delete/").content.decode()  # it asks first
    deleted = client.post(page + "delete/")

    assert deleted["Location"] == office("NPRA/webhooks/")
    gone = Subscription.objects.get(pk=subscription.pk)
    assert (gone.status, gone.secret) == (SubscriptionStatus.DELETED, "")
    assert Delivery.objects.get(pk=waiting.pk).status == DeliveryStatus.CANCELLED
    assert deliver.call(waiting.pk) == "skipped"
    assert client.get(page).status_code == 404
    assert receiver.requests == []


def test_a_failed_delivery_is_read_and_sent_again_from_the_back_office(
    npra_admin: User, receiver: Receiver, settings: Any
) -> None:
    settings.TAHAWUL_WEBHOOKS_MAX_ATTEMPTS = 1
    receiver.answer_with(500)
    client = signed_in(npra_admin)
    subscription = subscribe(npra_admin, receiver.url)
    delivery = happen(subscription)
    assert deliver.call(delivery.pk) == "failed"
    page = office(f"webhooks/deliveries/{delivery.pk}/")

    log = client.get(page).content.decode()
    assert "Gave up" in log and ">500<" in log and "Internal trouble" in log
    assert "CS-2B9X-7KQM-4TRE" in log  # the payload as sent
    assert ">500<" in client.get(office(f"webhooks/{subscription.pk}/")).content.decode()

    again = client.post(page)

    assert again.status_code == 302
    assert deliver.call(delivery.pk) == "delivered"
    assert [request.headers["Tahawul-Event-Id"] for request in receiver.requests] == [str(delivery.event_id)] * 2
    assert subscription.history.filter(action="delivery_retried", actor=npra_admin).exists()
    assert "Delivered" in client.get(page).content.decode()


def test_a_delivery_is_not_sent_again_while_waiting_or_paused(npra_admin: User, receiver: Receiver) -> None:
    client = signed_in(npra_admin)
    subscription = subscribe(npra_admin, receiver.url)
    waiting = happen(subscription)
    page = office(f"webhooks/deliveries/{waiting.pk}/")

    refused = client.post(page)
    assert refused.status_code == 409
    assert "still waiting to be sent" in refused.content.decode()

    assert deliver.call(waiting.pk) == "delivered"
    client.post(office(f"webhooks/{subscription.pk}/do/"), {"do": "pause"})
    paused = client.post(page)
    assert paused.status_code == 409
    assert "Resume it to send its deliveries." in paused.content.decode()
    assert Delivery.objects.get(pk=waiting.pk).status == DeliveryStatus.DELIVERED
    assert len(receiver.requests) == 1


def test_nobody_but_the_entitys_admins_reaches_its_webhooks(npra_admin: User, receiver: Receiver) -> None:
    subscription = subscribe(npra_admin, receiver.url)
    delivery = happen(subscription)
    npra = Entity.objects.get(code="NPRA")
    outsiders = [
        admin_of("MOE"),
        give_role(make_user("npra-officer"), npra, Role.OFFICER),
        give_role(make_user("npra-supervisor"), npra, Role.SUPERVISOR),
    ]
    pages = [
        office("NPRA/webhooks/"),
        office("NPRA/webhooks/new/"),
        office(f"webhooks/{subscription.pk}/"),
        office(f"webhooks/{subscription.pk}/delete/"),
        office(f"webhooks/deliveries/{delivery.pk}/"),
    ]

    for outsider in outsiders:
        client = signed_in(outsider)
        for url in pages:
            assert client.get(url).status_code == 404, (outsider, url)
        assert client.post(office(f"webhooks/{subscription.pk}/do/"), {"do": "pause"}).status_code == 404
        assert client.post(office(f"webhooks/{subscription.pk}/do/"), {"do": "reveal"}).status_code == 404
        assert client.post(office(f"webhooks/deliveries/{delivery.pk}/")).status_code == 404
        assert "Webhooks" not in client.get(office("NPRA/cases/")).content.decode()
    assert Client().get(pages[2]).status_code == 302  # to the sign-in page
    assert Subscription.objects.get(pk=subscription.pk).status == SubscriptionStatus.ACTIVE
    assert not subscription.history.filter(action="secret_shown").exists()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_pages_read_in_arabic_and_english(npra_admin: User, receiver: Receiver, language: str) -> None:
    client = signed_in(npra_admin)
    subscription = subscribe(npra_admin, receiver.url)
    delivery = happen(subscription)
    direction = "rtl" if language == "ar" else "ltr"

    for path in (
        "NPRA/webhooks/",
        "NPRA/webhooks/new/",
        f"webhooks/{subscription.pk}/",
        f"webhooks/{subscription.pk}/delete/",
        f"webhooks/deliveries/{delivery.pk}/",
    ):
        response = client.get(office(path, language))
        page = response.content.decode()
        assert response.status_code == 200
        assert re.search(rf'<html lang="{language}" dir="{direction}"', page), path
        assert len(re.findall(r"<h1[ >]", page)) == 1, path
    form = client.get(office("NPRA/webhooks/new/", language)).content.decode()
    for field in ("name", "target_url", "integrator"):
        assert f'<label for="id_{field}">' in form
    assert "<legend>" in form and 'type="checkbox" id="id_events"' in form
