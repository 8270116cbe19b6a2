"""Members: add, read with history, record dated changes (status, exemption, temporary, …)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Literal

from flask import request, send_file
from pydantic import BaseModel, ConfigDict, Field, model_validator

from docservice.api.context import api_blueprint, caller, dump, file_response, problems
from docservice.api.schemas import IdPath, MemberOut
from docservice.db.models import MemberStatus, Position, Temporary
from docservice.generation.dossier import build_dossier, open_dossier, transfer_package
from docservice.registry.members import add_member, history, record_change
from docservice.security import policy
from docservice.security.audit import append_event
from docservice.services import current_services

blueprint = api_blueprint("members", "Đảng viên")

StatusName = Literal["chinh_thuc", "du_bi", "chuyen_di", "xoa_ten", "khai_tru", "tu_tran"]
PositionName = Literal["bi_thu", "pho_bi_thu", "chi_uy_vien", "dang_vien"]


class MemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    organization_id: int = Field(ge=1, le=2**31 - 1)
    full_name: str = Field(min_length=1, max_length=128)
    gender: Literal["nam", "nữ"] | None = None
    birth_date: dt.date | None = None
    card_number: str | None = Field(None, pattern=r"^\d{2}\.\d{6}$", description="NN.NNNNNN")
    position: PositionName = "dang_vien"
    status: Literal["chinh_thuc", "du_bi"]
    exempted: bool = False
    temporary: Literal["den", "di"] | None = None
    suspended: bool = False
    admitted_on: dt.date | None = Field(None, description="Ngày chi bộ tổ chức lễ kết nạp: dự bị tính từ ngày này")
    admission_decided_on: dt.date | None = Field(None, description="Ngày ghi trong quyết định kết nạp (tuổi đảng)")
    official_on: dt.date | None = None
    effective_on: dt.date = Field(description="Ngày bắt đầu sinh hoạt tại tổ chức này")

    @model_validator(mode="after")
    def _probationary(self) -> MemberCreate:
        """A probationary member has no card and no official date yet (party-records.md §5.2)."""
        if self.status == "du_bi" and self.card_number:
            raise ValueError("đảng viên dự bị chưa được cấp thẻ đảng viên (bỏ card_number)")
        if self.status == "du_bi" and self.official_on:
            raise ValueError("đảng viên dự bị chưa có ngày chính thức (bỏ official_on)")
        if self.status == "chinh_thuc" and self.official_on and self.official_on > self.effective_on:
            raise ValueError("đảng viên chính thức từ ngày official_on: ghi là dự bị từ effective_on, rồi ghi thay "
                             "đổi công nhận chính thức vào ngày đó")
        if self.admitted_on and self.admission_decided_on and self.admission_decided_on > self.admitted_on:
            raise ValueError("ngày quyết định kết nạp phải trước hoặc cùng ngày lễ kết nạp")
        return self


class MemberChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    effective_on: dt.date
    status: StatusName | None = None
    position: PositionName | None = None
    exempted: bool | None = None
    temporary: Literal["den", "di", "none"] | None = Field(None, description="\"none\" để bỏ trạng thái tạm thời")
    suspended: bool | None = None
    organization_id: int | None = Field(None, ge=1, le=2**31 - 1, description="Chuyển sang tổ chức khác")
    note: str | None = Field(None, max_length=500)


class ChangeOut(BaseModel):
    effective_on: dt.date
    document_id: int | None = Field(None, description="Văn bản làm thay đổi (quyết định công nhận, xóa tên …)")
    organization_id: int
    position: str
    status: str
    exempted: bool
    temporary: str | None
    suspended: bool
    note: str | None


class MemberDetail(MemberOut):
    organization_id: int
    history: list[ChangeOut]


def _detail(session, member) -> MemberDetail:
    return MemberDetail(**MemberOut.model_validate(member, from_attributes=True).model_dump(),
                        organization_id=member.organization_id,
                        history=[ChangeOut.model_validate(c, from_attributes=True) for c in history(session, member)])


@blueprint.post("/members", responses={201: MemberDetail, **problems(403, 409)})
def create_member(body: MemberCreate):
    """Thêm đảng viên vào một tổ chức (kèm ngày bắt đầu sinh hoạt)."""
    principal = caller()
    policy.require(principal, "member.write")
    details = body.model_dump(exclude={"organization_id", "full_name", "status", "effective_on", "temporary",
                                       "position"})
    with current_services().catalogue.session() as session:
        org = policy.get_organization(session, body.organization_id, principal)
        member = add_member(session, organization=org, full_name=body.full_name, status=MemberStatus(body.status),
                            effective_on=body.effective_on, user_id=principal.user_id,
                            temporary=Temporary(body.temporary) if body.temporary else None,
                            position=Position(body.position), **details)
        append_event(session, username=principal.username, action="member.create", object_type="member",
                     object_id=member.id, remote_addr=request.remote_addr)
        return dump(_detail(session, member), 201)


@blueprint.get("/members/<int:id>", responses={200: MemberDetail})
def get_member(path: IdPath):
    """Một đảng viên và lịch sử thay đổi trạng thái."""
    principal = caller()
    policy.require(principal, "member.read")
    with current_services().catalogue.reader() as session:
        return dump(_detail(session, policy.get_member(session, path.id, principal)))


def _changes(body: MemberChangeIn) -> dict[str, object]:
    changes = body.model_dump(exclude={"effective_on", "note"}, exclude_none=True)
    if "temporary" in changes:
        changes["temporary"] = None if changes["temporary"] == "none" else Temporary(changes["temporary"])
    if "status" in changes:
        changes["status"] = MemberStatus(changes["status"])
    if "position" in changes:
        changes["position"] = Position(changes["position"])
    return changes


@blueprint.post("/members/<int:id>/changes", responses={201: MemberDetail, **problems(403)})
def change_member(path: IdPath, body: MemberChangeIn):
    """Ghi một thay đổi có ngày hiệu lực (chính thức, miễn sinh hoạt, tạm thời đi/đến, đình chỉ, chuyển)."""
    principal = caller()
    policy.require(principal, "member.write")
    with current_services().catalogue.session() as session:
        member = policy.get_member(session, path.id, principal)
        changes = _changes(body)
        if "organization_id" in changes:
            policy.get_organization(session, changes["organization_id"], principal)
        record_change(session, member, effective_on=body.effective_on, changes=changes, note=body.note,
                      user_id=principal.user_id)
        append_event(session, username=principal.username, action="member.change", object_type="member",
                     object_id=member.id, remote_addr=request.remote_addr)
        return dump(_detail(session, member), 201)


def _dossier_request(member_id: int, action: str):
    """The member, their organisation and the parts the caller may see (clearance mật; audited)."""
    svc = current_services()
    opened = open_dossier(svc.catalogue, svc.rules, caller(), member_id, action, request.remote_addr)
    return svc, opened.member, opened.organization, opened.parts, opened.front


class DossierPaperOut(BaseModel):
    stage: str
    title: str
    number: str | None
    date: dt.date
    source: Literal["document", "record"]
    source_id: int


class ChecklistLineOut(BaseModel):
    key: str
    label: str
    required: bool
    status: Literal["present", "missing", "optional", "not_yet"]
    papers: list[int] = Field(description="Chỉ số trong danh sách papers")


class ChecklistGroupOut(BaseModel):
    part: str
    label: str
    stage: str
    lines: list[ChecklistLineOut]


class DossierOut(BaseModel):
    member_id: int
    cover: list[dict[str, str]] = Field(description="label, value: thông tin ở bìa hồ sơ")
    disagreements: list[str] = Field(description="Chỗ hồ sơ và văn bản trong hồ sơ chưa khớp")
    papers: list[DossierPaperOut]
    checklist: list[ChecklistGroupOut]
    missing: int = Field(description="Số giấy tờ bắt buộc còn thiếu")


@blueprint.get("/members/<int:id>/dossier", responses={200: DossierOut, **problems(403)})
def member_dossier_contents(path: IdPath):
    """Hồ sơ đảng viên: thông tin ở bìa, văn bản theo giai đoạn, giấy tờ theo quy định có và còn thiếu."""
    _svc, member, _org, parts, front = _dossier_request(path.id, "member.dossier_contents")
    return dump(DossierOut(
        member_id=member.id, cover=[{"label": f.label, "value": f.value} for f in front.facts],
        disagreements=front.disagreements,
        papers=[DossierPaperOut(stage=p.stage, title=p.title, number=p.number, date=p.date, source=p.source,
                                source_id=p.source_id) for p in parts],
        checklist=[ChecklistGroupOut(part=g.part, label=g.label, stage=g.stage, lines=[
            ChecklistLineOut(key=line.key, label=line.label, required=line.required, status=line.status,
                             papers=line.papers) for line in g.lines]) for g in front.groups],
        missing=sum(len(g.missing) for g in front.groups)))


@blueprint.get("/members/<int:id>/dossier.pdf", responses={**file_response("application/pdf", "Hồ sơ đảng viên"),
                                                          **problems(403)})
def member_dossier(path: IdPath):
    """Hồ sơ đảng viên: bìa, mục lục có số trang, từng văn bản theo giai đoạn, có dấu trang (cần mức Mật)."""
    svc, member, _org, parts, front = _dossier_request(path.id, "member.dossier")
    pdf = build_dossier(member, front, parts, svc.blobs, generated_on=dt.date.today(), sandbox=svc.sandbox)
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", download_name=f"ho-so-dang-vien-{member.id}.pdf",
                     max_age=0)


@blueprint.get("/members/<int:id>/transfer-package.zip",
               responses={**file_response("application/zip", "Gói chuyển sinh hoạt"), **problems(403)})
def member_transfer_package(path: IdPath):
    """Gói hồ sơ chuyển sinh hoạt: các tệp PDF nguyên bản, manifest SHA-256 và mã băm của manifest."""
    svc, member, org, parts, _front = _dossier_request(path.id, "member.transfer_package")
    package = transfer_package(member, org, parts, svc.blobs, generated_on=dt.date.today())
    return send_file(io.BytesIO(package), mimetype="application/zip",
                     download_name=f"chuyen-sinh-hoat-{member.id}.zip", max_age=0)
