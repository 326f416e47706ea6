"""``tahawul integrations issue-key --integrator NAME --entity CODE [--email ADDRESS]``: issue an
integrator's API key for an entity and print it once; ``tahawul integrations revoke-key PREFIX``:
revoke a key by the first characters shown in the back office.

For the platform's operator (whoever can run commands on the server); entity admins do the same in
the back office. Each change is recorded like theirs, with no actor.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tahawul.catalog.models import Entity
from tahawul.core.errors import DomainError
from tahawul.integrations.errors import InvalidIntegration
from tahawul.integrations.keys import issue_api_key, register_integrator, revoke_api_key
from tahawul.integrations.models import ApiKey, Integrator


class Command(BaseCommand):
    help = "Issue (and print once) or revoke integrators' API keys."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="subcommand")
        issue = subcommands.add_parser("issue-key", help="issue a key for an integrator and an entity; prints it once")
        issue.add_argument("--integrator", required=True, help="the integrator's name, as registered")
        issue.add_argument("--entity", required=True, help="the entity's code, e.g. MUN")
        issue.add_argument("--email", default="", help="register the integrator with this contact if it is new")
        revoke = subcommands.add_parser("revoke-key", help="revoke a key by its first characters (o311_…)")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "issue-key":
                self.issue(options["integrator"], options["entity"], options["email"])
            else:
                self.revoke(options["prefix"])
        except InvalidIntegration as error:
            raise CommandError("; ".join(f"{key}: {text.en}" for key, text in error.errors.items())) from None
        except DomainError as error:
            raise CommandError(str(error.message)) from None

    def issue(self, name: str, entity_code: str, email: str) -> None:
        entity = Entity.objects.filter(code=entity_code).first()
        if entity is None:
            raise CommandError(f"there is no entity {entity_code!r}")
        integrator = Integrator.objects.filter(name__iexact=name.strip()).first()
        if integrator is None:
            if not email:
                raise CommandError(f"there is no integrator {name!r}: give --email to register it")
            integrator = register_integrator(actor=None, name=name, contact_email=email)
        issued = issue_api_key(actor=None, integrator=integrator, entity=entity)
        self.stderr.write(f"API key of {integrator.name} for {entity.code} (shown once, keep it secret):")
        self.stdout.write(issued.raw)

    def revoke(self, prefix: str) -> None:
        keys = list(ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).select_related("entity"))
        if len(keys) != 1:
            raise CommandError(f"{len(keys)} live keys begin with {prefix!r}; give the prefix of exactly one")
        revoke_api_key(actor=None, api_key=keys[0])
        self.stdout.write(f"revoked {prefix}…")
