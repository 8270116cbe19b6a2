"""The one place that decides who may do what and see which rows.

Every query for organisations, documents and records is built from the ``visible_*`` functions
here, so scope (an organisation and everything under it) and clearance apply inside the query
itself: lists, counts and fetches never see a row outside them. Anything outside is reported as
404 exactly as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from docservice.db.models import Clearance, Document, Meeting, Member, Organization, Record, Role, User
from docservice.errors import Forbidden, NotFound

READ = frozenset(Role)
PERMISSIONS: dict[str, frozenset[Role]] = {
    "organization.read": READ,
    "member.read": READ,
    "template.read": READ,
    "document.read": READ,
    "record.read": READ,
    "search": READ,
    "document.create": frozenset({Role.admin, Role.secretary}),
    "meeting.write": frozenset({Role.admin, Role.secretary}),
    "meeting.read": READ,
    "member.write": frozenset({Role.admin, Role.secretary}),
    "record.create": frozenset({Role.admin, Role.secretary, Role.archivist}),
    "record.correct": frozenset({Role.admin, Role.archivist}),
    "import.run": frozenset({Role.admin, Role.archivist}),
    "user.manage": frozenset({Role.admin}),
    "organization.manage": frozenset({Role.admin}),
    "oversight.manage": frozenset({Role.admin, Role.secretary}),
    "template.manage": frozenset({Role.admin}),
}

Scoped = TypeVar("Scoped", Document, Record, Meeting)


@dataclass(frozen=True)
class Principal:
    """Who is asking: role, scope (organisation path) and clearance — and from which network address,
    for the audit trail (``None`` for the command line and background work)."""

    user_id: int | None
    username: str
    role: Role
    scope_org_id: int
    scope_path: str
    clearance: Clearance
    remote_addr: str | None = None

    @classmethod
    def of(cls, user: User, remote_addr: str | None = None) -> Principal:
        return cls(user.id, user.username, user.role, user.organization_id,
                   user.organization.path, user.clearance, remote_addr)


def may(principal: Principal, action: str) -> bool:
    return principal.role in PERMISSIONS[action]


def require(principal: Principal, action: str) -> None:
    """Raise ``Forbidden`` unless the principal's role allows ``action``."""
    if not may(principal, action):
        raise Forbidden()


def in_scope(principal: Principal) -> Any:
    """SQL condition: the organisation row is the principal's scope or under it."""
    return Organization.path.startswith(principal.scope_path, autoescape=True)


def visible_organizations(principal: Principal) -> Select[tuple[Organization]]:
    return select(Organization).where(in_scope(principal))


def visible(model: type[Scoped], principal: Principal) -> Select[tuple[Scoped]]:
    """Documents or records the principal may see: in scope and within clearance."""
    return (
        select(model)
        .join(Organization, model.organization_id == Organization.id)
        .where(in_scope(principal), model.confidentiality <= principal.clearance)
    )


def get_visible(session: Session, model: type[Scoped], row_id: int, principal: Principal) -> Scoped:
    """The row with ``row_id`` if the principal may see it, else ``NotFound``."""
    row = session.scalar(visible(model, principal).where(model.id == row_id))
    if row is None:
        raise NotFound()
    return row


def get_organization(session: Session, org_id: int, principal: Principal) -> Organization:
    """The organisation if it is in the principal's scope, else ``NotFound``."""
    org = session.scalar(visible_organizations(principal).where(Organization.id == org_id))
    if org is None:
        raise NotFound("Không tìm thấy tổ chức đảng này.")
    return org


def get_member(session: Session, member_id: int, principal: Principal) -> Member:
    """The member if their organisation is in the principal's scope, else ``NotFound``."""
    member = session.scalar(select(Member).join(Organization, Member.organization_id == Organization.id)
                            .where(Member.id == member_id, in_scope(principal)))
    if member is None:
        raise NotFound("Không tìm thấy đảng viên này.")
    return member


def check_clearance(principal: Principal, level: Clearance) -> None:
    """Refuse to create something the principal could not then see."""
    if level > principal.clearance:
        raise Forbidden("Bạn không thể tạo văn bản có độ mật cao hơn mức được phép xem của mình.")
