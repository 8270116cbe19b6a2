"""The converter pool with real LibreOffice: concurrency, the queue limit, timeouts, killed processes."""

import os
import signal
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest

from docservice.errors import ConversionFailed, ServiceUnavailable
from docservice.generation.catalogue import TemplateCatalogue
from docservice.generation.pool import ConverterPool, PoolConverter, PoolServer
from tests.builders import render_example

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
UNOSERVER = str(ROOT / ".venv-uno" / "bin" / "unoserver")
DOCX = render_example(TemplateCatalogue(ROOT / "templates_docx").get("nghi-quyet-chi-bo"))


@pytest.fixture
def running_pool():
    """Start a pool (size, queue, timeout) listening on a socket; stopped after the test."""
    started = []

    def start(*, slots=2, max_queue=32, timeout=30.0, restart_after=200):
        pool = ConverterPool(slots=slots, unoserver=UNOSERVER, timeout=timeout, max_queue=max_queue,
                             restart_after=restart_after)
        pool.start()
        path = Path(tempfile.mkdtemp(prefix="dsp-")) / "p.sock"  # Unix socket paths must stay short
        server = PoolServer(path, pool)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append((server, pool))
        return pool, PoolConverter(path, timeout=timeout, retry_pause=(0.05, 0.1))

    yield start
    for server, pool in started:
        server.shutdown()
        server.server_close()
        pool.stop()


def _burst(client, count):
    results, errors = [], []

    def one():
        try:
            results.append(client.convert(DOCX))
        except (ConversionFailed, ServiceUnavailable) as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a request was never answered"
    return results, errors


def test_twenty_concurrent_conversions_all_succeed(running_pool):
    pool, client = running_pool(slots=2)
    results, errors = _burst(client, 20)
    assert errors == [] and len(results) == 20
    assert all(pdf.startswith(b"%PDF-") for pdf in results)
    assert sum(slot.conversions for slot in pool.slots) == 20


def test_the_queue_limit_answers_busy_with_retry_after(running_pool):
    _, client = running_pool(slots=1, max_queue=1)
    results, errors = _burst(client, 6)
    busy = [e for e in errors if isinstance(e, ServiceUnavailable) and not isinstance(e, ConversionFailed)]
    assert busy and len(results) + len(busy) == 6
    assert busy[0].status == 503 and busy[0].headers["Retry-After"] == "2"


def test_a_conversion_over_its_time_is_killed_and_the_slot_comes_back(running_pool):
    pool, client = running_pool(slots=1)
    before = pool.slots[0].soffice_pids()
    pool.timeout = 0.01
    with pytest.raises(ConversionFailed) as raised:
        client.convert(DOCX)
    assert "quá thời gian" in raised.value.detail and "thử lại" in raised.value.detail
    pool.timeout = 30.0
    assert client.convert(DOCX).startswith(b"%PDF-")
    assert pool.slots[0].soffice_pids() != before


def test_killing_libreoffice_during_a_burst_loses_no_request(running_pool):
    pool, client = running_pool(slots=2)
    victim = pool.slots[0].soffice_pids()
    assert victim
    outcome = {}

    def burst():
        outcome["results"], outcome["errors"] = _burst(client, 12)

    runner = threading.Thread(target=burst)
    runner.start()
    time.sleep(0.3)
    for pid in victim:
        os.kill(pid, signal.SIGKILL)
    runner.join(timeout=300)
    results, errors = outcome["results"], outcome["errors"]
    assert len(results) + len(errors) == 12
    assert all(isinstance(e, ConversionFailed) and e.detail for e in errors)
    assert len(results) >= 10  # a killed conversion is retried once on a healthy slot
    assert client.convert(DOCX).startswith(b"%PDF-")


def test_the_api_answers_503_with_retry_after_when_the_pool_is_busy(tmp_path, app, auth, world, client):
    path = tmp_path / "busy.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen()

    def always_busy():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                connection.sendall(b"BUSY 2\n")

    threading.Thread(target=always_busy, daemon=True).start()
    app.extensions["docservice"].converter = PoolConverter(path, timeout=5)
    template = app.extensions["docservice"].templates.get("nghi-quyet-chi-bo")
    response = client.post("/api/v1/documents", headers=auth("thuky.dong"), json={
        "template": "nghi-quyet-chi-bo", "organization_id": world.dong_id, "fields": template.manifest.example})
    listener.close()
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    assert response.get_json(force=True)["code"] == "service_unavailable"
