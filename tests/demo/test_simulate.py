"""The simulated history: repeatable, its counters equal to what its rows say, and believable in
the ways the dashboards show (take-up rising after a launch, drafts abandoned, SLAs missed,
a plan for every entity with late and on-track milestones)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from tahawul.applications.models import DRAFT, Application, CompletedDay, Event, ProcessingMonth, ServiceMonth
from tahawul.catalog.models import Service
from tahawul.core.calendar import working_days_between
from tahawul.definitions.selectors import parsed
from tahawul.definitions.workflow import expected_working_days
from tahawul.demo.simulate import HistoryExists, SimulatedHistory, simulate
from tahawul.feedback.models import Case, CaseKind, Rating, SatisfactionDay
from tahawul.performance.models import ChannelCost, OfflineVolume
from tahawul.plans.models import STAGE_ORDER, Milestone, MilestoneStatus, Plan, PlanEvent, PlanStatus, PlanVersion

# One worker runs them all (make test: --dist loadgroup), so the module's history is made once.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("simulated-history")]

TODAY = date(2026, 6, 14)
MONTHS = 12
SCALE = 0.2


@pytest.fixture(scope="module")
def history(django_db_setup: None, django_db_blocker: Any) -> Iterator[SimulatedHistory]:
    """One small history for the module's tests, rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield simulate(months=MONTHS, seed=7, scale=SCALE, today=TODAY)
        transaction.set_rollback(True)


def test_the_service_months_are_what_the_applications_say(history: SimulatedHistory) -> None:
    expected: dict[tuple[Any, ...], Counter[str]] = {}
    rows = Application.objects.values_list(
        "service_id", "channel", "created_at", "submitted_at", "closed_at", "sla_missed"
    )
    for service_id, channel, created, submitted, closed, missed in rows:
        begun = expected.setdefault((service_id, channel, timezone.localdate(created).replace(day=1)), Counter())
        begun["started"] += 1
        begun["submitted"] += submitted is not None
        if closed is not None:
            ended = expected.setdefault((service_id, channel, timezone.localdate(closed).replace(day=1)), Counter())
            ended["completed"] += 1
            ended["within_sla"] += not missed
    complaints = Case.objects.filter(kind=CaseKind.COMPLAINT, service__isnull=False)
    for service_id, concerned, filed_on, created in complaints.values_list(
        "service_id", "channel_concerned", "filed_on", "created_at"
    ):
        key = (service_id, concerned or filed_on, timezone.localdate(created).replace(day=1))
        expected.setdefault(key, Counter())["complaints"] += 1
    fields = ("started", "submitted", "completed", "within_sla", "complaints")
    stored = {
        (row[0], row[1], row[2]): Counter({name: value for name, value in zip(fields, row[3:], strict=True) if value})
        for row in ServiceMonth.objects.values_list("service_id", "channel", "month", *fields)
    }

    assert history.applications == len(rows)
    assert stored == expected
    assert sum(counter["complaints"] for counter in stored.values()) > 0


def test_processing_months_and_completed_days_are_what_the_closed_applications_say(history: SimulatedHistory) -> None:
    histogram: Counter[tuple[Any, ...]] = Counter()
    days: Counter[tuple[Any, ...]] = Counter()
    closed = Application.objects.filter(closed_at__isnull=False)
    for service_id, channel, submitted, ended in closed.values_list(
        "service_id", "channel", "submitted_at", "closed_at"
    ):
        closed_on = timezone.localdate(ended)
        taken = working_days_between(timezone.localdate(submitted), closed_on)  # the calendar, not the simulator's
        histogram[(service_id, channel, closed_on.replace(day=1), taken)] += 1
        days[(service_id, channel, closed_on)] += 1

    assert (
        Counter(
            {
                row[:4]: row[4]
                for row in ProcessingMonth.objects.values_list(
                    "service_id", "channel", "month", "working_days", "completed"
                )
            }
        )
        == histogram
    )
    assert (
        Counter(
            {row[:3]: row[3] for row in CompletedDay.objects.values_list("service_id", "channel", "day", "completed")}
        )
        == days
    )
    assert max(closed.values_list("closed_at", flat=True)) < timezone.make_aware(datetime.combine(TODAY, time()))


