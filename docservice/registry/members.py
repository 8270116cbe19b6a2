"""Party members with their history: each change is a dated snapshot of the member's whole state.

``members_on(session, org, day)`` answers "who was in this cell on that day, and in what state", so a
meeting in 2024 is counted with the cell as it was in 2024. The ``members`` row mirrors the newest
snapshot (the member today). History is append-only: a change takes effect on or after the newest
one; earlier corrections are a later, audited feature.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from docservice.db.models import Member, MemberChange, MemberStatus, Organization, Position, Temporary
from docservice.errors import Conflict, RuleViolation

STATE_FIELDS = ("organization_id", "position", "status", "exempted", "temporary", "suspended")
ACTIVE = (MemberStatus.chinh_thuc, MemberStatus.du_bi)


@dataclass(frozen=True)
class MemberState:
    """A member as they were on a given day."""

    member_id: int
    full_name: str
    organization_id: int
    position: Position
    status: MemberStatus
    exempted: bool
    temporary: Temporary | None
    suspended: bool
    since: dt.date


def _snapshot(member: Member, effective_on: dt.date, note: str | None, user_id: int | None) -> MemberChange:
    return MemberChange(member_id=member.id, effective_on=effective_on, note=note, created_by=user_id,
                        **{name: getattr(member, name) for name in STATE_FIELDS})


def add_member(
    session: Session, *, organization: Organization, full_name: str, status: MemberStatus,
    effective_on: dt.date, user_id: int | None = None, note: str | None = None, **details: Any,
) -> Member:
    """A new member of ``organization`` with their first snapshot from ``effective_on``."""
    card = details.get("card_number")
    if card and session.scalar(select(Member.id).where(Member.card_number == card)) is not None:
        raise Conflict(f"Số thẻ đảng {card} đã thuộc về một đảng viên khác.",
                       errors={"card_number": "Số thẻ đảng đã tồn tại."})
    details.setdefault("position", Position.dang_vien)
    member = Member(organization_id=organization.id, full_name=full_name, status=status, **details)
    session.add(member)
    session.flush()
    session.add(_snapshot(member, effective_on, note or "Bắt đầu sinh hoạt tại chi bộ", user_id))
    session.flush()
    return member


def latest_change(session: Session, member: Member) -> MemberChange | None:
    return session.scalar(select(MemberChange).where(MemberChange.member_id == member.id)
                          .order_by(MemberChange.effective_on.desc(), MemberChange.id.desc()).limit(1))


def record_change(
    session: Session, member: Member, *, effective_on: dt.date, changes: dict[str, Any],
    note: str | None = None, user_id: int | None = None,
) -> MemberChange:
    """Apply ``changes`` (any of ``STATE_FIELDS``) from ``effective_on`` on; the newest state wins."""
    latest = latest_change(session, member)
    if latest is not None and effective_on < latest.effective_on:
        raise RuleViolation(
            f"Thay đổi phải có hiệu lực từ ngày {latest.effective_on:%d/%m/%Y} (lần thay đổi gần nhất) trở về sau.",
            errors={"effective_on": "Ngày hiệu lực sớm hơn lần thay đổi gần nhất."})
    unknown = set(changes) - set(STATE_FIELDS)
    if unknown:
        raise RuleViolation("Không thể thay đổi: " + ", ".join(sorted(unknown)) + ".")
    for name, value in changes.items():
        setattr(member, name, value)
    change = _snapshot(member, effective_on, note, user_id)
    session.add(change)
    session.flush()
    return change


def history(session: Session, member: Member) -> list[MemberChange]:
    return list(session.scalars(select(MemberChange).where(MemberChange.member_id == member.id)
                                .order_by(MemberChange.effective_on, MemberChange.id)))


def _states_on(session: Session, day: dt.date) -> Any:
    """Each member's snapshot in force on ``day`` (members admitted later have none)."""
    newer = aliased(MemberChange)
    newest_first = (select(newer.id).where(newer.member_id == MemberChange.member_id, newer.effective_on <= day)
                    .order_by(newer.effective_on.desc(), newer.id.desc()).limit(1).scalar_subquery())
    return (select(MemberChange, Member.full_name).join(Member, Member.id == MemberChange.member_id)
            .where(MemberChange.effective_on <= day, MemberChange.id == newest_first))


def state_of(session: Session, member_id: int, day: dt.date) -> MemberState | None:
    """One member as they were on ``day`` (``None`` before their first snapshot)."""
    row = session.execute(_states_on(session, day).where(MemberChange.member_id == member_id)).first()
    if row is None:
        return None
    c, name = row
    return MemberState(c.member_id, name, c.organization_id, c.position, c.status, c.exempted, c.temporary,
                       c.suspended, c.effective_on)


def record_from_paper(
    session: Session, member: Member, *, effective_on: dt.date, changes: dict[str, Any], note: str,
    document_id: int, user_id: int | None = None,
) -> MemberChange:
    """A change a paper makes (recognition, removal, discipline), linked to it.

    A paper may take effect on a day before changes already recorded (recognition is official from the
    end of probation even when the decision comes later): then the change is put in its place in the
    history, and the fields it changes are carried into the later snapshots, which keep their own dates
    and notes."""
    unknown = set(changes) - set(STATE_FIELDS)
    if unknown:
        raise RuleViolation("Không thể thay đổi: " + ", ".join(sorted(unknown)) + ".")
    before = session.scalar(select(MemberChange).where(MemberChange.member_id == member.id,
                                                       MemberChange.effective_on <= effective_on)
                            .order_by(MemberChange.effective_on.desc(), MemberChange.id.desc()).limit(1))
    later = list(session.scalars(select(MemberChange).where(MemberChange.member_id == member.id,
                                                           MemberChange.effective_on > effective_on)
                                 .order_by(MemberChange.effective_on, MemberChange.id)))
    state = {name: getattr(before if before is not None else member, name) for name in STATE_FIELDS}
    change = MemberChange(member_id=member.id, effective_on=effective_on, note=note, created_by=user_id,
                          document_id=document_id, **{**state, **changes})
    session.add(change)
    for snapshot in later:
        for name, value in changes.items():
            setattr(snapshot, name, value)
    for name, value in changes.items():
        setattr(member, name, value)
    session.flush()
    return change


def members_on(session: Session, organization_id: int, day: dt.date, *,
               active_only: bool = True) -> list[MemberState]:
    """The organisation's members on ``day`` (by default only official and probationary ones)."""
    stmt = _states_on(session, day).where(MemberChange.organization_id == organization_id)
    if active_only:
        stmt = stmt.where(MemberChange.status.in_(ACTIVE))
    rows = session.execute(stmt.order_by(MemberChange.member_id)).all()
    return [MemberState(c.member_id, name, c.organization_id, c.position, c.status, c.exempted, c.temporary,
                        c.suspended, c.effective_on) for c, name in rows]
