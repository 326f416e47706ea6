"""Submissions per second through HTTP, against a baseline measured in the same run.

    .venv/bin/python bench/submit.py [--seconds 10] [--clients 8] [--database sqlite|postgresql|both]

For each database: a throw-away database with the demo government, gunicorn with 2 sync workers
(as `make run` on these 2-core machines), and N client threads on keep-alive connections posting
for a fixed time. Two endpoints, alternated twice so that drift in the machine's load hits both:

* real:     POST /api/v1/applications (token auth, Idempotency-Key, the service's validator,
            workflow, history events, notifications queued) for a fee-free service;
* baseline: POST /bench/baseline, a bare Django view inserting the same rows in one transaction.

Before measuring, one request to each is checked to write the same number of rows to the same
tables. The goal (issue 3): real >= 0.5 x baseline.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ANSWERS = {
    "programme_choice": "office_computing",
    "preferred_time": "morning",
    "currently_employed": False,
    "mobile_number": "33123456",
}
POSTGRES_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (make run: one per core)")
    arguments = parser.parse_args()
    databases = ["sqlite", "postgresql"] if arguments.database == "both" else [arguments.database]
    for database in databases:
        if database == "postgresql" and not _postgres_answers():
            print("postgresql: no server on 127.0.0.1:5432, skipped")
            continue
        run(database, arguments.seconds, arguments.clients, arguments.workers)


def run(database: str, seconds: float, clients: int, workers: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="tahawul-bench-submit-"))
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {
        "TAHAWUL_VAR_DIR": str(workdir),
        "DJANGO_SETTINGS_MODULE": "submit_settings",
        "PYTHONPATH": str(BENCH_DIR),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    if database == "postgresql":
        name = "tahawul_bench_submit"
        _postgres_sql(f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    token = _prepare(env)
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tahawul.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        _wait_for(port)
        real = Endpoint("/api/v1/applications", token)
        baseline = Endpoint("/bench/baseline", token)
        real.post_once(port)  # creates this month's KPI counter cell; from then on both update it, as in service
        real_rows = _rows_written(env, lambda: real.post_once(port))
        baseline_rows = _rows_written(env, lambda: baseline.post_once(port))
        if real_rows != baseline_rows:
            sys.exit(f"the baseline does not write the same rows: real {real_rows}, baseline {baseline_rows}")
        print(f"\n{database}: each submission writes {real_rows}")
        for endpoint in (baseline, real):  # warm both, untimed
            measure(endpoint, port, 1.0, clients)
        rates: dict[str, list[float]] = {"baseline": [], "real": []}
        for _round in range(2):
            rates["baseline"].append(measure(baseline, port, seconds, clients))
            rates["real"].append(measure(real, port, seconds, clients))
        base, mine = statistics.mean(rates["baseline"]), statistics.mean(rates["real"])
        print(f"  baseline (bare view, same rows): {base:7.1f} submissions/s  rounds {_fmt(rates['baseline'])}")
        print(f"  POST /api/v1/applications:       {mine:7.1f} submissions/s  rounds {_fmt(rates['real'])}")
        print(f"  ratio real/baseline: {mine / base:.2f}  (goal >= 0.50)")
    finally:
        server.terminate()
        server.wait(timeout=30)


class Endpoint:
    def __init__(self, path: str, token: str) -> None:
        self.path = path
        self.body = json.dumps({"service": "MOL-TRAINING-REGISTER", "answers": ANSWERS, "channel": "mobile"})
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(self, connection: http.client.HTTPConnection) -> int:
        headers = {**self.headers, "Idempotency-Key": uuid.uuid4().hex}
        connection.request("POST", self.path, body=self.body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status

    def post_once(self, port: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        status = self.post(connection)
        connection.close()
        if status != 201:
            sys.exit(f"{self.path} answered {status}, not 201")


def measure(endpoint: Endpoint, port: int, seconds: float, clients: int) -> float:
    deadline = time.monotonic() + seconds
    counts = [0] * clients
    failures: list[int] = []

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            status = endpoint.post(connection)
            if status == 201:
                counts[index] += 1
            else:
                failures.append(status)
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"{endpoint.path}: {len(failures)} requests failed, e.g. status {failures[0]}")
    return sum(counts) / (time.monotonic() - started)


def _prepare(env: dict[str, str]) -> str:
    script = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from tahawul.demo.loader import load_demo; load_demo()\n"
        "from tahawul.identity.models import User\n"
        "from tahawul.identity.tokens import issue_token\n"
        "user = User.objects.create_user('bench', email='bench@example.com', mobile='+97333999999')\n"
        "print(issue_token(user=user, name='bench'))\n"
    )
    output = subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True)
    return output.stdout.strip().splitlines()[-1]


def _rows_written(env: dict[str, str], action: object) -> dict[str, int]:
    before = _row_counts(env)
    action()  # type: ignore[operator]
    after = _row_counts(env)
    return {table: after[table] - before[table] for table in after if after[table] != before.get(table, 0)}


def _row_counts(env: dict[str, str]) -> dict[str, int]:
    script = (
        "import django, json; django.setup()\n"
        "from django.db import connection\n"
        "tables = connection.introspection.table_names()\n"
        "with connection.cursor() as cursor:\n"
        "    counts = {}\n"
        "    for table in tables:\n"
        "        cursor.execute(f'SELECT COUNT(*) FROM \"{table}\"')\n"
        "        counts[table] = cursor.fetchone()[0]\n"
        "print(json.dumps(counts))\n"
    )
    output = subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not start")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _postgres_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return False
    return True


def _postgres_sql(*statements: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{value:.1f}" for value in values)


if __name__ == "__main__":
    main()
