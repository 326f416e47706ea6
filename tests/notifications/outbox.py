"""Reading what the development senders wrote: the SMS outbox file and the email files."""

from __future__ import annotations

import email
import email.policy
import json
from email.message import EmailMessage
from pathlib import Path

FILE_BACKEND_SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # what Django's file mail backend writes after a message


def sent_sms(outbox: Path, to: str) -> list[dict[str, str]]:
    path = outbox / "sms.jsonl"
    if not path.exists():
        return []
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line["to"] == to]


def sent_email(outbox: Path, to: str) -> list[EmailMessage]:
    messages = []
    for path in sorted((outbox / "email").glob("*.log")) if (outbox / "email").exists() else []:
        for raw in path.read_bytes().split(FILE_BACKEND_SEPARATOR):
            if raw.strip():
                message = email.message_from_bytes(raw, policy=email.policy.default)
                assert isinstance(message, EmailMessage)
                if message["To"] == to:
                    messages.append(message)
    return messages
