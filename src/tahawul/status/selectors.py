"""Reads of channel health and incidents: the public status page's (from the roll-ups only, a fixed
number of queries whatever the history) and the authority staff's, behind their guard."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from tahawul.feedback.cases import is_authority_staff
from tahawul.feedback.models import Case
from tahawul.identity.models import User
from tahawul.identity.selectors import NotFound
from tahawul.status.models import (
    ONGOING_STATUSES,
    PUBLIC_STATUSES,
    SEVERITY,
    AffectedComponent,
    CheckResult,
    Component,
    ComponentHealth,
    Incident,
    IncidentStatus,
    IncidentUpdate,
    State,
    UptimeDay,
)
from tahawul.status.uptime import CHECKS_A_DAY, DayUptime, PeriodUptime, over_period

HISTORY_DAYS = 90
# The checks run every minute: a state older than this is not current, whatever it said.
STALE_AFTER = timedelta(minutes=5)
UNKNOWN = "unknown"  # never checked, or not lately: the worker may be stopped
RECENT_RESULTS = 100
RECENT_ENDED = 20


@dataclass(frozen=True)
class ComponentStatus:
    component: str
    label: Promise
    # The worse of the latest check (UNKNOWN when none lately) and the effect of any ongoing
    # incident naming the component: staff who say it is down know better than a passing check.
    state: str  # a State value, or UNKNOWN
    checked_at: datetime | None
    days: list[DayUptime]  # HISTORY_DAYS of them, oldest first, today last
    period: PeriodUptime


@dataclass(frozen=True)
class StatusOverview:
    components: list[ComponentStatus]
    start: date
    end: date

    @property
    def overall(self) -> str:
        """The worst current state: down, degraded, unknown (nothing known), else up."""
        states = {item.state for item in self.components}
        for state in (State.DOWN, State.DEGRADED):
            if state in states:
                return state
        return UNKNOWN if states == {UNKNOWN} else State.UP


_SEVERITY: dict[str, int] = {**SEVERITY, UNKNOWN: 1}


def _worse(first: str, second: str) -> str:
    return max(first, second, key=_SEVERITY.__getitem__)


def _ongoing_effects(components: Sequence[str]) -> dict[str, str]:
    """Component → the worst effect of the ongoing (confirmed, unresolved) incidents naming it."""
    effects: dict[str, str] = {}
    rows = AffectedComponent.objects.filter(incident__status__in=ONGOING_STATUSES, component__in=components)
    for component, impact in rows.values_list("component", "incident__impact"):
        effects[component] = _worse(effects.get(component, State.UP), impact)
    return effects


def _minutes_so_far(now: datetime) -> int:
    local = timezone.localtime(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((local - midnight).total_seconds() // 60))


def status_overview(
    *, now: datetime | None = None, days: int = HISTORY_DAYS, components: Sequence[str] | None = None
) -> StatusOverview:
    """Every component's current state (or only those of ``components``) and its uptime and
    coverage on each of the last ``days`` local days (today included, expected to have had a
    check each minute so far), for anyone. Three queries whatever the history: the health rows,
    the ongoing incidents' effects and the roll-ups."""
    now = now or timezone.now()
    end = timezone.localdate(now)
    start = end - timedelta(days=days - 1)
    wanted = list(Component) if components is None else [Component(component) for component in components]
    health = {row.component: row for row in ComponentHealth.objects.filter(component__in=wanted)}
    effects = _ongoing_effects(wanted)
    expected = {end: _minutes_so_far(now)}
    counted: dict[tuple[str, date], DayUptime] = {
        (row.component, row.day): DayUptime(
            day=row.day,
            up=row.up,
            degraded=row.degraded,
            down=row.down,
            nothing_to_check=row.nothing_to_check,
            expected=expected.get(row.day, CHECKS_A_DAY),
        )
        for row in UptimeDay.objects.filter(component__in=wanted, day__gte=start, day__lte=end)
    }
    listed = []
    for component in wanted:
        row = health.get(component)
        current = bool(row and row.state and row.checked_at and row.checked_at >= now - STALE_AFTER)
        checked = row.state if row and current else UNKNOWN
        series = []
        for offset in range(days):
            day = start + timedelta(days=offset)
            series.append(counted.get((component, day)) or DayUptime(day=day, expected=expected.get(day, CHECKS_A_DAY)))
        listed.append(
            ComponentStatus(
                component=component.value,
                label=component.label,
                state=_worse(checked, effects.get(component, State.UP)),
                checked_at=row.checked_at if row else None,
                days=series,
                period=over_period(series),
            )
        )
    return StatusOverview(components=listed, start=start, end=end)


