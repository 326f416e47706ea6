"""Recording a rating: checked, counted in its day's aggregate in the same transaction, and
followed up by a case when an unhappy beneficiary left a comment."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.applications.models import Application
from tahawul.catalog.models import Service
from tahawul.core.choices import Channel
from tahawul.core.counters import add_to_counter
from tahawul.core.text import LANGUAGES, LocalizedText, bilingual
from tahawul.feedback.errors import AlreadyRatedByAnother, InvalidFeedback, NotInThisState, TooManyRequests
from tahawul.feedback.index import Mood, mood_of_face, mood_of_score
from tahawul.feedback.models import (
    Case,
    CaseKind,
    ContactPreference,
    Endpoint,
    Face,
    Instrument,
    Rating,
    RatingChange,
    SatisfactionDay,
)
from tahawul.identity.models import User
from tahawul.identity.selectors import NotFound

if TYPE_CHECKING:
    from tahawul.feedback.text.classifier import Reading

COMMENT_MAX_CHARS = 2000
EASE_AGREES_FROM = 5  # 5, 6 and 7 on the 1–7 "it was easy" item


RECEIPT_SALT = "tahawul.feedback.receipt"
RECEIPT_MAX_AGE = timedelta(days=30)


def receipt_token(application: Application) -> str:
    """What the QR code on a counter receipt carries: the right to rate this one transaction,
    without an account, for RECEIPT_MAX_AGE. Signed, so it cannot be made up or altered."""
    return signing.dumps(application.reference, salt=RECEIPT_SALT, compress=True)


def application_for_receipt(token: str) -> Application:
    """The transaction a receipt's token names. NotFound when forged, altered or expired."""
    try:
        reference = signing.loads(token, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
    except signing.BadSignature as error:
        raise NotFound() from error
    application = Application.objects.select_related("service").filter(reference=reference).first()
    if application is None:
        raise NotFound()
    return application


def client_digest(client: str) -> str:
    """A keyed hash of who is sending (``user:12``, ``kiosk:K-07``, ``ip:…``): enough to count
    a flood, useless to anyone reading the table without the secret key."""
    return hmac.new(settings.SECRET_KEY.encode(), client.encode(), hashlib.sha256).hexdigest()


def check_flood(model: type[models.Model], digest: str, limit: int) -> None:
    """Refuse with TooManyRequests when ``digest`` already sent ``limit`` rows of ``model`` (a
    model with ``client_digest`` and ``created_at``: Rating, Case) in the last hour."""
    since = timezone.now() - timedelta(hours=1)
    recent = model._default_manager.filter(client_digest=digest, created_at__gte=since)
    if recent[: limit + 1].count() >= limit:
        raise TooManyRequests()


@dataclass(frozen=True)
class RatingInput:
    face: str = ""
    score: int | None = None
    ease: int | None = None
    comment: str = ""
    wants_contact: bool = False


def _checked(values: RatingInput) -> dict[str, LocalizedText]:
    errors: dict[str, LocalizedText] = {}
    if values.face and values.face not in Face.values:
        errors["face"] = bilingual(_("Choose one of the three faces."))
    if values.score is not None and (isinstance(values.score, bool) or not 1 <= values.score <= 5):
        errors["score"] = bilingual(_("Give a score from 1 to 5."))
    if values.ease is not None and (isinstance(values.ease, bool) or not 1 <= values.ease <= 7):
        errors["ease"] = bilingual(_("Choose how easy it was on the scale from 1 to 7."))
    if not values.face and values.score is None and "face" not in errors and "score" not in errors:
        errors["face"] = bilingual(_("Choose a face to say how it went."))
    if len(values.comment) > COMMENT_MAX_CHARS:
        errors["comment"] = bilingual(_("Keep the comment to 2,000 characters or fewer."))
    return errors


def _mood(values: RatingInput) -> tuple[str, Mood]:
    # The face is the headline instrument; a score alone counts by its score (docs/satisfaction-index.md).
    if values.face:
        return Instrument.FACES, mood_of_face(values.face)
    assert values.score is not None
    return Instrument.SCORE, mood_of_score(values.score)


def _count(rating: Rating, sign: int) -> None:
    agrees = rating.ease is not None and rating.ease >= EASE_AGREES_FROM
    add_to_counter(
        SatisfactionDay,
        {"service_id": rating.service_id, "channel": rating.channel, "day": rating.day},
        {
            rating.mood: sign,
            "ease_n": sign if rating.ease is not None else 0,
            "ease_sum": sign * (rating.ease or 0),
            "ease_agree": sign if agrees else 0,
        },
        entity_id=rating.entity_id,
    )


def record_rating(
    *,
    values: RatingInput,
    channel: str,
    language: str,
    client: str,
    rater: User | None = None,
    service_code: str = "",
    application: Application | None = None,
    holds_receipt: bool = False,
    endpoint: str = Endpoint.COMPLETED,
    device: str = "",
) -> Rating:
    """Record one beneficiary's rating of a service, or of one transaction.

    A transaction is rated by its applicant, or by whoever holds its printed receipt
    (``holds_receipt``: the counter's QR code); rating it again replaces the rating and keeps the
    old values in RatingChange. Raises InvalidFeedback (bad values), AlreadyRatedByAnother,
    TooManyRequests (``client`` sent too many this hour). An unhappy rating with a comment opens a
    follow-up complaint for the entity. Everything, the day's aggregate included, is one transaction.
    """
    comment = values.comment.strip()
    values = RatingInput(values.face, values.score, values.ease, comment, values.wants_contact)
    errors = _checked(values)
    if channel not in Channel.values:
        errors["channel"] = bilingual(_("This channel is not one we know."))
    if endpoint not in Endpoint.values:
        errors["endpoint"] = bilingual(_("This is not a point where we ask for ratings."))
    service = application.service if application is not None else Service.objects.filter(code=service_code).first()
    if service is None:
        errors["service"] = bilingual(_("Choose the service you are rating."))
    if errors:
        raise InvalidFeedback(errors)
    assert service is not None
    if application is not None and not holds_receipt and (rater is None or rater.pk != application.applicant_id):
        raise AlreadyRatedByAnother()
    digest = client_digest(client)
    limit = settings.TAHAWUL_KIOSK_RATINGS_PER_HOUR if channel == Channel.KIOSK else settings.TAHAWUL_RATINGS_PER_HOUR
    check_flood(Rating, digest, limit)
    instrument, mood = _mood(values)
    reading = _read(comment)
    now = timezone.now()
    signed_in = rater if rater is not None and rater.is_authenticated else None
    fields: dict[str, Any] = {
        "service": service,
        "entity_id": service.entity_id,
        "channel": channel,
        "instrument": instrument,
        "face": values.face,
        "score": values.score,
        "ease": values.ease,
        "mood": mood.value,
        "comment": comment,
        "rater": signed_in,
        "endpoint": endpoint,
        "language": language if language in LANGUAGES else settings.LANGUAGE_CODE,
        "device": device[:60],
        "client_digest": digest,
        "sentiment": reading.sentiment if reading else "",
        "topics": list(reading.topics) if reading else [],
        "updated_at": now,
    }
    with transaction.atomic():
        rating = _replace(application, fields, signed_in) if application is not None else None
        if rating is None:
            rating = Rating.objects.create(
                application=application, created_at=now, day=timezone.localdate(now), **fields
            )
        _count(rating, +1)
        if mood is Mood.DISSATISFIED and comment and not hasattr(rating, "case"):
            _open_follow_up(rating, wants_contact=values.wants_contact)
    return rating


def _replace(application: Application, fields: dict[str, Any], rater: User | None) -> Rating | None:
    """Overwrite the transaction's earlier rating, if any, keeping what it said in RatingChange.
    It stays counted on its first day: only its mood (and channel) move in the aggregates."""
    rating = Rating.objects.select_for_update().filter(application=application).first()
    if rating is None:
        return None
    if rating.rater_id is not None and rater is not None and rating.rater_id != rater.pk:
        raise AlreadyRatedByAnother()
    # Re-rating adds no rating row, so the sender's flood count does not see it: cap it here.
    an_hour_ago = timezone.now() - timedelta(hours=1)
    if rating.changes.filter(at__gte=an_hour_ago).count() >= settings.TAHAWUL_RATINGS_PER_HOUR:
        raise TooManyRequests()
    before = {
        name: getattr(rating, name)
        for name in ("channel", "face", "score", "ease", "mood", "comment", "endpoint", "language")
    }
    RatingChange.objects.create(rating=rating, before={**before, "updated_at": rating.updated_at.isoformat()})
    _count(rating, -1)
    if rater is None:
        fields = {**fields, "rater": rating.rater}  # a receipt holder does not take a rating away from its owner
    for name, value in fields.items():
        setattr(rating, name, value)
    rating.save()
    return rating


def add_comment(*, rating: Rating, comment: str) -> Rating:
    """The comment a kiosk user types after a one-tap rating ("tell us more"), added to that
    rating: classified like any comment and, when the rating was unhappy, followed up by a
    complaint. Only a rating without a comment takes one; the caller proves it is the same person
    (the kiosk's session that recorded the tap). Raises InvalidFeedback, NotInThisState."""
    comment = comment.strip()
    if not comment:
        raise InvalidFeedback({"comment": bilingual(_("Write your comment."))})
    if len(comment) > COMMENT_MAX_CHARS:
        raise InvalidFeedback({"comment": bilingual(_("Keep the comment to 2,000 characters or fewer."))})
    reading = _read(comment)
    with transaction.atomic():
        updated = Rating.objects.filter(pk=rating.pk, comment="").update(
            comment=comment,
            sentiment=reading.sentiment if reading else "",
            topics=list(reading.topics) if reading else [],
            updated_at=timezone.now(),
        )
        if not updated:
            raise NotInThisState(_("This rating already has a comment."))
        rating.refresh_from_db()
        if rating.mood == Mood.DISSATISFIED and not Case.objects.filter(rating=rating).exists():
            _open_follow_up(rating, wants_contact=False)
    return rating


def _open_follow_up(rating: Rating, *, wants_contact: bool) -> None:
    from tahawul.feedback.cases import CaseInput, open_case

    rater = rating.rater
    preference = ContactPreference.NONE
    if wants_contact and rater is not None:
        preference = (
            ContactPreference.EMAIL
            if rater.email
            else ContactPreference.SMS
            if rater.mobile
            else ContactPreference.NONE
        )
    open_case(
        values=CaseInput(
            kind=CaseKind.COMPLAINT,
            description=rating.comment,
            service_code=rating.service.code,
            channel_concerned=rating.channel,
            contact_preference=preference,
        ),
        filer=rater,
        filed_on=rating.channel,
        language=rating.language,
        client=f"rating:{rating.pk}",
        application=rating.application,
        rating=rating,
    )


def _read(comment: str) -> Reading | None:
    if not comment:
        return None
    # Imported here: the classifier pulls in scikit-learn, which pages that never rate need not load.
    from tahawul.feedback.text.classifier import read_comment

    return read_comment(comment)
