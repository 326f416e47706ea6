"""The hourly limits on sign-in codes, per national ID number and per kiosk, through the real
sign-in functions, including two requests at the same moment."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import OperationalError, connection, connections
from django.utils import timezone

from tahawul.identity.models import User
from tahawul.kiosks import sign_in
from tahawul.kiosks.errors import KioskCodesUsedUp, TooManyCodes
from tahawul.kiosks.models import HourlyCount, Kiosk, SignInChallenge
from tahawul.kiosks.registry import CentreInput, register_centre, register_kiosk
from tahawul.notifications.models import Notification
from tests.applications.conftest import make_beneficiary

# Twenty minutes into a clock hour, so that "later in the same hour" stays in it.
NOW = datetime(2026, 3, 1, 9, 20, tzinfo=UTC)


def sms_sent_to(person: User) -> int:
    return Notification.objects.filter(event="kiosk_sign_in_code", to_address=person.mobile).count()


@pytest.mark.django_db
def test_codes_for_one_number_stop_at_the_limit_and_come_back_the_next_clock_hour(kiosk: Kiosk, settings: Any) -> None:
    person = make_beneficiary()
    number = person.national_id or ""
    first = sign_in.request_sign_in_code(kiosk=kiosk, national_id=number, now=NOW)
    sign_in.resend_sign_in_code(kiosk=kiosk, token=first.token, now=NOW)  # a new code counts as a code
    for _ in range(settings.TAHAWUL_KIOSK_CODES_PER_HOUR - 2):
        sign_in.request_sign_in_code(kiosk=kiosk, national_id=number, now=NOW)

    with pytest.raises(TooManyCodes) as refused:
        sign_in.request_sign_in_code(kiosk=kiosk, national_id=number, now=NOW + timedelta(minutes=39))
    assert not isinstance(refused.value, KioskCodesUsedUp)  # the answer names the number, not the kiosk
    latest = SignInChallenge.objects.latest("pk")
    with pytest.raises(TooManyCodes):
        sign_in.resend_sign_in_code(kiosk=kiosk, token=latest.token, now=NOW)
    assert sms_sent_to(person) == settings.TAHAWUL_KIOSK_CODES_PER_HOUR

    next_hour = NOW.replace(minute=0) + timedelta(hours=1)
    sign_in.request_sign_in_code(kiosk=kiosk, national_id=number, now=next_hour)
    assert sms_sent_to(person) == settings.TAHAWUL_KIOSK_CODES_PER_HOUR + 1


@pytest.mark.django_db
def test_a_refused_code_does_not_use_up_the_other_allowance(kiosk: Kiosk, settings: Any) -> None:
    settings.TAHAWUL_KIOSK_CODES_PER_HOUR = 1
    settings.TAHAWUL_KIOSK_CODES_PER_KIOSK_PER_HOUR = 2
    sign_in.request_sign_in_code(kiosk=kiosk, national_id="111222333", now=NOW)
    for _ in range(3):  # refused for the number: the kiosk's allowance is not spent on them
        with pytest.raises(TooManyCodes):
            sign_in.request_sign_in_code(kiosk=kiosk, national_id="111222333", now=NOW)
    person = make_beneficiary()
    sign_in.request_sign_in_code(kiosk=kiosk, national_id=person.national_id or "", now=NOW)
    assert sms_sent_to(person) == 1


@pytest.mark.django_db
def test_one_kiosk_sends_at_most_its_hourly_codes_whatever_the_numbers(kiosk: Kiosk, settings: Any) -> None:
    settings.TAHAWUL_KIOSK_CODES_PER_KIOSK_PER_HOUR = 4
    people = [make_beneficiary() for _ in range(3)]
    first = sign_in.request_sign_in_code(kiosk=kiosk, national_id=people[0].national_id or "", now=NOW)
    sign_in.request_sign_in_code(kiosk=kiosk, national_id="111222333", now=NOW)  # unknown numbers count too
    sign_in.resend_sign_in_code(kiosk=kiosk, token=first.token, now=NOW)
    sign_in.request_sign_in_code(kiosk=kiosk, national_id=people[1].national_id or "", now=NOW)

    with pytest.raises(KioskCodesUsedUp) as refused:
        sign_in.request_sign_in_code(kiosk=kiosk, national_id=people[2].national_id or "", now=NOW)
    assert refused.value.message != TooManyCodes.message  # says it is the kiosk's limit, not the number's
    with pytest.raises(KioskCodesUsedUp):  # the same answer for a number nobody holds
        sign_in.request_sign_in_code(kiosk=kiosk, national_id="444555666", now=NOW)
    with pytest.raises(KioskCodesUsedUp):
        sign_in.resend_sign_in_code(kiosk=kiosk, token=first.token, now=NOW)
    assert sms_sent_to(people[2]) == 0

    other = register_kiosk(actor=None, centre=kiosk.centre, code="K-OTHER")  # another kiosk has its own
    sign_in.request_sign_in_code(kiosk=other, national_id=people[2].national_id or "", now=NOW)
    sign_in.request_sign_in_code(kiosk=kiosk, national_id=people[2].national_id or "", now=NOW + timedelta(hours=1))
    assert sms_sent_to(people[2]) == 2


@pytest.mark.django_db
def test_old_hourly_counts_are_purged_with_the_challenges(kiosk: Kiosk) -> None:
    now = timezone.now()
    sign_in.request_sign_in_code(kiosk=kiosk, national_id="111222333", now=now - timedelta(days=2))
    sign_in.request_sign_in_code(kiosk=kiosk, national_id="111222333", now=now - timedelta(hours=3))
    sign_in.request_sign_in_code(kiosk=kiosk, national_id="111222333", now=now)
    assert HourlyCount.objects.count() == 6  # the number's and the kiosk's, for three hours

    sign_in.purge_sign_in_challenges(now=now)
    kept = sorted(set(HourlyCount.objects.values_list("hour", flat=True)))
    hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    assert kept == [hour - timedelta(hours=3), hour]
    assert HourlyCount.objects.count() == 4


# Two requests at the same moment. Each thread has its own database connection, so the rows must be
# committed for the other to see them: a transactional test. It makes its own centre, kiosk and
# person, since a transactional test before it may have emptied the database.


def _waiting_like_busy_timeout(call: Callable[[], object]) -> None:
    """Call ``call``; on SQLite, wait for the other writer as the file database does.

    The file database waits for the write lock (``busy_timeout``); the test database is an
    in-memory one with a shared cache, where BEGIN IMMEDIATE fails at once with "database table is
    locked" instead, before anything is done. Trying again is that wait.
    """
    deadline = time.monotonic() + 10
    while True:
        try:
            call()
            return
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _at_the_same_time(
    first: Callable[[], object], second: Callable[[], object], monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """Run ``first`` and, while its transaction is still open after taking its allowance, ``second``;
    returns how each ended: "sent", or the error's name."""
    inside = threading.Event()
    real_send = sign_in._send

    def slow_send(user: User, code: str) -> None:
        real_send(user, code)
        if threading.current_thread().name == "first":
            inside.set()
            time.sleep(0.5)  # time for the second request to reach the limit while this one is open

    outcomes: dict[str, str] = {}

    def run(name: str, call: Callable[[], object]) -> None:
        try:
            _waiting_like_busy_timeout(call)
            outcomes[name] = "sent"
        except Exception as error:  # whatever it is, the test compares its name
            outcomes[name] = type(error).__name__
        finally:
            inside.set()
            connections.close_all()

    monkeypatch.setattr(sign_in, "_send", slow_send)
    threads = [
        threading.Thread(target=run, name="first", args=("first", first)),
        threading.Thread(target=run, name="second", args=("second", second)),
    ]
    threads[0].start()
    assert inside.wait(timeout=30)
    threads[1].start()
    for thread in threads:
        thread.join(timeout=60)
    return [outcomes.get("first", "hung"), outcomes.get("second", "hung")]


