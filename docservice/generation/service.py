"""Generate a numbered document from a template: validate → number → render → PDF → store."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from docservice.archive.blobs import BlobStore
from docservice.archive.staging import staged_files
from docservice.db import Catalogue
from docservice.db.models import Clearance, Document, Organization, Position, Term, committee_of
from docservice.errors import RuleViolation
from docservice.generation.catalogue import Template, TemplateCatalogue
from docservice.generation.checks import check_rules
from docservice.generation.convert import PdfConverter
from docservice.generation.fitting import fit_header
from docservice.generation.manifest import FieldSpec, FieldType
from docservice.generation.member_papers import (
    MemberPaper,
    apply_to_record,
    check_decision_dates,
    check_status_wording,
    cite_proposal,
    derived_dates,
    member_named,
    read_member,
)
from docservice.generation.pdf_layout import check_pdf
from docservice.generation.render import render_docx, render_uploaded
from docservice.numbering import SequenceKey, check_in_order, issue_numbered
from docservice.oversight.calendar import add_months
from docservice.registry.members import members_on
from docservice.registry.organizations import named_on, term_on
from docservice.rules import RuleBook, RuleProfile
from docservice.sandbox import Sandbox
from docservice.security import policy
from docservice.security.audit import append_event
from docservice.text import normalize, percent
from docservice.text.vietnamese import one_tone_placement
from docservice.validation import validation_failed

# Values every template may use besides its own fields, and the fields they are built from.
STANDARD_NAMES = frozenset({"header", "doc_type_name", "resolves_line", "decides_line", "archive_line",
                            "signature", "recipients_label", "adopted_line", "superior_body", "issuer_name", "fmt",
                            "document_date"})
STANDARD_INPUTS = frozenset({"date", "signer_name", "signer_title", "signing_body", "proposal_id"})


class Formatter:
    """``fmt`` in templates: dates and percentages in Vietnamese form, by the document's profile."""

    def __init__(self, profile: RuleProfile) -> None:
        self._profile = profile

    def date_text(self, day: dt.date) -> str:
        """``ngày 07 tháng 9 năm 2022``."""
        return self._profile.date_text(day)

    def short(self, day: dt.date) -> str:
        """A date written short in the body, the same way throughout a document: the profile's
        ``short_date`` (``12/04/1998``, ``05/02/2026``)."""
        return day.strftime(self._profile.short_date)

    def probation_end(self, admitted: dt.date) -> dt.date:
        """The day probation ends: the admission ceremony plus the profile's probation (12 months)."""
        return add_months(admitted, self._profile.oversight.probation_months)

    def percent(self, part: int, whole: int) -> str:
        """``89,3%``."""
        return percent(part, whole)


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _fill(value: Any, known: dict[str, str]) -> Any:
    """``{superior_body}`` or ``{field}`` in a value replaced by what is known (plain names only — no
    attribute or index lookups, so text a user typed cannot reach anything else); unknown ones stay."""
    if isinstance(value, list):
        return [_fill(item, known) for item in value]
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda m: known.get(m.group(1), m.group(0)), value)
    return value


@dataclass(frozen=True)
class GenerationRequest:
    template: str
    organization_id: int
    fields: dict[str, Any]
    confidentiality: Clearance = Clearance.thuong
    meeting_id: int | None = None
    member_id: int | None = None  # the member the document is about (dossier); fills their details
    extra: dict[str, Any] = field(default_factory=dict)  # standard values a caller supplies (adopted_line)


def _superior_body(session: Any, org: Organization, day: dt.date | None = None) -> str:
    """The committee a paper reports to (b/c): the parent's committee, by its names on ``day``."""
    parent = session.get(Organization, org.parent_id) if org.parent_id else None
    if parent is not None:
        return (named_on(session, parent, day) if day else parent).committee_name
    return committee_of(None, org.superior_name) if org.superior_name else "Cấp ủy cấp trên"


def _requested_day(fields: dict[str, Any]) -> dt.date:
    try:
        return dt.date.fromisoformat(str(fields.get("date")))
    except ValueError:
        return dt.date.today()


def _with_defaults(template: Template, raw: dict[str, Any], superior_body: str) -> dict[str, Any]:
    """The request's fields plus manifest defaults; ``{superior_body}`` or ``{field}`` in a default takes that
    value ("Đảng ủy phường An Phú (b/c)", the member's chi bộ …) — also where a form sent such a default
    back as the user saw it."""
    values = dict(raw)
    known = {k: v for k, v in raw.items() if isinstance(v, str)} | {"superior_body": superior_body}
    for name, spec in template.manifest.fields.items():
        if name not in values and spec.default is not None:
            values[name] = _fill(spec.default, known)
        elif name in values and _has_placeholder(spec.default):
            values[name] = _fill(values[name], known)
    return values


