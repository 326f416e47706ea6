"""The cases of the demo feedback history: a few dozen of every kind and status, with timelines
that the real actions could have written (filed, routed, assigned, replied, closed, reopened,
escalated, response rated), and a few complaints that unhappy ratings with a comment opened.

Part of ``feedback_history.generate_feedback``; written through the ORM, as they are few.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone

from tahawul.catalog.models import Entity, Service
from tahawul.core.calendar import deadline_after
from tahawul.core.choices import Channel
from tahawul.core.references import new_reference
from tahawul.demo.loader import demo_people
from tahawul.feedback.cases import response_days
from tahawul.feedback.models import (
    Case,
    CaseEvent,
    CaseKind,
    CaseOutcome,
    CaseStatus,
    ContactPreference,
    MoodChoice,
    Rating,
)
from tahawul.feedback.ratings import client_digest
from tahawul.identity.models import Membership, Role, User

KINDS = (
    [CaseKind.COMPLAINT.value] * 14
    + [CaseKind.SUGGESTION.value] * 7
    + [CaseKind.INQUIRY.value] * 7
    + [CaseKind.COMPLIMENT.value] * 3
    + [CaseKind.TECHNICAL.value] * 5
)
# How each case ends up, with the range of its age in days (how long ago it was filed): old
# enough for its timeline to fit before today, young enough for an open case to still be open.
STATUSES = (
    [("to_route", 0.2, 5.0)] * 4
    + [("open", 0.1, 1.5)] * 8
    + [("overdue", 12.0, 35.0)] * 4
    + [("reopened", 20.0, 40.0)]
    + [("answered", 4.0, 60.0)] * 7
    + [("closed", 12.0, 110.0)] * 12
)
CLOSED_OUTCOMES = (
    [CaseOutcome.RESOLVED.value] * 7
    + [CaseOutcome.NOT_RESOLVED.value] * 2
    + [CaseOutcome.FORWARDED.value]
    + [CaseOutcome.DUPLICATE.value] * 2
)
FOLLOW_UPS = 5  # complaints opened by unhappy ratings that left a comment
ROUTED_BY_AUTHORITY = 2  # cases filed without a service that the authority's staff routed
DESCRIPTION_SENTIMENT = {
    CaseKind.COMPLAINT.value: ("negative",),
    CaseKind.TECHNICAL.value: ("negative",),
    CaseKind.COMPLIMENT.value: ("positive",),
    CaseKind.INQUIRY.value: ("neutral",),
    CaseKind.SUGGESTION.value: ("neutral", "negative"),
}
TECHNICAL_TOPICS = ("app_or_website_fault", "payment")
REPLIES = {
    "fixed": {
        "ar": "شكراً لتواصلك معنا. راجعنا ما ذكرته وعالجنا المشكلة، ونعتذر عن الإزعاج.",
        "en": "Thank you for contacting us. We have looked into this and fixed it; we are sorry for the trouble.",
    },
    "noted": {
        "ar": "شكراً لملاحظتك. نقلناها إلى الفريق المسؤول عن الخدمة وسنأخذها في الاعتبار في تحديثها القادم.",
        "en": "Thank you for this. We have passed it to the team that runs the service for its next update.",
    },
    "answer": {
        "ar": "بخصوص استفسارك: يمكنك تقديم الطلب إلكترونياً وإرفاق المستندات من صفحة الخدمة دون الحاجة إلى الحضور.",
        "en": "You can apply online and upload the documents from the service page; there is no need to visit.",
    },
    "thanks": {
        "ar": "شكراً على كلماتك الطيبة، أبلغنا الفريق بها.",
        "en": "Thank you for your kind words; we have passed them on to the team.",
    },
}
REPLY_FOR_KIND = {
    CaseKind.COMPLAINT.value: "fixed",
    CaseKind.TECHNICAL.value: "fixed",
    CaseKind.SUGGESTION.value: "noted",
    CaseKind.INQUIRY.value: "answer",
    CaseKind.COMPLIMENT.value: "thanks",
}
CLOSE_REASONS = {
    CaseOutcome.NOT_RESOLVED.value: {
        "ar": "لا يمكننا تغيير الرسوم لأنها محددة بقرار رسمي.",
        "en": "We cannot change the fee: it is set by regulation.",
    },
    CaseOutcome.FORWARDED.value: {
        "ar": "هذا الموضوع من اختصاص جهة أخرى، وقد أحلناه إليها.",
        "en": "This is handled by another entity; we have forwarded it to them.",
    },
}
REOPEN_REASON = {
    "ar": "المشكلة ما انحلت، نفس الخطأ للحين يطلع لي.",
    "en": "The problem is not solved; I still get the same error.",
}
RESPONSE_SCORES = {
    CaseOutcome.RESOLVED.value: (3, 4, 5, 5),
    CaseOutcome.NOT_RESOLVED.value: (1, 2, 2, 3),
    CaseOutcome.FORWARDED.value: (2, 3, 4),
    CaseOutcome.DUPLICATE.value: (3, 4),
}
CONTACT_NAMES = {"ar": ("مريم علي", "حسن جاسم", "نوف خالد", "عيسى محمد"), "en": ("Maria D.", "Ravi K.", "Sam P.")}
CLIENT_VERSIONS = ("Mozilla/5.0 (Linux; Android 14) Chrome/128.0", "Tahawul app 3.4.1 (iOS 17.5)")
SWEEP_DELAY = timedelta(minutes=10)  # the periodic sweep notices a missed deadline a little later


class _Labelled(Protocol):
    """A labelled seed comment (feedback_history.SeedComment)."""

    @property
    def text(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def topic(self) -> str: ...
    @property
    def sentiment(self) -> str: ...


@dataclass
class _Draft:
    """One case being written: its row's fields and its events, in time order."""

    fields: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)

    def record(self, action: str, at: datetime, actor: int | None = None, *, counts: bool = True, **extra: Any) -> None:
        self.events.append({"action": action, "at": at, "actor_id": actor, **extra})
        if counts:  # every change through the actions bumps the revision; filing and escalation do not
            self.fields["revision"] += 1
        self.fields["updated_at"] = at


