"""A member's dossier (hồ sơ đảng viên) as one navigable PDF, and the sealed transfer package.

The dossier holds every document and record about the member that the caller may see, ordered by
stage (admission, recognition, yearly reviews, transfers, other) then date. A signed copy in the
archive stands in for the generated document it belongs to. It opens with a cover (facts from the record,
with any disagreement with the papers inside said on it), a table of contents and the list of the papers
the rules require by stage, present or missing; every page carries its dossier page number, the one the
contents give, and every part has a bookmark.

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
from dataclasses import dataclass, replace
from pathlib import Path

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from docservice.archive.assembly import ReadyPart, ready_parts
from docservice.archive.blobs import BlobStore
from docservice.db import Catalogue
from docservice.db.models import Clearance, Document, Member, Organization, Record
from docservice.errors import Forbidden, NotFound
from docservice.generation.dossier_checklist import (
    STATUS_WORDS,
    CoverFact,
    Group,
    checklist,
    cover_facts,
    match_items,
    stage_of,
)
from docservice.rules import RuleBook, RuleProfile
from docservice.sandbox import Sandbox
from docservice.security import policy
from docservice.security.audit import append_event, audit_reads
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
    template: str | None = None  # the template of the generated paper (or of the one a record is the copy of)
    dossier_item: str | None = None  # the checklist item an archivist marked the record as

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


def dossier_parts(session: Session, member: Member, principal: policy.Principal,
                  profile: RuleProfile | None = None) -> list[Part]:
    """What the caller may see of the member's papers, in dossier order; a paper the checklist recognises
    and nobody filed under a stage goes to its checklist stage."""
    records = list(session.scalars(policy.visible(Record, principal).where(
        Record.member_id == member.id, or_(Record.superseded.is_(False), Record.superseded.is_(None)))))
    signed = {r.document_id for r in records if r.document_id}
    documents = [d for d in session.scalars(policy.visible(Document, principal).where(Document.member_id == member.id))
                 if d.id not in signed]
    parts = [Part(TEMPLATE_STAGES.get(d.template, "khac"), d.title, d.number, d.date, d.pdf_sha256, "document", d.id,
                  d.confidentiality, template=d.template) for d in documents]
    for r in records:
        template = _record_template(r, session)
        parts.append(Part(r.stage or TEMPLATE_STAGES.get(template or "", "khac"), r.title, r.number, r.date, r.sha256,
                          "record", r.id, r.confidentiality, template=template, dossier_item=r.dossier_item))
    if profile is not None:
        parts = [replace(part, stage=stage_of(item, profile)) if item is not None and part.stage == "khac" else part
                 for part, item in zip(parts, match_items(parts, profile), strict=True)]
    order = list(STAGES)
    return sorted(parts, key=lambda p: (order.index(p.stage), p.date, p.source, p.source_id))


def _record_template(record: Record, session: Session) -> str | None:
    document = session.get(Document, record.document_id) if record.document_id else None
    return document.template if document else None


def _papers_of(session: Session, parts: list[Part], principal: policy.Principal) -> list[Document]:
    """The generated documents behind the parts (a signed copy's document too) that the caller may see."""
    ids = {p.source_id for p in parts if p.source == "document"}
    ids |= {r.document_id for r in session.scalars(select(Record).where(
        Record.id.in_([p.source_id for p in parts if p.source == "record"]))) if r.document_id}
    return list(session.scalars(policy.visible(Document, principal).where(Document.id.in_(ids)))) if ids else []


def dossier_front(session: Session, member: Member, parts: list[Part], principal: policy.Principal,
                  profile: RuleProfile) -> DossierFront:
    org = session.get(Organization, member.organization_id)
    facts, disagreements = cover_facts(member, org.name if org else "", _papers_of(session, parts, principal))
    return DossierFront(facts, disagreements, checklist(parts, member, profile))


@dataclass(frozen=True)
class OpenedDossier:
    member: Member
    organization: Organization
    parts: list[Part]
    front: DossierFront


def open_dossier(catalogue: Catalogue, rules: RuleBook, principal: policy.Principal, member_id: int,
                 action: str, remote_addr: str | None = None) -> OpenedDossier:
    """A member's dossier as the caller may see it — clearance mật required (the dossier is confidential),
    the opening and every confidential paper in it audited. The API and the pages open it here."""
    policy.require(principal, "member.read")
    if principal.clearance < Clearance.mat:
        raise Forbidden("Hồ sơ đảng viên là tài liệu mật: cần mức xem Mật trở lên.")
    profile = rules.for_date(dt.date.today())
    with catalogue.session() as session:
        member = policy.get_member(session, member_id, principal)
        org = session.get(Organization, member.organization_id)
        parts = dossier_parts(session, member, principal, profile)
        front = dossier_front(session, member, parts, principal, profile)
        append_event(session, username=principal.username, action=action, object_type="member",
                     object_id=member.id, remote_addr=remote_addr)
    audit_reads(catalogue, principal, f"{action}.read",
                [(p.source, p.source_id, p.confidentiality) for p in parts], detail=f"member={member.id}")
    return OpenedDossier(member, org, parts, front)


@dataclass(frozen=True)
class DossierFront:
    """What the dossier says before its papers: the cover's facts, disagreements, the checklist."""

    facts: list[CoverFact]
    disagreements: list[str]
    groups: list[Group]


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


def _cover(sheet: _Sheet, front: DossierFront, generated_on: dt.date) -> None:
    sheet.add_page()
    sheet.line_text("ĐẢNG CỘNG SẢN VIỆT NAM", 15, "B", after=10)
    sheet.line_text("MẬT", 14, "B", after=30)
    sheet.line_text("HỒ SƠ ĐẢNG VIÊN", 22, "B", after=16)
    for fact in front.facts:
        sheet.line_text(f"{fact.label}: {fact.value}", 14, align="L", after=3)
    if front.disagreements:
        sheet.ln(4)
        sheet.line_text("Thông tin chưa khớp giữa hồ sơ và văn bản:", 12, "B", align="L", after=1)
        for line in front.disagreements:
            sheet.line_text(f"- {line}", 12, align="L", after=1)
    sheet.ln(16)
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


def _checklist(sheet: _Sheet, groups: list[Group], first_pages: list[int]) -> None:
    """The papers the rules require, stage by stage: present (where), missing, optional, not due yet."""
    sheet.add_page()
    sheet.line_text("DANH MỤC GIẤY TỜ THEO QUY ĐỊNH", 16, "B", after=1)
    sheet.line_text("(Hướng dẫn 12-HD/BTCTW, mục II.1.1; chỉ tính văn bản bạn được phép xem)", 11, "I", after=5)
    for group in groups:
        sheet.line_text(f"{group.part}) {group.label}".upper(), 13, "B", align="L", after=2)
        for line in group.lines:
            where = ", ".join(f"trang {first_pages[i]}" for i in line.papers)
            status = f"{STATUS_WORDS[line.status]} ({where})" if line.papers else STATUS_WORDS[line.status]
            sheet.set_font("serif", "B" if line.status == "missing" else "", 12)
            sheet.multi_cell(0, 6, f"- {line.label}: {status}", new_x="LMARGIN", new_y="NEXT")
        sheet.ln(2)


def _front(front: DossierFront, parts: list[Part], counts: list[int], generated_on: dt.date) -> tuple[bytes, int]:
    """Cover, contents and checklist; their own length moves every page number, so they are laid out
    again until it stops changing."""
    front_pages = 3
    while True:
        starts, page = [], front_pages + 1
        for count in counts:
            starts.append(page)
            page += count
        sheet = _Sheet()
        _cover(sheet, front, generated_on)
        _contents(sheet, parts, starts)
        checklist_page = sheet.pages_count  # the index (from 0) of the checklist's first page
        if front.groups:
            _checklist(sheet, front.groups, starts)
        if sheet.pages_count == front_pages:
            return bytes(sheet.output()), checklist_page
        front_pages = sheet.pages_count


def _stamp(page_width: float, page_height: float, number: int) -> PdfReader:
    """An overlay with the dossier's page number in the top right corner (clear of a paper's own centred
    page number)."""
    sheet = FPDF(unit="pt", format=(page_width, page_height))
    sheet.add_font("serif", "", str(FONT_DIR / "LiberationSerif-Regular.ttf"))
    sheet.set_auto_page_break(False)
    sheet.add_page()
    sheet.set_font("serif", "", 10)
    sheet.set_xy(page_width - 150, 14)
    sheet.cell(130, 12, f"Hồ sơ - trang {number}", align="R")
    return PdfReader(io.BytesIO(bytes(sheet.output())))


def _number_pages(writer: PdfWriter) -> None:
    for index, page in enumerate(writer.pages, start=1):
        box = page.mediabox
        page.merge_translated_page(_stamp(float(box.width), float(box.height), index).pages[0],
                                   float(box.left), float(box.bottom))


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


def build_dossier(member: Member, front_matter: DossierFront, parts: list[Part], blobs: BlobStore, *,
                  generated_on: dt.date, sandbox: Sandbox | None = None) -> bytes:
    """The merged dossier PDF with contents, checklist, bookmarks and page numbers; each paper's file read
    under the ``sandbox``'s limits, and one that cannot be is a stand-in page."""
    ready = ready_parts([_stored(blobs, part.sha256) for part in parts], sandbox=sandbox, what="Văn bản trong hồ sơ")
    readers = [PdfReader(io.BytesIO(r.pdf if isinstance(r, ReadyPart) else _stand_in(part)))
               for r, part in zip(ready, parts, strict=True)]
    counts = [len(r.pages) for r in readers]
    laid_out, checklist_page = _front(front_matter, parts, counts, generated_on)
    front = PdfReader(io.BytesIO(laid_out))
    writer = PdfWriter()
    writer.append(front)
    writer.add_outline_item(title="Bìa hồ sơ", page_number=0)
    writer.add_outline_item(title="Mục lục", page_number=1)
    if front_matter.groups:
        writer.add_outline_item(title="Danh mục giấy tờ theo quy định", page_number=checklist_page)
    stage_marks: dict[str, object] = {}
    for part, reader in zip(parts, readers, strict=True):
        start = len(writer.pages)
        writer.append(reader)
        if part.stage not in stage_marks:
            stage_marks[part.stage] = writer.add_outline_item(title=STAGES[part.stage], page_number=start)
        writer.add_outline_item(title=part.label, page_number=start, parent=stage_marks[part.stage])
    _number_pages(writer)
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
