"""Routing suggestions from the demo catalogue (loaded once per test database by tests/conftest.py)."""

from pathlib import Path

import pytest

from tahawul.catalog.actions import ServiceListing, list_service
from tahawul.core.text import LocalizedText
from tahawul.feedback.text.routing import MINIMUM_SCORE, suggest_services
from tests.feedback.conftest import file_case

pytestmark = pytest.mark.django_db

PASSPORT_RENEWAL = "NPRA-PASSPORT-RENEW"


@pytest.mark.parametrize(
    "complaint",
    [
        "ليش تجديد الجواز ياخذ وايد؟ قدمت من أسبوعين وللحين ما وصلني شي",
        "تأخر تجديد جواز السفر أكثر من شهر ولم يصلني أي رد",
        "I applied to renew my passport a month ago and nobody has answered me.",
    ],
)
def test_a_passport_renewal_complaint_is_routed_to_passport_renewal(complaint: str) -> None:
    suggestions = suggest_services(complaint)

    assert suggestions[0].service_code == PASSPORT_RENEWAL
    assert suggestions[0].entity_code == "NPRA"


def test_suggestions_are_few_best_first_and_meaningful() -> None:
    suggestions = suggest_services("My electricity bill payment failed twice", limit=2)

    assert suggestions[0].service_code == "EWA-BILL-PAYMENT"
    assert len(suggestions) <= 2
    scores = [suggestion.score for suggestion in suggestions]
    assert scores == sorted(scores, reverse=True)
    assert min(scores) >= MINIMUM_SCORE


@pytest.mark.parametrize("text", ["", "   ", "شكراً", "ok thanks", "!!!", "<script>alert(1)</script>"])
def test_a_text_naming_no_service_gets_no_suggestion(text: str) -> None:
    assert suggest_services(text) == []


def test_a_100_kb_text_is_routed_on_its_first_characters() -> None:
    text = ("Passport renewal is taking forever. " * 3_000)[:100_000]

    assert suggest_services(text)[0].service_code == PASSPORT_RENEWAL


def test_a_newly_published_service_is_suggested_at_once() -> None:
    complaint = "The falconry permit for my falcon has not arrived"
    assert not any(suggestion.service_code == "MUN-FALCONRY-PERMIT" for suggestion in suggest_services(complaint))

    list_service(
        ServiceListing(
            code="MUN-FALCONRY-PERMIT",
            entity_code="MUN",
            category_slug="business",
            life_event_slugs=[],
            name=LocalizedText(ar="تصريح اقتناء الصقور", en="Falconry permit"),
            summary=LocalizedText(ar="تصريح لاقتناء الصقور وتربيتها.", en="A permit to keep and train falcons."),
            description=None,
            keywords=["صقر", "صقور", "falcon", "falconry"],
            channels=["web"],
            maturity="transactional",
            fee_fils=None,
            fee_varies=False,
            working_days=5,
            annual_volume=100,
            version=1,
        )
    )

    assert suggest_services(complaint)[0].service_code == "MUN-FALCONRY-PERMIT"


def test_cases_routed_by_people_teach_the_router(model_dir: Path) -> None:
    # Nothing in the catalogue says that "the blue booth at the mall" is where people renew
    # their vehicle registration; confirmed cases do.
    complaint = "The blue booth at the mall swallowed my card again"
    assert not suggest_services(complaint) or suggest_services(complaint)[0].service_code != "TRAFFIC-VEHICLE-REG-RENEW"

    for client in range(3):
        file_case(
            description=f"The blue booth at the mall is out of order, attempt {client}",
            service_code="TRAFFIC-VEHICLE-REG-RENEW",
            client=f"ip:198.51.100.{40 + client}",
        )

    assert suggest_services(complaint)[0].service_code == "TRAFFIC-VEHICLE-REG-RENEW"
