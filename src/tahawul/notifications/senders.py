"""Senders: what hands a rendered notification to the outside world.

Email goes through Django's mail backends (settings.EMAIL_BACKEND): the file backend writes to
var/outbox/email/ in development, SMTP is used when EMAIL_HOST is set.

SMS goes through the class named by settings.TAHAWUL_SMS_SENDER, built with no arguments for
every delivery. Development uses OutboxSmsSender, which sends nothing and appends to
var/outbox/sms.jsonl. To plug a real gateway, write a class with the SmsSender method, e.g.::

    class NationalSmsGateway:
        def __init__(self) -> None:
            self.url = os.environ["SMS_GATEWAY_URL"]
            self.token = os.environ["SMS_GATEWAY_TOKEN"]

        def send(self, to: str, body: str) -> str:
            request = urllib.request.Request(
                self.url,
                data=json.dumps({"to": to, "text": body}).encode(),
                headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10) as response:  # raises on HTTP errors
                return json.load(response)["message_id"]

and set the TAHAWUL_SMS_SENDER environment variable to its dotted path. Keep a timeout on every
network call: a hung gateway holds a worker. Raising is the only way to report failure; the
delivery task counts the attempt and retries with backoff.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.core.mail.utils import DNS_NAME
from django.utils import timezone
from django.utils.module_loading import import_string

DEFAULT_SMS_SENDER = "tahawul.notifications.senders.OutboxSmsSender"


class SmsSender(Protocol):
    def send(self, to: str, body: str) -> str:
        """Hand one SMS to the gateway and return the gateway's message ID; raise if it was not accepted."""
        ...


class EmailSender:
    """Sends through Django's configured mail backend, so SMTP works by configuration alone."""

    def send(self, *, to: str, subject: str, body: str, language: str) -> str:
        message_id = make_msgid(domain=str(DNS_NAME))
        message = EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            headers={"Message-ID": message_id, "Content-Language": language, "Auto-Submitted": "auto-generated"},
        )
        message.send(fail_silently=False)
        return message_id


class OutboxSmsSender:
    """Development and demonstration: appends each SMS as a JSON line to TAHAWUL_OUTBOX_DIR/sms.jsonl."""

    def __init__(self) -> None:
        self.path = Path(settings.TAHAWUL_OUTBOX_DIR) / "sms.jsonl"

    def send(self, to: str, body: str) -> str:
        message_id = uuid.uuid4().hex
        line = json.dumps(
            {"id": message_id, "to": to, "body": body, "at": timezone.now().isoformat()}, ensure_ascii=False
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One write of a whole line in append mode: lines from concurrent workers do not interleave.
        with self.path.open("a", encoding="utf-8") as outbox:
            outbox.write(line + "\n")
        return message_id


def sms_sender() -> SmsSender:
    """The configured SMS sender, built for each delivery: the setting is read when used."""
    sender_class = import_string(getattr(settings, "TAHAWUL_SMS_SENDER", DEFAULT_SMS_SENDER))
    sender: SmsSender = sender_class()
    return sender
