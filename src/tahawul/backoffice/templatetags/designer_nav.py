"""Whether the back-office navigation offers the entity's service simplification pages: to its
service designers and admins only."""

from __future__ import annotations

from django import template

from tahawul.catalog.models import Entity
from tahawul.definitions.lint_selectors import may_design
from tahawul.identity.models import User

register = template.Library()


@register.simple_tag(takes_context=True)
def designs_services(context: template.Context, entity: Entity | None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    # Roles are read once per request and kept on the user: no query per page.
    return isinstance(user, User) and entity is not None and may_design(user, entity)
