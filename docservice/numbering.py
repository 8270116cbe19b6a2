"""Atomic allocation of document numbers per issuing body × document type × term.

The sequence row is created if missing and incremented with ``UPDATE … RETURNING`` in the caller's
transaction: concurrent writers queue on the row (PostgreSQL) or the database lock (SQLite), and a
transaction that fails gives its number back, so numbers have no gaps and no duplicates.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from docservice.db.models import NumberSequence


def allocate_number(session: Session, *, organization_id: int, doc_type: str, term_id: int) -> int:
    """The next sequence number (1, 2, …) for this body, type and term."""
    key = {"organization_id": organization_id, "doc_type": doc_type, "term_id": term_id}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(NumberSequence).values(**key, last_value=0)
        .on_conflict_do_nothing(index_elements=list(key))
    )
    return session.execute(
        update(NumberSequence)
        .where(*(getattr(NumberSequence, name) == value for name, value in key.items()))
        .values(last_value=NumberSequence.last_value + 1)
        .returning(NumberSequence.last_value)
    ).scalar_one()
