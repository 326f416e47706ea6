"""Re-engineering, measured: two versions of a service side by side, and what the switch from
one to the other changed in take-up, completion, processing time and satisfaction.

The aggregates are per month, not per version, so a version is measured over the whole months
it was current: the months after the one it was published in, up to the month before the next
version's (or the last full month). The month of the switch itself mixes both and is left out.
See docs/reengineering.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext, ngettext, override
from django.utils.translation import gettext_lazy as _

from tahawul.catalog.models import Entity, Service
from tahawul.core.errors import DomainError
from tahawul.core.text import LANGUAGES, LocalizedText, bilingual
from tahawul.definitions.compare import VERDICT_LABELS, Verdict, VersionComparison, compare_versions
from tahawul.definitions.models import ServiceVersion
from tahawul.definitions.selectors import parsed
from tahawul.feedback.cases import is_authority_staff
from tahawul.feedback.selectors import is_analyst
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import NotFound, roles_in
from tahawul.performance.selectors import MonthSpan, RankedService, ServiceKpis, kpis, reengineering_ranking
from tahawul.performance.spans import add_months

REPORT_ROLES = frozenset({Role.DESIGNER, Role.ENTITY_ADMIN, Role.SUPERVISOR})
MONTHS_COMPARED = 6  # at most this many months of each version: long enough to settle, short enough to be comparable
MONTHS_NEEDED = 2  # a new version's first full month alone says more about its launch than about it


class VersionsNotComparable(DomainError):
    code = "versions_not_comparable"
    message = _("Choose two different published versions of the service, the earlier one first.")
    status = 422


# --- who may see --------------------------------------------------------------------------------


def is_authority(user: User | AnonymousUser) -> bool:
    """The eGovernment authority's staff and the analyst: they see every entity's services."""
    return user.is_authenticated and isinstance(user, User) and (is_analyst(user) or is_authority_staff(user))


def may_see_reengineering(user: User | AnonymousUser, entity: Entity) -> bool:
    """The entity's designers, administrators and supervisors, and the authority."""
    return bool(roles_in(user, entity.pk) & REPORT_ROLES) or is_authority(user)


def access_reengineering(user: User | AnonymousUser, entity: Entity) -> None:
    """Raises :class:`NotFound` unless ``user`` may see the entity's re-engineering pages."""
    if not may_see_reengineering(user, entity):
        raise NotFound()


# --- the measured change ------------------------------------------------------------------------


class MeasuredStatus(StrEnum):
    MEASURED = "measured"
    TOO_EARLY = "too_early"  # fewer than MONTHS_NEEDED full months under the new version
    NOTHING_BEFORE = "nothing_before"  # the earlier version was never current for a whole month


