"""Archive a PDF: validate → hash → text → store bytes → catalogue row + outbox row, atomically.

The file is stored byte for byte under its SHA-256 before the catalogue row commits; the outbox
row that tells the indexer commits with the record, so a record is never in the catalogue without
its file, nor committed without being (eventually) indexed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.orm import Session

from docservice.archive.blobs import BlobStore, sha256_of
from docservice.archive.pdf import inspect_pdf
from docservice.archive.text import extract_text
from docservice.db import Catalogue
from docservice.db.models import Clearance, Document, OutboxEntry, Record
from docservice.errors import DuplicateRecord, ValidationFailed
from docservice.rules import RuleBook
from docservice.security import policy
from docservice.security.audit import append_event
from docservice.text import normalize, number_key

_WARNINGS = {
    "javascript": "Tệp PDF chứa JavaScript (đã ghi nhận, không thực thi).",
    "embedded_files": "Tệp PDF có tệp đính kèm bên trong.",
    "launch_action": "Tệp PDF có lệnh mở chương trình ngoài (Launch).",
}


class RecordMetadata(BaseModel):
    """Metadata sent with an archived file; with ``document_id`` the rest defaults from it."""

    model_config = ConfigDict(extra="forbid")

    doc_type: str | None = Field(None, title="Loại văn bản", max_length=32)
    number: str | None = Field(None, title="Số, ký hiệu", max_length=64)
    date: dt.date | None = Field(None, title="Ngày văn bản")
    title: str | None = Field(None, title="Trích yếu", max_length=1000)
    signer: str | None = Field(None, title="Người ký", max_length=128)
    confidentiality: Literal["thuong", "mat", "toi_mat", "tuyet_mat"] | None = Field(None, title="Độ mật")
    document_id: int | None = Field(None, ge=1, le=2**31 - 1, title="Văn bản đã tạo tương ứng")
    member_id: int | None = Field(None, ge=1, le=2**31 - 1, title="Đảng viên (hồ sơ đảng viên)")
    stage: Literal["ket_nap", "cong_nhan", "danh_gia_hang_nam", "chuyen_sinh_hoat", "khac"] | None = Field(
        None, title="Giai đoạn trong hồ sơ đảng viên")
    organization_id: int | None = Field(None, ge=1, le=2**31 - 1, title="Tổ chức ban hành")

    @property
    def clearance(self) -> Clearance:
        return Clearance[self.confidentiality or "thuong"]

    @field_validator("number", "title", "signer")
    @classmethod
    def _nfc(cls, value: str | None) -> str | None:
        return normalize(value).strip() or None if value is not None else None


def _resolve(session: Session, meta: RecordMetadata, principal: policy.Principal,
             rules: RuleBook) -> RecordMetadata:
    """Fill missing metadata from the linked document, then check what is still required."""
    if meta.document_id is not None:
        doc = policy.get_visible(session, Document, meta.document_id, principal)
        defaults = {"doc_type": doc.doc_type, "number": doc.number, "date": doc.date,
                    "organization_id": doc.organization_id, "title": doc.title,
                    "confidentiality": doc.confidentiality.name, "signer": doc.fields.get("signer_name"),
                    "member_id": doc.member_id}
        meta = meta.model_copy(update={k: v for k, v in defaults.items() if getattr(meta, k) is None})
    missing = {name: "Trường này là bắt buộc." for name in ("doc_type", "date", "organization_id", "title")
               if getattr(meta, name) is None}
    if missing:
        raise ValidationFailed("Thiếu thông tin bắt buộc của văn bản lưu trữ.",
                               errors={f"metadata.{k}": v for k, v in missing.items()})
    if meta.member_id is not None:
        policy.get_member(session, meta.member_id, principal)
    if meta.doc_type not in rules.for_date(meta.date).doc_types:
        raise ValidationFailed("Loại văn bản không có trong quy định áp dụng cho ngày của văn bản.",
                               errors={"metadata.doc_type": "Loại văn bản không hợp lệ."})
    return meta


def _refuse_duplicate(session: Session, sha256: str, principal: policy.Principal) -> None:
    """409 with the id when the caller can already see a record of these exact bytes."""
    existing = session.scalar(policy.visible(Record, principal).where(Record.sha256 == sha256)
                              .with_only_columns(Record.id).limit(1))
    if existing is not None:
        raise DuplicateRecord(f"Tệp này đã được lưu trữ (hồ sơ số {existing}).", extra={"id": existing})


def archive_pdf(
    upload: Path, meta: RecordMetadata, principal: policy.Principal, *, catalogue: Catalogue,
    blobs: BlobStore, rules: RuleBook, remote_addr: str | None = None,
) -> Record:
    """Archive the PDF at ``upload`` (a temporary file the caller owns) with its metadata.

    Raises ``UnsupportedMediaType`` (415), ``UnusablePdf``/``ValidationFailed`` (422),
    ``DuplicateRecord`` (409, with the existing id) or ``NotFound`` for an organisation or
    document outside the caller's scope. Nothing is changed when it raises.
    """
    policy.require(principal, "record.create")
    facts = inspect_pdf(upload)
    sha256 = sha256_of(upload)
    with catalogue.reader() as session:
        meta = _resolve(session, meta, principal, rules)
        policy.get_organization(session, meta.organization_id, principal)
        policy.check_clearance(principal, meta.clearance)
        _refuse_duplicate(session, sha256, principal)
    text = extract_text(upload, facts.pages)
    with catalogue.session() as session:
        _refuse_duplicate(session, sha256, principal)
        stored_sha, size = blobs.put_file(upload)
        warnings = [_WARNINGS[f] for f in facts.risky_features]
        if facts.signature_fields:
            warnings.append("Tệp có chữ ký số; việc kiểm tra chữ ký chưa được thực hiện ở phiên bản này.")
        record = Record(
            sha256=stored_sha, size=size, pages=facts.pages, organization_id=meta.organization_id,
            doc_type=meta.doc_type, number=meta.number,
            number_key=number_key(meta.number) if meta.number else None, date=meta.date,
            title=meta.title, signer=meta.signer, confidentiality=meta.clearance,
            document_id=meta.document_id, member_id=meta.member_id, stage=meta.stage,
            text_source=text.source, text=text.text, signatures=[],
            warnings=warnings, created_by=principal.user_id,
        )
        session.add(record)
        session.flush()
        session.add(OutboxEntry(entity="record", entity_id=record.id, action="upsert"))
        append_event(session, username=principal.username, action="record.create",
                     object_type="record", object_id=record.id, remote_addr=remote_addr)
    return record

