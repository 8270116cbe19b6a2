"""The archivist's bulk work as pages: start an import of a server folder, watch it, read its report;
work the review queue of imported records whose metadata was not certain."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import ValidationError

from docservice.api.imports import ImportCreate, import_out, items_page, job_or_404, visible_jobs
from docservice.api.schemas import Page, RecordReview
from docservice.archive import importer
from docservice.archive.service import confirm_review, record_or_404
from docservice.db.models import Job, Record
from docservice.errors import DocserviceError
from docservice.security import policy
from docservice.services import current_services
from docservice.validation import validation_failed
from docservice.web.forms import EmptyForm, refusals_into
from docservice.web.i18n import IMPORT_STATUS
from docservice.web.reading import audit_read, doc_type_names
from docservice.web.session import clearance_levels, login_required, organizations_in_scope

bp = Blueprint("archiving", __name__)
OUTCOMES = {"imported": _l("Đã nhập"), "already_present": _l("Đã có sẵn"), "needs_review": _l("Cần xem lại"),
            "refused": _l("Bị từ chối")}
STATUS = IMPORT_STATUS
REVIEW_FIELDS = ("doc_type", "number", "date", "title", "signer", "organization_id", "confidentiality", "reason")



@bp.route("/imports", methods=["GET", "POST"])
@login_required
def imports_page():
    policy.require(g.principal, "import.run")
    svc, form, errors = current_services(), EmptyForm(), {}
    if request.method == "POST" and form.validate_on_submit():
        try:
            body = ImportCreate.model_validate({k: v for k, v in request.form.items()
                                                if k in ("directory", "organization_id") and v})
            job = importer.start_web_import(svc, g.principal, directory=body.directory, manifest=None,
                                            organization_id=body.organization_id)
        except ValidationError as exc:
            errors.update(validation_failed(exc).errors or {})
        except DocserviceError as exc:
            if exc.status == 403:
                raise
            errors["directory"] = exc.detail
        else:
            return redirect(url_for("archiving.import_page", job_id=job.id))
    with svc.catalogue.reader() as session:
        jobs = [import_out(session, g.principal, job)
                for job in session.scalars(visible_jobs(g.principal).order_by(Job.id.desc()).limit(50))]
        page = render_template("imports.html", jobs=jobs, form=form, errors=errors, values=request.form,
                               organizations=organizations_in_scope(session),
                               enabled=svc.settings.import_root is not None, status=STATUS, outcomes=OUTCOMES)
    return page, 422 if errors else 200


@bp.get("/imports/<int:job_id>")
@login_required
def import_page(job_id: int):
    policy.require(g.principal, "import.run")
    outcome = request.args.get("outcome") if request.args.get("outcome") in OUTCOMES else None
    try:
        number = max(1, int(request.args.get("page", 1)))
    except ValueError:
        number = 1
    with current_services().catalogue.reader() as session:
        row = job_or_404(session, g.principal, job_id)
        job = import_out(session, g.principal, row)
        items, total = items_page(session, g.principal, row, outcome, Page(page=min(number, 100000), per_page=50))
    return render_template("import.html", job=job, items=items, total=total, outcome=outcome, page=number,
                           status=STATUS, outcomes=OUTCOMES, running=job.status in ("queued", "running"))


@bp.get("/review")
@login_required
def review_queue():
    policy.require(g.principal, "record.correct")
    with current_services().catalogue.reader() as session:
        rows = list(session.scalars(policy.visible(Record, g.principal).where(
            Record.needs_review.is_(True), Record.disposed_at.is_(None)).order_by(Record.id).limit(200)))
        page = render_template("review_queue.html", rows=rows, doc_types=doc_type_names())
    return page


@bp.route("/records/<int:record_id>/review", methods=["GET", "POST"])
@login_required
def review_record(record_id: int):
    policy.require(g.principal, "record.correct")
    svc, form, errors = current_services(), EmptyForm(), {}
    if request.method == "POST" and form.validate_on_submit():
        values = {k: v.strip() for k, v in request.form.items() if k in REVIEW_FIELDS and v.strip()}
        with refusals_into(errors):
            body = RecordReview.model_validate(values)
            changes = body.model_dump(exclude_unset=True, exclude={"reason"})
            confirm_review(record_id, changes, body.reason, g.principal, catalogue=svc.catalogue, rules=svc.rules,
                           remote_addr=request.remote_addr)
        if not errors:
            flash(_("Đã xác nhận thông tin; hồ sơ rời hàng chờ xem lại."), "info")
            return redirect(url_for("archiving.review_queue"))
    with svc.catalogue.reader() as session:
        record = record_or_404(session, record_id, g.principal)
        audit_read("record.view", record)  # the page shows the record's text beside its file
        page = render_template("review.html", record=record, form=form, errors=errors, doc_types=doc_type_names(),
                               organizations=organizations_in_scope(session),
                               levels=clearance_levels(),
                               values=_current(record) | dict(request.form.items()))
    return page, 422 if errors else 200


def _current(record: Record) -> dict[str, Any]:
    return {"doc_type": record.doc_type, "number": record.number or "", "date": record.date.isoformat(),
            "title": record.title, "signer": record.signer or "", "organization_id": str(record.organization_id),
            "confidentiality": record.confidentiality.name}
