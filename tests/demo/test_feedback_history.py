"""The generated feedback history: repeatable, consistent with its own aggregates, within every
rule the models and the actions keep, and cheap enough to load on `make run`."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, datetime, time, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tahawul.applications.models import CompletedDay
from tahawul.catalog.models import ServiceChannel
from tahawul.demo.feedback_history import (
    BATCH,
    COMMENT_SHARE,
    EASE_SHARE,
    FALLBACK_COMMENTS,
    SEED_COMMENTS,
    FeedbackHistory,
    generate_feedback,
    seed_comments,
)
from tahawul.feedback.index import mood_of_rating
from tahawul.feedback.models import Case, CaseEvent, CaseStatus, MoodChoice, Rating, SatisfactionDay
from tahawul.feedback.periods import parse_period
from tahawul.feedback.ratings import EASE_AGREES_FROM
from tahawul.feedback.satisfaction import GroupBy, overall, satisfaction_by

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 14)
REVISION_STEPS = {"routed", "assigned", "replied", "closed", "reopened", "response_rated"}


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Everything the history wrote, without the ids and case references the database or chance picks."""
    rating_columns = [
        "service__code",
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
    ]
    day_columns = ["service__code", "channel", "day"]
    return {
        "ratings": sorted(map(repr, Rating.objects.values_list(*rating_columns))),
        "satisfaction": sorted(
            SatisfactionDay.objects.values_list(
                *day_columns, "satisfied", "neutral", "dissatisfied", "ease_n", "ease_sum", "ease_agree"
            )
        ),
        "completed": sorted(CompletedDay.objects.values_list(*day_columns, "completed")),
        "cases": sorted(
            map(
                repr,
                Case.objects.values_list(
                    "kind", "status", "service__code", "description", "created_at", "due_at", "outcome", "revision"
                ),
            )
        ),
        "events": sorted(map(repr, CaseEvent.objects.values_list("case__created_at", "action", "at", "message"))),
    }


def generated_then_undone(**arguments: Any) -> dict[str, list[tuple[Any, ...]]]:
    with transaction.atomic():
        generate_feedback(today=TODAY, **arguments)
        written = snapshot()
        transaction.set_rollback(True)
    return written


def test_the_same_seed_gives_the_same_history_and_another_seed_another() -> None:
    first = generated_then_undone(ratings=1_500)
    second = generated_then_undone(ratings=1_500)
    other = generated_then_undone(ratings=1_500, seed=8)

    assert len(first["ratings"]) == 1_500
    assert first["cases"]
    assert first == second
    assert other["ratings"] != first["ratings"]


def ratings_grouped() -> dict[tuple[Any, ...], tuple[int, ...]]:
    """A GROUP BY over the raw ratings: what each SatisfactionDay row must say."""
    return {
        (row["service_id"], row["entity_id"], row["channel"], row["day"]): (
            row["satisfied"],
            row["neutral"],
            row["dissatisfied"],
            row["ease_n"],
            row["ease_sum"],
            row["ease_agree"],
        )
        for row in Rating.objects.values("service_id", "entity_id", "channel", "day")
        .annotate(
            satisfied=Count("pk", filter=Q(mood=MoodChoice.SATISFIED)),
            neutral=Count("pk", filter=Q(mood=MoodChoice.NEUTRAL)),
            dissatisfied=Count("pk", filter=Q(mood=MoodChoice.DISSATISFIED)),
            ease_n=Count("ease"),
            ease_sum=Sum("ease", default=0),
            ease_agree=Count("pk", filter=Q(ease__gte=EASE_AGREES_FROM)),
        )
        .order_by()
    }


def aggregates() -> dict[tuple[Any, ...], tuple[int, ...]]:
    return {
        (row[0], row[1], row[2], row[3]): tuple(row[4:])
        for row in SatisfactionDay.objects.values_list(
            "service_id",
            "entity_id",
            "channel",
            "day",
            "satisfied",
            "neutral",
            "dissatisfied",
            "ease_n",
            "ease_sum",
            "ease_agree",
        )
    }


def test_the_aggregates_are_a_group_by_of_the_ratings() -> None:
    generate_feedback(ratings=2_000, today=TODAY, with_cases=False)

    grouped = ratings_grouped()
    assert aggregates() == grouped
    completed = {
        (service, channel, day): total
        for service, channel, day, total in CompletedDay.objects.values_list(
            "service_id", "channel", "day", "completed"
        )
    }
    for (service, _entity, channel, day), counts in grouped.items():
        assert completed[(service, channel, day)] >= sum(counts[:3])  # nobody rates more than was completed
    # Response rates a dashboard would believe: between one in ten and one in three.
    may = parse_period("2026-05", today=TODAY)
    assert 0.1 <= overall(may).index.response_rate <= 0.34
    for row in satisfaction_by(GroupBy.CHANNEL, may):
        assert 0.08 <= row.index.response_rate <= 0.4, row.key


def test_a_second_history_adds_to_the_aggregates_of_the_first() -> None:
    generate_feedback(ratings=500, today=TODAY, with_cases=False)
    generate_feedback(ratings=700, today=TODAY, seed=3, with_cases=False)

    assert Rating.objects.count() == 1_200
    assert aggregates() == ratings_grouped()


