"""Entering channel costs and offline volumes: only the entity's own admins, whole fils, no
future, nothing saved when anything is wrong, and every write in the audit log."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from django.utils import timezone

from tahawul.catalog.models import Entity
from tahawul.identity.selectors import NotFound
from tahawul.performance.actions import (
    Cost,
    set_channel_cost,
    set_channel_costs,
    set_offline_volume,
    set_offline_volumes,
)
from tahawul.performance.errors import InvalidFigures, StaleFigures
from tahawul.performance.models import ChannelCost, OfflineVolume
from tahawul.performance.offline_import import import_offline_volumes
from tahawul.performance.selectors import cost_version, volume_version
from tahawul.performance.spans import add_months, quarter_of
from tests.performance.conftest import EVENT_PERMIT, ID_CARD, PASSPORT, Admins, service

pytestmark = pytest.mark.django_db
Q1 = date(2021, 1, 1)
MARCH = date(2021, 3, 1)


def npra() -> Entity:
    return Entity.objects.get(code="NPRA")


def test_an_entity_admin_sets_a_quarters_costs_and_setting_again_replaces_them(
    admins: Admins, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="tahawul.audit"):
        set_channel_cost(actor=admins.npra, entity=npra(), channel="web", quarter=Q1, staff_fils=1, running_fils=2)
        saved = set_channel_cost(
            actor=admins.npra, entity=npra(), channel="web", quarter=Q1, staff_fils=1_200_500, running_fils=300_000
        )

    assert ChannelCost.objects.filter(entity=npra()).count() == 1
    assert (saved.staff_fils, saved.running_fils, saved.entered_by) == (1_200_500, 300_000, admins.npra)
    assert "channel costs of NPRA for 2021-01-01" in caplog.text


@pytest.mark.parametrize(
    ("staff", "running", "field", "message"),
    [
        (-1, 0, "web-staff", "cannot be negative"),
        (0, 1.5, "web-running", "whole fils"),
        (True, 0, "web-staff", "whole fils"),
        (10**13, 0, "web-staff", "too large"),
    ],
)
def test_costs_are_whole_non_negative_fils(
    admins: Admins, staff: object, running: object, field: str, message: str
) -> None:
    with pytest.raises(InvalidFigures) as raised:
        set_channel_costs(
            actor=admins.npra,
            entity=npra(),
            quarter=Q1,
            costs={"mobile": Cost(5, 5), "web": Cost(staff, running)},  # type: ignore[arg-type]
        )

    assert list(raised.value.errors) == [field]
    assert message in raised.value.errors[field].en
    assert not ChannelCost.objects.exists()  # the good mobile line was not saved either


@pytest.mark.parametrize(
    ("quarter", "message"),
    [
        (date(2021, 2, 1), "Choose a quarter"),
        (date(2021, 4, 2), "Choose a quarter"),
        (date(1999, 10, 1), "from 2000"),
        (add_months(quarter_of(timezone.localdate()), 3), "current quarter or earlier"),
    ],
)
def test_a_quarter_is_a_quarters_first_day_not_in_the_future(admins: Admins, quarter: date, message: str) -> None:
    with pytest.raises(InvalidFigures) as raised:
        set_channel_cost(actor=admins.npra, entity=npra(), channel="web", quarter=quarter, staff_fils=1, running_fils=1)

    assert message in raised.value.errors["quarter"].en


def test_the_current_quarter_may_be_entered(admins: Admins) -> None:
    set_channel_cost(
        actor=admins.npra,
        entity=npra(),
        channel="post",
        quarter=quarter_of(timezone.localdate()),
        staff_fils=0,
        running_fils=9,
    )

    assert ChannelCost.objects.get().running_fils == 9


def test_a_channel_must_be_one_that_costs(admins: Admins) -> None:
    with pytest.raises(InvalidFigures) as raised:
        set_channel_cost(actor=admins.npra, entity=npra(), channel="fax", quarter=Q1, staff_fils=1, running_fils=1)

    assert list(raised.value.errors) == ["fax"]


@pytest.mark.parametrize("who", ["civdef", "npra_officer", "authority", "analyst"])
def test_only_the_entitys_own_admins_write(admins: Admins, who: str, caplog: pytest.LogCaptureFixture) -> None:
    actor = getattr(admins, who)
    with caplog.at_level(logging.WARNING, logger="tahawul.audit"), pytest.raises(NotFound):
        set_channel_cost(actor=actor, entity=npra(), channel="web", quarter=Q1, staff_fils=1, running_fils=1)
    with pytest.raises(NotFound):
        set_offline_volume(actor=actor, service=service(PASSPORT), channel="counter", month=MARCH, completed=3)

    assert not ChannelCost.objects.exists() and not OfflineVolume.objects.exists()
    assert "refused channel costs" in caplog.text


def test_two_admins_saving_the_same_quarter_the_second_is_told(admins: Admins) -> None:
    second = admins.npra.__class__.objects.get(pk=admins.npra.pk)
    seen = cost_version(entity_id=npra().pk, quarter=Q1)
    set_channel_costs(actor=admins.npra, entity=npra(), quarter=Q1, costs={"web": Cost(100, 0)}, seen=seen)

    with pytest.raises(StaleFigures):
        set_channel_costs(actor=second, entity=npra(), quarter=Q1, costs={"web": Cost(999, 0)}, seen=seen)

    assert ChannelCost.objects.get().staff_fils == 100


def test_an_entity_admin_sets_offline_volumes_zero_included(admins: Admins, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="tahawul.audit"):
        set_offline_volumes(
            actor=admins.npra,
            entity=npra(),
            month=MARCH,
            volumes={(service(PASSPORT).pk, "counter"): 20, (service(ID_CARD).pk, "post"): 0},
        )
        set_offline_volume(actor=admins.npra, service=service(PASSPORT), channel="counter", month=MARCH, completed=25)

    assert dict(OfflineVolume.objects.values_list("channel", "completed")) == {"counter": 25, "post": 0}
    assert OfflineVolume.objects.filter(entered_by=admins.npra).count() == 2
    assert "offline volumes of NPRA for 2021-03" in caplog.text


@pytest.mark.parametrize(
    ("channel", "count", "message"),
    [
        ("web", 3, "counter, the call centre or post"),
        ("counter", -1, "0 or more"),
        ("counter", 2.5, "0 or more"),
        ("counter", 10**9, "too large"),
    ],
)
def test_offline_volumes_are_counts_on_offline_channels(
    admins: Admins, channel: str, count: object, message: str
) -> None:
    with pytest.raises(InvalidFigures) as raised:
        set_offline_volume(actor=admins.npra, service=service(PASSPORT), channel=channel, month=MARCH, completed=count)  # type: ignore[arg-type]

    assert message in next(iter(raised.value.errors.values())).en
    assert not OfflineVolume.objects.exists()


def test_offline_volumes_are_not_for_a_month_to_come_nor_another_entitys_service(admins: Admins) -> None:
    next_month = add_months(timezone.localdate().replace(day=1), 1)
    with pytest.raises(InvalidFigures) as future:
        set_offline_volume(
            actor=admins.npra, service=service(PASSPORT), channel="counter", month=next_month, completed=1
        )
    with pytest.raises(InvalidFigures) as foreign:
        set_offline_volumes(
            actor=admins.npra, entity=npra(), month=MARCH, volumes={(service(EVENT_PERMIT).pk, "counter"): 1}
        )
    with pytest.raises(InvalidFigures) as mid_month:
        set_offline_volume(
            actor=admins.npra, service=service(PASSPORT), channel="counter", month=date(2021, 3, 5), completed=1
        )

    assert "current month or earlier" in future.value.errors["month"].en
    assert "not one of your entity's" in next(iter(foreign.value.errors.values())).en
    assert "Choose a month" in mid_month.value.errors["month"].en
    assert not OfflineVolume.objects.exists()


def test_offline_volumes_seen_by_another_admin_are_stale(admins: Admins) -> None:
    seen = volume_version(entity_id=npra().pk, month=MARCH)
    set_offline_volume(actor=admins.npra, service=service(PASSPORT), channel="counter", month=MARCH, completed=5)

    with pytest.raises(StaleFigures):
        set_offline_volumes(
            actor=admins.npra, entity=npra(), month=MARCH, volumes={(service(PASSPORT).pk, "post"): 1}, seen=seen
        )


def test_a_csv_file_sets_many_months_at_once(admins: Admins) -> None:
    content = (
        "\ufeffmonth,service,channel,completed\n"
        f"2021-02,{PASSPORT},counter,12\n"
        f"2021-03,{PASSPORT},counter,١٤\n"  # Arabic-Indic digits, as a spreadsheet in Arabic may write them
        f"2021-03,{ID_CARD},post,0\n"
    ).encode()

    assert import_offline_volumes(actor=admins.npra, entity=npra(), content=content) == 3
    assert sorted(OfflineVolume.objects.values_list("month", "completed")) == [
        (date(2021, 2, 1), 12),
        (date(2021, 3, 1), 0),
        (date(2021, 3, 1), 14),
    ]


def test_a_csv_file_with_a_bad_line_saves_nothing_and_says_where(admins: Admins) -> None:
    content = (
        "month,service,channel,completed\n"
        f"2021-02,{PASSPORT},counter,12\n"
        f"2021-02,{EVENT_PERMIT},counter,3\n"
        f"2021-13,{PASSPORT},counter,1\n"
        f"2021-02,{PASSPORT},counter,-4\n"
    ).encode()

    with pytest.raises(InvalidFigures) as raised:
        import_offline_volumes(actor=admins.npra, entity=npra(), content=content)

    message = raised.value.errors["file"].en
    assert "Line 3: this service is not one of your entity's." in message
    assert "Line 4: give the month as 2026-11." in message
    assert "Line 5: give a whole number" in message
    assert not OfflineVolume.objects.exists()


def test_a_csv_file_of_a_future_month_or_wrong_channel_saves_nothing(admins: Admins) -> None:
    content = f"month,service,channel,completed\n2021-02,{PASSPORT},counter,1\n2021-03,{PASSPORT},web,1\n".encode()

    with pytest.raises(InvalidFigures) as raised:
        import_offline_volumes(actor=admins.npra, entity=npra(), content=content)

    assert raised.value.errors["file"].en.startswith("2021-03: Choose a counter")
    assert not OfflineVolume.objects.exists()
