"""The demo's service centre and its kiosks, and the link ``tahawul run`` prints to open one."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from tahawul.kiosks.models import Kiosk, ServiceCentre
from tahawul.kiosks.registry import CentreInput, issue_enrolment, register_centre, register_kiosk

# A centre serving every entity, so the authority (iga.supervisor in the demo) manages it.
CENTRE = CentreInput(code="ISA-TOWN", name_ar="مركز خدمات مدينة عيسى", name_en="Isa Town Service Centre")
KIOSKS = ("K-01", "K-02")


def load_kiosks() -> None:
    """Register the demo centre and its kiosks; what is registered already is left as it is."""
    centre = ServiceCentre.objects.filter(code=CENTRE.code).first() or register_centre(actor=None, values=CENTRE)
    for code in KIOSKS:
        if not Kiosk.objects.filter(code=code).exists():
            register_kiosk(actor=None, centre=centre, code=code)


def kiosk_enrolment_lines(base_url: str) -> list[str]:
    """What ``tahawul run`` prints: a fresh one-time link that makes a browser the demo kiosk."""
    kiosk = Kiosk.objects.filter(code=KIOSKS[0], active=True, centre__active=True).first()
    if kiosk is None:
        return []
    code = issue_enrolment(actor=None, kiosk=kiosk)
    with translation.override("ar"):
        link = base_url + reverse("portal:kiosk_enrol", kwargs={"code": code})
    return [f"  kiosk {kiosk.code}:       {link} (open once to make that browser the kiosk)"]