def test_ratings_keep_the_rules_of_the_model_and_of_record_rating() -> None:
    history = generate_feedback(ratings=2_000, today=TODAY, with_cases=False)

    assert history == FeedbackHistory(
        ratings=2_000,
        satisfaction_days=SatisfactionDay.objects.count(),
        completed_days=CompletedDay.objects.count(),
        cases=0,
        case_events=0,
        start=TODAY - timedelta(days=120),
        end=TODAY - timedelta(days=1),
    )
    offered = set(ServiceChannel.objects.values_list("service_id", "channel"))
    ratings = list(Rating.objects.select_related("service").order_by("pk"))
    for rating in ratings[::10]:
        rating.full_clean()  # choices, lengths and the check constraints, as the ORM sees them
    for rating in ratings:
        assert rating.entity_id == rating.service.entity_id
        assert (rating.service_id, rating.channel) in offered
        assert rating.mood == mood_of_rating(face=rating.face or None, score=rating.score)
        assert timezone.localdate(rating.created_at) == rating.day
        assert history.start <= rating.day <= history.end
    assert [rating.created_at for rating in ratings] == sorted(rating.created_at for rating in ratings)
    with_ease = sum(rating.ease is not None for rating in ratings) / len(ratings)
    with_comment = sum(bool(rating.comment) for rating in ratings) / len(ratings)
    assert with_ease == pytest.approx(EASE_SHARE, abs=0.05)
    assert with_comment == pytest.approx(COMMENT_SHARE, abs=0.04)
    assert {rating.instrument for rating in ratings} == {"faces", "score"}


def test_comments_come_from_the_training_half_of_the_seed_set_with_its_labels() -> None:
    generate_feedback(ratings=2_000, today=TODAY, with_cases=False)

    labels = {comment.text: comment for comment in seed_comments()}
    commented = Rating.objects.exclude(comment="")
    assert commented.exists()
    for rating in commented:
        seed = labels[rating.comment]
        assert (rating.sentiment, rating.topics, rating.language) == (seed.sentiment, [seed.topic], seed.language)
    # Unhappy people mostly complain, happy people mostly praise.
    for mood, sentiment in ((MoodChoice.DISSATISFIED, "negative"), (MoodChoice.SATISFIED, "positive")):
        sentiments = Counter(commented.filter(mood=mood).values_list("sentiment", flat=True))
        assert sentiments.most_common(1)[0][0] == sentiment
    assert not Rating.objects.filter(comment="", sentiment__gt="").exists()


def test_the_seed_comments_fall_back_to_a_neutral_dozen_when_the_file_is_missing(tmp_path: Any) -> None:
    assert seed_comments(tmp_path / "none.yaml") == FALLBACK_COMMENTS
    assert len(FALLBACK_COMMENTS) == 12
    assert {comment.sentiment for comment in FALLBACK_COMMENTS} == {"neutral"}
    if SEED_COMMENTS.exists():
        assert len(seed_comments()) > len(FALLBACK_COMMENTS)


def test_some_services_and_channels_are_clearly_worse_than_others() -> None:
    generate_feedback(ratings=6_000, today=TODAY, with_cases=False)
    period = parse_period("90d", today=TODAY - timedelta(days=1))

    services = [row for row in satisfaction_by(GroupBy.SERVICE, period) if row.index.n >= 100]
    government = overall(period).index.satisfied
    assert min(row.index.satisfied for row in services) < government - 0.2
    channels = [row.index.satisfied for row in satisfaction_by(GroupBy.CHANNEL, period)]
    assert max(channels) - min(channels) > 0.05


def test_cases_have_timelines_the_actions_could_have_written() -> None:
    generate_feedback(ratings=2_000, today=TODAY)
    cutoff = datetime.combine(TODAY, time(), tzinfo=timezone.get_current_timezone())

    cases = list(Case.objects.prefetch_related("events"))
    assert 30 <= len(cases) <= 50
    assert {case.kind for case in cases} == {"complaint", "suggestion", "inquiry", "compliment", "technical"}
    assert {case.status for case in cases} == set(CaseStatus.values)
    assert len({case.entity_id for case in cases if case.entity_id}) >= 3
    for case in cases:
        case.full_clean()
        events = list(case.events.all())
        for event in events:
            event.full_clean()
        assert events[0].action == "filed"
        assert events[0].at == case.created_at
        assert [event.at for event in events] == sorted(event.at for event in events)
        assert events[-1].at < cutoff
        assert case.revision == 1 + sum(event.action in REVISION_STEPS for event in events)
        if case.status == CaseStatus.TO_ROUTE:
            assert case.entity_id is None and case.suggested_service_id is not None
        if case.status == CaseStatus.CLOSED:
            assert case.outcome and case.closed_at and case.first_response_at
        else:
            assert not case.outcome and case.closed_at is None
        if case.duplicate_of_id:
            assert case.duplicate_of.entity_id == case.entity_id
        if case.first_response_at is None and case.status != CaseStatus.CLOSED:
            assert case.escalation == sum(event.action == "escalated" for event in events)
        if case.rating_id:
            assert case.rating.mood == MoodChoice.DISSATISFIED and case.description == case.rating.comment
    assert any(case.rating_id for case in cases)


def test_rows_are_written_in_bulk_not_one_by_one() -> None:
    def queries(ratings: int) -> tuple[int, int]:
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            history = generate_feedback(ratings=ratings, today=TODAY, with_cases=False)
            transaction.set_rollback(True)
        return len(captured), history.ratings + history.satisfaction_days + history.completed_days

    few, _rows = queries(200)
    many, rows = queries(2_000)
    assert many - few <= math.ceil(rows / BATCH)  # a statement per batch of 5,000 rows at most


def test_the_demo_command_adds_a_history() -> None:
    out = StringIO()
    call_command("demo", "feedback", "--ratings", "300", "--days", "30", stdout=out)

    assert Rating.objects.count() == 300
    assert "300 ratings" in out.getvalue()
