"""The simulator run from scratch: the same seed gives the same history, and the commands
(``simulate`` and ``demo load``) print what they wrote and refuse what they cannot do. Apart
from test_simulate.py, whose module-wide history would make every run here a second one."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Sum

from tahawul.applications.models import Application, CompletedDay, Event, ServiceMonth
from tahawul.demo.simulate import simulate
from tahawul.feedback.models import Rating
from tahawul.performance.models import ChannelCost, OfflineVolume
from tahawul.plans.models import Milestone, Plan

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 14)


def snapshot() -> dict[str, list[Any]]:
    """What the history wrote, without the ids and references the database or chance picks."""
    return {
        "applications": sorted(
            map(
                repr,
                Application.objects.values_list(
                    "service__code",
                    "version__number",
                    "channel",
                    "state",
                    "applicant__username",
                    "assisted_by__username",
                    "device",
                    "created_at",
                    "submitted_at",
                    "closed_at",
                    "outcome",
                    "sla_missed",
                ),
            )
        ),
        "months": sorted(
            ServiceMonth.objects.values_list(
                "service__code", "channel", "month", "started", "submitted", "completed", "within_sla", "complaints"
            )
        ),
        "offline": sorted(OfflineVolume.objects.values_list("service__code", "channel", "month", "completed")),
        "costs": sorted(
            ChannelCost.objects.values_list("entity__code", "channel", "quarter", "staff_fils", "running_fils")
        ),
        "milestones": sorted(
            Milestone.objects.values_list("item__service__code", "kind", "due_on", "status", "done_on")
        ),
        "ratings": sorted(
            map(repr, Rating.objects.values_list("service__code", "channel", "mood", "comment", "created_at"))
        ),
    }


def simulated_then_undone(**arguments: Any) -> dict[str, list[Any]]:
    with transaction.atomic():
        simulate(months=3, scale=0.05, today=TODAY, **arguments)
        written = snapshot()
        transaction.set_rollback(True)
    return written


def test_the_same_seed_gives_the_same_history_and_another_seed_another() -> None:
    first = simulated_then_undone(seed=7)
    again = simulated_then_undone(seed=7)
    other = simulated_then_undone(seed=8)

    assert first["applications"] and first["ratings"]
    assert first == again
    assert first["applications"] != other["applications"]


@pytest.mark.parametrize("arguments", [["--months", "0"], ["--scale", "0"], ["--scale", "-1"], ["--months", "121"]])
def test_the_command_refuses_impossible_arguments(arguments: list[str]) -> None:
    with pytest.raises(CommandError, match="months must be"):
        call_command("simulate", *arguments, stdout=StringIO())


def test_the_command_prints_what_it_wrote_and_how_long_it_took() -> None:
    out = StringIO()
    call_command("simulate", "--months", "2", "--scale", "0.02", "--no-feedback", stdout=out)

    printed = out.getvalue()
    assert f"applications {Application.objects.count():,}" in printed
    assert " s (" in printed and "rows" in printed
    assert Rating.objects.count() == 0


def test_demo_load_brings_one_history_whose_counters_agree(settings: Any) -> None:
    settings.TAHAWUL_DEMO = True
    out = StringIO()
    call_command("demo", "load", "--scale", "0.02", "--months", "3", stdout=out)

    assert "simulated" in out.getvalue()
    assert Plan.objects.exists() and Rating.objects.exists()
    closed = Application.objects.filter(closed_at__isnull=False).count()
    assert closed and CompletedDay.objects.aggregate(n=Sum("completed"))["n"] == closed  # no second, invented count


def test_the_tables_keep_every_index_they_had() -> None:
    def indexes() -> dict[str, set[str]]:
        with connection.cursor() as cursor:
            return {
                model._meta.db_table: set(connection.introspection.get_constraints(cursor, model._meta.db_table))
                for model in (Application, Event, Rating)
            }

    before = indexes()
    with transaction.atomic():
        simulate(months=2, scale=0.02, today=TODAY)
        after = indexes()
        transaction.set_rollback(True)

    assert after == before
    assert len(before[Application._meta.db_table]) > 5
