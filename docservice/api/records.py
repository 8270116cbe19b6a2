"""Archived records: upload a PDF with metadata, read it, download the exact bytes, add versions,
correct metadata, re-check signatures. Nothing is overwritten or deleted."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import request, send_file

from docservice.api.context import (
    PREFIX,
    api_blueprint,
    audit_read,
    caller,
    dump,
    file_response,
    paginate,
    problems,
)
from docservice.api.schemas import (
    IdPath,
    RecordCorrection,
    RecordDetail,
    RecordForm,
    RecordOut,
    RecordPage,
    RecordReview,
    RecordVersionForm,
    RecordVersions,
    RecordView,
    ReviewQueueQuery,
    SignatureCheckOut,
)
from docservice.archive.service import (
    ArchiveOptions,
    add_version,
    archive_pdf,
    confirm_review,
    correct_metadata,
    history,
    recheck_signatures,
    record_or_404,
)
from docservice.db.models import Record
from docservice.errors import Gone
from docservice.security import policy
from docservice.services import Services, current_services

blueprint = api_blueprint("records", "Lưu trữ")
CHUNK = 1024 * 1024


def record_out(record: Record) -> RecordOut:
    return RecordOut(
        id=record.id, sha256=record.sha256, size=record.size, pages=record.pages,
        text_source=record.text_source, page_sources=record.page_sources or [], signatures=record.signatures,
        warnings=record.warnings, doc_type=record.doc_type, number=record.number, date=record.date,
        organization_id=record.organization_id, title=record.title, signer=record.signer,
        confidentiality=record.confidentiality.name, document_id=record.document_id,
        member_id=record.member_id, stage=record.stage, dossier_item=record.dossier_item,
        superseded=record.superseded,
        supersedes_id=record.supersedes_id, file_url=f"{PREFIX}/records/{record.id}/file",
        needs_review=record.needs_review, review_reasons=record.review_reasons or [],
        metadata_confidence=record.metadata_confidence or {}, original_name=record.original_name,
        disposed_at=record.disposed_at, disposal_reason=record.disposal_reason,
    )


def archive_options(svc: Services) -> ArchiveOptions:
    settings = svc.settings
    return ArchiveOptions(trust_roots=settings.trust_roots, max_pages=settings.max_pages,
                          ocr_max_pages=settings.ocr_max_pages, ocr_seconds=settings.ocr_seconds, sandbox=svc.sandbox)


@contextmanager
def spooled_upload(upload: Any) -> Iterator[Path]:
    """The uploaded file in a temporary file of the archive's own disk, removed afterwards."""
    with tempfile.NamedTemporaryFile(dir=current_services().upload_dir, suffix=".pdf") as spool:
        for chunk in iter(lambda: upload.stream.read(CHUNK), b""):
            spool.write(chunk)
        spool.flush()
        yield Path(spool.name)


@blueprint.post("/records", responses={201: RecordOut, **problems(409, 413, 415, 422)})
def create_record(form: RecordForm):
    """Lưu trữ một tệp PDF (giữ nguyên từng byte) cùng thông tin văn bản."""
    svc = current_services()
    with spooled_upload(form.file) as path:
        record = archive_pdf(path, form.metadata, caller(), catalogue=svc.catalogue, blobs=svc.blobs,
                             rules=svc.rules, options=archive_options(svc), remote_addr=request.remote_addr)
    return dump(record_out(record), 201)


@blueprint.get("/records/<int:id>", responses={200: RecordDetail})
def get_record(path: IdPath, query: RecordView):
    """Thông tin một hồ sơ lưu trữ, các lần kiểm tra chữ ký và các lần sửa thông tin.

    Xem hồ sơ mật (từ danh sách hay từ kết quả tìm kiếm, ``from_search=true``) được ghi vào nhật ký."""
    principal = caller()
    policy.require(principal, "record.read")
    with current_services().catalogue.reader() as session:
        record = record_or_404(session, path.id, principal)
        past = history(session, record, principal)
        detail = RecordDetail(
            **record_out(record).model_dump(),
            signature_checks=[SignatureCheckOut(id=c.id, checked_at=c.checked_at, signatures=c.results)
                              for c in past["checks"]],
            corrections=[{"version": c.version, "changed_at": c.changed_at, "changes": c.changes,
                          "reason": c.reason} for c in past["corrections"]],
        )
    audit_read("search.open" if query.from_search else "record.view", record)
    return dump(detail)


