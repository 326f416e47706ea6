"""A believable, repeatable history of ratings and cases, for the demo government and the benchmark.

``generate_feedback`` writes ratings straight into the database in bulk (COPY on PostgreSQL,
batched inserts elsewhere), the per-day aggregates computed from exactly the rows it wrote, the
completed transactions those are weighed by, and a few dozen cases with their timelines. It does
not go through ``record_rating``: ten million ratings one by one would take hours, and a history
needs no flood limits, classifier or notifications (the sentiment and topic of a comment are
copied from the labelled seed set it was taken from).
"""

from __future__ import annotations

import bisect
import json
import random
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

import tahawul.feedback
from tahawul.applications.models import CompletedDay
from tahawul.catalog.models import Service, ServiceChannel
from tahawul.core.calendar import is_working_day
from tahawul.core.choices import Channel
from tahawul.demo.bulk import BATCH as BATCH  # the batch size, as the tests know it
from tahawul.demo.bulk import add_to_cells, insert_rows
from tahawul.demo.feedback_cases import make_cases
from tahawul.feedback.models import Endpoint, Face, Instrument, MoodChoice, Rating, SatisfactionDay
from tahawul.feedback.ratings import EASE_AGREES_FROM, client_digest

SEED_COMMENTS = Path(tahawul.feedback.__file__).resolve().parent / "text" / "seed_comments.yaml"

# How much of a service's use each channel carries, before normalising over the channels it offers.
CHANNEL_SHARE = {
    Channel.WEB: 1.0,
    Channel.MOBILE: 1.3,
    Channel.KIOSK: 0.2,
    Channel.COUNTER: 0.35,
    Channel.CALL_CENTRE: 0.12,
}
# Points of "satisfied" a channel usually adds or takes away; some services are much worse in person.
CHANNEL_SHIFT = {
    Channel.WEB: 0.0,
    Channel.MOBILE: 0.02,
    Channel.KIOSK: -0.03,
    Channel.COUNTER: -0.02,
    Channel.CALL_CENTRE: -0.04,
}
WEAK_IN_PERSON_SHIFT = -0.15
# Ratings per completed transaction: what makes response rates between about 10 % and 33 %.
RESPONSE_RATE = {
    Channel.WEB: 0.18,
    Channel.MOBILE: 0.24,
    Channel.KIOSK: 0.3,
    Channel.COUNTER: 0.11,
    Channel.CALL_CENTRE: 0.1,
}
OFFICE_HOURS_CHANNELS = frozenset({Channel.KIOSK, Channel.COUNTER, Channel.CALL_CENTRE})
CLOSED_DAY_FACTOR = 0.08  # counters and call centres hardly work on weekends and holidays
# Working days by weekday (Monday first): Sunday, after the weekend, is the busiest.
WEEKDAY_SHAPE = (1.05, 1.0, 0.95, 0.9, 0.9, 0.9, 1.15)
CLOSED_DAY_SHAPE = 0.35
# Local hours (weights) when people rate: online from early morning to late evening, in person
# during office hours. Nothing after 23:00, so a DST shift cannot push a rating into the next day.
ONLINE_HOURS = dict(zip(range(6, 23), (1, 2, 4, 6, 8, 8, 7, 6, 6, 5, 5, 6, 7, 8, 8, 6, 3), strict=True))
OFFICE_HOURS = dict(zip(range(7, 15), (5, 8, 9, 9, 8, 6, 4, 2), strict=True))

FACES_SHARE = 0.86  # the rest answered with a score only
SCORE_WITH_FACE_SHARE = 0.25
EASE_SHARE = 0.4
COMMENT_SHARE = 0.15
ARABIC_SHARE = 0.7
CLIENTS = 4_000
KIOSKS = 12
COUNTERS = 30

