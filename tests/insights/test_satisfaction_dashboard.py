"""The satisfaction dashboard as its readers see it: the figures come from the per-day
aggregates (SatisfactionDay and CompletedDay), seeded here with hand-chosen counts, and every
expected figure below is worked out by hand from those counts."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from datetime import date, datetime, time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tahawul.applications.models import CompletedDay
from tahawul.catalog.models import Service
from tahawul.feedback.models import Case, Rating, SatisfactionDay
from tahawul.identity.models import User

pytestmark = pytest.mark.django_db

PERIOD = "2024-03"  # long before any demo data, so only what a test seeds is counted
DAY = date(2024, 3, 10)
Z = 1.959963984540054
BAHRAIN = ZoneInfo("Asia/Bahrain")


def service(entity: str, position: int = 0) -> Service:
    return Service.objects.filter(entity__code=entity).order_by("code")[position]


def seed(
    where: Service,
    channel: str,
    *,
    satisfied: int,
    neutral: int,
    dissatisfied: int,
    completed: int = 0,
    day: date = DAY,
) -> None:
    SatisfactionDay.objects.create(
        service=where,
        entity_id=where.entity_id,
        channel=channel,
        day=day,
        satisfied=satisfied,
        neutral=neutral,
        dissatisfied=dissatisfied,
    )
    if completed:
        CompletedDay.objects.create(
            service=where, entity_id=where.entity_id, channel=channel, day=day, completed=completed
        )


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def dashboard(client: Client, lang: str = "en", **filters: str) -> str:
    response = client.get(f"/{lang}/insights/satisfaction/", {"period": PERIOD, **filters})
    assert response.status_code == 200
    return response.content.decode()


def table_row(html: str, label: str) -> str:
    """The table row whose heading cell is ``label``."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        heading = re.search(r'<th scope="row"[^>]*>(.*?)</th>', row, flags=re.S)
        if heading and unescape(re.sub(r"<[^>]+>", "", heading.group(1))).strip() == label:
            return unescape(re.sub(r"\s+", " ", row))
    raise AssertionError(f"no table row for {label!r}")


def chart(html: str, name: str) -> dict:
    found = re.search(rf'<script id="chart-{name}-data" type="application/json">(.*?)</script>', html, flags=re.S)
    assert found is not None, f"no {name} chart"
    return json.loads(found.group(1))


def wilson_percent(successes: int, n: int) -> tuple[str, str]:
    """The 95 % Wilson interval written out from its formula (docs/satisfaction-index.md)."""
    p = successes / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return f"{(centre - half) * 100:.1f}%", f"{(centre + half) * 100:.1f}%"


# --- what the figures say -------------------------------------------------------------------------


def test_the_headline_gives_the_satisfied_and_dissatisfied_shares_n_interval_and_response_rate() -> None:
    passport = service("NPRA")
    # 90 of 120 satisfied (75 %), 24 dissatisfied (20 %); 400 completed transactions: 30 % answered.
    seed(passport, "web", satisfied=90, neutral=6, dissatisfied=24, completed=400)
    html = dashboard(signed_in("npra.officer"))
    headline = unescape(html.split('id="headline-title"')[1].split("</section>")[0])
    low, high = wilson_percent(90, 120)
    assert "75.0%" in headline
    assert "20.0% dissatisfied" in headline
    assert "n = 120" in headline
    assert f"{low} to {high}" in headline
    assert "30.0% of 400 completed transactions" in headline


def test_a_cell_with_20_responses_shows_no_figure_and_one_with_50_is_indicative() -> None:
    few, some = service("NPRA", 0), service("NPRA", 1)
    seed(few, "web", satisfied=13, neutral=3, dissatisfied=4)  # 65 %, but n = 20
    seed(some, "web", satisfied=40, neutral=5, dissatisfied=5)  # 80 %, n = 50
    html = dashboard(signed_in("npra.officer"), group_by="service")

    few_row = table_row(html, few.name_en)
    assert "not enough responses (n = 20)" in few_row
    assert "65" not in few_row
    assert "%" not in few_row
    some_row = table_row(html, some.name_en)
    assert "80.0%" in some_row
    assert "indicative" in some_row

    bars = chart(html, "groups")["data"][0]
    few_bar, some_bar = (
        next(index for index, text in enumerate(bars["hovertext"]) if text.startswith(f"{name}:"))
        for name in (few.name_en, some.name_en)
    )
    assert bars["x"][few_bar] is None  # no bar for too few responses
    assert bars["hovertext"][few_bar] == f"{few.name_en}: not enough responses (n = 20)"
    assert bars["x"][some_bar] == 80.0
    assert bars["marker"]["pattern"]["shape"][some_bar] == "/"  # hatched: indicative


