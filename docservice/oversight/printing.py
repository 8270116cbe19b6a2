"""Printable PDFs: the monthly report (báo cáo) with its charts, and the minutes and resolution books.

Both are drawn with ReportLab in the party layout of the rule profile (A4, its margins, Times-like serif with
Vietnamese glyphs, the two-column header, page numbers from page 2 centred at the top); the charts are the
pages' SVG drawings converted by svglib, so the print and the screen show the same figures.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from svglib.fonts import register_font
from svglib.svglib import svg2rlg

from docservice.archive.assembly import ReadyPart, each_part, ready_parts
from docservice.errors import ServiceUnavailable
from docservice.rules import RuleProfile
from docservice.sandbox import Sandbox

FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation"))
FACES = {"": "Regular", "-Bold": "Bold", "-Italic": "Italic", "-BoldItalic": "BoldItalic"}
SERIF = "DocserviceSerif"
log = logging.getLogger(__name__)


@cache
def fonts() -> str:
    """Register Liberation Serif (metric-compatible with Times New Roman) for ReportLab and svglib."""
    folder = next((d for d in FONT_DIRS if (d / "LiberationSerif-Regular.ttf").exists()), None)
    if folder is None:
        raise ServiceUnavailable("Thiếu phông chữ Liberation Serif (gói fonts-liberation2); chạy lại make.")
    for suffix, face in FACES.items():
        pdfmetrics.registerFont(TTFont(SERIF + suffix, str(folder / f"LiberationSerif-{face}.ttf")))
    for family in ("Liberation Serif", "Times New Roman", "serif"):
        register_font(family, str(folder / "LiberationSerif-Regular.ttf"), rlgFontName=SERIF)
        register_font(family, str(folder / "LiberationSerif-Bold.ttf"), weight="bold", rlgFontName=SERIF + "-Bold")
    # after svglib, which maps font names to families of its own: <b> and <i> in paragraphs need this one
    pdfmetrics.registerFontFamily(SERIF, normal=SERIF, bold=SERIF + "-Bold", italic=SERIF + "-Italic",
                                  boldItalic=SERIF + "-BoldItalic")
    return SERIF


def _style(name: str, size: float = 13, *, bold: bool = False, italic: bool = False, align: int = TA_JUSTIFY,
           before: float = 0, after: float = 3, indent: float = 0) -> ParagraphStyle:
    face = SERIF + ("-BoldItalic" if bold and italic else "-Bold" if bold else "-Italic" if italic else "")
    return ParagraphStyle(name, fontName=face, fontSize=size, leading=size * 1.3, alignment=align,
                          spaceBefore=before, spaceAfter=after, firstLineIndent=indent)


def _escape(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class Letterhead:
    superior: str  # "ĐẢNG BỘ TỈNH HÀ SƠN" (upper case on paper)
    superior_committee: str  # "Đảng ủy xã Tân Lập": where reports are sent
    issuer: str  # "ĐẢNG ỦY XÃ TÂN LẬP"
    place_date: str  # "Tân Lập, ngày 05 tháng 01 năm 2026"
    authority: str  # "T/M ĐẢNG ỦY"


def _header(profile: RuleProfile, head: Letterhead) -> Table:
    left = [Paragraph(_escape(head.superior.upper()), _style("sup", 14, align=TA_CENTER, after=0)),
            Paragraph(f"<b>{_escape(head.issuer.upper())}</b>", _style("iss", 14, align=TA_CENTER, after=0)),
            Paragraph("*", _style("star", 14, align=TA_CENTER, after=0))]
    right = [Paragraph(f"<b><u>{_escape(profile.header_title)}</u></b>", _style("ht", 15, align=TA_CENTER, after=4)),
             Paragraph(f"<i>{_escape(head.place_date)}</i>", _style("pd", 14, align=TA_CENTER, after=0))]
    table = Table([[left, right]], colWidths=[75 * mm, 90 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _page_numbers(profile: RuleProfile) -> Callable[[canvas.Canvas, Any], None]:
    first = int(profile.page_numbers.get("from_page", 2))
    distance = float(profile.page_numbers.get("distance_mm", 10)) * mm

    def draw(pdf: canvas.Canvas, doc: Any) -> None:
        if pdf.getPageNumber() >= first:
            pdf.setFont(SERIF, 14)
            width, height = pdf._pagesize
            pdf.drawCentredString(width / 2, height - distance, str(pdf.getPageNumber()))

    return draw


def _document(out: io.BytesIO, profile: RuleProfile, title: str) -> SimpleDocTemplate:
    m = profile.margins_mm
    return SimpleDocTemplate(out, pagesize=A4, topMargin=m["top"] * mm, bottomMargin=m["bottom"] * mm,
                             leftMargin=m["left"] * mm, rightMargin=m["right"] * mm, title=title,
                             author="docservice", creator="docservice")


def _chart(svg: str, max_width: float) -> Any:
    drawing = svg2rlg(io.BytesIO(svg.encode("utf-8")))
    if drawing is None:
        return Spacer(1, 1)
    if drawing.width > max_width:
        scale = max_width / drawing.width
        drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
        drawing.scale(scale, scale)
    drawing.hAlign = "CENTER"
    return drawing


def _grid(header: list[str], rows: list[list[Any]], widths: list[float], size: float = 10) -> Table:
    cell = _style("cell", size, align=TA_LEFT, after=0)
    head = _style("head", size, bold=True, align=TA_CENTER, after=0)
    data = [[Paragraph(_escape(h), head) for h in header]]
    data += [[Paragraph(_escape(v), cell) for v in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))]))
    return table


@dataclass(frozen=True)
class ReportSection:
    heading: str
    paragraphs: list[str]
    charts: list[str]
    table: tuple[list[str], list[list[Any]], list[float]] | None = None


def report_pdf(profile: RuleProfile, head: Letterhead, title: str, subtitle: str,
               sections: Iterable[ReportSection], recipients: list[str]) -> bytes:
    """The monthly report: header, title, numbered sections with figures, charts and tables, signature."""
    fonts()
    out = io.BytesIO()
    doc = _document(out, profile, f"{title} {subtitle}")
    width = doc.width
    story: list[Any] = [_header(profile, head), Spacer(1, 8 * mm),
                        Paragraph(f"<b>{_escape(title)}</b>", _style("title", 15, align=TA_CENTER, after=2)),
                        Paragraph(f"<b>{_escape(subtitle)}</b>", _style("sub", 14, align=TA_CENTER, after=10))]
    body = _style("body", 14, indent=10 * mm, after=4)
    for number, section in enumerate(sections, start=1):
        story.append(Paragraph(f"<b>{_roman(number)}. {_escape(section.heading)}</b>", _style("h", 14, before=6)))
        story += [Paragraph(_escape(p), body) for p in section.paragraphs]
        story += [KeepTogether([_chart(svg, width), Spacer(1, 3 * mm)]) for svg in section.charts]
        if section.table is not None:
            header, rows, widths = section.table
            story.append(_grid(header, rows, [w * width for w in widths]))
    sign = [Paragraph(f"<b>{_escape(head.authority)}</b>", _style("auth", 14, align=TA_CENTER, after=0)),
            Paragraph("<b>BÍ THƯ</b>", _style("role", 14, align=TA_CENTER, after=0)), Spacer(1, 25 * mm)]
    sent = [Paragraph(f"<b><i>{_escape(profile.recipients.label)}</i></b>", _style("rl", 12, align=TA_LEFT, after=0))]
    sent += [Paragraph(_escape(profile.recipients.item_prefix + r), _style("ri", 11, align=TA_LEFT, after=0))
             for r in recipients]
    closing = Table([[sent, sign]], colWidths=[width * 0.5, width * 0.5])
    closing.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [Spacer(1, 6 * mm), KeepTogether([closing])]
    doc.build(story, onFirstPage=_page_numbers(profile), onLaterPages=_page_numbers(profile))
    return out.getvalue()


def _roman(n: int) -> str:
    return ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")[n - 1]


# --- books ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BookEntry:
    number: str
    date: dt.date
    title: str
    source: str  # "bản ký lưu trữ" / "bản do hệ thống lập" / "hồ sơ nhập"
    pdf: bytes


def _front_matter(profile: RuleProfile, head: Letterhead, book_title: str, period: str,
                  entries: list[BookEntry], starts: list[int]) -> bytes:
    out = io.BytesIO()
    doc = _document(out, profile, f"{book_title} {period}")
    story: list[Any] = [
        Paragraph(_escape(head.superior.upper()), _style("c1", 14, align=TA_CENTER, after=0)),
        Paragraph(f"<b>{_escape(head.issuer.upper())}</b>", _style("c2", 14, align=TA_CENTER, after=0)),
        Spacer(1, 70 * mm),
        Paragraph(f"<b>{_escape(book_title.upper())}</b>", _style("c3", 22, align=TA_CENTER, after=8)),
        Paragraph(f"<b>{_escape(period)}</b>", _style("c4", 16, align=TA_CENTER, after=8)),
        Paragraph(f"{len(entries)} văn bản", _style("c5", 14, align=TA_CENTER, after=0)),
        Spacer(1, 60 * mm),
        Paragraph("<i>Bản tổng hợp để tra cứu, in từ hệ thống; bản gốc và bản có chữ ký số lưu tại hồ sơ lưu trữ.</i>",
                  _style("c6", 12, align=TA_CENTER)),
        PageBreak(),
        Paragraph("<b>MỤC LỤC</b>", _style("toc", 14, align=TA_CENTER, after=8)),
    ]
    rows = [[i + 1, e.number, e.date.strftime("%d/%m/%Y"), e.title, e.source, start]
            for i, (e, start) in enumerate(zip(entries, starts, strict=True))]
    story.append(_grid(["TT", "Số", "Ngày", "Trích yếu", "Bản", "Trang"], rows,
                       [w * doc.width for w in (0.06, 0.15, 0.14, 0.40, 0.15, 0.10)]))
    doc.build(story)
    return out.getvalue()


def _number_page(page: Any, number: int, total: int) -> None:
    """Stamp the book's page number ``n/total`` in the bottom right corner of the page as it is seen
    (rotation and a media box that does not start at 0,0 included), clear of the documents' own numbers
    at the top."""
    page.transfer_rotation_to_content()
    box = page.mediabox
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(float(box.right), float(box.top)))
    pdf.setFont(SERIF, 11)
    pdf.drawRightString(float(box.right) - 12 * mm, float(box.bottom) + 8 * mm, f"{number}/{total}")
    pdf.save()
    page.merge_page(PdfReader(io.BytesIO(out.getvalue())).pages[0])


def number_part(item: tuple[bytes, int, int]) -> bytes:
    """A ready part with its pages numbered from ``first`` of ``total`` — the work a sandboxed child does
    for each document of a book (numbering reads the page's content, which may be hostile)."""
    pdf, first, total = item
    fonts()
    writer = PdfWriter()
    for offset, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        added = writer.add_page(page)
        _number_page(added, first + offset, total)
        added.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stand_in(entry: BookEntry, pages: int, first: int, total: int) -> bytes:
    """Pages standing in for a document whose file cannot be read within limits, so the book is still made."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    heading = " — ".join(part for part in (entry.number, entry.date.strftime("%d/%m/%Y")) if part)
    title = entry.title if len(entry.title) <= 90 else entry.title[:89] + "…"
    for offset in range(pages):
        pdf.setFont(SERIF, 14)
        pdf.drawCentredString(A4[0] / 2, A4[1] / 2 + 40, heading)
        pdf.drawCentredString(A4[0] / 2, A4[1] / 2 + 15, title)
        pdf.drawCentredString(A4[0] / 2, A4[1] / 2 - 15, "Không đọc được tệp của văn bản này; xem hồ sơ lưu trữ.")
        pdf.setFont(SERIF, 11)
        pdf.drawRightString(A4[0] - 12 * mm, 8 * mm, f"{first + offset}/{total}")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def book_pdf(profile: RuleProfile, head: Letterhead, book_title: str, period: str, entries: list[BookEntry], *,
             sandbox: Sandbox | None = None) -> bytes:
    """Cover, index with each document's first page, then every document in order, pages numbered.

    Each document's file is read and numbered under the ``sandbox``'s limits; one that cannot be gets
    stand-in pages, and the book is made all the same."""
    fonts()
    parts = ready_parts([e.pdf for e in entries], sandbox=sandbox, what="Văn bản trong sổ")
    counts = [part.pages if isinstance(part, ReadyPart) else 1 for part in parts]
    placeholder = _front_matter(profile, head, book_title, period, entries, [9999] * len(entries))
    front_pages = len(PdfReader(io.BytesIO(placeholder)).pages)
    starts, page = [], front_pages + 1
    for count in counts:
        starts.append(page)
        page += count
    total = page - 1
    ready = [(part.pdf, start, total) for part, start in zip(parts, starts, strict=True) if isinstance(part, ReadyPart)]
    numbered = iter(each_part(number_part, ready, sandbox=sandbox, what="Văn bản trong sổ"))
    writer = PdfWriter()
    front = PdfReader(io.BytesIO(_front_matter(profile, head, book_title, period, entries, starts)))
    for number, p in enumerate(front.pages, start=1):
        added = writer.add_page(p)
        if number >= 2:
            _number_page(added, number, total)
    for entry, part, count, start in zip(entries, parts, counts, starts, strict=True):
        done = next(numbered) if isinstance(part, ReadyPart) else None
        if not isinstance(done, bytes):
            log.warning("book: stand-in pages for %s", entry.number)
            done = _stand_in(entry, count, start, total)
        writer.append(PdfReader(io.BytesIO(done)))
    writer.add_metadata({"/Title": f"{book_title} {period}", "/Creator": "docservice"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
