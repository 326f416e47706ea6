"""What to re-engineer next: services ranked by the dissatisfied counter work they cause.

score = counter volume × shrunk dissatisfied share × median working days, that is roughly the
working days that dissatisfied people spend waiting on services still done by hand. Read from
the month aggregates and the feedback day aggregates; see docs/kpis.md."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from tahawul.applications.models import ProcessingMonth, ServiceMonth
from tahawul.catalog.models import Service
from tahawul.core.choices import Channel
from tahawul.core.text import LANGUAGES, LocalizedText
from tahawul.feedback.index import BetaPrior, Counts, fit_dissatisfaction_prior
from tahawul.feedback.satisfaction import Scope, cell_totals
from tahawul.performance.histograms import median
from tahawul.performance.models import OfflineVolume
from tahawul.performance.spans import MonthSpan

ASSISTED_CHANNELS = (Channel.COUNTER.value, Channel.CALL_CENTRE.value)


@dataclass(frozen=True)
class RankedService:
    service_id: int
    code: str
    name: LocalizedText
    entity_code: str
    counter_volume: int  # counter and call centre in Tahawul, plus every offline transaction
    dissatisfied: float | None  # the raw dissatisfied share of responses; None without any
    median_days: float | None  # None when nothing was completed in Tahawul
    score: float
    reasons: list[LocalizedText]
    shrunk_dissatisfied: float = 0.0  # what the score uses: shrunk toward the government's share
    responses: int = 0
    transactions: int = 0  # every completed transaction, in Tahawul or outside it


def _percent(share: float, language: str) -> str:
    # Whole percent below 10 % is too coarse for dissatisfaction: one decimal there.
    text = f"{share * 100:.1f}" if share < 0.1 else f"{share * 100:.0f}"
    return text.replace(".", "٫") if language == "ar" else text


def _number(value: float, language: str) -> str:
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return text.replace(",", "٬").replace(".", "٫") if language == "ar" else text


def _both(message: object, **values: object) -> LocalizedText:
    """``message`` in each language, with its numbers written the way that language writes them."""
    texts = {}
    for language in LANGUAGES:
        with override(language):
            shown = {
                name: _percent(value[1], language)
                if isinstance(value, tuple)
                else _number(value, language)
                if isinstance(value, int | float)
                else value
                for name, value in values.items()
            }
            texts[language] = str(message) % shown
    return LocalizedText(**texts)


def _counter_volumes(span: MonthSpan, entities: Q) -> tuple[dict[int, int], dict[int, int]]:
    """Per service, the counter volume and all transactions over the span."""
    months = Q(month__gte=span.first, month__lte=span.last) & entities
    counter: dict[int, int] = defaultdict(int)
    everything: dict[int, int] = defaultdict(int)
    for service_id, channel, completed in (
        ServiceMonth.objects.filter(months)
        .values("service_id", "channel")
        .annotate(total=Sum("completed"))
        .values_list("service_id", "channel", "total")
        .order_by()
    ):
        everything[service_id] += completed
        if channel in ASSISTED_CHANNELS:
            counter[service_id] += completed
    for service_id, completed in (
        OfflineVolume.objects.filter(months)
        .values("service_id")
        .annotate(total=Sum("completed"))
        .values_list("service_id", "total")
        .order_by()
    ):
        everything[service_id] += completed
        counter[service_id] += completed
    return counter, everything


def _histograms(span: MonthSpan) -> tuple[dict[int, dict[int, int]], dict[int, int]]:
    """Every service's processing-time histogram over the span, and the government's."""
    per_service: dict[int, dict[int, int]] = defaultdict(dict)
    government: dict[int, int] = defaultdict(int)
    for service_id, days, completed in (
        ProcessingMonth.objects.filter(month__gte=span.first, month__lte=span.last)
        .values("service_id", "working_days")
        .annotate(total=Sum("completed"))
        .values_list("service_id", "working_days", "total")
        .order_by()
    ):
        per_service[service_id][days] = completed
        government[days] += completed
    return per_service, government


def _ratings(span: MonthSpan) -> tuple[dict[int, Counts], BetaPrior]:
    """Every service's responses over the span, and the prior fitted on all of them: a small
    entity's services shrink toward what is usual in the government, not toward themselves."""
    per_service: dict[int, Counts] = defaultdict(Counts.zero)
    for (service_id, _channel), cell in cell_totals(Scope(), span.first, span.last_day).items():
        per_service[service_id] = per_service[service_id] + cell.counts
    return per_service, fit_dissatisfaction_prior(list(per_service.values()))


