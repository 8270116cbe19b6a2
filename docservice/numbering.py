"""Document numbers per issuing body × document type × term: gapless, never reused.

Generating a document takes the sequence's lock (an advisory lock on PostgreSQL, a file lock next
to the SQLite database: both hold across processes and vanish with a process that dies), reads the
next number, renders with it *outside* any database transaction, and then, in the transaction that
stores the document, increments the sequence with ``UPDATE … RETURNING`` (a row lock on PostgreSQL,
an immediate transaction on SQLite). A render that fails consumes nothing; secret and ordinary
documents of a type share one sequence.

A number is the next in its register: a paper dated before the last number issued in its sequence, or in
a term that has closed, is refused (the register runs in the order papers were signed); a number issued
outside the system (signed by hand, written in the paper book) is entered as such, in its place, and the
sequence continues after it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from docservice.db import Catalogue
from docservice.db.models import Clearance, Document, NumberSequence, RegisterEntry, Term
from docservice.errors import Conflict, RuleViolation, ServiceUnavailable

Prepared = TypeVar("Prepared")
Stored = TypeVar("Stored")


@dataclass(frozen=True)
class SequenceKey:
    organization_id: int
    doc_type: str
    term_id: int

    def where(self) -> list[object]:
        return [NumberSequence.organization_id == self.organization_id,
                NumberSequence.doc_type == self.doc_type, NumberSequence.term_id == self.term_id]

    @property
    def lock_id(self) -> int:
        """A signed 64-bit id for ``pg_advisory_lock``."""
        digest = hashlib.sha256(f"{self.organization_id}:{self.doc_type}:{self.term_id}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)


@dataclass(frozen=True)
class Issued:
    """One number of a register: generated here or entered as issued outside."""

    sequence: int
    number: str
    date: dt.date


def _in_sequence(model: type[Document] | type[RegisterEntry], key: SequenceKey) -> list[object]:
    return [model.organization_id == key.organization_id, model.doc_type == key.doc_type,
            model.term_id == key.term_id]


def _neighbour(session: Session, key: SequenceKey, sequence: int | None, *, before: bool) -> Issued | None:
    """The issued number closest below (``before``) or above ``sequence`` (the last one when ``None``)."""
    found = []
    for model in (Document, RegisterEntry):
        stmt = select(model.sequence, model.number, model.date).where(*_in_sequence(model, key))
        if sequence is not None:
            stmt = stmt.where(model.sequence < sequence if before else model.sequence > sequence)
        order = model.sequence.desc() if before else model.sequence.asc()
        row = session.execute(stmt.order_by(order).limit(1)).first()
        if row is not None:
            found.append(Issued(*row))
    if not found:
        return None
    return (max if before else min)(found, key=lambda issued: issued.sequence)


def last_issued(session: Session, key: SequenceKey) -> Issued | None:
    return _neighbour(session, key, None, before=True)


def check_in_order(session: Session, key: SequenceKey, day: dt.date, term: Term, *,
                   today: dt.date | None = None) -> None:
    """Refuse a paper whose number would break the register: dated before the last number issued in its
    sequence, or in a term that has closed. The refusal says what to do instead."""
    today = today or dt.date.today()
    if term.end_date is not None and term.end_date < today:
        raise RuleViolation(
            f"Nhiệm kỳ {term.name} đã kết thúc ngày {term.end_date:%d/%m/%Y}: sổ văn bản của nhiệm kỳ đã khóa, "
            "không cấp thêm số. Văn bản đã ban hành khi đó (ký tay, vào sổ giấy) thì vào sổ như số đã cấp ngoài "
            "hệ thống.", errors={"fields.date": f"Thuộc nhiệm kỳ {term.name} đã kết thúc."})
    last = last_issued(session, key)
    if last is not None and day < last.date:
        raise RuleViolation(
            f"Văn bản ngày {day:%d/%m/%Y} không thể nhận số tiếp theo: số {last.number} đã cấp cho văn bản ngày "
            f"{last.date:%d/%m/%Y}. Số văn bản đi theo thứ tự ngày ký trong sổ. Nếu văn bản này đã ban hành ngoài "
            "hệ thống, hãy vào sổ như số đã cấp; nếu chưa, ghi ngày ký thực tế.",
            errors={"fields.date": f"Ghi từ ngày {last.date:%d/%m/%Y} trở đi: số {last.number} đã cấp cho văn bản "
                                   f"ngày {last.date:%d/%m/%Y}."})


def _raise_last_value(session: Session, key: SequenceKey, sequence: int) -> None:
    values = {"organization_id": key.organization_id, "doc_type": key.doc_type, "term_id": key.term_id}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(NumberSequence).values(**values, last_value=0)
                    .on_conflict_do_nothing(index_elements=list(values)))
    session.execute(update(NumberSequence).where(*key.where())
                    .values(last_value=func.max(NumberSequence.last_value, sequence)
                            if dialect is sqlite else func.greatest(NumberSequence.last_value, sequence)))


def enter_issued_number(
    catalogue: Catalogue, key: SequenceKey, *, sequence: int, number: str, day: dt.date, title: str,
    confidentiality: Clearance, user_id: int | None,
) -> RegisterEntry:
    """Enter a number issued outside the system, in its place: not one already in the register, dated no
    earlier than the number before it and no later than the one after; the sequence then continues after
    the highest number entered."""
    with sequence_lock(catalogue, key) as unit_of_work, unit_of_work() as session:
        taken = any(session.scalar(select(model.id).where(*_in_sequence(model, key), model.sequence == sequence))
                    for model in (Document, RegisterEntry))
        if taken:
            raise Conflict(f"Số {number} đã có trong sổ.", errors={"number": "Số này đã được cấp."})
        before = _neighbour(session, key, sequence, before=True)
        after = _neighbour(session, key, sequence, before=False)
        if before is not None and day < before.date:
            raise RuleViolation(f"Số {number} không thể mang ngày {day:%d/%m/%Y}, sớm hơn số {before.number} "
                                f"({before.date:%d/%m/%Y}).", errors={"date": f"Không sớm hơn {before.date:%d/%m/%Y}."})
        if after is not None and day > after.date:
            raise RuleViolation(f"Số {number} không thể mang ngày {day:%d/%m/%Y}, muộn hơn số {after.number} "
                                f"({after.date:%d/%m/%Y}).", errors={"date": f"Không muộn hơn {after.date:%d/%m/%Y}."})
        entry = RegisterEntry(organization_id=key.organization_id, doc_type=key.doc_type, term_id=key.term_id,
                              sequence=sequence, number=number, date=day, title=title,
                              confidentiality=confidentiality, created_by=user_id)
        session.add(entry)
        _raise_last_value(session, key, sequence)
        session.flush()
        return entry


def next_number(session: Session, key: SequenceKey) -> int:
    """The number the sequence will give next (1 for a sequence never used)."""
    last = session.scalar(select(NumberSequence.last_value).where(*key.where()))
    return (last or 0) + 1


def allocate_number(session: Session, key: SequenceKey) -> int:
    """Take the next number in the caller's transaction (returned to the pool if it rolls back)."""
    values = {"organization_id": key.organization_id, "doc_type": key.doc_type, "term_id": key.term_id}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(NumberSequence).values(**values, last_value=0)
                    .on_conflict_do_nothing(index_elements=list(values)))
    return session.execute(
        update(NumberSequence).where(*key.where()).values(last_value=NumberSequence.last_value + 1)
        .returning(NumberSequence.last_value)
    ).scalar_one()


