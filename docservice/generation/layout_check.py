"""Check a .docx against the rule profile of its own date (``docservice check-layout``), and — converted
to PDF — what its printed pages show (``pdf_layout``: a wrapped date line, a split signature block).

The checker reads the document's structure as the party format lays it out (Hướng dẫn 36-HD/VPTW):
a header table (issuer, "*", number left; "ĐẢNG CỘNG SẢN VIỆT NAM" and the place-and-date line
right), the type name and summary, the body, and a signature table ("Nơi nhận" left, authority,
title and name right; minutes: minute-taker left, chair right). It finds the date in the date line,
takes the profile in force on that date and names every deviation from it: texts, number and
date patterns, fonts and sizes per element, margins, paper and page numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from docservice.errors import DocserviceError, PayloadTooLarge, ValidationFailed
from docservice.generation.convert import PdfConverter
from docservice.generation.pdf_layout import check_pdf
from docservice.rules import RuleBook, RuleProfile
from docservice.sandbox import Sandbox

# a paper issued by a party organisation or its committee (collegial: signed T/M, a deputy too), not by an
# advisory body (ban, văn phòng) where a deputy signs K/T
COLLEGIAL_ISSUER_RE = re.compile(r"^(CHI BỘ|CHI ỦY|ĐẢNG BỘ|ĐẢNG ỦY|BAN THƯỜNG VỤ|BAN CHẤP HÀNH|ỦY BAN KIỂM TRA"
                                 r"|(TỈNH|THÀNH|HUYỆN|QUẬN|THỊ) ỦY)\b")
NUMBER_RE = re.compile(r"^Số(?P<colon>\s*:)?\s*(?P<seq>\d+)\s*-\s*(?P<type>[^\s/]+)\s*/\s*(?P<issuer>\S+)$")
DATE_RE = re.compile(r"^(?P<place>[^,]+),\s*ngày (?P<d>\d{1,2}) tháng (?P<m>\d{1,2}) năm (?P<y>\d{4})$")
AUTHORITY_RE = re.compile(r"^(?P<notation>[A-ZĐ]{1,3}[./](?:[A-ZĐ]{1,2})?)\s+\S")
TOLERANCE_MM = 1.0
BODY_SIZES = (14.0, 15.0)


@dataclass(frozen=True)
class Deviation:
    code: str
    element: str
    message: str


@dataclass
class LayoutReport:
    profile: str | None = None
    date: dt.date | None = None
    number: str | None = None
    deviations: list[Deviation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.deviations

    def add(self, code: str, element: str, message: str) -> None:
        self.deviations.append(Deviation(code, element, message))


# effective run properties ----------------------------------------------------------------------------
class _Styles:
    """Resolves a run's effective font, size, bold and italic through styles and document defaults."""

    def __init__(self, document: DocxDocument) -> None:
        defaults = document.styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None and defaults.find(
            qn("w:rPrDefault")) is not None else None
        self.default_size = _half_points(rpr)
        self.default_font = _ascii_font(rpr)

    def _chain(self, paragraph: Paragraph) -> Iterable[Any]:
        style, seen = paragraph.style, set()
        while style is not None and style.style_id not in seen:  # a style based on itself ends the chain
            seen.add(style.style_id)
            yield style
            style = style.base_style

    def size(self, run: Any, paragraph: Paragraph) -> float | None:
        if run.font.size is not None:
            return run.font.size.pt
        for style in self._chain(paragraph):
            if style.font.size is not None:
                return style.font.size.pt
        return self.default_size

    def font(self, run: Any, paragraph: Paragraph) -> str | None:
        if run.font.name:
            return run.font.name
        for style in self._chain(paragraph):
            if style.font.name:
                return style.font.name
        return self.default_font

    def flag(self, run: Any, paragraph: Paragraph, name: str) -> bool:
        value = getattr(run, name)
        if value is not None:
            return value
        for style in self._chain(paragraph):
            style_value = getattr(style.font, name)
            if style_value is not None:
                return style_value
        return False


