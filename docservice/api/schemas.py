"""Request and response models of the JSON API; the OpenAPI document is generated from them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from flask_openapi3 import FileStorage
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from werkzeug.datastructures import FileStorage as ReceivedFile

from docservice.archive.service import RecordMetadata


def _a_file(value: object) -> object:
    if not isinstance(value, ReceivedFile):
        raise ValueError("phải là một tệp tải lên (multipart, có tên tệp), không phải một ô chữ")
    return value


Upload = Annotated[FileStorage, AfterValidator(_a_file)]

class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: dict[str, str] | None = Field(None, description="field path → Vietnamese message")
    id: int | None = Field(None, description="409 duplicate_record: the record already holding these bytes")


class Page(BaseModel):
    model_config = ConfigDict(extra="forbid")
    page: int = Field(1, ge=1, le=100000, description="Trang (từ 1)")
    per_page: int = Field(20, ge=1, le=100, description="Số mục mỗi trang (tối đa 100)")


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenResponse(BaseModel):
    token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the scheme name, not a secret
    expires_at: dt.datetime


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(min_length=1, max_length=256, description="Mật khẩu hiện tại")
    new_password: str = Field(min_length=1, max_length=256, description="Mật khẩu mới (≥ 10 ký tự, có chữ và số)")


class PasswordSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=1, max_length=256, description="Mật khẩu mới (≥ 10 ký tự, có chữ và số)")


UserRole = Literal["admin", "secretary", "archivist", "reader"]
ClearanceName = Literal["thuong", "mat", "toi_mat", "tuyet_mat"]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=3, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$",
                          description="Tên đăng nhập: chữ thường không dấu, số, dấu chấm, gạch")
    password: str = Field(min_length=1, max_length=256)
    role: UserRole
    organization_id: int = Field(ge=1, le=2**31 - 1)
    clearance: ClearanceName = "thuong"
    full_name: str | None = Field(None, min_length=1, max_length=128)


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: UserRole | None = None
    organization_id: int | None = Field(None, ge=1, le=2**31 - 1)
    clearance: ClearanceName | None = None
    full_name: str | None = Field(None, min_length=1, max_length=128)
    active: bool | None = None


class UserOut(BaseModel):
    id: int
    username: str
    full_name: str | None
    role: UserRole
    organization_id: int
    clearance: ClearanceName
    active: bool
    locked_until: dt.datetime | None = Field(description="Tạm khóa đến (sau nhiều lần sai mật khẩu)")
    last_login_at: dt.datetime | None
    created_at: dt.datetime


class UserList(BaseModel):
    items: list[UserOut]
    total: int
    page: int
    per_page: int


class RevokedTokens(BaseModel):
    revoked: int = Field(description="token API bị thu hồi")
    sessions_ended: int = Field(0, description="phiên đăng nhập web bị kết thúc")


class RecordView(BaseModel):
    model_config = ConfigDict(extra="forbid")
    from_search: bool = Field(False, description="mở từ kết quả tìm kiếm (ghi nhật ký khi hồ sơ mật)")


class IdPath(BaseModel):
    id: int = Field(ge=1, le=2**31 - 1)


class TermOut(BaseModel):
    id: int
    name: str
    start_date: dt.date
    end_date: dt.date | None


class NameOut(BaseModel):
    effective_on: dt.date
    name: str
    header_name: str | None
    superior_name: str | None
    place: str | None
    note: str | None


class OrganizationOut(BaseModel):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    abbreviation: str
    place: str | None
    superior_name: str | None
    terms: list[TermOut]
    names: list[NameOut] = Field(default_factory=list, description="Tên theo thời gian (văn bản in tên có hiệu lực "
                                 "vào ngày của nó)")


class OrganizationList(BaseModel):
    items: list[OrganizationOut]
    total: int
    page: int
    per_page: int


class MemberOut(BaseModel):
    id: int
    full_name: str
    gender: str | None
    birth_date: dt.date | None
    card_number: str | None
    position: str
    status: str
    exempted: bool
    temporary: Literal["den", "di"] | None
    suspended: bool
    admitted_on: dt.date | None
    admission_decided_on: dt.date | None = None
    official_on: dt.date | None


class MemberList(BaseModel):
    items: list[MemberOut]
    total: int
    page: int
    per_page: int


class TemplateOut(BaseModel):
    key: str
    title: str
    doc_type: str
    version: str
    fields: dict[str, Any] = Field(description="JSON Schema of the template's fields")


class TemplateList(BaseModel):
    items: list[TemplateOut]
    total: int
    page: int
    per_page: int


Confidentiality = Literal["thuong", "mat", "toi_mat", "tuyet_mat"]


class DocumentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    template: str = Field(min_length=1, max_length=64)
    organization_id: int = Field(ge=1, le=2**31 - 1)
    fields: dict[str, Any]
    confidentiality: Confidentiality = "thuong"
    member_id: int | None = Field(None, ge=1, le=2**31 - 1, description="Đảng viên mà văn bản nói về (hồ sơ "
                                  "đảng viên); họ tên, ngày sinh, số thẻ… được điền từ dữ liệu đảng viên")


class DocumentOut(BaseModel):
    id: int
    template: str
    template_version: str
    number: str
    doc_type: str
    title: str
    date: dt.date
    organization_id: int
    confidentiality: Confidentiality
    profile: str
    member_id: int | None
    docx_url: str
    pdf_url: str
    warnings: list[str] = Field(default_factory=list, description="Điều được phép nhưng cần lưu ý (xét chậm …)")


class RecordForm(BaseModel):
    file: Upload = Field(description="Tệp PDF")
    metadata: RecordMetadata = Field(description="JSON; với document_id, các trường khác lấy từ văn bản đó")


class SignatureOut(BaseModel):
    signer: str | None
    signed_at: dt.datetime | None
    time_stamped: bool
    intact: bool
    covers_whole_file: bool
    trusted: bool
    revocation_checked: bool
    problems: list[str]


class SignatureCheckOut(BaseModel):
    id: int
    checked_at: dt.datetime
    signatures: list[SignatureOut]


class CorrectionOut(BaseModel):
    version: int
    changed_at: dt.datetime
    changes: dict[str, Any]
    reason: str | None


class RecordOut(BaseModel):
    id: int
    sha256: str
    size: int
    pages: int
    text_source: str
    page_sources: list[str] = Field(description="per page: text_layer | ocr | legacy_converted:tcvn3|vni | none")
    signatures: list[SignatureOut] = Field(description="the latest verdict per signature")
    warnings: list[str]
    doc_type: str
    number: str | None
    date: dt.date
    organization_id: int
    title: str
    signer: str | None
    confidentiality: Confidentiality
    document_id: int | None
    member_id: int | None
    stage: str | None
    dossier_item: str | None = None
    superseded: bool
    supersedes_id: int | None
    file_url: str
    needs_review: bool = Field(description="imported with unclear metadata: waiting for an archivist")
    review_reasons: list[str]
    metadata_confidence: dict[str, str] = Field(description="per field: manifest | high | medium | low")
    original_name: str | None = Field(description="the file's path in the imported folder")
    disposed_at: dt.datetime | None = Field(description="disposed of under the retention rules: no file any more")
    disposal_reason: str | None


class RecordPage(BaseModel):
    items: list[RecordOut]
    total: int
    page: int
    per_page: int


class ReviewQueueQuery(Page):
    model_config = ConfigDict(extra="forbid")
    organization_id: int | None = Field(None, ge=1, le=2**31 - 1)


class RecordDetail(RecordOut):
    signature_checks: list[SignatureCheckOut] = Field(description="every verification, oldest first")
    corrections: list[CorrectionOut]


class RecordVersions(BaseModel):
    items: list[RecordOut] = Field(description="file versions, oldest first")


class RecordVersionForm(BaseModel):
    file: Upload = Field(description="Tệp PDF mới thay thế")
    metadata: dict[str, Any] = Field(default_factory=dict, description="JSON: thông tin thay đổi (nếu có) và "
                                     "\"reason\" — lý do; chỉ người được sửa thông tin mới đổi được thông tin")


class RecordCorrection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doc_type: str | None = Field(None, max_length=32)
    number: str | None = Field(None, max_length=64)
    date: dt.date | None = None
    title: str | None = Field(None, max_length=1000)
    signer: str | None = Field(None, max_length=128)
    member_id: int | None = Field(None, ge=1, le=2**31 - 1)
    stage: Literal["ket_nap", "cong_nhan", "danh_gia_hang_nam", "chuyen_sinh_hoat", "khac"] | None = None
    dossier_item: str | None = Field(None, max_length=48, pattern=r"^[a-z_]+$",
                                     description="Giấy tờ nào trong danh mục hồ sơ đảng viên")
    organization_id: int | None = Field(None, ge=1, le=2**31 - 1, description="Tổ chức ban hành")
    confidentiality: Confidentiality | None = Field(None, description="Độ mật (không quá mức được xem)")
    reason: str | None = Field(None, max_length=500, description="Lý do sửa")


class RecordReview(RecordCorrection):
    """The archivist's verdict on an imported record: corrections (if any), then out of the queue."""


class SearchQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    q: str = Field("", max_length=500, description="Từ khóa, \"cụm từ\", -loại trừ, số văn bản")
    organization_id: int | None = Field(None, ge=1, le=2**31 - 1)
    doc_type: str | None = Field(None, max_length=32)
    year: int | None = Field(None, ge=1930, le=2200)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    number: str | None = Field(None, max_length=64)
    page: int = Field(1, ge=1, le=1000)
    per_page: int = Field(20, ge=1, le=100)
    sort: Literal["relevance", "date"] = "relevance"
    include_superseded: bool = False


class OrgRef(BaseModel):
    id: int
    name: str


class SearchHit(BaseModel):
    id: int
    number: str | None
    title: str
    doc_type: str
    date: dt.date
    organization: OrgRef
    score: float
    snippet: str = Field(description="HTML-escaped text, <mark> around matches")


class FacetValue(BaseModel):
    value: str | int
    count: int


class OrgFacet(BaseModel):
    id: int
    name: str
    count: int


class Facets(BaseModel):
    doc_type: list[FacetValue]
    year: list[FacetValue]
    organization: list[OrgFacet]


class SearchResponse(BaseModel):
    total: int
    page: int
    per_page: int
    hits: list[SearchHit]
    facets: Facets
