"""What can go wrong when managing webhooks, in words an entity administrator understands."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tahawul.core.errors import DomainError
from tahawul.core.text import LocalizedText


class InvalidSubscription(DomainError):
    """Input that failed the checks; ``errors`` maps field names ("" for the whole form) to messages."""

    code = "invalid_subscription"
    message = _("Some answers need your attention.")
    status = 422

    def __init__(self, errors: dict[str, LocalizedText]) -> None:
        super().__init__()
        self.errors = errors


class SubscriptionPaused(DomainError):
    code = "subscription_paused"
    message = _("This subscription is paused. Resume it to send its deliveries.")
    status = 409


class DeliveryStillPending(DomainError):
    code = "delivery_pending"
    message = _("This delivery is still waiting to be sent: it will be tried again on its own.")
    status = 409
