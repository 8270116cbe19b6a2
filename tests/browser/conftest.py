"""A real browser: Debian's Chromium driven by Playwright, against the app served on a free port.

The machine has no internet: Chromium runs headless with everything that would call out switched off,
in a fresh profile per test. Screenshots of the key pages go to ``screenshots/`` (or
``DOCSERVICE_SCREENSHOTS``) for review.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--lang=vi-VN"]
SHOTS = Path(os.environ.get("DOCSERVICE_SCREENSHOTS", Path(__file__).resolve().parents[2] / "screenshots"))
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture(scope="module")
def playwright_instance():
    """Per module: Playwright's sync API keeps an event loop running in this thread while it lives, and
    later tests that run their own (pyHanko's signing) must not find it there."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: make test installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture
def live_server(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(params=["desktop", "phone"])
def browser_context(request, playwright_instance):
    """A fresh Chromium profile at a desktop or a phone-sized viewport."""
    profile = tempfile.mkdtemp(prefix="chromium-")
    context = playwright_instance.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, headless=True, args=ARGS, locale="vi-VN",
        **(PHONE if request.param == "phone" else DESKTOP))
    context.set_default_timeout(15_000)
    context.form_factor = request.param
    yield context
    context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def shot(browser_context):
    """``shot(page, "tim-kiem")`` saves a full-page screenshot as screenshots/<form factor>-<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SHOTS / f"{browser_context.form_factor}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def database_url(tmp_path: Path, sqlite_template: Path) -> str | None:
    """Browser tests use the SQLite catalogue only (the PostgreSQL one is covered below the pages)."""
    (tmp_path / "archive").mkdir()
    shutil.copy(sqlite_template, tmp_path / "archive" / "catalogue.sqlite3")
    return None
