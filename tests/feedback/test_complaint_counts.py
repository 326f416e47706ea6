"""Complaints per 1,000 transactions (docs/kpis.md) reads a month counter kept by the case
actions: a complaint counts for the service it names, in its month, on the channel it is about."""

from __future__ import annotations

from datetime import date

from tahawul.applications.models import ServiceMonth
from tahawul.core.choices import Channel
from tahawul.feedback.cases import route_case
from tests.feedback.conftest import EVENT_PERMIT, PASSPORT, Clock, People, file_case

DECEMBER = date(2026, 12, 1)


def complaints() -> dict[tuple[str, str], int]:
    rows = ServiceMonth.objects.filter(month=DECEMBER, complaints__gt=0)
    return {(code, channel): n for code, channel, n in rows.values_list("service__code", "channel", "complaints")}


def test_a_complaint_counts_for_its_service_on_the_channel_it_is_about(clock: Clock, people: People) -> None:
    file_case(service_code=PASSPORT, channel_concerned=Channel.MOBILE)
    file_case(service_code=PASSPORT)  # about no channel in particular: the one it came through
    file_case(service_code=PASSPORT, kind="suggestion")  # not a complaint
    file_case(description="Something went wrong and nobody tells me why.")  # no service yet

    assert complaints() == {(PASSPORT, Channel.MOBILE): 1, (PASSPORT, Channel.WEB): 1}


def test_routing_a_complaint_moves_its_count_to_the_service_it_is_routed_to(clock: Clock, people: People) -> None:
    unrouted = file_case(description="Something went wrong and nobody tells me why.")
    misrouted = file_case(service_code=PASSPORT)
    route_case(case=unrouted, actor=people.iga.officer, service_code=PASSPORT, expected_revision=unrouted.revision)
    route_case(
        case=misrouted, actor=people.iga.officer, service_code=EVENT_PERMIT, expected_revision=misrouted.revision
    )

    assert complaints() == {(PASSPORT, Channel.WEB): 1, (EVENT_PERMIT, Channel.WEB): 1}
