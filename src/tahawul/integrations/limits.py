"""The rate limit of API keys: at most TAHAWUL_OPEN311_REQUESTS_PER_HOUR requests a key in each
clock hour, counted in the database so every app process sees the same count."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tahawul.integrations.errors import TooManyRequests
from tahawul.integrations.models import ApiKey, RequestWindow

WINDOW = timedelta(hours=1)
# Writing last_used_at on every request would add a write to each; once a minute is enough.
_TOUCH_EVERY = timedelta(minutes=1)


def consume_request_allowance(*, api_key: ApiKey, now: datetime | None = None) -> None:
    """Count one request of ``api_key``, or refuse it with TooManyRequests (``retry_after``: the
    seconds until the next window) when the key has used its hour. Called before the request is
    handled and committed on its own, so refused and failed requests count too. Also records
    when the key was last used."""
    now = now or timezone.now()
    starts_at = now.replace(minute=0, second=0, microsecond=0)
    limit: int = settings.TAHAWUL_OPEN311_REQUESTS_PER_HOUR
    with transaction.atomic():
        if not _count(api_key, starts_at, limit):
            raise TooManyRequests(retry_after=max(1, int((starts_at + WINDOW - now).total_seconds())))
        if api_key.last_used_at is None or now - api_key.last_used_at > _TOUCH_EVERY:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
            api_key.last_used_at = now


def _count(api_key: ApiKey, starts_at: datetime, limit: int) -> bool:
    """Add one to the key's window if it has room; one conditional UPDATE, so two processes can
    never both take the last place. A new window starts by removing the key's old ones."""
    for _attempt in range(3):
        windows = RequestWindow.objects.filter(api_key=api_key, starts_at=starts_at)
        if windows.filter(count__lt=limit).update(count=F("count") + 1):
            return True
        if windows.exists() or limit <= 0:
            return False
        try:
            with transaction.atomic():
                RequestWindow.objects.create(api_key=api_key, starts_at=starts_at, count=1)
        except IntegrityError:
            continue  # another process opened the window first: count in it
        RequestWindow.objects.filter(api_key=api_key, starts_at__lt=starts_at).delete()
        return True
    raise RuntimeError(f"could not count a request of API key {api_key.pk}")
