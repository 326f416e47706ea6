"""Who hears that a subscription was paused because its receiver keeps failing."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from tahawul.core.text import LocalizedText
from tahawul.identity.models import Role, User
from tahawul.notifications.actions import Contact, notify
from tahawul.webhooks.models import Subscription

PAUSED_EVENT = "webhook_paused"


def notify_paused(subscription: Subscription, *, failures: int) -> None:
    """Tell the entity's admins (who can resume it) and, for an integrator's subscription, the
    integrator's contact. Call inside the transaction that paused it."""
    base = settings.TAHAWUL_PUBLIC_URL
    path = f"office/webhooks/{subscription.pk}/"
    context: dict[str, object] = {
        "subscription_name": subscription.name,
        "target_host": urlsplit(subscription.target_url).hostname or "",
        "failures": failures,
        "url": LocalizedText(ar=f"{base}/ar/{path}", en=f"{base}/en/{path}"),
    }
    admins = User.objects.filter(
        memberships__entity_id=subscription.entity_id, memberships__role=Role.ENTITY_ADMIN, is_active=True
    ).distinct()
    for admin in admins:
        notify(recipient=admin, event=PAUSED_EVENT, context=context)
    integrator = subscription.integrator
    if integrator is not None and integrator.active and integrator.contact_email:
        # An integrator has no account or language of its own: the platform's language it is.
        contact = Contact(
            name=integrator.name, email=integrator.contact_email, mobile="", language=settings.LANGUAGE_CODE
        )
        notify(recipient=contact, event=PAUSED_EVENT, context=context)
