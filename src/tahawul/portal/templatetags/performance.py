"""Number formats of the public performance pages: those of the staff dashboards, so the public
and the staff read a figure the same way."""

from __future__ import annotations

from decimal import Decimal

from django import template

from tahawul.portal.performance_presenters import format_number, format_percent

register = template.Library()


@register.filter
def percent(value: Decimal | None) -> str:
    return format_percent(value) if value is not None else ""


@register.filter
def number(value: int | Decimal | None) -> str:
    return format_number(value) if value is not None else ""
