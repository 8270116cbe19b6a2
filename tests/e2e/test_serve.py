"""End to end: ``docservice serve`` on a free port, walked as a secretary, an archivist, a reader."""

import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.builders import text_pdf
from tests.conftest import TEMPLATES

pytestmark = pytest.mark.slow
PASSWORD = "AnPhu2026demo"  # the demo password printed by init --demo


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSERVICE_")}
    env.update(DOCSERVICE_ARCHIVE_DIR=str(tmp_path / "archive"), DOCSERVICE_SEARCH_DIR=str(tmp_path / "search"),
               DOCSERVICE_TEMPLATES_DIR=str(TEMPLATES), DOCSERVICE_INDEXER_POLL_SECONDS="0.2")
    return env


def _cli(env, *args):
    return subprocess.run([sys.executable, "-m", "docservice.cli", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def _start(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    """``docservice serve`` on a free port, once its converter pool is ready."""
    port = _free_port()
    with log.open("ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "docservice.cli", "serve", "--port", str(port),
                                    "--workers", "2"], env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).json().get("converter") == "ready":
                return process, base
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    process.wait()
    pytest.fail("server did not start: " + log.read_text(errors="replace")[-2000:])


def _stop(process: subprocess.Popen, log: Path) -> None:
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=40) == 0
    assert not _descendants(process.pid), "a part of serve outlived it"
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.startswith("{")]
    assert lines and all(json.loads(line)["level"] for line in lines)  # structured, one object per line


def _initialised(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**_env(tmp_path), **extra}
    init = _cli(env, "init", "--demo")
    assert init.returncode == 0, init.stderr
    assert "bithu.kp1" in init.stdout and PASSWORD in init.stdout
    return env


@pytest.fixture
def server(tmp_path):
    env, log = _initialised(tmp_path), tmp_path / "serve.log"
    process, base = _start(env, log)
    yield base, env, process.pid
    _stop(process, log)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _descendants(pid: int) -> list[int]:
    return [d for child in _children(pid) for d in (child, *_descendants(child))]


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _part(serve_pid: int, marker: str) -> int:
    return next(p for p in _children(serve_pid) if marker in _cmdline(p))


