"""Signing in on a kiosk with a national ID number and a one-time code sent by SMS."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Model
from django.utils import timezone

from tahawul.identity.models import User
from tahawul.kiosks import sign_in
from tahawul.kiosks.errors import CodeExpired, InvalidCode, InvalidNationalId, TooManyCodes
from tahawul.kiosks.models import HourlyCount, Kiosk, SignInChallenge
from tahawul.kiosks.registry import register_kiosk
from tahawul.notifications.models import Notification
from tests.applications.conftest import make_beneficiary

pytestmark = pytest.mark.django_db


def sent_codes(person: User) -> list[str]:
    """The codes the outbox holds for ``person``'s mobile, oldest first, as the SMS reads them."""
    bodies = Notification.objects.filter(event="kiosk_sign_in_code", to_address=person.mobile).order_by("pk")
    return [re.search(r"\b(\d{6})\b", body).group(1) for body in bodies.values_list("body", flat=True)]  # type: ignore[union-attr]


def row_values(row: Model) -> set[str]:
    return {str(value) for value in row.__dict__.values()}


def test_the_code_goes_by_sms_only_and_signs_in_once(kiosk: Kiosk) -> None:
    person = make_beneficiary()
    challenge = sign_in.request_sign_in_code(kiosk=kiosk, national_id=f" {person.national_id} ")
    message = Notification.objects.get(event="kiosk_sign_in_code")
    assert (message.channel, message.to_address, message.recipient) == ("sms", person.mobile, None)  # never by email
    [code] = sent_codes(person)

    assert sign_in.verify_sign_in_code(kiosk=kiosk, token=challenge.token, code=code) == person
    with pytest.raises(CodeExpired):
        sign_in.verify_sign_in_code(kiosk=kiosk, token=challenge.token, code=code)


def test_the_code_and_the_national_id_are_kept_only_as_keyed_hashes(kiosk: Kiosk) -> None:
    person = make_beneficiary()
    challenge = sign_in.request_sign_in_code(kiosk=kiosk, national_id=person.national_id or "")
    [code] = sent_codes(person)
    stored = row_values(SignInChallenge.objects.get(pk=challenge.pk))
    for count in HourlyCount.objects.all():  # the hourly counts too
        stored |= row_values(count)
    assert not any(code in value or (person.national_id or "") in value for value in stored)
    assert len(challenge.code_digest) == 64


def test_arabic_digits_typed_on_a_keyboard_are_read(kiosk: Kiosk) -> None:
    person = make_beneficiary()
    arabic = (person.national_id or "").translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    challenge = sign_in.request_sign_in_code(kiosk=kiosk, national_id=arabic)
    [code] = sent_codes(person)
    typed = code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert sign_in.verify_sign_in_code(kiosk=kiosk, token=challenge.token, code=typed) == person


@pytest.mark.parametrize("number", ["", "12345678", "1234567890", "ABCDEFGHI"])
def test_a_national_id_must_have_nine_digits(kiosk: Kiosk, number: str) -> None:
    with pytest.raises(InvalidNationalId):
        sign_in.request_sign_in_code(kiosk=kiosk, national_id=number)
    assert not SignInChallenge.objects.exists()


def test_the_code_expires(kiosk: Kiosk, settings: Any) -> None:
    person = make_beneficiary()
    now = timezone.now()
    challenge = sign_in.request_sign_in_code(kiosk=kiosk, national_id=person.national_id or "", now=now)
    [code] = sent_codes(person)
    later = now + timedelta(minutes=settings.TAHAWUL_KIOSK_CODE_MINUTES)
    with pytest.raises(CodeExpired):
        sign_in.verify_sign_in_code(kiosk=kiosk, token=challenge.token, code=code, now=later)


def test_wrong_tries_are_counted_and_spend_the_challenge(kiosk: Kiosk, settings: Any) -> None:
    person = make_beneficiary()
    challenge = sign_in.request_sign_in_code(kiosk=kiosk, national_id=person.national_id or "")
    [code] = sent_codes(person)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    with pytest.raises(InvalidCode):
        sign_in.verify_sign_in_code(kiosk=kiosk, token=challenge.token, code="12")  # a slip, not a guess
    for _ in range(settings.TAHAWUL_KIOSK_CODE_ATTEMPTS - 1):
        with pytest.raises(InvalidCode):
            sign_in.verify_sign_in_code(kiosk=kiosk, token=challenge.token, code=wrong)
    challenge.refresh_from_db()
    assert challenge.attempts == settings.TAHAWUL_KIOSK_CODE_ATTEMPTS - 1  # kept though each call failed
    with pytest.raises(CodeExpired):  # the last try spends it
        sign_in.verify_sign_in_code(kiosk=kiosk, token=challenge.token, code=wrong)
    with pytest.raises(CodeExpired):  # even the right code is now refused
        sign_in.verify_sign_in_code(kiosk=kiosk, token=challenge.token, code=code)
    with pytest.raises(CodeExpired):
        sign_in.resend_sign_in_code(kiosk=kiosk, token=challenge.token)


