"""Archived records: upload a PDF with metadata, read it, download the exact bytes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import request, send_file

from docservice.api.context import PREFIX, api_blueprint, caller, dump, file_response, problems, services
from docservice.api.schemas import IdPath, RecordForm, RecordOut
from docservice.archive.service import archive_pdf
from docservice.db.models import Clearance, Record
from docservice.security import policy
from docservice.security.audit import append_event

blueprint = api_blueprint("records", "Lưu trữ")
CHUNK = 1024 * 1024


def record_out(record: Record) -> RecordOut:
    return RecordOut(
        id=record.id, sha256=record.sha256, size=record.size, pages=record.pages,
        text_source=record.text_source, signatures=record.signatures, warnings=record.warnings,
        doc_type=record.doc_type, number=record.number, date=record.date,
        organization_id=record.organization_id, title=record.title, signer=record.signer,
        confidentiality=record.confidentiality.name, document_id=record.document_id,
        member_id=record.member_id, stage=record.stage,
        superseded=record.superseded, file_url=f"{PREFIX}/records/{record.id}/file",
    )


@blueprint.post("/records", responses={201: RecordOut, **problems(409, 413, 415, 422)})
def create_record(form: RecordForm):
    """Lưu trữ một tệp PDF (giữ nguyên từng byte) cùng thông tin văn bản."""
    svc = services()
    with tempfile.NamedTemporaryFile(dir=svc.upload_dir, suffix=".pdf") as spool:
        for chunk in iter(lambda: form.file.stream.read(CHUNK), b""):
            spool.write(chunk)
        spool.flush()
        record = archive_pdf(Path(spool.name), form.metadata, caller(), catalogue=svc.catalogue, blobs=svc.blobs,
                             rules=svc.rules, remote_addr=request.remote_addr)
    return dump(record_out(record), 201)


@blueprint.get("/records/<int:id>", responses={200: RecordOut})
def get_record(path: IdPath):
    """Thông tin một hồ sơ lưu trữ."""
    principal = caller()
    policy.require(principal, "record.read")
    with services().catalogue.reader() as session:
        return dump(record_out(policy.get_visible(session, Record, path.id, principal)))


@blueprint.get("/records/<int:id>/file", responses=file_response("application/pdf", "Tệp đã lưu trữ"))
def download_record(path: IdPath):
    """Tải đúng tệp đã lưu trữ (từng byte như khi nộp)."""
    svc, principal = services(), caller()
    policy.require(principal, "record.read")
    with svc.catalogue.reader() as session:
        record = policy.get_visible(session, Record, path.id, principal)
    if record.confidentiality >= Clearance.mat:
        with svc.catalogue.session() as session:
            append_event(session, username=principal.username, action="record.download",
                         object_type="record", object_id=record.id, remote_addr=request.remote_addr)
    return send_file(svc.blobs.open(record.sha256), mimetype="application/pdf",
                     download_name=f"record-{record.id}.pdf", etag=record.sha256, max_age=0)
