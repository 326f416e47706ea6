"""Errors of the catalogue."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tahawul.core.errors import DomainError


class NotFound(DomainError):
    code = "not_found"
    message = _("Not found.")
    status = 404


class UnknownEntity(DomainError):
    code = "unknown_entity"
    message = _("There is no entity with this code.")
    status = 404


class UnknownCategory(DomainError):
    code = "unknown_category"
    message = _("There is no category with this name.")
    status = 404


class UnknownService(DomainError):
    code = "unknown_service"
    message = _("There is no service with this code.")
    status = 404
