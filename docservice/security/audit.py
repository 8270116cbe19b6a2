"""The audit trail: append-only events in a keyed hash chain.

Each event's ``hash`` is an HMAC-SHA256, under a key kept outside the database, of its own fields and
the previous event's hash: changing or removing any event breaks every later link, and whoever can
write the table but not read the key cannot compute a valid link — neither to rewrite the chain after
a change nor to append a forged event. (Events written before the chain was keyed carry a plain
SHA-256 and ``scheme`` NULL; they may only come before the first keyed one.) Deleting the newest
events leaves a valid shorter chain: the signed checkpoints kept outside the database
(``checkpoints.py``) show that. Appends are serialised: by the database write lock on SQLite (writer
sessions begin IMMEDIATE) and by a transaction-scoped advisory lock on PostgreSQL.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from sqlalchemy import Select, select, text
from sqlalchemy.orm import Session

from docservice.db.models import AuditEvent, Clearance

GENESIS = "0" * 64
KEYED = "hmac-sha256"
_PG_AUDIT_LOCK = 0x446F6353  # any constant shared by every writer


def _event_hash(prev_hash: str, fields: dict[str, str | None], key: bytes | None) -> str:
    payload = json.dumps({"prev": prev_hash, **fields}, sort_keys=True, ensure_ascii=False).encode("utf-8")
    if key is None:
        return hashlib.sha256(payload).hexdigest()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def _key(session: Session) -> bytes:
    key = session.info.get("audit_key")
    if not key:
        raise RuntimeError("the catalogue was opened without the audit key: it cannot write audit events")
    return key


def _fields(event: AuditEvent) -> dict[str, str | None]:
    fields = {
        "at": event.at.isoformat(), "username": event.username, "action": event.action,
        "object_type": event.object_type, "object_id": event.object_id,
        "outcome": event.outcome, "remote_addr": event.remote_addr,
    }
    if event.detail is not None:  # events written before the column existed hash without it
        fields["detail"] = event.detail
    return fields


def append_event(
    session: Session, *, username: str | None, action: str, object_type: str | None = None,
    object_id: object = None, outcome: str = "ok", remote_addr: str | None = None, detail: str | None = None,
) -> AuditEvent:
    """Add one event to the chain in the caller's transaction (it commits with the change)."""
    key = _key(session)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_AUDIT_LOCK})
    last = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        at=dt.datetime.now(dt.UTC).replace(microsecond=0), username=username, action=action,
        object_type=object_type, object_id=None if object_id is None else str(object_id),
        outcome=outcome, remote_addr=remote_addr, detail=None if detail is None else detail[:255],
        prev_hash=last or GENESIS, scheme=KEYED,
    )
    event.hash = _event_hash(event.prev_hash, _fields(event), key)
    session.add(event)
    session.flush()
    return event


def walk_chain(session: Session, key: bytes, marks: frozenset[int] = frozenset()
               ) -> tuple[int | None, dict[int, tuple[int, str]]]:
    """Check every link under ``key``: the id of the first event whose link or hash does not hold (or
    ``None``), and for each id of ``marks`` met on the way, the number of events up to it and its hash.

    A plain (unkeyed) event after a keyed one is broken: it is what a rewrite without the key looks like."""
    prev, keyed, count, seen = GENESIS, False, 0, {}
    with session.execute(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=2000)) as result:
        for event in result.scalars():
            this_keyed = event.scheme == KEYED
            expected = _event_hash(prev, _fields(event), key if this_keyed else None)
            if event.prev_hash != prev or (keyed and not this_keyed) or not hmac.compare_digest(event.hash, expected):
                return event.id, seen
            prev, keyed, count = event.hash, keyed or this_keyed, count + 1
            if event.id in marks:
                seen[event.id] = (count, event.hash)
    return None, seen


def first_broken_link(session: Session, key: bytes) -> int | None:
    """The id of the first event whose link or hash does not hold, or ``None`` if all hold."""
    return walk_chain(session, key)[0]


def confidential_read(row: Any) -> tuple[str, int, Clearance]:
    """A document, record or meeting row as ``audit_reads`` takes it."""
    return row.__tablename__.removesuffix("s"), row.id, row.confidentiality


def audit_reads(catalogue: Any, principal: Any, action: str, items: Iterable[tuple[str, int, Clearance]], *,
                detail: str | None = None) -> int:
    """One event for each confidential (mật or above) object among ``items`` (type, id, level) that
    ``principal`` read — viewed, downloaded, shown in a snippet, gathered in a book or a dossier — with the
    principal's address. Every path that shows a confidential paper's content comes through here; the
    number of events written."""
    wanted = [(kind, object_id) for kind, object_id, level in items if level >= Clearance.mat]
    if wanted:
        with catalogue.session() as session:
            for kind, object_id in wanted:
                append_event(session, username=principal.username, action=action, object_type=kind,
                             object_id=object_id, remote_addr=principal.remote_addr, detail=detail)
    return len(wanted)


@dataclass(frozen=True)
class AuditFilter:
    """Which events to list or export (all bounds inclusive, dates in UTC)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    username: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None

    def statement(self) -> Select[tuple[AuditEvent]]:
        stmt = select(AuditEvent)
        if self.date_from:
            stmt = stmt.where(AuditEvent.at >= dt.datetime.combine(self.date_from, dt.time(), dt.UTC))
        if self.date_to and self.date_to < dt.date.max:  # up to the last day there is no bound to draw
            stmt = stmt.where(AuditEvent.at < dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time(),
                                                                  dt.UTC))
        if self.username:
            stmt = stmt.where(AuditEvent.username == self.username)
        if self.action:
            stmt = stmt.where(AuditEvent.action.startswith(self.action, autoescape=True))
        if self.object_type:
            stmt = stmt.where(AuditEvent.object_type == self.object_type)
        if self.object_id:
            stmt = stmt.where(AuditEvent.object_id == self.object_id)
        return stmt


CSV_COLUMNS = ("id", "at", "username", "action", "object_type", "object_id", "outcome", "remote_addr", "detail",
               "prev_hash", "hash")


def csv_rows(session: Session, wanted: AuditFilter) -> Iterator[list[Any]]:
    """The header, then one row per event in chain order (streamed from the database)."""
    yield list(CSV_COLUMNS)
    events = session.execute(wanted.statement().order_by(AuditEvent.id).execution_options(yield_per=1000)).scalars()
    for event in events:
        yield [event.id, event.at.isoformat(), *(spreadsheet_safe(getattr(event, name)) for name in CSV_COLUMNS[2:])]


def spreadsheet_safe(value: Any) -> Any:
    """Cells that a spreadsheet would run as a formula are quoted with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_csv(session: Session, wanted: AuditFilter, out: TextIO) -> int:
    """Write the events as CSV to ``out``; the number of events written."""
    writer = csv.writer(out)
    count = -1
    for count, row in enumerate(csv_rows(session, wanted)):  # noqa: B007 - the count is the result
        writer.writerow(row)
    return max(count, 0)
