"""The simulated applications, month by month, with the counters that must say the same.

For every service, channel and month: drafts begun (some abandoned, more on kiosks and before a
launch), submitted a few minutes later, processed in working days that mostly keep the
definition's SLA and sometimes not, and closed in one of the definition's final states. Those
that would close after the history's end are left open in the first state, in the queue.

Rows are written straight into the tables with explicit ids (bulk.insert_rows); the counters
(ServiceMonth, ProcessingMonth, CompletedDay) are counted from the very rows as they are made,
and OfflineVolume holds the transactions that stayed on paper.

Events: every breached SLA gets its ``sla_breached`` event (the KPI reads breaches from them),
but the ``start``/``submit``/closing events only the applications begun in the last
``event_months`` months: three events each for millions of applications would double the
load time and the database, for timelines nobody opens.
"""

from __future__ import annotations

import bisect
import json
import math
import random
import secrets
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from tahawul.applications.models import DRAFT, Application, Event
from tahawul.core.references import ALPHABET
from tahawul.demo.bulk import insert_rows, next_id, reset_sequences
from tahawul.demo.feedback_history import OFFICE_HOURS, ONLINE_HOURS, WEEKDAY_SHAPE
from tahawul.demo.history_calendar import DAY_SECONDS, Clock, add_months
from tahawul.demo.history_people import Staff
from tahawul.demo.history_services import FinalState, ServiceFacts
from tahawul.demo.history_volumes import (
    OFFLINE_SPLIT,
    Profile,
    channel_weights,
    digital_share,
    progress,
    transactions,
    whole,
)
from tahawul.performance.models import OfflineVolume

SWEEP_DELAY = timedelta(minutes=10)  # the periodic SLA sweep notices a breach a little later
OFFICE_CHANNELS = frozenset({"counter", "call_centre", "kiosk"})
ASSISTED_CHANNELS = frozenset({"counter", "call_centre"})
# Drafts never submitted, per channel, once a service has settled online; higher before its launch.
ABANDONED = {"web": 0.18, "mobile": 0.15, "kiosk": 0.25, "counter": 0.03, "call_centre": 0.06, "open311": 0.04}
ABANDONED_BEFORE_LAUNCH = 0.08
OUTCOME_WEIGHTS = {"approved": 82, "rejected": 9, "withdrawn": 5, "closed": 4}
CLOSED_DAY_SHAPE = 0.35
MOST_WORKING_DAYS = 200  # the longest a simulated application takes (the clock looks that far ahead)
APPLICATION_COLUMNS = (
    "id",
    "reference",
    "service_id",
    "version_id",
    "entity_id",
    "applicant_id",
    "channel",
    "assisted_by_id",
    "device",
    "state",
    "answers",
    "fee_fils",
    "paid_at",
    "assignee_id",
    "revision",
    "created_at",
    "updated_at",
    "submitted_at",
    "expected_by",
    "state_entered_at",
    "state_due_at",
    "sla_warned",
    "sla_breached",
    "sla_missed",
    "closed_at",
    "outcome",
    "correction_fields",
    "correction_comment",
)
EVENT_COLUMNS = (
    "application_id",
    "at",
    "actor_id",
    "on_behalf_of_id",
    "channel",
    "action",
    "from_state",
    "to_state",
    "comment",
    "details",
)

Key = tuple[int, str, date]  # (service id, channel, month or day)


@dataclass
class Counts:
    """The counters as the rows say them, keyed by (service id, channel, month or day)."""

    service_months: dict[Key, dict[str, int]] = field(default_factory=dict)
    processing: dict[tuple[int, str, date, int], int] = field(default_factory=lambda: defaultdict(int))
    completed_days: dict[Key, int] = field(default_factory=lambda: defaultdict(int))
    offline: dict[Key, int] = field(default_factory=dict)

    def month(self, key: Key) -> dict[str, int]:
        cell = self.service_months.get(key)
        if cell is None:
            cell = self.service_months[key] = {
                "started": 0,
                "submitted": 0,
                "completed": 0,
                "within_sla": 0,
                "complaints": 0,
            }
        return cell


@dataclass(frozen=True)
class Written:
    applications: int
    drafts: int
    still_open: int
    events: int
    offline_rows: int
    counts: Counts


