"""Fixtures the tests build themselves: Vietnamese PDFs, organisations, users."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

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
    image = Image.new("L", (2480, 1200), 255)
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
    pdf.image(io.BytesIO(buffer.getvalue()), x=0, y=0, w=210)
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
