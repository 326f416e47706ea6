"""The national plan and an entity's plan as their readers see them: who sees which plans, the
figures (the same as the plan selectors'), the charts beside the tables, and every table's CSV
and XLSX download read back; the XLSX writer on 100,000 rows."""

from __future__ import annotations

import csv
import io
import json
import re
import time
import tracemalloc
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import load_workbook

from tahawul.catalog.models import Entity, Service
from tahawul.identity.models import User
from tahawul.insights.xlsx import CONTENT_TYPE, Value, workbook_chunks
from tahawul.plans import selectors
from tahawul.plans.models import Milestone, Plan, PlanEvent, PlanItem, PlanVersion, Stage

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def chart(html: str, data_id: str) -> dict[str, Any]:
    found = re.search(rf'<script id="{data_id}" type="application/json">(.*?)</script>', html, flags=re.S)
    assert found, f"no chart {data_id}"
    figure: dict[str, Any] = json.loads(found.group(1))
    return figure


def xlsx_rows(content: bytes) -> list[tuple[object, ...]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    workbook.close()
    return rows


def csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def streamed(response: object) -> bytes:
    assert getattr(response, "streaming", False)
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


class World:
    """NPRA's plan, late on a build and on track with a new service; CIVDEF's, with one service
    launched; an older NPRA plan that the roll-up must leave out."""

    def __init__(self) -> None:
        self.today = timezone.localdate()
        year = self.today.year
        self.npra = Entity.objects.get(code="NPRA")
        self.civdef = Entity.objects.get(code="CIVDEF")
        self.npra_plan = Plan.objects.create(entity=self.npra, first_year=year, last_year=year + 2, status="approved")
        self.old_plan = Plan.objects.create(entity=self.npra, first_year=year - 3, last_year=year - 1)
        self.civdef_plan = Plan.objects.create(entity=self.civdef, first_year=year, last_year=year + 1)
        self.passport = Service.objects.filter(entity=self.npra).order_by("code")[0]
        self.late_item = PlanItem.objects.create(
            plan=self.npra_plan,
            service=self.passport,
            baseline_stage=Stage.INFORMATIONAL,
            target_stage=Stage.TRANSACTIONAL,
            target_date=self.today + timedelta(days=300),
            position=1,
        )
        self.day(self.late_item, "analysis", -100, done=-90)
        self.day(self.late_item, "build", -20)
        self.day(self.late_item, "launch", 60)
        self.new_item = PlanItem.objects.create(
            plan=self.npra_plan,
            new_name_ar="رخصة رقمية جديدة",
            new_name_en="New digital licence",
            baseline_stage=Stage.OFFLINE,
            target_stage=Stage.INTERACTIVE,
            target_date=self.today + timedelta(days=400),
            position=2,
        )
        self.day(self.new_item, "analysis", 30)
        self.day(self.new_item, "launch", 200)
        self.done_item = PlanItem.objects.create(
            plan=self.civdef_plan,
            service=Service.objects.filter(entity=self.civdef).order_by("code")[0],
            baseline_stage=Stage.INTERACTIVE,
            target_stage=Stage.CONNECTED,
            target_date=self.today + timedelta(days=10),
        )
        self.day(self.done_item, "launch", -60, done=-61)
        officer = User.objects.get(username="npra.admin")
        now = timezone.now()
        PlanEvent.objects.create(
            plan=self.npra_plan,
            actor=officer,
            action="item_updated",
            item=self.late_item,
            after_approval=True,
            reason="=Budget moved to next year",
            at=now - timedelta(days=2),
        )
        PlanEvent.objects.create(plan=self.npra_plan, actor=officer, action="plan_approved", at=now - timedelta(days=3))
        PlanEvent.objects.create(
            plan=self.npra_plan, actor=officer, action="plan_created", at=now - timedelta(days=45), reason="ancient"
        )

    def day(self, item: PlanItem, kind: str, due: int, done: int | None = None) -> Milestone:
        return Milestone.objects.create(
            item=item,
            kind=kind,
            due_on=self.today + timedelta(days=due),
            status="done" if done is not None else "in_progress",
            done_on=self.today + timedelta(days=done) if done is not None else None,
        )


@pytest.fixture
def world() -> World:
    # Only the plans made here: a demo history may hold some already.
    for model in (PlanEvent, PlanVersion, Milestone, PlanItem, Plan):
        model.objects.all()._raw_delete(model.objects.db)
    return World()


def national(client: Client, lang: str = "en", **query: str) -> str:
    response = client.get(f"/{lang}/insights/plans/", query)
    assert response.status_code == 200
    return response.content.decode()


# --- who sees what ----------------------------------------------------------------------------------


def test_the_authority_sees_every_entity_and_staff_their_own(world: World) -> None:
    everyone = text_of(national(signed_in("analyst")))
    assert "National transformation plan" in everyone
    assert world.npra.name_en in everyone and world.civdef.name_en in everyone

    own = national(signed_in("npra.officer"))
    assert world.npra.name_en in text_of(own)
    assert world.civdef.name_en not in text_of(own)
    assert f"/en/insights/plans/{world.civdef_plan.pk}/" not in own

    assert signed_in("npra.officer").get(f"/en/insights/plans/{world.civdef_plan.pk}/").status_code == 404
    assert signed_in("npra.officer").get(f"/en/insights/plans/{world.npra_plan.pk}/").status_code == 200
    assert signed_in("fatima").get("/en/insights/plans/").status_code == 404
    assert signed_in("fatima").get(f"/en/insights/plans/{world.npra_plan.pk}/").status_code == 404
    anonymous = Client().get("/en/insights/plans/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_without_plans_the_page_says_so(world: World) -> None:
    PlanEvent.objects.all()._raw_delete(PlanEvent.objects.db)
    Milestone.objects.all()._raw_delete(Milestone.objects.db)
    PlanItem.objects.all()._raw_delete(PlanItem.objects.db)
    Plan.objects.all()._raw_delete(Plan.objects.db)
    assert "No transformation plan has been written yet." in national(signed_in("npra.officer"), "en")
    empty = Plan.objects.create(entity=world.npra, first_year=world.today.year, last_year=world.today.year)
    html = national(signed_in("npra.officer"), "en")
    assert "No milestone is late." in html and "No milestone has been planned yet." in html
    assert 'data-chart="chart-stages-data"' not in html  # no chart of nothing; the table says 0
    plan_page = signed_in("npra.officer").get(f"/en/insights/plans/{empty.pk}/").content.decode()
    assert "The plan has no services yet." in plan_page


def test_the_roll_up_counts_each_entitys_current_plan_once(world: World) -> None:
    html = national(signed_in("analyst"))
    assert f"/en/insights/plans/{world.npra_plan.pk}/" in html
    assert f"/en/insights/plans/{world.old_plan.pk}/" not in html


# --- the figures are the selectors' ---------------------------------------------------------------


def test_progress_by_entity_is_the_national_summary(world: World) -> None:
    summaries = selectors.national_summary([world.civdef_plan, world.npra_plan], today=world.today)
    response = signed_in("analyst").get("/en/insights/plans/", {"format": "csv", "section": "entities"})
    rows = csv_rows(streamed(response))
    assert rows[0] == [
        "Code",
        "Entity",
        "Period",
        "Plan status",
        "Services in the plan",
        "Done",
        "On track",
        "At risk",
        "Late",
    ]
    expected = [
        [s.plan.entity.code, str(s.items), str(s.done), str(s.on_track), str(s.at_risk), str(s.late)] for s in summaries
    ]
    assert [[row[0], *row[4:]] for row in rows[1:]] == expected
    assert expected == [["CIVDEF", "1", "1", "0", "0", "0"], ["NPRA", "2", "0", "1", "0", "1"]]

    figure = chart(national(signed_in("analyst")), "chart-entities-data")
    traces = {trace["name"]: trace["x"] for trace in figure["data"]}
    assert traces == {"Done": [1, 0], "On track": [0, 1], "At risk": [0, 0], "Late": [0, 1]}


def test_the_late_list_names_the_milestone_its_delay_and_the_forecast(world: World) -> None:
    progress = {row.item.pk: row for row in selectors.item_progress(world.npra_plan, today=world.today)}
    forecast = progress[world.late_item.pk].forecast_launch
    assert forecast is not None
    response = signed_in("analyst").get("/en/insights/plans/", {"format": "xlsx", "section": "late"})
    assert response["Content-Type"] == CONTENT_TYPE
    assert response["Content-Disposition"].endswith('-late.xlsx"')
    rows = xlsx_rows(streamed(response))
    assert rows[0] == ("Code", "Entity", "Service", "Milestone", "Due on", "Days late", "Forecast launch")
    assert rows[1:] == [
        (
            "NPRA",
            world.npra.name_en,
            world.passport.name_en,
            "Build",
            datetime.combine(world.today - timedelta(days=20), datetime.min.time()),
            20,
            datetime.combine(forecast, datetime.min.time()),
        )
    ]
    page = text_of(national(signed_in("analyst")))
    assert "Late milestones" in page and world.passport.name_en in page


def test_stages_by_quarter_are_the_selectors_reached_and_planned(world: World) -> None:
    plans = [world.civdef_plan, world.npra_plan]
    year = world.today.year
    quarters = [date(y, m, 1) for y in range(year, year + 3) for m in (1, 4, 7, 10)]
    expected = selectors.stage_now_vs_target(plans, quarters=quarters)
    rows = csv_rows(streamed(signed_in("analyst").get("/en/insights/plans/", {"format": "csv", "section": "stages"})))
    assert rows[0][:3] == ["Quarter", "Reached: Not online", "Reached: Informational"]
    assert len(rows) == 1 + len(expected)
    stages = list(Stage.values)
    for row, (quarter, reached, planned) in zip(rows[1:], expected, strict=True):
        assert row[0] == f"Q{(quarter.month - 1) // 3 + 1} {quarter.year}"
        assert row[6:] == [str(planned.counts[stage]) for stage in stages]
        if quarter <= world.today:
            assert row[1:6] == [str(reached.counts[stage]) for stage in stages]
        else:  # a quarter still to come has nothing reached yet
            assert row[1:6] == [""] * 5
    figure = chart(national(signed_in("analyst")), "chart-stages-data")
    assert [trace["name"] for trace in figure["data"] if trace["showlegend"]] == [
        "Not online",
        "Informational",
        "Interactive",
        "Transactional",
        "Connected",
    ]
    planned = [trace for trace in figure["data"] if trace["offsetgroup"] == "planned"]
    assert [trace["y"] for trace in planned] == [
        [counts.counts[stage] for _quarter, _reached, counts in expected] for stage in stages
    ]
    # Each stage's bar starts where the lower stages end.
    assert planned[1]["base"] == [counts.counts["offline"] for _quarter, _reached, counts in expected]


def test_the_timeline_has_every_milestone_and_mirrors_its_dates_in_arabic(world: World) -> None:
    bars = selectors.gantt([world.civdef_plan, world.npra_plan], today=world.today)
    rows = xlsx_rows(streamed(signed_in("analyst").get("/en/insights/plans/", {"format": "xlsx", "section": "gantt"})))
    assert len(rows) == 1 + len(bars) == 7
    late = [row for row in rows[1:] if row[-1] == "yes"]
    assert [(row[0], row[3]) for row in late] == [("NPRA", "Build")]

    english = chart(national(signed_in("analyst"), "en"), "chart-gantt-data")["layout"]
    arabic = chart(national(signed_in("analyst"), "ar"), "chart-gantt-data")["layout"]
    english_range = english["xaxis"]["range"]
    assert english["xaxis"]["type"] == "date"
    assert english_range[0] < english_range[1]
    assert arabic["xaxis"]["range"] == list(reversed(english_range))
    assert arabic["yaxis"]["side"] == "right" and english["yaxis"]["side"] == "left"


def test_changes_of_the_last_30_days_mark_those_after_approval_with_their_reason(world: World) -> None:
    html = national(signed_in("analyst"))
    changes = html[html.index('id="changes-title"') :]
    assert "Service changed" in changes and "after approval" in changes
    assert "=Budget moved to next year" in unescape(changes)
    assert "Plan approved" in changes
    assert "ancient" not in changes  # 45 days ago

    rows = xlsx_rows(
        streamed(signed_in("analyst").get("/en/insights/plans/", {"format": "xlsx", "section": "changes"}))
    )
    assert [row[4] for row in rows[1:]] == ["Service changed", "Plan approved"]
    # A reason that starts with "=" stays text: no formula runs in the reader's spreadsheet.
    assert rows[1][6:8] == ("yes", "=Budget moved to next year")


def test_the_arabic_page_is_right_to_left_with_a_table_for_every_chart(world: World) -> None:
    html = national(signed_in("analyst"), "ar")
    assert 'dir="rtl"' in html
    for data_id in ("chart-stages-data", "chart-entities-data", "chart-gantt-data"):
        assert f'data-chart="{data_id}" aria-hidden="true"' in html
    assert html.count("<table") >= 5
    assert "<script>" not in html and "style=" not in html
    assert "/static/plotly/plotly.min.js" in html
    assert chart(html, "chart-entities-data")["layout"]["xaxis"]["autorange"] == "reversed"
    for section in ("stages", "entities", "late", "gantt", "changes"):
        assert f"format=csv&amp;section={section}" in html and f"format=xlsx&amp;section={section}" in html


def test_the_cabinet_report_link_is_there_when_the_report_is(world: World) -> None:
    html = national(signed_in("analyst"))
    try:
        url = reverse("insights:cabinet_report")
    except NoReverseMatch:
        assert "Cabinet report (PDF)" not in html
    else:
        assert f'href="{url}"' in html and "Cabinet report (PDF)" in html


def test_a_table_that_does_not_exist_is_a_clear_error(world: World) -> None:
    response = signed_in("analyst").get("/en/insights/plans/", {"format": "xlsx", "section": "nonsense"})
    assert response.status_code == 400
    assert "There is no such table to download." in response.content.decode()


# --- one entity's plan ----------------------------------------------------------------------------


def test_an_entitys_plan_shows_each_service_with_its_state_and_why(world: World) -> None:
    client = signed_in("npra.officer")
    html = client.get(f"/en/insights/plans/{world.npra_plan.pk}/").content.decode()
    page = text_of(html)
    assert "Transformation plan" in page and world.npra.name_en in page
    assert "Done: 0. On track: 1. At risk: 0. Late: 1." in page
    assert "Build was due on" in page and "is not done (20 days late)" in page
    for data_id in ("chart-gantt-data", "chart-stages-data"):
        chart(html, data_id)

    progress = selectors.item_progress(world.npra_plan, today=world.today)
    rows = csv_rows(
        streamed(client.get(f"/en/insights/plans/{world.npra_plan.pk}/", {"format": "csv", "section": "items"}))
    )
    assert [(row[0], row[4]) for row in rows[1:]] == [
        (world.passport.name_en, "Late"),
        ("New digital licence", "On track"),
    ]
    assert [row[7] for row in rows[1:]] == [" ".join(r.in_language("en") for r in p.reasons) for p in progress]

    arabic = signed_in("npra.officer").get(f"/ar/insights/plans/{world.npra_plan.pk}/").content.decode()
    assert 'dir="rtl"' in arabic and "رخصة رقمية جديدة" in arabic

    xlsx = streamed(
        signed_in("npra.officer").get(
            f"/ar/insights/plans/{world.npra_plan.pk}/", {"format": "xlsx", "section": "gantt"}
        )
    )
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet.sheet_view.rightToLeft
    assert sheet.title == "الجدول الزمني" or sheet.title == "Timeline"  # the catalogue may not have it yet


# --- the XLSX writer ------------------------------------------------------------------------------


def generated(count: int) -> Iterator[list[Value]]:
    start = date(2026, 1, 1)
    for number in range(count):
        yield [number, "وزارة الداخلية", "تجديد جواز السفر", "Build", start + timedelta(days=number % 900), number % 97]


def test_an_xlsx_of_100_000_rows_is_written_and_reads_back(capsys: pytest.CaptureFixture[str]) -> None:
    header = ["#", "Entity", "Service", "Milestone", "Due on", "Days late"]
    began, began_cpu = time.monotonic(), time.process_time()
    chunks = 0
    packed = io.BytesIO()
    for chunk in workbook_chunks("late", header, generated(100_000), right_to_left=True):
        assert len(chunk) <= 64 * 1024
        packed.write(chunk)
        chunks += 1
    seconds, cpu = time.monotonic() - began, time.process_time() - began_cpu
    with capsys.disabled():  # the figure docs/insights.md quotes; a timed assert would be flaky
        print(f"\n100,000-row XLSX: {seconds:.1f} s ({cpu:.1f} s CPU), {packed.tell() / 1e6:.1f} MB in {chunks} chunks")
    assert chunks > 1  # sent piece by piece, never as one body
    # Reading 100,000 rows back with openpyxl takes longer than writing them: count them in the
    # sheet's XML, and read the first and last through openpyxl on a small file below.
    with zipfile.ZipFile(packed) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == 100_001
    last = re.search(r'<row r="100001"[^>]*>(.*?)</row>', sheet)
    assert last is not None and '<c r="A100001" t="n"><v>99999</v></c>' in last.group(1)


def test_the_xlsx_writer_reads_back_what_it_was_given() -> None:
    header = ["#", "Entity", "Service", "Milestone", "Due on", "Days late"]
    rows = xlsx_rows(b"".join(workbook_chunks("late", header, generated(1_000), right_to_left=True)))
    assert len(rows) == 1_001
    assert rows[0] == tuple(header)
    assert rows[-1] == (999, "وزارة الداخلية", "تجديد جواز السفر", "Build", datetime(2026, 4, 10), 999 % 97)


def test_the_xlsx_writer_holds_no_more_memory_for_more_rows() -> None:
    def peak(count: int) -> int:
        tracemalloc.start()
        for _chunk in workbook_chunks("t", ["a", "b", "c", "d", "e", "f"], generated(count), right_to_left=False):
            pass
        found = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return found

    small, large = peak(600), peak(3_000)
    # Five times the rows: the same memory, give or take the allocator's noise.
    assert large < small * 1.5 + 256 * 1024, (small, large)