class _Picker:
    def __init__(self, items: list[Any], weights: list[float]) -> None:
        self.items, self.cumulative = items, list(accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, draw: float) -> Any:
        return self.items[bisect.bisect_right(self.cumulative, draw * self.total)]


# Each random byte read as one character of the alphabet (256 is a multiple of its 32 letters,
# so every character is equally likely): 12 characters, 60 random bits, as new_reference has.
_BYTE_TO_CHARACTER = bytes(ord(ALPHABET[byte % 32]) for byte in range(256))


def reference() -> str:
    """As core.references.new_reference, from one call to the system's random source."""
    body = secrets.token_bytes(12).translate(_BYTE_TO_CHARACTER).decode()
    return f"TH-{body[:4]}-{body[4:8]}-{body[8:]}"


@dataclass
class _World:
    """Everything the row loop reads, looked up once."""

    rng: random.Random
    clock: Clock
    today: date
    cutoff: datetime  # local midnight starting ``today``: nothing happens at or after it
    staff: Staff
    pool: list[int]
    kiosks: list[str]
    events_from: date
    counts: Counts
    events: list[tuple[Any, ...]] = field(default_factory=list)
    slowness: dict[int, float] = field(default_factory=dict)  # per service, 0-1: some are much slower
    next_pk: int = 1
    drafts: int = 0
    still_open: int = 0
    online_hours: _Picker = field(default_factory=lambda: _Picker(list(ONLINE_HOURS), list(ONLINE_HOURS.values())))
    office_hours: _Picker = field(default_factory=lambda: _Picker(list(OFFICE_HOURS), list(OFFICE_HOURS.values())))


def make_applications(
    rng: random.Random,
    *,
    facts: list[ServiceFacts],
    profiles: dict[int, Profile],
    staff: Staff,
    pool: list[int],
    kiosks: list[str],
    months: list[date],
    clock: Clock,
    today: date,
    event_months: int,
) -> Written:
    """Write the applications of ``months`` (first days, oldest first) and the offline volumes;
    return what was written with the counters the rows add up to (not yet written)."""
    counts = Counts()
    world = _World(
        rng=rng,
        clock=clock,
        today=today,
        cutoff=clock.at(today, 0),
        staff=staff,
        pool=pool,
        kiosks=kiosks,
        events_from=add_months(months[-1], 1 - event_months) if event_months else date.max,
        counts=counts,
        slowness={item.service_id: rng.random() for item in facts},
    )
    world.next_pk = next_id(Application)
    applications = events = 0
    for months_in, month in enumerate(months):  # a month at a time: the events never pile up
        applications += insert_rows(Application, APPLICATION_COLUMNS, _rows(world, facts, profiles, months_in, month))
        events += insert_rows(Event, EVENT_COLUMNS, world.events)
        world.events.clear()
    reset_sequences(Application, Event)
    offline_rows = _offline_volumes(staff, facts, counts, world.cutoff - timedelta(hours=1))
    return Written(applications, world.drafts, world.still_open, events, offline_rows, counts)


def _rows(
    world: _World, facts: list[ServiceFacts], profiles: dict[int, Profile], months_in: int, month: date
) -> Iterator[tuple[Any, ...]]:
    """The applications begun in ``month``, service by service, channel by channel."""
    rng = world.rng
    online_days, office_days = _day_pickers(world.clock, month)
    middle = month + timedelta(days=14)
    for item in facts:
        profile = profiles[item.service_id]
        total = transactions(rng, profile, month, months_in)
        share = digital_share(profile, middle, months_in)
        paper = total * (1 - share)
        for channel, part in OFFLINE_SPLIT:
            amount = whole(rng, paper * part)
            if amount:
                world.counts.offline[(item.service_id, channel, month)] = amount
        # Before its launch a re-engineered service took applications under its earlier version.
        launched_on = profile.launched_on
        under = item.earlier if item.earlier is not None and launched_on and middle < launched_on else item
        if not under.takes_applications or share <= 0:
            continue
        weights = channel_weights(profile, under.channels, middle)
        if not world.kiosks:
            weights.pop("kiosk", None)
        weight_sum = sum(weights.values())
        launched = progress(profile, middle)
        for channel, weight in weights.items():
            abandoned = ABANDONED[channel] + ABANDONED_BEFORE_LAUNCH * (1 - launched)
            started = whole(rng, total * share * weight / weight_sum / (1 - abandoned))
            days = office_days if channel in OFFICE_CHANNELS else online_days
            for _number in range(started):
                yield _application(world, under, channel, abandoned, launched, days, month, world.next_pk)
                world.next_pk += 1