def _half_points(rpr: Any) -> float | None:
    size = rpr.find(qn("w:sz")) if rpr is not None else None
    return int(size.get(qn("w:val"))) / 2 if size is not None else None


def _ascii_font(rpr: Any) -> str | None:
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:ascii")) if fonts is not None else None


@dataclass(frozen=True)
class _Look:
    text: str
    size: float | None
    bold: bool
    italic: bool
    underline: bool
    fonts: frozenset[str]


def _look(paragraph: Paragraph, styles: _Styles) -> _Look:
    runs = [r for r in paragraph.runs if r.text.strip()]
    sizes = {styles.size(r, paragraph) for r in runs}
    return _Look(
        text=paragraph.text.strip(), size=sizes.pop() if len(sizes) == 1 else None,
        bold=bool(runs) and all(styles.flag(r, paragraph, "bold") for r in runs),
        italic=bool(runs) and all(styles.flag(r, paragraph, "italic") for r in runs),
        underline=(bool(runs) and all(bool(r.underline) for r in runs)) or _bottom_border(paragraph),
        fonts=frozenset(f for f in (styles.font(r, paragraph) for r in runs) if f),
    )


def _bottom_border(paragraph: Paragraph) -> bool:
    ppr = paragraph._p.pPr
    borders = ppr.find(qn("w:pBdr")) if ppr is not None else None
    return borders is not None and borders.find(qn("w:bottom")) is not None


def _texts(paragraphs: Iterable[Paragraph], styles: _Styles) -> list[_Look]:
    return [look for look in (_look(p, styles) for p in paragraphs) if look.text]