def test_a_roll_up_weighs_each_cell_by_its_completed_transactions_not_by_its_responses() -> None:
    passport = service("NPRA")
    # web: 90 of 120 satisfied (75 %), 24 dissatisfied (20 %), 400 completed transactions;
    # counter: 40 of 100 satisfied (40 %), 50 dissatisfied (50 %), 100 completed.
    # Weighted: (400 × 75 + 100 × 40) / 500 = 68 % satisfied; (400 × 20 + 100 × 50) / 500 = 26 %.
    # Counting responses instead would give 130 / 220 = 59.1 %.
    seed(passport, "web", satisfied=90, neutral=6, dissatisfied=24, completed=400)
    seed(passport, "counter", satisfied=40, neutral=10, dissatisfied=50, completed=100)
    html = dashboard(signed_in("npra.officer"), group_by="service")
    row = table_row(html, passport.name_en)
    assert "68.0%" in row
    assert "26.0%" in row
    assert "59.1%" not in row
    assert "44.0%" in row  # response rate: 220 responses of 500 transactions

    by_channel = dashboard(signed_in("npra.officer"), group_by="channel")
    assert "75.0%" in table_row(by_channel, "Web portal")
    assert "40.0%" in table_row(by_channel, "Service counter")


def test_the_csv_download_has_the_same_numbers_as_the_table() -> None:
    few, some, many = service("NPRA", 0), service("NPRA", 1), service("NPRA", 2)
    seed(few, "web", satisfied=13, neutral=3, dissatisfied=4, completed=80)
    seed(some, "web", satisfied=40, neutral=5, dissatisfied=5, completed=200)
    seed(many, "kiosk", satisfied=101, neutral=20, dissatisfied=30, completed=900)
    client = signed_in("npra.officer")
    html = dashboard(client, group_by="service")

    response = client.get(
        "/en/insights/satisfaction/", {"period": PERIOD, "group_by": "service", "format": "csv", "section": "groups"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs to read UTF-8
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert {row["Code"] for row in rows} == {few.code, some.code, many.code}
    for row in rows:
        on_page = table_row(html, row["Service"])
        assert f"{int(row['Responses (n)']):,}" in on_page
        if row["% satisfied"]:
            assert f"{row['% satisfied']}%" in on_page
            assert f"{row['% dissatisfied']}%" in on_page
            assert f"{row['95% interval, low']}% to {row['95% interval, high']}%" in on_page
        else:
            assert row["Reliability"] == "not enough responses (n = 20)"
            assert row["Reliability"] in on_page
        assert f"{row['% response rate']}%" in on_page
    by_code = {row["Code"]: row for row in rows}
    assert by_code[many.code]["% satisfied"] == "66.9"  # 101 / 151
    assert by_code[some.code]["Reliability"] == "indicative"


def test_the_worst_cells_are_listed_with_their_raw_figures() -> None:
    passport, identity = service("NPRA", 0), service("NPRA", 1)
    seed(passport, "web", satisfied=40, neutral=20, dissatisfied=40, completed=300)  # 40 % of 100
    seed(identity, "web", satisfied=280, neutral=60, dissatisfied=60, completed=900)  # 70 % of 400
    seed(identity, "kiosk", satisfied=20, neutral=5, dissatisfied=5)  # n = 30: never ranked
    html = dashboard(signed_in("npra.officer"))
    worst = html.split('id="worst-title"')[1].split("</section>")[0]
    first, second = (unescape(re.sub(r"\s+", " ", row)) for row in re.findall(r"<tr>(.*?)</tr>", worst, re.S)[1:])
    assert passport.name_en in first
    assert "40.0%" in first  # the raw share, not the value shrunk toward the others
    assert ">100<" in first  # n
    assert identity.name_en in second
    assert "70.0%" in second
    assert "Kiosk" not in worst


def test_a_month_with_too_few_responses_is_a_gap_in_the_trend() -> None:
    passport = service("NPRA")
    seed(passport, "web", satisfied=10, neutral=5, dissatisfied=5, day=date(2024, 2, 3))  # n = 20
    seed(passport, "web", satisfied=30, neutral=5, dissatisfied=5, day=date(2024, 3, 3))  # 75 % of 40
    html = dashboard(signed_in("npra.officer"))
    line = chart(html, "trend")["data"][2]
    assert len(line["x"]) == 12
    assert line["x"][-2:] == ["February 2024", "March 2024"]
    assert line["y"][-2:] == [None, 75.0]
    assert "not enough responses (n = 20)" in table_row(html, "February 2024")


# --- who sees what --------------------------------------------------------------------------------


def test_entity_staff_see_only_their_entitys_figures() -> None:
    passport, fire = service("NPRA"), service("CIVDEF")
    seed(passport, "web", satisfied=90, neutral=6, dissatisfied=24, completed=400)
    seed(fire, "web", satisfied=10, neutral=10, dissatisfied=80, completed=100)
    client = signed_in("npra.officer")
    html = dashboard(client, group_by="service")
    assert passport.name_en in html
    assert fire.name_en not in html
    assert fire.code not in html  # not even among the service filter's choices
    assert "n = 120" in html
    csv_body = b"".join(
        client.get(
            "/en/insights/satisfaction/", {"period": PERIOD, "format": "csv", "section": "groups"}
        ).streaming_content
    ).decode("utf-8-sig")
    assert fire.code not in csv_body
    # Grouping by entity is for those who see more than one.
    refused = dashboard(client, group_by="entity")
    assert "error-summary" in refused
    assert 'id="groups-title"' not in refused


def test_the_analyst_sees_every_entity() -> None:
    passport, fire = service("NPRA"), service("CIVDEF")
    seed(passport, "web", satisfied=90, neutral=6, dissatisfied=24, completed=400)
    seed(fire, "web", satisfied=10, neutral=10, dissatisfied=80, completed=100)
    client = signed_in("analyst")
    by_service = dashboard(client, group_by="service")
    assert "75.0%" in table_row(by_service, passport.name_en)
    assert "10.0%" in table_row(by_service, fire.name_en)
    assert "n = 220" in by_service
    by_entity = dashboard(client, group_by="entity")
    assert passport.entity.name_en in by_entity
    assert fire.entity.name_en in by_entity


def test_the_public_is_sent_to_sign_in() -> None:
    response = Client().get("/en/insights/satisfaction/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_someone_without_a_staff_role_gets_404() -> None:
    assert signed_in("fatima").get("/en/insights/satisfaction/").status_code == 404
    assert signed_in("moic.designer").get("/en/insights/satisfaction/").status_code == 404


# --- filters ----------------------------------------------------------------------------------------


def test_the_period_defaults_to_the_current_month() -> None:
    from django.utils import timezone

    today = timezone.localdate()
    seed(service("NPRA"), "web", satisfied=30, neutral=0, dissatisfied=10, day=today)
    response = signed_in("npra.officer").get("/en/insights/satisfaction/")
    html = response.content.decode()
    assert f'value="{today:%Y-%m}"' in html
    assert "75.0%" in html


def test_a_period_that_cannot_be_read_is_explained_next_to_its_field() -> None:
    client = signed_in("npra.officer")
    html = dashboard(client, period="last spring")
    assert 'class="error-summary"' in html
    assert 'href="#id_period"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="headline-title"' not in html
    csv_response = client.get("/en/insights/satisfaction/", {"period": "nope", "format": "csv", "section": "groups"})
    assert csv_response.status_code == 400


def test_service_and_channel_filters_narrow_the_figures() -> None:
    passport, identity = service("NPRA", 0), service("NPRA", 1)
    seed(passport, "web", satisfied=90, neutral=6, dissatisfied=24, completed=400)
    seed(passport, "kiosk", satisfied=30, neutral=0, dissatisfied=10, completed=50)
    seed(identity, "web", satisfied=50, neutral=0, dissatisfied=50, completed=100)
    client = signed_in("npra.officer")
    headline = dashboard(client, service=passport.code, channel="web").split("</section>")[0]
    assert "n = 120" in headline
    assert "75.0%" in headline


def test_every_filter_has_a_label() -> None:
    html = dashboard(signed_in("npra.officer"))
    form = html.split('class="search-filters dashboard-filters"')[1].split("</form>")[0]
    for control in re.findall(r"<(?:input|select)[^>]*>", form):
        control_id = re.search(r'id="([^"]+)"', control)
        assert control_id is not None
        assert f'<label for="{control_id.group(1)}">' in form


# --- cost -----------------------------------------------------------------------------------------


def _queries_for_page(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/insights/satisfaction/", {"period": PERIOD}).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_aggregates() -> None:
    client = signed_in("npra.officer")
    services = list(Service.objects.filter(entity__code="NPRA").order_by("code")[:10])

    def fill(days: int) -> None:
        SatisfactionDay.objects.bulk_create(
            SatisfactionDay(
                service=item,
                entity_id=item.entity_id,
                channel="web",
                day=DAY - timedelta(days=offset),
                satisfied=5,
                neutral=1,
                dissatisfied=1,
            )
            for item in services
            for offset in range(days)
        )

    fill(1)  # 10 rows
    few = _queries_for_page(client)
    SatisfactionDay.objects.all().delete()
    fill(100)  # 1,000 rows
    assert SatisfactionDay.objects.count() == 1_000
    assert _queries_for_page(client) == few


# --- languages, direction and assets ---------------------------------------------------------------


def test_the_arabic_page_reads_right_to_left_with_mirrored_charts_and_local_plotly() -> None:
    seed(service("NPRA"), "web", satisfied=90, neutral=6, dissatisfied=24, completed=400)
    client = signed_in("npra.officer")
    response = client.get("/ar/insights/satisfaction/", {"period": PERIOD})
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert '<script src="/static/plotly/plotly.min.js" defer></script>' in html
    assert finders.find("plotly/plotly.min.js")  # served by us, from the installed wheel
    for tag in re.findall(r"<script\b[^>]*>", html):  # no CDN, no inline script: the CSP holds
        assert re.search(r'src="/static/|type="application/json"', tag), tag
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "75,0" in html  # the Arabic decimal comma, from Django's number formats
    arabic_chart = chart(html, "groups")["layout"]
    assert arabic_chart["xaxis"]["range"] == [100, 0]
    assert arabic_chart["yaxis"]["side"] == "right"
    english_chart = chart(dashboard(client), "groups")["layout"]
    assert english_chart["xaxis"]["range"] == [0, 100]
    assert english_chart["yaxis"]["side"] == "left"


def test_names_in_chart_data_cannot_break_out_of_their_script_element() -> None:
    passport = service("NPRA")
    seed(passport, "web", satisfied=90, neutral=6, dissatisfied=24, completed=400)
    Service.objects.filter(pk=passport.pk).update(name_en="</script><script>alert(1)</script>")
    html = dashboard(signed_in("npra.officer"), group_by="service")
    assert "<script>alert(1)" not in html


# --- themes and cases -------------------------------------------------------------------------------

_references = iter(range(1, 10_000))


def comment(where: Service, text: str, topics: tuple[str, ...], day: date) -> Rating:
    """A rating comment as the classifier left it: its topics are what the themes count."""
    at = datetime.combine(day, time(12, 0), tzinfo=BAHRAIN)
    return Rating.objects.create(
        service=where,
        entity_id=where.entity_id,
        channel="web",
        instrument="faces",
        face="unhappy",
        mood="dissatisfied",
        comment=text,
        language="en",
        client_digest="test",
        topics=list(topics),
        created_at=at,
        updated_at=at,
        day=day,
    )


def case(where: Service, *, kind: str = "complaint", description: str = "", **times: datetime | int | None) -> Case:
    return Case.objects.create(
        reference=f"TST-{next(_references):05d}",
        kind=kind,
        status="open",
        entity_id=where.entity_id,
        service=where,
        filed_on="web",
        description=description or f"A {kind} about {where.code}.",
        contact_preference="none",
        language="en",
        client_digest="test",
        **times,
    )


def test_themes_show_frequent_and_growing_topics_with_escaped_examples() -> None:
    passport, fire = service("NPRA"), service("CIVDEF")
    # Now: waiting time in 6 of 8 comments (75 %), fees in 2 (25 %). The month before: waiting
    # time in 2 of 5 (40 %), fees in 3 (60 %).
    for number in range(6):
        comment(passport, f"Waited two hours at the counter, visit {number}.", ("waiting_time",), DAY)
    comment(passport, "<script>alert('x')</script> the fee is too high", ("fees",), DAY)
    comment(passport, "The fee is too high for a renewal.", ("fees",), DAY)
    comment(passport, "Waited long last time too.", ("waiting_time",), date(2024, 2, 10))
    for _number in range(3):
        comment(passport, "Fees went up again.", ("fees",), date(2024, 2, 11))
    comment(fire, "The fire inspector never came.", ("staff_conduct",), DAY)
    # A complaint opened by an unhappy rating repeats its comment: it must not count again.
    follow_up = comment(passport, "Waited two hours at the counter again.", ("waiting_time",), date(2024, 2, 20))
    case(passport, description=follow_up.comment, rating=follow_up, created_at=datetime(2024, 3, 5, 9, tzinfo=BAHRAIN))

    client = signed_in("npra.officer")
    html = dashboard(client)
    section = html.split('id="themes-title"')[1].split("</section>")[0]
    assert "latest 8 rating comments and case descriptions of this period, and 5 of the previous one" in unescape(
        re.sub(r"\s+", " ", section)
    )
    frequent = section.split('id="themes-frequent_topics"')[1].split("</table>")[0]
    waiting = table_row(frequent, "Waiting time")
    assert ">6<" in waiting.replace(" ", "")
    assert "75.0%" in waiting
    assert "40.0%" in waiting
    assert "+35.0" in waiting
    assert waiting.count("<li") == 3  # three examples, no more
    growing = section.split('id="themes-growing_topics"')[1].split("</table>")[0]
    assert "Waiting time" in growing
    assert "Fees" not in growing
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in section
    assert "<script>alert" not in html
    assert "fire inspector" not in html  # CIVDEF's comment is not NPRA's to read

    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(
                    client.get(
                        "/en/insights/satisfaction/", {"period": PERIOD, "format": "csv", "section": "themes"}
                    ).streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    waiting_rows = [row for row in rows if row["Theme"] == "Waiting time"]
    assert [row["List"] for row in waiting_rows] == ["Most frequent topics", "Fastest-growing topics"]
    assert waiting_rows[0]["% of comments"] == "75.0"
    assert waiting_rows[0]["Change in points"] == "35.0"


def test_cases_show_volumes_time_limits_response_times_and_ratings() -> None:
    passport, fire = service("NPRA"), service("CIVDEF")
    filed = datetime(2024, 3, 4, 9, 0, tzinfo=BAHRAIN)
    due = filed + timedelta(days=3)
    case(passport, created_at=filed, due_at=due, first_response_at=filed + timedelta(hours=10), response_score=4)
    case(passport, created_at=filed, due_at=due, first_response_at=filed + timedelta(hours=90), response_score=5)
    case(passport, kind="suggestion", created_at=filed, due_at=due)  # overdue, never answered
    case(passport, created_at=datetime(2024, 4, 1, 9, tzinfo=BAHRAIN))  # next period
    case(fire, created_at=filed, due_at=due, first_response_at=filed + timedelta(hours=1))

    html = dashboard(signed_in("npra.officer"))
    section = html.split('id="cases-title"')[1].split("</section>")[0]
    assert ">3<" in table_row(section, "Cases filed").replace(" ", "")
    assert ">2<" in table_row(section, "Complaint").replace(" ", "")
    assert ">1<" in table_row(section, "Suggestion").replace(" ", "")
    assert ">1<" in table_row(section, "Answered within the time limit").replace(" ", "")
    assert ">1<" in table_row(section, "Answered late").replace(" ", "")
    assert ">1<" in table_row(section, "Overdue and not answered yet").replace(" ", "")
    assert "33.3%" in table_row(section, "Answered within the time limit (share)")  # 1 of 3
    assert "50.0" in table_row(section, "Median time to first answer (hours)")  # between 10 and 90
    assert "4.5 of 5 (n = 2)" in table_row(section, "Mean rating of answers")


def test_staff_of_several_entities_find_the_dashboard_from_the_back_office_and_can_group_by_entity() -> None:
    from tahawul.catalog.models import Entity
    from tahawul.identity.models import Membership, Role

    officer = User.objects.get(username="npra.officer")
    Membership.objects.create(user=officer, entity=Entity.objects.get(code="CIVDEF"), role=Role.OFFICER)
    passport, fire = service("NPRA"), service("CIVDEF")
    seed(passport, "web", satisfied=90, neutral=6, dissatisfied=24, completed=400)
    seed(fire, "web", satisfied=10, neutral=10, dissatisfied=80, completed=100)
    client = signed_in("npra.officer")
    assert 'href="/en/insights/satisfaction/"' in client.get("/en/office/").content.decode()
    by_entity = dashboard(client, group_by="entity")
    assert "75.0%" in table_row(by_entity, passport.entity.name_en)
    assert "10.0%" in table_row(by_entity, fire.entity.name_en)


def test_a_roll_up_too_uncertain_once_weighted_says_what_its_responses_are_worth() -> None:
    passport = service("NPRA")
    # 35 web responses stand for 10 transactions; 5 counter responses for 990: weighted by
    # transactions, the 40 responses are worth (10 + 990)² / (10²/35 + 990²/5) ≈ 5.1 of them.
    seed(passport, "web", satisfied=30, neutral=3, dissatisfied=2, completed=10)
    seed(passport, "counter", satisfied=1, neutral=1, dissatisfied=3, completed=990)
    html = dashboard(signed_in("npra.officer"), group_by="service")

    row = table_row(html, passport.name_en)
    assert "not enough responses (n = 40, worth 5 once weighted by transactions)" in row
    assert "20.7" not in row  # the weighted share (10 × 30/35 + 990 × 1/5) / 1000, withheld