@pytest.fixture
def own_kiosk(transactional_db: None) -> Kiosk:
    values = CentreInput(code="RACE", name_ar="مركز السباق", name_en="Race centre", entity_code="")
    centre = register_centre(actor=None, values=values)
    return register_kiosk(actor=None, centre=centre, code="K-RACE")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("already_sent", [0, 2], ids=["first-code", "after-two"])
def test_two_requests_at_once_cannot_both_take_the_last_code_for_a_number(
    own_kiosk: Kiosk, settings: Any, monkeypatch: pytest.MonkeyPatch, already_sent: int
) -> None:
    settings.TAHAWUL_KIOSK_CODES_PER_HOUR = already_sent + 1
    person = make_beneficiary()
    number = person.national_id or ""
    for _ in range(already_sent):
        sign_in.request_sign_in_code(kiosk=own_kiosk, national_id=number)

    def request() -> object:
        return sign_in.request_sign_in_code(kiosk=own_kiosk, national_id=number)

    assert _at_the_same_time(request, request, monkeypatch) == ["sent", "TooManyCodes"]
    assert sms_sent_to(person) == already_sent + 1
    assert SignInChallenge.objects.filter(kiosk=own_kiosk).count() == already_sent + 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_cannot_both_take_the_last_code_of_a_kiosk(
    own_kiosk: Kiosk, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TAHAWUL_KIOSK_CODES_PER_KIOSK_PER_HOUR = 2
    people = [make_beneficiary() for _ in range(3)]
    sign_in.request_sign_in_code(kiosk=own_kiosk, national_id=people[0].national_id or "")

    def request_for(person: User) -> Callable[[], object]:
        return lambda: sign_in.request_sign_in_code(kiosk=own_kiosk, national_id=person.national_id or "")

    outcomes = _at_the_same_time(request_for(people[1]), request_for(people[2]), monkeypatch)
    assert outcomes == ["sent", "KioskCodesUsedUp"]
    assert [sms_sent_to(person) for person in people] == [1, 1, 0]
