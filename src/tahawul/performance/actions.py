"""Writes of the figures Tahawul cannot count itself: what each channel costs an entity per
quarter, and how many transactions of a service were still done outside Tahawul per month.
Only the entity's own admins write them; the authority reads them. Every write is an upsert,
checked whole before anything is saved, and leaves a line in the audit log."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tahawul.catalog.models import Entity, Service
from tahawul.core.text import LocalizedText, bilingual
from tahawul.identity.models import Role, User
from tahawul.identity.selectors import NotFound, roles_in
from tahawul.performance.errors import InvalidFigures, StaleFigures
from tahawul.performance.models import ChannelCost, CostChannel, OfflineChannel, OfflineVolume
from tahawul.performance.selectors import cost_version, volume_version
from tahawul.performance.spans import quarter_of

audit = logging.getLogger("tahawul.audit")

FIRST_YEAR = 2000  # nothing Tahawul measures happened before; an earlier year is a typing slip
MAX_FILS = 999_999_999_999  # the most tahawul.core.money reads: 999,999,999.999 BHD
MAX_VOLUME = 100_000_000  # transactions of one service on one channel in one month


@dataclass(frozen=True)
class Cost:
    staff_fils: int
    running_fils: int


def check_admin(actor: User, entity_id: int, what: str) -> None:
    if Role.ENTITY_ADMIN not in roles_in(actor, entity_id):
        audit.warning("refused %s of entity %s by %s: not its admin", what, entity_id, actor.pk)
        raise NotFound()


def _amount_error(value: object) -> LocalizedText | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return bilingual(_("Give the amount in whole fils (1 BHD = 1,000 fils)."))
    if value < 0:
        return bilingual(_("A cost cannot be negative."))
    if value > MAX_FILS:
        return bilingual(_("That amount is too large. Check the number of digits."))
    return None


def _quarter_error(quarter: object, today: date) -> LocalizedText | None:
    if not isinstance(quarter, date) or quarter != quarter_of(quarter) or quarter.day != 1:
        return bilingual(_("Choose a quarter."))
    if quarter.year < FIRST_YEAR:
        return bilingual(_("Choose a quarter from 2000 on."))
    if quarter > quarter_of(today):
        return bilingual(_("Costs can only be entered for the current quarter or earlier ones."))
    return None


def _month_error(month: object, today: date) -> LocalizedText | None:
    if not isinstance(month, date) or month.day != 1:
        return bilingual(_("Choose a month."))
    if month.year < FIRST_YEAR:
        return bilingual(_("Choose a month from 2000 on."))
    if month > today.replace(day=1):
        return bilingual(_("Transactions can only be entered for the current month or earlier ones."))
    return None


def _volume_error(value: object) -> LocalizedText | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return bilingual(_("Give a whole number of transactions, 0 or more."))
    if value > MAX_VOLUME:
        return bilingual(_("That number is too large. Check the number of digits."))
    return None


def set_channel_costs(
    *, actor: User, entity: Entity, quarter: date, costs: Mapping[str, Cost], seen: str | None = None
) -> None:
    """An entity admin sets the staff and running costs of some of the entity's channels for a
    quarter (its first day; the current quarter or an earlier one). ``seen`` is the
    ``cost_version`` the form was drawn from: when someone else has changed the quarter since,
    raises StaleFigures. Raises NotFound for anyone but the entity's admins (the authority's
    staff included), InvalidFigures for a bad quarter, channel or amount; nothing is saved then."""
    check_admin(actor, entity.pk, "channel costs")
    errors: dict[str, LocalizedText] = {}
    if quarter_error := _quarter_error(quarter, timezone.localdate()):
        errors["quarter"] = quarter_error
    for channel, cost in costs.items():
        if channel not in CostChannel.values:
            errors[channel] = bilingual(_("Choose a channel from the list."))
            continue
        for part in ("staff_fils", "running_fils"):
            if amount_error := _amount_error(getattr(cost, part)):
                errors[f"{channel}-{part.removesuffix('_fils')}"] = amount_error
    if errors:
        raise InvalidFigures(errors)
    now = timezone.now()
    with transaction.atomic():
        # Locking the entity serialises two admins saving the same quarter: the second one sees
        # the first one's figures in the version check and is told.
        Entity.objects.select_for_update().filter(pk=entity.pk).first()
        if seen is not None and seen != cost_version(entity_id=entity.pk, quarter=quarter):
            raise StaleFigures()
        for channel, cost in costs.items():
            ChannelCost.objects.update_or_create(
                entity=entity,
                channel=channel,
                quarter=quarter,
                defaults={
                    "staff_fils": cost.staff_fils,
                    "running_fils": cost.running_fils,
                    "entered_by": actor,
                    "entered_at": now,
                },
            )
        audit.info(
            "channel costs of %s for %s set by %s: %s",
            entity.code,
            quarter,
            actor.pk,
            {channel: (cost.staff_fils, cost.running_fils) for channel, cost in costs.items()},
        )


def set_channel_cost(
    *, actor: User, entity: Entity, channel: str, quarter: date, staff_fils: int, running_fils: int
) -> ChannelCost:
    """One channel's costs for one quarter; see :func:`set_channel_costs` for who may and what it raises."""
    set_channel_costs(actor=actor, entity=entity, quarter=quarter, costs={channel: Cost(staff_fils, running_fils)})
    return ChannelCost.objects.get(entity=entity, channel=channel, quarter=quarter)