def _day_pickers(clock: Clock, month: date) -> tuple[_Picker, _Picker]:
    """The month's days, weighted: online every day (less on weekends), in person on working days."""
    following = add_months(month, 1)
    days = [month + timedelta(days=number) for number in range((following - month).days)]
    working = [clock.working[clock.index(day)] for day in days]
    online = [
        WEEKDAY_SHAPE[day.weekday()] if open_ else CLOSED_DAY_SHAPE for day, open_ in zip(days, working, strict=True)
    ]
    office = [WEEKDAY_SHAPE[day.weekday()] if open_ else 0.0 for day, open_ in zip(days, working, strict=True)]
    return _Picker(days, online), _Picker(days, office)


def _application(
    world: _World,
    item: ServiceFacts,
    channel: str,
    abandoned: float,
    launched: float,
    days: _Picker,
    month: date,
    pk: int,
) -> tuple[Any, ...]:
    """One application begun in ``month``: abandoned, still open, or closed; counted as made."""
    clock, draw = world.clock, world.rng.random
    day: date = days.pick(draw())
    hours = world.office_hours if channel in OFFICE_CHANNELS else world.online_hours
    second = hours.pick(draw()) * 3600 + int(draw() * 3600)
    created = clock.at(day, second)
    applicant = world.pool[int(draw() * len(world.pool))]
    officers = world.staff.officers[item.entity_id]
    assisted = officers[int(draw() * len(officers))] if channel in ASSISTED_CHANNELS else None
    device = world.kiosks[int(draw() * len(world.kiosks))] if channel == "kiosk" else ""
    who = (pk, item, channel, applicant, assisted, device)
    month_cell = world.counts.month((item.service_id, channel, month))
    month_cell["started"] += 1
    with_events = day >= world.events_from
    actor, on_behalf_of = assisted or applicant, applicant if assisted else None
    if with_events:
        world.events.append((pk, created, actor, on_behalf_of, channel, "start", "", DRAFT, "", "{}"))
    if draw() < abandoned:
        world.drafts += 1
        updated = clock.at(day, min(second + 60 + int(draw() * 1500), DAY_SECONDS - 1))
        return _row(*who, state=DRAFT, created=created, updated=updated, revision=2, entered=created)
    month_cell["submitted"] += 1
    submitted_second = min(second + 120 + int(draw() * 2400), DAY_SECONDS - 2)
    submitted = clock.at(day, submitted_second)
    if with_events:
        world.events.append(
            (pk, submitted, actor, on_behalf_of, channel, "submit", DRAFT, item.initial_state, "", "{}")
        )
    handled: dict[str, Any] = {
        "fee": item.fee_fils,
        "paid": submitted if item.fee_fils else None,
        "assignee": officers[int(draw() * len(officers))],
        "expected_by": clock.add(day, item.sla_days) if item.sla_days else None,
        "submitted": submitted,
        "created": created,
    }
    working_days, breached = _processing(world.rng, item, launched, world.slowness[item.service_id])
    closed_day = clock.add(day, working_days) if working_days else day
    if closed_day >= world.today:  # still being worked on when the history ends
        return _still_open(world, who, day, handled)
    if working_days:
        closed = clock.at(closed_day, hours_of_office(world, draw))
    else:
        closed = clock.at(day, min(submitted_second + 1800 + int(draw() * 9000), DAY_SECONDS - 1))
    final = _final_state(item.finals, draw())
    if breached:
        world.events.append(_breach(pk, clock.end_of(clock.add(day, item.sla_days))))
    if with_events:
        world.events.append(
            (pk, closed, handled["assignee"], None, "", final.action, final.from_state, final.key, "", "{}")
        )
    closed_month = closed_day.replace(day=1)
    closed_cell = world.counts.month((item.service_id, channel, closed_month))
    closed_cell["completed"] += 1
    closed_cell["within_sla"] += not breached
    world.counts.processing[(item.service_id, channel, closed_month, clock.between(day, closed_day))] += 1
    world.counts.completed_days[(item.service_id, channel, closed_day)] += 1
    return _row(
        *who,
        state=final.key,
        **handled,
        updated=closed,
        revision=4,
        entered=closed,
        missed=breached,
        closed=closed,
        outcome=final.outcome,
    )


