"""Service levels: due dates count working days (Friday and Saturday off, Bahrain's public holidays
off), the sweep warns the assignee once before the deadline and tells supervisors once after it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.utils import timezone

from tahawul.applications import actions
from tahawul.applications.models import Application, Event
from tahawul.applications.selectors import QueueFilter, SlaStatus, queue, sla_status
from tahawul.notifications.models import Notification
from tests.applications.conftest import Kit

BAHRAIN = ZoneInfo("Asia/Bahrain")
SERVICE = "MOE-SCHOOL-TRANSFER"  # submitted: 1 working day; in review: 5; director's approval: 3

THURSDAY = datetime(2026, 12, 3, 10, 0, tzinfo=BAHRAIN)
FRIDAY = datetime(2026, 12, 4, 10, 0, tzinfo=BAHRAIN)
END_OF_SUNDAY = datetime(2026, 12, 6, 23, 59, 59, tzinfo=BAHRAIN)

Clock = Callable[[datetime], None]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Sets what "now" is for the actions (they read django.utils.timezone.now)."""
    current = [timezone.now()]
    monkeypatch.setattr(timezone, "now", lambda: current[0])

    def set_to(moment: datetime) -> None:
        current[0] = moment

    return set_to


def national_day(year: int) -> list[date]:
    found = sorted(day for day, name in holidays.country_holidays("BH", years=year).items() if "National" in name)
    assert found, "the holidays package no longer lists Bahrain's National Day"
    return found


def submitted_at(kit: Kit, clock: Clock, moment: datetime) -> Application:
    clock(moment)
    return kit.submitted(SERVICE)


def test_submitted_on_a_thursday_one_working_day_is_due_at_the_end_of_sunday(kit: Kit, clock: Clock) -> None:
    application = submitted_at(kit, clock, THURSDAY)
    assert application.state == "submitted"
    assert application.state_due_at == END_OF_SUNDAY
    assert timezone.localtime(application.state_due_at).date().weekday() == 6  # Sunday


def test_a_public_holiday_is_not_a_working_day(kit: Kit, clock: Clock) -> None:
    first, second = national_day(2026)  # 16 and 17 December 2026, a Wednesday and a Thursday
    assert (first.weekday(), second.weekday()) == (2, 3)
    application = submitted_at(kit, clock, datetime.combine(date(2026, 12, 15), time(10), tzinfo=BAHRAIN))
    # Not Wednesday or Thursday (the holiday), nor Friday or Saturday: Sunday the 20th.
    assert application.state_due_at == datetime(2026, 12, 20, 23, 59, 59, tzinfo=BAHRAIN)


def test_the_expected_date_counts_working_days_along_the_way_to_approval(kit: Kit, clock: Clock) -> None:
    application = submitted_at(kit, clock, THURSDAY)
    # 1 + 5 + 3 = 9 working days from Thursday 3 December: the two National Day holidays push it
    # from Tuesday the 15th past Wednesday and Thursday, and over the weekend, to Sunday the 20th.
    assert application.expected_by == date(2026, 12, 20)


def test_submitted_on_a_friday_one_working_day_is_due_at_the_end_of_sunday(kit: Kit, clock: Clock) -> None:
    application = submitted_at(kit, clock, FRIDAY)
    assert application.state_due_at == END_OF_SUNDAY