# element checks ------------------------------------------------------------------------------------------
class _Checker:
    def __init__(self, document: DocxDocument, rules: RuleBook) -> None:
        self.document = document
        self.rules = rules
        self.styles = _Styles(document)
        self.report = LayoutReport()
        self.profile: RuleProfile = rules.current()
        self.issuer = ""  # the issuing body as its header prints it

    def font(self, look: _Look, element: str, key: str, *, sizes: tuple[float, ...] | None = None) -> None:
        spec = self.profile.fonts[key]
        wanted = sizes or (spec.size,)
        if look.size is None or not any(abs(look.size - s) < 0.01 for s in wanted):
            found = "nhiều cỡ chữ" if look.size is None else f"{look.size:g} pt"
            allowed = "–".join(f"{s:g}" for s in wanted)
            self.report.add("font_size", element, f"{element}: cỡ chữ {found}, quy định {allowed} pt.")
        if spec.bold != look.bold:
            self.report.add("font_bold", element, f"{element}: {'phải' if spec.bold else 'không'} in đậm.")
        if spec.italic != look.italic:
            self.report.add("font_italic", element, f"{element}: {'phải' if spec.italic else 'không'} in nghiêng.")

    # header ----------------------------------------------------------------------------------------------
    def header(self, table: Table | None) -> None:
        if table is None or len(table.columns) < 2:
            self.report.add("header_missing", "Tiêu đề", "Thiếu bảng tiêu đề hai cột (cơ quan ban hành bên trái, "
                            "\"ĐẢNG CỘNG SẢN VIỆT NAM\" bên phải).")
            return
        row = table.rows[0].cells
        right = _texts(row[-1].paragraphs, self.styles)
        self.date_line(right)
        self.party_title(right)
        self.issuer_block(_texts(row[0].paragraphs, self.styles))

    def party_title(self, right: list[_Look]) -> None:
        title = next((look for look in right if look.text == self.profile.header_title), None)
        if title is None:
            self.report.add("party_title", "Tiêu đề", f"Thiếu tiêu đề \"{self.profile.header_title}\" ở góc phải.")
            return
        self.font(title, "Tiêu đề \"ĐẢNG CỘNG SẢN VIỆT NAM\"", "header_title")
        if not title.underline:
            self.report.add("party_title_rule", "Tiêu đề", "Thiếu đường kẻ ngang dưới tiêu đề.")

    def date_line(self, right: list[_Look]) -> None:
        for look in right:
            match = DATE_RE.match(look.text)
            if match:
                self._date(look, match)
                return
        self.report.add("date_line", "Địa danh, ngày tháng", "Không thấy dòng \"Địa danh, ngày … tháng … năm …\" "
                        "dưới tiêu đề.")

    def _date(self, look: _Look, match: re.Match[str]) -> None:
        try:
            day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            self.report.add("date_invalid", "Địa danh, ngày tháng", f"Ngày không có thật: \"{look.text}\".")
            return
        self.profile = self.rules.for_date(day)
        self.report.date, self.report.profile = day, self.profile.key
        expected = self.profile.place_date_line(match["place"], day)
        if look.text != expected:
            self.report.add("date_zeros", "Địa danh, ngày tháng",
                            f"Viết ngày tháng chưa đúng số 0 đứng trước: \"{look.text}\", đúng là \"{expected}\".")
        self.font(look, "Địa danh, ngày tháng", "date_line")

    def issuer_block(self, left: list[_Look]) -> None:
        star = next((i for i, look in enumerate(left) if look.text == self.profile.issuer_mark), None)
        if star is None:
            self.report.add("issuer_mark", "Tên cơ quan ban hành", "Thiếu dấu \"*\" dưới tên cơ quan ban hành.")
        elif star == 0:
            self.report.add("issuer_missing", "Tên cơ quan ban hành", "Thiếu tên cơ quan ban hành trên dấu \"*\".")
        else:
            self._names(left[:star])
        number = next((look for look in left if look.text.startswith("Số")), None)
        if number is None:
            self.report.add("number_missing", "Số, ký hiệu", "Thiếu số và ký hiệu văn bản (\"Số 05-NQ/CB\").")
        else:
            self.number(number)

    def _names(self, names: list[_Look]) -> None:
        issuer = names[-1]
        self.issuer = issuer.text
        if issuer.text != issuer.text.upper():
            self.report.add("issuer_case", "Tên cơ quan ban hành", "Tên cơ quan ban hành phải viết in hoa.")
        self.font(issuer, "Tên cơ quan ban hành", "issuer")
        if len(names) > 1:
            superior = names[-2]
            if superior.text != superior.text.upper():
                self.report.add("superior_case", "Tên cơ quan cấp trên", "Tên cơ quan cấp trên phải viết in hoa.")
            self.font(superior, "Tên cơ quan cấp trên", "superior")

    def number(self, look: _Look) -> None:
        match = NUMBER_RE.match(look.text)
        self.font(look, "Số, ký hiệu", "number")
        if match is None:
            self.report.add("number_pattern", "Số, ký hiệu",
                            f"Số, ký hiệu \"{look.text}\" không theo mẫu \"Số 05-NQ/CB\".")
            return
        self.report.number = f"{match['seq']}-{match['type']}/{match['issuer']}"
        if match["colon"]:
            self.report.add("number_colon", "Số, ký hiệu",
                            "Văn bản của Đảng viết \"Số 05-NQ/CB\", không có dấu hai chấm.")
        if len(match["seq"]) < self.profile.number.min_digits:
            self.report.add("number_zero", "Số, ký hiệu", f"Số thứ tự dưới 10 phải có số 0 đứng trước: "
                            f"\"{match['seq'].zfill(self.profile.number.min_digits)}\".")
        if match["type"] not in {t.abbreviation for t in self.profile.doc_types.values()}:
            self.report.add("number_type", "Số, ký hiệu", f"Chữ viết tắt loại văn bản \"{match['type']}\" không có "
                            "trong quy định.")

    def doc_type(self) -> str | None:
        """The type's key from the number's abbreviation (first match in the profile)."""
        abbreviation = (self.report.number or "-/").split("-", 1)[1].split("/")[0]
        return next((key for key, t in self.profile.doc_types.items() if t.abbreviation == abbreviation), None)

    # title and body ---------------------------------------------------------------------------------------
    def title_and_body(self, paragraphs: list[Paragraph], left_cell: list[_Look]) -> None:
        looks = _texts(paragraphs, self.styles)
        doc_type = self.doc_type()
        if doc_type == "cong_van":
            self._letter(looks, left_cell)
            return
        if doc_type is not None and looks:
            self._title(looks, doc_type)
            looks = looks[2:]
        self.body(looks)

    def _letter(self, looks: list[_Look], left_cell: list[_Look]) -> None:
        summary = next((look for look in left_cell if look.text.startswith("V/v")), None)
        if summary is None:
            self.report.add("letter_summary", "Trích yếu công văn", "Công văn phải có trích yếu \"V/v …\" dưới số, "
                            "ký hiệu.")
        else:
            self.font(summary, "Trích yếu công văn", "summary_cong_van")
        if looks and looks[0].text == self.profile.doc_types["cong_van"].name.upper():
            self.report.add("letter_type_name", "Tên loại", "Công văn không ghi tên loại văn bản.")
        self.body(looks[1:] if looks and looks[0].text.startswith("Kính gửi") else looks)

    def _title(self, looks: list[_Look], doc_type: str) -> None:
        name, summary = looks[0], looks[1] if len(looks) > 1 else None
        expected = self.profile.doc_types[doc_type].name.upper()
        if not name.text.startswith(expected):
            self.report.add("type_name", "Tên loại văn bản", f"Tên loại văn bản phải là \"{expected}\" (thấy "
                            f"\"{name.text[:40]}\").")
        self.font(name, "Tên loại văn bản", "doc_type_name", sizes=(15.0, 16.0))
        if summary is None:
            self.report.add("summary_missing", "Trích yếu", "Thiếu trích yếu nội dung dưới tên loại.")
        else:
            self.font(summary, "Trích yếu", "summary", sizes=(14.0, 15.0))

    def body(self, looks: list[_Look]) -> None:
        wrong = [look for look in looks if look.text != "-----" and (
            look.size is None or not BODY_SIZES[0] - 0.01 <= look.size <= BODY_SIZES[1] + 0.01)]
        if wrong:
            sample = wrong[0]
            self.report.add("body_size", "Nội dung", f"Cỡ chữ nội dung phải 14–15 pt: {len(wrong)} đoạn khác "
                            f"(ví dụ \"{sample.text[:40]}\", {sample.size or 'nhiều cỡ'} pt).")

    # signature --------------------------------------------------------------------------------------------
    def signature(self, table: Table | None) -> None:
        if table is None or len(table.columns) < 2:
            self.report.add("signature_missing", "Chữ ký", "Thiếu bảng chữ ký (nơi nhận bên trái, chữ ký bên phải).")
            return
        left, right = (_texts(c.paragraphs, self.styles) for c in table.rows[0].cells[:2])
        if self.doc_type() == "bien_ban":
            self._minutes_signature(left, right)
            return
        self._authority(right)
        self._recipients(left)

    def _minutes_signature(self, left: list[_Look], right: list[_Look]) -> None:
        labels = self.profile.minutes_signatures
        for side, looks, label in (("trái", left, labels["left"]), ("phải", right, labels["right"])):
            if not looks or looks[0].text != label:
                self.report.add("minutes_signature", "Chữ ký biên bản", f"Bên {side} phải là \"{label}\".")
            elif len(looks) < 2:
                self.report.add("signer_name", "Chữ ký biên bản", f"Thiếu họ tên dưới \"{label}\".")

    def _authority(self, right: list[_Look]) -> None:
        if len(right) < 3:
            self.report.add("signature_block", "Chữ ký", "Khối chữ ký cần: thẩm quyền (T/M …), chức vụ và họ tên.")
            return
        authority, title, name = right[0], right[1], right[-1]
        match = AUTHORITY_RE.match(authority.text)
        allowed = {v for v in self.profile.signature.values() if v}
        if match and match["notation"] not in allowed:
            self.report.add("authority_notation", "Thẩm quyền ký", f"\"{match['notation']}\" không dùng theo quy định "
                            f"này; dùng {', '.join(sorted(allowed))}.")
        elif match and match["notation"] == self.profile.signature.get("deputy") and (
                authority.text[match.end("notation"):].strip() in self.profile.collegial_names
                or COLLEGIAL_ISSUER_RE.match(self.issuer)):
            self.report.add("collegial_deputy", "Thẩm quyền ký", f"Tập thể lãnh đạo ký thay mặt "
                            f"({self.profile.signature['collegial']}), không ký thay ({match['notation']}): "
                            f"\"{authority.text}\" — phó bí thư ký \"{self.profile.signature['collegial']} …\" "
                            "với chức vụ PHÓ BÍ THƯ.")
        elif match is None and authority.text != authority.text.upper():
            self.report.add("authority_case", "Thẩm quyền ký", "Thẩm quyền, chức vụ người ký viết in hoa.")
        self.font(authority, "Thẩm quyền ký", "signature_authority")
        self.font(title, "Chức vụ người ký", "signature_title")
        self.font(name, "Họ tên người ký", "signature_name")

    def _recipients(self, left: list[_Look]) -> None:
        label = self.profile.recipients.label
        if not left or left[0].text != label:
            self.report.add("recipients_label", "Nơi nhận", f"Thiếu \"{label}\" ở góc trái dưới.")
            return
        self.font(left[0], "Nhãn \"Nơi nhận\"", "recipients_label")
        items = left[1:]
        archive = re.escape(self.profile.recipients.item_prefix) + r"Lưu\s+[^:\s]"
        if not items or not re.match(archive, items[-1].text):
            self.report.add("archive_line", "Nơi nhận", "Dòng cuối của \"Nơi nhận\" phải là \"- Lưu …\" (không dùng "
                            "\"Lưu: VT\" của văn bản nhà nước).")
        for item in items:
            if not item.text.startswith(self.profile.recipients.item_prefix):
                self.report.add("recipient_item", "Nơi nhận", f"Mỗi nơi nhận bắt đầu bằng \"-\": \"{item.text[:40]}\".")
            self.font(item, "Nơi nhận", "recipients_item")

    # page -------------------------------------------------------------------------------------------------
    def page(self) -> None:
        section = self.document.sections[0]
        if abs(section.page_width.mm - 210) > TOLERANCE_MM or abs(section.page_height.mm - 297) > TOLERANCE_MM:
            self.report.add("paper", "Khổ giấy", f"Khổ giấy {section.page_width.mm:.0f}×{section.page_height.mm:.0f} "
                            "mm, quy định A4 (210×297 mm).")
        names = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}
        for side, wanted in self.profile.margins_mm.items():
            found = getattr(section, f"{side}_margin").mm
            if abs(found - wanted) > TOLERANCE_MM:
                self.report.add("margin", "Lề trang", f"Lề {names[side]} {found:.0f} mm, quy định {wanted:g} mm.")
        if not section.different_first_page_header_footer or not _has_page_field(section.header):
            self.report.add("page_numbers", "Số trang", "Số trang đánh từ trang 2, giữa lề trên; trang 1 không "
                            "đánh số.")

    def fonts(self, paragraphs: Iterable[Paragraph]) -> None:
        others = set()
        for paragraph in paragraphs:
            others |= _look(paragraph, self.styles).fonts - {self.profile.font_family}
        if others:
            self.report.add("font_family", "Phông chữ", f"Phông chữ phải là {self.profile.font_family} (thấy: "
                            f"{', '.join(sorted(others))}).")


