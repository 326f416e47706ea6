"""``tahawul definitions validate|load|export``: the service designer's command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import translation

from tahawul.catalog.errors import UnknownService
from tahawul.definitions import actions
from tahawul.definitions.errors import DefinitionsInvalid
from tahawul.definitions.export import definition_yaml
from tahawul.definitions.schema import ServiceDefinition
from tahawul.definitions.selectors import service_version


class Command(BaseCommand):
    help = "Validate, publish and export service definitions (see docs/service-definitions.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--language", choices=["ar", "en"], default="en", help="language of the messages")
        commands = parser.add_subparsers(dest="subcommand", required=True, parser_class=argparse.ArgumentParser)
        validate = commands.add_parser("validate", help="report every problem; exit 1 if there is one")
        validate.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        validate.add_argument(
            "--no-references",
            action="store_true",
            help="do not check entity, category and life-event codes (no database needed)",
        )
        load = commands.add_parser("load", help="validate, then publish what changed (all or nothing)")
        load.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        export = commands.add_parser("export", help="print a published version as YAML")
        export.add_argument("code")
        export.add_argument("--version", type=int, dest="number", help="a version number (default: the latest)")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            if options["subcommand"] == "validate":
                self._validate(options["paths"], check_references=not options["no_references"])
            elif options["subcommand"] == "load":
                self._load(options["paths"])
            else:
                self._export(options["code"], options["number"])

    def _missing(self, paths: list[Path]) -> None:
        missing = [str(path) for path in paths if not path.exists()]
        if missing:
            raise CommandError(f"no such file or directory: {', '.join(missing)}")

    def _validate(self, paths: list[Path], *, check_references: bool) -> None:
        self._missing(paths)
        try:
            results = actions.validate_paths(paths, check_references=check_references)
        except DatabaseError:
            raise CommandError(
                "cannot read the entities and categories: the database is not set up "
                "(run `tahawul migrate` and load them first), or use --no-references"
            ) from None
        problems = [problem for result in results for problem in result.problems]
        for problem in problems:
            self.stdout.write(str(problem))
        if problems:
            raise CommandError(
                f"{len(problems)} problem(s) in {sum(1 for r in results if r.problems)} of {len(results)} file(s)"
            )
        self.stdout.write(f"{len(results)} definition(s) valid")

    def _load(self, paths: list[Path]) -> None:
        self._missing(paths)
        try:
            published = actions.load_definitions(paths=paths)
        except DefinitionsInvalid as error:
            for problem in error.problems:
                self.stdout.write(str(problem))
            raise CommandError(f"{len(error.problems)} problem(s); nothing was published") from None
        for item in published:
            if item.changed:
                self.stdout.write(f"{item.code}: published version {item.version}")
        changed = sum(1 for item in published if item.changed)
        self.stdout.write(f"{changed} new version(s), {len(published) - changed} unchanged")

    def _export(self, code: str, number: int | None) -> None:
        try:
            version = service_version(code=code, number=number)
        except UnknownService as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(definition_yaml(ServiceDefinition.model_validate(version.document)), ending="")
