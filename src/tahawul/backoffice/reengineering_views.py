"""The re-engineering pages: two versions of a service side by side with the measured change, and
"what to re-engineer next" for an entity and, for the authority, for the whole government.

Each view parses the request, calls one selector of tahawul.performance.reengineering and
renders; who may see what is decided there (anything else is 404)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_safe

from tahawul.backoffice.case_views import _nav
from tahawul.backoffice.http import or_404, signed_in_user
from tahawul.catalog import selectors as catalog
from tahawul.core.money import format_dinars
from tahawul.definitions.compare import Item, Measure, Unit
from tahawul.performance import reengineering
from tahawul.performance.reengineering import KpiChange, VersionsNotComparable


class VersionsForm(forms.Form):
    """``?from=N&to=M``: two of the service's published versions."""

    def __init__(self, data: object, *, numbers: tuple[int, ...]) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        choices = [(str(number), _("Version %(number)s") % {"number": number}) for number in numbers]
        unknown = gettext_lazy("There is no version %(value)s of this service. Choose one of the published versions.")
        for name, label in (("from", gettext_lazy("Earlier version")), ("to", gettext_lazy("Later version"))):
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
                error_messages={"invalid_choice": unknown},
            )


@dataclass(frozen=True)
class Row:
    """One measure as the table shows it: every cell already in words."""

    label: str
    before: str
    after: str
    change: str
    verdict: str
    verdict_word: str
    added: tuple[Item, ...] = ()
    removed: tuple[Item, ...] = ()


# --- the report ---------------------------------------------------------------------------------


@require_safe
@login_required
def reengineering_report(request: HttpRequest, entity_code: str, service_code: str) -> HttpResponse:
    """Two published versions of one of the entity's services, compared."""
    user = signed_in_user(request)
    entity = or_404(lambda: catalog.entity(code=entity_code))
    service = or_404(lambda: reengineering.service_of_entity(user, entity, service_code))
    numbers = reengineering.published_numbers(service)
    form = VersionsForm(request.GET or None, numbers=numbers)
    report = None
    errors: list[tuple[str, str]] = []  # (the id of the field to go to, or "", the message)
    if form.is_bound and not form.is_valid():
        errors = [(form[name].auto_id, str(error)) for name in form.errors for error in form.errors[name]]
    else:
        chosen = form.cleaned_data if form.is_bound else {}
        try:
            report = reengineering.reengineering_report(
                user=user,
                entity=entity,
                service_code=service.code,
                before_number=chosen.get("from"),
                after_number=chosen.get("to"),
                today=timezone.localdate(),
            )
        except VersionsNotComparable as error:
            errors = [(form["from"].auto_id, str(error.message))]
    context = {
        **_nav(user, entity, "reengineering"),
        "entity": entity,
        "service": service,
        "numbers": numbers,
        "form": form,
        "errors": errors,
        "report": report,
        # What the chooser shows selected: the versions compared, else the two latest.
        "selected_from": report.before.number if report else (numbers[1] if len(numbers) > 1 else None),
        "selected_to": report.after.number if report else numbers[0],
    }
    if report is not None:
        context["groups"] = [
            (group.label, [_row(measure) for measure in group.measures]) for group in report.comparison.groups
        ]
        context["kpi_rows"] = [_kpi_row(change) for change in report.measured.changes]
    return render(request, "backoffice/reengineering/report.html", context, status=400 if errors else 200)


def _row(measure: Measure) -> Row:
    return Row(
        label=str(measure.label),
        before=_value(measure, measure.before, measure.before_text),
        after=_value(measure, measure.after, measure.after_text),
        change=_change(measure),
        verdict=measure.verdict.value,
        verdict_word=str(measure.verdict_label),
        added=measure.added,
        removed=measure.removed,
    )


def _value(measure: Measure, value: int | None, text: object) -> str:
    if text is not None:
        return str(text)
    if value is None:
        return _("None")
    if measure.unit == Unit.FILS:
        return _("%(amount)s BHD") % {"amount": format_dinars(value)}
    if measure.unit == Unit.WORKING_DAYS:
        return ngettext("%(count)s working day", "%(count)s working days", value) % {"count": value}
    return str(value)


def _change(measure: Measure) -> str:
    change = measure.change
    if change is None:
        return "—"
    if measure.unit in (Unit.PAYMENT, Unit.MATURITY):
        return ""  # a stage or a place of payment has no amount of change; the verdict says it
    if change == 0:
        return "0"
    if measure.unit == Unit.FILS:
        return _("%(amount)s BHD") % {"amount": _signed(format_dinars(change))}
    if measure.unit == Unit.WORKING_DAYS:
        return ngettext("%(count)s working day", "%(count)s working days", abs(change)) % {"count": _signed(change)}
    return _signed(change)


def _signed(value: int | float | str) -> str:
    text = str(value)
    # Isolated left to right, so that a right-to-left page does not show "-13" as "13-".
    return f"\u2066{text if text.startswith('-') else '+' + text}\u2069"


def _kpi_row(change: KpiChange) -> Row:
    def shown(value: float | None) -> str:
        if value is None:
            return _("No figures")
        if change.unit == "share":
            return _("%(percent)s %%") % {"percent": _one_decimal(value * 100)}
        return ngettext("%(count)s working day", "%(count)s working days", round(value)) % {
            "count": _one_decimal(value)
        }

    difference = change.change
    if difference is None:
        moved = "—"
    elif change.unit == "share":
        moved = _("%(points)s percentage points") % {"points": _signed(_one_decimal(difference * 100))}
    else:
        moved = _("%(count)s working days") % {"count": _signed(_one_decimal(difference))}
    return Row(
        label=str(change.label),
        before=shown(change.before),
        after=shown(change.after),
        change=moved,
        verdict=change.verdict.value,
        verdict_word=str(change.verdict_label),
    )


def _one_decimal(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


# --- what to re-engineer next -------------------------------------------------------------------


@require_safe
@login_required
def reengineering_next(request: HttpRequest, entity_code: str) -> HttpResponse:
    """The entity's services ranked by how much re-engineering them would spare people."""
    user = signed_in_user(request)
    entity = or_404(lambda: catalog.entity(code=entity_code))
    ranking = or_404(lambda: reengineering.ranking(user=user, entity=entity, today=timezone.localdate()))
    return render(
        request,
        "backoffice/reengineering/next.html",
        {**_nav(user, entity, "reengineering_next"), "entity": entity, "ranking": ranking, "national": False},
    )


@require_safe
@login_required
def reengineering_next_national(request: HttpRequest) -> HttpResponse:
    """The same ranking across every entity, for the authority."""
    user = signed_in_user(request)
    ranking = or_404(lambda: reengineering.ranking(user=user, entity=None, today=timezone.localdate()))
    return render(
        request,
        "backoffice/reengineering/next.html",
        {**_nav(user, None, "reengineering_next_national"), "ranking": ranking, "national": True},
    )
