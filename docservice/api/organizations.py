"""Organisations and their members, within the caller's scope."""

from __future__ import annotations

import datetime as dt

from pydantic import Field
from sqlalchemy import select

from docservice.api.context import api_blueprint, caller, dump, paginate, services
from docservice.api.schemas import (
    IdPath,
    MemberList,
    MemberOut,
    OrganizationList,
    OrganizationOut,
    Page,
    TermOut,
)
from docservice.db.models import Member, Organization
from docservice.registry.members import members_on
from docservice.security import policy

blueprint = api_blueprint("organizations", "Tổ chức đảng")


def organization_out(org: Organization) -> OrganizationOut:
    return OrganizationOut(
        id=org.id, code=org.code, name=org.name, kind=org.kind.value, parent_id=org.parent_id,
        abbreviation=org.abbreviation, place=org.place, superior_name=org.superior_name,
        terms=[TermOut(id=t.id, name=t.name, start_date=t.start_date, end_date=t.end_date) for t in org.terms],
    )


@blueprint.get("/organizations", responses={200: OrganizationList})
def list_organizations(query: Page):
    """Các tổ chức trong phạm vi của người dùng."""
    principal = caller()
    policy.require(principal, "organization.read")
    with services().catalogue.reader() as session:
        orgs, total = paginate(session, policy.visible_organizations(principal).order_by(Organization.path), query)
        items = [organization_out(o) for o in orgs]
    return dump(OrganizationList(items=items, total=total, page=query.page, per_page=query.per_page))


@blueprint.get("/organizations/<int:id>", responses={200: OrganizationOut})
def get_organization(path: IdPath):
    """Một tổ chức (404 nếu ngoài phạm vi)."""
    with services().catalogue.reader() as session:
        return dump(organization_out(policy.get_organization(session, path.id, caller())))


class MembersQuery(Page):
    on: dt.date | None = Field(None, description="Danh sách và trạng thái đảng viên vào ngày này (theo lịch sử)")


def _members_on(session, org_id: int, day: dt.date, query: Page) -> tuple[list[MemberOut], int]:
    states = members_on(session, org_id, day, active_only=False)
    window = states[(query.page - 1) * query.per_page: query.page * query.per_page]
    rows = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_([s.member_id for s in window])))}
    items = [MemberOut.model_validate(rows[s.member_id], from_attributes=True).model_copy(update={
        "status": s.status.value, "position": s.position.value, "exempted": s.exempted,
        "temporary": s.temporary.value if s.temporary else None, "suspended": s.suspended}) for s in window]
    return items, len(states)


@blueprint.get("/organizations/<int:id>/members", responses={200: MemberList})
def list_members(path: IdPath, query: MembersQuery):
    """Đảng viên của một tổ chức: hiện nay, hoặc như vào ngày ``on``."""
    principal = caller()
    policy.require(principal, "member.read")
    with services().catalogue.reader() as session:
        org = policy.get_organization(session, path.id, principal)
        if query.on is not None:
            items, total = _members_on(session, org.id, query.on, query)
        else:
            stmt = select(Member).where(Member.organization_id == org.id).order_by(Member.id)
            members, total = paginate(session, stmt, query)
            items = [MemberOut.model_validate(m, from_attributes=True) for m in members]
    return dump(MemberList(items=items, total=total, page=query.page, per_page=query.per_page))