SATISFIED, NEUTRAL, DISSATISFIED = 0, 1, 2
MOODS = (MoodChoice.SATISFIED.value, MoodChoice.NEUTRAL.value, MoodChoice.DISSATISFIED.value)
FACES = (Face.HAPPY.value, Face.NEUTRAL.value, Face.UNHAPPY.value)
# Weighted tables, read with one random number: expanded so that a uniform pick follows the weights.
EASE_BY_MOOD = (
    (4, 5, 5, 5, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7),
    (3, 3, 4, 4, 4, 4, 5, 5, 5),
    (1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4),
)
COMMENT_SENTIMENT_BY_MOOD = (
    {"positive": 0.85, "neutral": 0.15},
    {"neutral": 0.6, "negative": 0.25, "positive": 0.15},
    {"negative": 0.95, "neutral": 0.05},
)
ONLINE_ENDPOINTS = (
    # (endpoint, weight when not dissatisfied, weight when dissatisfied)
    (Endpoint.COMPLETED.value, 55, 30),
    (Endpoint.SUBMITTED.value, 20, 12),
    (Endpoint.APPROVED.value, 17, 8),
    (Endpoint.REJECTED.value, 3, 20),
    (Endpoint.ERROR.value, 1, 14),
    (Endpoint.INELIGIBLE.value, 2, 10),
    (Endpoint.WITHDRAWN.value, 2, 6),
)

RATING_COLUMNS = (
    "service_id",
    "entity_id",
    "channel",
    "instrument",
    "face",
    "score",
    "ease",
    "mood",
    "comment",
    "endpoint",
    "language",
    "device",
    "client_digest",
    "sentiment",
    "topics",
    "created_at",
    "day",
    "updated_at",
)
AGGREGATE_FIELDS = ("satisfied", "neutral", "dissatisfied", "ease_n", "ease_sum", "ease_agree")

CellDay = tuple[int, str, date]  # (service id, channel, day)


@dataclass(frozen=True)
class SeedComment:
    text: str
    language: str
    topic: str
    sentiment: str


FALLBACK_COMMENTS = tuple(
    SeedComment(text, language, "other", "neutral")
    for text, language in (
        ("أنجزت المعاملة اليوم.", "ar"),
        ("قدمت الطلب عن طريق التطبيق.", "ar"),
        ("راجعت المركز لاستلام الوثيقة.", "ar"),
        ("الخدمة كما توقعت.", "ar"),
        ("سألت عن المستندات المطلوبة قبل التقديم.", "ar"),
        ("هذه أول مرة أستخدم فيها الخدمة.", "ar"),
        ("جددت الوثيقة قبل انتهائها بشهر.", "ar"),
        ("دفعت الرسوم بالبطاقة.", "ar"),
        ("I applied through the website.", "en"),
        ("I renewed it at the service centre.", "en"),
        ("It went as I expected.", "en"),
        ("I used the kiosk at the mall.", "en"),
    )
)


@cache
def seed_comments(path: Path = SEED_COMMENTS) -> tuple[SeedComment, ...]:
    """The training half of the labelled seed comments (never the held-out test split, so the
    classifier trained on ratings cannot have seen its test items); a dozen neutral comments when
    the file is missing or empty."""
    if not path.exists():
        return FALLBACK_COMMENTS
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ten times faster
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}  # noqa: S506 - a safe loader
    items = document.get("comments", []) if isinstance(document, dict) else document
    comments = tuple(
        SeedComment(str(item["text"]), str(item.get("language", "ar")), str(item["topic"]), str(item["sentiment"]))
        for item in items
        if item.get("split", "train") == "train" and item.get("text") and item.get("topic") and item.get("sentiment")
    )
    return comments or FALLBACK_COMMENTS


@dataclass(frozen=True)
class FeedbackHistory:
    """What ``generate_feedback`` wrote; the days run from ``start`` to ``end`` inclusive."""

    ratings: int
    satisfaction_days: int
    completed_days: int
    cases: int
    case_events: int
    start: date
    end: date