def test_a_new_code_replaces_the_last_and_resends_are_limited(kiosk: Kiosk, settings: Any) -> None:
    person = make_beneficiary()
    challenge = sign_in.request_sign_in_code(kiosk=kiosk, national_id=person.national_id or "")
    for _ in range(settings.TAHAWUL_KIOSK_CODE_RESENDS):
        sign_in.resend_sign_in_code(kiosk=kiosk, token=challenge.token)
    with pytest.raises(TooManyCodes):
        sign_in.resend_sign_in_code(kiosk=kiosk, token=challenge.token)
    codes = sent_codes(person)
    assert len(codes) == 1 + settings.TAHAWUL_KIOSK_CODE_RESENDS
    if codes[0] != codes[-1]:  # one chance in a million that two random codes are the same
        with pytest.raises(InvalidCode):
            sign_in.verify_sign_in_code(kiosk=kiosk, token=challenge.token, code=codes[0])
    assert sign_in.verify_sign_in_code(kiosk=kiosk, token=challenge.token, code=codes[-1]) == person


def test_a_code_works_only_on_the_kiosk_that_asked_for_it(kiosk: Kiosk) -> None:
    person = make_beneficiary()
    other = register_kiosk(actor=None, centre=kiosk.centre, code="K-OTHER")
    challenge = sign_in.request_sign_in_code(kiosk=kiosk, national_id=person.national_id or "")
    [code] = sent_codes(person)
    with pytest.raises(CodeExpired):
        sign_in.verify_sign_in_code(kiosk=other, token=challenge.token, code=code)
    assert sign_in.verify_sign_in_code(kiosk=kiosk, token=challenge.token, code=code) == person


def test_an_unknown_number_gets_the_same_answer_and_the_same_limits(kiosk: Kiosk, settings: Any) -> None:
    known = make_beneficiary()
    no_mobile = make_beneficiary()
    User.objects.filter(pk=no_mobile.pk).update(mobile="")
    now = timezone.now().replace(minute=0)  # all in one clock hour, the window the limit counts in
    answers = [
        sign_in.request_sign_in_code(kiosk=kiosk, national_id=number, now=now)
        for number in (known.national_id or "", no_mobile.national_id or "", "111222333")
    ]
    assert all(isinstance(answer, SignInChallenge) and answer.sends == 1 for answer in answers)
    assert Notification.objects.filter(event="kiosk_sign_in_code").count() == 1  # only the real account's mobile
    with pytest.raises(InvalidCode):  # a code nobody received: every guess is simply wrong
        sign_in.verify_sign_in_code(kiosk=kiosk, token=answers[2].token, code="123456", now=now)

    for _ in range(settings.TAHAWUL_KIOSK_CODES_PER_HOUR - 1):
        sign_in.request_sign_in_code(kiosk=kiosk, national_id="111222333", now=now)
    with pytest.raises(TooManyCodes):
        sign_in.request_sign_in_code(kiosk=kiosk, national_id="111222333", now=now)


def test_codes_for_one_number_are_limited_per_hour_across_kiosks(kiosk: Kiosk, settings: Any) -> None:
    person = make_beneficiary()
    other = register_kiosk(actor=None, centre=kiosk.centre, code="K-OTHER")
    now = timezone.now().replace(minute=0)
    for index in range(settings.TAHAWUL_KIOSK_CODES_PER_HOUR):
        sign_in.request_sign_in_code(kiosk=(kiosk, other)[index % 2], national_id=person.national_id or "", now=now)
    with pytest.raises(TooManyCodes):
        sign_in.request_sign_in_code(kiosk=kiosk, national_id=person.national_id or "", now=now)
    assert sign_in.request_sign_in_code(kiosk=kiosk, national_id=person.national_id or "", now=now + timedelta(hours=1))


def test_old_challenges_are_purged(kiosk: Kiosk) -> None:
    person = make_beneficiary()
    now = timezone.now()
    old = sign_in.request_sign_in_code(kiosk=kiosk, national_id=person.national_id or "", now=now - timedelta(days=2))
    fresh = sign_in.request_sign_in_code(kiosk=kiosk, national_id=person.national_id or "", now=now)
    assert sign_in.purge_sign_in_challenges(now=now) == 1
    assert list(SignInChallenge.objects.filter(pk__in=[old.pk, fresh.pk])) == [fresh]
    assert sign_in.purge_sign_in_challenges(now=now) == 0