def _has_placeholder(default: Any) -> bool:
    items = default if isinstance(default, list) else [default]
    return any(isinstance(item, str) and _PLACEHOLDER.search(item) for item in items)


def shown_defaults(session: Session, template: Template, org: Organization,
                   day: dt.date | None = None) -> dict[str, Any]:
    """The defaults a form shows for papers of ``org``: the committee it reports to written out (other
    placeholders, such as the member's chi bộ, are filled when the paper is made)."""
    day = day or dt.date.today()
    known = {"superior_body": _superior_body(session, named_on(session, org, day), day)}
    return {name: _fill(spec.default, known) for name, spec in template.manifest.fields.items()
            if spec.default is not None}


def validate_fields(template: Template, raw: dict[str, Any], superior_body: str) -> BaseModel:
    """The request's fields checked against the manifest; ``ValidationFailed`` per field."""
    try:
        return template.fields_model.model_validate(_with_defaults(template, raw, superior_body))
    except ValidationError as exc:
        raise validation_failed(exc, prefix="fields") from exc


def _value(spec: FieldSpec, value: Any) -> Any:
    """A validated value as the template uses it: NFC text, paragraphs as lists of lines."""
    if spec.type is FieldType.paragraphs:
        return [line.strip() for line in normalize(value or "").splitlines() if line.strip()]
    if spec.type is FieldType.items:
        return [_values(spec.item_fields, item) for item in value or []]
    if isinstance(value, str):
        return normalize(value)
    if isinstance(value, list):
        return [normalize(item) for item in value]
    return value


def _values(specs: dict[str, FieldSpec], fields: BaseModel) -> dict[str, Any]:
    return {name: _value(spec, getattr(fields, name)) for name, spec in specs.items()}


PRINTED_ADVICE = {"date_line_wrapped": " Địa danh quá dài cho dòng này: quản trị rút gọn địa danh của tổ chức "
                                        "(ví dụ \"Mộc Châu\" thay cho \"Thị trấn Nông trường Mộc Châu\")."}
_UY = re.compile(r"(?<!\w)(u|U)(ỷ|Ỷ)(?!\w)")


def _one_uy(value: Any) -> Any:
    """The word "ủy" (đảng ủy, ủy ban, ủy viên) spelled one way through a printed paper, as the names the
    header prints are ("uỷ" typed in a recipient or the body becomes "ủy"); other words stay as typed."""
    if isinstance(value, str):
        return _UY.sub(lambda m: "ủy" if m.group(1) == "u" else ("ỦY" if m.group(2) == "Ỷ" else "Ủy"), value)
    if isinstance(value, list):
        return [_one_uy(item) for item in value]
    if isinstance(value, dict):
        return {key: _one_uy(item) for key, item in value.items()}
    return value


def _field_values(template: Template, fields: BaseModel) -> dict[str, Any]:
    return {name: _one_uy(value) for name, value in _values(template.manifest.fields, fields).items()}


def _signature(values: dict[str, Any], org: Organization, profile: RuleProfile) -> dict[str, str]:
    body = values.get("signing_body")
    authority = f"{profile.signature['collegial']} {body}" if body else profile.authority_line(org.kind.value)
    return {"authority": authority, "title": values.get("signer_title") or "", "name": values.get("signer_name") or ""}


def _decides_line(values: dict[str, Any], org: Organization) -> str:
    body = "BAN THƯỜNG VỤ ĐẢNG ỦY" if values.get("signing_body") == "BAN THƯỜNG VỤ" else org.issuer_line
    return f"{body} QUYẾT ĐỊNH:"


