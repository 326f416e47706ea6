"""Queue notifications: render them in the recipient's language, deliver them after the commit."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template import Context, Engine
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.text import Truncator
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend

from tahawul.core.text import LANGUAGES, LocalizedText
from tahawul.identity.models import User
from tahawul.notifications.errors import InvalidNotificationContext, UnknownEvent
from tahawul.notifications.events import EVENTS
from tahawul.notifications.models import Notification, NotificationChannel
from tahawul.notifications.tasks import schedule_delivery

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
SUBJECT_MAX_CHARS = 255  # the column's size
SMS_MAX_CHARS = 300  # at most five parts of a concatenated Arabic (UCS-2) SMS, 67 characters each
SMS_VALUE_MAX_CHARS = 80  # a long service name must not push the link out of the SMS
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Contact:
    """Someone without an account who left a way to reach them (e.g. when filing a case)."""

    name: str
    email: str
    mobile: str
    language: str


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    email_body: str
    sms_body: str


@functools.cache
def _engine() -> Engine:
    # Plain text, not HTML: escaping would show a service called "Import & export" as "Import &amp; export".
    return Engine(dirs=[str(TEMPLATE_DIR)], autoescape=False, libraries={"i18n": "django.templatetags.i18n"})


def _render_template(name: str, values: dict[str, str]) -> str:
    # A bare Context escapes by default, whatever the engine says; these are plain-text messages.
    return _engine().get_template(name).render(Context(values, autoescape=False))


def _show(key: str, value: object, language: str) -> str:
    """One context value as the recipient reads it (the caller's translation override is active)."""
    text = _as_text(key, value, language)
    if key == "url" and text.startswith("/"):
        return f"{settings.TAHAWUL_PUBLIC_URL}{text}"
    return text


def _as_text(key: str, value: object, language: str) -> str:
    if value is None:
        return ""
    if isinstance(value, LocalizedText):
        return value.in_language(language)
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, datetime):
        # Stored in UTC, read in the platform's time zone (Asia/Bahrain), on a 24-hour clock.
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{formats.date_format(local, 'DATE_FORMAT')} {formats.time_format(local, 'H:i')}"
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, bool):
        raise InvalidNotificationContext(f"{key!r}: a yes/no value has no wording; pass the text to show.")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value
    raise InvalidNotificationContext(f"{key!r}: cannot show a {type(value).__name__} in a notification.")


def _check(event: str, context: Mapping[str, object]) -> None:
    spec = EVENTS.get(event)
    if spec is None:
        raise UnknownEvent(f"No notification templates for the event {event!r}; known: {sorted(EVENTS)}.")
    missing = spec.required - context.keys()
    if missing:
        raise InvalidNotificationContext(f"{event}: the context misses {sorted(missing)}.")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _paragraphs(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines))


def _compact(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def render(*, event: str, context: Mapping[str, object], language: str, recipient_name: str = "") -> RenderedMessage:
    """The subject, email text and SMS text of ``event`` in ``language``.

    Also for previews (e.g. showing a designer what a beneficiary receives); notify() stores the result.
    """
    _check(event, context)
    with translation.override(language):
        # Callers may pass one context for several events; each event's templates get what they read.
        allowed = EVENTS[event].allowed
        shown = {key: _show(key, value, language) for key, value in context.items() if key in allowed}
        shown["recipient_name"] = recipient_name
        short = {
            key: value if key in {"url", "reference"} else Truncator(value).chars(SMS_VALUE_MAX_CHARS)
            for key, value in shown.items()
        }
        subject = _render_template(f"notifications/{event}/subject.txt", shown)
        email_body = _render_template(f"notifications/{event}/email.txt", shown)
        sms_body = _render_template(f"notifications/{event}/sms.txt", short)
    return RenderedMessage(
        subject=Truncator(_one_line(subject)).chars(SUBJECT_MAX_CHARS),
        email_body=_paragraphs(email_body) + "\n",
        sms_body=Truncator(_compact(sms_body)).chars(SMS_MAX_CHARS),
    )


def _language_of(recipient: User | Contact) -> str:
    if isinstance(recipient, Contact):
        return recipient.language if recipient.language in LANGUAGES else settings.LANGUAGE_CODE
    language = (recipient.preferred_language or settings.LANGUAGE_CODE)[:2]
    return language if language in LANGUAGES else settings.LANGUAGE_CODE


def _queue_deliveries(notification_ids: Sequence[int]) -> None:
    # After the commit: the rows are pending whatever happens here. A failed enqueue is logged and
    # left to requeue_stalled(); the action that caused it has succeeded and must not look failed.
    schedule_delivery(*notification_ids)


def notify(
    *,
    recipient: User | Contact,
    event: str,
    context: Mapping[str, object],
    application_id: int | None = None,
    case_id: int | None = None,
) -> list[Notification]:
    """Record ``event`` for ``recipient`` on every channel they can receive, and send after commit.

    The recipient is an account or a :class:`Contact` (someone without an account who left an
    address). One row per channel: email when the recipient has an email address, SMS when they have a
    mobile number; none when they have neither. Text is rendered now, in the recipient's
    preferred language. Call it inside the action's transaction: if that rolls back, nothing is
    recorded and nothing is sent. Delivery (and its retries) happens in the worker, so a failing
    gateway never fails the action.

    Context values may be str, int, date, datetime, LocalizedText (e.g. a URL per language) or a
    lazy translation; each is shown in the recipient's language. A ``url`` starting with "/" is
    made absolute with TAHAWUL_PUBLIC_URL. events.EVENTS lists the keys each event needs and may
    use; other keys are ignored, so one context can serve several events. An unknown event or a
    missing key raises: that is a bug in the caller.
    """
    language = _language_of(recipient)
    if isinstance(recipient, Contact):
        name, account = recipient.name, None
    else:
        account = recipient
        with translation.override(language):
            name = recipient.display_name
    message = render(event=event, context=context, language=language, recipient_name=name)
    addresses: list[tuple[NotificationChannel, str, str, str]] = []
    if recipient.email:
        addresses.append((NotificationChannel.EMAIL, recipient.email, message.subject, message.email_body))
    if recipient.mobile:
        addresses.append((NotificationChannel.SMS, recipient.mobile, "", message.sms_body))
    # One insert for all channels: this runs inside every submission's transaction.
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient=account,
            application_id=application_id,
            case_id=case_id,
            event=event,
            channel=channel,
            language=language,
            to_address=address,
            subject=subject,
            body=body,
        )
        for channel, address, subject, body in addresses
    )
    ids = [notification.pk for notification in notifications]
    if ids and _queue_is_in_this_database():
        # The queue row commits or rolls back with the outbox row: no window to lose a delivery.
        _queue_deliveries(ids)
    elif ids:
        transaction.on_commit(functools.partial(_queue_deliveries, ids), robust=True)
    return notifications


def _queue_is_in_this_database() -> bool:
    return isinstance(task_backends["default"], DatabaseBackend)
