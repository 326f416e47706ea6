"""The month counters the service KPIs read (docs/kpis.md): written by the actions themselves, in
the transaction of the step they count, so a dashboard never counts applications."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tahawul.applications import actions
from tahawul.applications.models import Application, ProcessingMonth, ServiceMonth
from tahawul.core.choices import Channel
from tests.applications.conftest import Kit

BAHRAIN = ZoneInfo("Asia/Bahrain")
SERVICE = "MOE-SCHOOL-TRANSFER"  # submitted: 1 working day; in review: 5; director's approval: 3

Clock = Callable[[datetime], None]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    current = [timezone.now()]
    monkeypatch.setattr(timezone, "now", lambda: current[0])

    def set_to(moment: datetime) -> None:
        current[0] = moment

    return set_to


def month_row(channel: str = Channel.WEB, month: date = date(2026, 11, 1)) -> ServiceMonth:
    return ServiceMonth.objects.get(service__code=SERVICE, channel=channel, month=month)


def approve(kit: Kit, application: Application) -> None:
    staff = kit.staff(application.entity_id)
    actions.claim(application=application, actor=staff.officer)
    actions.perform(application=application, actor=staff.officer, action="recommend_approval")
    actions.perform(application=application, actor=staff.supervisor, action="approve")


def test_a_draft_counts_once_however_often_it_is_resumed_and_its_submission_in_its_own_month(
    kit: Kit, clock: Clock
) -> None:
    clock(datetime(2026, 11, 29, 10, tzinfo=BAHRAIN))
    application = kit.start(SERVICE)
    clock(datetime(2026, 11, 30, 10, tzinfo=BAHRAIN))
    kit.fill(application)  # resumed the next day
    kit.fill(application)
    clock(datetime(2026, 12, 2, 10, tzinfo=BAHRAIN))  # submitted in the following month
    actions.submit(application=application, actor=kit.applicant)
    abandoned = kit.start(SERVICE)  # begun, never submitted
    assert abandoned.state == "draft"

    november = month_row()
    assert (november.started, november.submitted) == (1, 1)
    december = month_row(month=date(2026, 12, 1))
    assert (december.started, december.submitted, december.completed) == (1, 0, 0)


def test_a_completion_counts_in_its_month_with_its_working_days_and_whether_it_kept_its_slas(
    kit: Kit, clock: Clock
) -> None:
    clock(datetime(2026, 11, 1, 10, tzinfo=BAHRAIN))  # a Sunday; "submitted" is due by Monday night
    on_time, swept, unswept = (kit.submitted(SERVICE) for _ in range(3))
    staff = kit.staff(on_time.entity_id)
    actions.claim(application=on_time, actor=staff.officer)
    clock(datetime(2026, 11, 3, 10, tzinfo=BAHRAIN))  # Tuesday: two working days after submission
    actions.perform(application=on_time, actor=staff.officer, action="recommend_approval")
    actions.perform(application=on_time, actor=staff.supervisor, action="approve")
    actions.sweep_sla()  # marks the one still waiting; the flag resets in its next state...
    for application in (swept, unswept):
        application.refresh_from_db()
    assert (swept.sla_breached, unswept.sla_breached) == (True, True)
    clock(datetime(2026, 11, 9, 9, tzinfo=BAHRAIN))  # Monday: 6 working days after submission
    approve(kit, swept)

    row = month_row()
    assert (row.completed, row.within_sla) == (2, 1)  # ...but the miss is remembered
    histogram = dict(
        ProcessingMonth.objects.filter(service__code=SERVICE, month=date(2026, 11, 1)).values_list(
            "working_days", "completed"
        )
    )
    assert histogram == {2: 1, 6: 1}


def test_a_state_left_after_its_deadline_misses_its_sla_though_no_sweep_came_by(kit: Kit, clock: Clock) -> None:
    clock(datetime(2026, 11, 1, 10, tzinfo=BAHRAIN))
    application = kit.submitted(SERVICE)
    clock(datetime(2026, 11, 3, 10, tzinfo=BAHRAIN))  # "submitted" was due on Monday night
    approve(kit, application)
    assert application.sla_missed
    assert (month_row().completed, month_row().within_sla) == (1, 0)


def test_counter_applications_are_counted_on_their_own_channel(kit: Kit, clock: Clock) -> None:
    clock(datetime(2026, 11, 10, 10, tzinfo=BAHRAIN))
    kit.submitted(SERVICE, channel=Channel.COUNTER)
    assert (month_row(Channel.COUNTER).started, month_row(Channel.COUNTER).submitted) == (1, 1)
    assert not ServiceMonth.objects.filter(service__code=SERVICE, channel=Channel.WEB).exists()
