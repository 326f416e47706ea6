"""POST requests: an Open311 request becomes an application or a case, as the entity's admin set
for the service, in one transaction with the record of what the client is told.

Only actions are called here; the one choice made is the setting's (application or case). Both are
made under the integrator's account: the applicant of the application, or who filed the case on
the requester's behalf (the key's own rate limit then stands in for the per-person flood limit).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tahawul.applications.actions import apply
from tahawul.applications.errors import InvalidAnswers
from tahawul.core.choices import Channel
from tahawul.feedback.cases import CaseInput, open_case
from tahawul.integrations.attributes import attribute_errors
from tahawul.integrations.errors import InvalidServiceRequest
from tahawul.integrations.models import ApiKey, Becomes, ServiceRequest
from tahawul.integrations.open311 import CASE_KIND, Submission, checked_submission, record_service_request
from tahawul.integrations.selectors import requestable_service
from tahawul.integrations.texts import both


def submit(*, api_key: ApiKey, service_code: str, submission: Submission, language: str) -> ServiceRequest:
    """Make the application or case an Open311 request asks for. Raises NotOnOpen311,
    KeyForAnotherEntity, InvalidServiceRequest, and what ``apply`` and ``open_case`` raise;
    nothing is kept when anything is refused."""
    exposed = requestable_service(code=service_code, api_key=api_key)
    checked = checked_submission(exposed=exposed, submission=submission)
    account = api_key.integrator.account
    assert account is not None  # made with the integrator's first key
    with transaction.atomic():
        if exposed.setting.becomes == Becomes.APPLICATION:
            try:
                applied = apply(
                    applicant=account, service_code=service_code, channel=Channel.OPEN311, answers=checked.answers
                )
            except InvalidAnswers as error:
                raise InvalidServiceRequest(attribute_errors(exposed.definition, error.errors)) from None
            if not applied.submitted:
                # Never acknowledge a draft nobody works (``apply`` refuses a version that needs an
                # upload or a fee; this keeps it so if that rule ever drifts): undo it all.
                message = _("This service now needs something an Open311 request cannot send. Nothing was made.")
                raise InvalidServiceRequest({"service_code": both(message)})
            reference = applied.application.reference
        else:
            case = open_case(
                values=CaseInput(
                    kind=CASE_KIND,
                    description=checked.case_description(language),
                    service_code=service_code,
                    contact_name=checked.contact_name,
                    contact_email=checked.email,
                    contact_mobile=checked.phone,
                    contact_preference=checked.contact_preference,
                ),
                filed_on=Channel.OPEN311,
                language=language,
                client=f"open311:{api_key.pk}",
                filed_by=account,
            )
            reference = case.reference
        return record_service_request(
            api_key=api_key, exposed=exposed, checked=checked, reference=reference, language=language
        )
