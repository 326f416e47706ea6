"""The open-data export of the service KPIs: every service × channel × month with activity, in
CSV and JSON, streamed, with documented columns, the small-cell privacy rule, and clear 400s for
a range that cannot be read. The ranges asked for lie long before any demo data."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client

from tahawul.applications.models import CompletedDay, ProcessingMonth, ServiceMonth
from tahawul.catalog.models import Service
from tahawul.feedback.models import SatisfactionDay
from tahawul.performance.models import OfflineVolume
from tahawul.portal.open_data import FIELD_NAMES

pytestmark = pytest.mark.django_db

MARCH = date(2024, 3, 1)
RANGE = {"from": "2024-01", "to": "2024-03"}


def npra(position: int = 0) -> Service:
    return Service.objects.filter(entity__code="NPRA").order_by("code")[position]


def cell(
    where: Service,
    channel: str,
    *,
    month: date = MARCH,
    started: int = 0,
    submitted: int = 0,
    completed: int = 0,
    within_sla: int = 0,
    complaints: int = 0,
    days: dict[int, int] | None = None,
    satisfied: int = 0,
    dissatisfied: int = 0,
) -> None:
    ServiceMonth.objects.create(
        service=where,
        entity_id=where.entity_id,
        channel=channel,
        month=month,
        started=started,
        submitted=submitted,
        completed=completed,
        within_sla=within_sla,
        complaints=complaints,
    )
    for working_days, count in (days or {}).items():
        ProcessingMonth.objects.create(
            service=where,
            entity_id=where.entity_id,
            channel=channel,
            month=month,
            working_days=working_days,
            completed=count,
        )
    if completed:
        CompletedDay.objects.create(
            service=where, entity_id=where.entity_id, channel=channel, day=month.replace(day=3), completed=completed
        )
    if satisfied or dissatisfied:
        SatisfactionDay.objects.create(
            service=where,
            entity_id=where.entity_id,
            channel=channel,
            day=month.replace(day=4),
            satisfied=satisfied,
            neutral=0,
            dissatisfied=dissatisfied,
        )


def seed() -> Service:
    """NPRA's first service in March 2024: web 50 completed (45 within the SLA, 2 complaints,
    processing 3 days × 30 and 5 days × 20), 40 rated satisfied and 10 dissatisfied; mobile 30
    completed; kiosk 4 completed (a small cell); 100 on paper at the counter."""
    service = npra()
    cell(
        service,
        "web",
        started=70,
        submitted=56,
        completed=50,
        within_sla=45,
        complaints=2,
        days={3: 30, 5: 20},
        satisfied=40,
        dissatisfied=10,
    )
    cell(service, "mobile", started=35, submitted=30, completed=30, within_sla=30, days={2: 30})
    cell(service, "kiosk", started=5, submitted=4, completed=4, within_sla=3, complaints=1, days={8: 4})
    OfflineVolume.objects.create(
        service=service, entity_id=service.entity_id, channel="counter", month=MARCH, completed=100
    )
    return service


def csv_rows(query: dict[str, str]) -> list[dict[str, str]]:
    response = Client().get("/en/open-data/kpis.csv", query)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)  # streamed, never built whole in memory
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def json_document(query: dict[str, str]) -> dict[str, Any]:
    response = Client().get("/en/open-data/kpis.json", query)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("application/json")
    return json.loads(b"".join(response.streaming_content))


def test_the_csv_has_one_row_per_service_channel_and_month_with_the_figures_and_their_denominators() -> None:
    service = seed()
    rows = csv_rows(RANGE)
    assert list(rows[0]) == list(FIELD_NAMES)
    mine = {row["channel"]: row for row in rows if row["service_code"] == service.code}
    assert set(mine) == {"web", "mobile", "kiosk", "counter"}
    web = mine["web"]
    assert web["month"] == "2024-03"
    assert web["service_name_en"] == service.name_en
    assert web["service_name_ar"] == service.name_ar
    assert web["entity_code"] == "NPRA"
    assert (web["started"], web["submitted"], web["completion_rate_percent"]) == ("70", "56", "80.0")
    assert (web["completed_in_tahawul"], web["transactions"], web["digital_take_up_percent"]) == ("50", "50", "100.0")
    assert (web["satisfaction_responses"], web["satisfied_percent"], web["dissatisfied_percent"]) == (
        "50",
        "80.0",
        "20.0",
    )
    assert web["satisfaction_reliability"] == "indicative"
    assert (web["median_processing_working_days"], web["p90_processing_working_days"]) == ("3.0", "5")
    assert (web["within_sla"], web["sla_compliance_percent"]) == ("45", "90.0")
    assert (web["complaints"], web["complaints_per_1000"]) == ("2", "40.0")
    assert web["withheld"] == "false"
    counter = mine["counter"]
    assert (counter["completed_outside_tahawul"], counter["digital_take_up_percent"]) == ("100", "0.0")
    assert rows == sorted(rows, key=lambda row: row["month"])


def test_a_cell_with_fewer_than_ten_transactions_withholds_what_it_says_about_people() -> None:
    service = seed()
    mine = {row["channel"]: row for row in csv_rows(RANGE) if row["service_code"] == service.code}
    kiosk = mine["kiosk"]
    assert kiosk["withheld"] == "true"
    for withheld in (
        "median_processing_working_days",
        "p90_processing_working_days",
        "within_sla",
        "sla_compliance_percent",
        "complaints",
        "complaints_per_1000",
        "satisfied_percent",
    ):
        assert kiosk[withheld] == "", withheld
    assert (kiosk["started"], kiosk["completed_in_tahawul"]) == ("5", "4")  # volumes are published
    # With one small cell, the next smallest (mobile, 30) is withheld too: the kiosk's complaint
    # could otherwise be worked out from the service's month minus the other channels.
    assert mine["mobile"]["withheld"] == "true"
    assert mine["mobile"]["sla_compliance_percent"] == ""
    assert mine["web"]["withheld"] == "false"
    assert mine["web"]["complaints"] == "2"


def test_satisfaction_below_thirty_responses_is_not_published() -> None:
    service = npra(1)
    cell(service, "web", started=40, submitted=40, completed=40, satisfied=20, dissatisfied=5)
    (row,) = (row for row in csv_rows(RANGE) if row["service_code"] == service.code)
    assert row["satisfaction_responses"] == "25"
    assert row["satisfaction_reliability"] == "too_few"
    assert row["satisfied_percent"] == row["dissatisfied_percent"] == ""


def test_the_json_has_the_same_rows_and_documents_its_columns() -> None:
    service = seed()
    document = json_document(RANGE)
    assert (document["from"], document["to"]) == ("2024-01", "2024-03")
    assert document["min_transactions_published"] == 10
    assert [field["name"] for field in document["fields"]] == list(FIELD_NAMES)
    assert all(field["description"]["en"] and field["description"]["ar"] for field in document["fields"])
    web = next(row for row in document["rows"] if row["service_code"] == service.code and row["channel"] == "web")
    assert web["digital_take_up_percent"] == 100.0
    assert web["completion_rate_percent"] == 80.0
    assert web["complaints"] == 2
    assert web["withheld"] is False
    kiosk = next(row for row in document["rows"] if row["service_code"] == service.code and row["channel"] == "kiosk")
    assert kiosk["complaints"] is None
    assert kiosk["withheld"] is True
    assert len(document["rows"]) == len(csv_rows(RANGE))


def test_a_range_outside_the_data_is_empty_but_well_formed() -> None:
    seed()
    assert csv_rows({"from": "2023-01", "to": "2023-02"}) == []
    assert json_document({"from": "2023-01", "to": "2023-02"})["rows"] == []


def test_the_default_range_is_the_last_24_whole_months() -> None:
    document = json_document({})
    first, last = (date.fromisoformat(f"{document[key]}-01") for key in ("from", "to"))
    assert (last.year * 12 + last.month) - (first.year * 12 + first.month) == 23


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"from": "2024-13"}, "from must be a month written YYYY-MM"),
        ({"to": "March"}, "to must be a month written YYYY-MM"),
        ({"from": "2024-03", "to": "2024-01"}, "from must not be after to"),
        ({"from": "2000-01", "to": "2024-01"}, "at most 120 months"),
        ({"to": "2999-01"}, "There are no figures after"),
    ],
)
def test_a_range_that_cannot_be_served_is_a_400_that_says_why(query: dict[str, str], says: str) -> None:
    as_csv = Client().get("/en/open-data/kpis.csv", query)
    assert as_csv.status_code == 400
    assert says in as_csv.content.decode()
    as_json = Client().get("/en/open-data/kpis.json", query)
    assert as_json.status_code == 400
    assert as_json["Content-Type"].startswith("application/problem+json")
    assert says in json.loads(as_json.content)["detail"]


def test_no_personal_data_is_in_the_export() -> None:
    seed()
    body = b"".join(Client().get("/en/open-data/kpis.csv", RANGE).streaming_content).decode("utf-8-sig")
    header = body.splitlines()[0].split(",")
    for personal in ("national_id", "name", "email", "mobile", "reference", "applicant", "user"):
        assert not any(column == personal or column.startswith(f"{personal}_") for column in header)