class _World:
    """What the cases are drawn from: services, staff, the authority and demo beneficiaries."""

    def __init__(self, rng: random.Random, comments: Sequence[_Labelled]) -> None:
        self.rng = rng
        self.services = list(Service.objects.order_by("code").values_list("pk", "code", "entity_id", "annual_volume"))
        self.codes = {pk: code for pk, code, _entity, _volume in self.services}
        self.entity_codes = dict(Entity.objects.values_list("pk", "code"))
        self.staff: dict[int, list[int]] = defaultdict(list)
        for user_id, entity_id in (
            Membership.objects.filter(role__in=[Role.OFFICER, Role.SUPERVISOR], entity__isnull=False)
            .order_by("user__username", "entity_id")
            .values_list("user_id", "entity_id")
        ):
            self.staff[entity_id].append(user_id)
        authority = Entity.objects.filter(code=settings.TAHAWUL_AUTHORITY_ENTITY).first()
        self.authority_staff = self.staff.get(authority.pk, []) if authority else []
        self.beneficiaries = list(
            User.objects.filter(username__in=[person.username for person in demo_people().beneficiaries])
            .order_by("username")
            .values_list("pk", "email", "preferred_language")
        )
        self.comments = list(comments)

    def service(self) -> tuple[int, str, int]:
        staffed = [row for row in self.services if row[2] in self.staff]
        pool = staffed if staffed and self.rng.random() < 0.65 else self.services
        pk, code, entity_id, _volume = self.rng.choices(pool, weights=[max(row[3], 2_000) for row in pool])[0]
        return pk, code, entity_id

    def description(self, kind: str) -> tuple[str, str, str, list[str]]:
        sentiment = self.rng.choice(DESCRIPTION_SENTIMENT[kind])
        pool = [item for item in self.comments if item.sentiment == sentiment]
        if kind == CaseKind.TECHNICAL:
            pool = [item for item in pool if item.topic in TECHNICAL_TOPICS] or pool
        item = self.rng.choice(pool or list(self.comments))
        return item.text, item.language, item.sentiment, [item.topic]

    def officer(self, entity_id: int | None) -> int | None:
        people = self.staff.get(entity_id or 0, [])
        return self.rng.choice(people) if people else None


