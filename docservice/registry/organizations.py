"""Organisations: a tree with terms (nhiệm kỳ) that scope document numbering."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from docservice.db.models import Organization, OrganizationName, OrgKind, Term
from docservice.errors import Conflict, RuleViolation, ValidationFailed
from docservice.rules import current_profile


def create_organization(
    session: Session, *, code: str, kind: OrgKind, name: str, parent: Organization | None = None,
    header_name: str | None = None, superior_name: str | None = None,
    abbreviation: str | None = None, place: str | None = None,
) -> Organization:
    """Add an organisation under ``parent``; the abbreviation defaults from the rule profile."""
    org = Organization(
        code=code, kind=kind, name=name, parent_id=parent.id if parent else None,
        header_name=header_name, superior_name=superior_name, place=place,
        abbreviation=abbreviation or current_profile().issuer_abbreviations[kind.value],
    )
    session.add(org)
    session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    return org


def add_term(
    session: Session, org: Organization, *, name: str, start: dt.date, end: dt.date | None = None
) -> Term:
    term = Term(organization_id=org.id, name=name, start_date=start, end_date=end)
    session.add(term)
    session.flush()
    return term


def term_on(session: Session, org: Organization, day: dt.date) -> Term:
    """The organisation's term covering ``day``; ``RuleViolation`` when none does."""
    term = session.scalar(
        select(Term).where(
            Term.organization_id == org.id,
            Term.start_date <= day,
            or_(Term.end_date.is_(None), and_(Term.end_date >= day)),
        ).order_by(Term.start_date.desc()).limit(1)
    )
    if term is None:
        raise RuleViolation(
            f"{org.name} chưa có nhiệm kỳ nào bao gồm ngày {day:%d/%m/%Y}; "
            "số văn bản được đánh theo nhiệm kỳ nên cần khai báo nhiệm kỳ trước.",
            errors={"fields.date": "Ngày này không thuộc nhiệm kỳ nào của tổ chức."},
        )
    return term


def by_code(session: Session, code: str) -> Organization | None:
    return session.scalar(select(Organization).where(Organization.code == code))


def root(session: Session) -> Organization | None:
    """The top organisation of the installation (the first one without a parent)."""
    return session.scalar(
        select(Organization).where(Organization.parent_id.is_(None)).order_by(Organization.id).limit(1)
    )


def add_organization(session: Session, principal: Any, *, parent_id: int, code: str, kind: OrgKind, name: str,
                     header_name: str | None = None, superior_name: str | None = None, place: str | None = None,
                     remote_addr: str | None = None) -> Organization:
    """An admin adds an organisation under one in their scope; the code is unique; audited."""
    from docservice.security import policy
    from docservice.security.audit import append_event

    policy.require(principal, "organization.manage")
    parent = policy.get_organization(session, parent_id, principal)
    if by_code(session, code) is not None:
        raise Conflict(f"Mã tổ chức {code!r} đã có.", errors={"code": "Mã này đã được dùng."})
    org = create_organization(session, code=code, kind=kind, name=name, parent=parent, header_name=header_name,
                              superior_name=superior_name or parent.name, place=place or parent.place)
    append_event(session, username=principal.username, action="organization.create", object_type="organization",
                 object_id=org.id, remote_addr=remote_addr)
    return org


def add_term_checked(session: Session, principal: Any, org_id: int, *, name: str, start: dt.date,
                     end: dt.date | None = None, remote_addr: str | None = None) -> Term:
    """A new term (nhiệm kỳ) that overlaps none of the organisation's others — numbers run per term."""
    from docservice.security import policy
    from docservice.security.audit import append_event

    policy.require(principal, "organization.manage")
    org = policy.get_organization(session, org_id, principal)
    if end is not None and end <= start:
        raise ValidationFailed("Ngày kết thúc phải sau ngày bắt đầu.", errors={"end_date": "Phải sau ngày bắt đầu."})
    for other in session.scalars(select(Term).where(Term.organization_id == org.id)):
        other_end = other.end_date or dt.date.max
        if start <= other_end and (end or dt.date.max) >= other.start_date:
            raise Conflict(f"Trùng thời gian với nhiệm kỳ {other.name}.",
                           errors={"start_date": f"Trùng với nhiệm kỳ {other.name}."})
    term = add_term(session, org, name=name, start=start, end=end)
    append_event(session, username=principal.username, action="term.create", object_type="organization",
                 object_id=org.id, remote_addr=remote_addr, detail=name)
    return term


