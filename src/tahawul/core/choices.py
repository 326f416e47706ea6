"""Vocabularies shared by every app: channels, maturity stages, beneficiary kinds."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web portal")
    MOBILE = "mobile", _("Mobile app")
    KIOSK = "kiosk", _("Kiosk")
    COUNTER = "counter", _("Service counter")
    CALL_CENTRE = "call_centre", _("Call centre")
    OPEN311 = "open311", _("Open311 client")


class Maturity(models.TextChoices):
    """The UN e-government survey's online service stages, lowest first."""

    INFORMATIONAL = "informational", _("Informational")
    INTERACTIVE = "interactive", _("Interactive")
    TRANSACTIONAL = "transactional", _("Transactional")
    CONNECTED = "connected", _("Connected")


class Beneficiary(models.TextChoices):
    CITIZEN = "citizen", _("Citizens")
    RESIDENT = "resident", _("Residents")
    BUSINESS = "business", _("Businesses")
    VISITOR = "visitor", _("Visitors")


DIGITAL_CHANNELS = frozenset({Channel.WEB, Channel.MOBILE, Channel.KIOSK, Channel.OPEN311})
