"""Open311 writes: an entity admin's setting for a service, the checks of a request's own
parameters (location, contact, media), and the record of a request once it became an application
or a case. Making the application or the case is the caller's (``tahawul.api.open311.requests``):
this app sits below applications and feedback."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from tahawul.catalog.models import Service
from tahawul.core.references import new_reference
from tahawul.core.text import LocalizedText
from tahawul.definitions.fields import AnswerError, Clock
from tahawul.definitions.fields.identity import PhoneField
from tahawul.definitions.selectors import current_definition
from tahawul.identity.models import User
from tahawul.integrations.attributes import answers_from
from tahawul.integrations.errors import InvalidIntegration, InvalidServiceRequest
from tahawul.integrations.keys import check_entity_admin, record_event
from tahawul.integrations.models import ApiKey, Becomes, Open311Service, ServiceRequest
from tahawul.integrations.selectors import ExposedService
from tahawul.integrations.suitability import reasons_not_an_application
from tahawul.integrations.texts import both

DESCRIPTION_MAX_CHARS = 4000  # GeoReport v2's limit
CASE_KIND = "complaint"  # an Open311 report is about something the government should fix
_NAME_MAX_CHARS = 70  # first and last name together fit a case's 150-character contact name


def _kept_length(name: str) -> int:
    """The longest value of ``name`` the request's record can keep."""
    limit = getattr(ServiceRequest._meta.get_field(name), "max_length", None)
    assert isinstance(limit, int), name
    return limit


# The longest each parameter may be: what its column keeps (a name: what a case's contact keeps).
_LIMITS = {
    name: _kept_length(name)
    for name in ("address_string", "address_id", "email", "device_id", "account_id", "media_url")
} | {name: min(_NAME_MAX_CHARS, _kept_length(name)) for name in ("first_name", "last_name")}
_PHONE = PhoneField(key="phone", type="phone", label=LocalizedText(ar="الهاتف", en="Phone"))
_MEDIA_URL = URLValidator(schemes=["http", "https"])


def configure_open311_service(
    *, actor: User | None, service: Service, exposed: bool, becomes: str, public_location: bool = False
) -> Open311Service:
    """Offer ``service`` on Open311 or stop, and say what a request becomes. The service's
    entity's admins only (NotFound for anyone else). Raises InvalidIntegration (nothing changed)
    for an unknown ``becomes`` or for applications the service's definition cannot take."""
    check_entity_admin(actor, service.entity)
    if becomes not in Becomes.values:
        raise InvalidIntegration({"becomes": both(_("Choose what a request becomes."))})
    if exposed and becomes == Becomes.APPLICATION:
        _version, definition = current_definition(code=service.code)
        reasons = reasons_not_an_application(definition)
        if reasons:
            raise InvalidIntegration({"becomes": reasons[0]})
    with transaction.atomic():
        setting, _created = Open311Service.objects.select_for_update().update_or_create(
            service=service,
            defaults={
                "exposed": exposed,
                "becomes": becomes,
                "public_location": public_location,
                "updated_at": timezone.now(),
                "updated_by": actor,
            },
        )
        record_event(
            actor,
            "open311_configured",
            entity=service.entity,
            details={
                "service": service.code,
                "exposed": exposed,
                "becomes": becomes,
                "public_location": public_location,
            },
        )
    return setting


@dataclass(frozen=True)
class Submission:
    """A POST request's parameters as the client sent them (GeoReport v2's names)."""

    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    description: str = ""
    media_url: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckedSubmission:
    """A request whose own parameters are acceptable; ``answers`` are raw, for the validator.

    For a service set to take cases it also says what the case (a complaint about the service,
    ``CASE_KIND``) holds: the requester as its contact, and the place and media in its
    description, so that the entity's staff see them."""

    submission: Submission
    lat: Decimal | None
    long: Decimal | None
    phone: str
    answers: dict[str, object]

    @property
    def contact_name(self) -> str:
        return " ".join(f"{self.submission.first_name} {self.submission.last_name}".split())

    @property
    def email(self) -> str:
        return self.submission.email.strip()

    @property
    def contact_preference(self) -> str:
        """How the case is answered: by email when one is given, else by SMS to the phone."""
        return "email" if self.email else "sms" if self.phone else "none"

    def case_description(self, language: str) -> str:
        given = self.submission
        lines = [given.description.strip()]
        with override(language):
            place = ", ".join(
                part
                for part in (
                    given.address_string.strip(),
                    f"{self.lat}, {self.long}" if self.lat is not None else "",
                    str(_("address ID %(id)s") % {"id": given.address_id.strip()}) if given.address_id.strip() else "",
                )
                if part
            )
            lines.append(str(_("Where: %(place)s") % {"place": place}))
            if given.media_url.strip():
                lines.append(str(_("Photo or other media: %(url)s") % {"url": given.media_url.strip()}))
        return "\n\n".join(lines)


