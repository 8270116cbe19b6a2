"""Lint an uploaded template before anyone can use it: every problem explained in Vietnamese.

Checks, in order: the file is a sane .docx (no zip bomb); the manifest is valid; the Jinja parses;
no unsafe Jinja (private attributes, imports, includes); tags are not split across formatting runs;
every variable the .docx uses is declared in the manifest (``get_undeclared_template_variables``);
the example (or generated sample values) renders; the result passes the layout checker.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from pydantic import ValidationError

from docservice.db.models import Organization, OrgKind
from docservice.errors import DocserviceError, PayloadTooLarge, ValidationFailed
from docservice.generation.catalogue import Template
from docservice.generation.fitting import fit_header
from docservice.generation.layout_check import check_layout, document_xml
from docservice.generation.manifest import FieldSpec, FieldType, Manifest, fields_model
from docservice.generation.render import environment, patched_body, render_docx, template_variables
from docservice.generation.service import STANDARD_INPUTS, STANDARD_NAMES, build_context, validate_fields
from docservice.rules import RuleBook
from docservice.validation import field_errors

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")
VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.DOTALL)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>(.*?)</w:t>", re.DOTALL)


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


@dataclass
class LintReport:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(self, code: str, message: str) -> None:
        self.errors.append(Problem(code, message))

    def warn(self, code: str, message: str) -> None:
        self.warnings.append(Problem(code, message))


def _document_xml(docx: bytes, report: LintReport) -> str | None:
    try:
        return document_xml(docx).decode("utf-8")
    except PayloadTooLarge as exc:
        report.error("docx_too_big", exc.detail)
    except (ValidationFailed, UnicodeDecodeError):
        report.error("not_docx", "Tệp không phải văn bản Word (.docx) hợp lệ.")
    return None


def _manifest(raw: dict[str, Any], report: LintReport, rules: RuleBook) -> Manifest | None:
    try:
        manifest = Manifest.model_validate(raw)
        fields_model(manifest)
    except ValidationError as exc:
        for path, message in field_errors(exc, "manifest").items():
            report.error("manifest", f"{path}: {message}")
        return None
    profile = rules.current()
    if not KEY_RE.match(manifest.key):
        report.error("manifest_key", "manifest.key: chỉ gồm chữ thường không dấu, số và dấu gạch ngang (3–64 ký tự).")
    if not VERSION_RE.match(manifest.version):
        report.error("manifest_version", "manifest.version: dạng 1.0.0.")
    if manifest.doc_type not in profile.doc_types:
        report.error("manifest_doc_type", f"manifest.doc_type: \"{manifest.doc_type}\" không có trong quy định hiện "
                     f"hành ({', '.join(sorted(profile.doc_types))}).")
    unknown = [k for k in manifest.issuer_kinds if k not in OrgKind.__members__]
    if unknown or not manifest.issuer_kinds:
        report.error("manifest_issuers", "manifest.issuer_kinds: loại tổ chức không hợp lệ: " + ", ".join(unknown))
    if manifest.title_field not in manifest.fields:
        report.error("manifest_title_field", f"manifest.title_field: trường \"{manifest.title_field}\" không được "
                     "khai báo.")
    if "date" not in manifest.fields or manifest.fields["date"].type is not FieldType.date:
        report.error("manifest_date", "manifest.fields.date: mọi mẫu cần trường ngày ban hành \"date\" kiểu date.")
    return manifest


def _unsafe(source: str, report: LintReport) -> bool:
    try:
        tree = environment().parse(source)
    except TemplateSyntaxError as exc:
        report.error("jinja_syntax", f"Lỗi cú pháp trong thẻ của mẫu (dòng {exc.lineno}): {exc.message}.")
        return True
    found = False
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name, nodes.Import, nodes.FromImport,
                               nodes.Include, nodes.Extends)):
        name = getattr(node, "attr", None) or getattr(node, "name", None)
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            name = str(node.arg.value)
        if isinstance(node, nodes.Import | nodes.FromImport | nodes.Include | nodes.Extends):
            report.error("jinja_unsafe", "Mẫu không được dùng import, include hay extends.")
            found = True
        elif isinstance(name, str) and name.startswith("_"):
            report.error("jinja_unsafe", f"Mẫu truy cập thuộc tính riêng \"{name}\" — không được phép.")
            found = True
    return found


def _split_tags(xml: str, report: LintReport) -> None:
    for paragraph in _PARAGRAPH.findall(xml):
        pieces = _TEXT.findall(paragraph)
        text = "".join(pieces)
        if text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}"):
            report.error("tag_unbalanced", f"Thẻ mở và đóng không khớp trong đoạn \"{text[:60]}\".")
            continue
        bounds, position = [], 0
        for piece in pieces:
            bounds.append((position, position + len(piece)))
            position += len(piece)
        for tag in _TAG.finditer(text):
            runs = [b for b in bounds if b[0] < tag.end() and b[1] > tag.start()]
            if len(runs) > 1:
                report.warn("tag_split", f"Thẻ \"{tag.group(0)[:40]}\" bị tách qua {len(runs)} đoạn định dạng (run): "
                            "nên gõ lại thẻ liền một lần, không đổi định dạng giữa chừng.")


def _variables(template: Template, report: LintReport) -> None:
    try:
        used = template_variables(template.docx)
    except TemplateSyntaxError as exc:
        report.error("jinja_syntax", f"Lỗi cú pháp trong thẻ của mẫu: {exc.message}.")
        return
    declared = set(template.manifest.fields)
    for name in sorted(used - declared - STANDARD_NAMES):
        report.error("undeclared_variable", f"Biến \"{name}\" được dùng trong mẫu nhưng không khai báo trong manifest.")
    for name in sorted(declared - STANDARD_INPUTS - used):
        report.warn("unused_field", f"Trường \"{name}\" khai báo trong manifest nhưng mẫu không dùng.")


def sample_value(spec: FieldSpec) -> Any:
    """A plausible value of a field's type, for a dry render when the manifest has no example."""
    if spec.default is not None:
        return spec.default
    samples: dict[FieldType, Any] = {
        FieldType.text: "Nội dung mẫu", FieldType.paragraphs: "Đoạn mẫu thứ nhất.\nĐoạn mẫu thứ hai.",
        FieldType.list: ["Mục mẫu"] * max(1, spec.min_items), FieldType.date: dt.date.today().isoformat(),
        FieldType.choice: spec.choices[0] if spec.choices else "", FieldType.integer: max(spec.minimum or 0, 10),
        FieldType.items: [{k: sample_value(v) for k, v in spec.item_fields.items()}] * max(1, spec.min_items),
    }
    return samples[spec.type]


