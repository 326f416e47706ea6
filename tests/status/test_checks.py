"""Each component's check against the real thing it looks at: the web checks against a loopback
HTTP server, the outbox checks against real outbox rows (failed deliveries made by the real
delivery task), the kiosk fleet from heartbeats, the payment provider through its interface."""

from __future__ import annotations

import socket
import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tahawul.kiosks.devices import enrol_device, record_heartbeat
from tahawul.kiosks.models import Kiosk
from tahawul.kiosks.registry import CentreInput, issue_enrolment, register_centre, register_kiosk, set_kiosk_active
from tahawul.notifications.actions import Contact, notify
from tahawul.notifications.models import Notification, NotificationStatus
from tahawul.notifications.tasks import MAX_ATTEMPTS, deliver
from tahawul.status import checks
from tahawul.status.models import CheckResult, State, UptimeDay
from tahawul.status.recording import run_checks
from tests.status.conftest import LISTING, Answer, Clock, FakeSite

pytestmark = pytest.mark.django_db


def test_the_portal_check_reaches_the_process_and_a_page_that_reads_the_catalogue(site: FakeSite, clock: Clock) -> None:
    site.answer("/healthz", body=b"ok\n", content_type="text/plain")
    site.answer("/ar/", body=b"<html></html>", content_type="text/html")

    outcome = checks.check_portal(clock.now)

    assert outcome.state == State.UP
    assert outcome.latency_ms is not None and outcome.latency_ms < 200
    assert site.requested == ["/healthz", "/ar/entities/"]


def test_an_error_status_is_down_and_says_which_address_in_both_languages(site: FakeSite, clock: Clock) -> None:
    site.answer("/api/v1/services", status=503, body=b"busy")

    outcome = checks.check_api(clock.now)

    assert outcome.state == State.DOWN
    assert outcome.reason.en == "/api/v1/services?page_size=1 answered with HTTP status 503."
    assert "/api/v1/services?page_size=1" in outcome.reason.ar and "503" in outcome.reason.ar


def test_a_slow_answer_is_degraded_and_no_answer_within_the_timeout_is_down(site: FakeSite, clock: Clock) -> None:
    site.answer("/open311/", delay=0.3)  # slower than 0.2 s, within the 0.5 s timeout
    slow = checks.check_open311(clock.now)
    site.answer("/open311/", delay=0.8)
    silent = checks.check_open311(clock.now)

    assert slow.state == State.DEGRADED and slow.latency_ms is not None and slow.latency_ms >= 300
    assert "took 0.3 seconds" in slow.reason.en
    assert silent.state == State.DOWN
    assert silent.reason.en == "/open311/v2/discovery.json did not answer within 0.5 seconds."


def test_a_proxy_error_page_where_json_is_expected_is_down(site: FakeSite, clock: Clock) -> None:
    site.answer("/api/", body=b"<html>Gateway</html>", content_type="text/html")

    outcome = checks.check_api(clock.now)

    assert outcome.state == State.DOWN
    assert outcome.reason.en == "/api/v1/services?page_size=1 did not answer with JSON."


def test_a_redirect_is_followed_as_a_browser_would(site: FakeSite, clock: Clock) -> None:
    site.answer("/api/v1/services", status=301, location="/api/v2/services")  # moved, relative
    site.answer("/api/v2/", body=LISTING)

    outcome = checks.check_api(clock.now)

    assert outcome.state == State.UP
    assert site.requested == ["/api/v1/services?page_size=1", "/api/v2/services"]


def test_a_redirect_loop_is_down_after_a_few_hops(site: FakeSite, clock: Clock) -> None:
    site.answer("/open311/", status=302, location="/open311/v2/discovery.json")  # to itself

    outcome = checks.check_open311(clock.now)

    assert outcome.state == State.DOWN
    assert outcome.reason.en == "/open311/v2/discovery.json answered with HTTP status 302."
    assert len(site.requested) == 6  # the request and five redirects followed


def test_an_answer_dripped_out_past_the_timeout_is_down_when_the_timeout_ends(site: FakeSite, clock: Clock) -> None:
    # Each byte comes well within the 0.5 s timeout, but the whole answer would take 1.2 s.
    site.answer("/api/", body=b'{"count": 0, "items": []}', trickle=0.05)

    started = time.monotonic()
    outcome = checks.check_api(clock.now)
    took = time.monotonic() - started

    assert outcome.state == State.DOWN
    assert outcome.reason.en == "/api/v1/services?page_size=1 did not answer within 0.5 seconds."
    assert took < 0.9


def test_the_web_checks_wait_for_a_silent_site_side_by_side(site: FakeSite, clock: Clock) -> None:
    site.default = Answer(delay=2)  # nothing answers within the 0.5 s timeout

    started = time.monotonic()
    found = run_checks(components=["portal", "api", "mobile", "open311"])
    took = time.monotonic() - started

    assert found == {"portal": "down", "api": "down", "mobile": "down", "open311": "down"}
    assert took < 1.5  # one after another, four timeouts would take 2 s
    assert CheckResult.objects.filter(state=State.DOWN).count() == 4


