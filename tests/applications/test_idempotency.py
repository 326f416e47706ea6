"""Idempotency-Key handling: a retried request gets the first answer and never does the work twice."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import IntegrityError

from tahawul.applications import actions
from tahawul.applications.errors import IdempotencyConflict
from tahawul.applications.idempotency import Response, once
from tahawul.applications.models import Application, IdempotencyRecord
from tahawul.core.choices import Channel
from tahawul.identity.models import User
from tests.applications.conftest import Kit, make_beneficiary

SERVICE = "MOE-SCHOOL-TRANSFER"
PAYLOAD = {"service": SERVICE, "channel": "web"}


class Counted:
    """A request handler that counts how often it really ran."""

    def __init__(self, response: Response) -> None:
        self.response = response
        self.calls = 0

    def __call__(self) -> Response:
        self.calls += 1
        return self.response


@pytest.fixture
def user(db: None) -> User:
    return make_beneficiary()


def test_the_first_request_runs_and_its_answer_is_kept(user: User) -> None:
    run = Counted((201, {"reference": "TH-AAAA-BBBB-CCCC"}))
    response, replayed = once(user=user, key="k-1", payload=PAYLOAD, run=run)
    assert (response, replayed, run.calls) == ((201, {"reference": "TH-AAAA-BBBB-CCCC"}), False, 1)
    record = IdempotencyRecord.objects.get(user=user, key="k-1")
    assert (record.status, record.body) == (201, {"reference": "TH-AAAA-BBBB-CCCC"})


def test_a_retry_gets_the_same_answer(user: User) -> None:
    run = Counted((201, {"reference": "TH-AAAA-BBBB-CCCC", "items": [1, 2]}))
    first, _ = once(user=user, key="k-1", payload=PAYLOAD, run=run)
    run.response = (201, {"reference": "TH-DDDD-EEEE-FFFF"})  # what a second run would answer
    # The same request, its keys in another order.
    again, replayed = once(user=user, key="k-1", payload=dict(reversed(list(PAYLOAD.items()))), run=run)
    assert replayed and again == first
    assert IdempotencyRecord.objects.filter(user=user, key="k-1").count() == 1


def test_a_retry_does_not_run_the_request_again(user: User) -> None:
    run = Counted((201, {"n": 1}))
    once(user=user, key="k-1", payload=PAYLOAD, run=run)
    once(user=user, key="k-1", payload=PAYLOAD, run=run)
    with pytest.raises(IdempotencyConflict):
        once(user=user, key="k-1", payload={**PAYLOAD, "channel": "mobile"}, run=run)
    assert run.calls == 1


def test_the_same_key_with_another_request_is_refused(kit: Kit) -> None:
    def start(channel: str) -> Callable[[], Response]:
        def run() -> Response:
            application = actions.start_application(applicant=kit.applicant, service_code=SERVICE, channel=channel)
            return 201, {"reference": application.reference}

        return run

    first, _ = once(user=kit.applicant, key="k-1", payload=PAYLOAD, run=start(Channel.WEB))
    with pytest.raises(IdempotencyConflict) as refused:
        once(user=kit.applicant, key="k-1", payload={**PAYLOAD, "channel": "mobile"}, run=start(Channel.MOBILE))
    assert refused.value.status == 422
    assert IdempotencyRecord.objects.get(user=kit.applicant, key="k-1").body == first[1]
    # Nothing of the refused request is kept.
    assert list(Application.objects.filter(applicant=kit.applicant).values_list("channel", flat=True)) == ["web"]


def test_keys_belong_to_one_user(user: User) -> None:
    someone_else = make_beneficiary()
    run = Counted((201, {"n": 1}))
    once(user=user, key="k-1", payload=PAYLOAD, run=run)
    _, replayed = once(user=someone_else, key="k-1", payload=PAYLOAD, run=run)
    assert not replayed and run.calls == 2


@pytest.mark.parametrize("error", [ValueError("boom"), IntegrityError("unrelated constraint")])
def test_a_request_that_fails_stores_nothing_and_may_be_retried(user: User, error: Exception) -> None:
    def failing() -> Response:
        raise error

    with pytest.raises(type(error)):
        once(user=user, key="k-1", payload=PAYLOAD, run=failing)
    assert not IdempotencyRecord.objects.filter(user=user).exists()
    run = Counted((201, {"n": 2}))
    assert once(user=user, key="k-1", payload=PAYLOAD, run=run) == ((201, {"n": 2}), False)


def test_a_retried_start_makes_one_application_and_a_failed_one_none(kit: Kit) -> None:
    def start() -> Response:
        application = actions.start_application(applicant=kit.applicant, service_code=SERVICE, channel=Channel.WEB)
        return 201, {"reference": application.reference}

    first, _ = once(user=kit.applicant, key="start-1", payload=PAYLOAD, run=start)
    again, replayed = once(user=kit.applicant, key="start-1", payload=PAYLOAD, run=start)
    assert replayed and again == first
    assert list(Application.objects.filter(applicant=kit.applicant).values_list("reference", flat=True)) == [
        first[1]["reference"]
    ]

    def start_then_crash() -> Response:
        start()
        raise RuntimeError("the connection dropped before answering")

    with pytest.raises(RuntimeError):
        once(user=kit.applicant, key="start-2", payload=PAYLOAD, run=start_then_crash)
    # The record and the application are one transaction: neither is left behind.
    assert Application.objects.filter(applicant=kit.applicant).count() == 1
    assert not IdempotencyRecord.objects.filter(key="start-2").exists()
