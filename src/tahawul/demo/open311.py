"""The demo government on Open311: a few municipal, utility and consumer services offered to
Open311 clients (some become applications, some cases) and a demo integrator. The municipality's
admin who manages them in the back office, ``mun.admin``, is in ``people.yaml``.

No API key is made: keys are secrets. Issue one in the back office (as ``mun.admin``) or with
``tahawul integrations issue-key --integrator "CityFix (demo)" --entity MUN``.
"""

from __future__ import annotations

from django.db import transaction

from tahawul.catalog.models import Service
from tahawul.integrations.keys import register_integrator
from tahawul.integrations.models import Becomes, Integrator, Open311Service
from tahawul.integrations.open311 import configure_open311_service

DEMO_INTEGRATOR = "CityFix (demo)"
# (service, what a request becomes, whether its locations are public places)
DEMO_SERVICES = [
    ("MUN-ROAD-DAMAGE-REPORT", Becomes.APPLICATION, True),
    ("MOIC-CONSUMER-COMPLAINT", Becomes.APPLICATION, False),
    ("MUN-BULKY-WASTE-COLLECTION", Becomes.CASE, False),  # a fee may be due online: a case
    ("EWA-METER-READING-COMPLAINT", Becomes.CASE, False),  # needs a photo of the meter: a case
]


@transaction.atomic
def load_open311_demo() -> None:
    """Offer the demo services on Open311 (those not set yet) and register the demo integrator.
    Run again, it changes nothing an admin has set since."""
    configured = set(Open311Service.objects.values_list("service__code", flat=True))
    services = Service.objects.select_related("entity").in_bulk(
        [code for code, _, _ in DEMO_SERVICES], field_name="code"
    )
    for code, becomes, public in DEMO_SERVICES:
        if code in services and code not in configured:
            configure_open311_service(
                actor=None, service=services[code], exposed=True, becomes=becomes, public_location=public
            )
    if not Integrator.objects.filter(name=DEMO_INTEGRATOR).exists():
        register_integrator(actor=None, name=DEMO_INTEGRATOR, contact_email="open311@cityfix.demo.example")
