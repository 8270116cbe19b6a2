"""The register of numbers of an issuing body: what the system generated and what was issued outside it
(signed by hand, numbered in the paper book), in one sequence per document type and term."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docservice.db import Catalogue
from docservice.db.models import Clearance, Document, RegisterEntry
from docservice.errors import ValidationFailed
from docservice.numbering import SequenceKey, enter_issued_number
from docservice.registry.organizations import term_on
from docservice.rules import RuleBook
from docservice.security import policy
from docservice.security.audit import append_event


@dataclass(frozen=True)
class RegisterRow:
    sequence: int
    number: str
    date: dt.date
    doc_type: str
    title: str
    origin: str  # "generated" (a document of the system) or "outside" (entered as issued outside)
    document_id: int | None
    entry_id: int | None


def enter_outside(catalogue: Catalogue, rules: RuleBook, principal: policy.Principal, org_id: int, *,
                  doc_type: str, sequence: int, day: dt.date, title: str, confidentiality: Clearance,
                  remote_addr: str | None = None) -> RegisterEntry:
    """Enter a number issued outside the system in its place in the register (audited)."""
    policy.require(principal, "document.create")
    policy.check_clearance(principal, confidentiality)
    profile = rules.for_date(day)
    if doc_type not in profile.doc_types:
        raise ValidationFailed("Loại văn bản không có trong quy định.", errors={"doc_type": "Không có loại này."})
    with catalogue.reader() as session:
        org = policy.get_organization(session, org_id, principal)
        term = term_on(session, org, day)
        key = SequenceKey(org.id, doc_type, term.id)
        number = profile.format_number(sequence, doc_type, org.abbreviation)
    entry = enter_issued_number(catalogue, key, sequence=sequence, number=number, day=day, title=title,
                                confidentiality=confidentiality, user_id=principal.user_id)
    with catalogue.session() as session:
        append_event(session, username=principal.username, action="register.enter", object_type="register_entry",
                     object_id=entry.id, remote_addr=remote_addr, detail=number)
    return entry


def register_rows(session: Session, principal: policy.Principal, org_id: int, *, doc_type: str | None = None,
                  year: int | None = None) -> list[RegisterRow]:
    """The numbers the caller may see, in register order (type, term, number): a confidential paper above
    the caller's clearance is not listed at all."""
    policy.require(principal, "document.read")
    org = policy.get_organization(session, org_id, principal)

    def narrowed(stmt: Any, model: Any) -> Any:
        stmt = stmt.where(model.organization_id == org.id)
        if doc_type:
            stmt = stmt.where(model.doc_type == doc_type)
        if year:
            stmt = stmt.where(model.date >= dt.date(year, 1, 1), model.date <= dt.date(year, 12, 31))
        return stmt

    documents = session.scalars(narrowed(policy.visible(Document, principal), Document))
    entries = session.scalars(narrowed(select(RegisterEntry), RegisterEntry)
                              .where(RegisterEntry.confidentiality <= principal.clearance))
    rows = [RegisterRow(d.sequence, d.number, d.date, d.doc_type, d.title, "generated", d.id, None) for d in documents]
    rows += [RegisterRow(e.sequence, e.number, e.date, e.doc_type, e.title, "outside", None, e.id) for e in entries]
    return sorted(rows, key=lambda r: (r.doc_type, r.date, r.sequence))
