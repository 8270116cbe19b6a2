"""Crash drill: a few hundred historical PDFs imported by ``docservice import`` in a real process that is
killed with SIGKILL at random points (while reading, storing, committing, indexing) and started again.
The end state must equal that of an uninterrupted import of the same folder: the same records with the
same metadata, the same stored files, the same search index, the same import counts, and clean fixity.

The seed is printed on failure; ``CRASH_DRILL_SEED=n`` replays a run.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from docservice.db.models import ImportItem, Job, Organization, OutboxEntry, Record
from docservice.services import Services
from tests.conftest import pg_database
from tests.historical import data_root, kill_when, start_import, write_folder

pytestmark = pytest.mark.slow
FILES = 220
KILLS = 5


def _state(services: Services) -> dict:
    """Catalogue, store and index of a root, in terms that do not depend on row ids."""
    with services.catalogue.reader() as session:
        codes = dict(session.execute(select(Organization.id, Organization.code)).all())
        records = session.scalars(select(Record).order_by(Record.id)).all()
        by_id = {r.id: r.sha256 for r in records}
        catalogue = {r.sha256: (r.doc_type, r.number, r.date, codes[r.organization_id], r.title, r.signer,
                                int(r.confidentiality), r.text_source, r.needs_review, tuple(r.review_reasons or ()),
                                r.original_name, r.size, r.pages, r.text, tuple(r.page_sources),
                                tuple(sorted((r.metadata_confidence or {}).items())), tuple(r.warnings))
                     for r in records}
        first_job = session.scalar(select(func.min(Job.id)).where(Job.kind == "import"))
        items = sorted(session.execute(select(ImportItem.path, ImportItem.sha256, ImportItem.outcome,
                                              ImportItem.reason, ImportItem.record_id)
                                       .where(ImportItem.job_id == first_job)).all())
        items = [(path, sha, outcome, reason, by_id.get(record)) for path, sha, outcome, reason, record in items]
        pending = session.scalar(select(func.count(OutboxEntry.id)).where(OutboxEntry.processed_at.is_(None)))
    assert len(catalogue) == len(records), "two records hold the same file"
    indexed = services.search_index.ids()
    return {"records": catalogue, "files": sorted(services.blobs.digests()), "items": items,
            "index": sorted(by_id.get(int(i), f"unknown record {i}") for i in indexed), "pending": pending}


def _answers(services: Services, queries: list[str]) -> dict[str, list[str]]:
    from tests.integration.test_import import _find

    with services.catalogue.reader() as session:
        sha = dict(session.execute(select(Record.id, Record.sha256)).all())
    return {q: sorted(sha[i] for i in _find(services, q)) for q in queries}


@pytest.fixture
def second_database(request, database_url):
    """A second migrated database for the other root (None on SQLite: it lives in the root)."""
    if database_url is None:
        yield None
        return
    with pg_database("drill", request.getfixturevalue("pg_template")) as url:
        yield url


def test_an_import_killed_at_random_points_ends_equal_to_an_uninterrupted_one(
        tmp_path, database_url, second_database):
    seed = int(os.environ.get("CRASH_DRILL_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    folder = tmp_path / "kho"
    expected = write_folder(folder, FILES, scans=2, legacy=4, signed=4, unreadable=5, confidential=4,
                            duplicates=6)
    total = len(expected) + 6
    env_a, calm = data_root(tmp_path / "a", second_database)
    env_b, drill = data_root(tmp_path / "b", database_url)
    try:
        started = time.monotonic()
        uninterrupted = subprocess.run([sys.executable, "-m", "docservice.cli", "import", str(folder)], env=env_a,
                                       capture_output=True, text=True, timeout=900)
        seconds = time.monotonic() - started
        assert uninterrupted.returncode == 0, uninterrupted.stdout + uninterrupted.stderr

        # kills at random numbers of files done, each a random fraction of a file's time later,
        # and one as the last file is done (the report, the final indexing)
        per_file = seconds / total
        targets = [*sorted(rng.sample(range(1, total - 5), KILLS - 1)), total]
        log = tmp_path / "drill.log"
        killed_at = []
        for target in targets:
            process = start_import(env_b, folder, log)
            done = kill_when(process, drill, target, rng.uniform(0, 1.5 * per_file))
            if done is not None:
                killed_at.append(done)
        final = subprocess.run([sys.executable, "-m", "docservice.cli", "import", str(folder)], env=env_b,
                               capture_output=True, text=True, timeout=900)
        tail = log.read_text(errors="replace")[-2000:]
        context = f"seed {seed}, killed after {killed_at} of {total} files; log {tail}"
        print(context[:120])
        assert final.returncode == 0, final.stdout + final.stderr + context
        assert len([k for k in killed_at if k < total]) >= KILLS - 2, context  # most kills landed mid-import

        calm_state, drill_state = _state(calm), _state(drill)
        assert calm_state["pending"] == drill_state["pending"] == 0
        assert drill_state["records"] == calm_state["records"], context
        assert drill_state["files"] == calm_state["files"], context
        assert drill_state["index"] == calm_state["index"] == sorted(calm_state["records"]), context
        assert drill_state["items"] == calm_state["items"], context
        assert len(drill_state["items"]) == total

        with drill.catalogue.reader() as session:
            first_job = session.scalar(select(func.min(Job.id)).where(Job.kind == "import"))
        report = json.loads((tmp_path / "b" / "archive" / "reports" / f"import-{first_job}.json").read_text())
        assert sum(report["counts"].values()) == total
        assert report["counts"]["already_present"] == 6 and report["counts"]["needs_review"] >= 5

        queries = ["nghị quyết", "phat trien dang vien", "02-NQ/CB", '"mã 00017"', "thuy loi -giao"]
        assert _answers(drill, queries) == _answers(calm, queries)

        fixity = subprocess.run([sys.executable, "-m", "docservice.cli", "fixity"], env=env_b, capture_output=True,
                                text=True, timeout=300)
        assert fixity.returncode == 0, fixity.stdout + fixity.stderr + context
    finally:
        calm.catalogue.dispose()
        drill.catalogue.dispose()
