"""Issuing and checking API bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from tahawul.identity.models import ApiToken, User

# Writing last_used_at on every request would make every API read a write; once a minute is enough.
_TOUCH_EVERY = timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(*, user: User, name: str = "") -> str:
    """A new token for ``user``; the raw value is shown once and never stored."""
    raw = "thw_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=_digest(raw), name=name[:100])
    return raw


def user_for_token(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def revoke_token(*, raw: str) -> bool:
    return bool(ApiToken.objects.filter(digest=_digest(raw), revoked_at__isnull=True).update(revoked_at=timezone.now()))
