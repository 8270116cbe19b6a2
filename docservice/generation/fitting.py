"""The header of a filled document fitted to its content, before it is converted to PDF.

A template's header table cannot know how long the place name will be. Filled, the place-and-date line
("Quảng Phú Cầu Thượng, ngày 05 tháng 02 năm 2026") must stay on one line under "ĐẢNG CỘNG SẢN VIỆT
NAM" (Hướng dẫn 36-HD/VPTW, box 4), so the right column is made as wide as that line needs (the left
column, whose issuer names may wrap, keeps at least ``LEFT_MIN``). The rule under the party title is a
paragraph border as wide as the title and a little below it — an underline would cut through the marks
below the letters (the dot of "Ệ"). Widths are measured with the metric-compatible font LibreOffice lays
the document out with (Liberation Serif for Times New Roman).
"""

from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path

from lxml import etree
from PIL import ImageFont

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation"))
FACES = {(False, False): "Regular", (True, False): "Bold", (False, True): "Italic", (True, True): "BoldItalic"}
CELL_PADDING = 2 * 108  # LibreOffice's default cell margins, 0.19 cm a side, in twips
SLACK = 1.03  # kerning and rounding between this measure and LibreOffice's
LEFT_MIN = 0.33  # of the text width: the issuer names wrap onto two or three lines there, as they do on paper
RULE_GAP_PT = 2  # between the party title and its rule
RULE_SLACK = 1.12  # the indents leave the title this much more room than measured, so it never wraps


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


@cache
def _font(bold: bool, italic: bool) -> ImageFont.FreeTypeFont | None:
    folder = next((d for d in FONT_DIRS if (d / "LiberationSerif-Regular.ttf").exists()), None)
    if folder is None:
        return None
    return ImageFont.truetype(str(folder / f"LiberationSerif-{FACES[bold, italic]}.ttf"), 1000)


def _flag(rpr: etree._Element | None, name: str) -> bool:
    element = rpr.find(_w(name)) if rpr is not None else None
    return element is not None and element.get(_w("val"), "true") not in ("0", "false")


def text_width(paragraph: etree._Element, default_half_points: int = 28) -> float | None:
    """The width of a paragraph's text on one line, in twips (``None`` without the font to measure)."""
    width = 0.0
    for run in paragraph.iter(_w("r")):
        text = "".join(t.text or "" for t in run.iter(_w("t")))
        if not text:
            continue
        rpr = run.find(_w("rPr"))
        size = rpr.find(_w("sz")) if rpr is not None else None
        half_points = int(size.get(_w("val"))) if size is not None else default_half_points
        font = _font(_flag(rpr, "b"), _flag(rpr, "i"))
        if font is None:
            return None
        width += font.getlength(text) / 1000 * half_points / 2 * 20
    return width


def _text(paragraph: etree._Element) -> str:
    return "".join(t.text or "" for t in paragraph.iter(_w("t")))


def _text_width_of_page(body: etree._Element) -> int | None:
    section = body.find(_w("sectPr"))
    size = section.find(_w("pgSz")) if section is not None else None
    margins = section.find(_w("pgMar")) if section is not None else None
    if size is None or margins is None:
        return None
    return int(size.get(_w("w"))) - int(margins.get(_w("left"))) - int(margins.get(_w("right")))


def _set_widths(table: etree._Element, widths: tuple[int, int]) -> None:
    grid = table.find(_w("tblGrid"))
    for column, width in zip(grid.findall(_w("gridCol")), widths, strict=False):
        column.set(_w("w"), str(width))
    for cell, width in zip(table.find(_w("tr")).findall(_w("tc")), widths, strict=False):
        properties = cell.find(_w("tcPr"))
        if properties is None:
            properties = etree.SubElement(cell, _w("tcPr"))
            cell.insert(0, properties)
        measure = properties.find(_w("tcW"))
        if measure is None:
            measure = etree.SubElement(properties, _w("tcW"))
        measure.set(_w("type"), "dxa")
        measure.set(_w("w"), str(width))


def _rule_under(paragraph: etree._Element, column: int, title: float) -> None:
    """The party title's rule: a bottom border exactly under the title, clear of its marks."""
    for run in paragraph.iter(_w("r")):
        rpr = run.find(_w("rPr"))
        underline = rpr.find(_w("u")) if rpr is not None else None
        if underline is not None:
            rpr.remove(underline)
    properties = paragraph.find(_w("pPr"))
    if properties is None:
        properties = etree.SubElement(paragraph, _w("pPr"))
        paragraph.insert(0, properties)
    for old in properties.findall(_w("pBdr")) + properties.findall(_w("ind")):
        properties.remove(old)
    side = max(0, int((column - CELL_PADDING - title * RULE_SLACK) / 2))
    border = etree.Element(_w("pBdr"))
    bottom = etree.SubElement(border, _w("bottom"))
    for name, value in (("val", "single"), ("sz", "6"), ("space", str(RULE_GAP_PT)), ("color", "000000")):
        bottom.set(_w(name), value)
    indent = etree.Element(_w("ind"))
    indent.set(_w("left"), str(side))
    indent.set(_w("right"), str(side))
    _place(properties, border, _AFTER_BORDER)
    _place(properties, indent, _AFTER_INDENT)


# What follows pBdr and ind in a paragraph's properties (the schema's order must be kept)
_AFTER_INDENT = ("contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
                 "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")
_AFTER_BORDER = ("shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
                 "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
                 *_AFTER_INDENT)


def _place(properties: etree._Element, element: etree._Element, followers: tuple[str, ...]) -> None:
    """Put ``element`` before the first child the schema wants after it (at the end when there is none)."""
    later = {_w(name) for name in followers}
    for child in properties:
        if child.tag in later:
            child.addprevious(element)
            return
    properties.append(element)


def fit_header(docx: bytes, party_title: str) -> bytes:
    """``docx`` with its header table's columns following their content and the party title's rule under
    the title; unchanged when the document has no such header (an uploaded template laid out otherwise)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
        infos = source.infolist()
    root = etree.fromstring(parts["word/document.xml"])
    body = root.find(_w("body"))
    table = body.find(_w("tbl")) if body is not None else None
    cells = table.find(_w("tr")).findall(_w("tc")) if table is not None and table.find(_w("tr")) is not None else []
    total = _text_width_of_page(body) if body is not None else None
    if len(cells) != 2 or total is None:
        return docx
    right = [p for p in cells[1].findall(_w("p")) if _text(p).strip()]
    if not right or _text(right[0]).strip() != party_title:
        return docx
    widths = [text_width(p) for p in right]
    if any(w is None for w in widths):
        return docx
    needed = int(max(widths) * SLACK) + CELL_PADDING
    right_width = min(max(needed, total // 2), int(total * (1 - LEFT_MIN)))
    _set_widths(table, (total - right_width, right_width))
    _rule_under(right[0], right_width, widths[0])
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            target.writestr(info, parts[info.filename])
    return out.getvalue()