def component_status(component: str, *, now: datetime | None = None) -> ComponentStatus:
    """One component's state and days, as on the status page; NotFound for a component that does
    not exist. For anyone."""
    if component not in Component.values:
        raise NotFound()
    return status_overview(now=now, components=[component]).components[0]


def _with_public_parts(rows: QuerySet[Incident]) -> QuerySet[Incident]:
    return rows.prefetch_related(
        "affected",
        Prefetch("updates", queryset=IncidentUpdate.objects.filter(public=True), to_attr="public_updates"),
    )


def ongoing_incidents() -> list[Incident]:
    """Confirmed incidents not yet resolved, newest first, with their components and public updates."""
    return list(_with_public_parts(Incident.objects.filter(status__in=ONGOING_STATUSES).order_by("-started_at")))


def past_incidents() -> QuerySet[Incident]:
    """Resolved incidents, the most recently ended first (for a paginator)."""
    return _with_public_parts(Incident.objects.filter(status=IncidentStatus.RESOLVED).order_by("-ended_at", "-pk"))


def public_incident(pk: int) -> Incident:
    """An incident the public may read (confirmed: ongoing or resolved); NotFound otherwise."""
    found = _with_public_parts(Incident.objects.filter(pk=pk, status__in=PUBLIC_STATUSES)).first()
    if found is None:
        raise NotFound()
    return found


# --- the authority's staff ----------------------------------------------------------------------


def access_incidents(user: User | AnonymousUser) -> User:
    """The user, if they may manage incidents (the authority's officers and supervisors); NotFound
    for anyone else, as if the pages did not exist."""
    if not isinstance(user, User) or not is_authority_staff(user):
        raise NotFound()
    return user


@dataclass(frozen=True)
class IncidentBoard:
    proposed: list[Incident]
    ongoing: list[Incident]
    recently_ended: list[Incident]
    health: list[ComponentHealth]  # one per component, unsaved for a component never checked


def incident_board(user: User | AnonymousUser) -> IncidentBoard:
    """What the incidents page shows staff: proposals to confirm or dismiss, ongoing incidents,
    the last RECENT_ENDED ended ones, and every component's latest check. NotFound for others."""
    access_incidents(user)
    rows = Incident.objects.prefetch_related("affected")
    known = {row.component: row for row in ComponentHealth.objects.all()}
    return IncidentBoard(
        proposed=list(rows.filter(status=IncidentStatus.PROPOSED).order_by("-opened_at")),
        ongoing=list(rows.filter(status__in=ONGOING_STATUSES).order_by("-started_at")),
        recently_ended=list(
            rows.filter(status__in=[IncidentStatus.RESOLVED, IncidentStatus.DISMISSED]).order_by("-ended_at")[
                :RECENT_ENDED
            ]
        ),
        health=[known.get(component, ComponentHealth(component=component)) for component in Component],
    )


def staff_incident(user: User | AnonymousUser, pk: int) -> Incident:
    """Any incident, proposed and dismissed ones included, for the authority's staff; NotFound otherwise."""
    access_incidents(user)
    found = Incident.objects.prefetch_related("affected").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def incident_history(incident: Incident) -> list[IncidentUpdate]:
    """Every update, public or not, newest first (staff only: call after a guard)."""
    return list(incident.updates.select_related("author"))


def linked_cases(incident: Incident) -> list[Case]:
    """The technical-problem cases the incident explains, oldest first (staff only: call after a guard)."""
    return list(
        Case.objects.filter(pk__in=incident.case_links.values("case_id"))
        .select_related("entity")
        .order_by("created_at")
    )


def recent_results(user: User | AnonymousUser, component: str) -> list[CheckResult]:
    """The component's last RECENT_RESULTS check results, newest first; NotFound for anyone but the
    authority's staff, or for a component that does not exist."""
    access_incidents(user)
    if component not in Component.values:
        raise NotFound()
    return list(CheckResult.objects.filter(component=component).order_by("-checked_at")[:RECENT_RESULTS])
