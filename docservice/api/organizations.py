"""Organisations and their members, within the caller's scope."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from flask import request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from docservice.api.context import api_blueprint, caller, dump, paginate, problems
from docservice.api.schemas import (
    IdPath,
    MemberList,
    MemberOut,
    NameOut,
    OrganizationList,
    OrganizationOut,
    Page,
    TermOut,
)
from docservice.db.models import Clearance, Member, Organization, OrganizationName, OrgKind
from docservice.generation.register import enter_outside, register_rows
from docservice.registry.members import members_on
from docservice.registry.organizations import add_organization, add_term_checked, names_history, rename
from docservice.security import policy
from docservice.services import current_services

blueprint = api_blueprint("organizations", "Tổ chức đảng")


def organization_out(org: Organization, names: list[OrganizationName] | None = None) -> OrganizationOut:
    return OrganizationOut(
        id=org.id, code=org.code, name=org.name, kind=org.kind.value, parent_id=org.parent_id,
        abbreviation=org.abbreviation, place=org.place, superior_name=org.superior_name,
        terms=[TermOut(id=t.id, name=t.name, start_date=t.start_date, end_date=t.end_date) for t in org.terms],
        names=[NameOut.model_validate(n, from_attributes=True) for n in names or []],
    )


@blueprint.get("/organizations", responses={200: OrganizationList})
def list_organizations(query: Page):
    """Các tổ chức trong phạm vi của người dùng."""
    principal = caller()
    policy.require(principal, "organization.read")
    with current_services().catalogue.reader() as session:
        orgs, total = paginate(session, policy.visible_organizations(principal).order_by(Organization.path), query)
        items = [organization_out(o) for o in orgs]
    return dump(OrganizationList(items=items, total=total, page=query.page, per_page=query.per_page))


@blueprint.get("/organizations/<int:id>", responses={200: OrganizationOut})
def get_organization(path: IdPath):
    """Một tổ chức (404 nếu ngoài phạm vi)."""
    with current_services().catalogue.reader() as session:
        org = policy.get_organization(session, path.id, caller())
        return dump(organization_out(org, names_history(session, org)))


class RenameIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    effective_on: dt.date = Field(description="Tên mới dùng cho văn bản từ ngày này; văn bản trước đó giữ tên cũ")
    name: str | None = Field(None, min_length=2, max_length=255)
    header_name: str | None = Field(None, min_length=2, max_length=255)
    superior_name: str | None = Field(None, min_length=2, max_length=255)
    place: str | None = Field(None, min_length=1, max_length=128)
    note: str | None = Field(None, max_length=500, description="Căn cứ, ví dụ quyết định sáp nhập")


@blueprint.post("/organizations/<int:id>/names", responses={201: OrganizationOut, **problems(403, 409)})
def rename_organization(path: IdPath, body: RenameIn):
    """Đổi tên tổ chức từ một ngày (sáp nhập, đổi tên địa danh); cấp dưới in tên cấp trên mới từ cùng ngày."""
    changes = body.model_dump(exclude={"effective_on", "note"}, exclude_none=True)
    with current_services().catalogue.session() as session:
        org = rename(session, caller(), path.id, effective_on=body.effective_on, changes=changes, note=body.note,
                     remote_addr=request.remote_addr)
        return dump(organization_out(org, names_history(session, org)), 201)


class OutsideNumberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doc_type: str = Field(min_length=2, max_length=32, description="Loại văn bản (nghi_quyet, quyet_dinh …)")
    sequence: int = Field(ge=1, le=100000, description="Số thứ tự đã cấp (5 cho 05-NQ/CB)")
    date: dt.date
    title: str = Field(min_length=1, max_length=1000, description="Trích yếu")
    confidentiality: Literal["thuong", "mat", "toi_mat", "tuyet_mat"] = "thuong"


class RegisterRowOut(BaseModel):
    sequence: int
    number: str
    date: dt.date
    doc_type: str
    title: str
    origin: Literal["generated", "outside"]
    document_id: int | None
    entry_id: int | None


class RegisterOut(BaseModel):
    items: list[RegisterRowOut]


class RegisterQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doc_type: str | None = Field(None, max_length=32)
    year: int | None = Field(None, ge=1930, le=2200)


@blueprint.post("/organizations/<int:id>/numbers", responses={201: RegisterRowOut, **problems(403, 409)})
def enter_outside_number(path: IdPath, body: OutsideNumberIn):
    """Vào sổ một số đã cấp ngoài hệ thống (văn bản ký tay, sổ giấy), đúng vị trí; số sau nối tiếp."""
    svc = current_services()
    entry = enter_outside(svc.catalogue, svc.rules, caller(), path.id, doc_type=body.doc_type,
                          sequence=body.sequence, day=body.date, title=body.title,
                          confidentiality=Clearance[body.confidentiality], remote_addr=request.remote_addr)
    return dump(RegisterRowOut(sequence=entry.sequence, number=entry.number, date=entry.date,
                               doc_type=entry.doc_type, title=entry.title, origin="outside", document_id=None,
                               entry_id=entry.id), 201)


@blueprint.get("/organizations/<int:id>/numbers", responses={200: RegisterOut})
def list_numbers(path: IdPath, query: RegisterQuery):
    """Sổ số văn bản của tổ chức: số do hệ thống cấp và số đã cấp ngoài hệ thống, theo loại và ngày."""
    with current_services().catalogue.reader() as session:
        rows = register_rows(session, caller(), path.id, doc_type=query.doc_type, year=query.year)
        return dump(RegisterOut(items=[RegisterRowOut(**vars(r)) for r in rows]))


class OrganizationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    parent_id: int = Field(ge=1, le=2**31 - 1, description="Tổ chức cấp trên (trong phạm vi)")
    code: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$", description="Mã (không dấu)")
    kind: Literal["chi_bo", "dang_bo_bo_phan", "dang_bo_co_so", "dang_uy", "huyen_uy", "tinh_uy"]
    name: str = Field(min_length=2, max_length=255)
    header_name: str | None = Field(None, max_length=255, description="Tên ở tiêu đề văn bản, nếu khác tên")
    superior_name: str | None = Field(None, max_length=255, description="Cấp trên ở tiêu đề (mặc định: tên cấp trên)")
    place: str | None = Field(None, max_length=128, description="Địa danh ở dòng ngày tháng")


class TermCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=2, max_length=64, description="Ví dụ 2025–2030")
    start_date: dt.date
    end_date: dt.date | None = None


@blueprint.post("/organizations", responses={201: OrganizationOut, **problems(403, 409)})
def create_organization(body: OrganizationCreate):
    """Thêm tổ chức đảng dưới một tổ chức trong phạm vi (quản trị)."""
    with current_services().catalogue.session() as session:
        org = add_organization(session, caller(), parent_id=body.parent_id, code=body.code, kind=OrgKind(body.kind),
                               name=body.name, header_name=body.header_name, superior_name=body.superior_name,
                               place=body.place, remote_addr=request.remote_addr)
        return dump(organization_out(org), 201)


@blueprint.post("/organizations/<int:id>/terms", responses={201: TermOut, **problems(403, 409)})
def create_term(path: IdPath, body: TermCreate):
    """Thêm nhiệm kỳ (không trùng thời gian với nhiệm kỳ khác; số văn bản đánh theo nhiệm kỳ)."""
    with current_services().catalogue.session() as session:
        term = add_term_checked(session, caller(), path.id, name=body.name, start=body.start_date,
                                end=body.end_date, remote_addr=request.remote_addr)
        return dump(TermOut(id=term.id, name=term.name, start_date=term.start_date, end_date=term.end_date), 201)


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
    with current_services().catalogue.reader() as session:
        org = policy.get_organization(session, path.id, principal)
        if query.on is not None:
            items, total = _members_on(session, org.id, query.on, query)
        else:
            stmt = select(Member).where(Member.organization_id == org.id).order_by(Member.id)
            members, total = paginate(session, stmt, query)
            items = [MemberOut.model_validate(m, from_attributes=True) for m in members]
    return dump(MemberList(items=items, total=total, page=query.page, per_page=query.per_page))
