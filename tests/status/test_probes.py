"""/healthz and /readyz, as a load balancer calls them: tiny, never cached, no session; /readyz
answers 503 with the reason when the database cannot be reached (a real process of the platform,
pointed at a database port where nothing listens)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_database_or_a_session(client: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"
    assert len(queries) == 0
    assert not response.cookies
    assert client.post("/healthz").status_code == 405


def test_readyz_says_what_it_looked_at(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "queue": "ok"}}
    assert not response.cookies


PROBE = """
import json
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="localhost")
answers = {path: client.get(path) for path in ("/healthz", "/readyz")}
print(json.dumps({path: [answer.status_code, answer.content.decode()] for path, answer in answers.items()}))
"""


def test_readyz_is_503_with_the_reason_when_the_database_is_unreachable(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once the block ends
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "tahawul.settings",
        "DATABASE_URL": f"postgres://tahawul@127.0.0.1:{port}/tahawul",
        "TAHAWUL_VAR_DIR": str(tmp_path),
        "LOG_LEVEL": "CRITICAL",
    }

    finished = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, timeout=60, check=True
    )

    answers = json.loads(finished.stdout.strip().splitlines()[-1])
    assert answers["/healthz"] == [200, "ok\n"]  # the process is up: keep it, but send it nothing
    status, body = answers["/readyz"]
    assert status == 503
    assert json.loads(body) == {"status": "not ready", "checks": {"database": "unreachable", "queue": "unreachable"}}
    assert str(port) not in body  # nothing about the network is told to whoever asks
