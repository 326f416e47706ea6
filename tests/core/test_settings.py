"""Configuration comes from the environment; production never guesses a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SHOW = "from django.conf import settings; print(settings.SECRET_KEY, settings.DATABASES['default']['ENGINE'])"


def run_settings(var_dir: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    base = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "SECRET_KEY"}}
    base |= {"DJANGO_SETTINGS_MODULE": "tahawul.settings", "TAHAWUL_VAR_DIR": str(var_dir)} | environment
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {SHOW}"],
        env=base,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_without_a_secret_key_refuses_to_start(tmp_path: Path) -> None:
    result = run_settings(tmp_path, TAHAWUL_ENV="production", ALLOWED_HOSTS="gov.example", DATABASE_URL="sqlite:///x")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when TAHAWUL_ENV=production" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_needs_allowed_hosts_and_a_database(tmp_path: Path) -> None:
    result = run_settings(tmp_path, TAHAWUL_ENV="production", SECRET_KEY="s" * 50, DATABASE_URL="sqlite:///x")
    assert "ALLOWED_HOSTS must be set" in result.stderr
    result = run_settings(tmp_path, TAHAWUL_ENV="production", SECRET_KEY="s" * 50, ALLOWED_HOSTS="gov.example")
    assert "DATABASE_URL must be set" in result.stderr


def test_embedded_mode_generates_a_secret_once_and_keeps_it(tmp_path: Path) -> None:
    first = run_settings(tmp_path)
    second = run_settings(tmp_path)
    assert first.returncode == 0, first.stderr
    secret, engine = first.stdout.split()
    assert len(secret) >= 50
    assert second.stdout == first.stdout
    assert engine == "django.db.backends.sqlite3"
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_database_url_selects_postgresql(tmp_path: Path) -> None:
    result = run_settings(tmp_path, DATABASE_URL="postgres://user@db.example:5432/tahawul")
    assert result.stdout.split()[1] == "django.db.backends.postgresql"
