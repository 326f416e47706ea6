"""The measured change of a re-engineered service: the months each version was current, compared
on take-up, completion, processing time and satisfaction, with every figure worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tahawul.catalog.actions import ServiceListing, list_service
from tahawul.catalog.models import Entity, Service
from tahawul.core.text import LocalizedText
from tahawul.definitions.actions import digest_of
from tahawul.definitions.compare import Verdict
from tahawul.definitions.models import ServiceVersion
from tahawul.definitions.validation import validate_text
from tahawul.identity.models import Role
from tahawul.identity.selectors import NotFound
from tahawul.performance.reengineering import (
    MeasuredStatus,
    VersionsNotComparable,
    access_reengineering,
    measured_change,
    reengineering_report,
)
from tahawul.performance.selectors import kpis
from tahawul.performance.spans import MonthSpan
from tests.applications.conftest import give_role, make_user
from tests.performance.conftest import month_counts, offline, processing, ratings

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "src" / "tahawul" / "demo"
PILOT = "NPRA-PASSPORT-PILOT"
# Version 1 published mid-June 2020, version 2 on 10 April 2021 (Bahrain time), version 3 on 3 December 2021.
PUBLISHED = [
    datetime(2020, 6, 15, 9, tzinfo=UTC),
    datetime(2021, 4, 10, 9, tzinfo=UTC),
    datetime(2021, 12, 3, 9, tzinfo=UTC),
]


def pilot_service(versions: int = 2, code: str = PILOT) -> Service:
    """A copy of the demo passport renewal, its earlier definition as version 1 and the current one
    as version 2 (and again as 3), published on the dates above: published versions cannot be
    moved in time, so the rows are written directly."""
    texts = [
        (DEMO / "services_earlier" / "NPRA" / "npra-passport-renew.yaml").read_text(encoding="utf-8"),
        (DEMO / "services" / "NPRA" / "npra-passport-renew.yaml").read_text(encoding="utf-8"),
        (DEMO / "services" / "NPRA" / "npra-passport-renew.yaml")
        .read_text(encoding="utf-8")
        .replace("12.000", "11.000"),
    ]
    definitions = []
    for text in texts[:versions]:
        result = validate_text(text.replace("NPRA-PASSPORT-RENEW", code))
        assert result.definition is not None, result.problems
        definitions.append(result.definition)
    service = list_service(
        ServiceListing(
            code=code,
            entity_code="NPRA",
            category_slug="identity-travel",
            life_event_slugs=[],
            name=LocalizedText(ar="تجربة الجواز", en="Passport pilot"),
            summary=LocalizedText(ar="تجربة", en="A pilot."),
            description=None,
            keywords=[],
            channels=["web"],
            maturity="transactional",
            fee_fils=12000,
            fee_varies=True,
            working_days=15,
            annual_volume=0,
            version=versions,
        )
    )
    for number, (definition, published_at) in enumerate(zip(definitions, PUBLISHED, strict=False), start=1):
        ServiceVersion.objects.create(
            service=service,
            number=number,
            document=definition.normalised(),
            digest=digest_of(definition),
            published_at=published_at,
        )
    return service


@pytest.fixture
def history() -> Service:
    return pilot_history()


def pilot_history() -> Service:
    """Before (Oct 2020 – Mar 2021, the last six whole months of version 1):
    February: web 30 completed, 70 on paper at the counter → take-up 30/100; 100 drafts begun,
    60 submitted → 0.6; processing {10: 3} → median 10; 2 satisfied, 2 dissatisfied → 0.5.
    September 2020 is more than six months before the switch, April 2021 is the switch month:
    both are left out (their figures would change every result).
    After (May – June 2021): web 80 completed, 20 on paper → 0.8; 50 begun, 45 submitted → 0.9;
    processing {3: 2, 4: 1} → median 3; 9 satisfied, 1 dissatisfied → 0.9."""
    service = pilot_service()
    month_counts(PILOT, "web", date(2021, 2, 1), started=100, submitted=60, completed=30)
    offline(PILOT, "counter", date(2021, 2, 1), 70)
    processing(PILOT, "web", date(2021, 2, 1), {10: 3})
    ratings(PILOT, "web", date(2021, 3, 14), satisfied=2, dissatisfied=2)

    for ignored in (date(2020, 9, 1), date(2021, 4, 1)):
        month_counts(PILOT, "web", ignored, started=1000, submitted=1, completed=1000)
        processing(PILOT, "web", ignored, {40: 100})
        ratings(PILOT, "web", ignored.replace(day=20), satisfied=0, dissatisfied=500)

    month_counts(PILOT, "web", date(2021, 5, 1), started=20, submitted=20, completed=30)
    month_counts(PILOT, "web", date(2021, 6, 1), started=30, submitted=25, completed=50)
    offline(PILOT, "counter", date(2021, 6, 1), 20)
    processing(PILOT, "web", date(2021, 5, 1), {3: 2})
    processing(PILOT, "web", date(2021, 6, 1), {4: 1})
    ratings(PILOT, "web", date(2021, 5, 3), satisfied=4)
    ratings(PILOT, "web", date(2021, 6, 30), satisfied=5, dissatisfied=1)
    return service


def test_the_change_compares_whole_months_under_each_version(history: Service) -> None:
    measured = measured_change(history, 1, 2, today=date(2021, 7, 15))

    assert measured.status == MeasuredStatus.MEASURED
    assert measured.switch_month == date(2021, 4, 1)
    assert measured.before_span == MonthSpan(date(2020, 10, 1), date(2021, 3, 1))
    assert measured.after_span == MonthSpan(date(2021, 5, 1), date(2021, 6, 1))
    assert (measured.transactions_before, measured.transactions_after) == (100, 100)
    changes = {change.key: change for change in measured.changes}
    assert (changes["digital_take_up"].before, changes["digital_take_up"].after) == (0.3, 0.8)
    assert changes["digital_take_up"].change == pytest.approx(0.5)
    assert (changes["completion_rate"].before, changes["completion_rate"].after) == (0.6, 0.9)
    assert (changes["median_days"].before, changes["median_days"].after, changes["median_days"].change) == (10, 3, -7)
    assert (changes["satisfaction"].before, changes["satisfaction"].after) == (pytest.approx(0.5), pytest.approx(0.9))
    assert {change.verdict for change in measured.changes} == {Verdict.BETTER}


def test_one_whole_month_after_the_switch_is_not_long_enough(history: Service) -> None:
    measured = measured_change(history, 1, 2, today=date(2021, 6, 30))

    assert (measured.status, measured.months_after, measured.changes) == (MeasuredStatus.TOO_EARLY, 1, ())
    with translation.override("en"):
        assert str(measured.explanation).startswith("Not run long enough yet")
        assert "1 full month" in measured.explanation.en


def test_a_version_published_this_month_has_no_month_at_all_yet(history: Service) -> None:
    measured = measured_change(history, 1, 2, today=date(2021, 4, 28))
    assert (measured.status, measured.months_after) == (MeasuredStatus.TOO_EARLY, 0)


def test_the_new_version_is_measured_only_until_the_next_one(db: None) -> None:
    service = pilot_service(versions=3)
    month_counts(PILOT, "web", date(2021, 6, 1), started=10, submitted=5, completed=10)
    month_counts(PILOT, "web", date(2022, 1, 1), started=10, submitted=10, completed=10)  # under version 3

    measured = measured_change(service, 1, 2, today=date(2022, 3, 1))
    assert measured.after_span == MonthSpan(date(2021, 5, 1), date(2021, 10, 1))  # six months at most
    assert {change.key: change.after for change in measured.changes}["completion_rate"] == 0.5
    later = measured_change(service, 2, 3, today=date(2022, 3, 1))
    assert later.before_span == MonthSpan(date(2021, 6, 1), date(2021, 11, 1))  # the last six under version 2
    assert later.after_span == MonthSpan(date(2022, 1, 1), date(2022, 2, 1))


def test_with_no_figures_on_either_side_nothing_is_better_or_worse(db: None) -> None:
    quiet = pilot_service(code="NPRA-PASSPORT-QUIET")
    measured = measured_change(quiet, 1, 2, today=date(2021, 7, 15))
    assert measured.status == MeasuredStatus.MEASURED
    assert {(change.before, change.after, change.verdict) for change in measured.changes} == {
        (None, None, Verdict.SAME)
    }


@pytest.mark.parametrize(("before", "after"), [(2, 1), (2, 2), (1, 9), (0, 2)])
def test_unknown_or_misordered_versions_are_refused(history: Service, before: int, after: int) -> None:
    with pytest.raises(VersionsNotComparable):
        measured_change(history, before, after, today=date(2021, 7, 15))


def test_the_report_defaults_to_the_two_latest_versions_and_names_bad_ones(history: Service) -> None:
    designer = give_role(make_user("designer"), Entity.objects.get(code="NPRA"), Role.DESIGNER)
    report = reengineering_report(
        user=designer,
        entity=history.entity,
        service_code=PILOT,
        before_number=None,
        after_number=None,
        today=date(2021, 7, 15),
    )
    assert (report.before.number, report.after.number, report.numbers) == (1, 2, (2, 1))
    assert report.comparison.measure("required_documents").removed
    with pytest.raises(VersionsNotComparable) as raised, translation.override("en"):
        reengineering_report(
            user=designer,
            entity=history.entity,
            service_code=PILOT,
            before_number=1,
            after_number=7,
            today=date(2021, 7, 15),
        )
    with translation.override("en"):
        assert str(raised.value.message) == "There is no such version of this service: the published versions are 1, 2."


def test_only_the_entitys_designers_admins_supervisors_and_the_authority_see_it(db: None) -> None:
    npra = Entity.objects.get(code="NPRA")
    allowed = [
        give_role(make_user("designer"), npra, Role.DESIGNER),
        give_role(make_user("admin"), npra, Role.ENTITY_ADMIN),
        give_role(make_user("supervisor"), npra, Role.SUPERVISOR),
        give_role(make_user("authority"), Entity.objects.get(code="IGA"), Role.OFFICER),
        give_role(make_user("analyst"), None, Role.ANALYST),
    ]
    refused = [
        give_role(make_user("officer"), npra, Role.OFFICER),
        give_role(make_user("elsewhere"), Entity.objects.get(code="MOE"), Role.DESIGNER),
        make_user("citizen"),
    ]
    for user in allowed:
        access_reengineering(user, npra)
    for user in refused:
        with pytest.raises(NotFound):
            access_reengineering(user, npra)


def test_the_measured_change_reads_aggregates_not_applications(history: Service) -> None:
    with CaptureQueriesContext(connection) as one_read:
        kpis(span=MonthSpan(date(2021, 5, 1), date(2021, 6, 1)), service_ids=[history.pk])
    for month in (date(2021, 2, 1), date(2021, 6, 1)):  # more channels, more rows: the same queries
        month_counts(PILOT, "mobile", month, started=5, submitted=5, completed=5)

    with CaptureQueriesContext(connection) as measured:
        measured_change(history, 1, 2, today=date(2021, 7, 15))

    assert len(measured) == 1 + 2 * len(one_read)  # the versions' dates, then one KPI read per side
