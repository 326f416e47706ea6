"""The registry of checks: one function per component, answering up, degraded or down with a
latency and a short reason (docs/status.md says what each one looks at and when it is unhappy).

A check takes the time it runs at and returns an Outcome, or None when there is nothing to check
(no kiosk in service, no payment provider configured): then no result is recorded, only the run
in its day's coverage (UptimeDay.nothing_to_check), and the status page says "no data" rather
than inventing a state. A check that raises is recorded as down.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import quote

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db.models import Count, Min, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from tahawul.applications import payments
from tahawul.kiosks.selectors import fleet_health
from tahawul.notifications.models import Notification, NotificationChannel, NotificationStatus
from tahawul.notifications.senders import sms_sender
from tahawul.status.http_checks import Unanswered, fetch, judge, probe
from tahawul.status.models import SEVERITY, Component, State
from tahawul.status.outcomes import Outcome
from tahawul.status.wording import in_both_languages

Check = Callable[[datetime], Outcome | None]

SERVICES_PAGE = "/api/v1/services?page_size=1"
OPEN311_DISCOVERY = "/open311/v2/discovery.json"
# Outbox: a message waiting this long for its first attempt means delivery is behind, or stopped.
OUTBOX_BEHIND_AFTER = timedelta(minutes=5)
OUTBOX_STOPPED_AFTER = timedelta(minutes=30)
# Messages being retried after the gateway refused them: a few are bad addresses, many a bad gateway.
OUTBOX_RETRYING_DEGRADED = 3
OUTBOX_RETRYING_DOWN = 10
# Messages given up on (every attempt failed) in the last FAILED_WINDOW, as a share of those that
# finished (sent or given up on): a bad address now and then is no outage, most of them failing is.
FAILED_WINDOW = timedelta(hours=1)
FAILED_AT_LEAST = 3
FAILED_SHARE_DEGRADED = 0.1
FAILED_SHARE_DOWN = 0.5
# Kiosks not heard from, as a share of those in service: one silent kiosk of twenty is a kiosk to
# look at (its reason says which), not a fleet in trouble.
SILENT_SHARE_DEGRADED = 0.1
SILENT_SHARE_DOWN = 0.5
GATEWAY_TIMEOUT_SECONDS = 5


def check_portal(now: datetime) -> Outcome:
    """The process answers, and a light page that reads the catalogue renders."""
    return probe([("/healthz", False), (f"/{settings.LANGUAGE_CODE}/entities/", False)])


def check_api(now: datetime) -> Outcome:
    return probe([(SERVICES_PAGE, True)])


def check_open311(now: datetime) -> Outcome:
    return probe([(OPEN311_DISCOVERY, True)])


def check_mobile(now: datetime) -> Outcome:
    """What the app reads before anyone signs in: a page of services, one service's definition
    (the first listed), and the entities."""
    timings = []
    try:
        listing = fetch(SERVICES_PAGE, expect_json=True)
        timings.append((SERVICES_PAGE, listing.seconds))
        items = json.loads(listing.body).get("items") or []
        paths = [f"/api/v1/services/{quote(str(items[0]['code']), safe='')}"] if items else []
        for path in [*paths, "/api/v1/entities"]:
            timings.append((path, fetch(path, expect_json=True).seconds))
    except Unanswered as problem:
        return Outcome(State.DOWN, None, problem.reason)
    except (AttributeError, KeyError, TypeError):
        return Outcome(State.DOWN, None, in_both_languages(_("The list of services is not in the expected shape.")))
    return judge(timings)


def check_kiosks(now: datetime) -> Outcome | None:
    """From the fleet's heartbeats: up while at most SILENT_SHARE_DEGRADED of the kiosks in service
    were not heard from in the kiosks' window (the reason still names them), degraded up to
    SILENT_SHARE_DOWN, down beyond; nothing to check without kiosks in service."""
    fleet = fleet_health(now=now)
    if fleet.registered == 0:
        return None
    if not fleet.not_seen:
        return Outcome(State.UP)
    reason = in_both_languages(
        ngettext_lazy(
            "%(silent)s of %(registered)s kiosk has not been heard from for %(minutes)s minutes: %(codes)s.",
            "%(silent)s of %(registered)s kiosks have not been heard from for %(minutes)s minutes: %(codes)s.",
            "registered",
        ),
        silent=len(fleet.not_seen),
        registered=fleet.registered,
        minutes=fleet.window_minutes,
        codes=", ".join(fleet.not_seen[:10]),
    )
    silent = len(fleet.not_seen) / fleet.registered
    if silent > SILENT_SHARE_DOWN:
        return Outcome(State.DOWN, None, reason)
    return Outcome(State.DEGRADED if silent > SILENT_SHARE_DEGRADED else State.UP, None, reason)


def _pending(channel: str, now: datetime) -> Outcome:
    """Judged from the pending rows only (a partial index keeps them cheap to find)."""
    figures = Notification.objects.filter(status=NotificationStatus.PENDING, channel=channel).aggregate(
        oldest=Min("created_at", filter=Q(attempts=0)), retrying=Count("pk", filter=Q(attempts__gt=0))
    )
    waited = now - figures["oldest"] if figures["oldest"] else timedelta(0)
    retrying: int = figures["retrying"]
    if waited <= OUTBOX_BEHIND_AFTER and retrying < OUTBOX_RETRYING_DEGRADED:
        return Outcome(State.UP)
    stopped = waited > OUTBOX_STOPPED_AFTER or retrying >= OUTBOX_RETRYING_DOWN
    reason = in_both_languages(
        _(
            "The oldest message not yet sent has waited %(minutes)s minutes; %(retrying)s are waiting "
            "for another attempt after a failed one."
        ),
        minutes=int(waited.total_seconds() // 60),
        retrying=retrying,
    )
    return Outcome(State.DOWN if stopped else State.DEGRADED, None, reason)


def _given_up(channel: str, now: datetime) -> Outcome:
    """Judged from the messages finished in the last FAILED_WINDOW: how many were given up on
    against how many were sent. The sent ones are counted only as far as the share needs (a busy
    outbox sends many an hour); at scale both counts want partial indexes on the notifications'
    finished rows, which the notifications app does not have yet (docs/status.md)."""
    since = now - FAILED_WINDOW
    # A message given up on keeps the time of its last attempt in next_attempt_at (notifications.tasks).
    failed = Notification.objects.filter(
        status=NotificationStatus.FAILED, channel=channel, next_attempt_at__gt=since
    ).count()
    if failed < FAILED_AT_LEAST:
        return Outcome(State.UP)
    # With this many sent the share is at most FAILED_SHARE_DEGRADED whatever the rest: up.
    enough = math.ceil(failed / FAILED_SHARE_DEGRADED) - failed
    sent = Notification.objects.filter(status=NotificationStatus.SENT, channel=channel, sent_at__gt=since)[
        :enough
    ].count()
    share = failed / (failed + sent)
    if share <= FAILED_SHARE_DEGRADED:
        return Outcome(State.UP)
    reason = in_both_languages(
        _("%(failed)s of the last hour's %(finished)s messages could not be sent, after every attempt."),
        failed=failed,
        finished=failed + sent,
    )
    return Outcome(State.DOWN if share > FAILED_SHARE_DOWN else State.DEGRADED, None, reason)


def _outbox(channel: str, now: datetime) -> Outcome:
    """The worse of what the pending messages and the recently given-up ones say."""
    pending, given_up = _pending(channel, now), _given_up(channel, now)
    return given_up if SEVERITY[given_up.state] > SEVERITY[pending.state] else pending


def _timed_gateway(name: Promise, call: Callable[[], object]) -> Outcome | None:
    """Down when the gateway's own health call raises; None when it answers."""
    started = time.monotonic()
    try:
        call()
    except Exception as error:
        return Outcome(
            State.DOWN,
            round((time.monotonic() - started) * 1000),
            in_both_languages(
                _("The %(gateway)s did not pass its own health check (%(error)s)."),
                gateway=name,
                error=type(error).__name__,
            ),
        )
    return None


