"""Kill -9 of the indexer mid-batch, several times: once it runs again, the index equals the catalogue."""

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, insert, select

from docservice.cli import initialise
from docservice.config import Settings
from docservice.db.models import OutboxEntry, Record
from docservice.search.interface import SearchRequest, Visibility
from docservice.search.query import parse_query
from docservice.services import Services
from tests.builders import build_world
from tests.conftest import TEMPLATES

pytestmark = pytest.mark.slow
RECORDS = 3000


def _pending(services):
    with services.catalogue.reader() as session:
        return session.scalar(select(func.count(OutboxEntry.id)).where(OutboxEntry.processed_at.is_(None)))


@pytest.mark.parametrize("backend", ["whoosh", "tantivy"])
def test_an_indexer_killed_mid_batch_loses_nothing(tmp_path, database_url, backend):
    seed = int(os.environ.get("CRASH_DRILL_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    settings = Settings(archive_dir=tmp_path / "archive", search_dir=tmp_path / "search", templates_dir=TEMPLATES,
                        database_url=database_url, search_backend=backend)
    services = Services.build(settings)
    try:
        initialise(services, demo=False)
        with services.catalogue.session() as session:
            world = build_world(session)
            first = (session.scalar(select(func.max(Record.id))) or 0) + 1
            session.execute(insert(Record), [
                {"sha256": f"{i:064x}", "size": 1, "pages": 1, "organization_id": world.dong_id,
                 "doc_type": "nghi_quyet", "date": dt.date(2000 + i % 25, 1, 1), "title": f"Nghị quyết mã{i}",
                 "text": f"Chi bộ lãnh đạo thực hiện nhiệm vụ chính trị, văn bản mã{i}. " * 20,
                 "text_source": "text_layer", "confidentiality": 0} for i in range(RECORDS)])
            session.execute(insert(OutboxEntry), [{"entity": "record", "entity_id": first + i, "action": "upsert"}
                                                  for i in range(RECORDS)])
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSERVICE_")}
        env.update(DOCSERVICE_ARCHIVE_DIR=str(settings.archive_dir), DOCSERVICE_SEARCH_DIR=str(settings.search_dir),
                   DOCSERVICE_TEMPLATES_DIR=str(TEMPLATES), DOCSERVICE_SEARCH_BACKEND=backend,
                   DOCSERVICE_INDEXER_POLL_SECONDS="0.1")
        if database_url:
            env["DOCSERVICE_DATABASE_URL"] = database_url
        killed_with_pending = []
        for _ in range(3):
            process = subprocess.Popen([sys.executable, "-m", "docservice.cli", "indexer"], env=env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            target = _pending(services) - rng.randint(100, 600)
            deadline = time.monotonic() + 120
            while _pending(services) > target and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.01)
            time.sleep(rng.uniform(0, 0.3))  # somewhere inside the next batch
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            killed_with_pending.append(_pending(services))
        assert killed_with_pending[-1] > 0, f"seed {seed}: the indexer finished before it was killed"

        process = subprocess.Popen([sys.executable, "-m", "docservice.cli", "indexer"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 300
        while _pending(services) and time.monotonic() < deadline:
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        with services.catalogue.reader() as session:
            catalogue = set(session.scalars(select(Record.id)))
        assert services.search_index.ids() == catalogue, f"seed {seed}, killed with {killed_with_pending} pending"
        found = services.search_index.search(SearchRequest(query=parse_query(f"mã{RECORDS - 1}")),
                                             Visibility(world.root_id, 3))
        assert [hit.id for hit in found.hits] == [first + RECORDS - 1]
    finally:
        services.catalogue.dispose()
