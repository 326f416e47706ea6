"""Template helpers for the portal: money, durations and the language switch."""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tahawul.catalog.models import Service
from tahawul.core.money import format_dinars

register = template.Library()


@register.filter
def bhd(fils: int | None) -> str:
    """``12500`` → "12.500 BHD" (Arabic: "12.500 د.ب."); ``None`` → "Free"."""
    if fils is None or fils == 0:
        return _("Free")
    return _("%(amount)s BHD") % {"amount": format_dinars(fils)}


@register.filter
def amount_bhd(fils: int | None) -> str:
    """An amount that is not a fee, such as a cost: ``0`` → "0.000 BHD", never "Free"; ``None`` → ""."""
    return _("%(amount)s BHD") % {"amount": format_dinars(fils)} if fils is not None else ""


@register.filter
def fee_summary(service: Service) -> str:
    """A listing's fee in a few words, honest when rules can change it."""
    if not service.fee_varies:
        return bhd(service.fee_fils)
    if not service.fee_fils:
        return _("Free (a fee applies in some cases)")
    return _("%(fee)s (may vary)") % {"fee": bhd(service.fee_fils)}


@register.filter
def working_days(days: int | None) -> str:
    if days is None:
        return _("Not applicable")
    if days == 0:
        return _("The same working day")
    return ngettext("%(count)d working day", "%(count)d working days", days) % {"count": days}


@register.simple_tag(takes_context=True)
def in_language(context: template.Context, language: str) -> str:
    """The address of the current page in ``language``, query string kept."""
    request: HttpRequest = context["request"]
    path = translate_url(request.path, language)
    query = request.META.get("QUERY_STRING", "")
    return f"{path}?{query}" if query else path


@register.simple_tag(takes_context=True)
def switch_to(context: template.Context, language: str) -> str:
    """A link that remembers ``language`` as the visitor's choice, then shows this page in it."""
    return reverse("switch_language", args=[language]) + "?" + urlencode({"next": in_language(context, language)})


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, number: int) -> str:
    """The current address with ``page`` set to ``number``, other parameters kept."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()
