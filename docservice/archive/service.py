"""Archive a PDF: validate → hash → signatures → text → store bytes → catalogue + outbox, atomically.

The file is stored byte for byte under its SHA-256 before the catalogue row commits; the outbox
row that tells the indexer commits with the record, so a record is never in the catalogue without
its file, nor committed without being (eventually) indexed. Nothing is overwritten: a new file is a
new version that supersedes the old record, a correction of metadata is a metadata version, and a
signature re-check is a new dated event beside the first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from docservice.archive.blobs import BlobStore, sha256_of
from docservice.archive.pdf import PdfFacts, inspect_pdf
from docservice.archive.signatures import load_trust_roots, roots_fingerprint, roots_from_der, verify_signatures
from docservice.archive.staging import staged_files
from docservice.archive.text import ExtractedText, OcrBudget, extract_text
from docservice.db import Catalogue
from docservice.db.models import (
    Clearance,
    Document,
    OutboxEntry,
    Record,
    RecordMetadataVersion,
    SignatureCheck,
)
from docservice.errors import Conflict, DuplicateRecord, Forbidden, Gone, NotFound, ValidationFailed
from docservice.rules import RuleBook
from docservice.sandbox import Sandbox
from docservice.security import policy
from docservice.security.audit import append_event
from docservice.text import fold, normalize, number_key

_WARNINGS = {
    "javascript": "Tệp PDF chứa JavaScript (đã ghi nhận, không thực thi).",
    "embedded_files": "Tệp PDF có tệp đính kèm bên trong.",
    "launch_action": "Tệp PDF có lệnh mở chương trình ngoài (Launch).",
    "trailing_data": "Tệp có dữ liệu thêm sau dấu kết thúc cuối cùng (%%EOF) của PDF; tệp được lưu nguyên vẹn.",
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
    dossier_item: str | None = Field(None, title="Giấy tờ nào trong danh mục hồ sơ đảng viên", max_length=48,
                                     pattern=r"^[a-z_]+$")
    organization_id: int | None = Field(None, ge=1, le=2**31 - 1, title="Tổ chức ban hành")

    @property
    def clearance(self) -> Clearance:
        return Clearance[self.confidentiality or "thuong"]

    @field_validator("number", "title", "signer")
    @classmethod
    def _nfc(cls, value: str | None) -> str | None:
        return normalize(value).strip() or None if value is not None else None


def resolve_metadata(session: Session, meta: RecordMetadata, principal: policy.Principal,
             rules: RuleBook) -> tuple[RecordMetadata, Document | None]:
    """Fill missing metadata from the linked document, then check what is still required."""
    doc, explicit_level = None, meta.confidentiality
    if meta.document_id is not None:
        doc = policy.get_visible(session, Document, meta.document_id, principal)
        defaults = {"doc_type": doc.doc_type, "number": doc.number, "date": doc.date,
                    "organization_id": doc.organization_id, "title": doc.title,
                    "confidentiality": doc.confidentiality.name, "signer": doc.fields.get("signer_name"),
                    "member_id": doc.member_id}
        meta = meta.model_copy(update={k: v for k, v in defaults.items() if getattr(meta, k) is None})
    if explicit_level is None:
        meta = _member_paper_default(meta.model_copy(update={"confidentiality": None}), doc) \
            if meta.member_id is not None else meta
    missing = {name: "Trường này là bắt buộc." for name in ("doc_type", "date", "organization_id", "title")
               if getattr(meta, name) is None}
    if missing:
        raise ValidationFailed("Thiếu thông tin bắt buộc của văn bản lưu trữ.",
                               errors={f"metadata.{k}": v for k, v in missing.items()})
    if meta.member_id is not None:
        policy.get_member(session, meta.member_id, principal)
    profile = rules.for_date(meta.date)
    if meta.doc_type not in profile.doc_types:
        raise ValidationFailed("Loại văn bản không có trong quy định áp dụng cho ngày của văn bản.",
                               errors={"metadata.doc_type": "Loại văn bản không hợp lệ."})
    if meta.dossier_item is not None and (meta.member_id is None or profile.checklist_item(meta.dossier_item) is None):
        raise ValidationFailed("Giấy tờ trong hồ sơ đảng viên không đúng danh mục.", errors={
            "metadata.dossier_item": "Chọn một mục của danh mục hồ sơ đảng viên (và đảng viên: member_id)."})
    return meta, doc


def _member_paper_default(meta: RecordMetadata, doc: Document | None) -> RecordMetadata:
    """A paper filed in a member's dossier is "mật" unless its sender said otherwise (the dossier is a
    confidential party document, party-records.md §5.1); a generated paper marked higher keeps its mark."""
    if meta.member_id is None or meta.confidentiality is not None:
        return meta
    level = max(Clearance.mat, doc.confidentiality if doc is not None else Clearance.mat)
    return meta.model_copy(update={"confidentiality": level.name})


def _refuse_duplicate(session: Session, sha256: str, principal: policy.Principal) -> None:
    """409 with the id when the caller can already see a record of these exact bytes."""
    existing = session.scalar(policy.visible(Record, principal).where(Record.sha256 == sha256)
                              .with_only_columns(Record.id).limit(1))
    if existing is not None:
        raise DuplicateRecord(f"Tệp này đã được lưu trữ (hồ sơ số {existing}).", extra={"id": existing})


def _carries(text: str, document: Document) -> list[str]:
    """Warnings when the PDF's text lacks the linked document's number or date."""
    folded = fold(text)
    squeezed = re.sub(r"[^0-9a-z]", "", folded)
    key = number_key(document.number)
    warnings = []
    digits, rest = re.match(r"(\d*)(.*)", key).groups()  # type: ignore[union-attr]
    if not re.search(rf"(?<!\d)0*{digits}{re.escape(rest)}", squeezed):
        warnings.append(f"Không thấy số \"{document.number}\" của văn bản liên kết trong nội dung tệp.")
    day, month = document.date.day, document.date.month
    if not re.search(rf"ngay\s*0?{day}\s*thang\s*0?{month}\s*nam\s*{document.date.year}", folded):
        warnings.append(f"Không thấy ngày {document.date:%d/%m/%Y} của văn bản liên kết trong nội dung tệp.")
    return warnings


@dataclass(frozen=True)
class Inspection:
    """Everything learned from the file before anything is stored."""

    sha256: str
    facts: PdfFacts
    text: ExtractedText
    signatures: list[dict[str, object]]
    roots: str
    warnings: list[str]


@dataclass(frozen=True)
class ArchiveOptions:
    """How an upload is read: trust roots, page limits, the OCR time budget (``None``: none, for imports from
    a folder) and the sandbox that parses the file and verifies its signatures under limits (``None``: in
    this process, for tests)."""

    trust_roots: Path | None = None
    max_pages: int = 10_000
    ocr_max_pages: int = 300
    ocr_seconds: float | None = None
    sandbox: Sandbox | None = None


def read_structure(upload: Path, max_pages: int, roots_der: list[bytes]) -> tuple[PdfFacts, list[dict[str, object]]]:
    """The PDF's structure and its signatures' verdicts (what runs in the sandbox; the trust roots travel
    as DER, which asn1crypto's objects do not survive pickling)."""
    facts = inspect_pdf(upload, max_pages=max_pages)
    verdicts = verify_signatures(upload.read_bytes(), roots_from_der(roots_der)) if facts.signature_fields else []
    return facts, [v.to_json() for v in verdicts]


def inspect_upload(upload: Path, sha256: str, options: ArchiveOptions) -> Inspection:
    """Parse, verify signatures and read the text of an uploaded PDF (nothing is stored)."""
    roots = load_trust_roots(options.trust_roots)
    roots_der = [root.dump() for root in roots]
    if options.sandbox is not None:
        facts, signatures = options.sandbox.run(read_structure, upload, options.max_pages, roots_der, what="Tệp PDF")
    else:
        facts, signatures = read_structure(upload, options.max_pages, roots_der)
    budget = OcrBudget.of(options.ocr_seconds, options.sandbox)
    text = extract_text(upload, facts.pages, page_sizes=list(facts.page_sizes), ocr_max_pages=options.ocr_max_pages,
                        budget=budget)
    warnings = [_WARNINGS[f] for f in facts.risky_features] + text.warnings
    if facts.signature_fields and not signatures:
        warnings.append("Tệp có trường chữ ký nhưng không đọc được chữ ký nào.")
    return Inspection(sha256, facts, text, signatures, roots_fingerprint(roots), warnings)


def new_record(meta: RecordMetadata, seen: Inspection, stored_sha: str, size: int, warnings: list[str],
                principal: policy.Principal, supersedes: int | None = None) -> Record:
    return Record(
        sha256=stored_sha, size=size, pages=seen.facts.pages, organization_id=meta.organization_id,
        doc_type=meta.doc_type, number=meta.number, number_key=number_key(meta.number) if meta.number else None,
        date=meta.date, title=meta.title, signer=meta.signer, confidentiality=meta.clearance,
        document_id=meta.document_id, member_id=meta.member_id, stage=meta.stage, dossier_item=meta.dossier_item,
        text_source=seen.text.source,
        text=seen.text.text, page_sources=seen.text.page_sources, signatures=seen.signatures, warnings=warnings,
        supersedes_id=supersedes, created_by=principal.user_id,
    )


def store_record(session: Session, record: Record, seen: Inspection, principal: policy.Principal, action: str,
           remote_addr: str | None) -> None:
    session.add(record)
    session.flush()
    if seen.signatures:
        session.add(SignatureCheck(record_id=record.id, roots_fingerprint=seen.roots, results=seen.signatures,
                                   checked_by=principal.user_id))
    session.add(OutboxEntry(entity="record", entity_id=record.id, action="upsert"))
    append_event(session, username=principal.username, action=action, object_type="record", object_id=record.id,
                 remote_addr=remote_addr)


def archive_pdf(
    upload: Path, meta: RecordMetadata, principal: policy.Principal, *, catalogue: Catalogue,
    blobs: BlobStore, rules: RuleBook, options: ArchiveOptions = ArchiveOptions(),
    remote_addr: str | None = None,
) -> Record:
    """Archive the PDF at ``upload`` (a temporary file the caller owns) with its metadata.

    Raises ``UnsupportedMediaType`` (415), ``UnusablePdf``/``ValidationFailed`` (422),
    ``DuplicateRecord`` (409, with the existing id) or ``NotFound`` for an organisation or
    document outside the caller's scope. Nothing is changed when it raises.
    """
    policy.require(principal, "record.create")
    sha256 = sha256_of(upload)
    with catalogue.reader() as session:
        meta, document = resolve_metadata(session, meta, principal, rules)
        policy.get_organization(session, meta.organization_id, principal)
        policy.check_clearance(principal, meta.clearance)
        _refuse_duplicate(session, sha256, principal)
    seen = inspect_upload(upload, sha256, options)
    warnings = seen.warnings + (_carries(seen.text.text, document) if document else [])
    with staged_files(blobs, catalogue) as stored, catalogue.session() as session:
        _refuse_duplicate(session, sha256, principal)
        stored_sha, size = stored.put_file(upload)
        record = new_record(meta, seen, stored_sha, size, warnings, principal)
        store_record(session, record, seen, principal, "record.create", remote_addr)
    return record


def add_version(
    record_id: int, upload: Path, changes: dict[str, object], principal: policy.Principal, *,
    catalogue: Catalogue, blobs: BlobStore, rules: RuleBook, options: ArchiveOptions = ArchiveOptions(),
    remote_addr: str | None = None,
) -> Record:
    """A new file that supersedes record ``record_id``; its metadata is the old one plus ``changes``.

    Changing metadata with the new file (confidentiality included) is a correction: only for those who
    may correct metadata (``Forbidden`` otherwise), with ``changes["reason"]``, and kept as the new
    record's first metadata version. Anyone who may file records may add a file with the same metadata.
    """
    policy.require(principal, "record.create")
    changes = dict(changes)
    reason = changes.pop("reason", None)
    with catalogue.reader() as session:
        old = policy.get_visible(session, Record, record_id, principal)
        if old.superseded:
            raise Conflict("Hồ sơ này đã có phiên bản mới hơn; hãy thêm phiên bản vào bản mới nhất.")
        before = _metadata_of(old)
        meta = RecordMetadata.model_validate({**before, **changes})
        meta, document = resolve_metadata(session, meta, principal, rules)
        diff = _diff(before, meta)
        _guard_correction(principal, diff, reason)
        policy.get_organization(session, meta.organization_id, principal)
        policy.check_clearance(principal, meta.clearance)
        sha256 = sha256_of(upload)
        _refuse_duplicate(session, sha256, principal)
    seen = inspect_upload(upload, sha256, options)
    warnings = seen.warnings + (_carries(seen.text.text, document) if document else [])
    with staged_files(blobs, catalogue) as stored, catalogue.session() as session:
        old = session.get(Record, record_id)
        if old is None or old.superseded:
            raise Conflict("Hồ sơ này vừa có phiên bản mới hơn.")
        stored_sha, size = stored.put_file(upload)
        record = new_record(meta, seen, stored_sha, size, warnings, principal, supersedes=old.id)
        old.superseded = True
        store_record(session, record, seen, principal, "record.version", remote_addr)
        if diff:
            session.add(RecordMetadataVersion(record_id=record.id, version=1, changes=diff, reason=reason,
                                              changed_by=principal.user_id))
            append_event(session, username=principal.username, action="record.correct", object_type="record",
                         object_id=record.id, remote_addr=remote_addr, detail=f"phiên bản thay thế hồ sơ {old.id}")
        session.add(OutboxEntry(entity="record", entity_id=old.id, action="upsert"))
    return record


def _diff(before: dict[str, object], meta: RecordMetadata) -> dict[str, dict[str, object]]:
    """What ``meta`` changes in the metadata ``before``, as ``{name: {"from", "to"}}``."""
    return {k: {"from": _plain(before[k]), "to": _plain(getattr(meta, k))} for k in before
            if before[k] != getattr(meta, k)}


def _guard_correction(principal: policy.Principal, diff: dict[str, object], reason: object) -> None:
    if not diff:
        return
    if not policy.may(principal, "record.correct"):
        raise Forbidden("Chỉ người lưu trữ hoặc quản trị được sửa thông tin (kể cả độ mật) khi nộp phiên bản mới; "
                        "hãy nộp tệp với thông tin như cũ.")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 500:
        raise ValidationFailed("Phiên bản mới có thay đổi thông tin: cần ghi lý do sửa (tối đa 500 ký tự).",
                               errors={"metadata.reason": "Cần ghi lý do sửa thông tin (tối đa 500 ký tự)."})


CORRECTABLE = ("doc_type", "number", "date", "title", "signer", "member_id", "stage", "organization_id",
               "confidentiality", "dossier_item")


def _metadata_of(record: Record) -> dict[str, object]:
    return {"doc_type": record.doc_type, "number": record.number, "date": record.date,
            "organization_id": record.organization_id, "title": record.title, "signer": record.signer,
            "confidentiality": record.confidentiality.name, "document_id": record.document_id,
            "member_id": record.member_id, "stage": record.stage, "dossier_item": record.dossier_item}


def _apply_changes(session: Session, record: Record, changes: dict[str, object], reason: str | None,
                   principal: policy.Principal, rules: RuleBook, remote_addr: str | None) -> dict[str, object]:
    """Apply corrections to ``record`` as a new metadata version; returns the diff (may be empty)."""
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ValidationFailed("Chỉ sửa được: " + ", ".join(CORRECTABLE) + ".",
                               errors={f"changes.{k}": "Không sửa được trường này." for k in sorted(unknown)})
    if record.disposed_at is not None:
        raise Gone(f"Hồ sơ số {record.id} đã được hủy; không sửa được thông tin.")
    before = _metadata_of(record)
    meta, _ = resolve_metadata(session, RecordMetadata.model_validate({**before, **changes}), principal, rules)
    diff = {k: v for k, v in _diff(before, meta).items() if k in CORRECTABLE}
    if "organization_id" in diff:
        policy.get_organization(session, meta.organization_id, principal)
    if "confidentiality" in diff:
        policy.check_clearance(principal, meta.clearance)
    for name in diff:
        setattr(record, name, meta.clearance if name == "confidentiality" else getattr(meta, name))
    if not diff:
        return diff
    record.number_key = number_key(record.number) if record.number else None
    version = 1 + len(session.scalars(select(RecordMetadataVersion.id)
                                      .where(RecordMetadataVersion.record_id == record.id)).all())
    session.add(RecordMetadataVersion(record_id=record.id, version=version, changes=diff, reason=reason,
                                      changed_by=principal.user_id))
    session.add(OutboxEntry(entity="record", entity_id=record.id, action="upsert"))
    append_event(session, username=principal.username, action="record.correct", object_type="record",
                 object_id=record.id, remote_addr=remote_addr)
    return diff


def correct_metadata(record_id: int, changes: dict[str, object], reason: str | None, principal: policy.Principal, *,
                     catalogue: Catalogue, rules: RuleBook, remote_addr: str | None = None) -> Record:
    """Correct metadata; the change is kept as a numbered metadata version, the file is untouched."""
    policy.require(principal, "record.correct")
    with catalogue.session() as session:
        record = policy.get_visible(session, Record, record_id, principal)
        if not _apply_changes(session, record, changes, reason, principal, rules, remote_addr):
            raise ValidationFailed("Không có thay đổi nào so với thông tin hiện có.")
    return record


def confirm_review(record_id: int, changes: dict[str, object], reason: str | None, principal: policy.Principal, *,
                   catalogue: Catalogue, rules: RuleBook, remote_addr: str | None = None) -> Record:
    """The archivist's verdict on a record in the review queue: corrections (if any), then out of it."""
    policy.require(principal, "record.correct")
    with catalogue.session() as session:
        record = policy.get_visible(session, Record, record_id, principal)
        if not record.needs_review:
            raise Conflict(f"Hồ sơ số {record.id} không ở trong hàng chờ xem lại.")
        _apply_changes(session, record, changes, reason, principal, rules, remote_addr)
        record.needs_review = False
        append_event(session, username=principal.username, action="record.review", object_type="record",
                     object_id=record.id, remote_addr=remote_addr)
    return record


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def recheck_signatures(record_id: int, principal: policy.Principal, *, catalogue: Catalogue, blobs: BlobStore,
                       trust_roots: Path | None, remote_addr: str | None = None) -> SignatureCheck:
    """Verify the record's signatures again (e.g. with new trust roots): a new dated event."""
    policy.require(principal, "record.correct")
    with catalogue.reader() as session:
        record = policy.get_visible(session, Record, record_id, principal)
    with blobs.open(record.sha256) as handle:
        data = handle.read()
    roots = load_trust_roots(trust_roots)
    results = [v.to_json() for v in verify_signatures(data, roots)]
    with catalogue.session() as session:
        check = SignatureCheck(record_id=record.id, roots_fingerprint=roots_fingerprint(roots), results=results,
                               checked_by=principal.user_id)
        session.add(check)
        session.get(Record, record.id).signatures = results
        append_event(session, username=principal.username, action="record.signatures.check", object_type="record",
                     object_id=record.id, remote_addr=remote_addr)
    return check


def history(session: Session, record: Record, principal: policy.Principal) -> dict[str, list[object]]:
    """The record's file versions (oldest first, visible ones), metadata versions and signature checks."""
    chain = [record]
    while chain[0].supersedes_id:
        older = session.scalar(policy.visible(Record, principal).where(Record.id == chain[0].supersedes_id))
        if older is None:
            break
        chain.insert(0, older)
    newer = session.scalar(policy.visible(Record, principal).where(Record.supersedes_id == chain[-1].id))
    while newer is not None:
        chain.append(newer)
        newer = session.scalar(policy.visible(Record, principal).where(Record.supersedes_id == newer.id))
    corrections = list(session.scalars(select(RecordMetadataVersion).where(
        RecordMetadataVersion.record_id == record.id).order_by(RecordMetadataVersion.version)))
    checks = list(session.scalars(select(SignatureCheck).where(SignatureCheck.record_id == record.id)
                                  .order_by(SignatureCheck.id)))
    return {"versions": chain, "corrections": corrections, "checks": checks}


def record_or_404(session: Session, record_id: int, principal: policy.Principal) -> Record:
    try:
        return policy.get_visible(session, Record, record_id, principal)
    except NotFound:
        raise NotFound("Không tìm thấy hồ sơ lưu trữ này.") from None