def checked_submission(*, exposed: ExposedService, submission: Submission) -> CheckedSubmission:
    """Check a request's own parameters, every problem at once, keyed by parameter name. A request
    names its place (lat and long, address_string or address_id); one that becomes a case needs a
    description and takes no attributes. Raises InvalidServiceRequest; the answers' own checks
    are the validator's, when the application is made."""
    errors: dict[str, LocalizedText] = {}
    lat, long = _coordinates(submission, errors)
    given = submission
    if lat is None and not given.address_string.strip() and not given.address_id.strip() and "lat" not in errors:
        errors["lat"] = both(_("Say where: give lat and long, an address_string or an address_id."))
    for name, limit in _LIMITS.items():
        if len(getattr(given, name).strip()) > limit:
            errors[name] = both(_("Keep this to %(count)s characters or fewer."), count=limit)
    if len(given.description.strip()) > DESCRIPTION_MAX_CHARS:
        errors["description"] = both(_("Keep the description to 4,000 characters or fewer."))
    if given.media_url.strip() and "media_url" not in errors:
        try:
            _MEDIA_URL(given.media_url.strip())
        except ValidationError:
            errors["media_url"] = both(_("Give the address of the media, starting with https://."))
    if given.email.strip() and "email" not in errors:
        try:
            validate_email(given.email.strip())
        except ValidationError:
            errors["email"] = both(_("Enter an email address like name@example.com."))
    phone = _phone(given.phone, errors)
    answers: dict[str, object] = {}
    if exposed.setting.becomes == Becomes.CASE:
        if not given.description.strip():
            errors["description"] = both(_("Describe the problem."))
        errors.update(
            {
                f"attribute[{code}]": both(_("This service has no attribute '%(code)s'."), code=code)
                for code in given.attributes
            }
        )
    else:
        try:
            answers = answers_from(exposed.definition, given.attributes)
        except InvalidServiceRequest as error:
            errors.update(error.errors)
    if errors:
        raise InvalidServiceRequest(errors)
    return CheckedSubmission(submission=given, lat=lat, long=long, phone=phone, answers=answers)


def _coordinates(given: Submission, errors: dict[str, LocalizedText]) -> tuple[Decimal | None, Decimal | None]:
    lat_text, long_text = given.lat.strip(), given.long.strip()
    if not lat_text and not long_text:
        return None, None
    if not lat_text or not long_text:
        errors["lat" if not lat_text else "long"] = both(_("Send lat and long together."))
        return None, None
    lat, long = _degrees(lat_text, 90), _degrees(long_text, 180)
    if lat is None:
        errors["lat"] = both(_("Give the latitude in degrees, from -90 to 90, like 26.2235."))
    if long is None:
        errors["long"] = both(_("Give the longitude in degrees, from -180 to 180, like 50.5876."))
    return (lat, long) if lat is not None and long is not None else (None, None)


def _degrees(text: str, limit: int) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or not -limit <= value <= limit:
        return None
    return value.quantize(Decimal("0.000001"))


def _phone(text: str, errors: dict[str, LocalizedText]) -> str:
    """The phone as a case keeps it (+ and digits; 8 digits are Bahraini), by the phone field's rules."""
    if not text.strip():
        return ""
    try:
        return str(_PHONE.clean(text, Clock(timezone.localdate())))
    except AnswerError as error:
        errors["phone"] = error.localized()
        return ""


def record_service_request(
    *, api_key: ApiKey, exposed: ExposedService, checked: CheckedSubmission, reference: str, language: str
) -> ServiceRequest:
    """Keep the request an Open311 client made, with the public id and token it is told, once
    the application or case ``reference`` exists. Call it inside the transaction that made it."""
    given = checked.submission
    values = {
        "api_key": api_key,
        "service": exposed.service,
        "entity": exposed.service.entity,
        "becomes": exposed.setting.becomes,
        "reference": reference,
        "public_location": exposed.setting.public_location,
        "language": language,
        "lat": checked.lat,
        "long": checked.long,
        "address_string": given.address_string.strip(),
        "address_id": given.address_id.strip(),
        "media_url": given.media_url.strip(),
        "description": given.description.strip(),
        "first_name": given.first_name.strip(),
        "last_name": given.last_name.strip(),
        "email": given.email.strip(),
        "phone": checked.phone,
        "device_id": given.device_id.strip(),
        "account_id": given.account_id.strip(),
    }
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ServiceRequest.objects.create(
                    public_id=new_reference("SR"), token=secrets.token_urlsafe(18), **values
                )
        except IntegrityError:
            continue  # an id or token already taken (60 random bits or more: practically never)
    raise RuntimeError("could not find a free service request id")
