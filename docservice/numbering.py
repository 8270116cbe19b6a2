"""Document numbers per issuing body × document type × term: gapless, never reused.

Generating a document takes the sequence's lock (an advisory lock on PostgreSQL, a file lock next
to the SQLite database: both hold across processes and vanish with a process that dies), reads the
next number, renders with it *outside* any database transaction, and then, in the transaction that
stores the document, increments the sequence with ``UPDATE … RETURNING`` (a row lock on PostgreSQL,
an immediate transaction on SQLite). A render that fails consumes nothing; secret and ordinary
documents of a type share one sequence.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from docservice.db import Catalogue
from docservice.db.models import NumberSequence
from docservice.errors import ServiceUnavailable

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
