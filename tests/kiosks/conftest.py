"""What the kiosk tests share: a centre of NPRA with a kiosk, registered through the real
actions, and the people who may or may not manage it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tahawul.catalog.models import Entity
from tahawul.identity.models import Role, User
from tahawul.kiosks.models import Kiosk, ServiceCentre
from tahawul.kiosks.registry import CentreInput, register_centre, register_kiosk
from tests.applications.conftest import give_role, make_user


@dataclass
class Registrars:
    npra_admin: User  # entity admin of NPRA
    moic_admin: User  # entity admin of MOIC
    authority: User  # supervisor of the eGovernment authority (IGA)
    npra_officer: User


@pytest.fixture
def registrars(db: None) -> Registrars:
    return Registrars(
        npra_admin=give_role(make_user("npra-admin"), Entity.objects.get(code="NPRA"), Role.ENTITY_ADMIN),
        moic_admin=give_role(make_user("moic-admin"), Entity.objects.get(code="MOIC"), Role.ENTITY_ADMIN),
        authority=give_role(make_user("iga-supervisor"), Entity.objects.get(code="IGA"), Role.SUPERVISOR),
        npra_officer=give_role(make_user("npra-officer"), Entity.objects.get(code="NPRA"), Role.OFFICER),
    )


@pytest.fixture
def centre(registrars: Registrars) -> ServiceCentre:
    values = CentreInput(code="NPRA-MUHARRAQ", name_ar="مركز المحرق", name_en="Muharraq centre", entity_code="NPRA")
    return register_centre(actor=registrars.npra_admin, values=values)


@pytest.fixture
def kiosk(centre: ServiceCentre, registrars: Registrars) -> Kiosk:
    return register_kiosk(actor=registrars.npra_admin, centre=centre, code="k-muh-1")
