"""What can go wrong at a kiosk or in its registry, in words a person understands."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tahawul.core.errors import DomainError
from tahawul.core.text import LocalizedText


class InvalidRegistration(DomainError):
    """A centre or kiosk that cannot be registered as given; ``errors`` maps fields to messages."""

    code = "invalid_registration"
    message = _("Some answers need your attention.")
    status = 422

    def __init__(self, errors: dict[str, LocalizedText]) -> None:
        super().__init__()
        self.errors = errors


class EnrolmentLinkInvalid(DomainError):
    code = "enrolment_link_invalid"
    message = _(
        "This enrolment link does not work: it was used already, has expired, or its kiosk is not active. "
        "Ask for a new link in the back office."
    )
    status = 404


class KioskInactive(DomainError):
    code = "kiosk_inactive"
    message = _("This kiosk is not active. Activate it in the back office first.")
    status = 409


class InvalidNationalId(DomainError):
    code = "invalid_national_id"
    message = _("Enter the 9 digits of your national ID number.")
    status = 422


class InvalidCode(DomainError):
    code = "invalid_code"
    message = _("This code is not right. Check the SMS and enter its 6 digits.")
    status = 422


class CodeExpired(DomainError):
    code = "code_expired"
    message = _("This code can no longer be used. Start again to get a new one.")
    status = 409


class TooManyCodes(DomainError):
    code = "too_many_codes"
    message = _("We have sent too many codes for this number. Please try again in an hour.")
    status = 429


class KioskCodesUsedUp(TooManyCodes):
    # Says "this kiosk", not "this number": the kiosk's own hourly allowance is used up, whatever
    # number is typed, so the answer tells nothing about the number or its account.
    code = "kiosk_codes_used_up"
    message = _("This kiosk has sent as many codes as it may this hour. Please try again later or ask at the counter.")
