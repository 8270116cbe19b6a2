"""The audit trail: append-only events in a SHA-256 hash chain.

Each event's ``hash`` covers its own fields and the previous event's hash, so changing or removing
any event breaks every later link. Appends are serialised: by the database write lock on SQLite
(writer sessions begin IMMEDIATE) and by a transaction-scoped advisory lock on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from docservice.db.models import AuditEvent

GENESIS = "0" * 64
_PG_AUDIT_LOCK = 0x446F6353  # any constant shared by every writer


def _event_hash(prev_hash: str, fields: dict[str, str | None]) -> str:
    payload = json.dumps({"prev": prev_hash, **fields}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _fields(event: AuditEvent) -> dict[str, str | None]:
    return {
        "at": event.at.isoformat(), "username": event.username, "action": event.action,
        "object_type": event.object_type, "object_id": event.object_id,
        "outcome": event.outcome, "remote_addr": event.remote_addr,
    }


def append_event(
    session: Session, *, username: str | None, action: str, object_type: str | None = None,
    object_id: object = None, outcome: str = "ok", remote_addr: str | None = None,
) -> AuditEvent:
    """Add one event to the chain in the caller's transaction (it commits with the change)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_AUDIT_LOCK})
    last = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        at=dt.datetime.now(dt.UTC).replace(microsecond=0), username=username, action=action,
        object_type=object_type, object_id=None if object_id is None else str(object_id),
        outcome=outcome, remote_addr=remote_addr, prev_hash=last or GENESIS,
    )
    event.hash = _event_hash(event.prev_hash, _fields(event))
    session.add(event)
    session.flush()
    return event


def first_broken_link(session: Session) -> int | None:
    """The id of the first event whose link or hash does not hold, or ``None`` if all hold."""
    prev = GENESIS
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        if event.prev_hash != prev or event.hash != _event_hash(prev, _fields(event)):
            return event.id
        prev = event.hash
    return None
