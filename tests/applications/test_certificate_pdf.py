"""Certificates render as a one-page bilingual PDF, Arabic shaped, with a QR code of the verify URL."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime

import pypdf
import pytest
import segno
from weasyprint.urls import FatalURLFetchingError

from tahawul.applications import certificates
from tahawul.applications.certificates import (
    CertificateContent,
    qr_svg,
    render_certificate_html,
    render_certificate_pdf,
)

ARABIC_NAME = "فاطمة عبدالله الكعبي"
ENGLISH_NAME = "Fatima Abdulla Al-Kaabi"
NUMBER = "C-7K3M-9QPX-2CFA"
VERIFY_URL = "https://services.gov.example/verify/C-7K3M-9QPX-2CFA"

CONTENT = CertificateContent(
    number=NUMBER,
    kind="certificate",
    kind_label_ar="شهادة حسن سيرة وسلوك",
    kind_label_en="Certificate of good conduct",
    service_name_ar="إصدار شهادة حسن السيرة والسلوك",
    service_name_en="Good conduct certificate issuance",
    entity_name_ar="وزارة الداخلية",
    entity_name_en="Ministry of Interior",
    holder_name_ar=ARABIC_NAME,
    holder_name_en=ENGLISH_NAME,
    reference="NPRA-2026-4KQ7-M2X9",
    # 22:30 UTC on 1 March is 01:30 on 2 March in Bahrain (UTC+3): the certificate says 2 March.
    issued_at=datetime(2026, 3, 1, 22, 30, tzinfo=UTC),
    verify_url=VERIFY_URL,
)

ARABIC_LETTERS = re.compile(r"[\u0620-\u064a]")
BFCHAR = re.compile(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_certificate_pdf(CONTENT)


@pytest.fixture(scope="module")
def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


@pytest.fixture(scope="module")
def text(reader: pypdf.PdfReader) -> str:
    # WeasyPrint's ToUnicode maps shaped glyphs back to the base letters, but another PDF producer
    # (or pypdf version) may hand back Arabic presentation forms (U+FB50–U+FEFF); NFKC folds them.
    return unicodedata.normalize("NFKC", reader.pages[0].extract_text())


def _fonts(reader: pypdf.PdfReader) -> dict[str, pypdf.generic.DictionaryObject]:
    resources = reader.pages[0]["/Resources"]
    return {str(font["/BaseFont"]): font for font in (ref.get_object() for ref in resources["/Font"].values())}


def _glyphs_to_text(font: pypdf.generic.DictionaryObject) -> dict[int, str]:
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    mapping = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for glyph, utf16 in BFCHAR.findall(block):
            mapping[int(glyph, 16)] = bytes.fromhex(utf16).decode("utf-16-be")
    return mapping


def test_the_pdf_is_one_a4_page(pdf: bytes, reader: pypdf.PdfReader) -> None:
    assert pdf.startswith(b"%PDF-")
    assert len(reader.pages) == 1
    width, height = (float(side) for side in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_the_pdf_carries_the_holder_the_number_and_the_verify_url(text: str) -> None:
    assert ENGLISH_NAME in text
    assert NUMBER in text
    assert CONTENT.reference in text
    assert VERIFY_URL in text
    assert "CERTIFICATE OF GOOD CONDUCT" in text  # the English title is set in capitals
    assert "March 2, 2026" in text


def test_the_arabic_name_comes_out_in_logical_order(text: str) -> None:
    # Checked on real output: pypdf returns a line of Arabic alone in logical (reading) order, so
    # the exact name must appear, not its reverse. A reversed name would mean the run was laid out
    # left to right. Lines that mix Arabic with digits (the Arabic date) come back in an order
    # that depends on pypdf's heuristics, so they are checked in the HTML instead.
    assert ARABIC_NAME in text
    assert ARABIC_NAME[::-1] not in text
    assert CONTENT.kind_label_ar in text


def test_an_arabic_font_is_embedded_and_the_letters_are_shaped(reader: pypdf.PdfReader) -> None:
    arabic_fonts = {
        name: font
        for name, font in _fonts(reader).items()
        if any(ARABIC_LETTERS.search(chars) for chars in _glyphs_to_text(font).values())
    }
    assert arabic_fonts, "no font draws Arabic: run scripts/ensure-system-packages"
    assert any("Naskh-Arabic" in name for name in arabic_fonts), f"fell back to {sorted(arabic_fonts)}"
    for font in arabic_fonts.values():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), "the font must be embedded"
    # Shaping picks a different glyph for a letter at the start, middle and end of a word (and
    # ligatures such as lam-lam-heh in عبدالله). Unshaped text would draw each letter with one
    # isolated glyph, so some letter drawn by two or more glyphs proves HarfBuzz did its work.
    glyphs_per_letter: dict[str, set[int]] = {}
    for font in arabic_fonts.values():
        for glyph, chars in _glyphs_to_text(font).items():
            glyphs_per_letter.setdefault(chars, set()).add(glyph)
    assert any(len(glyphs) > 1 for chars, glyphs in glyphs_per_letter.items() if ARABIC_LETTERS.fullmatch(chars))


def test_the_issue_date_is_in_bahrain_time_with_arabic_month_names() -> None:
    html = render_certificate_html(CONTENT)
    assert "2 مارس، 2026" in html
    assert "March 2, 2026" in html


def test_both_blocks_are_marked_with_their_language_and_direction() -> None:
    html = render_certificate_html(CONTENT)
    assert '<html lang="ar" dir="rtl">' in html
    assert '<section lang="ar" dir="rtl">' in html
    assert '<section lang="en" dir="ltr">' in html


def _dark_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules drawn by a segno SVG path: horizontal strokes, one unit high, centred on
    y + 0.5, written as an absolute start and relative moves."""
    path = re.search(r'\sd="([^"]+)"', svg)
    assert path is not None
    x = y = 0.0
    dark = set()
    for command, dx, dy in re.findall(r"([MmHh])(-?[\d.]+)(?:\s(-?[\d.]+))?", path.group(1)):
        if command == "M":
            x, y = float(dx), float(dy)
        elif command == "m":
            x, y = x + float(dx), y + float(dy)
        else:
            length = float(dx)
            dark |= {(int(y), int(x + step)) for step in range(int(length))}
            x += length
    return dark