def take_up(service_ids: list[int], months: list[date]) -> float:
    digital = (
        ServiceMonth.objects.filter(service_id__in=service_ids, month__in=months).aggregate(n=Sum("completed"))["n"]
        or 0
    )
    paper = (
        OfflineVolume.objects.filter(service_id__in=service_ids, month__in=months).aggregate(n=Sum("completed"))["n"]
        or 0
    )
    return digital / (digital + paper)


def test_take_up_rises_after_a_service_is_launched(history: SimulatedHistory) -> None:
    first = history.first_month
    launched = (
        Milestone.objects.filter(
            kind="launch",
            status=MilestoneStatus.DONE,
            done_on__gte=first + timedelta(days=95),
            done_on__lte=TODAY - timedelta(days=95),
        )
        .order_by("-item__service__annual_volume")
        .select_related("item")
    )
    assert launched
    milestone = launched[0]
    launch_month = milestone.done_on.replace(day=1)
    before = [month for month in month_list(first) if month < launch_month][-3:]
    after = month_list(first)[-2:]

    assert take_up([milestone.item.service_id], after) > take_up([milestone.item.service_id], before) + 0.2
    everything = list(Service.objects.values_list("pk", flat=True))
    assert take_up(everything, month_list(first)[-3:]) > take_up(everything, month_list(first)[:3])


