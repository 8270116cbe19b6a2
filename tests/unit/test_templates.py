import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from docx import Document as Docx

from docservice.db.models import Organization, OrgKind
from docservice.errors import TemplateError, ValidationFailed
from docservice.generation.catalogue import TemplateCatalogue
from docservice.generation.render import render_docx, template_variables
from docservice.generation.service import STANDARD_INPUTS, STANDARD_NAMES, build_context, validate_fields
from docservice.rules import profile_for

TEMPLATES = TemplateCatalogue(Path(__file__).resolve().parents[2] / "templates_docx")
ALL = TEMPLATES.all()


def test_the_catalogue_has_the_monthly_resolution():
    assert "nghi-quyet-chi-bo" in {t.key for t in ALL}


@pytest.mark.parametrize("template", ALL, ids=lambda t: t.key)
def test_template_variables_match_the_manifest(template):
    used = template_variables(template.docx)
    fields = set(template.manifest.fields)
    assert used - STANDARD_NAMES == fields - STANDARD_INPUTS
    assert fields | STANDARD_INPUTS >= STANDARD_INPUTS


@pytest.mark.parametrize("template", ALL, ids=lambda t: t.key)
def test_every_field_has_a_vietnamese_label_in_the_json_schema(template):
    schema = template.fields_schema()
    for name, spec in template.manifest.fields.items():
        assert schema["properties"][name]["title"] == spec.label
    required = {n for n, s in template.manifest.fields.items() if s.required}
    assert set(schema.get("required", [])) == required


def _org() -> Organization:
    return Organization(id=7, code="cb", kind=OrgKind.chi_bo, name="Chi bộ Thôn Đông", abbreviation="CB",
                        superior_name="Đảng bộ xã Tân Lập", place="Tân Lập", path="/1/7/")


def _fields(**changes):
    values = {"date": "2026-02-05", "subject": "về nhiệm vụ tháng 02/2026", "results": "Kết quả tốt.",
              "tasks": ["Thu đảng phí."], "signer_name": "Nguyễn Thị Hoà"}
    values.update(changes)
    return values


def _text(docx: bytes) -> str:
    return "\n".join(p.text for p in Docx(io.BytesIO(docx)).paragraphs) + "\n" + "\n".join(
        cell.text for table in Docx(io.BytesIO(docx)).tables for row in table.rows for cell in row.cells)


def test_missing_and_wrong_fields_are_reported_per_field_in_vietnamese():
    template = TEMPLATES.get("nghi-quyet-chi-bo")
    with pytest.raises(ValidationFailed) as raised:
        validate_fields(template, {"date": "05/02/2026", "tasks": [], "bogus": 1, "signer_title": "CHỦ TỊCH"},
                        "Đảng ủy xã")
    errors = raised.value.errors
    assert errors["fields.subject"] == "Trường này là bắt buộc."
    assert "YYYY-MM-DD" in errors["fields.date"]
    assert errors["fields.tasks"] == "Cần ít nhất 1 mục."
    assert errors["fields.bogus"] == "Trường này không được hỗ trợ."
    assert "BÍ THƯ" in errors["fields.signer_title"]


def test_rendered_resolution_carries_header_number_date_and_signature():
    template = TEMPLATES.get("nghi-quyet-chi-bo")
    fields = validate_fields(template, _fields(), "Đảng ủy xã Tân Lập")
    context = build_context(template, fields, _org(), "03-NQ/CB", profile_for(dt.date(2026, 2, 5)))
    text = _text(render_docx(template.docx, context))
    for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", "ĐẢNG BỘ XÃ TÂN LẬP", "CHI BỘ THÔN ĐÔNG", "Số 03-NQ/CB",
                     "Tân Lập, ngày 05 tháng 02 năm 2026", "NGHỊ QUYẾT", "về nhiệm vụ tháng 02/2026",
                     "T/M CHI BỘ", "BÍ THƯ", "Nguyễn Thị Hoà", "- Đảng ủy xã Tân Lập (b/c),", "- Lưu Chi bộ.",
                     "1. Thu đảng phí."):
        assert expected in text, expected
    assert "Hạn chế" not in text  # the optional section is left out when empty
    assert "MẬT" not in text


def test_values_cannot_inject_markup_or_template_code():
    template = TEMPLATES.get("nghi-quyet-chi-bo")
    hostile = '{{ 7*7 }} {% raw %} </w:t></w:r><w:r><w:t>chèn & "x" <b>'
    fields = validate_fields(template, _fields(subject=hostile, results=hostile), "Đảng ủy xã")
    docx = render_docx(template.docx, build_context(template, fields, _org(), "01-NQ/CB",
                                                         profile_for(dt.date(2026, 2, 5))))
    text = _text(docx)
    assert hostile in text and "49" not in text
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        assert archive.read("word/document.xml").count(b"<w:body") == 1


def _docx_with(tmp_path: Path, line: str) -> bytes:
    document = Docx()
    document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_undefined_names_fail_loudly(tmp_path):
    with pytest.raises(TemplateError, match="chưa được cung cấp"):
        render_docx(_docx_with(tmp_path, "{{ khong_co }}"), {})


