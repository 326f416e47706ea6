"""The cabinet report as the cabinet reads it: a PDF in Arabic and in English whose figures are
the dashboards' own (the plans and KPI selectors, the same rounding), made by one command and
one button.

The data set is made by hand: two plans in years no demo data reaches (2031-2033) and the KPI
month aggregates of May 2031, so every expected figure below is worked out from these rows.
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _

from tahawul.applications.models import CompletedDay, ProcessingMonth, ServiceMonth
from tahawul.catalog.models import Entity, Service
from tahawul.feedback.models import SatisfactionDay
from tahawul.identity.models import User
from tahawul.insights.cabinet import BadReportPeriod, CabinetReport, build_cabinet_report, parse_report_period
from tahawul.insights.cabinet_pdf import render_cabinet_html, render_cabinet_pdf
from tahawul.insights.presenters import format_number, format_percent, percentage
from tahawul.performance.models import ChannelCost, OfflineVolume
from tahawul.performance.selectors import kpis, kpis_by
from tahawul.performance.spans import MonthSpan
from tahawul.plans.models import Milestone, MilestoneKind, MilestoneStatus, Plan, PlanItem, Stage
from tahawul.plans.selectors import national_summary

pytestmark = pytest.mark.django_db

MONTH = date(2031, 5, 1)
TODAY = date(2031, 6, 15)  # plans judged on this day
ARABIC_LETTERS = re.compile(r"[\u0620-\u064a]")
BFCHAR = re.compile(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


def _service(entity: Entity, position: int = 0) -> Service:
    return Service.objects.filter(entity=entity).order_by("code")[position]


def _plan(entity: Entity) -> Plan:
    return Plan.objects.create(entity=entity, first_year=2031, last_year=2033, status="approved")


def _item(plan: Plan, service: Service, *, target: date, milestones: dict[str, tuple[date, date | None]]) -> PlanItem:
    item = PlanItem.objects.create(
        plan=plan,
        service=service,
        baseline_stage=Stage.INFORMATIONAL,
        target_stage=Stage.TRANSACTIONAL,
        target_date=target,
    )
    for kind, (due_on, done_on) in milestones.items():
        Milestone.objects.create(
            item=item,
            kind=kind,
            due_on=due_on,
            status=MilestoneStatus.DONE if done_on else MilestoneStatus.NOT_STARTED,
            done_on=done_on,
        )
    return item


def _month(service: Service, channel: str, **counts: int) -> None:
    ServiceMonth.objects.create(service=service, entity_id=service.entity_id, channel=channel, month=MONTH, **counts)


def _processing(service: Service, channel: str, days: int, completed: int) -> None:
    ProcessingMonth.objects.create(
        service=service,
        entity_id=service.entity_id,
        channel=channel,
        month=MONTH,
        working_days=days,
        completed=completed,
    )


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    npra, civdef = Entity.objects.get(code="NPRA"), Entity.objects.get(code="CIVDEF")
    s1, s2, t1, t2 = _service(npra, 0), _service(npra, 1), _service(civdef, 0), _service(civdef, 1)
    plan_a, plan_b = _plan(npra), _plan(civdef)
    launch = MilestoneKind.LAUNCH
    # NPRA: one item launched (done), one late (analysis due 1 May 2031, not done).
    _item(plan_a, s1, target=date(2031, 12, 31), milestones={launch: (date(2031, 3, 1), date(2031, 3, 10))})
    _item(
        plan_a,
        s2,
        target=date(2032, 6, 30),
        milestones={MilestoneKind.ANALYSIS: (date(2031, 5, 1), None), launch: (date(2032, 3, 1), None)},
    )
    # CIVDEF: one on track, one at risk (no launch milestone planned).
    _item(plan_b, t1, target=date(2033, 6, 30), milestones={launch: (date(2033, 1, 1), None)})
    _item(plan_b, t2, target=date(2033, 6, 30), milestones={})
    # The KPI aggregates of May 2031.
    _month(s1, "web", started=100, submitted=80, completed=90, within_sla=81, complaints=3)
    _month(s1, "counter", completed=10, within_sla=10)  # entered by staff at the counter: assisted digital
    OfflineVolume.objects.create(service=s1, entity=npra, channel="counter", month=MONTH, completed=100)
    _month(t1, "mobile", started=40, submitted=30, completed=30, within_sla=27)
    _processing(s1, "web", 2, 50)
    _processing(s1, "web", 5, 40)
    _processing(t1, "mobile", 3, 30)
    ChannelCost.objects.create(
        entity=npra, channel="web", quarter=date(2031, 4, 1), staff_fils=600_000, running_fils=300_000
    )
    SatisfactionDay.objects.create(
        service=s1, entity=npra, channel="web", day=date(2031, 5, 12), satisfied=160, neutral=20, dissatisfied=20
    )
    CompletedDay.objects.create(service=s1, entity=npra, channel="web", day=date(2031, 5, 12), completed=90)
    return {"npra": npra, "civdef": civdef, "late_service": s2}


def _plans(entity_ids: frozenset[int] | None = None) -> Any:
    plans = Plan.objects.filter(first_year=2031)
    return plans if entity_ids is None else plans.filter(entity_id__in=entity_ids)


def _report(language: str, entity_ids: frozenset[int] | None = None, period: str = "2031-05") -> CabinetReport:
    with translation.override(language):
        return build_cabinet_report(
            plans=_plans(entity_ids), entity_ids=entity_ids, period=parse_report_period(period), today=TODAY
        )


def _words(pdf: bytes) -> str:
    """The PDF's text with every line break and run of spaces made one space: a name that wraps
    in its table cell still reads as written."""
    return " ".join(" ".join(_pages(pdf)).split())


def _pages(pdf: bytes) -> list[str]:
    # WeasyPrint's ToUnicode maps shaped glyphs back to the base letters; NFKC folds Arabic
    # presentation forms in case another producer hands them back.
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages]


@pytest.fixture
def english(world: dict[str, Any]) -> tuple[CabinetReport, bytes]:
    report = _report("en")
    return report, render_cabinet_pdf(report)


@pytest.fixture
def arabic(world: dict[str, Any]) -> tuple[CabinetReport, bytes]:
    report = _report("ar")
    return report, render_cabinet_pdf(report)


def _fonts(reader: pypdf.PdfReader) -> dict[str, Any]:
    fonts: dict[str, Any] = {}
    for page in reader.pages:
        for reference in page["/Resources"]["/Font"].values():
            font = reference.get_object()
            fonts[str(font["/BaseFont"])] = font
    return fonts


def _glyphs_to_text(font: Any) -> dict[int, str]:
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    mapping = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for glyph, utf16 in BFCHAR.findall(block):
            mapping[int(glyph, 16)] = bytes.fromhex(utf16).decode("utf-16-be")
    return mapping


# --- the figures --------------------------------------------------------------------------------


def test_the_figures_are_the_hand_computed_ones_from_the_same_selectors(world: dict[str, Any]) -> None:
    report = _report("en")
    # Items: NPRA done + late, CIVDEF on track + at risk.
    progress = report.progress
    assert (progress.items, progress.done, progress.on_track, progress.at_risk, progress.late) == (4, 1, 1, 1, 1)
    assert progress.late_share == Decimal("25.0")
    stages = {row.stage: (row.now, row.planned, row.target) for row in report.stages}
    assert stages[Stage.INFORMATIONAL] == (3, 4, 0)  # one item launched by the end of Q2 2031
    assert stages[Stage.TRANSACTIONAL] == (1, 0, 4)
    national = report.kpis
    # Take-up: (90 web + 10 assisted at the counter + 30 mobile) / (130 + 100 on paper) = 56.52 %.
    assert national.digital_take_up == Decimal("56.5")
    assert national.completion_rate == Decimal("78.6")  # (80 + 30) / (100 + 40)
    assert national.sla_compliance == Decimal("90.8")  # (81 + 10 + 27) / 130
    assert national.complaints_per_1000 == Decimal("13.0")  # 3 × 1000 / 230
    assert (national.median_days, national.p90_days) == (Decimal("3.0"), 5)  # 2×50, 3×30, 5×40
    assert national.satisfied == Decimal("80.0")  # 160 of 200
    npra = next(row for row in report.entities if row.code == "NPRA")
    assert npra.kpis.digital_take_up == Decimal("50.0")  # 100 / 200
    assert npra.kpis.complaints_per_1000 == Decimal("15.0")
    assert (npra.progress.items, npra.progress.done, npra.progress.late) == (2, 1, 1)
    # And they are what the dashboards' selectors give, unrounded.
    selected = kpis(span=MonthSpan(MONTH, MONTH))
    assert national.digital_take_up == percentage(selected.digital_take_up or 0)
    assert selected.cost_per_transaction_fils is not None
    assert national.cost_per_transaction_fils == selected.cost_per_transaction_fils
    by_entity = {row.key: row.kpis for row in kpis_by(group_by="entity", span=MonthSpan(MONTH, MONTH))}
    assert npra.kpis.sla_compliance == percentage(by_entity["NPRA"].sla_compliance or 0) == Decimal("91.0")
    summaries = national_summary(list(_plans()), today=TODAY)
    assert {
        summary.plan.entity.code: (summary.done, summary.on_track, summary.at_risk, summary.late)
        for summary in summaries
    } == {"NPRA": (1, 0, 0, 1), "CIVDEF": (0, 1, 1, 0)}


def test_the_late_items_list_each_late_milestone_with_its_forecast(world: dict[str, Any]) -> None:
    (late,) = _report("en").late_items
    assert late.entity_code == "NPRA"
    assert late.service == world["late_service"].name_en
    assert (late.milestone, late.due_on, late.days_late) == ("Analysis", date(2031, 5, 1), 45)
    assert late.forecast_launch is not None and late.forecast_launch > date(2032, 3, 1)


# --- the English PDF ----------------------------------------------------------------------------


def test_the_english_pdf_has_four_a4_pages_numbered_page_x_of_y(english: tuple[CabinetReport, bytes]) -> None:
    _, pdf = english
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 4  # progress, KPIs, entities, late items: each section on a new page
    for page in reader.pages:
        width, height = (float(side) for side in page.mediabox.upper_right)
        assert (round(width), round(height)) == (595, 842)
    pages = _pages(pdf)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of 4" in text
        assert "Cabinet report: the national e-transformation, May 2031" in text  # the running header


def _line(text: str, starts: str) -> str:
    found = [line for line in text.splitlines() if line.startswith(starts)]
    assert found, f"no line starts with {starts!r} in:\n{text}"
    return found[0]


def test_the_english_pdf_prints_the_dashboards_figures(english: tuple[CabinetReport, bytes]) -> None:
    report, pdf = english
    progress, kpi_page, entities, late = _pages(pdf)
    assert _line(progress, "Late ") == "Late 1 25.0%"
    assert _line(progress, "Transactional ") == "Transactional 1 0 4"
    with translation.override("en"):
        take_up = format_percent(report.kpis.digital_take_up or Decimal(0))
    assert take_up == "56.5%"
    assert _line(kpi_page, "Digital take-up ") == f"Digital take-up {take_up}"
    assert _line(kpi_page, "Completion rate ") == "Completion rate 78.6%"
    assert _line(kpi_page, "User satisfaction") == "User satisfaction (satisfied) 80.0%"
    cost = report.kpis.cost_per_transaction_fils
    assert cost is not None
    assert (
        _line(kpi_page, "Cost per transaction")
        == f"Cost per transaction (rolling 12 months) {cost // 1000}.{cost % 1000:03d} BHD"
    )
    assert _line(kpi_page, "Median processing time") == "Median processing time (working days) 3.0"
    assert _line(kpi_page, "SLA compliance ") == "SLA compliance 90.8%"
    assert _line(kpi_page, "Complaints per 1,000 transactions ") == "Complaints per 1,000 transactions 13.0"
    assert _line(kpi_page, "Service counter ").startswith("Service counter 110 9.1% ")  # 10 of 110 in Tahawul
    civdef = Entity.objects.get(code="CIVDEF").name_en
    assert f"{civdef} 2 0 1 1 0 50.0%" in " ".join(entities.split())
    assert "Analysis" in late and "45" in late


def test_a_long_table_goes_on_over_pages_with_its_heading_repeated(world: dict[str, Any]) -> None:
    plan = Plan.objects.get(entity__code="NPRA", first_year=2031)
    for number in range(60):
        item = PlanItem.objects.create(
            plan=plan,
            new_name_ar=f"خدمة جديدة {number}",
            new_name_en=f"New service {number}",
            baseline_stage=Stage.OFFLINE,
            target_stage=Stage.TRANSACTIONAL,
            target_date=date(2033, 6, 30),
            position=10 + number,
        )
        Milestone.objects.create(item=item, kind=MilestoneKind.BUILD, due_on=date(2031, 2, 1))
    report = _report("en")
    assert len(report.late_items) == 61
    pages = _pages(render_cabinet_pdf(report))
    assert len(pages) > 5
    late_pages = [text for text in pages if "New service" in text]
    assert len(late_pages) >= 2
    for text in late_pages:
        assert "Days late" in text  # the heading row, on every page the table runs over
        assert f"of {len(pages)}" in text
    assert sum(text.count("New service") for text in late_pages) == 60  # no row lost or cut in two


# --- the Arabic PDF -----------------------------------------------------------------------------


def test_the_arabic_report_reads_right_to_left(world: dict[str, Any]) -> None:
    html = render_cabinet_html(_report("ar"))
    assert '<html lang="ar" dir="rtl">' in html
    assert '<html lang="en" dir="ltr">' in render_cabinet_html(_report("en"))


def test_the_arabic_pdf_carries_the_arabic_names_in_reading_order(arabic: tuple[CabinetReport, bytes]) -> None:
    report, pdf = arabic
    pages = _pages(pdf)
    assert len(pages) == 4
    text = "\n".join(pages)
    # Checked on real output: pypdf returns a line of Arabic alone in logical (reading) order, so
    # the names must appear as written, not reversed (a reversed name would mean the run was laid
    # out left to right, unshaped).
    for name in [Entity.objects.get(code=code).name_ar for code in ("NPRA", "CIVDEF")]:
        assert name in text
        assert name[::-1] not in text
    (late,) = report.late_items
    assert late.service in pages[3]
    with translation.override("ar"):
        counter = _("Page %(page)s of %(pages)s")
        for number, page in enumerate(pages, start=1):
            # A line mixing Arabic words and digits comes out of pypdf in pieces of visual order,
            # so the page counter (the page's last line) is checked word by word.
            words = page.strip().splitlines()[-1].replace(str(number), f" {number} ").split()
            expected = (counter % {"page": number, "pages": 4}).split()
            assert sorted(words) == sorted(expected)
        take_up = format_number(report.kpis.digital_take_up or Decimal(0))
    assert take_up == "56,5"  # the Arabic number format: a comma for the decimal point
    assert take_up in pages[1]


def test_an_arabic_font_is_embedded_and_the_letters_are_shaped(arabic: tuple[CabinetReport, bytes]) -> None:
    _, pdf = arabic
    fonts = _fonts(pypdf.PdfReader(io.BytesIO(pdf)))
    arabic_fonts = {
        name: font
        for name, font in fonts.items()
        if any(ARABIC_LETTERS.search(chars) for chars in _glyphs_to_text(font).values())
    }
    assert arabic_fonts, "no font draws Arabic: run scripts/ensure-system-packages"
    assert all("Naskh-Arabic" in name for name in arabic_fonts), f"fell back to {sorted(arabic_fonts)}"
    for font in arabic_fonts.values():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), "the font must be embedded"
    # Shaped Arabic draws a letter with different glyphs at the start, middle and end of a word;
    # unshaped text would use one isolated glyph per letter.
    glyphs_per_letter: dict[str, set[int]] = {}
    for font in arabic_fonts.values():
        for glyph, chars in _glyphs_to_text(font).items():
            glyphs_per_letter.setdefault(chars, set()).add(glyph)
    assert any(len(glyphs) > 1 for chars, glyphs in glyphs_per_letter.items() if ARABIC_LETTERS.fullmatch(chars))


def test_rendering_fetches_nothing(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.urls import FatalURLFetchingError

    from tahawul.insights import cabinet_pdf

    monkeypatch.setattr(
        cabinet_pdf,
        "render_cabinet_html",
        lambda report: '<html><body><img src="https://cdn.example/x.png"></body></html>',
    )
    with pytest.raises(FatalURLFetchingError):
        cabinet_pdf.render_cabinet_pdf(_report("en"))


# --- periods ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2031-13", "2031-00", "May 2031", "2031-5", "31-05", "2031-Q5", "", "20310-05"])
def test_a_bad_month_is_refused(text: str) -> None:
    with pytest.raises(BadReportPeriod):
        parse_report_period(text)


def test_a_quarter_covers_its_three_months(world: dict[str, Any]) -> None:
    period = parse_report_period("2031-q2")
    assert (period.name, period.span) == ("2031-Q2", MonthSpan(date(2031, 4, 1), date(2031, 6, 1)))
    report = _report("en", period="2031-Q2")
    assert report.kpis.transactions == 230  # only May has figures
    with translation.override("en"):
        assert period.label == "Q2 2031"


# --- the command --------------------------------------------------------------------------------


def test_the_command_writes_the_pdf(world: dict[str, Any], tmp_path: Path) -> None:
    output = tmp_path / "cabinet.pdf"
    out = io.StringIO()
    call_command("report", "cabinet", "--language", "en", "--month", "2031-05", "--output", str(output), stdout=out)
    pages = _pages(output.read_bytes())
    assert "Cabinet report: the national e-transformation, May 2031" in pages[0]
    assert f"of {len(pages)}" in pages[-1]
    assert "Wrote" in out.getvalue()
    assert [path.name for path in tmp_path.iterdir()] == ["cabinet.pdf"]  # no temporary file left


def test_the_command_refuses_a_bad_month_and_writes_nothing(world: dict[str, Any], tmp_path: Path) -> None:
    output = tmp_path / "cabinet.pdf"
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("report", "cabinet", "--language", "ar", "--month", "2031-13", "--output", str(output))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("report", "cabinet", "--month", "2031-05", "--output", str(tmp_path / "missing" / "x.pdf"))
    assert list(tmp_path.iterdir()) == []


# --- the button ---------------------------------------------------------------------------------

URL = "/en/insights/reports/cabinet.pdf"


def _signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize("username", ["analyst", "iga.officer"])
def test_the_authority_downloads_the_national_report(world: dict[str, Any], username: str) -> None:
    response = _signed_in(username).get(URL, {"language": "en", "month": "2031-05"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="tahawul-cabinet-report-2031-05-en.pdf"')
    text = _words(response.content)
    assert "Cabinet report: the national e-transformation" in text
    assert world["npra"].name_en in text and world["civdef"].name_en in text


def test_entity_staff_get_their_own_entitys_report_only(world: dict[str, Any]) -> None:
    response = _signed_in("npra.officer").get(URL, {"language": "ar", "month": "2031-05"})
    assert response.status_code == 200
    assert "tahawul-entity-report-npra-2031-05-ar.pdf" in response["Content-Disposition"]
    text = _words(response.content)
    assert world["npra"].name_ar in text
    assert world["civdef"].name_ar not in text


@pytest.mark.parametrize("username", ["fatima", "moic.designer"])
def test_anyone_else_gets_not_found(world: dict[str, Any], username: str) -> None:
    assert _signed_in(username).get(URL, {"month": "2031-05"}).status_code == 404


def test_the_public_is_sent_to_sign_in(world: dict[str, Any]) -> None:
    response = Client().get(URL, {"month": "2031-05"})
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_bad_month_or_language_is_a_clear_400(world: dict[str, Any]) -> None:
    client = _signed_in("analyst")
    response = client.get(URL, {"month": "2031-13"})
    assert response.status_code == 400
    assert "YYYY-MM" in response.content.decode()
    assert client.get(URL, {"month": "2031-05", "language": "fr"}).status_code == 400
