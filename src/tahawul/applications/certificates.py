"""Certificates, licences, permits and letters as PDF: one bilingual A4 page with a QR code.

The page carries both languages at once, whatever language the request was in: the holder may
show it to an Arabic-reading counter clerk today and to a foreign embassy tomorrow. The QR code
points at the public verification page, so a printed copy can be checked against the register.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy

from tahawul.core.text import LocalizedText, bilingual

TEMPLATE = "applications/certificate.html"

# Level M (15 % recovery) survives a creased or smudged print without making the code so dense
# that a phone camera struggles at the printed size.
QR_ERROR = "m"
# The quiet zone the QR specification asks for: scanners need it to find the code's edges.
QR_BORDER = 4

KINDS = ("certificate", "licence", "permit", "letter")
# What a certificate calls itself, printed in both languages at once whatever the page language.
_KIND_NAMES = {
    "certificate": gettext_lazy("Certificate"),
    "licence": gettext_lazy("Licence"),
    "permit": gettext_lazy("Permit"),
    "letter": gettext_lazy("Letter"),
}


def kind_label(kind: str) -> LocalizedText:
    name = _KIND_NAMES.get(kind)
    return bilingual(name) if name is not None else LocalizedText(ar=kind, en=kind)


@dataclass(frozen=True)
class CertificateContent:
    """Everything printed on a certificate, already chosen in both languages."""

    number: str
    kind: str
    kind_label_ar: str
    kind_label_en: str
    service_name_ar: str
    service_name_en: str
    entity_name_ar: str
    entity_name_en: str
    holder_name_ar: str
    holder_name_en: str
    reference: str
    issued_at: datetime
    verify_url: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        # A naive time has no day in Bahrain: the printed date would be a guess.
        if timezone.is_naive(self.issued_at):
            raise ValueError("issued_at must be an aware datetime")


def qr_code(url: str) -> Any:
    """The QR code (a ``segno.QRCode``) for ``url``.

    Always a full QR code at level M: ``segno.make`` could pick a Micro QR, which many phone
    readers do not decode, and would raise the level when room is left, which makes the code
    differ from what the tests and any reprint expect.
    """
    import segno

    return segno.make_qr(url, error=QR_ERROR, boost_error=False)


def qr_svg(url: str) -> str:
    """Inline SVG markup (no XML declaration) of the QR code for ``url``, one unit per module.

    The SVG has a viewBox but no width or height, so the stylesheet decides its printed size.
    """
    svg: str = qr_code(url).svg_inline(scale=1, border=QR_BORDER, omitsize=True)
    return svg


def _issue_dates(issued_at: datetime) -> tuple[str, str]:
    # The date printed is the date in the state's own time zone, not UTC and not whatever zone
    # the officer's request activated: a certificate issued at 01:00 in Manama is dated that day.
    local = timezone.localtime(issued_at, timezone.get_default_timezone())
    with translation.override("ar"):
        arabic = formats.date_format(local, "DATE_FORMAT")
    with translation.override("en"):
        english = formats.date_format(local, "DATE_FORMAT")
    return arabic, english


@cache
def _refusing_fetcher_class() -> Any:
    """A WeasyPrint URL fetcher that refuses every URL.

    The page needs nothing from outside (fonts come from fontconfig, the QR is inline), so any
    fetch is a mistake in the template: fail the render rather than reach the network or the file
    system from a request.
    """
    from weasyprint import URLFetcher
    from weasyprint.urls import FatalURLFetchingError  # type: ignore[import-untyped]

    class RefusingFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            raise FatalURLFetchingError(f"Certificates load no external resources; refused {url[:80]!r}")

    return RefusingFetcher


def render_certificate_html(content: CertificateContent) -> str:
    """The HTML WeasyPrint lays out (tests read it to check what the PDF's text extraction cannot)."""
    issued_on_ar, issued_on_en = _issue_dates(content.issued_at)
    return render_to_string(
        TEMPLATE,
        {
            "certificate": content,
            "issued_on_ar": issued_on_ar,
            "issued_on_en": issued_on_en,
            "qr_svg": qr_svg(content.verify_url),
        },
    )


def render_certificate_pdf(content: CertificateContent) -> bytes:
    """The certificate as a one-page A4 PDF.

    Arabic is shaped by Pango and HarfBuzz with a system font found through fontconfig
    (``scripts/ensure-system-packages`` installs one).
    """
    # Imported here, not at the top: WeasyPrint takes about 1.5 s to import and loads Pango as it
    # does, so the site and the CLI start without paying for it, and a machine missing Pango
    # still serves everything except certificates.
    from weasyprint import HTML

    document = HTML(string=render_certificate_html(content), base_url=None, url_fetcher=_refusing_fetcher_class()())
    pdf: bytes = document.write_pdf()
    return pdf