def test_the_qr_svg_encodes_exactly_the_verify_url() -> None:
    svg = qr_svg(VERIFY_URL)
    assert svg.startswith("<svg")
    assert svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg
    # No QR decoder is installed, so the code is checked module by module against a QR code built
    # independently for the same URL at the same level: the same matrix encodes the same URL.
    expected = segno.make_qr(VERIFY_URL, error="m", boost_error=False)
    assert expected.designator.endswith("-M")
    size = len(expected.matrix)
    view_box = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)
    assert view_box is not None
    border = (int(view_box.group(1)) - size) // 2
    assert border == 4  # the quiet zone scanners need
    drawn = {(row - border, column - border) for row, column in _dark_modules(svg)}
    wanted = {(row, column) for row, line in enumerate(expected.matrix) for column, on in enumerate(line) if on}
    assert drawn == wanted


def test_the_pdf_draws_the_qr_code(text: str) -> None:
    html = render_certificate_html(CONTENT)
    assert qr_svg(VERIFY_URL) in html
    assert "Scan to check this certificate is valid" in text


def test_long_names_still_fit_on_one_page() -> None:
    long = replace(
        CONTENT,
        entity_name_ar="وزارة شؤون البلديات والزراعة – الإدارة العامة لتخطيط المدن والتراخيص العمرانية",
        entity_name_en="Ministry of Municipalities Affairs and Agriculture – General Directorate of Urban Planning",
        service_name_ar="إصدار ترخيص بناء لمبنى سكني متعدد الطوابق مع موافقة الدفاع المدني",
        service_name_en="Building permit for a multi-storey residential building with civil defence approval",
        holder_name_ar="عبدالرحمن بن محمد بن عبدالعزيز بن سلمان آل خليفة",
        holder_name_en="Abdulrahman bin Mohammed bin Abdulaziz bin Salman Al Khalifa",
    )
    assert len(pypdf.PdfReader(io.BytesIO(render_certificate_pdf(long))).pages) == 1


def test_rendering_fetches_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # A template that tried to load a web font or image would reach the network from a request.
    monkeypatch.setattr(
        certificates,
        "render_certificate_html",
        lambda content: '<html><body><img src="https://cdn.example/seal.png"></body></html>',
    )
    with pytest.raises(FatalURLFetchingError):
        render_certificate_pdf(CONTENT)


def test_unknown_kinds_and_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        replace(CONTENT, kind="diploma")
    with pytest.raises(ValueError, match="aware"):
        replace(CONTENT, issued_at=datetime(2026, 3, 1, 22, 30))