def _smtp_answers() -> None:
    # Only SMTP has a server to reach; the development backend writes files and has none.
    connection = get_connection(timeout=GATEWAY_TIMEOUT_SECONDS)
    if isinstance(connection, SmtpBackend):
        connection.open()
        connection.close()


def check_email(now: datetime) -> Outcome:
    gateway = _timed_gateway(_("SMTP server"), _smtp_answers)
    return gateway or _outbox(NotificationChannel.EMAIL, now)


def check_sms(now: datetime) -> Outcome:
    """The outbox, and the gateway's ``health()`` when its class has one (see docs/status.md)."""
    health = getattr(sms_sender(), "health", None)
    gateway = _timed_gateway(_("SMS gateway"), health) if callable(health) else None
    return gateway or _outbox(NotificationChannel.SMS, now)


def check_payments(now: datetime) -> Outcome | None:
    """The configured provider's ``health()``; nothing to check when no provider is configured."""
    provider = payments.provider()
    if provider is None:
        return None
    started = time.monotonic()
    failed = _timed_gateway(_("payment provider"), provider.health)
    return failed or Outcome(State.UP, round((time.monotonic() - started) * 1000))


CHECKS: dict[str, Check] = {
    Component.PORTAL: check_portal,
    Component.API: check_api,
    Component.MOBILE: check_mobile,
    Component.KIOSKS: check_kiosks,
    Component.OPEN311: check_open311,
    Component.SMS: check_sms,
    Component.EMAIL: check_email,
    Component.PAYMENTS: check_payments,
}
# Checks that only make HTTP requests to the public site, and touch no database: they run side by
# side, each in its own thread (recording.run_checks).
OVER_HTTP = frozenset({Component.PORTAL, Component.API, Component.MOBILE, Component.OPEN311})