def _sample_org(manifest: Manifest) -> Organization:
    kind = OrgKind(manifest.issuer_kinds[0])
    return Organization(id=1, code="mau", kind=kind, name="Chi bộ Mẫu" if kind is OrgKind.chi_bo else "Đảng bộ Mẫu",
                        header_name=None if kind is OrgKind.chi_bo else "Đảng ủy Mẫu", abbreviation="CB",
                        superior_name="Đảng bộ cấp trên", place="Hà Nội", path="/1/")


def _dry_render(template: Template, rules: RuleBook, report: LintReport) -> bytes | None:
    manifest = template.manifest
    example = manifest.example or {name: sample_value(spec) for name, spec in manifest.fields.items()}
    try:
        fields = validate_fields(template, example, "Đảng ủy cấp trên")
        profile = rules.for_date(fields.date)
        org = _sample_org(manifest)
        number = profile.format_number(1, manifest.doc_type, profile.issuer_abbreviations[org.kind.value])
        context = build_context(template, fields, org, number, profile, superior_body="Đảng ủy cấp trên")
        return fit_header(render_docx(template.docx, context, margins_mm=profile.margins_mm), profile.header_title)
    except DocserviceError as exc:
        details = "; ".join(f"{k}: {v}" for k, v in (exc.errors or {}).items())
        report.error("dry_render", f"Thử điền mẫu với giá trị ví dụ không được: {exc.detail} {details}".strip())
        return None


def lint_template(docx: bytes, raw_manifest: dict[str, Any], rules: RuleBook) -> tuple[Template | None, LintReport]:
    """The template (when it can be built at all) and every problem found, errors and warnings."""
    report = LintReport()
    xml = _document_xml(docx, report)
    manifest = _manifest(raw_manifest, report, rules)
    if xml is None or manifest is None:
        return None, report
    template = Template(manifest, docx, origin="uploaded")
    if _unsafe(patched_body(docx), report):
        return template, report
    _split_tags(xml, report)
    _variables(template, report)
    if report.errors:
        return template, report
    rendered = _dry_render(template, rules, report)
    if rendered is not None:
        layout = check_layout(rendered, rules)
        for deviation in layout.deviations:
            (report.error if manifest.layout_check else report.warn)(
                f"layout_{deviation.code}", f"Thể thức: {deviation.message}")
    return template, report


def lint_report(docx: bytes, raw_manifest: dict[str, Any], rules: RuleBook) -> LintReport:
    """Only the problems ``lint_template`` finds (what a sandboxed lint sends back)."""
    return lint_template(docx, raw_manifest, rules)[1]
