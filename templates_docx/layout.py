"""Layout blocks of the party document format, shared by every template the build script makes.

Each block writes paragraphs with the fonts and sizes of the rule profile (Hướng dẫn 36-HD/VPTW,
Phụ lục 3) and docxtpl/Jinja tags where the service fills values. Blocks follow the layout diagram
(Phụ lục 1): header table (issuer left, title and date right), type name and summary, body, then the
signature table ("Nơi nhận" left, authority and signer right).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from lxml import etree

from docservice.rules import RuleProfile

CENTER, LEFT, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.JUSTIFY
HEADER_WIDTHS_MM = (80, 85)


class Layout:
    """A document being laid out by one profile."""

    def __init__(self, profile: RuleProfile) -> None:
        self.profile = profile
        self.document = Document()
        self._defaults()
        self._page()

    # page and defaults -------------------------------------------------------------------------
    def _defaults(self) -> None:
        style = self.document.styles["Normal"]
        style.font.name = self.profile.font_family
        style.font.size = Pt(self.profile.fonts["body"].size)
        fonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), self.profile.font_family)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.space_before = Pt(0)
        style.paragraph_format.line_spacing = 1.0

    def _page(self) -> None:
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        margins = self.profile.margins_mm
        section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
        section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])
        section.header_distance = Mm(self.profile.page_numbers["distance_mm"])
        section.different_first_page_header_footer = True  # no number on page 1
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = CENTER
        self._page_field(paragraph)

    def _page_field(self, paragraph) -> None:
        run = paragraph.add_run()
        run.font.size = Pt(self.profile.fonts["page_number"].size)
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            else:
                element = OxmlElement("w:instrText" if text.strip() == "PAGE" else "w:t")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._r.append(element)

    # paragraphs ----------------------------------------------------------------------------------
    def para(self, text: str = "", font: str = "body", *, container=None, align=None, indent: bool = False,
             after: float = 0, underline: bool = False, keep_with_next: bool = False):
        paragraph = (container or self.document).add_paragraph()
        if align is not None:
            paragraph.alignment = align
        if indent:
            paragraph.paragraph_format.first_line_indent = Cm(1.27)
        paragraph.paragraph_format.space_after = Pt(after)
        if keep_with_next:
            paragraph.paragraph_format.keep_with_next = True
        if text:
            spec = self.profile.fonts[font]
            run = paragraph.add_run(text)
            run.font.size = Pt(spec.size)
            run.bold = spec.bold or None
            run.italic = spec.italic or None
            run.underline = underline or None
        return paragraph

    def tag(self, text: str, container=None) -> None:
        """A paragraph holding only a ``{%p … %}`` tag (docxtpl removes it when rendering)."""
        self.para(text, container=container)

    def body(self, text: str, **kwargs) -> None:
        self.para(text, "body", align=JUSTIFY, indent=True, after=6, **kwargs)

    def heading(self, text: str) -> None:
        self.para(text, "heading", align=JUSTIFY, indent=True, after=6, keep_with_next=True)

    def loop(self, variable: str, line: str = "{{ p }}", *, item: str = "p") -> None:
        self.tag(f"{{%p for {item} in {variable} %}}")
        self.body(line)
        self.tag("{%p endfor %}")

    def optional(self, condition: str, *lines: str) -> None:
        self.tag(f"{{%p if {condition} %}}")
        for line in lines:
            self.body(line)
        self.tag("{%p endif %}")

    # blocks --------------------------------------------------------------------------------------
    def _two_columns(self, *, together: bool = False):
        """A two-column table; ``together``: its row never breaks across pages (a signature block moves whole
        to the next page rather than leave its name behind)."""
        table = self.document.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for cell, width in zip(table.rows[0].cells, HEADER_WIDTHS_MM, strict=True):
            cell.width = Mm(width)
            cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
        if together:
            row = table.rows[0]._tr.get_or_add_trPr()
            row.append(OxmlElement("w:cantSplit"))
        return table.rows[0].cells

    def header(self, *, summary_under_number: bool = False) -> None:
        """Boxes 1–4 (and 5b for a công văn): issuer block left, party title and date right."""
        left, right = self._two_columns()
        self.para("{{ header.superior }}", "superior", container=left, align=CENTER)
        self.para("{{ header.issuer }}", "issuer", container=left, align=CENTER)
        self.para("{{ header.mark }}", "issuer", container=left, align=CENTER)
        self.para("{{ header.number_line }}", "number", container=left, align=CENTER)
        if summary_under_number:
            self.para("V/v {{ subject }}", "summary_cong_van", container=left, align=CENTER)
        self.tag("{%p if header.confidentiality %}", container=left)
        self.para("{{ header.confidentiality }}", "heading", container=left, align=CENTER)
        self.tag("{%p endif %}", container=left)
        self.para("{{ header.title }}", "header_title", container=right, align=CENTER, underline=True, after=6)
        self.para("{{ header.place_date }}", "date_line", container=right, align=CENTER)

    def title(self, summary: str, *, name: str = "{{ doc_type_name }}") -> None:
        """Box 5a: the type name and the summary, then a short rule."""
        self.para("")
        self.para(name, "doc_type_name", align=CENTER, keep_with_next=True)
        self.para(summary, "summary", align=CENTER, keep_with_next=True)
        self.para("-----", "body", align=CENTER, after=12)

    def bases(self, variable: str = "bases") -> None:
        self.loop(variable, "- {{ p }};")

    def collegial_signature(self) -> None:
        """Boxes 7 and 9: "Nơi nhận" with "- Lưu …" left; authority, title and name right — one block that is
        never split across pages."""
        self.para("", keep_with_next=True)
        left, right = self._two_columns(together=True)
        self.para("{{ recipients_label }}", "recipients_label", container=left, align=LEFT)
        self.tag("{%p for item in recipients %}", container=left)
        self.para("- {{ item }},", "recipients_item", container=left, align=LEFT)
        self.tag("{%p endfor %}", container=left)
        self.para("- {{ archive_line }}.", "recipients_item", container=left, align=LEFT)
        self.para("{{ signature.authority }}", "signature_authority", container=right, align=CENTER)
        self.para("{{ signature.title }}", "signature_title", container=right, align=CENTER)
        for _ in range(4):
            self.para("", container=right)
        self.para("{{ signature.name }}", "signature_name", container=right, align=CENTER)

    def minutes_signature(self) -> None:
        """The minute-taker signs left, the chair right (minutes have no "Nơi nhận"); both columns with their
        names stay on one page."""
        self.para("", keep_with_next=True)
        left, right = self._two_columns(together=True)
        for cell, label, name in ((left, self.profile.minutes_signatures["left"], "minute_taker_name"),
                                  (right, self.profile.minutes_signatures["right"], "chair_name")):
            self.para(label, "signature_title", container=cell, align=CENTER)
            for _ in range(4):
                self.para("", container=cell)
            self.para(f"{{{{ {name} }}}}", "signature_name", container=cell, align=CENTER)

    def save(self, target: Path, title: str) -> None:
        self.document.core_properties.title = title
        self.document.core_properties.author = "docservice"
        target.parent.mkdir(parents=True, exist_ok=True)
        out = io.BytesIO()
        self.document.save(out)
        target.write_bytes(slim(out.getvalue()))


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DROPPED = ("word/stylesWithEffects.xml", "docProps/thumbnail.jpeg", "customXml/")
_DROPPED_REFERENCES = re.compile(rb"<(?:Relationship|Override)[^>]*(?:stylesWithEffects|customXml|thumbnail)[^>]*/>")


def _slim_styles(styles: bytes, used: set[str]) -> bytes:
    root = etree.fromstring(styles)
    latent = root.find(W + "latentStyles")
    if latent is not None:
        root.remove(latent)
    for style in root.findall(W + "style"):
        if style.get(W + "styleId") not in used and style.get(W + "default") != "1":
            root.remove(style)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def slim(docx: bytes) -> bytes:
    """python-docx's package without the 800 KB of styles it never uses (LibreOffice opens it ~30% faster)."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    markup = "".join(source.read(n).decode() for n in source.namelist() if n.startswith(("word/document",
                                                                                            "word/header")))
    used = set(re.findall(r'w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', markup)) | {"Normal"}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename.startswith(_DROPPED):
                continue
            data = source.read(info.filename)
            if info.filename == "word/styles.xml":
                data = _slim_styles(data, used)
            elif info.filename.endswith((".rels", "[Content_Types].xml")):
                data = _DROPPED_REFERENCES.sub(b"", data)
            target.writestr(info, data)
    return out.getvalue()
