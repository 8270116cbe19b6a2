"""Fixtures the tests build themselves: Vietnamese PDFs, organisations, users."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import text

from docservice.db.models import Clearance, Member, MemberStatus, OrgKind, Position, Role, Temporary, User
from docservice.registry.organizations import add_term, create_organization
from docservice.security.passwords import hash_password

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
SERIF = FONT_DIR / "LiberationSerif-Regular.ttf"
PASSWORD = "MatKhau2026test"


def text_pdf(*pages: str) -> bytes:
    """A PDF with a real text layer, one page per argument (Liberation Serif, Vietnamese)."""
    pdf = FPDF()
    pdf.add_font("serif", "", str(SERIF))
    pdf.set_font("serif", size=13)
    for page in pages:
        pdf.add_page()
        pdf.multi_cell(0, 7, page)
    return bytes(pdf.output())


def scanned_pdf(text: str) -> bytes:
    """A PDF whose only page is a 300 dpi picture of ``text`` (no text layer), like a scan."""
    image = Image.new("L", (2480, 3508), 255)  # A4 at 300 dpi
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(SERIF), 64)
    y = 150
    for line in text.splitlines():
        draw.text((180, y), line, font=font, fill=0)
        y += 100
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(buffer.getvalue()), x=0, y=0, w=210, h=297)
    return bytes(pdf.output())


@cache
def password_hash() -> str:
    """One scrypt hash of ``PASSWORD`` shared by every test user (scrypt is slow on purpose)."""
    return hash_password(PASSWORD)


@dataclass
class World:
    """A small đảng bộ xã with two chi bộ and users at different scopes and clearances."""

    root_id: int
    dong_id: int
    tay_id: int
    users: dict[str, str]  # username → role


def build_world(session) -> World:
    root = create_organization(session, code="dbx-tan-lap", kind=OrgKind.dang_bo_co_so,
                               name="Đảng bộ xã Tân Lập", header_name="Đảng ủy xã Tân Lập",
                               superior_name="Đảng bộ tỉnh Hà Sơn", place="Tân Lập")
    add_term(session, root, name="2025–2030", start=dt.date(2025, 7, 1))
    dong = create_organization(session, code="cb-thon-dong", kind=OrgKind.chi_bo, name="Chi bộ Thôn Đông",
                               parent=root, superior_name="Đảng bộ xã Tân Lập", place="Tân Lập")
    tay = create_organization(session, code="cb-thon-tay", kind=OrgKind.chi_bo, name="Chi bộ Thôn Tây",
                              parent=root, superior_name="Đảng bộ xã Tân Lập", place="Tân Lập")
    for org in (dong, tay):
        add_term(session, org, name="2020–2025", start=dt.date(2020, 1, 1), end=dt.date(2025, 6, 30))
        add_term(session, org, name="2025–2027", start=dt.date(2025, 7, 1))
    session.add_all([
        Member(organization_id=dong.id, full_name="Nguyễn Thị Hoà", status=MemberStatus.chinh_thuc,
               birth_date=dt.date(1970, 5, 6), admitted_on=dt.date(2024, 3, 3),
               position=Position.bi_thu, card_number="12.345678"),
        Member(organization_id=dong.id, full_name="Trần Văn Thuỷ", status=MemberStatus.du_bi),
        Member(organization_id=dong.id, full_name="Lê Văn Đến", status=MemberStatus.chinh_thuc,
               temporary=Temporary.den),
    ])
    users = {
        "admin": (Role.admin, root, Clearance.toi_mat),
        "thuky.dong": (Role.secretary, dong, Clearance.mat),
        "luutru": (Role.archivist, root, Clearance.mat),
        "uyvien": (Role.reader, root, Clearance.thuong),
        "docgia.tay": (Role.reader, tay, Clearance.thuong),
        "thuky.tay": (Role.secretary, tay, Clearance.thuong),
    }
    for name, (role, org, clearance) in users.items():
        session.add(User(username=name, password_hash=password_hash(), role=role, organization_id=org.id,
                         clearance=clearance))
    session.flush()
    return World(root.id, dong.id, tay.id, {name: spec[0].value for name, spec in users.items()})


FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
GIVEN = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Đức Em", "Thị Giang", "Văn Hải", "Thị Hoà", "Quang Khải",
         "Thị Lan", "Văn Minh", "Thị Nga", "Văn Phúc", "Thị Quyên", "Văn Sơn", "Thị Thuỷ"]


def person(index: int) -> str:
    return f"{FAMILY[index % len(FAMILY)]} {GIVEN[index % len(GIVEN)]} {index + 1}"


def build_example_cell(session, org_id: int, since: dt.date = dt.date(2024, 1, 1)) -> dict[str, list[int]]:
    """The worked example of CONTRACT.md as members of ``org_id``, ids grouped by role in it.

    25 official (E1, E2 exempted; one ``di``; 22 others), 3 probationary, 2 attached ``den``.
    """
    from docservice.db.models import Organization
    from docservice.registry.members import add_member

    org = session.get(Organization, org_id)
    groups: dict[str, list[int]] = {"exempted": [], "di": [], "others": [], "probationary": [], "den": []}
    plan = ([("exempted", MemberStatus.chinh_thuc, {"exempted": True})] * 2
            + [("di", MemberStatus.chinh_thuc, {"temporary": Temporary.di})]
            + [("others", MemberStatus.chinh_thuc, {})] * 22
            + [("probationary", MemberStatus.du_bi, {})] * 3
            + [("den", MemberStatus.chinh_thuc, {"temporary": Temporary.den})] * 2)
    for index, (group, status, extra) in enumerate(plan):
        position = Position.bi_thu if index == 3 else Position.pho_bi_thu if index == 4 else Position.dang_vien
        member = add_member(session, organization=org, full_name=person(index), status=status, effective_on=since,
                            position=position, **extra)
        groups[group].append(member.id)
    return groups


def example_attendance(groups: dict[str, list[int]]) -> list[dict[str, object]]:
    """E1 present, E2 absent, the di member absent; of the 22 others 19 present, 2 excused, 1 not."""
    others = groups["others"]
    rows = [{"member_id": groups["exempted"][0], "status": "present"},
            {"member_id": groups["exempted"][1], "status": "absent_excused", "reason": "Ốm, điều trị dài ngày"},
            {"member_id": groups["di"][0], "status": "absent_excused", "reason": "Sinh hoạt tạm thời nơi khác"}]
    rows += [{"member_id": m, "status": "present"} for m in others[:19]]
    rows += [{"member_id": m, "status": "absent_excused", "reason": "Đi công tác"} for m in others[19:21]]
    rows += [{"member_id": others[21], "status": "absent_unexcused"}]
    rows += [{"member_id": m, "status": "present"} for m in groups["probationary"] + groups["den"]]
    return rows


def sample_organizations(*, long: bool = False):
    """A chi bộ and its đảng ủy as the templates print them (not stored anywhere); ``long``: with the
    longest names and place the catalogue meets (a school's chi bộ in a commune with a four-word name)."""
    from docservice.db.models import Organization

    if long:
        place = "Quảng Phú Cầu Thượng"
        cell = Organization(id=2, code="cb-thcs", kind=OrgKind.chi_bo,
                            name=f"Chi bộ Trường Trung học cơ sở {place}", abbreviation="CB",
                            superior_name=f"Đảng bộ xã {place}", place=place, path="/1/2/")
        committee = Organization(id=1, code="dbx", kind=OrgKind.dang_bo_co_so, name=f"Đảng bộ xã {place}",
                                 header_name=f"Đảng ủy xã {place}", abbreviation="ĐU",
                                 superior_name="Đảng bộ tỉnh Hà Nam Ninh", place=place, path="/1/")
        return cell, committee
    cell = Organization(id=2, code="cb-kp1", kind=OrgKind.chi_bo, name="Chi bộ Khu phố 1", abbreviation="CB",
                        superior_name="Đảng bộ phường An Phú", place="An Phú", path="/1/2/")
    committee = Organization(id=1, code="dbp", kind=OrgKind.dang_bo_co_so, name="Đảng bộ phường An Phú",
                             header_name="Đảng ủy phường An Phú", abbreviation="ĐU",
                             superior_name="Đảng bộ tỉnh Lam Sơn", place="An Phú", path="/1/")
    return cell, committee


def render_example(template, *, sequence: int = 3, changes: dict | None = None, long: bool = False) -> bytes:
    """The template filled with its manifest's example, as the service renders it (no LibreOffice)."""
    from docservice.generation.fitting import fit_header
    from docservice.generation.render import render_docx
    from docservice.generation.service import build_context, validate_fields
    from docservice.rules import default_rules

    cell, committee = sample_organizations(long=long)
    org = cell if "chi_bo" in template.manifest.issuer_kinds else committee
    superior_body = committee.header_name
    fields = validate_fields(template, {**template.manifest.example, **(changes or {})}, superior_body)
    profile = default_rules().for_date(fields.date)
    number = profile.format_number(sequence, template.manifest.doc_type, org.abbreviation)
    context = build_context(template, fields, org, number, profile, superior_body=superior_body)
    return fit_header(render_docx(template.docx, context, margins_mm=profile.margins_mm), profile.header_title)


def long_minutes_changes(attendees: int = 30) -> dict:
    """Minutes of a meeting with ``attendees`` people, each named and speaking: two pages or more."""
    names = [person(i) for i in range(attendees)]
    present = attendees - 3
    return {
        "composition": f"Có mặt: {present} đồng chí: " + ", ".join(names[:present]) + ".\nVắng mặt có lý do: "
                       + "; ".join(f"{n} – đi công tác" for n in names[present:]) + ".",
        "contents": [{"heading": f"Nội dung {k + 1}", "text": "Đồng chí Bí thư trình bày báo cáo của chi ủy.",
                      "speakers": [f"Đồng chí {n}: nhất trí với báo cáo, đề nghị bổ sung nhiệm vụ tháng tới."
                                   for n in names[k * 10:(k + 1) * 10]]} for k in range(3)],
    }


def legacy_pdf(*lines: str) -> bytes:
    """A PDF as 1990s software made it: a standard Type 1 font whose bytes are TCVN3/VNI codes
    (extractors return the Latin-1 look-alikes, and 0xAD — TCVN3 "ư" — as a hyphen)."""
    def literal(line: str) -> bytes:
        raw = line.encode("latin-1")
        return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b") '"

    content = b"BT /F1 12 Tf 50 780 Td 16 TL " + b" ".join(literal(line) for line in lines) + b" ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
               b"/Contents 5 0 R >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /WinAnsiEncoding >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def bypass_append_only(connection) -> None:
    """What someone with the database owner's rights could do: switch the append-only triggers off."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        connection.execute(text("DROP TRIGGER audit_events_no_update"))
        connection.execute(text("DROP TRIGGER audit_events_no_delete"))
