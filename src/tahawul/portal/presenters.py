"""What a service page shows, worked out from the catalogue listing and the definition."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext_lazy as _

from tahawul.catalog.models import Service
from tahawul.core.choices import Beneficiary, Channel, Maturity
from tahawul.definitions.fields.files import media_type_names
from tahawul.definitions.models import ServiceVersion
from tahawul.definitions.schema import Document, FeeRule, Section, ServiceDefinition

MATURITY_EXPLAINED = {
    Maturity.INFORMATIONAL: _(
        "Information about this service is online; the service itself is provided through other channels."
    ),
    Maturity.INTERACTIVE: _("You can start online, but part of the service still needs a visit or paperwork."),
    Maturity.TRANSACTIONAL: _("You can apply, pay and follow the service online from start to finish."),
    Maturity.CONNECTED: _("Fully online, and the government fills in what it already knows about you."),
}


@dataclass(frozen=True)
class DocumentItem:
    document: Document

    @property
    def formats(self) -> str:
        return media_type_names(self.document.types)


@dataclass(frozen=True)
class ServicePage:
    listing: Service
    version: ServiceVersion
    definition: ServiceDefinition

    @property
    def maturity_label(self) -> str:
        return str(Maturity(self.definition.maturity).label)

    @property
    def maturity_explained(self) -> str:
        return str(MATURITY_EXPLAINED[Maturity(self.definition.maturity)])

    @cached_property
    def channels(self) -> list[str]:
        return [str(Channel(channel).label) for channel in self.definition.channels]

    @cached_property
    def beneficiaries(self) -> list[str]:
        return [str(Beneficiary(kind).label) for kind in self.definition.beneficiaries]

    @property
    def sections(self) -> list[Section]:
        return self.definition.sections

    @property
    def documents(self) -> list[DocumentItem]:
        return [DocumentItem(document) for document in self.definition.documents]

    @property
    def fee_rules(self) -> list[FeeRule]:
        return self.definition.fee.rules if self.definition.fee else []

    @property
    def is_informational(self) -> bool:
        return self.definition.maturity == Maturity.INFORMATIONAL

    @property
    def online(self) -> bool:
        return not self.is_informational and Channel.WEB in self.definition.channels
