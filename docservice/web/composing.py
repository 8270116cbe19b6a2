"""Any document from its template: the form is built from the template's manifest (Vietnamese labels,
help under each field, errors beside it); the same generation service as the API numbers, renders,
converts and stores it."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from pydantic import BaseModel, Field

from docservice.db.models import Clearance
from docservice.errors import DocserviceError
from docservice.generation.manifest import FieldSpec, FieldType
from docservice.generation.member_papers import is_about_a_member, members_to_choose, read_member
from docservice.generation.register import enter_outside, register_rows
from docservice.generation.service import GenerationRequest, generate_document, shown_defaults
from docservice.meetings.documents import MINUTES_TEMPLATE, THEMATIC_MINUTES_TEMPLATE
from docservice.security import policy
from docservice.services import current_services
from docservice.web.forms import EmptyForm, bounded_int, refusals_into
from docservice.web.reading import doc_type_names
from docservice.web.session import clearance_levels, login_required, organizations_in_scope

bp = Blueprint("composing", __name__)
ITEM_ROWS = 6  # empty groups offered for an ``items`` field (sections of a report)
FROM_MEETING = {MINUTES_TEMPLATE, THEMATIC_MINUTES_TEMPLATE}


class OutsideNumberForm(BaseModel):
    """A number issued outside the system, as the register page's form sends it."""

    doc_type: str = Field(min_length=2, max_length=32)
    sequence: int = Field(ge=1, le=100000)
    date: dt.date
    title: str = Field(min_length=1, max_length=1000)
    confidentiality: Literal["thuong", "mat", "toi_mat", "tuyet_mat"] | None = None


@bp.get("/documents/new")
@login_required
def choose_template():
    policy.require(g.principal, "document.create")
    templates = [t for t in current_services().templates.all() if t.key not in FROM_MEETING]
    return render_template("templates_list.html", templates=sorted(templates, key=lambda t: t.manifest.title))


@bp.route("/documents/new/<key>", methods=["GET", "POST"])
@login_required
def compose(key: str):
    policy.require(g.principal, "document.create")
    svc, form, errors = current_services(), EmptyForm(), {}
    template = svc.templates.get(key)
    manifest = template.manifest
    member_id = bounded_int(request.values.get("member_id")) if is_about_a_member(manifest.member_event) else None
    facts, decided = _facts(member_id, manifest, errors)
    with svc.catalogue.reader() as session:
        issuers = [o for o in organizations_in_scope(session) if o.kind.value in manifest.issuer_kinds]
        # the form shows the defaults of the first issuer, the committee it reports to written out
        defaults = shown_defaults(session, template, issuers[0]) if issuers else {}
    if request.method == "POST" and form.validate_on_submit() and "member_id" not in errors:
        try:
            generation = GenerationRequest(
                template=key, organization_id=bounded_int(request.form.get("organization_id")) or 0,
                fields=_unchanged_defaults_left_out(
                    _fields({n: s for n, s in manifest.fields.items() if n not in decided}, request.form),
                    manifest, defaults),
                confidentiality=Clearance[request.form.get("confidentiality") or "thuong"], member_id=member_id)
            document = generate_document(generation, g.principal, catalogue=svc.catalogue, blobs=svc.blobs,
                                         converter=svc.converter, templates=svc.templates, rules=svc.rules,
                                         sandbox=svc.sandbox)
        except (KeyError, ValueError):
            errors["organization_id"] = _("Chọn tổ chức ban hành và độ mật.")
        except DocserviceError as exc:
            if exc.status in (403, 404):
                raise
            for path, message in (exc.errors or {"form": exc.detail}).items():
                name = path.removeprefix("fields.").split(".")[0]
                errors.setdefault(name, message)
        else:
            flash(_("Đã tạo văn bản số %(number)s.", number=document.number), "info")
            return redirect(url_for("secretary.document_page", document_id=document.id))
    with svc.catalogue.reader() as session:
        members = members_to_choose(session, g.principal) if is_about_a_member(manifest.member_event) else []
        page = render_template("compose.html", manifest=manifest, form=form, errors=errors, issuers=issuers,
                               values=request.form if request.method == "POST" else {}, item_rows=ITEM_ROWS,
                               levels=clearance_levels(), FieldType=FieldType,
                               shown=_shown, members=members, member_id=member_id, facts=facts, decided=decided,
                               defaults=defaults)
    return page, 422 if errors else 200