def make_cases(
    rng: random.Random, *, comments: Sequence[_Labelled], today: date, days: int, first_rating: int
) -> tuple[int, int]:
    """A few dozen cases filed over the ``days`` days before ``today`` with descriptions taken from
    ``comments``, and follow-up complaints for a few unhappy commented ratings numbered from
    ``first_rating``. Returns (cases, events)."""
    world = _World(rng, comments)
    if not world.services:
        return 0, 0
    cutoff = datetime.combine(today, time(), tzinfo=timezone.get_current_timezone())
    kinds, statuses, outcomes = list(KINDS), list(STATUSES), list(CLOSED_OUTCOMES)
    rng.shuffle(kinds)
    rng.shuffle(statuses)
    rng.shuffle(outcomes)
    drafts = []
    for number, (kind, (status, youngest, oldest)) in enumerate(zip(kinds, statuses, strict=True)):
        age = youngest + (max(min(oldest, days), youngest) - youngest) * rng.random()
        outcome = outcomes.pop() if status == "closed" else ""
        drafts.append((cutoff - timedelta(days=age), kind, status, outcome, number))
    drafts.sort()
    made: list[Case] = []
    events: list[CaseEvent] = []
    routed = 0
    for created, kind, status, outcome, number in drafts:
        by_authority = routed < ROUTED_BY_AUTHORITY and status in {"open", "answered"} and kind != "compliment"
        routed += by_authority
        like = _original_of(rng, made) if outcome == CaseOutcome.DUPLICATE else None
        draft = _new_case(world, created, kind, status, number, by_authority, like, cutoff)
        _timeline(world, draft, status, outcome, cutoff, like)
        made.append(_save(draft, events))
    for rating in _unhappy_ratings(rng, first_rating):
        draft = _follow_up(rating)
        waited = cutoff - rating.created_at
        status = "closed" if waited > timedelta(days=12) else "answered" if waited > timedelta(days=4) else "open"
        _timeline(world, draft, status, CaseOutcome.RESOLVED.value if status == "closed" else "", cutoff, None)
        made.append(_save(draft, events))
    CaseEvent.objects.bulk_create(events)
    return len(made), len(events)


def _new_case(
    world: _World,
    created: datetime,
    kind: str,
    status: str,
    number: int,
    by_authority: bool,
    like: Case | None,
    cutoff: datetime,
) -> _Draft:
    """A case as filed; ``like`` is the earlier case a duplicate repeats."""
    rng = world.rng
    service_id, code, entity_id = world.service()
    text, language, sentiment, topics = world.description(kind)
    if like is not None and like.service_id is not None:
        service_id, code, entity_id = like.service_id, world.codes[like.service_id], like.entity_id  # type: ignore[assignment]
        text, language, sentiment, topics = like.description, like.language, like.sentiment, like.topics
    routed = status != "to_route" and not by_authority
    fields: dict[str, Any] = {
        "kind": kind,
        "status": CaseStatus.OPEN if status != "to_route" else CaseStatus.TO_ROUTE,
        "entity_id": entity_id if status != "to_route" else None,
        "service_id": service_id if status != "to_route" else None,
        "suggested_service_id": None if routed else service_id,
        "routing_confirmed": status != "to_route",
        "channel_concerned": rng.choice([Channel.WEB, Channel.MOBILE, Channel.COUNTER, ""]),
        "filed_on": rng.choice([Channel.WEB, Channel.WEB, Channel.MOBILE, Channel.CALL_CENTRE]),
        "description": text,
        "language": language,
        "sentiment": sentiment,
        "topics": topics,
        "client_digest": client_digest(f"demo-case:{number}"),
        "created_at": created,
        "updated_at": created,
        "revision": 1,
        "escalation": 0,
        **_contact(world, number, language),
    }
    if kind == CaseKind.TECHNICAL:
        fields |= {
            "doing": "دفع الرسوم" if language == "ar" else "Paying the fee",
            "page": f"/{language}/services/{code}/apply/",
            "client_version": rng.choice(CLIENT_VERSIONS),
            "error_reference": f"ERR-{rng.getrandbits(32):08X}",
        }
    draft = _Draft(fields)
    details = {} if routed else {"suggested_service": code}
    draft.record("filed", created, fields.get("filer_id"), counts=False, details=details)
    if by_authority:
        actor = world.rng.choice(world.authority_staff) if world.authority_staff else None
        at = _later(created, 2 + 18 * rng.random(), cutoff)
        draft.record("routed", at, actor, details={"from": "", "to": world.entity_codes[entity_id], "service": code})
    return draft


