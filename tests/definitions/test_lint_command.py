"""``tahawul definitions lint``: one line per finding, a count, and a failing exit only when asked."""

from __future__ import annotations

import copy
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command

from tahawul.catalog.models import Service
from tests.definitions.test_lint import CLEAN, document


def write(tmp_path: Path, name: str, **changes: Any) -> Path:
    data = copy.deepcopy(CLEAN)
    data.update(changes)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("definitions", *args, stdout=out)
    return out.getvalue()


def run_failing(*args: str) -> tuple[str, str]:
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("definitions", *args, stdout=out)
    return out.getvalue(), str(raised.value)


def with_passport_copy(tmp_path: Path) -> Path:
    passport = document("passport_copy", "Copy of your passport", "صورة جواز السفر")
    return write(tmp_path, "passport.yaml", documents=[*CLEAN["documents"], passport])


def test_a_clean_file_has_no_finding(tmp_path: Path) -> None:
    out = run("lint", "--no-references", str(write(tmp_path, "clean.yaml")))
    assert out.strip() == "0 finding(s) in 1 definition(s): 0 error(s), 0 warning(s), 0 advice"


def test_each_finding_is_one_line_with_file_path_code_and_severity(tmp_path: Path) -> None:
    path = with_passport_copy(tmp_path)
    lines = run("lint", "--no-references", str(path)).splitlines()
    assert lines[0].startswith(f"{path}:documents[1]: TW101-held-document error: “Copy of your passport” asks for")
    assert lines[-1] == "1 finding(s) in 1 definition(s): 1 error(s), 0 warning(s), 0 advice"


def test_a_directory_is_linted_file_by_file(tmp_path: Path) -> None:
    with_passport_copy(tmp_path)
    write(tmp_path, "counter.yaml", code="MUN-COUNTER-FEE", fee={"amount": "5.000", "payment": "counter"})
    out = run("lint", "--no-references", str(tmp_path))
    assert "counter.yaml:fee.payment: TW107-fee-paid-separately warning: " in out
    assert out.splitlines()[-1] == "2 finding(s) in 2 definition(s): 1 error(s), 1 warning(s), 0 advice"


def test_arabic_explanations_on_request(tmp_path: Path) -> None:
    out = run("--language", "ar", "lint", "--no-references", str(with_passport_copy(tmp_path)))
    assert "«صورة جواز السفر»" in out
    assert "Copy of your passport" not in out


def test_strict_fails_on_an_error_but_not_on_warnings(tmp_path: Path) -> None:
    out, message = run_failing("lint", "--strict", "--no-references", str(with_passport_copy(tmp_path)))
    assert "TW101-held-document" in out
    assert message == "1 finding(s) of severity error (--strict)"
    warnings_only = write(tmp_path, "counter.yaml", fee={"amount": "5.000", "payment": "counter"})
    assert "1 warning(s)" in run("lint", "--strict", "--no-references", str(warnings_only))


def test_findings_do_not_fail_without_strict(tmp_path: Path) -> None:
    assert "1 error(s)" in run("lint", "--no-references", str(with_passport_copy(tmp_path)))


def test_an_invalid_file_shows_its_problems_and_is_not_linted(tmp_path: Path) -> None:
    broken = write(tmp_path, "broken.yaml", maturity="excellent")
    with_passport_copy(tmp_path)
    out, message = run_failing("lint", "--no-references", str(tmp_path))
    assert f"{broken}:" in out and "maturity: 'excellent' is not allowed here" in out
    assert "passport.yaml:documents[1]: TW101-held-document" in out  # the valid file is still linted
    assert message == "1 file(s) have problems and were not linted"


def test_paths_or_all_but_not_both_nor_neither(tmp_path: Path) -> None:
    assert "--all" in run_failing("lint")[1]
    assert "--all" in run_failing("lint", "--all", str(tmp_path))[1]


def test_a_missing_path_is_named(tmp_path: Path) -> None:
    assert "nothing-here.yaml" in run_failing("lint", str(tmp_path / "nothing-here.yaml"))[1]


@pytest.mark.django_db
def test_all_lints_the_current_published_version_of_every_service() -> None:
    current = dict(Service.objects.values_list("code", "current_version"))
    lines = run("lint", "--all").splitlines()
    tariffs = f"EWA-TARIFF-INFO@v{current['EWA-TARIFF-INFO']}:maturity: TW109-informational-high-volume warning: "
    assert any(line.startswith(tariffs) for line in lines)
    renewal = f"NPRA-PASSPORT-RENEW@v{current['NPRA-PASSPORT-RENEW']}:"
    assert any(line.startswith(renewal) and "TW101-held-document error" in line for line in lines)
    assert f" in {len(current)} definition(s): " in lines[-1]
