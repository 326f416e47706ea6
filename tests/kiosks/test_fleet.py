"""Heartbeats and the fleet's health, as the channel status page reads them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tahawul.kiosks.devices import HEARTBEAT_WRITE_INTERVAL, enrol_device, record_heartbeat
from tahawul.kiosks.models import Kiosk, ServiceCentre
from tahawul.kiosks.registry import issue_enrolment, register_kiosk, set_kiosk_active
from tahawul.kiosks.selectors import FleetHealth, fleet_health

pytestmark = pytest.mark.django_db


def test_a_heartbeat_is_written_at_most_once_per_interval_and_never_moves_back(kiosk: Kiosk) -> None:
    now = timezone.now()
    record_heartbeat(kiosk=kiosk, now=now)
    record_heartbeat(kiosk=kiosk, now=now + HEARTBEAT_WRITE_INTERVAL / 2)
    assert Kiosk.objects.get(pk=kiosk.pk).last_seen_at == now
    later = now + HEARTBEAT_WRITE_INTERVAL
    record_heartbeat(kiosk=kiosk, now=later)
    stale = Kiosk.objects.get(pk=kiosk.pk)
    stale.last_seen_at = None  # a copy read before the beat above, from another worker
    record_heartbeat(kiosk=stale, now=now)
    assert Kiosk.objects.get(pk=kiosk.pk).last_seen_at == later


def test_fleet_health_counts_the_active_kiosks_seen_in_the_window(
    kiosk: Kiosk, centre: ServiceCentre, settings: Any, django_assert_num_queries: Any
) -> None:
    now = timezone.now()
    window = timedelta(minutes=settings.TAHAWUL_KIOSK_SEEN_MINUTES)
    enrol_device(code=issue_enrolment(actor=None, kiosk=kiosk))
    before = fleet_health(now=now)
    quiet, _credential = enrol_device(
        code=issue_enrolment(actor=None, kiosk=register_kiosk(actor=None, centre=centre, code="K-QUIET"))
    )
    retired, _credential = enrol_device(
        code=issue_enrolment(actor=None, kiosk=register_kiosk(actor=None, centre=centre, code="K-RETIRED"))
    )
    register_kiosk(actor=None, centre=centre, code="K-NOT-SET-UP")  # registered, never enrolled
    record_heartbeat(kiosk=kiosk, now=now - window + timedelta(seconds=1))
    record_heartbeat(kiosk=quiet, now=now - window - timedelta(seconds=1))
    set_kiosk_active(actor=None, kiosk=retired, active=False)

    with django_assert_num_queries(2):  # whatever the fleet's size
        health = fleet_health(now=now)

    assert isinstance(health, FleetHealth) and health.window_minutes == settings.TAHAWUL_KIOSK_SEEN_MINUTES
    assert health.registered == before.registered + 1  # the quiet one; the retired one does not count
    assert health.seen == before.seen + 1
    assert "K-QUIET" in health.not_seen and kiosk.code not in health.not_seen
    assert "K-RETIRED" not in health.not_seen and "K-NOT-SET-UP" not in health.not_seen
    assert health.registered == health.seen + len(health.not_seen)
    assert list(health.not_seen) == sorted(health.not_seen)


def test_a_closed_centre_takes_its_kiosks_out_of_the_fleet(kiosk: Kiosk, centre: ServiceCentre) -> None:
    now = timezone.now()
    enrol_device(code=issue_enrolment(actor=None, kiosk=kiosk))
    before = fleet_health(now=now)
    ServiceCentre.objects.filter(pk=centre.pk).update(active=False)
    after = fleet_health(now=now)
    assert after.registered == before.registered - 1 and kiosk.code not in after.not_seen