def test_a_site_nobody_listens_on_is_down(settings: Any, clock: Clock) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends: nothing listens there
    settings.TAHAWUL_PUBLIC_URL = f"http://127.0.0.1:{port}"

    outcome = checks.check_portal(clock.now)

    assert outcome.state == State.DOWN
    assert outcome.reason.en == "/healthz could not be reached (ConnectionRefusedError)."


def test_the_mobile_check_reads_what_the_app_reads(site: FakeSite, clock: Clock) -> None:
    outcome = checks.check_mobile(clock.now)
    site.answer("/api/v1/entities", status=500)
    broken = checks.check_mobile(clock.now)

    assert outcome.state == State.UP
    assert site.requested[:3] == [
        "/api/v1/services?page_size=1",
        "/api/v1/services/NPRA-PASSPORT-RENEW",
        "/api/v1/entities",
    ]
    assert broken.state == State.DOWN and "/api/v1/entities" in broken.reason.en


# --- the outbox ----------------------------------------------------------------------------------


class RefusingGateway:
    def send(self, to: str, body: str) -> str:
        raise ConnectionError("gateway refused")


class GatewayWithHealth(RefusingGateway):
    def health(self) -> None:
        raise TimeoutError("no answer")


def queue_sms(count: int) -> list[int]:
    ids = []
    for number in range(count):
        contact = Contact(name="Sara", email="", mobile=f"+9733900{number:04d}", language="en")
        sent = notify(
            recipient=contact,
            event="case_received",
            context={"reference": f"CS-TEST-{number}", "kind_label": "complaint", "url": "/en/"},
        )
        ids += [row.pk for row in sent]
    return ids


# The outbox's times are the real clock's (its columns default to the real timezone.now).


def test_sms_is_up_while_messages_go_out_and_degraded_then_down_as_they_wait() -> None:
    queue_sms(1)
    now = timezone.now()
    fresh = checks.check_sms(now)
    behind = checks.check_sms(now + timedelta(minutes=10))
    stopped = checks.check_sms(now + timedelta(minutes=35))

    assert fresh.state == State.UP
    assert behind.state == State.DEGRADED and "waited 10 minutes" in behind.reason.en
    assert stopped.state == State.DOWN and "waited 35 minutes" in stopped.reason.en


def test_sms_is_degraded_then_down_as_the_gateway_refuses_messages(settings: Any) -> None:
    settings.TAHAWUL_SMS_SENDER = f"{__name__}.RefusingGateway"
    ids = queue_sms(10)
    deliver.call(*ids[:3])  # the real delivery: each attempt fails and is retried later
    some = checks.check_sms(timezone.now())
    deliver.call(*ids[3:])
    many = checks.check_sms(timezone.now())

    assert set(Notification.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}
    assert some.state == State.DEGRADED and "3 are waiting for another attempt" in some.reason.en
    assert many.state == State.DOWN and "10 are waiting for another attempt" in many.reason.en


def test_an_sms_gateway_that_fails_its_own_health_check_is_down(settings: Any) -> None:
    settings.TAHAWUL_SMS_SENDER = f"{__name__}.GatewayWithHealth"

    outcome = checks.check_sms(timezone.now())

    assert outcome.state == State.DOWN
    assert outcome.reason.en == "The SMS gateway did not pass its own health check (TimeoutError)."


def finish_sms(*, given_up: int, sent: int, settings: Any) -> None:
    """``given_up`` SMS the real delivery gave up on after every attempt, and ``sent`` it sent."""
    failing = queue_sms(given_up)
    settings.TAHAWUL_SMS_SENDER = f"{__name__}.RefusingGateway"
    for _attempt in range(MAX_ATTEMPTS):
        Notification.objects.filter(pk__in=failing).update(next_attempt_at=timezone.now())  # due again
        deliver.call(*failing)
    settings.TAHAWUL_SMS_SENDER = "tahawul.notifications.senders.OutboxSmsSender"
    deliver.call(*queue_sms(sent))
    assert Notification.objects.filter(status=NotificationStatus.FAILED).count() == given_up


def test_sms_is_down_when_most_messages_of_the_last_hour_were_given_up_on(settings: Any) -> None:
    finish_sms(given_up=3, sent=2, settings=settings)
    now = timezone.now()

    outcome = checks.check_sms(now)
    an_hour_later = checks.check_sms(now + timedelta(minutes=61))

    assert outcome.state == State.DOWN
    assert outcome.reason.en == "3 of the last hour's 5 messages could not be sent, after every attempt."
    assert an_hour_later.state == State.UP


def test_sms_is_degraded_when_some_messages_were_given_up_on(settings: Any) -> None:
    finish_sms(given_up=3, sent=20, settings=settings)

    outcome = checks.check_sms(timezone.now())

    assert outcome.state == State.DEGRADED
    assert outcome.reason.en == "3 of the last hour's 23 messages could not be sent, after every attempt."


