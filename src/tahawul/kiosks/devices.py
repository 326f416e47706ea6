"""How a kiosk proves it is a registered kiosk, and its heartbeat.

Staff enrol a kiosk's browser once, through a one-time link made in the back office (or by
``tahawul kiosks enrolment-link``). Opening it on the kiosk sets a long-lived, HttpOnly device
cookie holding the kiosk's id and its enrolment generation, signed with the secret key: nothing a
passer-by can forge by editing a URL, and worthless once the kiosk is deactivated or another
browser is enrolled for it (the generation moves on). The cookie names no person.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone

from tahawul.kiosks.errors import EnrolmentLinkInvalid
from tahawul.kiosks.models import Kiosk, RegistryEvent

DEVICE_SALT = "tahawul.kiosks.device"
# Page loads come in bursts: one write per kiosk per this interval is heartbeat enough.
HEARTBEAT_WRITE_INTERVAL = timedelta(seconds=15)


def enrolment_digest(code: str) -> str:
    # The link carries 192 random bits: a plain hash is enough, and lets the database find it.
    return hashlib.sha256(code.encode()).hexdigest()


def device_credential(kiosk: Kiosk) -> str:
    """The device cookie's value for the browser enrolled last for ``kiosk``."""
    return signing.dumps([kiosk.pk, kiosk.device_generation], salt=DEVICE_SALT, compress=True)


def read_device_credential(credential: str) -> tuple[int, int] | None:
    """(kiosk id, generation) from a device cookie; None when it is not one we signed."""
    try:
        value = signing.loads(credential, salt=DEVICE_SALT)
    except signing.BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(part, int) for part in value)):
        return None
    return value[0], value[1]


def enrol_device(*, code: str, now: datetime | None = None) -> tuple[Kiosk, str]:
    """Use a one-time enrolment link: the browser that opened it becomes the kiosk's.

    Anyone holding a valid link may call it (the link is the proof; staff made it). Raises
    EnrolmentLinkInvalid when the link was used, has expired or its kiosk is inactive. The link
    stops working, any browser enrolled before for this kiosk stops counting, and the enrolment is
    recorded. Returns the kiosk and the device cookie's value.
    """
    now = now or timezone.now()
    with transaction.atomic():
        kiosk = (
            Kiosk.objects.select_for_update()
            .select_related("centre")
            .filter(enrolment_digest=enrolment_digest(code), enrolment_expires_at__gt=now, active=True)
            .filter(centre__active=True)
            .first()
            if code
            else None
        )
        if kiosk is None:
            raise EnrolmentLinkInvalid()
        kiosk.device_generation += 1
        kiosk.enrolled_at = now
        kiosk.enrolment_digest = ""
        kiosk.enrolment_expires_at = None
        kiosk.save(update_fields=["device_generation", "enrolled_at", "enrolment_digest", "enrolment_expires_at"])
        RegistryEvent.objects.create(centre=kiosk.centre, kiosk=kiosk, action="enrolled", at=now)
    return kiosk, device_credential(kiosk)


def record_heartbeat(*, kiosk: Kiosk, now: datetime | None = None) -> None:
    """Note that ``kiosk`` is alive (a page load, or its page's periodic beat while idle).

    Called by the kiosk interface for the kiosk whose device cookie came with the request.
    Writes at most once per HEARTBEAT_WRITE_INTERVAL; a later beat never moves the time back.
    """
    now = now or timezone.now()
    if kiosk.last_seen_at is not None and now - kiosk.last_seen_at < HEARTBEAT_WRITE_INTERVAL:
        return
    Kiosk.objects.filter(pk=kiosk.pk).exclude(last_seen_at__gte=now).update(last_seen_at=now)
    kiosk.last_seen_at = now
