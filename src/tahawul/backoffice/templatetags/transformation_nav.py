"""Which of the transformation pages (service design, plan, costs, re-engineering) the back-office
navigation offers for an entity: each page's own access rule, asked once per page."""

from __future__ import annotations

from django import template

from tahawul.catalog.models import Entity
from tahawul.definitions.lint_selectors import may_design
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import roles_in
from tahawul.performance.reengineering import may_see_reengineering
from tahawul.plans.selectors import PLAN_READ_ROLES

register = template.Library()


@register.simple_tag(takes_context=True)
def transformation_areas(context: template.Context, entity: Entity | None) -> dict[str, bool]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User) or entity is None:
        return {}
    roles = roles_in(user, entity.pk)  # read once per request and kept on the user
    return {
        "designs": may_design(user, entity),
        "plan": bool(roles & PLAN_READ_ROLES),
        "costs": Role.ENTITY_ADMIN in roles,
        "reengineering": bool(roles) and may_see_reengineering(user, entity),
    }
