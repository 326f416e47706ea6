"""Errors of the definitions app; each has a stable code and a translated message."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from tahawul.core.errors import DomainError
from tahawul.definitions.problems import Problem


class PublishedVersionIsImmutable(DomainError):
    code = "published_version_immutable"
    message = _("A published version of a service definition cannot be changed or deleted.")


class DefinitionsInvalid(DomainError):
    code = "definitions_invalid"
    message = _("One or more service definitions have problems; nothing was published.")

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__()
        self.problems = list(problems)
