"""A member's dossier (hồ sơ đảng viên) as one navigable PDF, and the sealed transfer package.

The dossier holds every document and record about the member that the caller may see, ordered by
stage (admission, recognition, yearly reviews, transfers, other) then date. A signed copy in the
archive stands in for the generated document it belongs to. It opens with a cover and a table of
contents whose page numbers are the pages of the merged file, and every part has a bookmark.

The transfer package (chuyển sinh hoạt) is a zip of the same PDFs, byte for byte, with
``manifest.json`` listing each file's SHA-256 and ``manifest.sha256`` holding the manifest's own hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from sqlalchemy import or_
from sqlalchemy.orm import Session

from docservice.archive.assembly import ReadyPart, ready_parts
from docservice.archive.blobs import BlobStore
from docservice.db.models import Clearance, Document, Member, Organization, Record
from docservice.errors import NotFound
from docservice.sandbox import Sandbox
from docservice.security import policy
from docservice.text import fold

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
STAGES = {
    "ket_nap": "Kết nạp vào Đảng",
    "cong_nhan": "Công nhận đảng viên chính thức",
    "danh_gia_hang_nam": "Kiểm điểm, đánh giá hằng năm",
    "chuyen_sinh_hoat": "Chuyển sinh hoạt đảng",
    "khac": "Tài liệu khác",
}
TEMPLATE_STAGES = {
    "nghi-quyet-de-nghi-ket-nap": "ket_nap", "quyet-dinh-ket-nap": "ket_nap",
    "nghi-quyet-cong-nhan-chinh-thuc": "cong_nhan", "quyet-dinh-cong-nhan-chinh-thuc": "cong_nhan",
    "giay-gioi-thieu-sinh-hoat-dang": "chuyen_sinh_hoat",
}


@dataclass(frozen=True)
class Part:
    stage: str
    title: str
    number: str | None
    date: dt.date
    sha256: str
    source: str  # "document" | "record"
    source_id: int
    confidentiality: Clearance = Clearance.thuong

    @property
    def label(self) -> str:
        number = f"Số {self.number}, " if self.number else ""
        return f"{self.title} ({number}ngày {self.date:%d/%m/%Y})"

    @property
    def file_name(self) -> str:
        """A name safe in any zip reader and unique in the package: stage, date, the number in plain letters
        (no "/", "\\", ".." or marks), and the paper's own id."""
        number = re.sub(r"[^a-z0-9]+", "-", fold(self.number or "").lower()).strip("-")[:40]
        kind = "vb" if self.source == "document" else "hs"
        parts = [f"{list(STAGES).index(self.stage) + 1:02d}", self.stage, f"{self.date:%Y%m%d}", number,
                 f"{kind}{self.source_id}"]
        return "-".join(part for part in parts if part) + ".pdf"


def dossier_parts(session: Session, member: Member, principal: policy.Principal) -> list[Part]:
    """What the caller may see of the member's papers, in dossier order."""
    records = list(session.scalars(policy.visible(Record, principal).where(
        Record.member_id == member.id, or_(Record.superseded.is_(False), Record.superseded.is_(None)))))
    signed = {r.document_id for r in records if r.document_id}
    documents = [d for d in session.scalars(policy.visible(Document, principal).where(Document.member_id == member.id))
                 if d.id not in signed]
    parts = [Part(TEMPLATE_STAGES.get(d.template, "khac"), d.title, d.number, d.date, d.pdf_sha256, "document", d.id,
                  d.confidentiality) for d in documents]
    parts += [Part(r.stage or _record_stage(r, session), r.title, r.number, r.date, r.sha256, "record", r.id,
                   r.confidentiality) for r in records]
    order = list(STAGES)
    return sorted(parts, key=lambda p: (order.index(p.stage), p.date, p.source, p.source_id))


def _record_stage(record: Record, session: Session) -> str:
    document = session.get(Document, record.document_id) if record.document_id else None
    return TEMPLATE_STAGES.get(document.template, "khac") if document else "khac"