def _still_open(world: _World, who: tuple[Any, ...], day: date, handled: dict[str, Any]) -> tuple[Any, ...]:
    """Submitted, not yet done: unclaimed in the first state of its workflow, its deadline kept or
    missed (with the event the sweep would have written), nobody warned twice."""
    world.still_open += 1
    pk, item = who[0], who[1]
    due = world.clock.end_of(world.clock.add(day, item.initial_sla_days)) if item.initial_sla_days else None
    overdue = due is not None and due + SWEEP_DELAY < world.cutoff
    if overdue:
        assert due is not None
        world.events.append(_breach(pk, due))
    return _row(
        *who,
        state=item.initial_state,
        **(handled | {"assignee": None}),  # nobody has claimed it yet
        updated=handled["submitted"],
        revision=2,
        entered=handled["submitted"],
        due=due,
        warned=due is not None,
        breached=overdue,
        missed=overdue,
    )


def _row(
    pk: int,
    item: ServiceFacts,
    channel: str,
    applicant: int,
    assisted: int | None,
    device: str,
    *,
    state: str,
    created: datetime,
    updated: datetime,
    revision: int,
    entered: datetime,
    fee: int = 0,
    paid: datetime | None = None,
    assignee: int | None = None,
    submitted: datetime | None = None,
    expected_by: date | None = None,
    due: datetime | None = None,
    warned: bool = False,
    breached: bool = False,
    missed: bool = False,
    closed: datetime | None = None,
    outcome: str = "",
) -> tuple[Any, ...]:
    """The application's values in the order of APPLICATION_COLUMNS."""
    return (
        pk,
        reference(),
        item.service_id,
        item.version_id,
        item.entity_id,
        applicant,
        channel,
        assisted,
        device,
        state,
        "{}",  # answers
        fee,
        paid,
        assignee,
        revision,
        created,
        updated,
        submitted,
        expected_by,
        entered,  # state_entered_at
        due,  # state_due_at
        warned,
        breached,
        missed,
        closed,
        outcome,
        "[]",  # correction_fields
        "",  # correction_comment
    )


def hours_of_office(world: _World, draw: Any) -> int:
    return int(world.office_hours.pick(draw()) * 3600 + draw() * 3600)


def _breach(pk: int, due: datetime) -> tuple[Any, ...]:
    return (pk, due + SWEEP_DELAY, None, None, "", "sla_breached", "", "", "", json.dumps({"due": str(due)}))


def _processing(rng: random.Random, item: ServiceFacts, launched: float, slowness: float) -> tuple[int, bool]:
    """Working days from submission to the final state, and whether that broke the SLA: most
    within it, some well past it (fewer once the re-engineered version has settled in)."""
    sla = item.sla_days
    if sla == 0:
        return (0 if rng.random() < 0.8 else 1), False
    breach_share = (0.05 + 0.14 * slowness) * (1.4 - 0.7 * launched)
    if rng.random() < breach_share:
        late = 1 + int(-math.log(1 - rng.random()) * (1 + sla * 0.5))
        return min(sla + late, sla * 3 + 20, MOST_WORKING_DAYS), True
    return max(int(sla * (0.3 + 0.7 * rng.random() ** 0.7)), 0 if sla == 1 else 1), False


def _final_state(finals: tuple[FinalState, ...], draw: float) -> FinalState:
    weights = [OUTCOME_WEIGHTS.get(final.outcome, 4) for final in finals]
    return finals[bisect.bisect_right(list(accumulate(weights)), draw * sum(weights))]


def _offline_volumes(staff: Staff, facts: list[ServiceFacts], counts: Counts, cutoff: datetime) -> int:
    entity_of = {item.service_id: item.entity_id for item in facts}
    rows = []
    for (service_id, channel, month), amount in counts.offline.items():
        entity_id = entity_of[service_id]
        entered = min(datetime.combine(add_months(month, 1) + timedelta(days=6), time(7), tzinfo=UTC), cutoff)
        rows.append((service_id, entity_id, channel, month, amount, staff.admins.get(entity_id), entered))
    return insert_rows(
        OfflineVolume, ("service_id", "entity_id", "channel", "month", "completed", "entered_by_id", "entered_at"), rows
    )