def set_offline_volumes(
    *,
    actor: User,
    entity: Entity,
    month: date,
    volumes: Mapping[tuple[int, str], int],
    seen: str | None = None,
) -> None:
    """An entity admin sets how many transactions of its services were completed outside Tahawul
    in ``month`` (its first day; not in the future), per (service id, offline channel). 0 is a
    figure too: "none", not "not entered". ``seen`` works as in :func:`set_channel_costs`.
    Raises NotFound for anyone but the entity's admins, InvalidFigures for a service of another
    entity, a channel that is not offline, a bad month or count; nothing is saved then."""
    check_admin(actor, entity.pk, "offline volumes")
    errors: dict[str, LocalizedText] = {}
    if month_error := _month_error(month, timezone.localdate()):
        errors["month"] = month_error
    own = set(Service.objects.filter(entity=entity, pk__in={key[0] for key in volumes}).values_list("pk", flat=True))
    for (service_id, channel), count in volumes.items():
        name = f"{service_id}-{channel}"
        if service_id not in own:
            errors[name] = bilingual(_("This service is not one of your entity's."))
        elif channel not in OfflineChannel.values:
            errors[name] = bilingual(_("Choose a counter, the call centre or post."))
        elif count_error := _volume_error(count):
            errors[name] = count_error
    if errors:
        raise InvalidFigures(errors)
    now = timezone.now()
    with transaction.atomic():
        Entity.objects.select_for_update().filter(pk=entity.pk).first()
        if seen is not None and seen != volume_version(entity_id=entity.pk, month=month):
            raise StaleFigures()
        for (service_id, channel), count in volumes.items():
            OfflineVolume.objects.update_or_create(
                service_id=service_id,
                channel=channel,
                month=month,
                defaults={"entity": entity, "completed": count, "entered_by": actor, "entered_at": now},
            )
        audit.info(
            "offline volumes of %s for %s set by %s: %s",
            entity.code,
            f"{month:%Y-%m}",
            actor.pk,
            {f"{service}-{channel}": count for (service, channel), count in volumes.items()},
        )


def set_offline_volume(*, actor: User, service: Service, channel: str, month: date, completed: int) -> OfflineVolume:
    """One cell of :func:`set_offline_volumes`, which says who may and what it raises."""
    set_offline_volumes(actor=actor, entity=service.entity, month=month, volumes={(service.pk, channel): completed})
    return OfflineVolume.objects.get(service=service, channel=channel, month=month)
