"""The layout checker: every standard template passes; a broken document gets each deviation named."""

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as Docx
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from docservice.cli import main
from docservice.errors import ValidationFailed
from docservice.generation.catalogue import TemplateCatalogue
from docservice.generation.layout_check import check_layout
from docservice.rules import default_rules
from tests.builders import render_example

TEMPLATES = TemplateCatalogue(Path(__file__).resolve().parents[2] / "templates_docx")
RULES = default_rules()


@pytest.mark.parametrize("template", TEMPLATES.all(), ids=lambda t: t.key)
def test_every_standard_template_passes_the_checker(template):
    report = check_layout(render_example(template), RULES)
    assert report.deviations == []
    assert report.profile == "2026" and report.number.startswith("03-")


def _replace(paragraph, text):
    for run in paragraph.runs[1:]:
        run.text = ""
    paragraph.runs[0].text = text


def _broken() -> bytes:
    document = Docx(io.BytesIO(render_example(TEMPLATES.get("nghi-quyet-chi-bo"))))
    header, signature = document.tables[0].rows[0].cells, document.tables[-1].rows[0].cells
    for paragraph in header[0].paragraphs:
        if paragraph.text.startswith("Số"):
            _replace(paragraph, "Số: 3-NQ/CB")
    for paragraph in header[1].paragraphs:
        if "ngày" in paragraph.text:
            _replace(paragraph, "An Phú, ngày 5 tháng 2 năm 2026")
        if paragraph.text == "ĐẢNG CỘNG SẢN VIỆT NAM":  # no rule under it: neither underline nor border
            paragraph.runs[0].underline = False
            for border in paragraph._p.pPr.findall(qn("w:pBdr")):
                paragraph._p.pPr.remove(border)
    body = next(p for p in document.paragraphs if p.text.startswith("Chi bộ lãnh đạo"))
    body.runs[0].font.size = Pt(12)
    body.runs[0].font.name = "Arial"
    _replace(signature[1].paragraphs[0], "TM. CHI BỘ")
    _replace(next(p for p in signature[0].paragraphs if p.text.startswith("- Lưu")), "- Lưu: VT.")
    document.sections[0].left_margin = Mm(20)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_broken_document_gets_every_deviation_named():
    report = check_layout(_broken(), RULES)
    codes = {d.code for d in report.deviations}
    assert codes == {"number_colon", "number_zero", "date_zeros", "party_title_rule", "body_size", "font_family",
                     "authority_notation", "archive_line", "margin"}
    messages = " ".join(d.message for d in report.deviations)
    assert "An Phú, ngày 05 tháng 02 năm 2026" in messages and "Lề trái 20 mm, quy định 30 mm" in messages
    assert "Arial" in messages and "Lưu: VT" in messages


def test_authorised_signing_is_judged_by_the_rules_of_the_date():
    template = TEMPLATES.get("quyet-dinh-ket-nap")
    old = check_layout(render_example(template, changes={"date": "2025-11-20", "signing_body": "BAN THƯỜNG VỤ"}),
                       RULES)
    assert old.profile == "2018" and old.deviations == []
    for date, expected in (("2025-11-20", set()), ("2026-03-02", {"authority_notation"})):
        document = Docx(io.BytesIO(render_example(template, changes={"date": date})))
        _replace(document.tables[-1].rows[0].cells[1].paragraphs[0], "T/U BAN THƯỜNG VỤ")
        out = io.BytesIO()
        document.save(out)
        assert {d.code for d in check_layout(out.getvalue(), RULES).deviations} == expected, date


def test_an_empty_document_and_a_non_document():
    empty = io.BytesIO()
    Docx().save(empty)
    codes = {d.code for d in check_layout(empty.getvalue(), RULES).deviations}
    assert {"header_missing", "signature_missing", "page_numbers", "margin"} <= codes
    with pytest.raises(ValidationFailed):
        check_layout(b"PK\x03\x04 not really a docx", RULES)


def test_the_command_names_each_deviation_and_exits_1(tmp_path):
    broken, good = tmp_path / "sai.docx", tmp_path / "dung.docx"
    broken.write_bytes(_broken())
    good.write_bytes(render_example(TEMPLATES.get("cong-van")))
    runner = CliRunner()
    result = runner.invoke(main, ["check-layout", str(broken)])
    assert result.exit_code == 1 and "[number_colon]" in result.output and "9 sai lệch" in result.output
    result = runner.invoke(main, ["check-layout", str(good)])
    assert result.exit_code == 0 and "Đúng thể thức" in result.output
    assert '"ok": true' in runner.invoke(main, ["check-layout", "--json", str(good)]).output


def test_a_collegial_body_never_signs_k_t():
    """T/M is how a collegial body signs, its deputy secretary too: on a chi bộ's paper "K/T CHI BỘ",
    "K/T BAN THƯỜNG VỤ" and "K/T BÍ THƯ" are flagged (party-records.md §2, 36-HD/VPTW 1.7.1)."""
    template = TEMPLATES.get("bao-cao")
    for authority, flagged in (("K/T CHI BỘ", True), ("K/T BAN THƯỜNG VỤ", True), ("K/T CHI ỦY", True),
                               ("K/T BÍ THƯ", True), ("T/M CHI BỘ", False)):
        document = Docx(io.BytesIO(render_example(template)))
        _replace(document.tables[-1].rows[0].cells[1].paragraphs[0], authority)
        out = io.BytesIO()
        document.save(out)
        codes = {d.code for d in check_layout(out.getvalue(), RULES).deviations}
        assert ("collegial_deputy" in codes) is flagged, authority


def test_an_advisory_bodys_deputy_signs_k_t():
    """A ban or văn phòng is not collegial: its deputy head signs "K/T TRƯỞNG BAN" and that is not flagged."""
    document = Docx(io.BytesIO(render_example(TEMPLATES.get("bao-cao"))))
    header = document.tables[0].rows[0].cells[0].paragraphs
    star = next(i for i, p in enumerate(header) if p.text.strip() == "*")
    _replace(header[star - 1], "BAN TỔ CHỨC")
    _replace(document.tables[-1].rows[0].cells[1].paragraphs[0], "K/T TRƯỞNG BAN")
    out = io.BytesIO()
    document.save(out)
    codes = {d.code for d in check_layout(out.getvalue(), RULES).deviations}
    assert "collegial_deputy" not in codes and "authority_notation" not in codes, codes
