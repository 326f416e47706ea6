"""notify(): what is recorded, in which language, on which channels, and only when the action commits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import transaction
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from tahawul.core.text import LocalizedText
from tahawul.identity.models import User
from tahawul.notifications.actions import SMS_MAX_CHARS, notify, render
from tahawul.notifications.errors import InvalidNotificationContext, UnknownEvent
from tahawul.notifications.events import EVENTS, Event
from tahawul.notifications.models import Notification, NotificationChannel, NotificationStatus

PASSPORT = LocalizedText(ar="تجديد جواز السفر", en="Passport renewal")
REFERENCE = "NPRA-7K3Q-9XW2"

# One context for every event: callers may pass keys an event does not read.
FULL_CONTEXT: dict[str, object] = {
    "reference": REFERENCE,
    "service_name": PASSPORT,
    "expected_by": date(2026, 3, 5),
    "state_label": LocalizedText(ar="قيد المراجعة", en="In review"),
    "comment": "Please upload a clearer photo.",
    "due_at": datetime(2026, 3, 5, 9, 30, tzinfo=UTC),
    "url": f"/my/applications/{REFERENCE}/",
    "kind_label": LocalizedText(ar="شكوى", en="complaint"),
    "message": "We have fixed the upload page.",
    "outcome_label": LocalizedText(ar="تم الحل", en="Resolved"),
    "entity_name": LocalizedText(ar="هيئة المعلومات", en="Information Authority"),
    "channel_label": LocalizedText(ar="البوابة", en="web portal"),
    "share": "40%",
    "usual_share": "5%",
    "subscription_name": "NPRA case system",
    "target_host": "crm.example.bh",
    "failures": 5,
    "code": "482913",
    "minutes": 5,
}
# What each message must name so its reader knows what it is about: the application's reference
# and service, a case's reference, or the service whose ratings fell.
IDENTIFIES_BY_SERVICE_ONLY = {Event.DISSATISFACTION_RISING}
# A paused webhook is about a subscription, not a transaction: it names the subscription and its receiver.
ABOUT_A_SUBSCRIPTION = {Event.WEBHOOK_PAUSED}
# A one-time code is about no transaction and links nowhere: it must carry the code, and be short.
ONE_TIME_CODES = {Event.KIOSK_SIGN_IN_CODE}
IDENTIFIES_BY_REFERENCE_ONLY = {
    Event.CASE_RECEIVED,
    Event.CASE_REPLIED,
    Event.CASE_CLOSED,
    Event.CASE_OVERDUE,
    Event.INCIDENT_RESOLVED,
}


def _submitted(user: User, **overrides: object) -> list[Notification]:
    context = {
        "reference": REFERENCE,
        "service_name": PASSPORT,
        "expected_by": date(2026, 3, 5),
        "url": f"/my/applications/{REFERENCE}/",
    }
    return notify(recipient=user, event=Event.APPLICATION_SUBMITTED, context=context | overrides, application_id=41)


def _by_channel(notifications: list[Notification]) -> dict[str, Notification]:
    return {notification.channel: notification for notification in notifications}


def test_an_arabic_speaker_reads_the_arabic_name_and_date(make_user: Callable[..., User], settings: Any) -> None:
    settings.TAHAWUL_PUBLIC_URL = "https://eservices.example.bh"
    user = make_user(language="ar")
    email = _by_channel(_submitted(user))[NotificationChannel.EMAIL]

    assert email.language == "ar"
    assert email.event == "application_submitted"
    assert email.application_id == 41
    assert email.to_address == user.email
    assert REFERENCE in email.subject
    assert "تجديد جواز السفر" in email.subject
    assert "Passport renewal" not in email.subject + email.body
    assert "مارس" in email.body  # the month from Django's own Arabic catalogue
    assert f"https://eservices.example.bh/my/applications/{REFERENCE}/" in email.body


def test_an_english_speaker_reads_the_english_name_and_date(make_user: Callable[..., User]) -> None:
    user = make_user(language="en")
    email, sms = (_by_channel(_submitted(user))[channel] for channel in ("email", "sms"))

    assert email.language == sms.language == "en"
    assert "Passport renewal" in email.subject
    assert "تجديد" not in email.subject + email.body + sms.body
    assert "March 5, 2026" in email.body
    assert REFERENCE in sms.body
    assert "Passport renewal" in sms.body


def test_the_subject_follows_the_recipients_language(make_user: Callable[..., User]) -> None:
    arabic = _by_channel(_submitted(make_user(language="ar")))["email"]
    english = _by_channel(_submitted(make_user(language="en")))["email"]
    assert arabic.subject != english.subject
    assert REFERENCE in arabic.subject
    assert REFERENCE in english.subject


def test_the_greeting_uses_the_name_in_the_recipients_language(make_user: Callable[..., User]) -> None:
    arabic = make_user(language="ar", name_ar="فاطمة علي", name_en="Fatima Ali")
    english = make_user(language="en", name_ar="فاطمة علي", name_en="Fatima Ali")
    assert "فاطمة علي" in _by_channel(_submitted(arabic))["email"].body
    assert "Fatima Ali" in _by_channel(_submitted(english))["email"].body


def test_a_lazy_translation_is_shown_in_the_recipients_language(make_user: Callable[..., User]) -> None:
    context = FULL_CONTEXT | {"state_label": gettext_lazy("English")}  # a catalogue entry that is translated
    arabic = notify(recipient=make_user(language="ar"), event=Event.STATE_CHANGED, context=context)
    english = notify(recipient=make_user(language="en"), event=Event.STATE_CHANGED, context=context)
    assert "الإنجليزية" in arabic[0].subject
    assert "English" in english[0].subject


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("event", list(EVENTS))
def test_every_event_renders_short_complete_messages(event: str, language: str) -> None:
    message = render(event=event, context=FULL_CONTEXT, language=language)
    name = PASSPORT.in_language(language)
    assert message.subject
    assert "\n" not in message.subject
    if event in ONE_TIME_CODES:
        assert "482913" in message.sms_body and len(message.sms_body) <= SMS_MAX_CHARS
        assert "http" not in message.sms_body and "{" not in message.email_body + message.sms_body
        return
    if event in ABOUT_A_SUBSCRIPTION:
        assert "NPRA case system" in message.subject
        assert "crm.example.bh" in message.email_body and "crm.example.bh" in message.sms_body
        assert f"http://127.0.0.1:8000/my/applications/{REFERENCE}/" in message.email_body
        assert len(message.sms_body) <= SMS_MAX_CHARS and "{" not in message.email_body + message.sms_body
        return
    assert REFERENCE in message.subject or name in message.subject
    if event not in IDENTIFIES_BY_SERVICE_ONLY:
        assert REFERENCE in message.email_body
        assert REFERENCE in message.sms_body
    if event not in IDENTIFIES_BY_REFERENCE_ONLY:
        assert name in message.email_body
    assert f"http://127.0.0.1:8000/my/applications/{REFERENCE}/" in message.email_body
    assert len(message.sms_body) <= SMS_MAX_CHARS
    assert f"/my/applications/{REFERENCE}/" in message.sms_body
    assert "{" not in message.email_body + message.sms_body + message.subject  # no template syntax leaked


def test_the_officers_comment_reaches_the_applicant_by_email() -> None:
    for event in (Event.STATE_CHANGED, Event.CORRECTION_REQUESTED):
        assert "Please upload a clearer photo." in render(event=event, context=FULL_CONTEXT, language="en").email_body


def test_plain_text_is_not_html_escaped() -> None:
    context = FULL_CONTEXT | {"service_name": LocalizedText(ar="الاستيراد والتصدير", en="Import & export <goods>")}
    message = render(event=Event.CERTIFICATE_ISSUED, context=context, language="en")
    assert "Import & export <goods>" in message.subject
    assert "Import & export <goods>" in message.email_body
    assert "&amp;" not in message.email_body + message.sms_body


def test_a_very_long_service_name_keeps_the_sms_short_and_its_link_whole() -> None:
    long_name = LocalizedText(ar="خدمة " * 200, en="Service " * 200)
    for event in set(EVENTS) - ONE_TIME_CODES:
        for language in ("ar", "en"):
            message = render(event=event, context=FULL_CONTEXT | {"service_name": long_name}, language=language)
            assert len(message.sms_body) <= SMS_MAX_CHARS
            assert message.sms_body.endswith(f"http://127.0.0.1:8000/my/applications/{REFERENCE}/")
            assert len(message.subject) <= 255


def test_without_an_expected_date_the_sentence_is_left_out() -> None:
    message = render(event=Event.APPLICATION_SUBMITTED, context=FULL_CONTEXT | {"expected_by": None}, language="en")
    assert "expect" not in message.email_body.lower()
    assert "Expected by" not in message.sms_body


@pytest.mark.parametrize(
    ("with_email", "with_mobile", "channels"),
    [(True, True, {"email", "sms"}), (True, False, {"email"}), (False, True, {"sms"}), (False, False, set())],
)
def test_one_row_per_channel_the_recipient_has(
    make_user: Callable[..., User], with_email: bool, with_mobile: bool, channels: set[str]
) -> None:
    user = make_user(with_email=with_email, with_mobile=with_mobile)
    notifications = _submitted(user)
    assert {notification.channel for notification in notifications} == channels
    assert set(Notification.objects.filter(recipient=user).values_list("channel", flat=True)) == channels
    for notification in notifications:
        assert notification.status == NotificationStatus.PENDING
        assert notification.attempts == 0
    sms = _by_channel(notifications).get("sms")
    if sms is not None:
        assert sms.to_address == user.mobile
        assert sms.subject == ""


def test_delivery_is_queued_in_the_actions_own_transaction(make_user: Callable[..., User]) -> None:
    # With the database queue, the task rows are written beside the outbox rows: both commit or
    # neither does (the rolled-back case is the next test).
    user = make_user()
    notifications = _submitted(user)
    queued = DBTaskResult.objects.filter(task_path="tahawul.notifications.tasks.deliver")
    [delivery] = queued  # one task for every channel of the message
    assert sorted(delivery.args_kwargs["args"]) == sorted(n.pk for n in notifications)


def test_a_rolled_back_action_records_and_queues_nothing(
    make_user: Callable[..., User], django_capture_on_commit_callbacks: Any
) -> None:
    user = make_user()

    class ActionFailed(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ActionFailed),
        transaction.atomic(),
    ):
        _submitted(user)
        raise ActionFailed
    assert callbacks == []
    assert not Notification.objects.filter(recipient=user).exists()
    assert not DBTaskResult.objects.filter(task_path="tahawul.notifications.tasks.deliver").exists()


def test_an_unknown_event_is_a_bug_in_the_caller(make_user: Callable[..., User]) -> None:
    user = make_user()
    with pytest.raises(UnknownEvent):
        notify(recipient=user, event="application_teleported", context=FULL_CONTEXT)
    assert not Notification.objects.filter(recipient=user).exists()


def test_a_missing_context_key_is_a_bug_in_the_caller(make_user: Callable[..., User]) -> None:
    user = make_user()
    with pytest.raises(InvalidNotificationContext, match="due_at"):
        notify(
            recipient=user,
            event=Event.SLA_BREACHED,
            context={"reference": REFERENCE, "service_name": PASSPORT, "url": "/"},
        )
    with pytest.raises(InvalidNotificationContext, match="cannot show"):
        notify(recipient=user, event=Event.CERTIFICATE_ISSUED, context=FULL_CONTEXT | {"reference": 1.5})
    assert not Notification.objects.filter(recipient=user).exists()
