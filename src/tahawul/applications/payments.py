"""Payment providers. A provider takes the applicant to its checkout and tells us the outcome;
the built-in test provider moves no money and says so on every page."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.urls import reverse


class PaymentProvider(Protocol):
    name: str

    def checkout_url(self, token: str) -> str:
        """Where the applicant pays the payment ``token``; the provider reports back through
        :func:`tahawul.applications.actions.settle_payment`."""

    def health(self) -> None:
        """Raise when the provider cannot take payments now (the status page's check calls it
        every minute: keep it light, with a timeout of a few seconds)."""


class TestProvider:
    """Clearly labelled, for demonstrations and tests: a page with "pay" and "decline" buttons."""

    name = "test"

    def checkout_url(self, token: str) -> str:
        return reverse("portal:test_payment", kwargs={"token": token})

    def health(self) -> None:
        """Always able: the test page is served by the platform itself."""


PROVIDERS: dict[str, type[PaymentProvider]] = {"test": TestProvider}


def provider() -> PaymentProvider | None:
    configured = settings.TAHAWUL_PAYMENT_PROVIDER
    return PROVIDERS[configured]() if configured else None