@dataclass
class _Cell:
    service_id: int
    entity_id: int
    channel: str
    weight: float
    satisfied: float  # chance of a satisfied answer
    dissatisfied_of_rest: float  # share of the other answers that are dissatisfied
    response_rate: float
    office_hours: bool
    falls_from: int | None = None  # the day number from which this cell suddenly gets worse


def _cells(rng: random.Random, days: int) -> list[_Cell]:
    services = list(Service.objects.order_by("code").values_list("pk", "entity_id", "annual_volume"))
    offered: dict[int, list[str]] = defaultdict(list)
    for service_id, channel in ServiceChannel.objects.values_list("service_id", "channel"):
        offered[service_id].append(channel)
    order = {channel: number for number, channel in enumerate(Channel.values)}
    busiest = sorted(services, key=lambda row: (-row[2], row[0]))[: max(len(services) // 2, 1)]
    bad = {row[0] for row in rng.sample(busiest, k=min(5, len(busiest)))}
    cells: list[_Cell] = []
    for service_id, entity_id, volume in services:
        channels = sorted(offered.get(service_id, []), key=order.__getitem__)
        if not channels:
            continue
        base = 0.38 + 0.12 * rng.random() if service_id in bad else rng.betavariate(18, 4)
        weak_in_person = rng.random() < 0.3
        share_total = sum(CHANNEL_SHARE[Channel(channel)] for channel in channels)
        for channel in channels:
            shift = CHANNEL_SHIFT[Channel(channel)]
            if weak_in_person and channel in {Channel.KIOSK, Channel.COUNTER}:
                shift += WEAK_IN_PERSON_SHIFT
            cells.append(
                _Cell(
                    service_id=service_id,
                    entity_id=entity_id,
                    channel=channel,
                    weight=max(volume, 2_000) * CHANNEL_SHARE[Channel(channel)] / share_total,
                    satisfied=min(max(base + shift + rng.gauss(0, 0.02), 0.05), 0.97),
                    dissatisfied_of_rest=0.45 + 0.3 * rng.random(),
                    response_rate=min(max(RESPONSE_RATE[Channel(channel)] * (0.8 + 0.4 * rng.random()), 0.1), 0.33),
                    office_hours=channel in OFFICE_HOURS_CHANNELS,
                )
            )
    online = [cell for cell in cells if not cell.office_hours and cell.service_id not in bad]
    if online:  # one busy online cell deteriorates in the last ten days: what the EWMA alert is for
        max(online, key=lambda cell: (cell.weight, -cell.service_id)).falls_from = max(days - 10, 0)
    return cells


def _spread(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights``, in whole numbers adding up to exactly ``total``."""
    whole = sum(weights)
    exact = [total * weight / whole for weight in weights]
    counts = [int(share) for share in exact]
    by_remainder = sorted(range(len(exact)), key=lambda index: (counts[index] - exact[index], index))
    for index in by_remainder[: total - sum(counts)]:
        counts[index] += 1
    return counts


def _day_weights(rng: random.Random, start: date, days: int) -> list[float]:
    weights = []
    for number in range(days):
        day = start + timedelta(days=number)
        shape = WEEKDAY_SHAPE[day.weekday()] if is_working_day(day) else CLOSED_DAY_SHAPE
        growth = 0.9 + 0.2 * number / max(days - 1, 1)  # take-up grows slowly over the period
        weights.append(shape * growth * (0.9 + 0.2 * rng.random()))
    return weights


class _Picker:
    """Uniform picks from weighted tables with one random number each (``bisect`` on cumulative weights)."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


@dataclass(frozen=True)
class _Comment:
    text: str
    language: str
    sentiment: str
    topics_json: str


class _Comments:
    def __init__(self, comments: Sequence[SeedComment]) -> None:
        pools: dict[str, list[_Comment]] = defaultdict(list)
        for item in comments:
            pools[item.sentiment].append(_Comment(item.text, item.language, item.sentiment, json.dumps([item.topic])))
        everything = [comment for pool in pools.values() for comment in pool]
        self.by_mood = []
        for table in COMMENT_SENTIMENT_BY_MOOD:
            present = {sentiment: weight for sentiment, weight in table.items() if pools.get(sentiment)}
            choices = [pools[sentiment] for sentiment in present] or [everything]
            self.by_mood.append(_Picker(choices, list(present.values()) or [1.0]))

    def pick(self, rng: random.Random, mood: int) -> _Comment:
        pool: list[_Comment] = self.by_mood[mood].pick(rng)
        return pool[int(rng.random() * len(pool))]


def _ratings(
    rng: random.Random,
    cells: list[_Cell],
    start: date,
    day_counts: list[int],
    satisfaction: dict[CellDay, list[int]],
    completed: dict[CellDay, int] | None,
    picks: Callable[[date], list[int]] | None = None,
) -> Iterator[tuple[Any, ...]]:
    """The rating rows day by day, oldest first, in time order within each day, counting each into
    ``satisfaction`` as it is made and the day's completed transactions into ``completed``.

    ``picks``, when given, says which cells (by index, once per rating) are rated on a day, and
    ``day_counts`` only how many days there are: the simulator rates the transactions it made
    instead of inventing the transactions from the ratings (then ``completed`` is None).

    The inner loop is written for speed (ten million ratings for the benchmark): everything a
    cell always says is looked up once, and every draw is one ``random()``."""
    comments = _Comments(seed_comments())
    clients = [client_digest(f"demo:{number}") for number in range(CLIENTS)]
    devices = {
        Channel.KIOSK.value: [f"KIOSK-{number:02d}" for number in range(1, KIOSKS + 1)],
        Channel.COUNTER.value: [f"COUNTER-{number:02d}" for number in range(1, COUNTERS + 1)],
    }
    online_hours = _Picker(list(ONLINE_HOURS), list(ONLINE_HOURS.values()))
    office_hours = _Picker(list(OFFICE_HOURS), list(OFFICE_HOURS.values()))
    online_endpoints = (
        _Picker([row[0] for row in ONLINE_ENDPOINTS], [row[1] for row in ONLINE_ENDPOINTS]),
        _Picker([row[0] for row in ONLINE_ENDPOINTS], [row[2] for row in ONLINE_ENDPOINTS]),
    )
    # Per cell: its key columns, the devices that ask there, its hours and its endpoint tables by mood.
    statics = [
        (
            (cell.service_id, cell.entity_id, cell.channel),
            devices.get(cell.channel, [""]),
            office_hours if cell.office_hours else online_hours,
            (None, None, None)
            if cell.office_hours
            else (online_endpoints[0], online_endpoints[0], online_endpoints[1]),
        )
        for cell in cells
    ]
    faces_instrument, score_instrument = Instrument.FACES.value, Instrument.SCORE.value
    visit, completed_endpoint = Endpoint.VISIT.value, Endpoint.COMPLETED.value
    local = timezone.get_current_timezone()
    random_number = rng.random
    for number, count in enumerate(day_counts):
        day = start + timedelta(days=number)
        midnight = datetime.combine(day, time(), tzinfo=local).astimezone(UTC)
        weights, thresholds = _day_cells(cells, day, number, len(day_counts))
        total_weight = sum(weights)
        picked = rng.choices(range(len(cells)), weights=weights, k=count) if picks is None else picks(day)
        tallies = [[0, 0, 0, 0, 0, 0] for _cell in cells]
        rows: list[tuple[Any, ...]] = []
        for index in picked:
            key, cell_devices, hours, endpoints = statics[index]
            tally = tallies[index]
            draw = random_number()
            satisfied_below, neutral_below = thresholds[index]
            mood = SATISFIED if draw < satisfied_below else NEUTRAL if draw < neutral_below else DISSATISFIED
            tally[mood] += 1
            if random_number() < FACES_SHARE:
                instrument, face = faces_instrument, FACES[mood]
                score = _score(random_number(), mood) if random_number() < SCORE_WITH_FACE_SHARE else None
            else:
                instrument, face, score = score_instrument, "", _score(random_number(), mood)
            ease = None
            if random_number() < EASE_SHARE:
                table = EASE_BY_MOOD[mood]
                ease = table[int(random_number() * len(table))]
                tally[3] += 1
                tally[4] += ease
                tally[5] += ease >= EASE_AGREES_FROM
            if random_number() < COMMENT_SHARE:
                comment = comments.pick(rng, mood)
                text, language, sentiment, topics = (
                    comment.text,
                    comment.language,
                    comment.sentiment,
                    comment.topics_json,
                )
            else:
                text, sentiment, topics = "", "", "[]"
                language = "ar" if random_number() < ARABIC_SHARE else "en"
            by_mood = endpoints[mood]
            if by_mood is None:
                endpoint = visit if random_number() < 0.45 else completed_endpoint
            else:
                endpoint = by_mood.pick(rng)
            device = cell_devices[int(random_number() * len(cell_devices))]
            second = hours.pick(rng) * 3600 + int(random_number() * 3600)
            client = clients[int(random_number() * CLIENTS)]
            rows.append(
                (
                    second,
                    *key,
                    instrument,
                    face,
                    score,
                    ease,
                    MOODS[mood],
                    text,
                    endpoint,
                    language,
                    device,
                    client,
                    sentiment,
                    topics,
                )
            )
        rows.sort(key=_first)
        for row in rows:
            at = midnight + timedelta(seconds=row[0])
            yield (*row[1:], at, day, at)
        for index, cell in enumerate(cells):
            tally = tallies[index]
            rated = tally[0] + tally[1] + tally[2]
            if rated:
                satisfaction[(cell.service_id, cell.channel, day)] = tally
            if completed is None:
                continue
            # Those who did not rate: as many as the cell's response rate implies for the ratings it
            # could expect that day, rounded up or down by chance so that sparse cells keep the rate.
            expected = count * weights[index] / total_weight if count else 0.0
            silent = expected * (1 / cell.response_rate - 1) * (0.85 + 0.3 * random_number())
            transactions = rated + int(silent) + (random_number() < silent - int(silent))
            if transactions:
                completed[(cell.service_id, cell.channel, day)] = transactions


def _first(row: tuple[Any, ...]) -> Any:
    return row[0]


def _day_cells(cells: list[_Cell], day: date, number: int, days: int) -> tuple[list[float], list[tuple[float, float]]]:
    """Each cell's weight on ``day`` (counters close on weekends and holidays) and its mood
    thresholds: below the first a draw is satisfied, below the second neutral, else dissatisfied."""
    open_day = is_working_day(day)
    weights = [cell.weight * (1 if open_day or not cell.office_hours else CLOSED_DAY_FACTOR) for cell in cells]
    trend = 0.04 * (number / max(days - 1, 1) - 0.5)  # a slow improvement over the period
    thresholds = []
    for cell in cells:
        satisfied, of_rest = cell.satisfied + trend, cell.dissatisfied_of_rest
        if cell.falls_from is not None and number >= cell.falls_from:
            satisfied, of_rest = satisfied - 0.3, 0.85
        satisfied = min(max(satisfied, 0.02), 0.98)
        thresholds.append((satisfied, satisfied + (1 - satisfied) * (1 - of_rest)))
    return weights, thresholds


def _score(draw: float, mood: int) -> int:
    if mood == SATISFIED:
        return 5 if draw < 0.55 else 4
    if mood == NEUTRAL:
        return 3
    return 1 if draw < 0.5 else 2


def _add_to_days(
    model: type[models.Model],
    amounts: dict[CellDay, dict[str, int]],
    entity_of: dict[int, int],
    start: date,
    end: date,
) -> int:
    """Add ``amounts`` to the per-cell-per-day rows of ``model``, creating the missing ones: a
    history loaded beside real ratings adds to their counts instead of colliding with them."""
    return add_to_cells(model, ("service_id", "channel", "day"), amounts, entity_of, ("day", start, end))


def generate_feedback(
    *,
    seed: int = 7,
    ratings: int,
    days: int = 120,
    today: date | None = None,
    with_cases: bool = True,
) -> FeedbackHistory:
    """Write ``ratings`` ratings spread over the ``days`` days before ``today`` (default: the
    local date; ``today`` itself is left alone, so nothing lands in the future), with their
    SatisfactionDay and CompletedDay rows and, ``with_cases``, a few dozen cases.

    Called by ``tahawul demo feedback`` and by bench/satisfaction.py (``demo load`` simulates a
    whole history instead, whose ratings ``rate_transactions`` writes).
    The same seed, catalogue and ``today`` give the same rows (except case references, which are
    random as everywhere). One transaction; raises ValueError for a negative ``ratings`` or a
    ``days`` below 1. Ratings go to services by their annual volume, on the channels each offers.
    """
    if ratings < 0 or days < 1:
        raise ValueError("ratings must be 0 or more and days 1 or more")
    rng = random.Random(seed)  # noqa: S311 - a repeatable demo, not a secret
    today = today or timezone.localdate()
    start, end = today - timedelta(days=days), today - timedelta(days=1)
    cells = _cells(rng, days)
    if not cells:
        return FeedbackHistory(0, 0, 0, 0, 0, start, end)
    day_counts = _spread(ratings, _day_weights(rng, start, days))
    satisfaction: dict[CellDay, list[int]] = {}
    completed: dict[CellDay, int] = {}
    entity_of = {cell.service_id: cell.entity_id for cell in cells}
    with transaction.atomic():
        first_new = (Rating.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
        written = insert_rows(Rating, RATING_COLUMNS, _ratings(rng, cells, start, day_counts, satisfaction, completed))
        satisfaction_days = _add_to_days(
            SatisfactionDay,
            {key: dict(zip(AGGREGATE_FIELDS, tally, strict=True)) for key, tally in satisfaction.items()},
            entity_of,
            start,
            end,
        )
        completed_days = _add_to_days(
            CompletedDay, {key: {"completed": total} for key, total in completed.items()}, entity_of, start, end
        )
        cases, events = (
            make_cases(rng, comments=seed_comments(), today=today, days=days, first_rating=first_new)
            if with_cases
            else (0, 0)
        )
    return FeedbackHistory(written, satisfaction_days, completed_days, cases, events, start, end)


def rate_transactions(*, rng: random.Random, completed: dict[CellDay, int], start: date, end: date) -> tuple[int, int]:
    """Ratings for transactions that were really made (the simulator's): each service, channel and
    day with ``n`` completed transactions gets about ``n`` × the cell's response rate ratings,
    with their SatisfactionDay rows; CompletedDay is left to the caller, who made the
    transactions. Returns (ratings, satisfaction days). Call inside a transaction."""
    days = (end - start).days + 1
    cells = _cells(rng, days)
    position = {(cell.service_id, cell.channel): number for number, cell in enumerate(cells)}
    by_day: dict[date, list[tuple[int, int]]] = defaultdict(list)
    for (service_id, channel, day), count in sorted(completed.items()):
        number = position.get((service_id, channel))
        if number is not None and start <= day <= end:
            by_day[day].append((number, count))

    def picks(day: date) -> list[int]:
        picked: list[int] = []
        for number, count in by_day.get(day, ()):
            expected = count * cells[number].response_rate
            picked.extend([number] * (int(expected) + (rng.random() < expected - int(expected))))
        return picked

    satisfaction: dict[CellDay, list[int]] = {}
    written = insert_rows(Rating, RATING_COLUMNS, _ratings(rng, cells, start, [0] * days, satisfaction, None, picks))
    satisfaction_days = _add_to_days(
        SatisfactionDay,
        {key: dict(zip(AGGREGATE_FIELDS, tally, strict=True)) for key, tally in satisfaction.items()},
        {cell.service_id: cell.entity_id for cell in cells},
        start,
        end,
    )
    return written, satisfaction_days