def build_context(
    template: Template, fields: BaseModel, org: Organization, number: str, profile: RuleProfile, *,
    confidentiality: Clearance = Clearance.thuong, extra: dict[str, Any] | None = None,
    superior_body: str = "",
) -> dict[str, Any]:
    """Everything the .docx needs: the fields plus header, title and signature by the profile."""
    values = _field_values(template, fields)
    doc_type = profile.doc_types[template.manifest.doc_type]
    return {
        **{k: v for k, v in values.items() if k not in STANDARD_INPUTS},
        "header": {
            "title": profile.header_title,
            "superior": one_tone_placement(org.superior_name or "").upper(),
            "issuer": org.issuer_line,
            "mark": profile.issuer_mark,
            "number_line": profile.number_line(number),
            "place_date": profile.place_date_line(org.place or "", fields.date),
            "confidentiality": profile.confidentiality_mark(confidentiality.name),
        },
        "recipients_label": profile.recipients.label,
        "adopted_line": "",
        **(extra or {}),
        "doc_type_name": doc_type.name.upper(),
        "resolves_line": f"{org.issuer_line} QUYẾT NGHỊ:",
        "decides_line": _decides_line(values, org),
        "archive_line": profile.archive_text(org.kind.value),
        "signature": _signature(values, org, profile),
        "superior_body": superior_body,
        "issuer_name": org.committee_name,
        "document_date": fields.date,
        "fmt": Formatter(profile),
    }


def _check_signing_body(session: Session, org: Organization, fields: BaseModel, profile: RuleProfile) -> None:
    """The body named in ``signing_body`` must sign for this organisation (rule profile's ``signing_bodies``);
    a chi bộ's chi ủy signs only where the chi bộ has one (a member in the chi ủy on the paper's date)."""
    body = getattr(fields, "signing_body", None)
    if not body:
        return
    allowed = profile.signing_bodies.get(org.kind.value, ())
    if body not in allowed:
        raise RuleViolation(f"{org.name} ký văn bản thay mặt {', '.join(allowed)}, không thay mặt {body}.",
                            errors={"fields.signing_body": f"Chọn một trong: {', '.join(allowed)}."})
    if body == "CHI ỦY" and not any(m.position is Position.chi_uy_vien
                                    for m in members_on(session, org.id, fields.date)):
        raise RuleViolation(f"{org.name} không có chi ủy vào ngày {fields.date:%d/%m/%Y}: văn bản ký T/M CHI BỘ.",
                            errors={"fields.signing_body": "Chi bộ chưa có chi ủy."})


def _check_issuer(template: Template, org: Organization) -> None:
    if org.kind.value not in template.manifest.issuer_kinds:
        raise RuleViolation(
            f"Mẫu “{template.manifest.title}” không dành cho {org.name}.",
            errors={"organization_id": "Loại tổ chức này không ban hành mẫu văn bản này."},
        )


@dataclass(frozen=True)
class _Plan:
    """Everything decided before a number is taken."""

    template: Template
    org: Organization
    fields: BaseModel
    profile: RuleProfile
    key: SequenceKey
    superior_body: str
    paper: MemberPaper
    warnings: list[str]
    term: Term
    named: Organization  # the organisation with its names on the paper's date (printed, never stored)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _member_fields(session: Session, request: GenerationRequest, principal: policy.Principal, template: Template,
                   rules: RuleBook, org: Organization) -> tuple[dict[str, Any], MemberPaper]:
    """The request's fields with the member's facts from the record (as of the paper's date) and the dates
    that follow from them; the record wins, a request that contradicts it is refused."""
    manifest = template.manifest
    member_id = request.member_id
    if member_id is None:  # a name typed by hand is read from the record of the member of that name
        member_id = member_named(session, principal, org, manifest.member_event, request.fields)
    paper = read_member(session, principal, member_id, manifest.member_event, set(manifest.fields),
                        request.fields)
    raw = {**request.fields, **{name: _jsonable(value) for name, value in paper.facts.items()}}
    raw.update(derived_dates(raw, rules.for_date(_requested_day(raw)), set(manifest.fields)))
    return raw, paper


def _vote_base_against_the_record(session: Session, org: Organization, values: dict[str, Any]) -> list[str]:
    """A chi bộ paper's vote base typed by hand, against the member record of the day it met: no more than the
    official members who could vote (not attached from elsewhere, away, or suspended). A warning, not a
    refusal — a cell may not keep every member here yet."""
    total, day = values.get("members_total"), values.get("meeting_date") or values.get("date")
    if org.kind.value != "chi_bo" or not isinstance(total, int) or not isinstance(day, dt.date):
        return []
    states = members_on(session, org.id, day)
    if not states:
        return []
    could_vote = sum(1 for s in states if s.status.value == "chinh_thuc" and s.temporary is None and not s.suspended)
    if total > could_vote:
        return [f"Theo hồ sơ đảng viên, ngày {day:%d/%m/%Y} {org.name} có {could_vote} đảng viên chính thức có thể "
                f"biểu quyết (không tính người sinh hoạt tạm thời, đi sinh hoạt nơi khác, bị đình chỉ); văn bản ghi "
                f"{total}. Kiểm tra lại số liệu hoặc hồ sơ đảng viên."]
    return []