def _facts(member_id: int | None, manifest: Any, errors: dict[str, str]) -> tuple[dict[str, Any], set[str]]:
    """The chosen member's facts the paper takes from the record (shown, not typed) and the fields the record
    settles; as of today on the page — the paper reads them again as of its own date."""
    if member_id is None:
        return {}, set()
    with current_services().catalogue.reader() as session:
        try:
            paper = read_member(session, g.principal, member_id, manifest.member_event, set(manifest.fields),
                                {"date": request.form.get("date") or None})
        except DocserviceError as exc:
            if exc.status == 404:
                raise
            errors["member_id"] = exc.detail
            return {}, set()
    return paper.facts, paper.decided


def _unchanged_defaults_left_out(fields: dict[str, Any], manifest: Any, defaults: dict[str, Any]) -> dict[str, Any]:
    """A default sent back as the page showed it is left out, so the paper takes the default of the issuer
    actually chosen (the page showed the first issuer's)."""
    def same(a: Any, b: Any) -> bool:
        return _shown(None, a).split() == _shown(None, b).split()
    return {name: value for name, value in fields.items()
            if not (name in defaults and (same(value, defaults[name])
                                          or same(value, manifest.fields[name].default)))}


def _shown(spec: FieldSpec | None, value: Any) -> str:
    """A default or submitted value as the input shows it (lists one item per line)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value)
    return str(value)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _fields(specs: dict[str, FieldSpec], form: Any, prefix: str = "") -> dict[str, Any]:
    """The submitted form as the template's ``fields`` (empty inputs left out: defaults apply)."""
    fields: dict[str, Any] = {}
    for name, spec in specs.items():
        key = f"{prefix}{name}"
        if spec.type is FieldType.items:
            rows = [_fields(spec.item_fields, form, f"{key}.{i}.") for i in range(ITEM_ROWS)]
            rows = [row for row in rows if row]
            if rows:
                fields[name] = rows
            continue
        raw = (form.get(key) or "").strip()
        if not raw:
            continue
        if spec.type is FieldType.list:
            fields[name] = _lines(raw)
        elif spec.type is FieldType.integer:
            fields[name] = int(raw) if raw.lstrip("-").isdigit() else raw
        elif spec.type is FieldType.paragraphs:
            fields[name] = "\n".join(_lines(raw))
        else:
            fields[name] = raw
    return fields


@bp.route("/numbers", methods=["GET", "POST"])
@login_required
def numbers_page():
    """Sổ văn bản đi: the numbers of an organisation — made here or issued outside the system — and, for
    those who issue papers, the form to enter a number issued outside (typed on paper during an outage) in
    its place, so the numbers made here continue after it."""
    policy.require(g.principal, "document.read")
    svc, form, errors = current_services(), EmptyForm(), {}
    with svc.catalogue.reader() as session:
        orgs = organizations_in_scope(session)
    org_id = bounded_int(request.values.get("organization_id")) or (orgs[0].id if orgs else 0)
    year = bounded_int(request.args.get("year"))
    may_enter = policy.may(g.principal, "document.create")
    if request.method == "POST":
        if not may_enter:
            policy.require(g.principal, "document.create")
        if form.validate_on_submit():
            with refusals_into(errors):
                body = OutsideNumberForm.model_validate({k: request.form.get(k) or None for k in (
                    "doc_type", "sequence", "date", "title", "confidentiality")})
                entry = enter_outside(svc.catalogue, svc.rules, g.principal, org_id, doc_type=body.doc_type,
                                      sequence=body.sequence, day=body.date, title=body.title,
                                      confidentiality=Clearance[body.confidentiality or "thuong"],
                                      remote_addr=request.remote_addr)
                flash(_("Đã vào sổ số %(number)s (cấp ngoài hệ thống).", number=entry.number), "info")
                return redirect(url_for("composing.numbers_page", organization_id=org_id))
        else:
            errors["form"] = _("Biểu mẫu đã hết hạn hoặc không hợp lệ (mã chống giả mạo). Vui lòng thử lại.")
    errors = {key.removeprefix("fields."): message for key, message in errors.items()}
    with svc.catalogue.reader() as session:
        rows = register_rows(session, g.principal, org_id, year=year) if org_id else []
    page = render_template("numbers.html", orgs=orgs, org_id=org_id, year=year, rows=rows, form=form,
                           errors=errors, may_enter=may_enter, doc_types=doc_type_names(),
                           levels=clearance_levels(), values=request.form if request.method == "POST" else {})
    return page, 422 if errors else 200
