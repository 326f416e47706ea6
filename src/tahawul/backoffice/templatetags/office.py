"""Template helpers for the back office: whether to offer the routing queue, and the rating QR
code printed on a counter receipt."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from tahawul.applications.certificates import qr_svg
from tahawul.applications.models import Application
from tahawul.core.choices import Channel
from tahawul.core.text import LANGUAGES
from tahawul.feedback.cases import is_authority_staff
from tahawul.feedback.ratings import receipt_token
from tahawul.identity.models import User

register = template.Library()


@register.simple_tag(takes_context=True)
def routes_cases(context: template.Context) -> bool:
    """Whether the signed-in user is the authority's staff, who route cases (the navigation links it)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return isinstance(user, User) and is_authority_staff(user)


def rating_url(application: Application) -> str:
    """The address the receipt's QR code opens: the one-page rating of this transaction, in the
    applicant's language, for anyone holding the paper (no account needed)."""
    language = application.applicant.preferred_language
    if language not in LANGUAGES:
        language = settings.LANGUAGE_CODE
    return f"{settings.TAHAWUL_PUBLIC_URL}/{language}/rate/receipt/{receipt_token(application)}/"


@register.inclusion_tag("backoffice/cases/receipt.html")
def rating_receipt(application: Application) -> dict[str, Any]:
    """The printable receipt of an application made at the counter, with its rating QR code."""
    if application.channel != Channel.COUNTER:
        return {"shown": False}
    url = rating_url(application)
    return {"shown": True, "application": application, "rating_url": url, "qr_svg": qr_svg(url)}