UnitOfWork = Callable[[], AbstractContextManager[Session]]


@contextmanager
def _sqlite_units(catalogue: Catalogue, key: SequenceKey) -> Iterator[UnitOfWork]:
    path = catalogue.lock_dir / f"seq-{key.organization_id}-{key.term_id}-{key.doc_type}.lock"
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield catalogue.session
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _postgres_units(catalogue: Catalogue, key: SequenceKey) -> Iterator[UnitOfWork]:
    """Everything on the one connection that holds the advisory lock (waiters hold one each)."""
    with catalogue.engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": key.lock_id})
        connection.commit()
        try:
            yield lambda: catalogue.session_on(connection)
        finally:
            connection.rollback()
            connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": key.lock_id})
            connection.commit()


def sequence_lock(catalogue: Catalogue, key: SequenceKey) -> AbstractContextManager[UnitOfWork]:
    """Hold the sequence for one generation, across threads, processes and (PostgreSQL) hosts.

    Yields the way to open units of work while the lock is held.
    """
    return _sqlite_units(catalogue, key) if catalogue.is_sqlite else _postgres_units(catalogue, key)


def issue_numbered(
    catalogue: Catalogue, key: SequenceKey, *, prepare: Callable[[int], Prepared],
    store: Callable[[Session, int, Prepared], Stored],
) -> Stored:
    """Run ``prepare(number)`` (render, convert) then ``store(session, number, prepared)``.

    The number is consumed only when ``store``'s transaction commits; if ``prepare`` or ``store``
    raises, the next generation gets the same number.
    """
    with sequence_lock(catalogue, key) as unit_of_work:
        with unit_of_work() as session:
            number = next_number(session, key)
        prepared = prepare(number)
        with unit_of_work() as session:
            if allocate_number(session, key) != number:
                raise ServiceUnavailable("Số văn bản vừa được cấp cho văn bản khác; vui lòng thử lại.")
            return store(session, number, prepared)
