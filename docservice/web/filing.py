"""Filing a signed or old PDF from a page: the archivist's upload with its metadata.

Linked to a generated document (``?document_id=``), the metadata comes from that document and the
form only asks for the file. The same service as the API archives it: exact bytes, signature check,
text, scope and clearance checks; a refusal changes nothing and is shown beside the field it concerns.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from pydantic import ValidationError

from docservice.api.records import archive_options, spooled_upload
from docservice.archive.service import RecordMetadata, archive_pdf
from docservice.db.models import Clearance, Document, Organization
from docservice.errors import DocserviceError, DuplicateRecord
from docservice.security import policy
from docservice.validation import validation_failed
from docservice.web.forms import EmptyForm
from docservice.web.reading import doc_type_names
from docservice.web.session import login_required

bp = Blueprint("filing", __name__)
FIELDS = ("doc_type", "number", "date", "organization_id", "title", "signer", "confidentiality", "document_id")


def _svc():
    return current_app.extensions["docservice"]


def _context(values: dict[str, Any]) -> dict[str, Any]:
    svc, principal = _svc(), g.principal
    document = None
    with svc.catalogue.reader() as session:
        organizations = list(session.scalars(policy.visible_organizations(principal).order_by(Organization.path)))
        if values.get("document_id"):
            try:
                document = policy.get_visible(session, Document, int(values["document_id"]), principal)
            except (ValueError, DocserviceError):
                document = None
        session.expunge_all()
    levels = [c for c in Clearance if c <= principal.clearance]
    return {"organizations": organizations, "document": document, "levels": levels, "doc_types": doc_type_names()}


@bp.route("/records/new", methods=["GET", "POST"])
@login_required
def upload_page():
    policy.require(g.principal, "record.create")
    form = EmptyForm()  # the CSRF token; the fields are plain inputs checked by the service's own model
    values = {name: (request.values.get(name) or "").strip() for name in FIELDS}
    errors: dict[str, str] = {}
    duplicate = None
    if request.method == "POST" and form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors["file"] = "Chọn tệp PDF đã ký hoặc bản quét."
        else:
            try:
                meta = RecordMetadata.model_validate({k: v for k, v in values.items() if v})
                svc = _svc()
                with spooled_upload(upload) as path:
                    record = archive_pdf(path, meta, g.principal, catalogue=svc.catalogue, blobs=svc.blobs,
                                         rules=svc.rules, options=archive_options(svc),
                                         remote_addr=request.remote_addr)
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
                flash("Đã lưu trữ hồ sơ.", "info")
                return redirect(url_for("reading.record_page", record_id=record.id))
    elif request.method == "POST":
        errors["file"] = "Biểu mẫu đã hết hạn; vui lòng chọn lại tệp và gửi lại."
    status = 422 if errors else 200
    return render_template("record_new.html", form=form, values=values, errors=errors, duplicate=duplicate,
                           **_context(values)), status
