"""Kill -9 the server while clients submit with Idempotency-Keys, restart it, and check that
every submission answered 201 is there exactly once and that retries made no duplicates.

The server is the real `tahawul run` (gunicorn, 2 sync workers) on its own database: SQLite
in a temporary directory, or a fresh PostgreSQL database when the suite runs against one.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CLIENTS = 4
PER_CLIENT = 20
ANSWERS = {
    "programme_choice": "office_computing",
    "preferred_time": "morning",
    "currently_employed": False,
    "mobile_number": "33123456",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("a") as output:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tahawul",
                    "run",
                    "--port",
                    str(self.port),
                    "--workers",
                    "2",
                    "--no-demo",
                    "--no-worker",
                ],
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/api/v1/services?limit=1")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"the server did not start:\n{self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL to `tahawul run`, gunicorn's master and its workers at the same instant."""
        assert self.process is not None
        for pid in [self.process.pid, *_descendants(self.process.pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, frontier = [], [pid]
    while frontier:
        for child in children.get(frontier.pop(), []):
            found.append(child)
            frontier.append(child)
    return found


@pytest.fixture
def environment(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {"TAHAWUL_VAR_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "WARNING"}
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith("postgres"):
        import psycopg

        crash_database = "tahawul_crash_test"
        admin = database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {crash_database}")  # type: ignore[arg-type]
            connection.execute(f"CREATE DATABASE {crash_database}")  # type: ignore[arg-type]
        env["DATABASE_URL"] = database_url.rsplit("/", 1)[0] + f"/{crash_database}"
    yield env


def _python(env: dict[str, str], script: str) -> str:
    prelude = "import django; django.setup()\n"
    result = subprocess.run(
        [sys.executable, "-c", prelude + script], env=env, check=True, capture_output=True, text=True
    )
    return result.stdout.strip().splitlines()[-1]


def test_killed_server_loses_no_acknowledged_submission_and_makes_no_duplicates(
    environment: dict[str, str], tmp_path: Path
) -> None:
    subprocess.run([sys.executable, "-m", "tahawul", "migrate", "-v0"], env=environment, check=True)
    token = _python(
        environment,
        "from tahawul.demo.loader import load_demo; load_demo()\n"
        "from tahawul.identity.models import User\n"
        "from tahawul.identity.tokens import issue_token\n"
        "user = User.objects.create_user('crash', email='crash@example.com')\n"
        "print(issue_token(user=user, name='crash test'))\n",
    )
    server = Server(environment, _free_port(), tmp_path / "server.log")
    server.start()

    acknowledged: dict[str, str] = {}  # Idempotency-Key -> reference answered with 201
    replies_per_key: dict[str, set[str]] = {}
    lock = threading.Lock()
    submitted = [0]

    def client(number: int) -> None:
        body = json.dumps({"service": "MOL-TRAINING-REGISTER", "answers": ANSWERS, "channel": "mobile"})
        for index in range(PER_CLIENT):
            key = f"crash-{number}-{index}"
            while True:  # a real mobile app retries with the same key until it hears back
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
                    connection.request(
                        "POST",
                        "/api/v1/applications",
                        body=body,
                        headers={
                            "Authorization": f"Bearer {token}",
                            "Content-Type": "application/json",
                            "Idempotency-Key": key,
                        },
                    )
                    response = connection.getresponse()
                    payload = response.read()
                    connection.close()
                except OSError:
                    time.sleep(0.1)
                    continue
                if response.status >= 500:
                    time.sleep(0.1)
                    continue
                assert response.status == 201, payload
                reference = json.loads(payload)["reference"]
                with lock:
                    acknowledged.setdefault(key, reference)
                    replies_per_key.setdefault(key, set()).add(reference)
                    submitted[0] += 1
                break

    threads = [threading.Thread(target=client, args=(number,)) for number in range(CLIENTS)]
    for thread in threads:
        thread.start()
    total = CLIENTS * PER_CLIENT
    while submitted[0] < total * 0.4:
        time.sleep(0.01)
    server.kill()  # mid-stream: requests in flight are cut off; clients retry with their keys
    time.sleep(0.5)
    server.start()
    for thread in threads:
        thread.join(timeout=300)
    server.stop()

    assert len(acknowledged) == total
    assert all(len(references) == 1 for references in replies_per_key.values()), "a retry got a different reference"
    stored = json.loads(
        _python(
            environment,
            "import json\n"
            "from tahawul.applications.models import Application, IdempotencyRecord\n"
            "rows = list(Application.objects.filter(applicant__username='crash').values_list('reference', flat=True))\n"
            "print(json.dumps({'references': rows, 'keys': IdempotencyRecord.objects.count()}))\n",
        )
    )
    assert sorted(stored["references"]) == sorted(acknowledged.values())  # each exactly once, none extra
    assert stored["keys"] == total
