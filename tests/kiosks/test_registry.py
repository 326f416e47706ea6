"""The kiosk registry: who registers centres and kiosks, enrolment links, deactivation, and
isolation between entities."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tahawul.identity.selectors import NotFound
from tahawul.kiosks import selectors
from tahawul.kiosks.devices import enrol_device
from tahawul.kiosks.errors import EnrolmentLinkInvalid, InvalidRegistration, KioskInactive
from tahawul.kiosks.models import Kiosk, RegistryEvent, ServiceCentre
from tahawul.kiosks.registry import CentreInput, issue_enrolment, register_centre, register_kiosk, set_kiosk_active
from tests.kiosks.conftest import Registrars

pytestmark = pytest.mark.django_db


def centre_of(entity_code: str, code: str = "NEW-CENTRE") -> CentreInput:
    return CentreInput(code=code, name_ar="مركز", name_en="Centre", entity_code=entity_code)


def test_an_entity_admin_registers_centres_and_kiosks_of_their_entity(registrars: Registrars) -> None:
    centre = register_centre(actor=registrars.npra_admin, values=centre_of("npra", " new-centre "))
    assert (centre.code, centre.entity.code if centre.entity else None) == ("NEW-CENTRE", "NPRA")
    kiosk = register_kiosk(actor=registrars.npra_admin, centre=centre, code=" k-9 ")
    assert kiosk.code == "K-9" and kiosk.active and kiosk.enrolled_at is None
    actions = list(RegistryEvent.objects.filter(centre=centre).values_list("action", "actor"))
    assert actions == [("centre_registered", registrars.npra_admin.pk), ("kiosk_registered", registrars.npra_admin.pk)]


def test_an_entity_admin_cannot_register_for_another_entity_or_for_several(registrars: Registrars) -> None:
    with pytest.raises(InvalidRegistration) as refused:
        register_centre(actor=registrars.npra_admin, values=centre_of("MOIC"))
    assert set(refused.value.errors) == {"entity"}
    with pytest.raises(InvalidRegistration) as refused:
        register_centre(actor=registrars.npra_admin, values=centre_of(""))
    assert set(refused.value.errors) == {"entity"}
    assert not ServiceCentre.objects.filter(code="NEW-CENTRE").exists()


def test_staff_who_manage_no_centre_are_told_nothing(registrars: Registrars, centre: ServiceCentre) -> None:
    with pytest.raises(NotFound):
        register_centre(actor=registrars.npra_officer, values=centre_of("NPRA"))
    with pytest.raises(NotFound):
        register_kiosk(actor=registrars.npra_officer, centre=centre, code="K-X")
    assert not selectors.may_manage_kiosks(registrars.npra_officer)
    assert not selectors.manageable_centres(registrars.npra_officer).exists()


def test_an_entity_admin_never_sees_or_changes_another_entitys_centres(
    registrars: Registrars, centre: ServiceCentre, kiosk: Kiosk
) -> None:
    moic = registrars.moic_admin
    assert centre not in selectors.manageable_centres(moic)
    for read in (lambda: selectors.access_centre(moic, centre.code), lambda: selectors.access_kiosk(moic, kiosk.code)):
        with pytest.raises(NotFound):
            read()
    for change in (
        lambda: register_kiosk(actor=moic, centre=centre, code="K-MOIC"),
        lambda: issue_enrolment(actor=moic, kiosk=kiosk),
        lambda: set_kiosk_active(actor=moic, kiosk=kiosk, active=False),
    ):
        with pytest.raises(NotFound):
            change()
    kiosk.refresh_from_db()
    assert kiosk.active and kiosk.enrolment_digest == "" and not Kiosk.objects.filter(code="K-MOIC").exists()


def test_the_authority_manages_every_centre_and_those_of_several_entities(
    registrars: Registrars, centre: ServiceCentre
) -> None:
    shared = register_centre(actor=registrars.authority, values=centre_of(""))
    assert shared.entity is None
    assert {centre, shared} <= set(selectors.manageable_centres(registrars.authority))
    assert selectors.access_centre(registrars.authority, centre.code) == centre
    assert shared not in selectors.manageable_centres(registrars.npra_admin)  # several entities: the authority's


def test_codes_are_checked_and_unique(registrars: Registrars, centre: ServiceCentre, kiosk: Kiosk) -> None:
    for values, field in [
        (centre_of("NPRA", code="X"), "code"),
        (centre_of("NPRA", code="BAD CODE!"), "code"),
        (CentreInput(code="OK-CODE", name_ar="", name_en="Centre", entity_code="NPRA"), "name_ar"),
        (centre_of("NPRA", code=centre.code), "code"),
    ]:
        with pytest.raises(InvalidRegistration) as refused:
            register_centre(actor=registrars.npra_admin, values=values)
        assert field in refused.value.errors, values
    for code in ["", "K 1", "k/1", kiosk.code.lower()]:
        with pytest.raises(InvalidRegistration):
            register_kiosk(actor=registrars.npra_admin, centre=centre, code=code)
    assert centre.kiosks.count() == 1


def test_an_enrolment_link_works_once_and_moves_the_kiosk_to_the_new_browser(
    kiosk: Kiosk, registrars: Registrars
) -> None:
    first = issue_enrolment(actor=registrars.npra_admin, kiosk=kiosk)
    assert selectors.kiosk_for_enrolment(first) == kiosk  # looking does not use it
    enrolled, old_browser = enrol_device(code=first)
    assert selectors.kiosk_for_device(old_browser) == enrolled
    with pytest.raises(EnrolmentLinkInvalid):
        enrol_device(code=first)

    second = issue_enrolment(actor=registrars.npra_admin, kiosk=kiosk)
    assert selectors.kiosk_for_device(old_browser) == enrolled  # until the new link is used
    _, new_browser = enrol_device(code=second)
    assert selectors.kiosk_for_device(old_browser) is None
    assert selectors.kiosk_for_device(new_browser) == kiosk
    assert list(kiosk.events.values_list("action", flat=True)) == [
        "kiosk_registered", "enrolment_issued", "enrolled", "enrolment_issued", "enrolled"
    ]  # fmt: skip


def test_an_enrolment_link_expires(kiosk: Kiosk, settings: Any) -> None:
    now = timezone.now()
    code = issue_enrolment(actor=None, kiosk=kiosk, now=now)
    later = now + timedelta(hours=settings.TAHAWUL_KIOSK_ENROLMENT_HOURS)
    with pytest.raises(EnrolmentLinkInvalid):
        enrol_device(code=code, now=later)
    for bad in ["", "not-a-code", code[:-1]]:
        with pytest.raises(EnrolmentLinkInvalid):
            enrol_device(code=bad, now=now)


def test_a_forged_or_altered_device_cookie_is_no_kiosk(kiosk: Kiosk) -> None:
    _, credential = enrol_device(code=issue_enrolment(actor=None, kiosk=kiosk))
    assert selectors.kiosk_for_device(credential) == kiosk
    forged = credential[:-1] + ("A" if credential[-1] != "A" else "B")
    assert selectors.kiosk_for_device(forged) is None
    assert selectors.kiosk_for_device(kiosk.code) is None
    assert selectors.kiosk_for_device("") is None


def test_deactivating_stops_the_browser_and_reactivating_needs_a_new_enrolment(
    kiosk: Kiosk, registrars: Registrars
) -> None:
    _, credential = enrol_device(code=issue_enrolment(actor=None, kiosk=kiosk))
    pending = issue_enrolment(actor=registrars.npra_admin, kiosk=kiosk)
    set_kiosk_active(actor=registrars.npra_admin, kiosk=kiosk, active=False)
    assert selectors.kiosk_for_device(credential) is None
    with pytest.raises(EnrolmentLinkInvalid):
        enrol_device(code=pending)
    with pytest.raises(KioskInactive):
        issue_enrolment(actor=registrars.npra_admin, kiosk=kiosk)

    set_kiosk_active(actor=registrars.npra_admin, kiosk=kiosk, active=True)
    set_kiosk_active(actor=registrars.npra_admin, kiosk=kiosk, active=True)  # twice changes nothing
    assert selectors.kiosk_for_device(credential) is None
    _, fresh = enrol_device(code=issue_enrolment(actor=registrars.npra_admin, kiosk=kiosk))
    assert selectors.kiosk_for_device(fresh) == kiosk
    actions = list(kiosk.events.values_list("action", flat=True))
    assert actions.count("kiosk_deactivated") == 1 and actions.count("kiosk_reactivated") == 1


def test_a_kiosk_of_a_closed_centre_is_no_kiosk(kiosk: Kiosk) -> None:
    _, credential = enrol_device(code=issue_enrolment(actor=None, kiosk=kiosk))
    ServiceCentre.objects.filter(pk=kiosk.centre_id).update(active=False)
    assert selectors.kiosk_for_device(credential) is None