def _contact(world: _World, number: int, language: str) -> dict[str, Any]:
    rng = world.rng
    if world.beneficiaries and rng.random() < 0.25:
        pk, email, _language = rng.choice(world.beneficiaries)
        preference = ContactPreference.EMAIL if email else ContactPreference.NONE
        return {"filer_id": pk, "contact_preference": preference}
    preference = rng.choices(
        [ContactPreference.NONE, ContactPreference.EMAIL, ContactPreference.SMS, ContactPreference.PHONE],
        weights=[25, 40, 25, 10],
    )[0]
    contact: dict[str, Any] = {"contact_preference": preference}
    if preference != ContactPreference.NONE:
        contact["contact_name"] = rng.choice(CONTACT_NAMES[language if language in CONTACT_NAMES else "ar"])
    if preference == ContactPreference.EMAIL:
        contact["contact_email"] = f"beneficiary.{number}@example.com"
    elif preference in {ContactPreference.SMS, ContactPreference.PHONE}:
        contact["contact_mobile"] = f"+973366{number:05d}"
    return contact


def _timeline(world: _World, draft: _Draft, status: str, outcome: str, cutoff: datetime, original: Case | None) -> None:
    """The steps from filing to ``status``, each a few hours to days after the one before and all
    before ``cutoff``; ``original`` is the case a duplicate repeats."""
    rng, fields = world.rng, draft.fields
    language = fields["language"]
    at = draft.events[-1]["at"]
    sla = response_days(_entity(fields["entity_id"]), fields["kind"])
    fields["due_at"] = deadline_after(fields["created_at"], sla)
    officer = world.officer(fields["entity_id"])
    answered = status in {"answered", "closed", "reopened"}
    if officer is not None and (answered or (status in {"open", "overdue"} and rng.random() < 0.5)):
        at = _later(at, 1 + 19 * rng.random(), cutoff)
        fields["assignee_id"] = officer
        draft.record("assigned", at, officer, details={"assignee": officer})
    if answered:
        at = _later(at, 3 + 67 * rng.random(), cutoff)
        message = REPLIES[REPLY_FOR_KIND[fields["kind"]]][language]
        fields |= {"status": CaseStatus.ANSWERED, "first_response_at": at, "assignee_id": officer}
        draft.record("replied", at, officer, message=message, public=True)
    if status in {"closed", "reopened"}:
        outcome = outcome or CaseOutcome.RESOLVED.value
        if outcome != CaseOutcome.DUPLICATE:
            original = None
        elif original is None:
            outcome = CaseOutcome.RESOLVED.value
        reason = CLOSE_REASONS.get(outcome, {}).get(language, "")
        at = _later(at, 2 + 70 * rng.random(), cutoff)
        fields |= {
            "status": CaseStatus.CLOSED,
            "outcome": outcome,
            "outcome_reason": reason,
            "duplicate_of_id": original.pk if original else None,
            "closed_at": at,
        }
        draft.record("closed", at, officer, message=reason, public=True, details={"outcome": outcome})
        if status == "closed" and rng.random() < 0.45:
            at = _later(at, 1 + 47 * rng.random(), cutoff)
            fields["response_score"] = rng.choice(RESPONSE_SCORES[outcome])
            draft.record("response_rated", at, fields.get("filer_id"), details={"score": fields["response_score"]})
    if status == "reopened":
        at = _later(at, 24 + 96 * rng.random(), cutoff)
        fields |= {
            "status": CaseStatus.OPEN,
            "closed_at": None,
            "outcome": "",
            "outcome_reason": "",
            "duplicate_of_id": None,
            "first_response_at": None,
            "due_at": deadline_after(at, sla),
        }
        draft.record("reopened", at, fields.get("filer_id"), message=REOPEN_REASON[language], public=True)
    if fields.get("first_response_at") is not None:
        return
    while fields["escalation"] < 2 and fields["due_at"] + SWEEP_DELAY < cutoff:  # what sweep_case_sla would do
        fields["escalation"] += 1
        draft.record("escalated", fields["due_at"] + SWEEP_DELAY, counts=False, details={"level": fields["escalation"]})
        fields["due_at"] = deadline_after(fields["due_at"], sla)