def _plan(session: Session, request: GenerationRequest, principal: policy.Principal, template: Template,
          rules: RuleBook) -> _Plan:
    org = policy.get_organization(session, request.organization_id, principal)
    _check_issuer(template, org)
    named = named_on(session, org, _requested_day(request.fields))  # the names in force on the paper's date
    superior_body = _superior_body(session, named, _requested_day(request.fields))
    manifest = template.manifest
    raw, paper = _member_fields(session, request, principal, template, rules, org)
    fields = validate_fields(template, raw, superior_body)
    cited = cite_proposal(session, principal, manifest.acts_on, fields.model_dump(), paper)
    if cited:
        fields = validate_fields(template, {**raw, **cited}, superior_body)
    values = fields.model_dump()
    profile = rules.for_date(fields.date)
    check_status_wording(values, paper.member)
    check_decision_dates(values, manifest.member_event)
    warnings = check_rules(values, profile, manifest.vote_rule)
    warnings += _vote_base_against_the_record(session, org, values)
    _check_signing_body(session, org, fields, profile)
    term = term_on(session, org, fields.date)
    key = SequenceKey(org.id, manifest.doc_type, term.id)
    check_in_order(session, key, fields.date, term)
    return _Plan(template, org, fields, profile, key, superior_body, paper, warnings, term, named)


def generate_document(
    request: GenerationRequest, principal: policy.Principal, *, catalogue: Catalogue, blobs: BlobStore,
    converter: PdfConverter, templates: TemplateCatalogue, rules: RuleBook, sandbox: Sandbox | None = None,
) -> Document:
    """Render, convert and store a numbered document; nothing is stored or numbered on failure.

    A template an admin uploaded is rendered under the ``sandbox``'s limits (its Jinja is not ours); the
    standard ones in this process."""
    policy.require(principal, "document.create")
    policy.check_clearance(principal, request.confidentiality)
    template = templates.get(request.template)
    with catalogue.reader() as session:
        plan = _plan(session, request, principal, template, rules)
    doc_type = template.manifest.doc_type

    def prepare(sequence: int) -> tuple[str, bytes, bytes]:
        number = plan.profile.format_number(sequence, doc_type, plan.org.abbreviation)
        context = build_context(template, plan.fields, plan.named, number, plan.profile,
                                confidentiality=request.confidentiality, extra=request.extra,
                                superior_body=plan.superior_body)
        if template.origin == "uploaded" and sandbox is not None:
            docx = sandbox.run(render_uploaded, template.docx, context, plan.profile.margins_mm,
                               what="Mẫu văn bản tải lên")
        else:
            docx = render_docx(template.docx, context, margins_mm=plan.profile.margins_mm, digest=template.digest)
        docx = fit_header(docx, plan.profile.header_title)
        return number, docx, converter.convert(docx)

    def store(session: Session, sequence: int, prepared: tuple[str, bytes, bytes]) -> Document:
        check_in_order(session, plan.key, plan.fields.date, plan.term)  # again, under the sequence's lock
        number, docx, pdf = prepared
        printed = [f"Bản in: {d.message}{PRINTED_ADVICE.get(d.code, '')}"  # what only the printed pages show
                   for d in check_pdf(pdf, plan.profile)]
        document = Document(
            template=template.key, template_version=template.manifest.version, organization_id=plan.org.id,
            doc_type=doc_type, term_id=plan.key.term_id, sequence=sequence, number=number,
            title=f"{template.manifest.title_prefix} {getattr(plan.fields, template.manifest.title_field)}",
            date=plan.fields.date, confidentiality=request.confidentiality, profile=plan.profile.key,
            fields=plan.fields.model_dump(mode="json"), docx_sha256=stored.put_bytes(docx)[0],
            pdf_sha256=stored.put_bytes(pdf)[0], created_by=principal.user_id, meeting_id=request.meeting_id,
            member_id=plan.paper.member.id if plan.paper.member is not None else request.member_id,
            warnings=plan.warnings + printed,
        )
        session.add(document)
        session.flush()
        apply_to_record(session, plan.paper, template.manifest.member_event, plan.fields.model_dump(), document,
                        principal.user_id)
        append_event(session, username=principal.username, action="document.create",
                     object_type="document", object_id=document.id, remote_addr=principal.remote_addr)
        document.organization = plan.org
        return document

    with staged_files(blobs, catalogue) as stored:
        return issue_numbered(catalogue, plan.key, prepare=prepare, store=store)
