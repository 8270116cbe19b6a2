"""HTTP load against ``docservice serve``: wrk on search and record pages, as a committee office would.

Builds a fresh archive with the demo organisation and ``--records`` generated records (the records of
``bench/search.py``: minutes, resolutions, decisions, reports with numbers and dates, 10% mật), indexes
them with the chosen backend, starts ``docservice serve`` (``--workers`` web workers plus indexer,
converter pool and job worker), and runs wrk (Debian's ``wrk``) with ``--connections`` for
``--duration`` seconds in three runs: search only (the five query kinds of bench/search.py, with and
without diacritics, phrases, numbers, filters), record pages only (``GET /api/v1/records/{id}``), and
both mixed 1:1. Each request carries a bearer token of the demo's committee reader (whole đảng bộ,
clearance thường). Prints requests/s, p50/p95/p99 latency and every error wrk counted.

Run: ``.venv/bin/python bench/http.py`` (default: 10,000 records, whoosh, 16 connections, 60 s).
Results are measurements, not tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the standard library's ``http`` package: its own folder must not shadow it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import datetime as dt
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select

from bench.search import generate, queries
from docservice.cli import initialise
from docservice.config import Settings
from docservice.db.models import Clearance, Organization, Record
from docservice.search.indexer import rebuild
from docservice.services import Services

READER, PASSWORD = "uyvien", "AnPhu2026demo"

LUA = r"""
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local token = os.getenv("BENCH_TOKEN")
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1], {["Authorization"] = "Bearer " .. token})
end
done = function(summary, latency, requests)
  local out = io.open(os.getenv("BENCH_OUT"), "w")
  out:write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50": %.1f, "p95": %.1f, "p99": %.1f, "max": %.1f, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout))
  out:close()
