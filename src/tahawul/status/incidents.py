"""Every change to an incident: proposed by the platform, opened, confirmed or dismissed, updated
and resolved by the authority's staff. Each is one transaction that locks the incident, checks the
revision the person was looking at, and adds an IncidentUpdate (the incident's history)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.core.text import LocalizedText
from tahawul.feedback.cases import is_authority_staff
from tahawul.feedback.models import Case, CaseKind
from tahawul.identity.models import User
from tahawul.identity.selectors import NotFound
from tahawul.status.errors import InvalidIncident, NotInThisState, OpenedAMomentAgo, StaleIncident
from tahawul.status.models import (
    CHANNELS_OF_COMPONENT,
    ONGOING_STATUSES,
    OPEN_STATUSES,
    AffectedComponent,
    Component,
    ComponentHealth,
    Incident,
    IncidentCase,
    IncidentStatus,
    IncidentUpdate,
    Origin,
    State,
)
from tahawul.status.notifying import tell_reporters_task
from tahawul.status.wording import in_both_languages

audit = logging.getLogger("tahawul.audit")

TITLE_MAX_CHARS = 200
MESSAGE_MAX_CHARS = 5000
# Technical problems reported this long before an incident began are taken to be about it too.
CASES_BEFORE = timedelta(hours=2)
IMPACTS = (State.DEGRADED, State.DOWN)
# The same person opening the same incident again within this is a double click, not a new one.
OPENED_TWICE_WITHIN = timedelta(minutes=1)


# --- proposed by the platform --------------------------------------------------------------------


def is_covered(components: Iterable[str], *, since: datetime) -> bool:
    """Whether an incident about one of ``components`` already speaks for trouble since ``since``:
    one still open, or one that ended (resolved or dismissed) after it. Then nothing more is proposed."""
    return (
        Incident.objects.filter(affected__component__in=list(components))
        .filter(Q(status__in=OPEN_STATUSES) | Q(ended_at__gte=since))
        .exists()
    )


@transaction.atomic
def propose_incident(
    *, component: str, origin: str, impact: str, started_at: datetime, title: LocalizedText, note: LocalizedText
) -> Incident | None:
    """Propose an incident about ``component`` for the authority's staff to confirm or dismiss;
    None when an incident already covers it. For the platform's own watches, which call it with
    the component's ComponentHealth row locked; the database refuses a second open proposal for
    one component in any case. Links the technical-problem cases already reported."""
    if is_covered([component], since=started_at):
        return None
    now = timezone.now()
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                title_ar=title.ar[:TITLE_MAX_CHARS],
                title_en=title.en[:TITLE_MAX_CHARS],
                status=IncidentStatus.PROPOSED,
                impact=impact,
                origin=origin,
                proposed_for=component,
                started_at=started_at,
                opened_at=now,
                updated_at=now,
            )
    except IntegrityError:
        return None  # proposed by another worker a moment ago
    AffectedComponent.objects.create(incident=incident, component=component)
    _record(incident, actor=None, status=IncidentStatus.PROPOSED, message=note, public=False)
    link_cases(incident, until=now)
    audit.info("incident %s proposed for %s (%s)", incident.pk, component, origin)
    return incident


# --- the authority's staff -----------------------------------------------------------------------


def open_incident(
    *,
    actor: User,
    components: Sequence[str],
    impact: str,
    title: LocalizedText,
    message: LocalizedText,
    status: str = IncidentStatus.INVESTIGATING,
) -> Incident:
    """Staff of the authority tell the public about a problem they know of. Raises NotFound for
    anyone else, InvalidIncident (nothing saved) for bad input, OpenedAMomentAgo when the same
    person opened the same title about the same components within OPENED_TWICE_WITHIN (a double
    click: nothing saved, the error names that incident). Links the technical-problem cases
    reported about the affected channels in the last CASES_BEFORE."""
    _check_staff(actor, "open")
    errors = _check_texts(title=title, message=message)
    _check_components(errors, components)
    _check_choices(errors, status=status, impact=impact)
    if errors:
        raise InvalidIncident(errors)
    parts = _in_order(components)
    now = timezone.now()
    with transaction.atomic():
        # One person's openings queue on their row, so the second of a double click sees the first.
        list(User.objects.select_for_update().filter(pk=actor.pk).values_list("pk"))
        twin = _opened_a_moment_ago(actor, parts, title, now)
        if twin is not None:
            raise OpenedAMomentAgo(twin)
        incident = Incident.objects.create(
            title_ar=title.ar,
            title_en=title.en,
            status=status,
            impact=impact,
            origin=Origin.STAFF,
            started_at=now,
            opened_at=now,
            opened_by=actor,
            updated_at=now,
        )
        AffectedComponent.objects.bulk_create(AffectedComponent(incident=incident, component=part) for part in parts)
        _record(incident, actor=actor, status=status, message=message, public=True, impact=impact, components=parts)
        link_cases(incident, until=now)
    return incident


def _opened_a_moment_ago(actor: User, parts: list[str], title: LocalizedText, now: datetime) -> Incident | None:
    recent = Incident.objects.filter(
        origin=Origin.STAFF,
        opened_by=actor,
        opened_at__gte=now - OPENED_TWICE_WITHIN,
        title_ar=title.ar,
        title_en=title.en,
    ).prefetch_related("affected")
    return next((found for found in recent if _in_order(row.component for row in found.affected.all()) == parts), None)


def confirm_incident(
    *,
    incident: Incident,
    actor: User,
    status: str,
    impact: str,
    title: LocalizedText,
    message: LocalizedText,
    expected_revision: int | None = None,
) -> Incident:
    """Make a proposed incident public, with its title and first message in both languages.
    Raises NotFound (not the authority's staff), StaleIncident, NotInThisState (not proposed),
    InvalidIncident."""
    _check_staff(actor, "confirm")
    errors = _check_texts(title=title, message=message)
    _check_choices(errors, status=status, impact=impact)
    if errors:
        raise InvalidIncident(errors)
    with transaction.atomic():
        current = _locked(incident, expected_revision, allowed=(IncidentStatus.PROPOSED,))
        _write(current, status=status, impact=impact, title_ar=title.ar, title_en=title.en)
        _record(current, actor=actor, status=status, message=message, public=True, impact=impact)
        link_cases(current, until=timezone.now())
    return current


def dismiss_incident(
    *, incident: Incident, actor: User, note: str = "", expected_revision: int | None = None
) -> Incident:
    """Set aside a proposal that is not a real problem (a false alarm, planned work). It never
    becomes public. Raises NotFound, StaleIncident, NotInThisState (not proposed), InvalidIncident."""
    _check_staff(actor, "dismiss")
    note = note.strip()
    if len(note) > MESSAGE_MAX_CHARS:
        raise InvalidIncident({"note": in_both_languages(_("Keep the note to 5,000 characters or fewer."))})
    with transaction.atomic():
        current = _locked(incident, expected_revision, allowed=(IncidentStatus.PROPOSED,))
        _write(current, status=IncidentStatus.DISMISSED, ended_at=timezone.now())
        _record(current, actor=actor, status=IncidentStatus.DISMISSED, note=note, public=False)
    return current


def post_update(
    *,
    incident: Incident,
    actor: User,
    status: str,
    message: LocalizedText,
    components: Sequence[str] | None = None,
    impact: str | None = None,
    expected_revision: int | None = None,
) -> Incident:
    """Tell the public how the work stands (investigating, cause identified, fixed and watching),
    in both languages; with ``components`` or ``impact``, also change what is affected or how
    badly (the update records what it changed, and the linked cases follow the components: those
    about channels no longer affected are unlinked, those about new ones linked). Raises NotFound,
    StaleIncident, NotInThisState (proposed or ended), InvalidIncident."""
    _check_staff(actor, "update")
    errors = _check_texts(message=message)
    if components is not None:
        _check_components(errors, components)
    _check_choices(errors, status=status, impact=impact)
    if errors:
        raise InvalidIncident(errors)
    with transaction.atomic():
        current = _locked(incident, expected_revision, allowed=ONGOING_STATUSES)
        before = _in_order(current.affected.values_list("component", flat=True))
        parts = _in_order(components) if components is not None and _in_order(components) != before else []
        impact = impact if impact is not None and impact != current.impact else ""
        _write(current, status=status, **({"impact": impact} if impact else {}))
        if parts:
            current.affected.exclude(component__in=parts).delete()
            AffectedComponent.objects.bulk_create(
                AffectedComponent(incident=current, component=part) for part in parts if part not in before
            )
            IncidentCase.objects.filter(incident=current, notified_at__isnull=True).exclude(
                case__channel_concerned__in=channels_of(parts)
            ).delete()
        _record(current, actor=actor, status=status, message=message, public=True, impact=impact, components=parts)
        link_cases(current, until=timezone.now())
    return current


def resolve_incident(
    *, incident: Incident, actor: User, message: LocalizedText, expected_revision: int | None = None
) -> Incident:
    """End a confirmed incident with a last message in both languages, and queue the telling of
    everyone who reported a technical problem with an affected channel during it (or in the
    CASES_BEFORE before it) that it is over: one notification per case, in the case's language,
    by the channel its filer chose, written by a background task after this commits
    (status.notifying). The affected components' runs of failed checks start again, so checks
    still failing propose a new incident. Raises NotFound, StaleIncident, NotInThisState (proposed
    or ended), InvalidIncident."""
    _check_staff(actor, "resolve")
    errors = _check_texts(message=message)
    if errors:
        raise InvalidIncident(errors)
    with transaction.atomic():
        current = _locked(incident, expected_revision, allowed=ONGOING_STATUSES)
        now = timezone.now()
        link_cases(current, until=now)
        _write(current, status=IncidentStatus.RESOLVED, ended_at=now)
        _record(current, actor=actor, status=IncidentStatus.RESOLVED, message=message, public=True)
        ComponentHealth.objects.filter(component__in=current.affected.values("component")).update(
            failing_streak=0, failing_since=None
        )
        tell_reporters_task.enqueue()  # the database backend commits it with the resolution
    return current


# --- the cases an incident explains --------------------------------------------------------------


def channels_of(components: Iterable[str]) -> set[str]:
    """The channels whose technical-problem reports may be about one of ``components``."""
    return set().union(*(CHANNELS_OF_COMPONENT[component] for component in components))


def link_cases(incident: Incident, *, until: datetime) -> int:
    """Link the technical-problem cases about the affected components' channels filed from
    CASES_BEFORE before the incident began until ``until``; idempotent. Returns how many were
    newly linked."""
    channels = channels_of(incident.affected.values_list("component", flat=True))
    already = IncidentCase.objects.filter(incident=incident).values("case_id")
    found = list(
        Case.objects.filter(
            kind=CaseKind.TECHNICAL,
            channel_concerned__in=channels,
            created_at__gte=incident.started_at - CASES_BEFORE,
            created_at__lte=until,
        )
        .exclude(pk__in=already)
        .values_list("pk", flat=True)
    )
    IncidentCase.objects.bulk_create(
        (IncidentCase(incident=incident, case_id=case_id, linked_at=timezone.now()) for case_id in found),
        ignore_conflicts=True,
    )
    return len(found)


# --- internals -----------------------------------------------------------------------------------


def _check_staff(actor: User, action: str) -> None:
    if not is_authority_staff(actor):
        audit.warning("refused %s of an incident by %s: not authority staff", action, actor.pk)
        raise NotFound()


def _check_components(errors: dict[str, LocalizedText], components: Sequence[str]) -> None:
    if not components or any(component not in Component.values for component in components):
        errors["components"] = in_both_languages(_("Choose the parts of the service that are affected."))


def _in_order(components: Iterable[str]) -> list[str]:
    """Each component once, in the order of Component."""
    chosen = set(components)
    return [component for component in Component.values if component in chosen]


def _check_choices(errors: dict[str, LocalizedText], *, status: str, impact: str | None = None) -> None:
    if status not in ONGOING_STATUSES:
        errors["status"] = in_both_languages(_("Choose where the work on it stands."))
    if impact is not None and impact not in IMPACTS:
        errors["impact"] = in_both_languages(_("Choose how badly they are affected."))


_MISSING = {
    ("title", "ar"): _("Write the title in Arabic."),
    ("title", "en"): _("Write the title in English."),
    ("message", "ar"): _("Write the message in Arabic."),
    ("message", "en"): _("Write the message in English."),
}


def _check_texts(
    *, title: LocalizedText | None = None, message: LocalizedText | None = None
) -> dict[str, LocalizedText]:
    """Errors keyed ``title_ar``, ``message_en``...: each text is needed in both languages."""
    errors: dict[str, LocalizedText] = {}
    for name, text, limit in (("title", title, TITLE_MAX_CHARS), ("message", message, MESSAGE_MAX_CHARS)):
        if text is None:
            continue
        for language in ("ar", "en"):
            written = text.ar if language == "ar" else text.en
            if not written:
                errors[f"{name}_{language}"] = in_both_languages(_MISSING[name, language])
            elif len(written) > limit:
                errors[f"{name}_{language}"] = in_both_languages(
                    _("Keep it to %(limit)s characters or fewer."), limit=f"{limit:,}"
                )
    return errors


def _locked(incident: Incident, expected_revision: int | None, *, allowed: Iterable[str]) -> Incident:
    """The incident's row, locked until the transaction ends, as it now is."""
    current = Incident.objects.select_for_update().get(pk=incident.pk)
    if expected_revision is not None and current.revision != expected_revision:
        raise StaleIncident()
    if current.status not in allowed:
        raise NotInThisState()
    return current


def _write(incident: Incident, **changes: Any) -> None:
    changes["updated_at"] = timezone.now()
    Incident.objects.filter(pk=incident.pk).update(revision=F("revision") + 1, **changes)
    for name, value in changes.items():
        setattr(incident, name, value)
    incident.revision += 1


def _record(
    incident: Incident,
    *,
    actor: User | None,
    status: str,
    message: LocalizedText | None = None,
    note: str = "",
    public: bool,
    impact: str = "",
    components: Sequence[str] = (),
) -> IncidentUpdate:
    return IncidentUpdate.objects.create(
        incident=incident,
        at=timezone.now(),
        author=actor,
        status=status,
        message_ar=message.ar if message else "",
        message_en=message.en if message else "",
        note=note,
        public=public,
        impact=impact,
        components=list(components),
    )
