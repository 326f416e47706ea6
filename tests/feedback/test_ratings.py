"""Recording ratings through record_rating: what each answer counts as, the day's aggregate it
moves, one rating per transaction, the receipt's QR token, bad input and floods."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.utils import timezone

from tahawul.core.choices import Channel
from tahawul.feedback.errors import AlreadyRatedByAnother, InvalidFeedback, TooManyRequests
from tahawul.feedback.models import Case, CaseKind, CaseStatus, ContactPreference, Rating, RatingChange
from tahawul.feedback.ratings import RECEIPT_MAX_AGE, RECEIPT_SALT, application_for_receipt, receipt_token
from tahawul.identity.selectors import NotFound
from tahawul.notifications.models import Notification
from tests.feedback.conftest import (
    PASSPORT,
    Kit,
    all_cells,
    changed_cells,
    completed,
    make_beneficiary,
    rate,
    service,
)

pytestmark = pytest.mark.django_db


# --- what an answer counts as ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "instrument", "mood"),
    [
        ({"face": "happy"}, "faces", "satisfied"),
        ({"face": "neutral"}, "faces", "neutral"),
        ({"face": "unhappy"}, "faces", "dissatisfied"),
        ({"score": 5}, "score", "satisfied"),
        ({"score": 4}, "score", "satisfied"),
        ({"score": 3}, "score", "neutral"),
        ({"score": 2}, "score", "dissatisfied"),
        ({"score": 1}, "score", "dissatisfied"),
        # The face is the headline instrument: with both, the face decides.
        ({"face": "unhappy", "score": 5}, "faces", "dissatisfied"),
        ({"face": "happy", "score": 1}, "faces", "satisfied"),
    ],
)
def test_each_answer_counts_in_the_column_of_its_mood(answer: dict[str, Any], instrument: str, mood: str) -> None:
    before = all_cells()

    rating = rate(**answer)

    assert (rating.instrument, rating.mood) == (instrument, mood)
    cell = (service(PASSPORT).pk, Channel.WEB, rating.day)
    assert changed_cells(before, all_cells()) == {cell: {mood: 1}}


@pytest.mark.parametrize(("ease", "agrees"), [(1, 0), (4, 0), (5, 1), (7, 1)])
def test_a_rating_adds_to_exactly_one_cell_with_its_ease(ease: int, agrees: int) -> None:
    before = all_cells()

    rating = rate(face="neutral", ease=ease, channel=Channel.MOBILE)

    expected = {"neutral": 1, "ease_n": 1, "ease_sum": ease} | ({"ease_agree": 1} if agrees else {})
    assert changed_cells(before, all_cells()) == {(service(PASSPORT).pk, Channel.MOBILE, rating.day): expected}


def test_the_rating_records_service_entity_channel_language_and_endpoint() -> None:
    rating = rate(face="happy", channel=Channel.KIOSK, language="en", endpoint="rejected", device="K-07")

    passport = service(PASSPORT)
    assert (rating.service_id, rating.entity_id) == (passport.pk, passport.entity_id)
    assert (rating.channel, rating.language, rating.endpoint, rating.device) == ("kiosk", "en", "rejected", "K-07")


def test_a_rating_counts_on_its_local_day_in_bahrain(monkeypatch: pytest.MonkeyPatch) -> None:
    # 22:30 UTC on 29 November is 01:30 on 30 November in Bahrain (UTC+3).
    late_evening_utc = datetime(2026, 11, 29, 22, 30, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: late_evening_utc)
    before = all_cells()

    rating = rate(face="happy")

    local_day = late_evening_utc.astimezone(ZoneInfo("Asia/Bahrain")).date()
    assert local_day != late_evening_utc.date()
    assert rating.day == local_day
    assert changed_cells(before, all_cells()) == {(service(PASSPORT).pk, Channel.WEB, local_day): {"satisfied": 1}}


# --- one rating per transaction ----------------------------------------------------------------


def test_rating_a_transaction_again_replaces_the_first_and_keeps_the_change(kit: Kit) -> None:
    application = completed(kit)
    first = rate(face="happy", ease=6, application=application, rater=kit.applicant, endpoint="withdrawn")
    after_first = all_cells()

    second = rate(face="unhappy", ease=2, application=application, rater=kit.applicant, endpoint="withdrawn")

    assert second.pk == first.pk
    assert Rating.objects.filter(application=application).count() == 1
    assert (second.face, second.mood, second.ease) == ("unhappy", "dissatisfied", 2)
    change = RatingChange.objects.get(rating=first)
    assert (change.before["face"], change.before["mood"], change.before["ease"]) == ("happy", "satisfied", 6)
    cell = (application.service_id, application.channel, first.day)
    # One response moved from satisfied to dissatisfied: the totals stay as they were.
    assert changed_cells(after_first, all_cells()) == {
        cell: {"satisfied": -1, "dissatisfied": 1, "ease_sum": 2 - 6, "ease_agree": -1}
    }


def test_someone_else_cannot_rate_anothers_transaction(kit: Kit) -> None:
    application = completed(kit)
    stranger = make_beneficiary("stranger")
    before = all_cells()

    with pytest.raises(AlreadyRatedByAnother):
        rate(face="unhappy", application=application, rater=stranger)
    with pytest.raises(AlreadyRatedByAnother):
        rate(face="unhappy", application=application, rater=None)  # no account and no receipt

    assert not Rating.objects.filter(application=application).exists()
    assert changed_cells(before, all_cells()) == {}


def test_someone_else_cannot_replace_the_applicants_rating_with_a_receipt(kit: Kit) -> None:
    application = completed(kit)
    mine = rate(face="happy", application=application, rater=kit.applicant)
    before = all_cells()

    with pytest.raises(AlreadyRatedByAnother):
        rate(face="unhappy", application=application, rater=make_beneficiary("stranger"), holds_receipt=True)

    assert Rating.objects.get(application=application).mood == mine.mood == "satisfied"
    assert changed_cells(before, all_cells()) == {}


# --- the receipt's QR code ---------------------------------------------------------------------


def test_a_receipt_token_rates_its_transaction_at_the_counter(kit: Kit) -> None:
    application = completed(kit)
    token = receipt_token(application)
    before = all_cells()

    found = application_for_receipt(token)
    rating = rate(face="happy", application=found, holds_receipt=True, channel=Channel.COUNTER, device="C-2")

    assert found.pk == application.pk
    assert (rating.application_id, rating.channel, rating.rater_id) == (application.pk, "counter", None)
    assert changed_cells(before, all_cells()) == {
        (application.service_id, Channel.COUNTER, rating.day): {"satisfied": 1}
    }


class _IssuedLongAgo(signing.TimestampSigner):
    """Signs with the real key, as if the receipt had been printed RECEIPT_MAX_AGE and a day ago."""

    def timestamp(self) -> str:
        issued = int(timezone.now().timestamp() - RECEIPT_MAX_AGE.total_seconds()) - 86_400
        return signing.b62_encode(issued)


def test_a_forged_altered_or_expired_receipt_finds_nothing(kit: Kit) -> None:
    application = completed(kit)
    token = receipt_token(application)
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    forged = signing.dumps(application.reference, key="not-our-secret", salt=RECEIPT_SALT, compress=True)
    expired = _IssuedLongAgo(salt=RECEIPT_SALT).sign_object(application.reference, compress=True)

    for token_given in (altered, forged, expired, "", "TH-0000-0000-0000"):
        with pytest.raises(NotFound):
            application_for_receipt(token_given)


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "fields"),
    [
        ({"score": 0}, {"score"}),
        ({"score": 6}, {"score"}),
        ({"face": "happy", "ease": 0}, {"ease"}),
        ({"face": "happy", "ease": 8}, {"ease"}),
        ({"face": "ecstatic"}, {"face"}),
        ({}, {"face"}),  # neither a face nor a score
        ({"face": "grin", "score": 9, "ease": -1}, {"face", "score", "ease"}),
        ({"face": "happy", "comment": "x" * 2001}, {"comment"}),
        ({"face": "happy", "service_code": "NO-SUCH-SERVICE"}, {"service"}),
        ({"face": "happy", "channel": "fax"}, {"channel"}),
        ({"face": "happy", "endpoint": "halfway"}, {"endpoint"}),
    ],
)
def test_bad_answers_are_refused_field_by_field_and_nothing_is_kept(answer: dict[str, Any], fields: set[str]) -> None:
    ratings, before = Rating.objects.count(), all_cells()

    with pytest.raises(InvalidFeedback) as refused:
        rate(**answer)

    assert set(refused.value.errors) == fields
    assert all(message.ar and message.en for message in refused.value.errors.values())
    assert Rating.objects.count() == ratings
    assert changed_cells(before, all_cells()) == {}


def test_a_comment_of_2000_characters_is_kept_whole() -> None:
    rating = rate(face="happy", comment="ممتاز " * 333 + "ab")

    assert len(rating.comment) == 2000


def test_html_in_a_comment_is_kept_as_the_text_it_is() -> None:
    text = '<script>alert("x")</script> <b>quick</b> & friendly'

    rating = rate(face="happy", comment=f"  {text}\n")

    assert Rating.objects.get(pk=rating.pk).comment == text


# --- floods ------------------------------------------------------------------------------------


def test_a_fourth_rating_in_an_hour_from_one_client_is_refused(settings: Any) -> None:
    settings.TAHAWUL_RATINGS_PER_HOUR = 3
    for _ in range(3):
        rate(face="happy", client="ip:203.0.113.9")
    ratings, before = Rating.objects.count(), all_cells()

    with pytest.raises(TooManyRequests):
        rate(face="unhappy", client="ip:203.0.113.9")

    assert Rating.objects.count() == ratings
    assert changed_cells(before, all_cells()) == {}
    rate(face="happy", client="ip:203.0.113.10")  # another sender is not held back


def test_rating_one_transaction_over_and_over_is_held_back_too(kit: Kit, settings: Any) -> None:
    settings.TAHAWUL_RATINGS_PER_HOUR = 3
    application = completed(kit)
    rate(face="happy", application=application, rater=application.applicant, client="ip:203.0.113.9")
    for face in ("unhappy", "neutral", "happy"):  # three replacements: the first rating plus three changes
        rate(face=face, application=application, rater=application.applicant, client=f"ip:203.0.113.{len(face)}")
    before = all_cells()

    with pytest.raises(TooManyRequests):
        rate(face="unhappy", application=application, rater=application.applicant, client="ip:192.0.2.1")

    assert changed_cells(before, all_cells()) == {}
    assert Rating.objects.get(application=application).face == "happy"


def test_a_kiosk_has_its_own_larger_limit(settings: Any) -> None:
    settings.TAHAWUL_RATINGS_PER_HOUR = 3
    settings.TAHAWUL_KIOSK_RATINGS_PER_HOUR = 5
    for _ in range(5):
        rate(face="happy", channel=Channel.KIOSK, client="kiosk:K-07", device="K-07")

    with pytest.raises(TooManyRequests):
        rate(face="happy", channel=Channel.KIOSK, client="kiosk:K-07", device="K-07")
    rate(face="happy", channel=Channel.KIOSK, client="kiosk:K-08", device="K-08")


# --- the follow-up complaint -------------------------------------------------------------------


def test_an_unhappy_rating_with_a_comment_opens_one_follow_up_complaint(kit: Kit) -> None:
    application = completed(kit)

    rating = rate(
        face="unhappy",
        comment="Nobody answered the phone for three days.",
        application=application,
        rater=kit.applicant,
        wants_contact=True,
    )
    again = rate(face="unhappy", comment="Still nobody answers.", application=application, rater=kit.applicant)

    case = Case.objects.get(rating=rating)
    passport = service(PASSPORT)
    assert again.pk == rating.pk
    assert Case.objects.filter(application=application).count() == 1
    assert (case.kind, case.status, case.entity_id, case.service_id) == (
        CaseKind.COMPLAINT,
        CaseStatus.OPEN,
        passport.entity_id,
        passport.pk,
    )
    assert (case.filer_id, case.application_id, case.description) == (
        kit.applicant.pk,
        application.pk,
        "Nobody answered the phone for three days.",
    )
    # They asked to be contacted, and their account has an email address.
    assert case.contact_preference == ContactPreference.EMAIL
    assert Notification.objects.filter(case_id=case.pk, event="case_received", to_address=kit.applicant.email).exists()


@pytest.mark.parametrize(
    "answer",
    [
        {"face": "unhappy"},  # no comment
        {"face": "neutral", "comment": "It was fine, I suppose."},
        {"score": 3, "comment": "Average."},
    ],
)
def test_no_follow_up_without_both_an_unhappy_answer_and_a_comment(answer: dict[str, Any]) -> None:
    cases = Case.objects.count()

    rate(**answer)

    assert Case.objects.count() == cases


def test_a_follow_up_without_consent_to_contact_sends_nothing(kit: Kit) -> None:
    application = completed(kit)

    rating = rate(face="unhappy", comment="Too slow.", application=application, rater=kit.applicant)

    case = Case.objects.get(rating=rating)
    assert case.contact_preference == ContactPreference.NONE
    assert not Notification.objects.filter(case_id=case.pk).exists()