def month_list(first: date) -> list[date]:
    return [
        date(first.year + (first.month - 1 + number) // 12, (first.month - 1 + number) % 12 + 1, 1)
        for number in range(MONTHS)
    ]


def test_some_drafts_are_abandoned_and_more_online_than_at_the_counter(history: SimulatedHistory) -> None:
    drafts = Application.objects.filter(state=DRAFT)
    by_channel = dict(
        Application.objects.values_list("channel")
        .annotate(n=Count("pk"), left=Count("pk", filter=Q(state=DRAFT)))
        .values_list("channel", "left")
    )
    started = dict(Application.objects.values_list("channel").annotate(n=Count("pk")))

    assert drafts.filter(submitted_at__isnull=False).count() == 0
    assert 0.05 < drafts.count() / history.applications < 0.4
    assert by_channel["web"] / started["web"] > by_channel["counter"] / started["counter"]


def test_some_applications_miss_their_sla_and_each_breach_has_its_event(history: SimulatedHistory) -> None:
    closed = Application.objects.filter(closed_at__isnull=False).select_related("version")
    missed = [application for application in closed if application.sla_missed]
    breached_events = set(Event.objects.filter(action="sla_breached").values_list("application_id", flat=True))

    assert 0.03 < len(missed) / len(closed) < 0.4
    assert {application.pk for application in missed} <= breached_events
    for application in missed[:50]:
        workflow = parsed(application.version).workflow
        assert workflow is not None
        sla = expected_working_days(workflow) or 0
        taken = working_days_between(
            timezone.localdate(application.submitted_at), timezone.localdate(application.closed_at)
        )
        assert taken > sla


def test_every_application_is_one_the_actions_could_have_made(history: SimulatedHistory) -> None:
    for application in Application.objects.select_related("version").order_by("pk")[:3_000]:
        definition = parsed(application.version)
        assert definition.workflow is not None
        assert application.channel in definition.channels
        state = definition.workflow.states[application.state] if application.state != DRAFT else None
        assert (application.closed_at is not None) == bool(state and state.final)
        assert (application.assisted_by_id is not None) == (application.channel in {"counter", "call_centre"})
        assert bool(application.device) == (application.channel == "kiosk")
        if application.submitted_at is not None:
            assert application.created_at <= application.submitted_at
            assert application.closed_at is None or application.submitted_at < application.closed_at


def test_every_entity_with_services_has_a_plan_most_approved_with_a_version(history: SimulatedHistory) -> None:
    with_services = set(Service.objects.values_list("entity_id", flat=True))
    plans = Plan.objects.all()

    assert set(plans.values_list("entity_id", flat=True)) == with_services
    approved = plans.filter(status=PlanStatus.APPROVED)
    assert approved.count() >= len(with_services) - 3
    assert set(plans.values_list("status", flat=True)) >= {PlanStatus.APPROVED, PlanStatus.SUBMITTED, PlanStatus.DRAFT}
    for plan in approved:
        version = PlanVersion.objects.get(plan=plan, number=plan.approved_version)
        assert set(version.snapshot) == {"plan", "items"}
        assert version.snapshot["items"] and all(len(item["milestones"]) == 6 for item in version.snapshot["items"])
        assert {item["milestones"][0]["status"] for item in version.snapshot["items"]} == {"not_started"}
    assert PlanEvent.objects.filter(after_approval=True).exclude(reason="").exists()
    assert not PlanEvent.objects.filter(after_approval=True, reason="").exists()


def test_milestones_run_late_on_time_and_ahead_within_the_plan(history: SimulatedHistory) -> None:
    milestones = Milestone.objects.select_related("item__plan")
    done_late = milestones.filter(status=MilestoneStatus.DONE, done_on__gt=F("due_on"))
    late_open = milestones.exclude(status=MilestoneStatus.DONE).filter(due_on__lt=TODAY)
    on_track = milestones.exclude(status=MilestoneStatus.DONE).filter(due_on__gte=TODAY)

    assert done_late.exists() and late_open.exists() and on_track.exists()
    for milestone in milestones:
        plan = milestone.item.plan
        assert plan.first_year <= milestone.due_on.year <= plan.last_year
        assert milestone.done_on is None or milestone.done_on < TODAY
        assert STAGE_ORDER[milestone.item.target_stage] >= STAGE_ORDER[milestone.item.baseline_stage]


def test_ratings_follow_the_transactions(history: SimulatedHistory) -> None:
    completed = CompletedDay.objects.aggregate(n=Sum("completed"))["n"]
    rated = Rating.objects.count()

    assert history.ratings == rated
    assert 0.08 < rated / completed < 0.35  # the response rates of feedback_history, 10-33 %
    moods = SatisfactionDay.objects.aggregate(n=Sum(F("satisfied") + F("neutral") + F("dissatisfied")))["n"]
    assert moods == rated
    rated_cells = set(Rating.objects.values_list("service_id", "channel", "day"))
    assert rated_cells == set(SatisfactionDay.objects.values_list("service_id", "channel", "day"))
    assert rated_cells <= set(CompletedDay.objects.values_list("service_id", "channel", "day"))  # only what was done


def cost_per_transaction(channel: str) -> float:
    """BHD per transaction of a channel over the whole history, all entities together."""
    fils = ChannelCost.objects.filter(channel=channel).aggregate(n=Sum(F("staff_fils") + F("running_fils")))["n"]
    in_tahawul = ServiceMonth.objects.filter(channel=channel).aggregate(n=Sum("completed"))["n"] or 0
    on_paper = OfflineVolume.objects.filter(channel=channel).aggregate(n=Sum("completed"))["n"] or 0
    return fils / (in_tahawul + on_paper) / 1000


def test_channel_costs_are_believable_dinars_per_transaction(history: SimulatedHistory) -> None:
    assert all(isinstance(value, int) for value in ChannelCost.objects.values_list("staff_fils", flat=True))
    assert 2.5 < cost_per_transaction("counter") < 6
    assert 1 < cost_per_transaction("call_centre") < 3
    assert 0.05 < cost_per_transaction("web") < 0.5
    assert {quarter.month for quarter in ChannelCost.objects.values_list("quarter", flat=True)} <= {1, 4, 7, 10}


def test_a_second_history_is_refused(history: SimulatedHistory) -> None:
    with pytest.raises(HistoryExists):
        simulate(months=2, scale=0.01, today=TODAY)
    with pytest.raises(CommandError, match="already has a simulated history"):
        call_command("simulate", "--months", "2", "--scale", "0.01", stdout=StringIO())
