"""DOCX→PDF: a cold ``soffice --headless --convert-to pdf`` per file against the warm converter pool.

Both convert the same rendered resolution in one run; the pool is measured one document at a time
(latency) and with concurrent requests (throughput on all cores). Run: ``make bench``.
Results are measurements, not tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docservice.generation.catalogue import TemplateCatalogue  # noqa: E402
from docservice.generation.pool import ConverterPool, PoolConverter, PoolServer  # noqa: E402
from tests.builders import render_example  # noqa: E402


def cold(docx: bytes, profile: Path | None = None) -> float:
    """One ``soffice`` start for one file; with ``profile`` the LibreOffice profile is reused."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "doc.docx"
        source.write_bytes(docx)
        started = time.perf_counter()
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(profile or Path(tmp) / 'p').as_uri()}",
                        "--convert-to", "pdf", "--outdir", tmp, str(source)], check=True, capture_output=True)
        return time.perf_counter() - started


def throughput(client: PoolConverter, docx: bytes, count: int, workers: int) -> float:
    left = list(range(count))
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not left:
                    return
                left.pop()
            client.convert(docx)

    started = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--burst", type=int, default=40)
    args = parser.parse_args()
    docx = render_example(TemplateCatalogue(ROOT / "templates_docx").get("nghi-quyet-chi-bo"))
    slots = os.cpu_count() or 1
    cold_times = [cold(docx) for _ in range(args.rounds)]
    reused = Path(tempfile.mkdtemp(prefix="dsb-profile-"))
    cold(docx, reused)
    reused_times = [cold(docx, reused) for _ in range(args.rounds)]
    pool = ConverterPool(slots=slots, unoserver=str(ROOT / ".venv-uno/bin/unoserver"), timeout=60, max_queue=1000,
                         restart_after=10_000)
    pool.start()
    path = Path(tempfile.mkdtemp(prefix="dsb-")) / "pool.sock"
    server = PoolServer(path, pool)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = PoolConverter(path, timeout=60)
    try:
        client.convert(docx)
        warm_times = []
        for _ in range(args.rounds * 3):
            started = time.perf_counter()
            client.convert(docx)
            warm_times.append(time.perf_counter() - started)
        rate = throughput(client, docx, args.burst, workers=slots * 2)
    finally:
        server.shutdown()
        pool.stop()
    cold_s, warm_s = statistics.median(cold_times), statistics.median(warm_times)
    reused_s = statistics.median(reused_times)
    print(f"# DOCX→PDF, one resolution, {slots} cores")
    print(f"{'converter':<40}{'s/doc (median)':>16}{'PDFs/s':>10}")
    print(f"{'cold soffice, new profile each time':<40}{cold_s:>16.3f}{1 / cold_s:>10.2f}")
    print(f"{'cold soffice, profile reused':<40}{reused_s:>16.3f}{1 / reused_s:>10.2f}")
    print(f"{'warm pool, one at a time':<40}{warm_s:>16.3f}{1 / warm_s:>10.2f}")
    print(f"{f'warm pool, {args.burst} docs on {slots} slots':<40}{'':>16}{rate:>10.2f}")
    print(f"per-document speed-up warm vs cold: {cold_s / warm_s:.1f}× (profile reused: {reused_s / warm_s:.1f}×)")


if __name__ == "__main__":
    main()