def _token(http, user):
    response = http.post("/api/v1/auth/token", json={"username": user, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _org_id(http, headers, code):
    return next(o["id"] for o in http.get("/api/v1/organizations?per_page=100", headers=headers).json()["items"]
                if o["code"] == code)


def test_generate_open_archive_and_find(server, tmp_path):
    base, env, _pid = server
    with httpx.Client(base_url=base, timeout=60) as http:
        secretary = _token(http, "bithu.kp1")
        kp1 = _org_id(http, secretary, "cb-kp1")
        created = http.post("/api/v1/documents", headers=secretary, json={
            "template": "nghi-quyet-chi-bo", "organization_id": kp1,
            "fields": {"date": "2026-02-05", "subject": "về lãnh đạo thực hiện nhiệm vụ tháng 02/2026",
                       "results": "Chi bộ lãnh đạo đảng viên hoàn thành nhiệm vụ; giữ vững an ninh trật tự.",
                       "tasks": ["Rà soát, sàng lọc đảng viên theo kế hoạch."], "signer_name": "Nguyễn Văn Hùng"}})
        assert created.status_code == 201, created.text
        document = created.json()
        assert document["number"] == "01-NQ/CB"
        pdf = http.get(document["pdf_url"], headers=secretary)
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout
        assert "Rà soát, sàng lọc đảng viên theo kế hoạch." in text.decode()
        assert "CHI BỘ KHU PHỐ 1" in text.decode() and "Số 01-NQ/CB" in text.decode()

        archivist = _token(http, "luutru")
        signed = text_pdf("NGHỊ QUYẾT về lãnh đạo thực hiện nhiệm vụ tháng 02/2026.\n"
                          "Chi bộ lãnh đạo đảng viên hoàn thành nhiệm vụ được giao.")
        uploaded = http.post("/api/v1/records", headers=archivist, files={"file": ("ky.pdf", io.BytesIO(signed))},
                             data={"metadata": json.dumps({"document_id": document["id"]})})
        assert uploaded.status_code == 201, uploaded.text
        record = uploaded.json()
        assert record["number"] == "01-NQ/CB" and record["organization_id"] == kp1
        stored_at = time.monotonic()

        found: dict[str, float] = {}
        while len(found) < 2 and time.monotonic() - stored_at < 2.0:
            for q in ("dang vien", "đảng viên"):
                hits = http.get("/api/v1/search", params={"q": q}, headers=archivist).json()["hits"]
                if q not in found and record["id"] in [h["id"] for h in hits]:
                    found[q] = time.monotonic() - stored_at
            time.sleep(0.05)
        assert set(found) == {"dang vien", "đảng viên"}, f"not searchable within 2 s: {found}"

        school_reader = _token(http, "giaovien.th")
        assert http.get(f"/api/v1/records/{record['id']}", headers=school_reader).status_code == 404
        assert http.get(document["pdf_url"], headers=school_reader).status_code == 404
        hidden = http.get("/api/v1/search", params={"q": "dang vien"}, headers=school_reader).json()
        assert hidden["total"] == 0 and hidden["hits"] == []

        bad = http.post("/api/v1/records", headers=archivist, files={"file": ("x.pdf", io.BytesIO(b"not a pdf"))},
                        data={"metadata": json.dumps({"document_id": document["id"]})})
        assert bad.status_code == 415 and bad.headers["content-type"] == "application/problem+json"
        assert bad.json()["code"] == "unsupported_media_type"
        assert http.get("/api/v1/search", params={"q": "-x"}, headers=archivist).status_code == 400

    again = _cli(env, "init", "--demo")  # running make run twice keeps the data
    assert again.returncode == 0
    assert _cli(env, "audit", "verify").returncode == 0


def test_killing_a_web_worker_or_the_indexer_under_load_fails_only_requests_in_flight(server):
    base, _env, serve_pid = server
    with httpx.Client(base_url=base, timeout=30) as http:
        archivist = _token(http, "luutru")
        kp1 = _org_id(http, archivist, "cb-kp1")
        ids = []
        for index in range(5):
            uploaded = http.post("/api/v1/records", headers=archivist,
                                 files={"file": ("a.pdf", io.BytesIO(text_pdf(f"NGHỊ QUYẾT số {index} về dân vận.")))},
                                 data={"metadata": json.dumps({"doc_type": "nghi_quyet", "date": "2025-05-01",
                                                               "organization_id": kp1, "title": f"Dân vận {index}"})})
            assert uploaded.status_code == 201, uploaded.text
            ids.append(uploaded.json()["id"])

    outcomes: list[tuple[float, str]] = []
    stop = threading.Event()

    def load(worker: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while not stop.is_set():
                path = "/api/v1/search?q=dan+van" if worker % 2 else f"/api/v1/records/{ids[worker % len(ids)]}"
                try:
                    status = str(client.get(path, headers=archivist).status_code)
                except httpx.HTTPError as error:
                    status = type(error).__name__
                outcomes.append((time.monotonic(), status))

    threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    gunicorn = _part(serve_pid, "gunicorn")
    workers = _children(gunicorn)
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)
    killed_worker_at = time.monotonic()
    time.sleep(2)
    indexer = _part(serve_pid, "cli indexer")
    os.kill(indexer, signal.SIGKILL)
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join()

    failures = [(at, status) for at, status in outcomes if status != "200"]
    assert len(outcomes) > 100
    # at most the requests the killed worker was serving fail (a threaded worker may serve each of the four
    # clients at that moment), and only then
    assert len(failures) <= 4, failures
    assert all(abs(at - killed_worker_at) < 2 for at, _status in failures)
    assert len(_children(gunicorn)) == 2 and workers[0] not in _children(gunicorn)  # replaced
    new_indexer = _part(serve_pid, "cli indexer")
    assert new_indexer != indexer  # restarted by serve
    with httpx.Client(base_url=base, timeout=30) as http:
        uploaded = http.post("/api/v1/records", headers=archivist,
                             files={"file": ("b.pdf", io.BytesIO(text_pdf("NGHỊ QUYẾT về khuyến học sau sự cố.")))},
                             data={"metadata": json.dumps({"doc_type": "nghi_quyet", "date": "2025-06-01",
                                                           "organization_id": kp1, "title": "Khuyến học"})})
        new_id = uploaded.json()["id"]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            hits = http.get("/api/v1/search", params={"q": "khuyen hoc"}, headers=archivist).json()["hits"]
            if new_id in [h["id"] for h in hits]:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the restarted indexer did not index a new record within 10 s")


def test_killing_the_supervisor_ends_every_part_and_a_second_serve_or_indexer_cannot_start(tmp_path):
    """``kill -9`` of ``docservice serve`` leaves nothing running (parts die with their supervisor), and while
    one runs, another ``serve``, indexer or job worker on the same archive refuses to start."""
    env, log = _initialised(tmp_path), tmp_path / "serve.log"
    process, _base = _start(env, log)
    second = _cli(env, "serve", "--port", str(_free_port()))
    assert second.returncode == 1 and "đã chạy trên kho lưu trữ này" in second.stderr
    for part in ("indexer", "worker"):
        alone = _cli(env, part)
        assert alone.returncode == 75 and f"docservice {part} đã chạy" in alone.stderr
    parts = _descendants(process.pid)
    assert len(parts) >= 6  # converter (+ its LibreOffice), gunicorn and its workers, indexer, job worker
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and [p for p in parts if Path(f"/proc/{p}").exists()]:
        time.sleep(0.5)
    left = [(p, _cmdline(p)) for p in parts if Path(f"/proc/{p}").exists()]
    assert not left, f"parts outlived their supervisor: {left}"
    # the archive is free again: a new serve starts and runs its own indexer and worker
    process, _base = _start(env, log)
    assert _part(process.pid, "cli indexer") and _part(process.pid, "cli worker")
    _stop(process, log)


def _healthz_latencies(base: str, stop: threading.Event, seen: list[float]) -> None:
    with httpx.Client(base_url=base, timeout=10) as client:
        while not stop.is_set():
            started = time.monotonic()
            assert client.get("/healthz").status_code == 200
            seen.append(time.monotonic() - started)
            time.sleep(0.2)


def test_worst_case_requests_never_hold_up_the_service(tmp_path):
    """Readers' layout checks of hostile Word files, an admin's template whose Jinja never ends, a scan of
    blank pages, a book with a decompression bomb in it — sent at once, again and again: each gets its clear
    answer (413, 422, 503 with Retry-After, or the work done), and /healthz answers within a second throughout.
    (Without limits, two of the Word files alone held both web workers for half a minute.)"""
    from tests.integration.test_heavy_work import _bomb_pdf, _docx_of, _template_upload_form

    env = _initialised(tmp_path, DOCSERVICE_HEAVY_SECONDS="5")
    log = tmp_path / "serve.log"
    process, base = _start(env, log)
    try:
        with httpx.Client(base_url=base, timeout=120) as http:
            reader, admin, archivist = _token(http, "uyvien"), _token(http, "quantri"), _token(http, "luutru")
            kp1 = _org_id(http, archivist, "cb-kp1")
            bomb = http.post("/api/v1/records", headers=archivist, files={"file": ("b.pdf", _bomb_pdf(200))},
                             data={"metadata": json.dumps({"doc_type": "nghi_quyet", "date": "2026-03-02",
                                                           "organization_id": kp1, "title": "Tệp hiểm"})})
            assert bomb.status_code == 201, bomb.text
        blank = io.BytesIO()
        from pypdf import PdfWriter

        writer = PdfWriter()
        for _ in range(100):
            writer.add_blank_page(595, 842)
        writer.write(blank)
        template_form = _template_upload_form(TEMPLATES, "{% for i in range(100000) %}{% for j in range(100000) %}"
                                                         "{% endfor %}{% endfor %}", "9.9.9")
        attacks = [
            ("post", "/api/v1/layout-check", reader, {"files": {"file": ("a.docx", _docx_of(40_000))}}),
            ("post", "/api/v1/layout-check", reader, {"files": {"file": ("b.docx", _docx_of(1_900))}}),
            ("post", "/api/v1/templates", admin, template_form),
            ("post", "/api/v1/records", archivist, {"files": {"file": ("trang.pdf", blank.getvalue())},
                                                    "data": {"metadata": json.dumps({
                                                        "doc_type": "bao_cao", "date": "2026-03-02",
                                                        "organization_id": kp1, "title": "Trang trắng"})}}),
            ("get", f"/api/v1/organizations/{kp1}/books/resolutions.pdf?year=2026", archivist, {}),
        ]
        answers: list[tuple[str, int, str | None]] = []

        def attack(method, path, headers, kwargs):
            with httpx.Client(base_url=base, timeout=120) as client:
                for _ in range(2):
                    response = client.request(method, path, headers=headers, **kwargs)
                    answers.append((path, response.status_code, response.headers.get("retry-after")))

        latencies: list[float] = []
        stop = threading.Event()
        watcher = threading.Thread(target=_healthz_latencies, args=(base, stop, latencies))
        watcher.start()
        time.sleep(0.5)
        threads = [threading.Thread(target=attack, args=a) for a in attacks * 2]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stop.set()
        watcher.join()
    finally:
        _stop(process, log)
    # (the same scan sent again is a 409: the archive already holds it)
    assert len(answers) == 20 and all(status in (200, 201, 409, 413, 422, 503) for _p, status, _r in answers), \
        sorted(answers)
    assert all(retry for _p, status, retry in answers if status == 503), answers
    assert {status for path, status, _r in answers if path.endswith("layout-check")} >= {413}
    print(f"/healthz during the attack: {len(latencies)} answers, slowest {max(latencies) * 1000:.0f} ms")
    assert len(latencies) > 20 and max(latencies) < 1.0, sorted(latencies)[-5:]
