"""What the simulator needs to know of each service, read once from its current definition."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F

from tahawul.definitions.models import ServiceVersion
from tahawul.definitions.selectors import parsed
from tahawul.definitions.workflow import expected_working_days


@dataclass(frozen=True)
class FinalState:
    key: str
    outcome: str
    action: str  # the step that reaches it, for the closing event
    from_state: str


@dataclass(frozen=True)
class ServiceFacts:
    service_id: int
    code: str
    entity_id: int
    version_id: int
    maturity: str
    channels: tuple[str, ...]
    annual_volume: int
    fee_fils: int
    steps: int
    documents: int
    visits: int
    sla_days: int  # working days along the shortest way to approval (0: no SLA to miss)
    initial_state: str  # "" when the service takes no applications (no workflow)
    initial_sla_days: int
    finals: tuple[FinalState, ...]
    earlier: ServiceFacts | None = None  # the version before the current one, if there is one

    @property
    def takes_applications(self) -> bool:
        return bool(self.initial_state and self.finals)


def service_facts() -> list[ServiceFacts]:
    """Every service's current version, summarised, in code order, each with the version
    before it (what applications were made under until the current one was launched)."""
    versions = ServiceVersion.objects.filter(number__gte=F("service__current_version") - 1).select_related("service")
    by_service: dict[int, dict[int, ServiceVersion]] = {}
    for version in versions:
        by_service.setdefault(version.service_id, {})[version.number] = version
    facts = []
    for numbered in by_service.values():
        current = max(numbered)
        earlier = _facts(numbered[current - 1]) if current - 1 in numbered else None
        facts.append(_facts(numbered[current], earlier))
    return sorted(facts, key=lambda item: item.code)


def _facts(version: ServiceVersion, earlier: ServiceFacts | None = None) -> ServiceFacts:
    definition = parsed(version)
    workflow = definition.workflow
    finals: list[FinalState] = []
    initial, initial_sla, sla = "", 0, 0
    if workflow is not None:
        initial = workflow.initial
        initial_sla = workflow.states[initial].sla_days
        sla = expected_working_days(workflow) or 0
        for key, state in workflow.states.items():
            step = next((item for item in workflow.transitions if item.to == key), None)
            if state.final and step is not None:
                finals.append(FinalState(key, state.outcome or "", step.action, step.sources[0]))
        visits = sum(1 for state in workflow.states.values() if state.visit)
    else:
        visits = 1  # nothing online to apply with: the applicant goes in person
    service = version.service
    fee = definition.fee
    return ServiceFacts(
        service_id=service.pk,
        code=service.code,
        entity_id=service.entity_id,
        version_id=version.pk,
        maturity=definition.maturity,
        channels=tuple(definition.channels),
        annual_volume=service.annual_volume,
        fee_fils=int(fee.amount) if fee is not None else 0,
        steps=len(definition.steps),
        documents=len(definition.documents),
        visits=visits,
        sla_days=sla,
        initial_state=initial,
        initial_sla_days=initial_sla,
        finals=tuple(finals),
        earlier=earlier,
    )