def rank_services(*, span: MonthSpan, entity_ids: frozenset[int] | None, limit: int = 20) -> list[RankedService]:
    """See :func:`tahawul.performance.selectors.reengineering_ranking`."""
    entities = Q() if entity_ids is None else Q(entity_id__in=entity_ids)
    counter, everything = _counter_volumes(span, entities)
    histograms, government_histogram = _histograms(span)
    ratings, prior = _ratings(span)
    usual_days = median(government_histogram)
    candidates = [service_id for service_id, volume in counter.items() if volume > 0]
    services = {
        pk: (code, LocalizedText(ar=name_ar, en=name_en), entity_code)
        for pk, code, name_ar, name_en, entity_code in Service.objects.filter(pk__in=candidates).values_list(
            "pk", "code", "name_ar", "name_en", "entity__code"
        )
    }
    ranked = [
        _ranked(
            service_id,
            services[service_id],
            counter[service_id],
            everything[service_id],
            ratings,
            prior,
            histograms,
            usual_days,
        )
        for service_id in candidates
        if service_id in services
    ]
    ranked.sort(key=lambda row: (-row.score, -row.counter_volume, row.code))
    return ranked[:limit]


def _ranked(
    service_id: int,
    service: tuple[str, LocalizedText, str],
    counter_volume: int,
    transactions: int,
    ratings: Mapping[int, Counts],
    prior: BetaPrior,
    histograms: Mapping[int, Mapping[int, int]],
    usual_days: float | None,
) -> RankedService:
    code, name, entity_code = service
    counts = ratings.get(service_id, Counts.zero())
    shrunk = (counts.dissatisfied + prior.alpha) / (counts.n + prior.alpha + prior.beta)
    days = median(histograms.get(service_id, {}))
    reasons = [
        _both(
            _("%(count)s transactions at a counter, by phone or by post: %(share)s %% of all its transactions."),
            count=counter_volume,
            share=("share", counter_volume / transactions),
        )
    ]
    if counts.n:
        reasons.append(
            _both(
                _(
                    "%(share)s %% of %(responses)s responses dissatisfied; counted as %(shrunk)s %% after "
                    "shrinking toward the government's usual share."
                ),
                share=("share", counts.dissatisfied / counts.n),
                responses=counts.n,
                shrunk=("share", shrunk),
            )
        )
    else:
        reasons.append(
            _both(
                _("No ratings yet: counted at the government's usual dissatisfied share, %(shrunk)s %%."),
                shrunk=("share", shrunk),
            )
        )
    factor_days = days if days is not None else (usual_days if usual_days is not None else 1.0)
    if days is not None:
        reasons.append(_both(_("Median processing time: %(days)s working days."), days=float(days)))
    else:
        reasons.append(
            _both(
                _("Nothing completed in Tahawul yet: counted at the government's median of %(days)s working days."),
                days=float(factor_days),
            )
        )
    return RankedService(
        service_id=service_id,
        code=code,
        name=name,
        entity_code=entity_code,
        counter_volume=counter_volume,
        dissatisfied=counts.dissatisfied / counts.n if counts.n else None,
        median_days=days,
        score=counter_volume * shrunk * factor_days,
        reasons=reasons,
        shrunk_dissatisfied=shrunk,
        responses=counts.n,
        transactions=transactions,
    )
