"""Signed checkpoints of the audit chain's head, kept outside the database.

A checkpoint says: at this time the chain held ``count`` events, the newest ``last_id`` with hash
``head``. It is one JSON line of ``audit-checkpoints.jsonl`` in the archive dir (and in every backup),
signed with an HMAC under the audit key. ``audit verify`` compares every checkpoint with the chain, so
whoever can change the database but neither the archive's files nor the key cannot remove events
that a checkpoint has seen, or rewrite the chain up to one, without it showing. Events after the newest
checkpoint are protected by the keyed chain against change and forgery, not against removal: the
checkpoint period (``DOCSERVICE_AUDIT_CHECKPOINT_SECONDS``) bounds that window.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from docservice.db.models import AuditEvent
from docservice.security.audit import walk_chain


@dataclass(frozen=True)
class Checkpoint:
    at: str
    count: int
    last_id: int
    head: str


def _mac(key: bytes, point: Checkpoint) -> str:
    payload = json.dumps(asdict(point), sort_keys=True).encode("ascii")
    return hmac.new(key, b"docservice audit checkpoint\n" + payload, hashlib.sha256).hexdigest()


def head_of(session: Session) -> Checkpoint | None:
    """The chain's head as ``session`` sees it (``None`` while the trail is empty)."""
    count, last_id = session.execute(select(func.count(), func.max(AuditEvent.id))).one()
    if not count:
        return None
    head = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == last_id))
    return Checkpoint(dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), count, last_id, head)


def read_checkpoints(path: Path, key: bytes) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints in ``path`` and a finding for each line that is not a checkpoint signed by ``key``."""
    points, findings = [], []
    if not path.exists():
        return points, findings
    for number, line in enumerate(path.read_text(encoding="ascii", errors="replace").splitlines(), start=1):
        try:
            raw = json.loads(line)
            point = Checkpoint(str(raw["at"]), int(raw["count"]), int(raw["last_id"]), str(raw["head"]))
            signed = hmac.compare_digest(str(raw["mac"]), _mac(key, point))
        except (ValueError, KeyError, TypeError):
            signed = False
        if signed:
            points.append(point)
        else:
            findings.append(f"Dòng {number} của tệp điểm kiểm tra không đúng chữ ký (tệp bị sửa).")
    return points, findings


def append_checkpoint(path: Path, key: bytes, point: Checkpoint) -> None:
    """Add ``point`` to ``path`` (created when missing), flushed to disk before returning."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({**asdict(point), "mac": _mac(key, point)}, sort_keys=True) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line.encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


def write_checkpoint(session: Session, path: Path, key: bytes) -> Checkpoint | None:
    """A checkpoint of the current head, unless the newest one in ``path`` already holds it."""
    point = head_of(session)
    if point is None:
        return None
    points, _ = read_checkpoints(path, key)
    if points and (points[-1].last_id, points[-1].head) == (point.last_id, point.head):
        return None
    append_checkpoint(path, key, point)
    return point


def verify_trail(session: Session, path: Path, key: bytes) -> list[str]:
    """Every finding about the audit trail, in Vietnamese; empty when the chain and checkpoints hold."""
    points, findings = read_checkpoints(path, key)
    broken, seen = walk_chain(session, key, frozenset(p.last_id for p in points))
    if broken is not None:
        findings.insert(0, f"Chuỗi nhật ký bị hỏng tại sự kiện số {broken} (bị sửa, bị xóa hoặc bị thêm giả).")
    elif session.scalar(select(func.count()).select_from(AuditEvent)) and not points and not findings:
        findings.append(f"Không có điểm kiểm tra nào của nhật ký ({path.name}); không xác nhận được phần cuối chuỗi.")
    for point in points if broken is None else []:
        count, head = seen.get(point.last_id, (None, None))
        if (count, head) != (point.count, point.head):
            what = "không còn" if head is None else ("có mã băm khác" if head != point.head else f"đứng thứ {count}")
            findings.append(f"Điểm kiểm tra lúc {point.at} ghi {point.count} sự kiện, đến sự kiện số {point.last_id}; "
                            f"sự kiện đó nay {what}: nhật ký đã bị xóa hoặc sửa.")
            break
    return findings
