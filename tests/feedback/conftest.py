"""What the feedback tests share: the people of the entities involved, transactions completed
through the real application actions, and short ways to rate and to file a case."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Model
from django.utils import timezone

from tahawul.applications import actions
from tahawul.applications.models import Application
from tahawul.applications.scanning import configured_scanner
from tahawul.catalog.models import Entity, Service
from tahawul.core.choices import Channel
from tahawul.feedback.cases import CaseInput, open_case
from tahawul.feedback.models import Case, Rating, SatisfactionDay
from tahawul.feedback.ratings import RatingInput, record_rating
from tahawul.identity.models import Role, User
from tests.applications.conftest import Kit, Staff, give_role, make_beneficiary, make_staff, make_user

# Two demo services of two entities whose workflows let the applicant withdraw right after
# submitting: the quickest way to a final state through the real actions.
PASSPORT = "NPRA-PASSPORT-RENEW"
EVENT_PERMIT = "CIVDEF-EVENT-PERMIT"
ID_CARD = "NPRA-ID-CARD"


@dataclass
class People:
    """Staff of NPRA, CIVDEF and the authority (IGA), an analyst and two beneficiaries; every one
    with an email address and a mobile number, so that notifications have somewhere to go."""

    npra: Staff
    civdef: Staff
    iga: Staff
    analyst: User
    fatima: User  # writes in Arabic
    john: User  # writes in English


@pytest.fixture
def people(db: None) -> People:
    analyst = give_role(make_user("analyst"), None, Role.ANALYST)
    return People(
        npra=make_staff(Entity.objects.get(code="NPRA")),
        civdef=make_staff(Entity.objects.get(code="CIVDEF")),
        iga=make_staff(Entity.objects.get(code="IGA")),
        analyst=analyst,
        fatima=make_beneficiary("fatima"),
        john=make_beneficiary("john"),
    )


@pytest.fixture
def kit(db: None) -> Kit:
    return Kit(applicant=make_beneficiary("applicant"))


BAHRAIN = ZoneInfo("Asia/Bahrain")


@dataclass
class Clock:
    """The time timezone.now() tells while a test runs: starts on Thursday 3 December 2026 at
    10:00 in Bahrain (Friday and Saturday are the weekend; 16 and 17 December are National Day)."""

    now: datetime

    def advance(self, **duration: float) -> datetime:
        self.now += timedelta(**duration)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock(datetime(2026, 12, 3, 10, 0, tzinfo=BAHRAIN))
    monkeypatch.setattr(timezone, "now", lambda: fixed.now.astimezone(UTC))
    return fixed


def end_of(day: date) -> datetime:
    """The last second of a working day in Bahrain: when a deadline falling on it runs out."""
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=BAHRAIN)


@pytest.fixture(autouse=True)
def _documents_in_tmp(settings: Any, tmp_path: Any) -> Iterator[None]:
    # Attachments land in the test's own directory, never in var/; no virus scanner.
    settings.TAHAWUL_DOCUMENT_ROOT = tmp_path / "documents"
    settings.TAHAWUL_VIRUS_SCANNER = ""
    configured_scanner.cache_clear()
    yield
    configured_scanner.cache_clear()


def completed(kit: Kit, code: str = PASSPORT, channel: str | None = None) -> Application:
    """A transaction of ``kit.applicant`` that reached a final state (withdrawn after submitting)."""
    application = kit.submitted(code, channel)
    return actions.perform(application=application, actor=kit.applicant, action="withdraw")


def rate(
    *,
    face: str = "",
    score: int | None = None,
    ease: int | None = None,
    comment: str = "",
    wants_contact: bool = False,
    service_code: str = PASSPORT,
    channel: str = Channel.WEB,
    client: str = "ip:198.51.100.7",
    **extra: Any,
) -> Rating:
    return record_rating(
        values=RatingInput(face=face, score=score, ease=ease, comment=comment, wants_contact=wants_contact),
        channel=channel,
        language=extra.pop("language", "ar"),
        client=client,
        service_code=service_code,
        **extra,
    )


def file_case(
    *,
    kind: str = "complaint",
    description: str = "The passport renewal page kept failing at the payment step.",
    filed_on: str = Channel.WEB,
    language: str = "en",
    client: str = "ip:198.51.100.8",
    filer: User | None = None,
    filed_by: User | None = None,
    **values: Any,
) -> Case:
    return open_case(
        values=CaseInput(kind=kind, description=description, **values),
        filed_on=filed_on,
        language=language,
        client=client,
        filer=filer,
        filed_by=filed_by,
    )


def service(code: str) -> Service:
    return Service.objects.get(code=code)


COUNTERS = ("satisfied", "neutral", "dissatisfied", "ease_n", "ease_sum", "ease_agree")


def all_cells() -> dict[tuple[int, str, date], dict[str, int]]:
    """Every SatisfactionDay row's counters, by (service id, channel, day)."""
    return {
        (row["service_id"], row["channel"], row["day"]): {name: row[name] for name in COUNTERS}
        for row in SatisfactionDay.objects.values("service_id", "channel", "day", *COUNTERS)
    }


def changed_cells(
    before: dict[tuple[int, str, date], dict[str, int]], after: dict[tuple[int, str, date], dict[str, int]]
) -> dict[tuple[int, str, date], dict[str, int]]:
    """What each cell gained (or lost) between two snapshots; untouched cells are left out."""
    zero = dict.fromkeys(COUNTERS, 0)
    differences = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key, zero), after.get(key, zero)
        delta = {name: new[name] - old[name] for name in COUNTERS if new[name] != old[name]}
        if delta:
            differences[key] = delta
    return differences


def reload(instance: Model) -> Any:
    return type(instance)._default_manager.get(pk=instance.pk)


__all__ = [
    "BAHRAIN",
    "EVENT_PERMIT",
    "ID_CARD",
    "PASSPORT",
    "Clock",
    "Kit",
    "People",
    "all_cells",
    "changed_cells",
    "completed",
    "end_of",
    "file_case",
    "give_role",
    "make_beneficiary",
    "make_user",
    "rate",
    "reload",
    "service",
]