def test_the_sandbox_refuses_attribute_escapes(tmp_path):
    with pytest.raises(TemplateError):
        render_docx(_docx_with(tmp_path, "{{ x.__class__.__mro__[1].__subclasses__() }}"), {"x": "a"})


def test_a_secret_document_carries_its_mark_under_the_number():
    from docservice.db.models import Clearance

    template = TEMPLATES.get("nghi-quyet-chi-bo")
    fields = validate_fields(template, _fields(), "Đảng ủy xã")
    context = build_context(template, fields, _org(), "04-NQ/CB", profile_for(dt.date(2026, 2, 5)),
                            confidentiality=Clearance.mat)
    text = _text(render_docx(template.docx, context))
    assert "Số 04-NQ/CB\nMẬT" in text


def test_the_minutes_template_takes_contents_with_speakers():
    template = TEMPLATES.get("bien-ban-sinh-hoat-chi-bo")
    raw = {"date": "2026-02-05", "summary": "sinh hoạt chi bộ thường kỳ tháng 02 năm 2026",
           "opening": "Vào hồi 19 giờ 30 phút.", "chair": "đồng chí A", "minute_taker": "đồng chí B",
           "composition": "Có mặt: 5 đồng chí.", "conclusion": "Thống nhất.", "closing": "Kết thúc lúc 21 giờ.",
           "minute_taker_name": "Trần Thị B", "chair_name": "Nguyễn Văn A",
           "contents": [{"heading": "Tình hình tháng 01", "text": "Dòng một\nDòng hai",
                         "speakers": ["Đồng chí C: đồng ý."]}]}
    fields = validate_fields(template, raw, "Đảng ủy xã")
    text = _text(render_docx(template.docx, build_context(template, fields, _org(), "01-BB/CB",
                                                               profile_for(dt.date(2026, 2, 5)))))
    for expected in ("BIÊN BẢN\nsinh hoạt chi bộ thường kỳ tháng 02 năm 2026", "1. Tình hình tháng 01", "Dòng hai",
                     "- Đồng chí C: đồng ý.", "THƯ KÝ", "CHỦ TRÌ", "Trần Thị B", "Số 01-BB/CB"):
        assert expected in text, expected
    assert "IV. BIỂU QUYẾT" not in text
    with pytest.raises(ValidationFailed) as raised:
        validate_fields(template, {**raw, "contents": [{"text": "thiếu tiêu đề"}]}, "x")
    assert raised.value.errors == {"fields.contents.0.heading": "Trường này là bắt buộc."}


def test_page_margins_come_from_the_profile_of_the_date(tmp_path):
    template = TEMPLATES.get("nghi-quyet-chi-bo")
    fields = validate_fields(template, _fields(), "Đảng ủy xã")
    context = build_context(template, fields, _org(), "01-NQ/CB", profile_for(dt.date(2026, 2, 5)))
    docx = render_docx(template.docx, context, margins_mm={"top": 25, "bottom": 20, "left": 35, "right": 15})
    section = Docx(io.BytesIO(docx)).sections[0]
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (25, 35)
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


def _body_c14n(docx: bytes) -> bytes:
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    body = root.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body")
    return etree.tostring(body, method="c14n")


@pytest.mark.parametrize("template", ALL, ids=lambda t: t.key)
def test_the_prepared_render_gives_exactly_what_docxtpl_gives(template):
    from docservice.generation.render import PreparedDocx, render_docx_plain
    from docservice.rules import default_rules

    org = _org() if "chi_bo" in template.manifest.issuer_kinds else _org().__class__(
        id=1, code="du", kind=OrgKind.dang_bo_co_so, name="Đảng bộ phường An Phú", abbreviation="ĐU",
        superior_name="Đảng bộ tỉnh Lam Sơn", place="An Phú", path="/1/")
    hostile = {"signer_name": 'Nguyễn "Hoà" & <w:p>{{ 7*7 }}'} if "signer_name" in template.manifest.fields else {}
    fields = validate_fields(template, {**template.manifest.example, **hostile}, "Đảng ủy phường An Phú")
    profile = default_rules().for_date(fields.date)
    context = build_context(template, fields, org, "07-XX/YY", profile, superior_body="Đảng ủy phường An Phú")
    prepared = PreparedDocx(template.docx)
    assert prepared.fast, template.key
    fast, plain = prepared.render(context), render_docx_plain(template.docx, context)
    assert _body_c14n(fast) == _body_c14n(plain)
    assert prepared.render(context) == fast  # nothing carried over from one render to the next


def test_line_breaks_in_a_value_become_line_breaks_in_the_document():
    template = TEMPLATES.get("cong-van")
    fields = validate_fields(template, {**template.manifest.example, "addressees": ["Đảng ủy A\nBan Tổ chức"]}, "x")
    docx = render_docx(template.docx, build_context(template, fields, _org(), "01-CV/CB",
                                                    profile_for(dt.date(2026, 3, 10))))
    with __import__("zipfile").ZipFile(io.BytesIO(docx)) as archive:
        xml = archive.read("word/document.xml").decode()
    assert "Đảng ủy A</w:t><w:br/>" in xml
