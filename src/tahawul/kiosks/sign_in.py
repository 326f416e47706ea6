"""Signing in on a kiosk: a national ID number, then a one-time code sent by SMS to the mobile
number of the account that holds it.

The rules (settings in brackets):

* a 6-digit code, valid for ``TAHAWUL_KIOSK_CODE_MINUTES`` (5), on the kiosk that asked for it;
* ``TAHAWUL_KIOSK_CODE_ATTEMPTS`` (5) wrong tries, then the challenge is spent;
* ``TAHAWUL_KIOSK_CODE_RESENDS`` (2) new codes on request, each replacing the last;
* at most ``TAHAWUL_KIOSK_CODES_PER_HOUR`` (5) codes (first ones and new ones alike) in a UTC
  clock hour for one national ID number, on any kiosk, and at most
  ``TAHAWUL_KIOSK_CODES_PER_KIOSK_PER_HOUR`` (60) from one kiosk, whatever the numbers; counted
  with ``limits.take_hourly_allowance``, so simultaneous requests cannot overshoot them;
* codes and national IDs are kept only as keyed hashes, compared in constant time;
* an unknown number, or an account without a mobile number, gets exactly the same answer and
  the same limits: a challenge whose code nobody receives. The kiosk never tells who has an account.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tahawul.core.digits import ascii_digits
from tahawul.identity.models import User
from tahawul.kiosks.errors import CodeExpired, InvalidCode, InvalidNationalId, KioskCodesUsedUp, TooManyCodes
from tahawul.kiosks.limits import purge_hourly_counts, take_hourly_allowance
from tahawul.kiosks.models import Kiosk, SignInChallenge
from tahawul.notifications.actions import Contact, notify
from tahawul.notifications.events import Event

NATIONAL_ID = re.compile(r"^[0-9]{9}$")
CODE = re.compile(r"^[0-9]{6}$")
KEPT_AFTER_EXPIRY = timedelta(days=1)


def _keyed(purpose: str, value: str) -> str:
    message = f"{purpose}:{value}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _code_digest(challenge_token: str, code: str) -> str:
    return _keyed(f"kiosk-code:{challenge_token}", code)


def _digits(text: str) -> str:
    return re.sub(r"[\s-]", "", ascii_digits(text))


def _expiry(now: datetime) -> datetime:
    return now + timedelta(minutes=settings.TAHAWUL_KIOSK_CODE_MINUTES)


def _take_code_allowances(kiosk: Kiosk, subject_digest: str, now: datetime) -> None:
    """Count one code against the number's and the kiosk's hourly allowances, or refuse it.

    Called inside the request's transaction: a refusal by the second rolls the first back. Always
    the number first, then the kiosk, so two requests never wait on each other's rows in a cycle.
    Unknown numbers are counted the same way, so the limits say nothing about who has an account.
    """
    take_hourly_allowance(key=f"kiosk-codes:id:{subject_digest}", limit=settings.TAHAWUL_KIOSK_CODES_PER_HOUR, now=now)
    take_hourly_allowance(
        key=f"kiosk-codes:kiosk:{kiosk.pk}",
        limit=settings.TAHAWUL_KIOSK_CODES_PER_KIOSK_PER_HOUR,
        now=now,
        refusal=KioskCodesUsedUp,
    )


def _send(user: User, code: str) -> None:
    # Only by SMS, only to the account's mobile: an email would reach the code to someone else's inbox.
    notify(
        recipient=Contact(name=user.display_name, email="", mobile=user.mobile, language=user.preferred_language),
        event=Event.KIOSK_SIGN_IN_CODE,
        context={"code": code, "minutes": settings.TAHAWUL_KIOSK_CODE_MINUTES},
    )


def _new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


@transaction.atomic
def request_sign_in_code(*, kiosk: Kiosk, national_id: str, now: datetime | None = None) -> SignInChallenge:
    """Start signing in on ``kiosk`` with ``national_id``: queue a code by SMS to the mobile of the
    active account holding that number, if there is one.

    Anyone at an enrolled kiosk may call it. Raises InvalidNationalId (not 9 digits), TooManyCodes
    (the hourly limit for that number) or its kind KioskCodesUsedUp (the kiosk's hourly limit).
    The returned challenge is what the kiosk's session keeps; it says nothing about whether an
    account was found.
    """
    now = now or timezone.now()
    number = _digits(national_id)
    if not NATIONAL_ID.match(number):
        raise InvalidNationalId()
    subject = _keyed("national-id", number)
    _take_code_allowances(kiosk, subject, now)
    user = User.objects.filter(national_id=number, is_active=True).exclude(mobile="").first()
    token = secrets.token_urlsafe(32)
    code = _new_code()
    challenge = SignInChallenge.objects.create(
        token=token,
        kiosk=kiosk,
        user=user,
        subject_digest=subject,
        code_digest=_code_digest(token, code),
        created_at=now,
        expires_at=_expiry(now),
    )
    if user is not None:
        _send(user, code)
    return challenge


def _open_challenge(kiosk: Kiosk, token: str) -> SignInChallenge | None:
    return SignInChallenge.objects.select_for_update().filter(token=token, kiosk=kiosk, used_at=None).first()


@transaction.atomic
def resend_sign_in_code(*, kiosk: Kiosk, token: str, now: datetime | None = None) -> SignInChallenge:
    """A new code for the challenge ``token`` started on ``kiosk``, replacing the last one, with
    its own expiry. Raises CodeExpired (no such open challenge, or its tries are spent),
    TooManyCodes (its resends, or the number's or the kiosk's hourly limit, are used up)."""
    now = now or timezone.now()
    challenge = _open_challenge(kiosk, token)
    if challenge is None or challenge.attempts >= settings.TAHAWUL_KIOSK_CODE_ATTEMPTS:
        raise CodeExpired()
    if challenge.sends > settings.TAHAWUL_KIOSK_CODE_RESENDS:
        raise TooManyCodes()
    _take_code_allowances(kiosk, challenge.subject_digest, now)
    code = _new_code()
    challenge.code_digest = _code_digest(challenge.token, code)
    challenge.sends += 1
    challenge.expires_at = _expiry(now)
    challenge.save(update_fields=["code_digest", "sends", "expires_at"])
    if challenge.user is not None:
        _send(challenge.user, code)
    return challenge


def verify_sign_in_code(*, kiosk: Kiosk, token: str, code: str, now: datetime | None = None) -> User:
    """The account the code of challenge ``token`` signs in, once.

    Raises InvalidCode (a wrong code: the try is counted), CodeExpired (expired, used, started on
    another kiosk, or its tries spent). A wrong try is kept even though the call fails.
    """
    now = now or timezone.now()
    typed = _digits(code)
    with transaction.atomic():
        challenge = _open_challenge(kiosk, token)
        if challenge is None or now >= challenge.expires_at:
            outcome: type[Exception] | User = CodeExpired
        elif challenge.attempts >= settings.TAHAWUL_KIOSK_CODE_ATTEMPTS:
            outcome = CodeExpired
        elif not CODE.match(typed):
            outcome = InvalidCode  # a slip on the keypad is not a guess
        elif hmac.compare_digest(challenge.code_digest, _code_digest(challenge.token, typed)) and challenge.user:
            challenge.used_at = now
            challenge.save(update_fields=["used_at"])
            outcome = challenge.user
        else:
            challenge.attempts += 1
            challenge.save(update_fields=["attempts"])
            spent = challenge.attempts >= settings.TAHAWUL_KIOSK_CODE_ATTEMPTS
            outcome = CodeExpired if spent else InvalidCode
    if isinstance(outcome, User):
        if not outcome.is_active:
            raise CodeExpired()
        return outcome
    raise outcome()


def purge_sign_in_challenges(*, now: datetime | None = None) -> int:
    """Delete challenges expired more than a day ago (kept that long for looking into complaints),
    and the hourly code counts of clock hours that ended more than a day ago: only the current
    hour's count limits anything, the older ones are kept as long as the challenges, to tell "no
    code came" from "the limit was reached". Idempotent; returns how many challenges were deleted."""
    now = now or timezone.now()
    deleted, _ = SignInChallenge.objects.filter(expires_at__lt=now - KEPT_AFTER_EXPIRY).delete()
    purge_hourly_counts(before=now - KEPT_AFTER_EXPIRY - timedelta(hours=1))
    return deleted
