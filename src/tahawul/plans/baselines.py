"""Where a service stands today, read off its current published definition: the starting point
("baseline") of a plan item for an existing service."""

from __future__ import annotations

from dataclasses import dataclass, field

from tahawul.catalog.models import Service
from tahawul.definitions.selectors import current_definition
from tahawul.definitions.workflow import expected_working_days
from tahawul.plans.models import Stage


@dataclass(frozen=True)
class Baseline:
    stage: str = Stage.OFFLINE
    channels: list[str] = field(default_factory=list)
    steps: int = 0
    documents: int = 0
    visits: int = 0
    days: int | None = None
    fee_fils: int | None = None

    def as_fields(self) -> dict[str, object]:
        """The PlanItem fields holding this baseline."""
        return {
            "baseline_stage": self.stage,
            "baseline_channels": list(self.channels),
            "baseline_steps": self.steps,
            "baseline_documents": self.documents,
            "baseline_visits": self.visits,
            "baseline_days": self.days,
            "baseline_fee_fils": self.fee_fils,
        }


def baseline_from_definition(service: Service) -> Baseline:
    """The service as its current definition has it: its maturity stage and channels; the steps
    (the staff's states before an outcome, or the listed steps of a service without a workflow);
    required documents; states that need the applicant in person; expected working days; fee."""
    _version, definition = current_definition(code=service.code)
    workflow = definition.workflow
    if workflow is not None:
        states = workflow.states.values()
        steps = sum(1 for state in states if state.actor == "staff" and not state.final)
        visits = sum(1 for state in states if state.visit is not None)
        days = expected_working_days(workflow)
    else:
        steps, visits, days = len(definition.steps), 0, None
    return Baseline(
        stage=definition.maturity,
        channels=[str(channel) for channel in definition.channels],
        steps=steps,
        documents=sum(1 for document in definition.documents if document.required),
        visits=visits,
        days=days if days is not None else service.working_days,
        fee_fils=definition.fee.amount if definition.fee is not None else None,
    )
