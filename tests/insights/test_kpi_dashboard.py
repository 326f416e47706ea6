"""The KPI dashboard as its readers see it: the figures come from the month aggregates
(ServiceMonth, ProcessingMonth, OfflineVolume, ChannelCost) and the satisfaction day aggregates,
seeded here with hand-chosen counts; each expected figure is worked out by hand, and the page is
checked against ``tahawul.performance.selectors`` too."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tahawul.applications.models import CompletedDay, ProcessingMonth, ServiceMonth
from tahawul.catalog.models import Service
from tahawul.feedback.models import SatisfactionDay
from tahawul.identity.models import User
from tahawul.performance import selectors
from tahawul.performance.models import ChannelCost, OfflineVolume
from tahawul.performance.spans import MonthSpan, add_months

pytestmark = pytest.mark.django_db

PERIOD = "2024-03"  # long before any demo data, so only what a test seeds is counted
MONTH = date(2024, 3, 1)


def service(entity: str, position: int = 0) -> Service:
    return Service.objects.filter(entity__code=entity).order_by("code")[position]


def month_counts(
    where: Service,
    channel: str,
    *,
    month: date = MONTH,
    started: int = 0,
    submitted: int = 0,
    completed: int = 0,
    within_sla: int = 0,
    complaints: int = 0,
    days: dict[int, int] | None = None,
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
            service=where, entity_id=where.entity_id, channel=channel, day=month.replace(day=10), completed=completed
        )


def ratings(where: Service, channel: str, *, satisfied: int, neutral: int, dissatisfied: int, day: date) -> None:
    SatisfactionDay.objects.create(
        service=where,
        entity_id=where.entity_id,
        channel=channel,
        day=day,
        satisfied=satisfied,
        neutral=neutral,
        dissatisfied=dissatisfied,
    )


def seed_passport() -> Service:
    """One NPRA service in March 2024, by hand:
    web: 100 started, 80 submitted; 90 completed, 81 within the SLA; 2 complaints;
    counter (assisted digital, in Tahawul): 20 started, 20 submitted, 10 completed, 9 within;
    offline counter volume 100. Take-up = (90 + 10) / (90 + 10 + 100) = 50.0 %;
    completion = 100 / 120 = 83.3 %; SLA = 90 / 100 = 90.0 %; complaints per 1,000 =
    2 × 1000 / 200 = 10.0. Processing days: 50 took 2, 40 took 4, 10 took 9 → median 3.0
    (the 50th and 51st of 100 are 2 and 4), 90th percentile 4.
    Ratings: web 80 satisfied, 10 neutral, 10 dissatisfied → with the counter's none, 80.0 %.
    """
    passport = service("NPRA")
    month_counts(
        passport, "web", started=100, submitted=80, completed=90, within_sla=81, complaints=2, days={2: 50, 4: 40}
    )
    month_counts(passport, "counter", started=20, submitted=20, completed=10, within_sla=9, days={9: 10})
    OfflineVolume.objects.create(
        service=passport, entity_id=passport.entity_id, channel="counter", month=MONTH, completed=100
    )
    ratings(passport, "web", satisfied=80, neutral=10, dissatisfied=10, day=date(2024, 3, 12))
    return passport


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def dashboard(client: Client, lang: str = "en", **filters: str) -> str:
    response = client.get(f"/{lang}/insights/kpis/", {"period": PERIOD, **filters})
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, name: str) -> str:
    return unescape(re.sub(r"\s+", " ", html.split(f'id="{name}-title"')[1].split("</section>")[0]))


def table_row(html: str, label: str) -> str:
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        heading = re.search(r'<th scope="row"[^>]*>(.*?)</th>', row, flags=re.S)
        if heading and unescape(re.sub(r"<[^>]+>", "", heading.group(1))).strip() == label:
            return unescape(re.sub(r"\s+", " ", row))
    raise AssertionError(f"no table row for {label!r}")


def chart(html: str, name: str) -> dict:
    found = re.search(rf'<script id="chart-{name}-data" type="application/json">(.*?)</script>', html, flags=re.S)
    assert found is not None, f"no {name} chart"
    return json.loads(found.group(1))


def download(client: Client, section_name: str, **filters: str) -> list[dict[str, str]]:
    response = client.get("/en/insights/kpis/", {"period": PERIOD, **filters, "format": "csv", "section": section_name})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


# --- what the figures say -------------------------------------------------------------------------


def test_the_headline_gives_the_four_kpis_and_what_they_were_divided_from() -> None:
    seed_passport()
    headline = section(dashboard(signed_in("npra.officer")), "headline")
    take_up = headline.split('id="kpi-take-up"')[1].split("</li>")[0]
    assert "50.0%" in take_up
    assert "100 of 200 completed transactions" in take_up
    assert "83.3%" in headline.split('id="kpi-completion"')[1].split("</li>")[0]
    satisfaction = headline.split('id="kpi-satisfaction"')[1].split("</li>")[0]
    assert "80.0%" in satisfaction
    assert "n = 100" in satisfaction
    processing = headline.split('id="kpi-processing"')[1].split("</li>")[0]
    assert "3.0 working days" in processing
    assert "4 working days or fewer" in processing
    assert "90.0%" in headline.split('id="kpi-sla"')[1].split("</li>")[0]
    assert "10.0" in headline.split('id="kpi-complaints"')[1].split("</li>")[0]
    assert "No cost entered" in headline.split('id="kpi-cost"')[1].split("</li>")[0]


def test_cost_per_transaction_is_twelve_months_of_costs_over_their_transactions() -> None:
    passport = seed_passport()
    # The twelve months to March 2024 hold all of 2024-Q1. Web costs 3,000 fils that quarter over
    # its 90 transactions: 33.3 fils each; the counter 36,000 over its 10 in Tahawul and 100
    # outside: 327.3 fils. The service's mix: (3,000 / 90 × 90 + 36,000 / 110 × 110) / 200 = 195.
    ChannelCost.objects.create(
        entity_id=passport.entity_id, channel="web", quarter=date(2024, 1, 1), staff_fils=2000, running_fils=1000
    )
    ChannelCost.objects.create(
        entity_id=passport.entity_id, channel="counter", quarter=date(2024, 1, 1), staff_fils=30000, running_fils=6000
    )
    expected = selectors.kpis(span=MonthSpan(MONTH, MONTH), service_ids=[passport.pk]).cost_per_transaction_fils
    assert expected == 195
    cost = section(dashboard(signed_in("npra.officer")), "headline").split('id="kpi-cost"')[1].split("</li>")[0]
    assert "0.195 BHD" in cost


def test_the_figures_on_the_page_are_the_selectors() -> None:
    passport = seed_passport()
    other = service("NPRA", 1)
    month_counts(other, "mobile", started=40, submitted=10, completed=30, within_sla=15)
    html = dashboard(signed_in("npra.officer"), group_by="service")
    for row in selectors.kpis_by(group_by="service", span=MonthSpan(MONTH, MONTH), entity_ids=[passport.entity_id]):
        on_page = table_row(html, row.label.en)
        found = row.kpis
        assert f"{found.digital_take_up * 100:.1f}%" in on_page
        assert f"({found.submitted} of {found.started})" in on_page
        assert f"({found.within_sla} of {found.completed})" in on_page
    assert "25.0%" in table_row(html, other.name_en)  # 10 of 40 completed their application


def test_the_trend_has_twelve_months_and_a_chart_for_each_kpi() -> None:
    passport = seed_passport()
    month_counts(passport, "web", month=date(2023, 11, 1), started=10, submitted=5, completed=8, within_sla=8)
    html = dashboard(signed_in("npra.officer"))
    trend = html.split('id="trend-title"')[1].split("</section>")[0]
    rows = re.findall(r'<tr>\s*<th scope="row">([^<]+)</th>', trend)
    assert len(rows) == 12
    assert rows[0].strip() == "April 2023" and rows[-1].strip() == "March 2024"
    assert "50.0%" in table_row(trend, "November 2023")  # 5 of 10 submitted
    take_up = chart(html, "trend-take-up")
    assert take_up["data"][0]["y"][-1] == 50.0
    assert take_up["data"][0]["y"][0] is None  # April 2023: nothing, a gap, not zero
    for name in ("completion", "satisfaction", "processing", "sla", "complaints"):
        assert chart(html, f"trend-{name}")


def test_each_section_downloads_as_csv_with_the_pages_numbers() -> None:
    seed_passport()
    client = signed_in("npra.officer")
    (headline,) = download(client, "headline")
    assert headline["% digital take-up"] == "50.0"
    assert headline["Completed transactions, in Tahawul and outside"] == "200"
    assert headline["% completion rate"] == "83.3"
    assert headline["% satisfied"] == "80.0"
    assert headline["Median processing time (working days)"] == "3.0"
    assert headline["90th percentile processing time (working days)"] == "4"
    assert headline["Complaints per 1,000 transactions"] == "10.0"
    channels = {row["Code"]: row for row in download(client, "groups", group_by="channel")}
    assert channels["web"]["% digital take-up"] == "100.0"
    assert channels["counter"]["% digital take-up"] == "9.1"  # 10 in Tahawul of 110 at the counter
    trend = download(client, "trend")
    assert [row["Code"] for row in trend][-1] == "2024-03"
    assert len(trend) == 12
    assert client.get("/en/insights/kpis/", {"format": "csv", "section": "nope"}).status_code == 400


# --- who sees what --------------------------------------------------------------------------------


def test_an_officer_sees_only_their_entitys_services() -> None:
    passport = seed_passport()
    fire = service("CIVDEF")
    month_counts(fire, "web", started=7, submitted=7, completed=3)
    client = signed_in("npra.officer")
    html = dashboard(client, group_by="service")
    assert passport.name_en in html
    assert fire.name_en not in html
    assert fire.code not in html
    assert "83.3%" in section(html, "headline")  # the fire service's drafts are not counted
    assert fire.code not in "".join(row["Code"] for row in download(client, "groups", group_by="service"))
    refused = dashboard(client, group_by="entity")
    assert "error-summary" in refused
    assert 'id="groups-title"' not in refused


@pytest.mark.parametrize("username", ["analyst", "iga.officer"])
def test_the_authority_and_the_analyst_see_every_entity(username: str) -> None:
    passport = seed_passport()
    fire = service("CIVDEF")
    month_counts(fire, "web", started=80, submitted=20, completed=3)
    html = dashboard(signed_in(username), group_by="entity")
    assert "83.3%" in table_row(html, passport.entity.name_en)
    assert "25.0%" in table_row(html, fire.entity.name_en)
    assert "Every government entity" in html
    assert "60.0%" in section(html, "headline")  # (100 + 20) submitted of 200 started


def test_the_public_is_sent_to_sign_in_and_others_get_404() -> None:
    response = Client().get("/en/insights/kpis/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")
    assert signed_in("fatima").get("/en/insights/kpis/").status_code == 404


# --- filters --------------------------------------------------------------------------------------


def test_a_period_of_days_is_refused_because_kpis_are_monthly() -> None:
    client = signed_in("npra.officer")
    html = dashboard(client, period="90d")
    assert 'class="error-summary"' in html
    assert "counted per month" in html
    assert 'aria-invalid="true"' in html
    assert 'id="headline-title"' not in html
    assert client.get("/en/insights/kpis/", {"period": "90d", "format": "csv", "section": "groups"}).status_code == 400


def test_a_quarter_covers_its_three_months_and_filters_narrow_the_figures() -> None:
    passport = seed_passport()
    month_counts(passport, "web", month=date(2024, 1, 1), started=100, submitted=0)
    client = signed_in("npra.officer")
    assert "45.5%" in section(dashboard(client, period="2024-Q1"), "headline")  # 100 of 220
    web_only = section(dashboard(client, channel="web"), "headline")
    assert "80.0%" in web_only.split('id="kpi-completion"')[1].split("</li>")[0]  # 80 of 100
    assert "post" in dashboard(client)  # the post is a channel of offline volumes


def test_every_filter_has_a_label() -> None:
    html = dashboard(signed_in("npra.officer"))
    form = html.split('class="search-filters dashboard-filters"')[1].split("</form>")[0]
    for control in re.findall(r"<(?:input|select)[^>]*>", form):
        control_id = re.search(r'id="([^"]+)"', control)
        assert control_id is not None
        assert f'<label for="{control_id.group(1)}">' in form


# --- languages and direction ----------------------------------------------------------------------


def test_the_arabic_page_reads_right_to_left_with_mirrored_charts() -> None:
    seed_passport()
    client = signed_in("npra.officer")
    response = client.get("/ar/insights/kpis/", {"period": PERIOD, "group_by": "channel"})
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert '<script src="/static/plotly/plotly.min.js" defer></script>' in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert re.search(r'src="/static/|type="application/json"', tag), tag
    assert "50,0" in html  # the Arabic decimal comma
    groups = chart(html, "groups")["layout"]
    assert groups["xaxis"]["range"] == [100, 0]
    assert groups["yaxis"]["side"] == "right"
    assert chart(html, "trend-take-up")["layout"]["xaxis"]["autorange"] == "reversed"
    english = chart(dashboard(client, group_by="channel"), "groups")["layout"]
    assert english["xaxis"]["range"] == [0, 100]
    assert english["yaxis"]["side"] == "left"


# --- cost -----------------------------------------------------------------------------------------


def _queries_for_page(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/insights/kpis/", {"period": PERIOD}).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_aggregates() -> None:
    client = signed_in("npra.officer")
    services = list(Service.objects.filter(entity__code="NPRA").order_by("code")[:10])

    def fill(months: int) -> None:
        ServiceMonth.objects.bulk_create(
            ServiceMonth(
                service=item,
                entity_id=item.entity_id,
                channel=channel,
                month=add_months(MONTH, -offset),
                started=5,
                submitted=4,
                completed=3,
                within_sla=2,
            )
            for item in services
            for channel in ("web", "mobile")
            for offset in range(months)
        )

    fill(1)
    few = _queries_for_page(client)
    ServiceMonth.objects.all().delete()
    fill(24)
    assert ServiceMonth.objects.count() == 480
    assert _queries_for_page(client) == few
