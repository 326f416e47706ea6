"""Browser tests: Debian's Chromium driven by Playwright against ``tahawul run`` itself.

The server is the real thing ``make run`` starts (migrate, demo load, collectstatic, gunicorn)
on its own SQLite database in a temporary directory, on a free port.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class RunningServer:
    url: str
    var_dir: Path  # TAHAWUL_VAR_DIR of the server: its database, documents and outbox


@pytest.fixture(scope="session")
def running_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    var_dir = tmp_path_factory.mktemp("var")
    port = _free_port()
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment |= {"TAHAWUL_VAR_DIR": str(var_dir), "PYTHONUNBUFFERED": "1"}
    # Links the server prints for people to follow (certificate QR codes, SMS) lead back to it.
    environment["TAHAWUL_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    log = Path(var_dir) / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "tahawul", "run", "--port", str(port), "--workers", "2"],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/ar/", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"tahawul run did not start:\n{log.read_text()}")
                time.sleep(0.3)
        yield RunningServer(url=url, var_dir=Path(var_dir))
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="session")
def live_url(running_server: RunningServer) -> str:
    return running_server.url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.skip("CHROMIUM IS NOT INSTALLED: browser tests SKIPPED (make test runs scripts/ensure-system-packages)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    opened = context.new_page()
    yield opened
    context.close()
