"""Pages for finding and reading: search, a record, its file. Everything through the same services and
policy as the API: scope and clearance limit every hit, count, facet and file; reads of confidential
records are audited."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, g, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import ValidationError

from docservice.api.schemas import SearchQuery
from docservice.archive.service import history, record_or_404
from docservice.db.models import Organization
from docservice.errors import Gone
from docservice.search.interface import SearchRequest
from docservice.search.query import parse_query
from docservice.search.service import search_records
from docservice.security.audit import audit_reads, confidential_read
from docservice.services import current_services
from docservice.text import number_key
from docservice.web.session import login_required, organizations_in_scope

bp = Blueprint("reading", __name__)

VERDICTS = {True: _l("Chữ ký hợp lệ, tệp nguyên vẹn"), False: _l("Chữ ký không hợp lệ hoặc tệp đã bị sửa sau khi ký")}


def doc_type_names() -> dict[str, str]:
    """Document type names in the page's language (the profile's Vietnamese name when it has no other)."""
    english = get_locale() is not None and get_locale().language == "en"
    types = current_services().rules.current().doc_types
    return {key: (t.name_en or t.name) if english else t.name for key, t in types.items()}


def _visible_orgs() -> list[Organization]:
    with current_services().catalogue.reader() as session:
        return organizations_in_scope(session)


@bp.get("/search")
@login_required
def search_page():
    args = {k: v for k, v in request.args.items() if v != ""}
    errors: dict[str, str] = {}
    page = None
    try:
        query = SearchQuery.model_validate(args)
    except ValidationError as exc:
        query = SearchQuery()
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "q"
            errors[field] = _("Giá trị không hợp lệ.")
    if not errors and (query.q.strip() or query.number):
        svc = current_services()
        search = SearchRequest(
            query=parse_query(query.q), organization_id=query.organization_id, doc_type=query.doc_type,
            year=query.year, date_from=query.date_from, date_to=query.date_to,
            number_key=number_key(query.number) if query.number else None,
            include_superseded=query.include_superseded, sort=query.sort, page=query.page, per_page=query.per_page)
        page = search_records(search, g.principal, catalogue=svc.catalogue, index=svc.search_index)
    pages = math.ceil(page.total / page.per_page) if page else 0
    return render_template("search.html", query=query, page=page, pages=pages, errors=errors,
                           organizations=_visible_orgs(), doc_types=doc_type_names(), link=_search_link)


def _search_link(**changes: Any) -> str:
    """This search's URL with ``changes`` (``None`` removes a parameter); page 1 unless given."""
    params = {k: v for k, v in request.args.items() if v != ""}
    params.pop("page", None)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return url_for("reading.search_page", **params)


@bp.get("/records/<int:record_id>")
@login_required
def record_page(record_id: int):
    svc, principal = current_services(), g.principal
    with svc.catalogue.reader() as session:
        record = record_or_404(session, record_id, principal)
        past = history(session, record, principal)
        organization = session.get(Organization, record.organization_id)
        detail = {"record": record, "organization": organization, "versions": past["versions"],
                  "checks": past["checks"], "corrections": past["corrections"]}
        session.expunge_all()
    audit_read("search.open" if request.args.get("from") == "search" else "record.view", record)
    return render_template("record.html", doc_types=doc_type_names(), verdicts=VERDICTS, **detail)


@bp.get("/records/<int:record_id>/file")
@login_required
def record_file(record_id: int):
    svc, principal = current_services(), g.principal
    with svc.catalogue.reader() as session:
        record = record_or_404(session, record_id, principal)
    if record.disposed_at is not None:
        raise Gone(_("Hồ sơ số %(id)s đã được hủy theo quy định; chỉ còn thông tin mô tả.", id=record.id))
    audit_read("record.download", record)
    inline = request.args.get("xem") == "1"
    return send_file(svc.blobs.open(record.sha256), mimetype="application/pdf", as_attachment=not inline,
                     download_name=f"ho-so-{record.id}.pdf", etag=record.sha256, max_age=0)


def audit_read(action: str, row: Any) -> None:
    """An audit event for the signed-in user's read of a confidential document, record or meeting."""
    audit_reads(current_services().catalogue, g.principal, action, [confidential_read(row)])


