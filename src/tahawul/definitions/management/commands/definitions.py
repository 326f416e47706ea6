"""``tahawul definitions validate|load|export|lint``: the service designer's command line."""

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
from tahawul.definitions.lint import Finding, Severity, count_by_severity, lint
from tahawul.definitions.lint_selectors import linted_current_versions
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
        lint_parser = commands.add_parser(
            "lint", help="measure definitions against the simplification principles (docs/service-definitions.md)"
        )
        lint_parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
        lint_parser.add_argument(
            "--all", action="store_true", help="lint the current published version of every service"
        )
        lint_parser.add_argument("--strict", action="store_true", help="exit 1 when a finding is an error")
        lint_parser.add_argument(
            "--no-references",
            action="store_true",
            help="do not check entity, category and life-event codes while validating (no database needed)",
        )
        export = commands.add_parser("export", help="print a published version as YAML")
        export.add_argument("code")
        export.add_argument("--version", type=int, dest="number", help="a version number (default: the latest)")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            if options["subcommand"] == "validate":
                self._validate(options["paths"], check_references=not options["no_references"])
            elif options["subcommand"] == "load":
                self._load(options["paths"])
            elif options["subcommand"] == "lint":
                self._lint(
                    options["paths"],
                    every_service=options["all"],
                    strict=options["strict"],
                    check_references=not options["no_references"],
                )
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

    def _lint(self, paths: list[Path], *, every_service: bool, strict: bool, check_references: bool) -> None:
        """Findings of the files named (validated first: a file with problems cannot be linted and
        fails the command), or of every current published version with --all. Findings never
        fail the command, except errors with --strict."""
        if bool(paths) == every_service:
            raise CommandError("name the files or directories to lint, or give --all (not both)")
        linted: list[tuple[str, list[Finding]]] = []
        invalid = 0
        if every_service:
            try:
                current = linted_current_versions()
            except DatabaseError:
                raise CommandError("cannot read the published services: the database is not set up") from None
            linted = [(f"{item.version.service.code}@v{item.version.number}", item.findings) for item in current]
        else:
            self._missing(paths)
            try:
                results = actions.validate_paths(paths, check_references=check_references)
            except DatabaseError:
                raise CommandError(
                    "cannot read the entities and categories: the database is not set up "
                    "(run `tahawul migrate` and load them first), or use --no-references"
                ) from None
            for result in results:
                for problem in result.problems:
                    self.stdout.write(str(problem))
                if result.definition is not None and not result.problems:
                    linted.append((result.file, lint(result.definition)))
                else:
                    invalid += 1
        for source, findings in linted:
            for finding in findings:
                self.stdout.write(finding.line(source))
        counts = count_by_severity(finding for _source, findings in linted for finding in findings)
        total = sum(counts.values())
        self.stdout.write(
            f"{total} finding(s) in {len(linted)} definition(s): {counts[Severity.ERROR]} error(s), "
            f"{counts[Severity.WARNING]} warning(s), {counts[Severity.ADVICE]} advice"
        )
        if invalid:
            raise CommandError(f"{invalid} file(s) have problems and were not linted")
        if strict and counts[Severity.ERROR]:
            raise CommandError(f"{counts[Severity.ERROR]} finding(s) of severity error (--strict)")

    def _export(self, code: str, number: int | None) -> None:
        try:
            version = service_version(code=code, number=number)
        except UnknownService as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(definition_yaml(ServiceDefinition.model_validate(version.document)), ending="")
