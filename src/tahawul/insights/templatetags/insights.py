"""Number formats of the dashboards, the same in the page's tables and summaries."""

from __future__ import annotations

from decimal import Decimal

from django import template

from tahawul.insights.presenters import format_number, format_percent, format_signed

register = template.Library()


@register.filter
def percent(value: Decimal | None) -> str:
    return format_percent(value) if value is not None else ""


@register.filter
def number(value: int | Decimal | None) -> str:
    return format_number(value) if value is not None else ""


@register.filter
def signed(value: Decimal | None) -> str:
    return format_signed(value) if value is not None else ""