def _later(at: datetime, hours: float, cutoff: datetime) -> datetime:
    """``hours`` after ``at``, or halfway to ``cutoff`` if that comes first: never today or later."""
    return at + min(timedelta(hours=hours), (cutoff - at) / 2)


def _entity(entity_id: int | None) -> Entity | None:
    return Entity.objects.filter(pk=entity_id).first() if entity_id else None


def _original_of(rng: random.Random, made: list[Case]) -> Case | None:
    """An earlier case with a service, for a duplicate to repeat."""
    earlier = [case for case in made if case.service_id is not None]
    return rng.choice(earlier) if earlier else None


def _unhappy_ratings(rng: random.Random, first_rating: int) -> list[Rating]:
    candidates = list(
        Rating.objects.filter(pk__gte=first_rating, mood=MoodChoice.DISSATISFIED, case__isnull=True)
        .exclude(comment="")
        .order_by("pk")[:2_000]
    )
    return sorted(rng.sample(candidates, k=min(FOLLOW_UPS, len(candidates))), key=lambda rating: rating.pk)


def _follow_up(rating: Rating) -> _Draft:
    fields: dict[str, Any] = {
        "kind": CaseKind.COMPLAINT.value,
        "status": CaseStatus.OPEN,
        "entity_id": rating.entity_id,
        "service_id": rating.service_id,
        "suggested_service_id": None,
        "routing_confirmed": True,
        "channel_concerned": rating.channel,
        "filed_on": rating.channel,
        "description": rating.comment,
        "language": rating.language,
        "sentiment": rating.sentiment,
        "topics": rating.topics,
        "contact_preference": ContactPreference.NONE,
        "rating_id": rating.pk,
        "client_digest": client_digest(f"rating:{rating.pk}"),
        "created_at": rating.created_at,
        "updated_at": rating.created_at,
        "revision": 1,
        "escalation": 0,
    }
    draft = _Draft(fields)
    draft.record("filed", rating.created_at, counts=False, details={})
    return draft


def _save(draft: _Draft, events: list[CaseEvent]) -> Case:
    case = Case.objects.create(reference=new_reference("CS"), **draft.fields)
    events.extend(CaseEvent(case=case, **event) for event in draft.events)
    return case


CLOSED_COMPLAINT_WINDOW = timedelta(days=90)  # how long an old complaint had to be answered and closed


def make_closed_complaints(
    rng: random.Random, *, comments: Sequence[_Labelled], moments: Sequence[datetime], today: date
) -> tuple[int, int]:
    """Complaints filed at ``moments`` (the simulator's months, in proportion to their
    transactions), each answered and closed before ``today`` with a timeline the actions could
    have written. Returns (cases, events)."""
    world = _World(rng, comments)
    if not world.services or not moments:
        return 0, 0
    today_starts = datetime.combine(today, time(), tzinfo=timezone.get_current_timezone())
    events: list[CaseEvent] = []
    for number, created in enumerate(sorted(moments)):
        cutoff = min(created + CLOSED_COMPLAINT_WINDOW, today_starts)
        draft = _new_case(world, created, CaseKind.COMPLAINT.value, "closed", 100_000 + number, False, None, cutoff)
        outcome = rng.choice(CLOSED_OUTCOMES[:-2])  # not a duplicate: there is nothing to repeat
        _timeline(world, draft, "closed", outcome, cutoff, None)
        _save(draft, events)
    CaseEvent.objects.bulk_create(events, batch_size=1_000)
    return len(moments), len(events)