def _has_page_field(header: Any) -> bool:
    xml = header._element.xml if header is not None and not header.is_linked_to_previous else ""
    return "PAGE" in xml


def _all_paragraphs(document: DocxDocument) -> Iterable[Paragraph]:
    yield from document.paragraphs
    for table in document.tables:
        for cell in table.rows[0].cells:
            yield from cell.paragraphs


MAX_ENTRIES = 500
MAX_UNPACKED = 50 * 1024 * 1024
MAX_RATIO = 200
MAX_PARAGRAPHS = 2000  # a party document has a few hundred; the check takes about 4 ms a paragraph here


def document_xml(data: bytes) -> bytes:
    """The body part of a .docx, read only after its zip shows it can be unpacked safely: ``PayloadTooLarge``
    for a zip bomb or more paragraphs than any party document has, ``ValidationFailed`` for no .docx."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            total = sum(i.file_size for i in infos)
            if len(infos) > MAX_ENTRIES or total > MAX_UNPACKED or total / max(1, len(data)) > MAX_RATIO:
                raise PayloadTooLarge("Tệp .docx giải nén ra quá lớn hoặc có quá nhiều phần; không kiểm tra.")
            body = archive.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, zlib.error) as exc:
        raise ValidationFailed("Tệp không phải là văn bản Word (.docx) đọc được.",
                               errors={"file": "Không đọc được tệp .docx."}) from exc
    if body.count(b"<w:p>") + body.count(b"<w:p ") > MAX_PARAGRAPHS:
        raise PayloadTooLarge(f"Văn bản có hơn {MAX_PARAGRAPHS} đoạn; không kiểm tra thể thức được.")
    return body


def check_uploaded(data: bytes, rules: RuleBook, sandbox: Sandbox, converter: PdfConverter | None = None
                   ) -> LayoutReport:
    """``check_layout`` of an uploaded file: sizes checked here, the check itself under the sandbox's limits;
    with a ``converter``, the printed pages too (``add_printed``)."""
    document_xml(data)
    report = sandbox.run(check_layout, data, rules, what="Văn bản Word")
    if converter is not None:
        try:
            pdf = converter.convert(data)
        except DocserviceError:
            report.add("not_printed", "pdf", "Không chuyển được văn bản sang PDF để kiểm tra các trang in.")
        else:
            add_printed(report, pdf, rules)
    return report


def add_printed(report: LayoutReport, pdf: bytes, rules: RuleBook) -> LayoutReport:
    """Add what only the printed pages show (``pdf_layout``), by the profile of the document's date."""
    profile = rules.for_date(report.date) if report.date else rules.current()
    try:
        printed = check_pdf(pdf, profile)
    except OSError:
        report.add("not_printed", "pdf", "Không đọc được các trang PDF để kiểm tra.")
        return report
    for deviation in printed:
        report.add(deviation.code, deviation.element, deviation.message)
    return report


def _open(data: bytes) -> DocxDocument:
    try:
        return Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ValidationFailed("Tệp không phải là văn bản Word (.docx) đọc được.",
                               errors={"file": "Không đọc được tệp .docx."}) from exc


def check_layout(data: bytes, rules: RuleBook) -> LayoutReport:
    """Every deviation of the .docx in ``data`` from the profile in force on its date."""
    document = _open(data)
    checker = _Checker(document, rules)
    tables = document.tables
    checker.header(tables[0] if tables else None)
    left_cell = _texts(tables[0].rows[0].cells[0].paragraphs, checker.styles) if tables else []
    checker.title_and_body(document.paragraphs, left_cell)
    checker.signature(tables[-1] if len(tables) > 1 else None)
    checker.page()
    checker.fonts(_all_paragraphs(document))
    return checker.report