@blueprint.get("/records/<int:id>/versions", responses={200: RecordVersions})
def record_versions(path: IdPath):
    """Chuỗi phiên bản tệp của hồ sơ (cũ trước, mới sau)."""
    principal = caller()
    policy.require(principal, "record.read")
    with current_services().catalogue.reader() as session:
        record = record_or_404(session, path.id, principal)
        past = history(session, record, principal)
        out = RecordVersions(items=[record_out(r) for r in past["versions"]])
    audit_read("record.versions", record)
    return dump(out)


@blueprint.post("/records/<int:id>/versions", responses={201: RecordOut, **problems(403, 409, 413, 415)})
def create_record_version(path: IdPath, form: RecordVersionForm):
    """Nộp tệp mới thay thế hồ sơ; hồ sơ cũ được giữ nguyên và đánh dấu đã có bản thay thế."""
    svc = current_services()
    with spooled_upload(form.file) as spooled:
        record = add_version(path.id, spooled, form.metadata, caller(), catalogue=svc.catalogue, blobs=svc.blobs,
                             rules=svc.rules, options=archive_options(svc), remote_addr=request.remote_addr)
    return dump(record_out(record), 201)


@blueprint.patch("/records/<int:id>", responses={200: RecordOut, **problems(403)})
def correct_record(path: IdPath, body: RecordCorrection):
    """Sửa thông tin (lưu thành một phiên bản thông tin mới); tệp không đổi."""
    svc = current_services()
    changes = body.model_dump(exclude_unset=True, exclude={"reason"})
    record = correct_metadata(path.id, changes, body.reason, caller(), catalogue=svc.catalogue, rules=svc.rules,
                              remote_addr=request.remote_addr)
    return dump(record_out(record))


@blueprint.get("/review-queue", responses={200: RecordPage})
def review_queue(query: ReviewQueueQuery):
    """Hồ sơ nhập hàng loạt có thông tin chưa chắc chắn, chờ người lưu trữ xem lại (cũ trước)."""
    principal = caller()
    policy.require(principal, "record.correct")
    with current_services().catalogue.reader() as session:
        stmt = policy.visible(Record, principal).where(Record.needs_review.is_(True), Record.disposed_at.is_(None))
        if query.organization_id is not None:
            stmt = stmt.where(Record.organization_id == query.organization_id)
        rows, total = paginate(session, stmt.order_by(Record.id), query)
        return dump(RecordPage(items=[record_out(r) for r in rows], total=total, page=query.page,
                               per_page=query.per_page))


@blueprint.post("/records/<int:id>/review", responses={200: RecordOut, **problems(403, 409)})
def review_record(path: IdPath, body: RecordReview):
    """Xác nhận thông tin hồ sơ trong hàng chờ xem lại (kèm sửa nếu cần); hồ sơ rời hàng chờ."""
    svc = current_services()
    changes = body.model_dump(exclude_unset=True, exclude={"reason"})
    record = confirm_review(path.id, changes, body.reason, caller(), catalogue=svc.catalogue, rules=svc.rules,
                            remote_addr=request.remote_addr)
    return dump(record_out(record))


@blueprint.post("/records/<int:id>/signature-checks", responses={201: SignatureCheckOut, **problems(403)})
def check_signatures(path: IdPath):
    """Kiểm tra lại chữ ký (ví dụ sau khi cập nhật chứng thư gốc tin cậy): một lần kiểm tra mới, có ngày."""
    svc = current_services()
    check = recheck_signatures(path.id, caller(), catalogue=svc.catalogue, blobs=svc.blobs,
                               trust_roots=svc.settings.trust_roots, remote_addr=request.remote_addr)
    return dump(SignatureCheckOut(id=check.id, checked_at=check.checked_at, signatures=check.results), 201)


@blueprint.get("/records/<int:id>/file", responses=file_response("application/pdf", "Tệp đã lưu trữ"))
def download_record(path: IdPath):
    """Tải đúng tệp đã lưu trữ (từng byte như khi nộp)."""
    svc, principal = current_services(), caller()
    policy.require(principal, "record.read")
    with svc.catalogue.reader() as session:
        record = record_or_404(session, path.id, principal)
    if record.disposed_at is not None:
        raise Gone(f"Hồ sơ số {record.id} đã được hủy ngày {record.disposed_at:%d/%m/%Y} theo quy định; "
                   "chỉ còn thông tin mô tả.")
    audit_read("record.download", record)
    return send_file(svc.blobs.open(record.sha256), mimetype="application/pdf",
                     download_name=f"record-{record.id}.pdf", etag=record.sha256, max_age=0)
