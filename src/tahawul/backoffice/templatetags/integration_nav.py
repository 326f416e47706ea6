"""Whether the back-office navigation offers the entity's integrations (keys, Open311): to its admins only."""

from __future__ import annotations

from django import template

from tahawul.catalog.models import Entity
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import roles_in

register = template.Library()


@register.simple_tag(takes_context=True)
def offers_integrations(context: template.Context, entity: Entity | None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    # Roles are read once per request and kept on the user: no query per page.
    return isinstance(user, User) and entity is not None and Role.ENTITY_ADMIN in roles_in(user, entity.pk)