class _Sheet(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.add_font("serif", "", str(FONT_DIR / "LiberationSerif-Regular.ttf"))
        self.add_font("serif", "B", str(FONT_DIR / "LiberationSerif-Bold.ttf"))
        self.add_font("serif", "I", str(FONT_DIR / "LiberationSerif-Italic.ttf"))
        self.set_margins(30, 20, 15)
        self.set_auto_page_break(True, margin=20)

    def line_text(self, text: str, size: float = 14, style: str = "", align: str = "C", after: float = 2) -> None:
        self.set_font("serif", style, size)
        self.multi_cell(0, size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")
        self.ln(after)


def _cover(sheet: _Sheet, member: Member, org: Organization, generated_on: dt.date) -> None:
    sheet.add_page()
    sheet.line_text("ĐẢNG CỘNG SẢN VIỆT NAM", 15, "B", after=10)
    sheet.line_text("MẬT", 14, "B", after=30)
    sheet.line_text("HỒ SƠ ĐẢNG VIÊN", 22, "B", after=16)
    rows = [("Họ và tên", member.full_name),
            ("Ngày sinh", f"{member.birth_date:%d/%m/%Y}" if member.birth_date else "—"),
            ("Số thẻ đảng viên", member.card_number or "chưa cấp"),
            ("Ngày vào Đảng", f"{member.admitted_on:%d/%m/%Y}" if member.admitted_on else "—"),
            ("Ngày chính thức", f"{member.official_on:%d/%m/%Y}" if member.official_on else "—"),
            ("Sinh hoạt tại", org.name)]
    for label, value in rows:
        sheet.line_text(f"{label}: {value}", 14, align="L", after=3)
    sheet.ln(20)
    sheet.line_text(f"Lập ngày {generated_on:%d/%m/%Y} từ kho lưu trữ docservice", 12, "I")


def _contents(sheet: _Sheet, parts: list[Part], first_pages: list[int]) -> None:
    sheet.add_page()
    sheet.line_text("MỤC LỤC", 16, "B", after=6)
    current = None
    for index, (part, page) in enumerate(zip(parts, first_pages, strict=True), start=1):
        if part.stage != current:
            current = part.stage
            sheet.line_text(STAGES[current].upper(), 13, "B", align="L", after=2)
        sheet.set_font("serif", "", 12)
        sheet.multi_cell(150, 6, f"{index}. {part.label}", new_x="LMARGIN", new_y="NEXT")
        last_line = sheet.get_y() - 6  # the page number stands at the end of the entry's last line
        sheet.set_xy(sheet.w - sheet.r_margin - 15, last_line)
        sheet.cell(15, 6, str(page), align="R", new_x="LMARGIN", new_y="NEXT")
        sheet.ln(1)
    if not parts:
        sheet.line_text("Chưa có văn bản nào trong hồ sơ mà bạn được phép xem.", 12, "I", align="L")


def _front(member: Member, org: Organization, parts: list[Part], counts: list[int], generated_on: dt.date) -> bytes:
    """Cover and contents; the contents' own length moves every page number, so it is laid out again
    until it stops changing."""
    front_pages = 2
    while True:
        starts, page = [], front_pages + 1
        for count in counts:
            starts.append(page)
            page += count
        sheet = _Sheet()
        _cover(sheet, member, org, generated_on)
        _contents(sheet, parts, starts)
        if sheet.pages_count == front_pages:
            return bytes(sheet.output())
        front_pages = sheet.pages_count


def _stand_in(part: Part) -> bytes:
    """A page standing in for a paper whose file cannot be read within limits, so the dossier is still made."""
    sheet = _Sheet()
    sheet.add_page()
    sheet.ln(80)
    sheet.line_text(part.label, 13, "B", after=6)
    sheet.line_text("Không đọc được tệp của văn bản này; xem bản lưu trữ.", 13, "I")
    return bytes(sheet.output())


def _stored(blobs: BlobStore, digest: str) -> bytes:
    try:
        with blobs.open(digest) as handle:
            return handle.read()
    except (NotFound, OSError):  # a missing file: a stand-in page takes its place
        return b""


def build_dossier(member: Member, org: Organization, parts: list[Part], blobs: BlobStore, *,
                  generated_on: dt.date, sandbox: Sandbox | None = None) -> bytes:
    """The merged dossier PDF with contents and bookmarks; each paper's file read under the ``sandbox``'s
    limits, and one that cannot be is a stand-in page."""
    ready = ready_parts([_stored(blobs, part.sha256) for part in parts], sandbox=sandbox, what="Văn bản trong hồ sơ")
    readers = [PdfReader(io.BytesIO(r.pdf if isinstance(r, ReadyPart) else _stand_in(part)))
               for r, part in zip(ready, parts, strict=True)]
    counts = [len(r.pages) for r in readers]
    front = PdfReader(io.BytesIO(_front(member, org, parts, counts, generated_on)))
    writer = PdfWriter()
    writer.append(front)
    writer.add_outline_item(title="Bìa hồ sơ", page_number=0)
    writer.add_outline_item(title="Mục lục", page_number=1)
    stage_marks: dict[str, object] = {}
    for part, reader in zip(parts, readers, strict=True):
        start = len(writer.pages)
        writer.append(reader)
        if part.stage not in stage_marks:
            stage_marks[part.stage] = writer.add_outline_item(title=STAGES[part.stage], page_number=start)
        writer.add_outline_item(title=part.label, page_number=start, parent=stage_marks[part.stage])
    writer.add_metadata({"/Title": f"Hồ sơ đảng viên {member.full_name}", "/Subject": "MẬT"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def transfer_package(member: Member, org: Organization, parts: list[Part], blobs: BlobStore, *,
                     generated_on: dt.date) -> bytes:
    """Zip of the member's PDFs byte for byte, a manifest of their SHA-256 sums, and the manifest's hash."""
    files, out = [], io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for part in parts:
            with blobs.open(part.sha256) as handle:
                data = handle.read()
            archive.writestr(part.file_name, data)
            files.append({"file": part.file_name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                          "title": part.title, "number": part.number, "date": part.date.isoformat(),
                          "stage": part.stage})
        manifest = json.dumps({
            "member": {"id": member.id, "full_name": member.full_name, "card_number": member.card_number,
                       "birth_date": member.birth_date.isoformat() if member.birth_date else None},
            "organization": org.name, "generated_on": generated_on.isoformat(), "files": files,
        }, ensure_ascii=False, indent=2).encode("utf-8")
        archive.writestr("manifest.json", manifest)
        archive.writestr("manifest.sha256", f"{hashlib.sha256(manifest).hexdigest()}  manifest.json\n")
    return out.getvalue()