def test_the_sweep_warns_the_assignee_once_then_tells_supervisors_of_the_breach_once(kit: Kit, clock: Clock) -> None:
    application = submitted_at(kit, clock, THURSDAY)
    staff = kit.staff(application.entity_id)
    actions.assign(application=application, actor=staff.supervisor, assignee=staff.officer)

    def notifications(event: str) -> list[tuple[int, str]]:
        rows = Notification.objects.filter(application_id=application.pk, event=event)
        return sorted(rows.values_list("recipient_id", "channel"))

    saturday_noon = datetime(2026, 12, 5, 12, tzinfo=BAHRAIN)
    assert sla_status(application, now=saturday_noon) == SlaStatus.ON_TRACK
    assert actions.sweep_sla(now=saturday_noon) == (0, 0)

    sunday_morning = datetime(2026, 12, 6, 9, tzinfo=BAHRAIN)
    assert sla_status(application, now=sunday_morning) == SlaStatus.DUE_SOON
    assert actions.sweep_sla(now=sunday_morning) == (1, 0)
    assert notifications("sla_approaching") == [(staff.officer.pk, "email"), (staff.officer.pk, "sms")]
    assert actions.sweep_sla(now=datetime(2026, 12, 6, 15, tzinfo=BAHRAIN)) == (0, 0)
    assert len(notifications("sla_approaching")) == 2

    monday = datetime(2026, 12, 7, 0, 0, 1, tzinfo=BAHRAIN)
    assert sla_status(application, now=monday) == SlaStatus.BREACHED
    events_before = Event.objects.filter(application=application).count()
    assert actions.sweep_sla(now=monday) == (0, 1)
    breach = Event.objects.filter(application=application).last()
    assert (breach.action, breach.actor_id) == ("sla_breached", None)
    assert Event.objects.filter(application=application).count() == events_before + 1
    supervisors = sorted([staff.supervisor.pk, staff.supervisor2.pk])
    assert notifications("sla_breached") == [(pk, channel) for pk in supervisors for channel in ("email", "sms")]
    assert Application.objects.get(pk=application.pk).sla_breached

    # The second sweep finds nothing new to say.
    assert actions.sweep_sla(now=datetime(2026, 12, 7, 9, tzinfo=BAHRAIN)) == (0, 0)
    assert Event.objects.filter(application=application).count() == events_before + 1
    assert len(notifications("sla_breached")) == 4

    # The breach shows in the supervisors' queue filter.
    breached = queue(staff.supervisor, application.entity_id, QueueFilter(sla="breached"), now=monday)
    assert list(breached) == [application]
    assert not queue(staff.supervisor, application.entity_id, QueueFilter(sla="on_track"), now=monday).exists()


def test_a_new_state_starts_a_new_clock(kit: Kit, clock: Clock) -> None:
    application = submitted_at(kit, clock, THURSDAY)
    staff = kit.staff(application.entity_id)
    monday = datetime(2026, 12, 7, 9, tzinfo=BAHRAIN)
    assert actions.sweep_sla(now=monday) == (0, 1)

    clock(monday)
    actions.perform(application=Application.objects.get(pk=application.pk), actor=staff.officer, action="claim")
    row = Application.objects.get(pk=application.pk)
    assert row.state == "in_review" and not row.sla_breached and not row.sla_warned
    # Five working days after Monday 7 December: the 8th, 9th, 10th, 13th and 14th.
    assert row.state_due_at == datetime(2026, 12, 14, 23, 59, 59, tzinfo=BAHRAIN)
    assert sla_status(row, now=monday) == SlaStatus.ON_TRACK


def test_closed_and_applicant_owned_applications_have_no_clock(kit: Kit, clock: Clock) -> None:
    application = submitted_at(kit, clock, THURSDAY)
    staff = kit.staff(application.entity_id)
    actions.perform(application=application, actor=staff.officer, action="claim")
    actions.perform(
        application=application,
        actor=staff.officer,
        action="request_correction",
        comment="Which school?",
        correction_fields=["requested_school"],
    )
    waiting = Application.objects.get(pk=application.pk)
    assert waiting.state_due_at is None and sla_status(waiting) is None  # the applicant's turn

    rejected = submitted_at(kit, clock, THURSDAY)
    actions.perform(application=rejected, actor=staff.officer, action="claim")
    actions.perform(application=rejected, actor=staff.officer, action="reject", comment="No place")
    assert sla_status(Application.objects.get(pk=rejected.pk)) is None
    assert actions.sweep_sla(now=datetime(2027, 1, 31, tzinfo=BAHRAIN)) == (0, 0)
    assert not Notification.objects.filter(event__startswith="sla_").exists()

    draft = kit.start(SERVICE)
    assert sla_status(draft) is None
