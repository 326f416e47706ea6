"""The entity admin's screens for channel costs and offline volumes, in Arabic and English."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import ngettext

from tahawul.catalog.models import Entity
from tahawul.identity.models import User
from tahawul.performance.actions import set_channel_cost
from tahawul.performance.models import ChannelCost, OfflineVolume
from tahawul.performance.spans import add_months, quarter_of
from tests.performance.conftest import ID_CARD, PASSPORT, Admins, month_counts, service

pytestmark = pytest.mark.django_db

COSTS = "/{language}/office/NPRA/costs/"
VOLUMES = "/{language}/office/NPRA/offline-volumes/"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def this_quarter() -> date:
    return quarter_of(timezone.localdate())


def quarter_text(quarter: date) -> str:
    return f"{quarter.year}-Q{(quarter.month - 1) // 3 + 1}"


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, name
    return match[1]


def cost_form(page: str, **amounts: str) -> dict[str, str]:
    return {"seen": hidden(page, "seen"), "quarter": hidden(page, "quarter"), **amounts}


@pytest.mark.parametrize(("language", "direction", "heading"), [("ar", "rtl", None), ("en", "ltr", "Channel costs at")])
def test_the_costs_page_has_a_labelled_input_per_channel_and_cost(
    admins: Admins, language: str, direction: str, heading: str | None
) -> None:
    page = signed_in(admins.npra).get(COSTS.format(language=language)).content.decode()

    assert f'dir="{direction}"' in page
    assert f'lang="{language}"' in page
    if heading:
        assert heading in page
    for channel in ("web", "mobile", "kiosk", "counter", "call_centre", "open311", "post"):
        for part in ("staff", "running"):
            assert f'<label for="id_{channel}-{part}"' in page
            assert f'id="id_{channel}-{part}"' in page
    assert f'<option value="{quarter_text(this_quarter())}" selected>' in page


def test_costs_typed_in_dinars_are_kept_in_fils_and_give_the_cost_per_transaction(admins: Admins) -> None:
    client = signed_in(admins.npra)
    quarter = this_quarter()
    month_counts(PASSPORT, "web", quarter, completed=150)
    month_counts(ID_CARD, "web", quarter, completed=50)
    page = client.get(COSTS.format(language="en")).content.decode()

    response = client.post(
        COSTS.format(language="en"),
        cost_form(page, **{"web-staff": "450.5", "web-running": " ١٤٩٫٥ ", "post-staff": "0", "post-running": "0"}),
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"?quarter={quarter_text(quarter)}")
    web = ChannelCost.objects.get(channel="web")
    assert (web.staff_fils, web.running_fils, web.quarter, web.entered_by) == (450_500, 149_500, quarter, admins.npra)
    assert ChannelCost.objects.get(channel="post").total_fils == 0
    after = client.get(response["Location"]).content.decode()
    assert "The costs are saved." in after
    assert 'value="450.500"' in after
    assert "3.000 BHD" in after  # 600 BHD over 200 web transactions


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "A cost cannot be negative."),
        ("1.2345", "Give at most three decimals: 1 BHD is 1,000 fils."),
        ("12,5", "Give an amount in dinars, such as 1250.500."),
        ("", "Give both costs, 0 if there is none."),
    ],
)
def test_a_bad_amount_is_named_in_the_summary_and_nothing_is_saved(admins: Admins, typed: str, message: str) -> None:
    client = signed_in(admins.npra)
    page = client.get(COSTS.format(language="en")).content.decode()

    response = client.post(
        COSTS.format(language="en"),
        cost_form(page, **{"web-staff": typed, "web-running": "3", "kiosk-staff": "1", "kiosk-running": "1"}),
    )

    assert response.status_code == 422
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert f'<a href="#id_web-staff">Web portal: staff cost (BHD): {message}</a>' in body
    assert 'aria-invalid="true"' in body
    assert not ChannelCost.objects.exists()


def test_the_arabic_page_gives_errors_too(admins: Admins) -> None:
    client = signed_in(admins.npra)
    page = client.get(COSTS.format(language="ar")).content.decode()

    response = client.post(COSTS.format(language="ar"), cost_form(page, **{"web-staff": "-1", "web-running": "1"}))

    assert response.status_code == 422
    assert 'href="#id_web-staff"' in response.content.decode()
    assert 'dir="rtl"' in response.content.decode()


def test_a_quarter_to_come_is_refused(admins: Admins) -> None:
    client = signed_in(admins.npra)
    page = client.get(COSTS.format(language="en")).content.decode()
    form = cost_form(page, **{"web-staff": "1", "web-running": "1"})
    form["quarter"] = quarter_text(add_months(this_quarter(), 3))

    response = client.post(COSTS.format(language="en"), form)

    assert response.status_code == 422
    assert "Costs can only be entered for the current quarter or earlier ones." in response.content.decode()
    assert not ChannelCost.objects.exists()


def test_costs_changed_meanwhile_by_another_admin_are_not_overwritten(admins: Admins) -> None:
    client = signed_in(admins.npra)
    page = client.get(COSTS.format(language="en")).content.decode()
    set_channel_cost(
        actor=admins.npra,
        entity=Entity.objects.get(code="NPRA"),
        channel="web",
        quarter=this_quarter(),
        staff_fils=7,
        running_fils=7,
    )

    response = client.post(COSTS.format(language="en"), cost_form(page, **{"web-staff": "1", "web-running": "1"}))

    assert response.status_code == 409
    assert "Someone else changed these figures" in response.content.decode()
    assert 'value="0.007"' in response.content.decode()  # the page now shows what they saved
    assert ChannelCost.objects.get().staff_fils == 7


def test_an_entered_cost_cannot_be_blanked_silently(admins: Admins) -> None:
    client = signed_in(admins.npra)
    set_channel_cost(
        actor=admins.npra,
        entity=Entity.objects.get(code="NPRA"),
        channel="web",
        quarter=this_quarter(),
        staff_fils=7,
        running_fils=7,
    )
    page = client.get(COSTS.format(language="en")).content.decode()

    response = client.post(COSTS.format(language="en"), cost_form(page, **{"web-staff": "", "web-running": ""}))

    assert response.status_code == 422
    assert "This is already entered: change it, or give 0." in response.content.decode()


@pytest.mark.parametrize("who", ["civdef", "npra_officer", "authority", "analyst"])
def test_the_pages_are_the_entitys_admins_only(admins: Admins, who: str) -> None:
    client = signed_in(getattr(admins, who))

    for url in (COSTS, VOLUMES):
        assert client.get(url.format(language="en")).status_code == 404
        assert client.post(url.format(language="en"), {"web-staff": "1"}).status_code == 404


def test_signed_out_people_are_sent_to_sign_in() -> None:
    response = Client().get(COSTS.format(language="en"))

    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_offline_page_lists_each_service_with_its_offline_channels(admins: Admins, language: str) -> None:
    passport = service(PASSPORT)
    month_counts(PASSPORT, "web", timezone.localdate().replace(day=1), completed=33)

    page = signed_in(admins.npra).get(VOLUMES.format(language=language)).content.decode()

    assert passport.name_ar in page if language == "ar" else passport.name_en in page
    for channel in ("counter", "call_centre", "post"):
        assert f'<label for="id_{passport.pk}-{channel}"' in page
    with translation.override(language):
        done = ngettext(
            "%(counter)s completed in Tahawul this month.", "%(counter)s completed in Tahawul this month.", 33
        )
    assert done % {"counter": 33} in page
    assert '<label for="id_file">' in page


def test_offline_volumes_are_saved_for_the_chosen_month(admins: Admins) -> None:
    client = signed_in(admins.npra)
    month = add_months(timezone.localdate().replace(day=1), -2)
    url = VOLUMES.format(language="en")
    page = client.get(f"{url}?month={month:%Y-%m}").content.decode()
    passport, id_card = service(PASSPORT), service(ID_CARD)

    response = client.post(
        url,
        {
            "seen": hidden(page, "seen"),
            "month": hidden(page, "month"),
            f"{passport.pk}-counter": "40",
            f"{id_card.pk}-post": "0",
        },
    )

    assert response.status_code == 302
    assert sorted(OfflineVolume.objects.values_list("service_id", "channel", "month", "completed")) == sorted(
        [(passport.pk, "counter", month, 40), (id_card.pk, "post", month, 0)]
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-3", "Give a whole number of transactions, 0 or more."),
        ("many", "Give a whole number of transactions, 0 or more."),
    ],
)
def test_a_bad_count_is_named_and_nothing_is_saved(admins: Admins, typed: str, message: str) -> None:
    client = signed_in(admins.npra)
    url = VOLUMES.format(language="en")
    page = client.get(url).content.decode()
    passport, id_card = service(PASSPORT), service(ID_CARD)

    response = client.post(
        url,
        {
            "seen": hidden(page, "seen"),
            "month": hidden(page, "month"),
            f"{passport.pk}-counter": typed,
            f"{id_card.pk}-post": "4",
        },
    )

    assert response.status_code == 422
    assert f'<a href="#id_{passport.pk}-counter">' in response.content.decode()
    assert message in response.content.decode()
    assert not OfflineVolume.objects.exists()


def test_a_month_to_come_is_refused(admins: Admins) -> None:
    client = signed_in(admins.npra)
    url = VOLUMES.format(language="en")
    page = client.get(url).content.decode()
    next_month = add_months(timezone.localdate().replace(day=1), 1)

    response = client.post(
        url, {"seen": hidden(page, "seen"), "month": f"{next_month:%Y-%m}", f"{service(PASSPORT).pk}-counter": "1"}
    )

    assert response.status_code == 422
    assert "Transactions can only be entered for the current month or earlier ones." in response.content.decode()
    assert not OfflineVolume.objects.exists()


def test_a_csv_file_is_imported_from_the_page(admins: Admins) -> None:
    client = signed_in(admins.npra)
    url = VOLUMES.format(language="en")
    good = SimpleUploadedFile(
        "volumes.csv", f"month,service,channel,completed\n2021-03,{PASSPORT},counter,9\n".encode()
    )
    bad = SimpleUploadedFile("volumes.csv", b"month;service\n")

    refused = client.post(url, {"import": "1", "file": bad})
    accepted = client.post(url, {"import": "1", "file": good})

    assert refused.status_code == 422
    assert '<a href="#id_file">' in refused.content.decode()
    assert "the first line must be: month,service,channel,completed." in refused.content.decode()
    assert accepted.status_code == 302
    assert OfflineVolume.objects.get().completed == 9
