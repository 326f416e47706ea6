"""emit() through the real actions: one delivery per matching subscription, written in the
action's transaction (a rolled-back action leaves none), only for the entity's own subscribers,
and payloads with references, never personal data."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tahawul.applications import actions
from tahawul.catalog.models import Entity
from tahawul.feedback.cases import close_case, reopen_case, route_case
from tahawul.identity.models import User
from tahawul.webhooks.actions import pause_subscription
from tahawul.webhooks.emitting import emit
from tahawul.webhooks.models import Delivery, DeliveryStatus, Subscription, WebhookEvent
from tests.applications.conftest import Kit, make_beneficiary, make_staff
from tests.feedback.conftest import EVENT_PERMIT, PASSPORT, file_case
from tests.webhooks.conftest import Clock, Receiver, admin_of, deliveries, subscribe

DELIVER = "tahawul.webhooks.tasks.deliver"


def queued(delivery: Delivery) -> list[DBTaskResult[Any, Any]]:
    return [
        result
        for result in DBTaskResult.objects.filter(task_path=DELIVER, status=TaskResultStatus.READY)
        if result.args_kwargs["args"] == [delivery.pk]
    ]


def bodies(subscription: Subscription) -> list[dict[str, Any]]:
    return [json.loads(delivery.body) for delivery in deliveries(subscription)]


def test_an_application_tells_its_entitys_subscribers_at_each_step(npra_admin: User, receiver: Receiver) -> None:
    everything = subscribe(npra_admin, receiver.url)
    only_certificates = subscribe(npra_admin, receiver.url, events=[WebhookEvent.CERTIFICATE_ISSUED])
    elsewhere = subscribe(admin_of("MOE"), receiver.url, entity="MOE")
    kit = Kit(applicant=make_beneficiary("applicant"))
    officer = make_staff(Entity.objects.get(code="NPRA")).officer

    application = kit.submitted(PASSPORT)
    for action in ("claim", "approve", "mark_printed", "hand_over"):
        application = actions.perform(application=application, actor=officer, action=action)

    sent = bodies(everything)
    assert [body["type"] for body in sent] == [
        "application.submitted",
        "application.state_changed",
        "application.state_changed",
        "application.state_changed",
        "certificate.issued",
        "application.state_changed",
    ]
    submitted, claimed, *_, certificate, handed_over = sent
    assert submitted["version"] == 1
    assert submitted["entity"] == "NPRA"
    assert submitted["occurred_at"].endswith("Z")
    assert submitted["data"] == {
        "reference": application.reference,
        "service": PASSPORT,
        "service_version": application.version.number,
        "channel": "web",
        "state": "submitted",
        "expected_by": application.expected_by.isoformat(),
    }
    assert (
        claimed["data"] | {"from_state": "submitted", "action": "claim", "state": "in_review", "outcome": None}
        == (claimed["data"])
    )
    # Not the number: the public verification page shows the holder's name for it.
    assert certificate["data"]["certificate"] == {"kind": "certificate"}
    assert application.certificate.number not in json.dumps(sent)
    assert (handed_over["data"]["state"], handed_over["data"]["outcome"]) == ("issued", "approved")
    assert [body["type"] for body in bodies(only_certificates)] == ["certificate.issued"]
    assert deliveries(elsewhere) == []  # MOE hears nothing of NPRA's applications
    # The same event has one id whatever the subscription, so receivers can recognise it.
    assert bodies(only_certificates)[0]["id"] == certificate["id"]
    # Each is queued to be sent, in the same transaction.
    assert all(len(queued(delivery)) == 1 for delivery in deliveries(everything))


def test_payloads_carry_no_personal_data(npra_admin: User, receiver: Receiver) -> None:
    subscription = subscribe(npra_admin, receiver.url)
    applicant = make_beneficiary("applicant")

    Kit(applicant=applicant).submitted(PASSPORT)

    [delivery] = deliveries(subscription)
    for personal in (applicant.name_en, applicant.name_ar, applicant.national_id, applicant.email, applicant.mobile):
        assert personal not in delivery.body


def test_a_rolled_back_action_leaves_no_delivery_and_nothing_queued(npra_admin: User, receiver: Receiver) -> None:
    subscription = subscribe(npra_admin, receiver.url)
    kit = Kit(applicant=make_beneficiary("applicant"))
    draft = kit.start(PASSPORT)
    kit.fill(draft)
    kit.pay(draft)
    before = DBTaskResult.objects.filter(task_path=DELIVER).count()

    with pytest.raises(RuntimeError), transaction.atomic():
        actions.submit(application=draft, actor=kit.applicant)
        assert len(deliveries(subscription)) == 1  # written inside the transaction...
        raise RuntimeError("the action fails after emitting")

    assert deliveries(subscription) == []  # ...and gone with it
    assert DBTaskResult.objects.filter(task_path=DELIVER).count() == before


def test_cases_are_heard_when_they_reach_the_entity_and_when_they_close(
    npra_admin: User, receiver: Receiver, settings: Any
) -> None:
    subscription = subscribe(npra_admin, receiver.url, events=[WebhookEvent.CASE_OPENED, WebhookEvent.CASE_CLOSED])
    npra = make_staff(Entity.objects.get(code="NPRA"))
    authority_officer = make_staff(Entity.objects.get(code=settings.TAHAWUL_AUTHORITY_ENTITY)).officer

    named = file_case(service_code=PASSPORT, contact_name="Mariam Saleh", contact_email="mariam@example.com")
    unrouted = file_case(description="Nobody answers the phone at the passport office.")
    assert [body["data"]["reference"] for body in bodies(subscription)] == [named.reference]  # not routed yet

    route_case(case=unrouted, actor=authority_officer, service_code=PASSPORT)
    close_case(case=named, actor=npra.officer, outcome="resolved")

    opened, routed, closed = bodies(subscription)
    assert (opened["type"], routed["type"], closed["type"]) == ("case.opened", "case.opened", "case.closed")
    assert opened["data"] == {
        "reference": named.reference,
        "kind": "complaint",
        "service": PASSPORT,
        "channel": "web",
        "status": "open",
        "channel_concerned": None,
        "due_at": opened["data"]["due_at"],
    }
    assert opened["data"]["due_at"].endswith("Z")
    assert routed["data"]["reference"] == unrouted.reference
    assert closed["data"]["outcome"] == "resolved"
    assert all(word not in delivery.body for delivery in deliveries(subscription) for word in ("Mariam", "mariam@"))


def test_a_case_routed_away_is_closed_for_the_entity_it_leaves_and_opened_where_it_goes(
    npra_admin: User, receiver: Receiver, settings: Any
) -> None:
    npra = subscribe(npra_admin, receiver.url, events=[WebhookEvent.CASE_OPENED, WebhookEvent.CASE_CLOSED])
    civdef = subscribe(admin_of("CIVDEF"), receiver.url, entity="CIVDEF")
    authority_officer = make_staff(Entity.objects.get(code=settings.TAHAWUL_AUTHORITY_ENTITY)).officer
    case = file_case(service_code=PASSPORT, description="The event permit office never called back.")

    route_case(case=case, actor=authority_officer, service_code=EVENT_PERMIT)

    opened, routed_away = bodies(npra)
    assert (opened["type"], routed_away["type"]) == ("case.opened", "case.closed")
    # For NPRA the case is over, as NPRA knew it; where it went is none of NPRA's business.
    assert routed_away["data"] == {
        "reference": case.reference,
        "kind": "complaint",
        "service": PASSPORT,
        "channel": "web",
        "status": "closed",
        "outcome": "routed_away",
    }
    assert "CIVDEF" not in deliveries(npra)[1].body
    [arrived] = bodies(civdef)
    assert (arrived["type"], arrived["entity"]) == ("case.opened", "CIVDEF")
    assert (arrived["data"]["reference"], arrived["data"]["service"], arrived["data"]["status"]) == (
        case.reference,
        EVENT_PERMIT,
        "open",
    )

    close_case(case=case, actor=make_staff(Entity.objects.get(code="CIVDEF")).officer, outcome="resolved")
    assert [body["type"] for body in bodies(civdef)] == ["case.opened", "case.closed"]
    assert len(deliveries(npra)) == 2  # NPRA hears nothing more of it


def test_a_reopened_case_is_opened_again_for_its_entity(npra_admin: User, receiver: Receiver, clock: Clock) -> None:
    subscription = subscribe(npra_admin, receiver.url, events=[WebhookEvent.CASE_OPENED, WebhookEvent.CASE_CLOSED])
    filer = make_beneficiary("filer")
    case = file_case(service_code=PASSPORT, filer=filer)
    close_case(case=case, actor=make_staff(Entity.objects.get(code="NPRA")).officer, outcome="resolved")
    clock.advance(timedelta(days=3))

    reopen_case(case=case, actor=filer, reason="The page still fails at the payment step.")

    opened, closed, reopened = bodies(subscription)
    assert [body["type"] for body in (opened, closed, reopened)] == ["case.opened", "case.closed", "case.opened"]
    assert reopened["data"]["reference"] == opened["data"]["reference"] == case.reference
    assert reopened["data"]["status"] == "open"
    assert reopened["data"]["due_at"] > opened["data"]["due_at"]  # the response clock started again
    assert reopened["id"] != opened["id"]  # another event, not a repeat of the first
    assert "payment step" not in deliveries(subscription)[2].body  # the reason is the beneficiary's
    assert all(len(queued(delivery)) == 1 for delivery in deliveries(subscription))


def test_a_paused_subscription_keeps_its_events_unsent_and_others_get_none(
    npra_admin: User, receiver: Receiver
) -> None:
    paused = pause_subscription(actor=npra_admin, subscription=subscribe(npra_admin, receiver.url))
    not_chosen = subscribe(npra_admin, receiver.url, events=[WebhookEvent.CASE_CLOSED])

    emit(event=WebhookEvent.APPLICATION_SUBMITTED, entity_id=paused.entity_id, payload=lambda: {"reference": "x"})

    [held] = deliveries(paused)
    assert held.status == DeliveryStatus.PENDING
    assert queued(held) == []  # held, not queued, until the subscription is resumed
    assert deliveries(not_chosen) == []


def test_an_event_nobody_listens_to_builds_no_payload(npra_admin: User, receiver: Receiver) -> None:
    subscribe(npra_admin, receiver.url, events=[WebhookEvent.CASE_CLOSED])

    def payload() -> dict[str, object]:
        raise AssertionError("built for nobody")

    assert (
        emit(event=WebhookEvent.APPLICATION_SUBMITTED, entity_id=Entity.objects.get(code="NPRA").pk, payload=payload)
        == []
    )
    with pytest.raises(ValueError, match="Unknown webhook event"):
        emit(event="application.exploded", entity_id=1, payload=payload)
