"""Whether an Open311 request can become an application of a service.

An Open311 client sends every answer at once, as text, and the application is made under the
integrator's account. So a service can take applications from it only when nothing is left for the
applicant to do afterwards: no file to upload, no fee to pay online, no step that waits for the
applicant or needs them in person (an appointment, a collection), no document issued in the
applicant's name, no eligibility rule about the applicant.
Any service can take cases (complaints about it), whatever its definition.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tahawul.core.text import LocalizedText
from tahawul.definitions.expressions import names
from tahawul.definitions.fields.files import FileField
from tahawul.definitions.schema import ServiceDefinition
from tahawul.definitions.visibility import compiled
from tahawul.integrations.texts import both

# Visits the applicant makes (an inspection is staff visiting a site: fine for a report).
_IN_PERSON = frozenset({"appointment", "collection"})


def reasons_not_an_application(definition: ServiceDefinition) -> list[LocalizedText]:
    """Why an Open311 request cannot become an application of this definition (empty: it can)."""
    if definition.workflow is None:
        return [both(_("This service gives information only: there is nothing to apply for."))]
    reasons = [
        both(_('The question "%(label)s" needs a file, which an Open311 client cannot send.'), label=field.label)
        for field in definition.fields()
        if isinstance(field, FileField) and field.required
    ]
    reasons += [
        both(_('The service asks for the document "%(label)s", which an Open311 client cannot send.'), label=spec.label)
        for spec in definition.documents
        if spec.required
    ]
    fee = definition.fee
    if fee is not None and fee.payment == "online" and (fee.amount or any(rule.amount for rule in fee.rules)):
        reasons.append(both(_("The service can cost a fee paid online, which an Open311 client cannot pay.")))
    for state in definition.workflow.states.values():
        if state.actor == "applicant":
            reasons.append(
                both(
                    _('The step "%(state)s" waits for the applicant, who cannot act through Open311.'),
                    state=state.label,
                )
            )
        if state.visit in _IN_PERSON:
            reasons.append(
                both(
                    _('The step "%(state)s" needs the applicant in person, which an Open311 request cannot arrange.'),
                    state=state.label,
                )
            )
        if state.issues is not None:
            reasons.append(
                both(
                    _(
                        'The step "%(state)s" issues a document in the applicant\'s name, but an Open311 '
                        "request is made under the integrator's account."
                    ),
                    state=state.label,
                )
            )
    if any(name.startswith("applicant.") for rule in definition.eligibility for name in names(compiled(rule.when))):
        reasons.append(
            both(_("Who may apply depends on facts about the applicant that an Open311 request cannot give."))
        )
    return reasons
