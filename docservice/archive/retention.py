"""Retention, legal holds and disposal: nothing leaves the archive but through an explicit, audited act.

A document type is kept for ever or N years from a record's date (the rule profile's schedule, which a
deployment may override per type). A record is *eligible* for disposal only when its period is over
and no active legal hold covers it; the disposal command lists what is eligible and disposes only
records it names that still are. A disposed record keeps its catalogue row (who disposed of it, when,
why); its file is removed unless another record or document still needs the same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from docservice.archive.blobs import BlobStore
from docservice.db import Catalogue
from docservice.db.models import Document, LegalHold, LegalHoldRecord, OutboxEntry, Record, RetentionRule
from docservice.errors import Conflict, NotFound, ValidationFailed
from docservice.rules import RuleBook
from docservice.security.audit import append_event


@dataclass(frozen=True)
class Eligible:
    record_id: int
    title: str
    doc_type: str
    date: dt.date
    expired_on: dt.date


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def rules_in_force(session: Session, rules: RuleBook) -> dict[str, tuple[int | None, str]]:
    """Every document type's period in years (None: for ever) and where it comes from."""
    schedule: dict[str, tuple[int | None, str]] = {}
    for profile in rules.profiles:
        for doc_type in profile.doc_types:
            schedule[doc_type] = (profile.retention.get(doc_type), "quy định mặc định (chưa xác nhận)")
    for rule in session.scalars(select(RetentionRule)):
        schedule[rule.doc_type] = (rule.years, f"đặt bởi {rule.updated_by or 'quản trị'}")
    return schedule


def set_rule(session: Session, doc_type: str, years: int | None, rules: RuleBook, by: str) -> None:
    if doc_type not in rules_in_force(session, rules):
        raise ValidationFailed(f"Không có loại văn bản {doc_type!r}.")
    if years is not None and years < 1:
        raise ValidationFailed("Thời hạn bảo quản phải từ 1 năm trở lên.")
    rule = session.get(RetentionRule, doc_type) or RetentionRule(doc_type=doc_type)
    rule.years, rule.updated_by, rule.updated_at = years, by, dt.datetime.now(dt.UTC)
    session.add(rule)
    append_event(session, username=by, action="retention.set", object_type="doc_type", object_id=doc_type)


def held_ids(session: Session) -> set[int]:
    return set(session.scalars(select(LegalHoldRecord.record_id).join(
        LegalHold, LegalHold.id == LegalHoldRecord.hold_id).where(LegalHold.released_at.is_(None))))


def eligible(session: Session, rules: RuleBook, today: dt.date) -> list[Eligible]:
    """Records whose retention is over and that no active hold covers."""
    schedule, held = rules_in_force(session, rules), held_ids(session)
    found = []
    for record in session.scalars(select(Record).where(Record.disposed_at.is_(None)).order_by(Record.id)):
        years = schedule.get(record.doc_type, (None, ""))[0]
        if years is None or record.id in held:
            continue
        expired = _add_years(record.date, years)
        if expired < today:
            found.append(Eligible(record.id, record.title, record.doc_type, record.date, expired))
    return found


def add_hold(session: Session, record_ids: list[int], reason: str, by: str) -> LegalHold:
    if not reason.strip():
        raise ValidationFailed("Cần ghi lý do tạm giữ.")
    known = set(session.scalars(select(Record.id).where(Record.id.in_(record_ids))))
    if missing := sorted(set(record_ids) - known):
        raise NotFound(f"Không có hồ sơ số {', '.join(map(str, missing))}.")
    hold = LegalHold(reason=reason.strip(), created_by=by)
    session.add(hold)
    session.flush()
    session.add_all(LegalHoldRecord(hold_id=hold.id, record_id=r) for r in sorted(set(record_ids)))
    append_event(session, username=by, action="hold.add", object_type="hold", object_id=hold.id)
    return hold


def release_hold(session: Session, hold_id: int, by: str) -> None:
    hold = session.get(LegalHold, hold_id)
    if hold is None or hold.released_at is not None:
        raise NotFound(f"Không có lệnh tạm giữ số {hold_id} đang hiệu lực.")
    hold.released_at, hold.released_by = dt.datetime.now(dt.UTC), by
    append_event(session, username=by, action="hold.release", object_type="hold", object_id=hold_id)


def _still_needed(session: Session, digest: str) -> bool:
    live = session.scalar(select(Record.id).where(Record.sha256 == digest, Record.disposed_at.is_(None)).limit(1))
    generated = session.scalar(select(Document.id).where(
        (Document.pdf_sha256 == digest) | (Document.docx_sha256 == digest)).limit(1))
    return live is not None or generated is not None


def dispose(catalogue: Catalogue, blobs: BlobStore, rules: RuleBook, record_ids: list[int], reason: str, by: str,
            today: dt.date) -> list[int]:
    """Dispose of exactly these records, all of which must be eligible; returns their ids."""
    if not reason.strip():
        raise ValidationFailed("Cần ghi lý do (căn cứ) hủy tài liệu.")
    with catalogue.session() as session:
        allowed = {e.record_id for e in eligible(session, rules, today)}
        refused = sorted(set(record_ids) - allowed)
        if refused:
            raise Conflict("Không được hủy: chưa hết thời hạn bảo quản, đang bị tạm giữ, bảo quản vĩnh viễn hoặc đã "
                           f"hủy — hồ sơ số {', '.join(map(str, refused))}.", extra={"refused": refused})
        digests = []
        for record in session.scalars(select(Record).where(Record.id.in_(record_ids))):
            record.disposed_at, record.disposal_reason = dt.datetime.now(dt.UTC), reason.strip()[:500]
            digests.append(record.sha256)
            session.add(OutboxEntry(entity="record", entity_id=record.id, action="delete"))
            append_event(session, username=by, action="record.dispose", object_type="record", object_id=record.id)
        session.flush()
        unneeded = [d for d in set(digests) if not _still_needed(session, d)]
    for digest in unneeded:
        blobs.remove(digest)
    return sorted(record_ids)
