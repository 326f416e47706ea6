"""The public performance pages: no sign-in, both languages, the four KPIs over the last twelve
whole months with a chart and a table for the trend, and the satisfaction index's small-sample
rules. The month aggregates are seeded by hand; "today" is fixed in April 2024, long before any
demo data, so only what a test seeds is counted."""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape
from typing import Any

import pytest
from django.test import Client

from tahawul.applications.models import CompletedDay, ServiceMonth
from tahawul.catalog.models import Service
from tahawul.feedback.models import SatisfactionDay
from tahawul.performance.models import ChannelCost, OfflineVolume

pytestmark = pytest.mark.django_db

TODAY = date(2024, 4, 15)  # the public figures are the twelve months April 2023 - March 2024
MARCH = date(2024, 3, 1)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


def passport() -> Service:
    return Service.objects.filter(entity__code="NPRA").order_by("code")[0]


def seed(where: Service, *, month: date = MARCH, satisfied: int = 0, neutral: int = 0, dissatisfied: int = 0) -> None:
    """web: 60 started, 45 submitted, 40 completed; 60 more completed on paper at the counter:
    take-up 40 / 100 = 40.0 %, completion 45 / 60 = 75.0 %."""
    ServiceMonth.objects.create(
        service=where, entity_id=where.entity_id, channel="web", month=month, started=60, submitted=45, completed=40
    )
    CompletedDay.objects.create(
        service=where, entity_id=where.entity_id, channel="web", day=month.replace(day=5), completed=40
    )
    OfflineVolume.objects.create(service=where, entity_id=where.entity_id, channel="counter", month=month, completed=60)
    if satisfied or neutral or dissatisfied:
        SatisfactionDay.objects.create(
            service=where,
            entity_id=where.entity_id,
            channel="web",
            day=month.replace(day=6),
            satisfied=satisfied,
            neutral=neutral,
            dissatisfied=dissatisfied,
        )


def page(lang: str, code: str) -> str:
    response = Client().get(f"/{lang}/services/{code}/performance/")
    assert response.status_code == 200
    return response.content.decode()


def card(html: str, name: str) -> str:
    return unescape(re.sub(r"\s+", " ", html.split(f'id="kpi-{name}"')[1].split("</li>")[0]))


def trend_rows(html: str) -> list[str]:
    table = html.split('id="trend-caption"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


def chart(html: str, name: str) -> dict[str, Any]:
    found = re.search(rf'<script id="chart-{name}-data" type="application/json">(.*?)</script>', html, flags=re.S)
    assert found is not None, f"no {name} chart"
    return json.loads(found.group(1))


def test_the_public_page_shows_the_four_kpis_without_signing_in() -> None:
    service = passport()
    seed(service, satisfied=120, neutral=20, dissatisfied=10)
    ChannelCost.objects.create(
        entity_id=service.entity_id, channel="web", quarter=date(2024, 1, 1), staff_fils=3000, running_fils=1000
    )
    html = page("en", service.code)
    assert "April 2023 to March 2024" in html
    assert "40.0%" in card(html, "take-up")
    assert "40 of 100 completed transactions" in card(html, "take-up")
    assert "75.0%" in card(html, "completion")
    assert "80.0%" in card(html, "satisfaction")  # 120 of 150
    assert "n = 150" in card(html, "satisfaction")
    assert "indicative" not in card(html, "satisfaction")
    # The web's 4,000 fils of 2024-Q1 over its 40 transactions: 100 fils each, all of them web.
    assert "0.100 BHD" in card(html, "cost")
    for explained in ("Digital take-up", "Completion rate", "Satisfaction", "Cost per transaction"):
        assert f"<dt>{explained}</dt>" in html


def test_the_trend_has_a_table_row_and_a_chart_point_for_each_of_twelve_months() -> None:
    service = passport()
    seed(service)
    seed(service, month=date(2023, 6, 1))
    html = page("en", service.code)
    rows = trend_rows(html)
    assert len(rows) == 12
    assert rows[0].strip().startswith("April 2023")
    assert rows[-1].strip().startswith("March 2024")
    assert "40.0% (40 of 100)" in rows[2]  # June 2023
    assert "no completed transactions" in rows[1]  # May 2023: nothing, said, not zero
    take_up = chart(html, "trend-take-up")["data"][0]
    assert take_up["y"][2] == 40.0
    assert take_up["y"][1] is None
    assert take_up["y"][-1] == 40.0


def test_satisfaction_follows_the_index_rules_on_responses() -> None:
    few, some = Service.objects.filter(entity__code="NPRA").order_by("code")[:2]
    seed(few, satisfied=20, neutral=3, dissatisfied=2)  # n = 25: no share
    seed(some, satisfied=40, neutral=5, dissatisfied=5)  # n = 50: indicative
    html = page("en", few.code)
    assert "not enough responses (n = 25)" in card(html, "satisfaction")
    assert "%" not in card(html, "satisfaction")
    assert "not enough responses (n = 25)" in trend_rows(html)[-1]
    assert "80.0%" not in html
    indicative = card(page("en", some.code), "satisfaction")
    assert "80.0%" in indicative
    assert "indicative" in indicative


def test_the_arabic_page_reads_right_to_left_with_arabic_numbers_and_mirrored_trends() -> None:
    service = passport()
    seed(service)
    html = page("ar", service.code)
    assert '<html lang="ar" dir="rtl">' in html
    assert service.name_ar in html
    assert "40,0" in card(html, "take-up")  # the Arabic decimal comma
    assert chart(html, "trend-take-up")["layout"]["xaxis"]["autorange"] == "reversed"
    assert chart(html, "trend-take-up")["layout"]["yaxis"]["side"] == "right"
    for tag in re.findall(r"<script\b[^>]*>", html):  # no inline script: the CSP holds
        assert re.search(r'src="/static/|type="application/json"', tag), tag
    assert "<h2" in html and 'id="explanations-title"' in html


def test_an_unknown_service_is_404() -> None:
    assert Client().get("/en/services/NO-SUCH-SERVICE/performance/").status_code == 404


def test_the_index_lists_every_service_with_its_latest_kpis() -> None:
    service = passport()
    seed(service, satisfied=120, neutral=20, dissatisfied=10)
    response = Client().get("/en/performance/")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    row = next(row for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S) if service.name_en in row)
    assert f'href="/en/services/{service.code}/performance/"' in row
    assert "40.0%" in row and "75.0%" in row and "80.0%" in row
    assert html.count("Nothing recorded in these months") == Service.objects.count() - 1
    assert 'href="/en/open-data/kpis.csv"' in html
