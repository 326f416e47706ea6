"""The simulated history's feedback: ratings of the transactions it made (feedback_history's
generator, fed with the simulator's completed transactions), the demo's few dozen recent cases,
and closed complaints through the older months in proportion to their transactions; each
complaint naming a service counted in ServiceMonth.complaints, as feedback.cases counts them."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from tahawul.demo.bulk import next_id
from tahawul.demo.feedback_cases import make_cases, make_closed_complaints
from tahawul.demo.feedback_history import rate_transactions, seed_comments
from tahawul.demo.history_applications import Counts
from tahawul.demo.history_calendar import DAY_SECONDS, Clock, add_months
from tahawul.demo.history_volumes import whole
from tahawul.feedback.models import Case, CaseKind, Rating

COMPLAINTS_PER_TRANSACTION = 0.0025
RECENT_CASE_DAYS = 120  # the window of feedback_cases.make_cases' few dozen cases of every kind


@dataclass(frozen=True)
class FeedbackWritten:
    ratings: int
    satisfaction_days: int
    cases: int
    case_events: int


def make_feedback(
    rng: random.Random, *, counts: Counts, months: list[date], clock: Clock, today: date
) -> FeedbackWritten:
    """Ratings, cases and complaints; adds the complaints to ``counts.service_months``."""
    start, end = months[0], today - timedelta(days=1)
    first_rating, first_case = next_id(Rating), next_id(Case)
    ratings, satisfaction_days = rate_transactions(rng=rng, completed=dict(counts.completed_days), start=start, end=end)
    comments = seed_comments()
    recent_cases, recent_events = make_cases(
        rng, comments=comments, today=today, days=RECENT_CASE_DAYS, first_rating=first_rating
    )
    completed_in: dict[date, int] = defaultdict(int)
    for (_service, _channel, day), amount in counts.completed_days.items():
        completed_in[day.replace(day=1)] += amount
    recent_from = today - timedelta(days=RECENT_CASE_DAYS)
    moments = []
    for month in months:
        if add_months(month, 1) > recent_from:
            break  # make_cases covers these
        days = (add_months(month, 1) - month).days
        for _number in range(whole(rng, completed_in[month] * COMPLAINTS_PER_TRANSACTION)):
            day = month + timedelta(days=int(rng.random() * days))
            moments.append(clock.at(day, 6 * 3600 + int(rng.random() * (DAY_SECONDS - 8 * 3600))))
    old_cases, old_events = make_closed_complaints(rng, comments=comments, moments=moments, today=today)
    _count_complaints(counts, first_case)
    return FeedbackWritten(ratings, satisfaction_days, recent_cases + old_cases, recent_events + old_events)


def _count_complaints(counts: Counts, first_case: int) -> None:
    complaints = Case.objects.filter(pk__gte=first_case, kind=CaseKind.COMPLAINT, service__isnull=False)
    for service_id, concerned, filed_on, created in complaints.values_list(
        "service_id", "channel_concerned", "filed_on", "created_at"
    ):
        month = timezone.localdate(created).replace(day=1)
        counts.month((service_id, concerned or filed_on, month))["complaints"] += 1
