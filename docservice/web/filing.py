"""Filing a signed or old PDF from a page: the archivist's upload with its metadata.

Linked to a generated document (``?document_id=``), the metadata comes from that document and the
form only asks for the file. The same service as the API archives it: exact bytes, signature check,
text, scope and clearance checks; a refusal changes nothing and is shown beside the field it concerns.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from pydantic import ValidationError

from docservice.api.records import archive_options, spooled_upload
from docservice.archive.blobs import sha256_of
from docservice.archive.metadata import read_metadata
from docservice.archive.service import RecordMetadata, archive_pdf, inspect_upload
from docservice.db.models import Document
from docservice.errors import DocserviceError, DuplicateRecord
from docservice.security import policy
from docservice.services import current_services
from docservice.validation import validation_failed
from docservice.web.forms import EmptyForm, bounded_int
from docservice.web.reading import doc_type_names
from docservice.web.session import (
    clearance_levels,
    drop_pending_upload,
    keep_pending_upload,
    login_required,
    organizations_in_scope,
    pending_upload_name,
    pending_upload_path,
)

bp = Blueprint("filing", __name__)
FIELDS = ("doc_type", "number", "date", "organization_id", "title", "signer", "confidentiality", "document_id")


def _context(values: dict[str, Any]) -> dict[str, Any]:
    svc, principal = current_services(), g.principal
    document = None
    with svc.catalogue.reader() as db:
        organizations = organizations_in_scope(db)
        if values.get("document_id"):
            try:
                document = policy.get_visible(db, Document, bounded_int(values["document_id"]) or 0, principal)
            except (ValueError, DocserviceError):
                document = None
        db.expunge_all()
    levels = clearance_levels()
    return {"organizations": organizations, "document": document, "levels": levels, "doc_types": doc_type_names()}


@bp.route("/records/new", methods=["GET", "POST"])
@login_required
def upload_page():
    policy.require(g.principal, "record.create")
    form = EmptyForm()  # the CSRF token; the fields are plain inputs checked by the service's own model
    values = {name: (request.values.get(name) or "").strip() for name in FIELDS}
    errors: dict[str, str] = {}
    duplicate = None
    read_from = None
    if request.method == "POST" and form.validate_on_submit():
        upload = request.files.get("file")
        pending = pending_upload_path()
        if request.form.get("action") == "read":
            if upload is None or not upload.filename:
                errors["file"] = _("Chọn tệp PDF để đọc thông tin.")
            else:
                try:
                    read_from = upload.filename
                    values = {**_read_from_file(upload), **{k: v for k, v in values.items() if v}}
                except DocserviceError as exc:
                    errors["file"] = exc.detail
        elif (upload is None or not upload.filename) and pending is None:
            errors["file"] = _("Chọn tệp PDF đã ký hoặc bản quét.")
        else:
            try:
                meta = RecordMetadata.model_validate({k: v for k, v in values.items() if v})
                svc = current_services()
                with spooled_upload(upload) if upload and upload.filename else nullcontext(pending) as path:
                    record = archive_pdf(path, meta, g.principal, catalogue=svc.catalogue, blobs=svc.blobs,
                                         rules=svc.rules, options=archive_options(svc),
                                         remote_addr=request.remote_addr)
                drop_pending_upload()
            except ValidationError as exc:
                errors.update(validation_failed(exc).errors or {})
            except DuplicateRecord as exc:
                duplicate = exc.extra.get("id")
                errors["file"] = exc.detail
            except DocserviceError as exc:
                if exc.status in (403, 404):
                    raise
                errors.update(exc.errors or {"file": exc.detail})
            else:
                flash(_("Đã lưu trữ hồ sơ."), "info")
                return redirect(url_for("reading.record_page", record_id=record.id))
    elif request.method == "POST":
        errors["file"] = _("Biểu mẫu đã hết hạn; vui lòng chọn lại tệp và gửi lại.")
    status = 422 if errors else 200
    pending_name = pending_upload_name()
    return render_template("record_new.html", form=form, values=values, errors=errors, duplicate=duplicate,
                           read_from=read_from, pending_name=pending_name, **_context(values)), status


def _read_from_file(upload: Any) -> dict[str, str]:
    """Keep the file for this session and read its number, date, type, title, issuer and mark."""
    svc = current_services()
    path = keep_pending_upload(upload.stream, upload.filename)
    try:
        seen = inspect_upload(path, sha256_of(path), archive_options(svc))
    except Exception:
        drop_pending_upload()
        raise
    with svc.catalogue.reader() as db:
        organizations = list(db.scalars(policy.visible_organizations(g.principal)))
        found = read_metadata(seen.text.text, svc.rules.current(), organizations)
    values = {}
    for name in ("doc_type", "number", "date", "title", "organization_id", "confidentiality"):
        reading = found.fields.get(name)
        if reading is not None and reading.value:
            values[name] = reading.value.isoformat() if hasattr(reading.value, "isoformat") else str(reading.value)
    return values