end
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build(env: dict[str, str], count: int, words: int) -> list[int]:
    """The demo archive plus ``count`` records inserted in bulk, then indexed; the records' ids."""
    settings = Settings(**{k[len("DOCSERVICE_"):].lower(): v for k, v in env.items() if k.startswith("DOCSERVICE_")})
    services = Services.build(settings)
    initialise(services, demo=True)
    sha, size = services.blobs.put_bytes(b"%PDF-1.4\n% bench placeholder\n%%EOF\n")
    with services.catalogue.reader() as session:
        orgs = [org.id for org in session.scalars(select(Organization).order_by(Organization.id))]
    started = time.perf_counter()
    batch: list[dict] = []
    for record in generate(count, words):
        batch.append({"sha256": sha, "size": size, "pages": 2, "organization_id": orgs[record.id % len(orgs)],
                      "doc_type": record.doc_type, "number": record.number, "number_key": record.number_key,
                      "date": record.date, "title": record.title, "text": record.text,
                      "confidentiality": Clearance.mat if record.confidentiality else Clearance.thuong,
                      "text_source": "text_layer", "signatures": [], "warnings": [], "page_sources": [],
                      "review_reasons": [], "metadata_confidence": {}, "needs_review": False, "superseded": False,
                      "created_at": dt.datetime.now(dt.UTC)})
        if len(batch) == 2000:
            with services.catalogue.session() as session:
                session.execute(insert(Record), batch)
            batch = []
    if batch:
        with services.catalogue.session() as session:
            session.execute(insert(Record), batch)
    print(f"  {count:,} records in the catalogue in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    rebuild(services.catalogue, services.search_index)
    print(f"  indexed ({settings.search_backend}) in {time.perf_counter() - started:.1f} s", flush=True)
    with services.catalogue.reader() as session:
        ids = list(session.scalars(select(Record.id).where(Record.confidentiality == Clearance.thuong)))
    services.catalogue.dispose()
    return ids


def search_paths(count: int, orgs: list[int]) -> list[str]:
    paths = []
    for kind, items in queries(count).items():
        for q in items:
            params = {"q": " ".join(p for p in q.split() if ":" not in p)}
            for part in q.split():
                if part.startswith("year:"):
                    params["year"] = part[5:]
                if part.startswith("org:"):
                    params["organization_id"] = str(orgs[int(part[4:]) % len(orgs)])
            paths.append((kind, "/api/v1/search?" + urllib.parse.urlencode(params)))
    random.Random(3).shuffle(paths)
    return [p for _kind, p in paths]


def organisation_ids(work: Path) -> list[int]:
    services = Services.build(Settings(archive_dir=work / "archive", search_dir=work / "search"))
    with services.catalogue.reader() as session:
        found = list(session.scalars(select(Organization.id).order_by(Organization.id)))
    services.catalogue.dispose()
    return found


def wait_ready(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("serve exited: " + log.read_text(errors="replace")[-2000:])
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310 - local
                if json.load(response).get("converter") == "ready":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit("serve did not become ready")


def token(base: str) -> str:
    request = urllib.request.Request(f"{base}/api/v1/auth/token", method="POST",  # noqa: S310 - local
                                     data=json.dumps({"username": READER, "password": PASSWORD}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local
        return json.load(response)["token"]


def run_wrk(base: str, paths: list[str], tok: str, *, connections: int, duration: int, threads: int,
            work: Path, name: str) -> dict:
    (work / f"{name}.paths").write_text("\n".join(paths) + "\n", encoding="utf-8")
    script = work / "bench.lua"
    script.write_text(LUA, encoding="utf-8")
    out = work / f"{name}.json"
    env = {**os.environ, "BENCH_PATHS": str(work / f"{name}.paths"), "BENCH_TOKEN": tok, "BENCH_OUT": str(out)}
    subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "30s",
                    "-s", str(script), base], env=env, check=True, capture_output=True)
    result = json.loads(out.read_text())
    result["rps"] = result["requests"] / result["seconds"]
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=600, help="words per record")
    parser.add_argument("--backend", default="whoosh", choices=["whoosh", "tantivy"])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn web workers")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=60, help="seconds per run")
    parser.add_argument("--queries", type=int, default=40, help="queries per kind")
    parser.add_argument("--runs", default="search,records,mixed")
    parser.add_argument("--cache", type=int, default=None, help="DOCSERVICE_SEARCH_CACHE_ENTRIES (0 = off)")
    parser.add_argument("--keep", type=Path, help="build the archive here and keep it (reused when present)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-http-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("DOCSERVICE_")},
           "DOCSERVICE_ARCHIVE_DIR": str(work / "archive"), "DOCSERVICE_SEARCH_DIR": str(work / "search"),
           "DOCSERVICE_TEMPLATES_DIR": str(ROOT / "templates_docx"), "DOCSERVICE_SEARCH_BACKEND": args.backend,
           "DOCSERVICE_ADDRESS_ATTEMPTS": "10000"}
    if args.cache is not None:
        env["DOCSERVICE_SEARCH_CACHE_ENTRIES"] = str(args.cache)
    print(f"bench/http.py: {args.records:,} records, {args.backend}"
          f"{'' if args.cache is None else f' (cache {args.cache})'}, {args.workers} web workers, "
          f"{args.connections} connections × {args.duration} s, {os.cpu_count()} cores", flush=True)
    if (work / "archive" / "catalogue.sqlite3").exists():
        settings = Settings(archive_dir=work / "archive", search_dir=work / "search", search_backend=args.backend)
        services = Services.build(settings)
        with services.catalogue.reader() as session:
            ids = list(session.scalars(select(Record.id).where(Record.confidentiality == Clearance.thuong)))
        if services.search_index.needs_rebuild():
            rebuild(services.catalogue, services.search_index)
        services.catalogue.dispose()
    else:
        ids = build(env, args.records, args.words)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = work / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "docservice.cli", "serve", "--port", str(port),
                                    "--workers", str(args.workers)], env=env, stdout=out, stderr=subprocess.STDOUT,
                                   cwd=ROOT)
    try:
        wait_ready(base, process, log)
        tok = token(base)
        rng = random.Random(4)
        searches = search_paths(args.queries, organisation_ids(work))
        records = [f"/api/v1/records/{rng.choice(ids)}" for _ in range(500)]
        mixed = [p for pair in zip(searches * 3, records, strict=False) for p in pair]
        runs = {"search": searches, "records": records, "mixed": mixed}
        print(f"{'run':<8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}")
        for name in args.runs.split(","):
            result = run_wrk(base, runs[name], tok, connections=args.connections, duration=args.duration,
                             threads=2, work=work, name=name)
            print(f"{name:<8} {result['rps']:>8.1f} {result['p50']:>8.1f} {result['p95']:>8.1f} "
                  f"{result['p99']:>8.1f} {result['max']:>8.1f} {result['errors']:>7}"
                  + ("" if not result["errors"] else f"  ({json.dumps(result)})"), flush=True)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
