"""A believable, repeatable channel-health history for the demo: 90 days of daily uptime roll-ups
for every component, a day the checks did not run, and a few past incidents with their updates,
so that the status page has something to show before the worker has run for long.

Written straight into the roll-ups, as ``feedback_history`` writes ratings: 90 days of a check
every minute would be a million results, and a history needs none of them. Today's figures are
left to the real checks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tahawul.identity.models import User
from tahawul.status.models import (
    AffectedComponent,
    Component,
    Incident,
    IncidentStatus,
    IncidentUpdate,
    Origin,
    State,
    UptimeDay,
)

CHECKS_A_DAY = 24 * 60
NO_CHECKS_DAYS_AGO = 33  # the worker was stopped for an upgrade: a day the page shows as "no data"


@dataclass(frozen=True)
class DemoIncident:
    days_ago: int
    start: time  # local time
    minutes: int
    components: tuple[str, ...]
    impact: str
    origin: str
    title: tuple[str, str]  # Arabic, English
    updates: tuple[tuple[int, str, str, str], ...]  # minutes after the start, status, Arabic, English


INCIDENTS = (
    DemoIncident(
        days_ago=6,
        start=time(9, 40),
        minutes=25,
        components=(Component.PORTAL, Component.PAYMENTS),
        impact=State.DOWN,
        origin=Origin.CHECKS,
        title=("تعذر إتمام الدفع في البوابة", "Payments could not be completed on the portal"),
        updates=(
            (6, IncidentStatus.INVESTIGATING, "نحقق في تعذر الدفع.", "We are looking into failed payments."),
            (
                14,
                IncidentStatus.IDENTIFIED,
                "انتهت شهادة بوابة الدفع وجُددت.",
                "The payment gateway's certificate had expired; it is renewed.",
            ),
            (
                25,
                IncidentStatus.RESOLVED,
                "عاد الدفع إلى العمل. لم يُخصم أي مبلغ من الطلبات المتعثرة.",
                "Payments work again. No failed payment was charged.",
            ),
        ),
    ),
    DemoIncident(
        days_ago=19,
        start=time(13, 5),
        minutes=190,
        components=(Component.SMS,),
        impact=State.DEGRADED,
        origin=Origin.STAFF,
        title=("تأخر الرسائل النصية", "SMS messages delayed"),
        updates=(
            (10, IncidentStatus.INVESTIGATING, "تصل الرسائل النصية متأخرة.", "Text messages are arriving late."),
            (
                95,
                IncidentStatus.MONITORING,
                "حوّل المزود الرسائل إلى خط آخر.",
                "The provider moved our messages to another route.",
            ),
            (190, IncidentStatus.RESOLVED, "أُرسلت جميع الرسائل المتأخرة.", "Every delayed message has been delivered."),
        ),
    ),
    DemoIncident(
        days_ago=41,
        start=time(20, 15),
        minutes=50,
        components=(Component.MOBILE, Component.API),
        impact=State.DOWN,
        origin=Origin.CHECKS,
        title=("تعذر فتح تطبيق الهاتف", "The mobile app could not load services"),
        updates=(
            (8, IncidentStatus.INVESTIGATING, "لا يستجيب التطبيق.", "The app does not answer."),
            (
                30,
                IncidentStatus.IDENTIFIED,
                "تحديث خاطئ للخادم، ويجري التراجع عنه.",
                "A faulty server update; it is being rolled back.",
            ),
            (50, IncidentStatus.RESOLVED, "عاد التطبيق إلى العمل.", "The app works again."),
        ),
    ),
    DemoIncident(
        days_ago=73,
        start=time(7, 30),
        minutes=120,
        components=(Component.KIOSKS,),
        impact=State.DEGRADED,
        origin=Origin.CASES,
        title=("أكشاك مركز مدينة عيسى لا تعمل", "Kiosks at the Isa Town centre offline"),
        updates=(
            (
                20,
                IncidentStatus.INVESTIGATING,
                "أبلغ عدد من المراجعين عن أكشاك متوقفة.",
                "Several visitors reported kiosks not working.",
            ),
            (120, IncidentStatus.RESOLVED, "أعيد توصيل شبكة المركز.", "The centre's network is connected again."),
        ),
    ),
    DemoIncident(
        days_ago=88,
        start=time(11, 0),
        minutes=40,
        components=(Component.API, Component.OPEN311),
        impact=State.DEGRADED,
        origin=Origin.STAFF,
        title=("بطء واجهة البرمجة", "Slow answers from the API"),
        updates=(
            (
                5,
                IncidentStatus.INVESTIGATING,
                "تستغرق الإجابات وقتًا أطول من المعتاد.",
                "Answers take longer than usual.",
            ),
            (40, IncidentStatus.RESOLVED, "أضيفت سعة إلى قاعدة البيانات.", "More database capacity was added."),
        ),
    ),
)


@dataclass(frozen=True)
class StatusHistory:
    start: date
    end: date
    days: int  # days with roll-ups
    incidents: int


def _affected_minutes(component: str, day: date, end: date) -> tuple[int, int]:
    """(degraded, down) minutes the demo incidents give ``component`` on ``day``."""
    degraded = down = 0
    for incident in INCIDENTS:
        if component in incident.components and end - timedelta(days=incident.days_ago) == day:
            if incident.impact == State.DOWN:
                down += incident.minutes
            else:
                degraded += incident.minutes
    return degraded, down


def _day(rng: random.Random, component: str, day: date, end: date) -> UptimeDay:
    degraded, down = _affected_minutes(component, day, end)
    if rng.random() < 0.1:  # a slow minute or few on an ordinary day
        degraded += rng.randint(1, 12)
    if rng.random() < 0.03:  # a blip: a deployment, a network hiccup
        down += rng.randint(1, 4)
    return UptimeDay(component=component, day=day, up=CHECKS_A_DAY - degraded - down, degraded=degraded, down=down)


def _incident(incident: DemoIncident, end: date, author: User | None) -> None:
    local = datetime.combine(end - timedelta(days=incident.days_ago), incident.start)
    started = timezone.make_aware(local)
    ended = started + timedelta(minutes=incident.minutes)
    row = Incident.objects.create(
        title_ar=incident.title[0],
        title_en=incident.title[1],
        status=IncidentStatus.RESOLVED,
        impact=incident.impact,
        origin=incident.origin,
        started_at=started,
        opened_at=started,
        opened_by=author if incident.origin == Origin.STAFF else None,
        ended_at=ended,
        updated_at=ended,
        revision=len(incident.updates) + 1,
    )
    AffectedComponent.objects.bulk_create(AffectedComponent(incident=row, component=c) for c in incident.components)
    IncidentUpdate.objects.bulk_create(
        IncidentUpdate(
            incident=row,
            at=started + timedelta(minutes=after),
            author=author,
            status=status,
            message_ar=arabic,
            message_en=english,
            public=True,
        )
        for after, status, arabic, english in incident.updates
    )


def history_exists() -> bool:
    return UptimeDay.objects.filter(day__lt=timezone.localdate()).exists()


@transaction.atomic
def generate_status_history(*, seed: int = 7, days: int = 90, end: date | None = None) -> StatusHistory:
    """Roll-ups for ``days`` days up to ``end`` (yesterday) for every component, except one day
    without checks, and the demo's past incidents. The same seed gives the same history; running
    it again replaces the roll-ups of those days and adds no incident twice."""
    end = end or timezone.localdate() - timedelta(days=1)
    start = end - timedelta(days=days - 1)
    rng = random.Random(seed)  # noqa: S311 (a repeatable demo, not a secret)
    rows = [
        _day(rng, component, end - timedelta(days=back), end)
        for component in Component
        for back in range(days)
        if back != NO_CHECKS_DAYS_AGO
    ]
    UptimeDay.objects.filter(day__gte=start, day__lte=end).delete()
    UptimeDay.objects.bulk_create(rows)
    author = User.objects.filter(memberships__entity__code=settings.TAHAWUL_AUTHORITY_ENTITY).order_by("pk").first()
    titles = set(Incident.objects.values_list("title_en", flat=True))
    new = [incident for incident in INCIDENTS if incident.days_ago < days and incident.title[1] not in titles]
    for incident in new:
        _incident(incident, end, author)
    return StatusHistory(start=start, end=end, days=days - (1 if days > NO_CHECKS_DAYS_AGO else 0), incidents=len(new))
