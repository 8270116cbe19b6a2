"""Lists of documents and records with filters (organisation, type, year, awaiting/needing review), newest
first, paged — only rows the user may see, counted inside the same query."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, g, render_template, request, url_for
from sqlalchemy import exists, extract, func, select

from docservice.db.models import Document, Record
from docservice.security import policy
from docservice.services import current_services
from docservice.web.forms import bounded_int
from docservice.web.reading import doc_type_names
from docservice.web.session import login_required, organizations_in_scope

bp = Blueprint("lists", __name__)
PER_PAGE = 20


def _int(name: str, low: int = 1, high: int = 2**31 - 1) -> int | None:
    return bounded_int(request.args.get(name, ""), low, high)


def _filtered(model: Any) -> Any:
    stmt = policy.visible(model, g.principal)
    org_id, year, doc_type = _int("organization_id"), _int("year", 1930, 2200), request.args.get("doc_type")
    if org_id:
        stmt = stmt.where(model.organization_id == org_id)
    if year:
        stmt = stmt.where(extract("year", model.date) == year)
    if doc_type:
        stmt = stmt.where(model.doc_type == doc_type[:32])
    return stmt


def _page(session: Any, stmt: Any, order: Any) -> tuple[list[Any], int, int, int]:
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(_int("page") or 1, pages)
    rows = list(session.scalars(stmt.order_by(*order).offset((page - 1) * PER_PAGE).limit(PER_PAGE)))
    return rows, total, page, pages


def _link(endpoint: str):
    def link(**changes: Any) -> str:
        params = {k: v for k, v in request.args.items() if v}
        params.update({k: v for k, v in changes.items() if v is not None})
        return url_for(endpoint, **params)
    return link


def _render(template: str, endpoint: str, rows: list[Any], total: int, page: int, pages: int,
            session: Any, **extra: Any) -> str:
    orgs = organizations_in_scope(session)
    names = {o.id: o.name for o in orgs}
    return render_template(template, rows=rows, total=total, page=page, pages=pages, organizations=orgs,
                           names=names, doc_types=doc_type_names(), args=request.args, link=_link(endpoint),
                           **extra)


@bp.get("/documents")
@login_required
def documents_page():
    with current_services().catalogue.reader() as session:
        stmt = _filtered(Document)
        if request.args.get("cho_ban_ky"):
            stmt = stmt.where(~exists().where(Record.document_id == Document.id))
        rows, total, page, pages = _page(session, stmt, (Document.date.desc(), Document.id.desc()))
        return _render("documents.html", "lists.documents_page", rows, total, page, pages, session)


@bp.get("/records")
@login_required
def records_page():
    with current_services().catalogue.reader() as session:
        stmt = _filtered(Record).where(Record.disposed_at.is_(None))
        if request.args.get("can_xem_lai"):
            stmt = stmt.where(Record.needs_review.is_(True))
        rows, total, page, pages = _page(session, stmt, (Record.date.desc(), Record.id.desc()))
        return _render("records.html", "lists.records_page", rows, total, page, pages, session)