@dataclass(frozen=True)
class KpiChange:
    key: str
    label: LocalizedText
    unit: str  # "share" (0..1) or "working_days"
    higher_is_better: bool
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        """``after - before``: for shares, in parts of 1 (0.05 is five percentage points)."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def verdict(self) -> Verdict:
        change = self.change
        if change is None:
            return Verdict.SAME if self.before is None and self.after is None else Verdict.UNKNOWN
        if abs(change) < 1e-9:
            return Verdict.SAME
        return Verdict.BETTER if (change > 0) == self.higher_is_better else Verdict.WORSE

    @property
    def verdict_label(self) -> LocalizedText:
        return bilingual(VERDICT_LABELS[self.verdict])


@dataclass(frozen=True)
class MeasuredChange:
    status: MeasuredStatus
    switch_month: date  # the month the new version was published in, left out of both sides
    months_after: int  # full months under the new version so far
    before_span: MonthSpan | None
    after_span: MonthSpan | None
    changes: tuple[KpiChange, ...] = ()
    transactions_before: int = 0
    transactions_after: int = 0
    months_needed: int = MONTHS_NEEDED

    @property
    def explanation(self) -> LocalizedText:
        """One sentence saying what was measured, or why nothing could be yet."""
        texts = {}
        for language in LANGUAGES:
            with override(language):
                texts[language] = self._explanation()
        return LocalizedText(**texts)

    def _explanation(self) -> str:
        if self.status == MeasuredStatus.TOO_EARLY:
            return ngettext(
                "Not run long enough yet: the new version has been current for %(count)s full month; "
                "the change is measured once it has %(needed)s.",
                "Not run long enough yet: the new version has been current for %(count)s full months; "
                "the change is measured once it has %(needed)s.",
                self.months_after,
            ) % {"count": self.months_after, "needed": self.months_needed}
        if self.status == MeasuredStatus.NOTHING_BEFORE:
            return gettext(
                "The earlier version was never current for a whole month, so there is nothing to "
                "measure the new one against."
            )
        assert self.before_span is not None and self.after_span is not None
        return ngettext(
            "%(before)s month under the earlier version compared with %(after)s under the new one; "
            "the month of the switch is left out.",
            "%(before)s months under the earlier version compared with %(after)s under the new one; "
            "the month of the switch is left out.",
            len(self.before_span),
        ) % {"before": len(self.before_span), "after": len(self.after_span)}


def _local_month(moment: datetime) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def _current_months(published: dict[int, date], number: int, *, last_full_month: date) -> tuple[date, date] | None:
    """The first and last whole month during which version ``number`` was the current one."""
    later = sorted(other for other in published if other > number)
    first = add_months(published[number], 1)
    last = add_months(published[later[0]], -1) if later else last_full_month
    last = min(last, last_full_month)
    return (first, last) if first <= last else None


def measured_change(service: Service, before_number: int, after_number: int, *, today: date) -> MeasuredChange:
    """The change in the four figures between the months each version was current: the last
    (at most six) whole months under ``before_number`` against the first (at most six) under
    ``after_number``. Until the new version has had two whole months, says so instead.

    Raises :class:`VersionsNotComparable` for an unknown number or the versions in the wrong
    order. Public figures once access to the service is checked; two KPI reads at most."""
    published = {
        number: _local_month(moment)
        for number, moment in ServiceVersion.objects.filter(service=service).values_list("number", "published_at")
    }
    if before_number not in published or after_number not in published or before_number >= after_number:
        raise VersionsNotComparable()
    last_full_month = add_months(today.replace(day=1), -1)
    switch_month = published[after_number]
    after_months = _current_months(published, after_number, last_full_month=last_full_month)
    months_after = 0 if after_months is None else _months_between(*after_months)
    if months_after < MONTHS_NEEDED:
        return MeasuredChange(MeasuredStatus.TOO_EARLY, switch_month, months_after, None, None)
    before_months = _current_months(published, before_number, last_full_month=add_months(switch_month, -1))
    assert after_months is not None
    after_span = MonthSpan(after_months[0], min(after_months[1], add_months(after_months[0], MONTHS_COMPARED - 1)))
    if before_months is None:
        return MeasuredChange(MeasuredStatus.NOTHING_BEFORE, switch_month, months_after, None, after_span)
    before_span = MonthSpan(
        max(before_months[0], add_months(before_months[1], -(MONTHS_COMPARED - 1))), before_months[1]
    )
    before = kpis(span=before_span, service_ids=[service.pk])
    after = kpis(span=after_span, service_ids=[service.pk])
    return MeasuredChange(
        MeasuredStatus.MEASURED,
        switch_month,
        months_after,
        before_span,
        after_span,
        changes=_changes(before, after),
        transactions_before=before.transactions,
        transactions_after=after.transactions,
    )


def _months_between(first: date, last: date) -> int:
    return len(MonthSpan(first, last))


def _changes(before: ServiceKpis, after: ServiceKpis) -> tuple[KpiChange, ...]:
    def satisfied(figures: ServiceKpis) -> float | None:
        return figures.satisfaction.satisfied if figures.satisfaction is not None else None

    return (
        KpiChange(
            "digital_take_up",
            bilingual(_("Digital take-up")),
            "share",
            higher_is_better=True,
            before=before.digital_take_up,
            after=after.digital_take_up,
        ),
        KpiChange(
            "completion_rate",
            bilingual(_("Completion rate")),
            "share",
            higher_is_better=True,
            before=before.completion_rate,
            after=after.completion_rate,
        ),
        KpiChange(
            "median_days",
            bilingual(_("Median processing time")),
            "working_days",
            higher_is_better=False,
            before=before.median_days,
            after=after.median_days,
        ),
        KpiChange(
            "satisfaction",
            bilingual(_("Satisfied users")),
            "share",
            higher_is_better=True,
            before=satisfied(before),
            after=satisfied(after),
        ),
    )


# --- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReengineeringReport:
    service: Service
    numbers: tuple[int, ...]  # every published version, newest first
    before: ServiceVersion
    after: ServiceVersion
    comparison: VersionComparison
    measured: MeasuredChange


def service_of_entity(user: User | AnonymousUser, entity: Entity, service_code: str) -> Service:
    """The entity's service ``service_code`` with at least one published version, for those who
    may see its re-engineering; :class:`NotFound` otherwise."""
    access_reengineering(user, entity)
    service = Service.objects.filter(entity=entity, code=service_code, versions__isnull=False).distinct().first()
    if service is None:
        raise NotFound()
    return service


def published_numbers(service: Service) -> tuple[int, ...]:
    return tuple(ServiceVersion.objects.filter(service=service).order_by("-number").values_list("number", flat=True))


def reengineering_report(
    *,
    user: User | AnonymousUser,
    entity: Entity,
    service_code: str,
    before_number: int | None,
    after_number: int | None,
    today: date,
) -> ReengineeringReport:
    """Two versions of a service compared (by default the two latest), with the measured change.

    Raises :class:`NotFound` for someone who may not see it or an unknown service, and
    :class:`VersionsNotComparable` for versions that do not exist, are the same, or come in the
    wrong order, or when the service has only one version. Reads only."""
    service = service_of_entity(user, entity, service_code)
    numbers = published_numbers(service)
    if before_number is None and after_number is None:
        if len(numbers) < 2:
            raise VersionsNotComparable(
                _("This service has only one published version: there is nothing to compare yet.")
            )
        after_number, before_number = numbers[0], numbers[1]
    elif after_number is None:
        after_number = numbers[0]
    elif before_number is None:
        before_number = max((number for number in numbers if number < after_number), default=after_number)
    assert before_number is not None and after_number is not None
    if before_number not in numbers or after_number not in numbers:
        raise VersionsNotComparable(
            _("There is no such version of this service: the published versions are %(numbers)s.")
            % {"numbers": ", ".join(str(number) for number in sorted(numbers))}
        )
    if before_number >= after_number:
        raise VersionsNotComparable()
    versions = {
        version.number: version
        for version in ServiceVersion.objects.filter(service=service, number__in=[before_number, after_number])
    }
    before, after = versions[before_number], versions[after_number]
    return ReengineeringReport(
        service=service,
        numbers=numbers,
        before=before,
        after=after,
        comparison=compare_versions(parsed(before), parsed(after)),
        measured=measured_change(service, before_number, after_number, today=today),
    )


# --- what to re-engineer next -------------------------------------------------------------------

RANKING_MONTHS = 12  # a whole year, so that seasonal services are not ranked by their busy months


@dataclass(frozen=True)
class RankingRow:
    position: int
    service: RankedService
    comparable: bool  # two versions or more: the re-engineering report has something to compare


@dataclass(frozen=True)
class Ranking:
    span: MonthSpan
    rows: tuple[RankingRow, ...]


def ranking(*, user: User | AnonymousUser, entity: Entity | None, today: date) -> Ranking:
    """The services most worth re-engineering next over the last twelve whole months: the
    entity's (its designers, administrators, supervisors and the authority), or every entity's
    (``entity`` None: the authority only). Raises :class:`NotFound` for anyone else."""
    if entity is None:
        if not is_authority(user):
            raise NotFound()
    else:
        access_reengineering(user, entity)
    span = MonthSpan.ending(add_months(today.replace(day=1), -1), RANKING_MONTHS)
    ranked = reengineering_ranking(span=span, entity_ids=None if entity is None else [entity.pk])
    versions = dict(
        Service.objects.filter(pk__in=[row.service_id for row in ranked]).values_list("pk", "current_version")
    )
    return Ranking(
        span=span,
        rows=tuple(
            RankingRow(position, row, comparable=versions.get(row.service_id, 0) >= 2)
            for position, row in enumerate(ranked, start=1)
        ),
    )
