"""Template helper for the back office's navigation: whether to offer the kiosk registry."""

from __future__ import annotations

from django import template

from tahawul.identity.models import User
from tahawul.kiosks.selectors import may_manage_kiosks

register = template.Library()


@register.simple_tag(takes_context=True)
def manages_kiosks(context: template.Context) -> bool:
    """Whether the signed-in user manages service centres (an entity admin, or the authority)."""
    user = getattr(context.get("request"), "user", None)
    return isinstance(user, User) and may_manage_kiosks(user)
