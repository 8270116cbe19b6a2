"""The indexer: drains the outbox into the search index, and rebuilds it from the archive.

It is the index's only writer. Each pass takes a batch of unprocessed outbox entries, writes the
current state of their records to the index, then marks the entries done; a crash between the two
only repeats idempotent upserts.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from docservice.db import Catalogue
from docservice.db.models import Organization, OutboxEntry, Record
from docservice.search.home import IndexHome
from docservice.search.interface import IndexedRecord, SearchIndex

log = logging.getLogger(__name__)
BATCH = 200
HEALTH_SECONDS = 30.0


def _ancestors(path: str) -> tuple[int, ...]:
    return tuple(int(part) for part in path.strip("/").split("/") if part)


def indexed_record(record: Record, org_path: str) -> IndexedRecord:
    return IndexedRecord(
        id=record.id, number=record.number, number_key=record.number_key, title=record.title,
        text=record.text, doc_type=record.doc_type, date=record.date,
        organization_id=record.organization_id, organization_ancestors=_ancestors(org_path),
        confidentiality=int(record.confidentiality), superseded=record.superseded,
    )


def _load(session: Session, record_ids: list[int]) -> dict[int, IndexedRecord]:
    rows = session.execute(
        select(Record, Organization.path).join(Organization).where(Record.id.in_(record_ids),
                                                                  Record.disposed_at.is_(None))
    )
    return {record.id: indexed_record(record, path) for record, path in rows}


def drain_once(catalogue: Catalogue, search_index: SearchIndex, *, batch: int = BATCH) -> int:
    """Index one batch of outbox entries; return how many entries were processed."""
    with catalogue.reader() as session:
        entries = list(session.execute(
            select(OutboxEntry.id, OutboxEntry.entity_id).where(OutboxEntry.processed_at.is_(None),
                                                               OutboxEntry.entity == "record")
            .order_by(OutboxEntry.id).limit(batch)
        ))
        if not entries:
            return 0
        wanted = sorted({entity_id for _, entity_id in entries})
        present = _load(session, wanted)
    if present:
        search_index.upsert(list(present.values()))
    gone = [record_id for record_id in wanted if record_id not in present]
    if gone:
        search_index.delete(gone)
    with catalogue.session() as session:
        session.execute(update(OutboxEntry).where(OutboxEntry.id.in_([e for e, _ in entries]))
                        .values(processed_at=dt.datetime.now(dt.UTC)))
    return len(entries)


def run_forever(catalogue: Catalogue, search_index: SearchIndex, *, poll_seconds: float,
                should_stop: Callable[[], bool] = lambda: False) -> None:
    """Drain the outbox until ``should_stop()``; sleep ``poll_seconds`` when there is no work.

    The index is checked at start, when a batch keeps failing, and every ``HEALTH_SECONDS`` while idle:
    a missing, damaged or outdated index is rebuilt from the archive.
    """
    failures, checked = 0, 0.0
    while not should_stop():
        try:
            if failures % 3 == 0 and time.monotonic() - checked > (0 if failures else HEALTH_SECONDS):
                checked = time.monotonic()
                ensure_index(catalogue, search_index)
            if drain_once(catalogue, search_index):
                failures = 0
                continue
            failures = 0
        except Exception:  # the indexer must outlive one bad batch; it retries the same batch
            failures += 1
            log.exception("indexer pass failed; retrying")
        time.sleep(poll_seconds)


def _all_records(catalogue: Catalogue, batch: int) -> Iterator[list[IndexedRecord]]:
    last_id = 0
    while True:
        with catalogue.reader() as session:
            rows = list(session.execute(
                select(Record, Organization.path).join(Organization).where(Record.id > last_id,
                                                                          Record.disposed_at.is_(None))
                .order_by(Record.id).limit(batch)
            ))
        if not rows:
            return
        last_id = rows[-1][0].id
        yield [indexed_record(record, path) for record, path in rows]


def count_records(catalogue: Catalogue) -> int:
    with catalogue.reader() as session:
        return session.scalar(select(func.count(Record.id)).where(Record.disposed_at.is_(None))) or 0


def rebuild(catalogue: Catalogue, search_index: SearchIndex, *,
            progress: Callable[[int], None] = lambda n: None, batch: int = 500) -> int:
    """Index every record again; return how many.

    With an ``IndexHome`` the records go into a new generation that becomes current in one switch
    when it is complete (searches meanwhile use the old one; a failure leaves it in use). Outbox
    entries written while the rebuild ran are applied again to the new generation by the indexer;
    the older pending ones are covered by the rebuild and marked done.
    """
    with catalogue.reader() as session:
        last_entry = session.scalar(select(func.max(OutboxEntry.id))) or 0
    if isinstance(search_index, IndexHome):
        directory = search_index.new_directory()
        target = search_index.backend_for(directory)
    else:
        directory, target = None, search_index
    try:
        replace_all = getattr(target, "replace_all", None)
        if replace_all is not None:  # an engine that swaps everything in one transaction (PostgreSQL)
            total = replace_all(_all_records(catalogue, batch), progress)
        else:
            target.clear()
            total = 0
            for records in _all_records(catalogue, batch):
                target.upsert(records)
                total += len(records)
                progress(len(records))
    except BaseException:
        if directory is not None:
            search_index.abandon(directory)
        raise
    if directory is not None:
        search_index.switch(directory)
    with catalogue.session() as session:
        session.execute(update(OutboxEntry).where(OutboxEntry.id <= last_entry, OutboxEntry.processed_at.is_(None))
                        .values(processed_at=dt.datetime.now(dt.UTC)))
        session.execute(update(OutboxEntry).where(OutboxEntry.id > last_entry).values(processed_at=None))
    return total


def ensure_index(catalogue: Catalogue, search_index: SearchIndex) -> bool:
    """Rebuild the index when it is missing, damaged or of another schema version; whether it did."""
    if not search_index.needs_rebuild():
        return False
    log.warning("search index missing, damaged or outdated: rebuilding from the archive")
    rebuild(catalogue, search_index)
    return True
