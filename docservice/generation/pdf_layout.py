"""The layout of a document as printed: its PDF's pages, line by line (poppler's ``pdftotext -bbox-layout``).

What only the printed pages show, checked against the party format (Hướng dẫn 36-HD/VPTW):

- ``date_line_wrapped``: the place-and-date line under the party title runs onto a second line;
- ``signature_split``: an authority line (T/M, K/T, T/L …) or a minutes signature label is on one page
  and the title or the name under it on the next;
- ``orphaned_name``: the last page holds nothing but the end of a signature block (a name alone);
- ``recipients_split``: "Nơi nhận:" on one page, its "- Lưu …" line on another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from docservice.programs import run_limited
from docservice.rules import RuleProfile

XHTML = "{http://www.w3.org/1999/xhtml}"
DATE_LINE = re.compile(r",\s*ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}")
DATE_START = re.compile(r",\s*ngày\b")
AUTHORITY = re.compile(r"^(?:T/M|K/T|T/L|T/U|TM\.|KT\.|TL\.|TUQ\.)\s+\S")
PAGE_NUMBER = re.compile(r"^\d{1,4}(?:/\d{1,4})?$")


@dataclass(frozen=True)
class Line:
    page: int  # from 1
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def over(self, other: Line) -> bool:
        """Whether the two lines share some of their width (stand in the same column)."""
        return self.x0 < other.x1 and other.x0 < self.x1


@dataclass(frozen=True)
class PrintedDeviation:
    code: str
    element: str
    message: str


def pdf_lines(pdf: bytes) -> list[list[Line]]:
    """Every page's text lines, top to bottom (page numbers left out)."""
    markup = run_limited(["pdftotext", "-bbox-layout", "-enc", "UTF-8", "-", "-"], stdin=pdf, timeout=60)
    root = etree.fromstring(markup, etree.XMLParser(recover=True, resolve_entities=False, no_network=True))
    pages = []
    for number, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        lines = []
        for line in page.iter(f"{XHTML}line"):
            text = " ".join(w.text or "" for w in line.iter(f"{XHTML}word")).strip()
            if text and not PAGE_NUMBER.match(text):
                lines.append(Line(number, text, *(float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))))
        pages.append(sorted(lines, key=lambda item: (item.y0, item.x0)))
    return pages


def _below(anchor: Line, lines: list[Line]) -> list[Line]:
    return [line for line in lines if line.y0 > anchor.y1 - 1 and line.over(anchor)]


def _date_line(pages: list[list[Line]]) -> list[PrintedDeviation]:
    first = pages[0] if pages else []
    top = [line for line in first if line.y0 < 300]  # the header, above the type name and the body
    if any(DATE_LINE.search(line.text) for line in top):
        return []
    if any(DATE_START.search(line.text) for line in top):
        return [PrintedDeviation("date_line_wrapped", "date_line", "Dòng địa danh, ngày tháng năm bị xuống dòng; "
                                 "phải nằm trên một dòng dưới tiêu đề \"ĐẢNG CỘNG SẢN VIỆT NAM\".")]
    return []


def _anchors(pages: list[list[Line]], labels: tuple[str, ...]) -> list[Line]:
    return [line for page in pages for line in page if AUTHORITY.match(line.text) or line.text in labels]


def _signatures(pages: list[list[Line]], profile: RuleProfile) -> list[PrintedDeviation]:
    """Each signature block — authority (or minutes label), title, name — on one page."""
    found = []
    labels = tuple(profile.minutes_signatures.values())
    for anchor in _anchors(pages, labels):
        needed = 1 if anchor.text in labels else 2  # minutes: label then name; others: authority, title, name
        if len(_below(anchor, pages[anchor.page - 1])) < needed and anchor.page < len(pages):
            found.append(PrintedDeviation("signature_split", "signature",
                                          f"Khối chữ ký \"{anchor.text}\" bị tách: chức danh hoặc họ tên người ký "
                                          f"sang trang {anchor.page + 1}."))
    last = pages[-1] if pages else []
    if len(pages) > 1 and last and len(last) <= 2 and not _anchors([last], labels):
        found.append(PrintedDeviation("orphaned_name", "signature",
                                      f"Trang {len(pages)} chỉ còn \"{last[-1].text}\" của khối chữ ký; "
                                      "họ tên người ký không được đứng một mình trên một trang."))
    return found


def _recipients(pages: list[list[Line]], profile: RuleProfile) -> list[PrintedDeviation]:
    label = profile.recipients.label.rstrip(":")
    starts = [line for page in pages for line in page if line.text.rstrip(":") == label]
    ends = [line for page in pages for line in page if line.text.startswith("- Lưu")]
    if starts and ends and starts[-1].page != ends[-1].page:
        return [PrintedDeviation("recipients_split", "recipients",
                                 f"Khối \"{profile.recipients.label}\" bị tách qua trang {starts[-1].page} và "
                                 f"{ends[-1].page}.")]
    return []


def check_pdf(pdf: bytes, profile: RuleProfile) -> list[PrintedDeviation]:
    """Every deviation the printed pages show (empty when there is none)."""
    pages = pdf_lines(pdf)
    return _date_line(pages) + _signatures(pages, profile) + _recipients(pages, profile)
