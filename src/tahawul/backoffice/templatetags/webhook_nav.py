"""Whether the back-office navigation offers the entity's webhooks: to its admins only."""

from __future__ import annotations

from django import template

from tahawul.catalog.models import Entity
from tahawul.identity.models import User
from tahawul.webhooks.selectors import manages_webhooks

register = template.Library()


@register.simple_tag(takes_context=True)
def offers_webhooks(context: template.Context, entity: object) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    # Roles are read once per request and kept on the user: no query per page.
    return isinstance(user, User) and isinstance(entity, Entity) and manages_webhooks(user, entity.pk)
