"""Build the standard .docx templates from the rule profile (run: ``python templates_docx/build.py``).

Each template is laid out with python-docx from the current rule profile's fonts, sizes and
margins, with docxtpl/Jinja tags where the service fills values. The resulting ``template.docx``
files are committed; run this again after changing a profile or a layout and commit the result.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from docservice.rules import current_profile  # noqa: E402

PROFILE = current_profile()
CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT,
                                WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY)


def _font_defaults(document: Document) -> None:
    style = document.styles["Normal"]
    style.font.name = PROFILE.font_family
    style.font.size = Pt(PROFILE.fonts["body"].size)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), PROFILE.font_family)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.line_spacing = 1.0


def _page(document: Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    margins = PROFILE.margins_mm
    section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
    section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])
    section.header_distance = Mm(10)
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    _page_field(paragraph)


def _page_field(paragraph) -> None:
    run = paragraph.add_run()
    run.font.size = Pt(PROFILE.fonts["page_number"].size)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text.strip() == "PAGE" else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _para(container, text: str = "", font: str = "body", *, align=None, indent: bool = False,
          after: float = 0, underline: bool = False):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
    paragraph.paragraph_format.space_after = Pt(after)
    if text:
        spec = PROFILE.fonts[font]
        run = paragraph.add_run(text)
        run.font.size = Pt(spec.size)
        run.bold = spec.bold or None
        run.italic = spec.italic or None
        run.underline = underline or None
    return paragraph


def _borderless_table(document: Document, widths_mm: tuple[float, float]):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, width in zip(table.rows[0].cells, widths_mm, strict=True):
        cell.width = Mm(width)
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return table.rows[0].cells


def _header_block(document: Document) -> None:
    left, right = _borderless_table(document, (80, 85))
    _para(left, "{{ header.superior }}", "superior", align=CENTER)
    _para(left, "{{ header.issuer }}", "issuer", align=CENTER)
    _para(left, "{{ header.mark }}", "issuer", align=CENTER)
    _para(left, "{{ header.number_line }}", "number", align=CENTER)
    _para(left, "{%p if header.confidentiality %}")
    _para(left, "{{ header.confidentiality }}", "heading", align=CENTER)
    _para(left, "{%p endif %}")
    _para(right, "{{ header.title }}", "header_title", align=CENTER, underline=True, after=6)
    _para(right, "{{ header.place_date }}", "date_line", align=CENTER)


def _signature_block(document: Document) -> None:
    left, right = _borderless_table(document, (80, 85))
    _para(left, "{{ recipients_label }}", "recipients_label", align=LEFT)
    _para(left, "{%p for item in recipients %}", "recipients_item")
    _para(left, "- {{ item }},", "recipients_item", align=LEFT)
    _para(left, "{%p endfor %}", "recipients_item")
    _para(left, "- {{ archive_line }}.", "recipients_item", align=LEFT)
    _para(right, "{{ signature.authority }}", "signature_authority", align=CENTER)
    _para(right, "{{ signature.title }}", "signature_title", align=CENTER)
    for _ in range(4):
        _para(right, "", "body")
    _para(right, "{{ signature.name }}", "signature_name", align=CENTER)


def _paragraph_loop(document: Document, name: str, line: str = "{{ p }}") -> None:
    _para(document, f"{{%p for p in {name} %}}")
    _para(document, line, "body", align=JUSTIFY, indent=True, after=6)
    _para(document, "{%p endfor %}")


def build_nghi_quyet_chi_bo(target: Path) -> None:
    """Nghị quyết chi bộ (monthly), after the skeleton in the domain notes §1.4."""
    document = Document()
    _font_defaults(document)
    _page(document)
    _header_block(document)
    _para(document, "")
    _para(document, "{{ doc_type_name }}", "doc_type_name", align=CENTER, after=0)
    _para(document, "{{ subject }}", "summary", align=CENTER)
    _para(document, "-----", "body", align=CENTER, after=12)
    _paragraph_loop(document, "bases", "- {{ p }};")
    _para(document, "{{ resolves_line }}", "heading", align=CENTER, after=6)
    _para(document, "I. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NHIỆM VỤ", "heading", align=JUSTIFY, indent=True,
          after=6)
    _para(document, "1. Kết quả đạt được", "heading", align=JUSTIFY, indent=True, after=6)
    _paragraph_loop(document, "results")
    _para(document, "{%p if shortcomings %}")
    _para(document, "2. Hạn chế, nguyên nhân", "heading", align=JUSTIFY, indent=True, after=6)
    _paragraph_loop(document, "shortcomings")
    _para(document, "{%p endif %}")
    _para(document, "II. NHIỆM VỤ, GIẢI PHÁP", "heading", align=JUSTIFY, indent=True, after=6)
    _para(document, "{%p for p in tasks %}")
    _para(document, "{{ loop.index }}. {{ p }}", "body", align=JUSTIFY, indent=True, after=6)
    _para(document, "{%p endfor %}")
    _para(document, "III. TỔ CHỨC THỰC HIỆN", "heading", align=JUSTIFY, indent=True, after=6)
    _paragraph_loop(document, "implementation")
    _para(document, "{%p if adopted_line %}")
    _para(document, "{{ adopted_line }}", "body", align=JUSTIFY, indent=True, after=6)
    _para(document, "{%p endif %}")
    _para(document, "")
    _signature_block(document)
    _finish(document, target, "Nghị quyết chi bộ")


def _finish(document: Document, target: Path, title: str) -> None:
    document.core_properties.title = title
    document.core_properties.author = "docservice"
    document.save(target)


def _heading(document: Document, text: str) -> None:
    _para(document, text, "heading", align=JUSTIFY, indent=True, after=6)


def _minutes_signatures(document: Document) -> None:
    left, right = _borderless_table(document, (80, 85))
    for cell, label, name in ((left, PROFILE.minutes_signatures["left"], "minute_taker_name"),
                              (right, PROFILE.minutes_signatures["right"], "chair_name")):
        _para(cell, label, "signature_title", align=CENTER)
        for _ in range(4):
            _para(cell, "", "body")
        _para(cell, f"{{{{ {name} }}}}", "signature_name", align=CENTER)


def build_bien_ban_sinh_hoat_chi_bo(target: Path) -> None:
    """Biên bản sinh hoạt chi bộ: who was there, who said what, the conclusion and the votes."""
    document = Document()
    _font_defaults(document)
    _page(document)
    _header_block(document)
    _para(document, "")
    _para(document, "{{ doc_type_name }}", "doc_type_name", align=CENTER)
    _para(document, "{{ summary|upper }}", "summary", align=CENTER)
    _para(document, "-----", "body", align=CENTER, after=12)
    _paragraph_loop(document, "opening")
    _para(document, "- Chủ trì: {{ chair }}.", "body", align=JUSTIFY, indent=True, after=6)
    _para(document, "- Thư ký: {{ minute_taker }}.", "body", align=JUSTIFY, indent=True, after=6)
    _para(document, "{%p if guests %}")
    _para(document, "- Khách mời: {{ guests|join(', ') }}.", "body", align=JUSTIFY, indent=True, after=6)
    _para(document, "{%p endif %}")
    _heading(document, "I. THÀNH PHẦN")
    _paragraph_loop(document, "composition", "- {{ p }}")
    _heading(document, "II. NỘI DUNG VÀ DIỄN BIẾN")
    _para(document, "{%p for item in contents %}")
    _para(document, "{{ loop.index }}. {{ item.heading }}", "heading", align=JUSTIFY, indent=True, after=6)
    _para(document, "{%p for p in item.text %}")
    _para(document, "{{ p }}", "body", align=JUSTIFY, indent=True, after=6)
    _para(document, "{%p endfor %}")
    _para(document, "{%p for s in item.speakers %}")
    _para(document, "- {{ s }}", "body", align=JUSTIFY, indent=True, after=6)
    _para(document, "{%p endfor %}")
    _para(document, "{%p endfor %}")
    _heading(document, "III. KẾT LUẬN")
    _paragraph_loop(document, "conclusion")
    _para(document, "{%p if votes %}")
    _heading(document, "IV. BIỂU QUYẾT")
    _paragraph_loop(document, "votes", "- {{ p }}")
    _para(document, "{%p endif %}")
    _paragraph_loop(document, "closing")
    _para(document, "")
    _minutes_signatures(document)
    _finish(document, target, "Biên bản sinh hoạt chi bộ")


BUILDERS = {"nghi-quyet-chi-bo": build_nghi_quyet_chi_bo,
            "bien-ban-sinh-hoat-chi-bo": build_bien_ban_sinh_hoat_chi_bo}


def main() -> None:
    for key, build in BUILDERS.items():
        target = HERE / key / "template.docx"
        target.parent.mkdir(exist_ok=True)
        build(target)
        print(f"built {target.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
