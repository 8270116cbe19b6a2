"""Bulk import of a folder of historical PDFs, as an archivist runs it, killed and resumed.

Generates ``--count`` mixed PDFs (text, scans, TCVN3, signed, unreadable, marked MẬT, plus byte-identical
copies) with tests.historical, then in a fresh data root runs ``docservice import`` in a real process,
kills it (SIGKILL, with the OCR it runs) ``--kills`` times at random points, resumes it to the end, and
reports the time, the rate, the final counts, the review queue and fixity. ``--compare`` also imports the
same folder uninterrupted in another root and checks that both end with the same counts.
Run: ``.venv/bin/python bench/import_folder.py [--count 500] [--kills 3] [--compare]``.
Results are measurements, not tests.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from docservice.db.models import Job, Record  # noqa: E402
from tests.historical import data_root, kill_when, start_import, write_folder  # noqa: E402


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "docservice.cli", *args], env=env, capture_output=True, text=True,
                          check=False)


def _outcome(services, root: Path) -> dict:
    with services.catalogue.reader() as session:
        first = session.scalar(select(func.min(Job.id)).where(Job.kind == "import"))
        records = session.scalar(select(func.count(Record.id)))
        review = session.scalar(select(func.count(Record.id)).where(Record.needs_review.is_(True)))
    report = json.loads((root / "archive" / "reports" / f"import-{first}.json").read_text(encoding="utf-8"))
    return {"counts": report["counts"], "records": records, "review_queue": review}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--compare", action="store_true", help="also import uninterrupted and compare counts")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="keep the folder and data roots here")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = args.keep or Path(tempfile.mkdtemp(prefix="import-bench-"))
    folder = work / "kho"
    n = args.count
    started = time.monotonic()
    expected = write_folder(folder, n, scans=max(1, n // 50), legacy=n // 20, signed=n // 20, unreadable=n // 25,
                            confidential=n // 50, duplicates=n // 50)
    total = len(expected) + n // 50
    kinds = {}
    for facts in expected.values():
        kinds[facts.kind] = kinds.get(facts.kind, 0) + 1
    print(f"folder: {total} PDFs = {kinds} + {n // 50} byte-identical copies, generated in "
          f"{time.monotonic() - started:.1f} s")

    env, services = data_root(work / "drill", None)
    log = work / "drill.log"
    started = time.monotonic()
    targets = sorted(rng.sample(range(1, total - 1), args.kills))
    killed = []
    for target in targets:
        process = start_import(env, folder, log)
        killed.append(kill_when(process, services, target, rng.uniform(0, 0.3)))
    final = _cli(env, "import", str(folder))
    seconds = time.monotonic() - started
    print(final.stdout[-800:])
    drill = _outcome(services, work / "drill")
    fixity = _cli(env, "fixity")
    print(f"killed (SIGKILL) after {killed} files; total {seconds:.1f} s with restarts, "
          f"{total / seconds:.1f} files/s")
    print(f"counts {drill['counts']}; records {drill['records']}; review queue {drill['review_queue']}")
    print(f"fixity exit {fixity.returncode}: {fixity.stdout.strip().splitlines()[-1]}")

    if args.compare:
        env_b, calm_services = data_root(work / "calm", None)
        started = time.monotonic()
        calm_run = _cli(env_b, "import", str(folder))
        seconds = time.monotonic() - started
        calm = _outcome(calm_services, work / "calm")
        print(f"uninterrupted: exit {calm_run.returncode}, {seconds:.1f} s, {total / seconds:.1f} files/s; "
              f"counts {calm['counts']}; same as killed run: {calm == drill}")
    print(f"data kept in {work}" if args.keep else f"data in {work} (temporary)")


if __name__ == "__main__":
    main()
