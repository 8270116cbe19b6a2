"""Linting uploaded templates: each problem found and explained, good templates pass."""

import copy
import io
import json
import zipfile
from pathlib import Path

import pytest
from docx import Document as Docx

from docservice.generation.catalogue import TemplateCatalogue
from docservice.generation.lint import lint_template
from docservice.rules import default_rules

TEMPLATES = TemplateCatalogue(Path(__file__).resolve().parents[2] / "templates_docx")
RULES = default_rules()


def _manifest(source="nghi-quyet-chi-bo", **changes):
    manifest = json.loads(TEMPLATES.get(source).manifest.model_dump_json())
    manifest.update({"key": "nghi-quyet-tu-chon", "version": "1.0.0", **changes})
    return manifest


def _docx_adding(text: str, *, split: bool = False, key: str = "nghi-quyet-chi-bo") -> bytes:
    document = Docx(io.BytesIO(TEMPLATES.get(key).docx))
    paragraph = document.paragraphs[-1].insert_paragraph_before()
    if split:
        middle = len(text) // 2
        paragraph.add_run(text[:middle])
        paragraph.add_run(text[middle:]).bold = True
    else:
        paragraph.add_run(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _codes(report):
    return [p.code for p in report.errors], [p.code for p in report.warnings]


@pytest.mark.parametrize("template", TEMPLATES.all(), ids=lambda t: t.key)
def test_the_standard_templates_lint_clean(template):
    manifest = json.loads(template.manifest.model_dump_json())
    built, report = lint_template(template.docx, manifest, RULES)
    assert built is not None and report.errors == [] and report.warnings == []


def test_an_undeclared_variable_is_named():
    _, report = lint_template(_docx_adding("Ghi chú: {{ ghi_chu_them }}"), _manifest(), RULES)
    assert _codes(report)[0] == ["undeclared_variable"]
    assert "ghi_chu_them" in report.errors[0].message


def test_a_declared_field_the_document_never_uses_is_a_warning():
    manifest = _manifest()
    manifest["fields"]["ghi_chu"] = {"type": "text", "label": "Ghi chú", "required": False}
    _, report = lint_template(TEMPLATES.get("nghi-quyet-chi-bo").docx, manifest, RULES)
    assert report.errors == [] and _codes(report)[1] == ["unused_field"]


@pytest.mark.parametrize("tag", ["{{ subject.__class__ }}", "{{ fmt._profile }}", "{{ subject['__len__'] }}",
                                 "{% include 'khac.xml' %}", "{% import 'x' as y %}"])
def test_unsafe_jinja_is_refused(tag):
    _, report = lint_template(_docx_adding(tag), _manifest(), RULES)
    assert "jinja_unsafe" in _codes(report)[0]


def test_broken_tags_are_errors_and_split_tags_warnings():
    _, report = lint_template(_docx_adding("{{ subject "), _manifest(), RULES)
    assert "tag_unbalanced" in _codes(report)[0] or "jinja_syntax" in _codes(report)[0]
    _, report = lint_template(_docx_adding("Trích yếu: {{ subject }}", split=True), _manifest(), RULES)
    assert report.errors == [] and "tag_split" in _codes(report)[1]


def test_not_a_docx_and_a_zip_bomb():
    _, report = lint_template(b"%PDF-1.7 khong phai docx", _manifest(), RULES)
    assert _codes(report)[0] == ["not_docx"]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (60 * 1024 * 1024))
    _, report = lint_template(bomb.getvalue(), _manifest(), RULES)
    assert _codes(report)[0] == ["docx_too_big"]


def test_manifest_problems_are_reported_with_their_path():
    manifest = _manifest(key="Khong Hop Le", doc_type="thu_tinh", issuer_kinds=["lang_xa"], title_field="khong_co")
    manifest["fields"]["subject"]["type"] = "doan_van"
    _, report = lint_template(TEMPLATES.get("nghi-quyet-chi-bo").docx, manifest, RULES)
    assert report.errors and all(p.code.startswith("manifest") for p in report.errors)
    assert "manifest.fields.subject.type" in report.errors[0].message
    broken = copy.deepcopy(_manifest(key="Khong Hop Le", doc_type="thu_tinh", issuer_kinds=["lang_xa"]))
    _, report = lint_template(TEMPLATES.get("nghi-quyet-chi-bo").docx, broken, RULES)
    assert {"manifest_key", "manifest_doc_type", "manifest_issuers"} <= set(_codes(report)[0])


def test_an_example_that_does_not_fit_fails_the_dry_render():
    manifest = _manifest()
    manifest["example"] = {**manifest["example"], "tasks": []}
    _, report = lint_template(TEMPLATES.get("nghi-quyet-chi-bo").docx, manifest, RULES)
    assert _codes(report)[0] == ["dry_render"] and "fields.tasks" in report.errors[0].message


def test_without_an_example_sample_values_are_used():
    manifest = _manifest()
    manifest.pop("example")
    _, report = lint_template(TEMPLATES.get("nghi-quyet-chi-bo").docx, manifest, RULES)
    assert report.errors == []


def test_layout_deviations_block_unless_the_manifest_opts_out():
    document = Docx(io.BytesIO(TEMPLATES.get("nghi-quyet-chi-bo").docx))
    signature = document.tables[-1]._tbl
    signature.getparent().remove(signature)
    out = io.BytesIO()
    document.save(out)
    manifest = _manifest()
    for name in ("recipients", "signer_name", "signer_title"):
        manifest["fields"].pop(name)
        manifest["example"].pop(name, None)
    _, report = lint_template(out.getvalue(), manifest, RULES)
    assert "layout_signature_missing" in _codes(report)[0]
    _, report = lint_template(out.getvalue(), {**manifest, "layout_check": False}, RULES)
    assert report.errors == [] and "layout_signature_missing" in _codes(report)[1]