# Names by date ---------------------------------------------------------------------------------------------
NAME_FIELDS = ("name", "header_name", "superior_name", "place")
FOUNDING = dt.date(1930, 2, 3)  # the first entry of an organisation renamed for the first time covers all before


def _entry_on(session: Session, org_id: int, day: dt.date) -> OrganizationName | None:
    return session.scalar(select(OrganizationName).where(OrganizationName.organization_id == org_id,
                                                         OrganizationName.effective_on <= day)
                          .order_by(OrganizationName.effective_on.desc()).limit(1))


def named_on(session: Session, org: Organization, day: dt.date) -> Organization:
    """The organisation with the names in force on ``day`` (a copy that is never stored; the organisation
    itself when it was never renamed)."""
    entry = _entry_on(session, org.id, day)
    if entry is None:
        return org
    return Organization(id=org.id, parent_id=org.parent_id, path=org.path, code=org.code, kind=org.kind,
                        abbreviation=org.abbreviation, **{name: getattr(entry, name) for name in NAME_FIELDS})


def names_history(session: Session, org: Organization) -> list[OrganizationName]:
    return list(session.scalars(select(OrganizationName).where(OrganizationName.organization_id == org.id)
                                .order_by(OrganizationName.effective_on)))


def rename(session: Session, principal: Any, org_id: int, *, effective_on: dt.date, changes: dict[str, str | None],
           note: str | None = None, remote_addr: str | None = None, cascade: bool = True) -> Organization:
    """New names from ``effective_on`` (papers dated before keep the old ones); the organisations below that
    printed the old name as their superior print the new one from the same day. Audited."""
    from docservice.security import policy
    from docservice.security.audit import append_event

    policy.require(principal, "organization.manage")
    org = policy.get_organization(session, org_id, principal)
    unknown = set(changes) - set(NAME_FIELDS)
    if unknown or not changes:
        raise ValidationFailed("Cần ít nhất một tên mới.", errors={"name": "Ghi tên mới (hoặc tên ở tiêu đề, cấp trên, "
                                                                           "địa danh)."})
    history = names_history(session, org)
    if history and effective_on <= history[-1].effective_on:
        raise Conflict(f"Lần đổi tên gần nhất có hiệu lực từ ngày {history[-1].effective_on:%d/%m/%Y}; tên mới phải "
                       "có hiệu lực sau ngày đó.", errors={"effective_on": "Sớm hơn lần đổi tên gần nhất."})
    before = named_on(session, org, effective_on)
    old = {name: getattr(before, name) for name in NAME_FIELDS}
    if not history:
        session.add(OrganizationName(organization_id=org.id, effective_on=FOUNDING, note="Tên trước khi đổi",
                                     created_by=principal.user_id, **old))
    session.add(OrganizationName(organization_id=org.id, effective_on=effective_on, note=note,
                                 created_by=principal.user_id, **{**old, **changes}))
    if effective_on <= dt.date.today():
        for name, value in changes.items():
            setattr(org, name, value)
    session.flush()
    append_event(session, username=principal.username, action="organization.rename", object_type="organization",
                 object_id=org.id, remote_addr=remote_addr, detail=f"{effective_on.isoformat()}: {changes}")
    if cascade and ("name" in changes or "header_name" in changes):
        printed = {old["name"], before.committee_name}
        new_names = named_on(session, org, effective_on)
        for child in session.scalars(select(Organization).where(Organization.parent_id == org.id)):
            if named_on(session, child, effective_on).superior_name in printed:
                rename(session, principal, child.id, effective_on=effective_on,
                       changes={"superior_name": new_names.name}, note=f"Cấp trên đổi tên: {new_names.name}",
                       remote_addr=remote_addr, cascade=False)
    return org