def test_a_few_bad_numbers_among_many_messages_are_no_problem(settings: Any) -> None:
    finish_sms(given_up=3, sent=27, settings=settings)  # one in ten
    busy = checks.check_sms(timezone.now())
    Notification.objects.filter(status=NotificationStatus.SENT).delete()
    Notification.objects.filter(pk__in=Notification.objects.filter(status=NotificationStatus.FAILED)[:1]).delete()
    two = checks.check_sms(timezone.now())  # two given up, nothing sent: too few to say anything

    assert busy.state == State.UP
    assert two.state == State.UP


def test_email_counts_only_email_messages() -> None:
    notify(
        recipient=Contact(name="Sara", email="sara@example.com", mobile="", language="ar"),
        event="case_received",
        context={"reference": "CS-TEST-1", "kind_label": "complaint", "url": "/ar/"},
    )
    later = timezone.now() + timedelta(minutes=40)

    assert checks.check_email(later).state == State.DOWN
    assert checks.check_sms(later).state == State.UP


# --- kiosks, payments, a broken check --------------------------------------------------------------


def test_the_kiosk_fleet_is_judged_by_its_heartbeats(clock: Clock) -> None:
    for demo_kiosk in Kiosk.objects.filter(active=True):
        set_kiosk_active(actor=None, kiosk=demo_kiosk, active=False)
    assert checks.check_kiosks(clock.now) is None  # no active kiosk: nothing to say
    centre = register_centre(actor=None, values=CentreInput(code="C-TEST", name_ar="مركز", name_en="Centre"))
    registered = [register_kiosk(actor=None, centre=centre, code=f"K-T{number}") for number in range(4)]
    assert checks.check_kiosks(clock.now) is None  # registered but not set up in a browser: not in service
    kiosks = [enrol_device(code=issue_enrolment(actor=None, kiosk=kiosk))[0] for kiosk in registered]
    now = timezone.now()
    record_heartbeat(kiosk=kiosks[0], now=now)
    record_heartbeat(kiosk=kiosks[1], now=now)
    record_heartbeat(kiosk=kiosks[2], now=now - timedelta(hours=1))  # K-T3 never beat
    half = checks.check_kiosks(clock.now)
    clock.advance(minutes=30)
    record_heartbeat(kiosk=kiosks[0])
    most_silent = checks.check_kiosks(clock.now)

    assert half is not None and half.state == State.DEGRADED
    assert half.reason.en.startswith("2 of 4 kiosks have not been heard from") and "K-T2, K-T3" in half.reason.en
    assert most_silent is not None and most_silent.state == State.DOWN


def test_one_silent_kiosk_in_a_large_fleet_is_named_but_the_fleet_is_working(clock: Clock) -> None:
    for demo_kiosk in Kiosk.objects.filter(active=True):
        set_kiosk_active(actor=None, kiosk=demo_kiosk, active=False)
    centre = register_centre(actor=None, values=CentreInput(code="C-HALL", name_ar="قاعة", name_en="Hall"))
    registered = [register_kiosk(actor=None, centre=centre, code=f"K-H{number:02d}") for number in range(10)]
    kiosks = [enrol_device(code=issue_enrolment(actor=None, kiosk=kiosk))[0] for kiosk in registered]
    for kiosk in kiosks[:9]:
        record_heartbeat(kiosk=kiosk, now=timezone.now())  # K-H09 never beat
    one_of_ten = checks.check_kiosks(clock.now)
    clock.advance(minutes=30)
    for kiosk in kiosks[:8]:
        record_heartbeat(kiosk=kiosk, now=timezone.now())  # now K-H08 is silent too
    two_of_ten = checks.check_kiosks(clock.now)

    assert one_of_ten is not None and one_of_ten.state == State.UP
    assert (
        one_of_ten.reason.en.startswith("1 of 10 kiosks have not been heard from") and "K-H09" in one_of_ten.reason.en
    )
    assert two_of_ten is not None and two_of_ten.state == State.DEGRADED


def test_payments_ask_the_provider_and_say_nothing_without_one(settings: Any, clock: Clock) -> None:
    settings.TAHAWUL_PAYMENT_PROVIDER = "test"
    configured = checks.check_payments(clock.now)
    settings.TAHAWUL_PAYMENT_PROVIDER = ""

    assert configured is not None and configured.state == State.UP
    assert checks.check_payments(clock.now) is None


def test_a_check_that_breaks_is_recorded_as_down_and_nothing_to_check_records_no_result(
    settings: Any, clock: Clock
) -> None:
    settings.TAHAWUL_PAYMENT_PROVIDER = ""
    settings.TAHAWUL_PUBLIC_URL = "ftp://status.example"  # a configuration the web checks refuse

    found = run_checks(components=["portal", "payments"])

    assert found == {"portal": "down", "payments": "nothing to check"}
    result = CheckResult.objects.get()
    assert (result.component, result.reason_en) == ("portal", "The check could not run (ImproperlyConfigured).")
    payments = UptimeDay.objects.get(component="payments")  # the run is counted, as covered
    assert (payments.up, payments.degraded, payments.down, payments.nothing_to_check) == (0, 0, 0, 1)
