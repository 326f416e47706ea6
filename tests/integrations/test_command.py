"""``tahawul integrations``: the operator issues a key at the command line (printed once) and
revokes it by the first characters the back office shows."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tahawul.integrations.errors import InvalidApiKey
from tahawul.integrations.models import IntegrationEvent
from tahawul.integrations.selectors import api_key_for

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("integrations", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_the_operator_issues_and_revokes_a_key() -> None:
    raw = run("issue-key", "--integrator", "CityFix", "--entity", "MUN", "--email", "api@cityfix.example")
    key = api_key_for(raw)

    run("revoke-key", key.prefix)

    assert key.entity.code == "MUN"
    with pytest.raises(InvalidApiKey):
        api_key_for(raw)
    assert list(IntegrationEvent.objects.values_list("action", "actor")) == [
        ("integrator_registered", None),
        ("key_issued", None),
        ("key_revoked", None),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["issue-key", "--integrator", "CityFix", "--entity", "NOPE"], "there is no entity 'NOPE'"),
        (["issue-key", "--integrator", "Unknown", "--entity", "MUN"], "give --email to register it"),
        (["revoke-key", "o311_nothing"], "0 live keys begin with 'o311_nothing'"),
    ],
)
def test_mistakes_are_told_and_change_nothing(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not IntegrationEvent.objects.exists()
