"""The demo organisation of ``docservice init --demo``: fictional, realistic, idempotent.

Đảng bộ phường An Phú (under the fictional Đảng bộ tỉnh Lam Sơn) with three chi bộ — two
residential (khu phố) and one school chi bộ — about thirty members covering every member state,
and one user per role at different scopes and clearances.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from docservice.db.models import (
    Clearance,
    Member,
    MemberStatus,
    Organization,
    OrgKind,
    Position,
    Role,
    Temporary,
    User,
)
from docservice.demo.meetings import load_demo_meetings
from docservice.registry.members import add_member, record_change
from docservice.registry.organizations import add_term, by_code, create_organization
from docservice.registry.users import create_user
from docservice.rules import RuleBook

DEMO_PASSWORD = "AnPhu2026demo"  # noqa: S105 - printed for the fictional demo users
D = dt.date

_CHI_BO = [
    ("cb-kp1", "Chi bộ Khu phố 1"),
    ("cb-kp3", "Chi bộ Khu phố 3"),
    ("cb-th-an-phu", "Chi bộ Trường Tiểu học An Phú"),
]

# (chi bộ code, name, gender, birth, position, status, extras)
_M = MemberStatus
_MEMBERS: list[tuple[str, str, str, dt.date, Position, MemberStatus, dict[str, object]]] = [
    ("cb-kp1", "Nguyễn Văn Hùng", "nam", D(1968, 3, 12), Position.bi_thu, _M.chinh_thuc, {}),
    ("cb-kp1", "Trần Thị Thu Hà", "nữ", D(1975, 8, 2), Position.pho_bi_thu, _M.chinh_thuc, {}),
    ("cb-kp1", "Lê Quang Vinh", "nam", D(1982, 11, 20), Position.chi_uy_vien, _M.chinh_thuc, {}),
    ("cb-kp1", "Phạm Thị Hoà", "nữ", D(1959, 1, 5), Position.dang_vien, _M.chinh_thuc, {}),
    ("cb-kp1", "Hoàng Đức Thắng", "nam", D(1945, 6, 30), Position.dang_vien, _M.chinh_thuc,
     {"exempted": True}),
    ("cb-kp1", "Vũ Thị Ngọc Ánh", "nữ", D(1990, 4, 14), Position.dang_vien, _M.chinh_thuc,
     {"temporary": Temporary.di}),
    ("cb-kp1", "Đặng Minh Tuấn", "nam", D(1998, 9, 9), Position.dang_vien, _M.du_bi, {}),
    ("cb-kp1", "Bùi Văn Lợi", "nam", D(1971, 2, 18), Position.dang_vien, _M.chinh_thuc,
     {"suspended": True}),
    ("cb-kp1", "Đỗ Thị Thuỷ", "nữ", D(1986, 12, 1), Position.dang_vien, _M.chinh_thuc,
     {"temporary": Temporary.den}),
    ("cb-kp1", "Ngô Văn Khoa", "nam", D(1964, 7, 25), Position.dang_vien, _M.chinh_thuc, {}),
    ("cb-kp3", "Trịnh Văn Sơn", "nam", D(1966, 5, 3), Position.bi_thu, _M.chinh_thuc, {}),
    ("cb-kp3", "Lý Thị Mai", "nữ", D(1979, 10, 22), Position.pho_bi_thu, _M.chinh_thuc, {}),
    ("cb-kp3", "Dương Văn Bình", "nam", D(1950, 3, 8), Position.dang_vien, _M.chinh_thuc,
     {"exempted": True}),
    ("cb-kp3", "Hồ Thị Lan", "nữ", D(1984, 1, 17), Position.dang_vien, _M.chinh_thuc, {}),
    ("cb-kp3", "Mai Xuân Trường", "nam", D(1993, 6, 6), Position.dang_vien, _M.du_bi, {}),
    ("cb-kp3", "Tạ Quang Huy", "nam", D(1977, 8, 28), Position.dang_vien, _M.chinh_thuc, {}),
    ("cb-kp3", "Phan Thị Yến", "nữ", D(1988, 2, 11), Position.dang_vien, _M.chinh_thuc,
     {"temporary": Temporary.den}),
    ("cb-kp3", "Cao Văn Đạt", "nam", D(1970, 12, 30), Position.dang_vien, _M.chuyen_di, {}),
    ("cb-kp3", "Lưu Thị Hằng", "nữ", D(1981, 4, 4), Position.dang_vien, _M.chinh_thuc, {}),
    ("cb-kp3", "Kiều Văn Phúc", "nam", D(1962, 9, 19), Position.dang_vien, _M.chinh_thuc, {}),
    ("cb-th-an-phu", "Nguyễn Thị Minh Nguyệt", "nữ", D(1976, 3, 26), Position.bi_thu,
     _M.chinh_thuc, {}),
    ("cb-th-an-phu", "Trần Văn Quý", "nam", D(1983, 7, 7), Position.pho_bi_thu, _M.chinh_thuc, {}),
    ("cb-th-an-phu", "Lê Thị Thanh Tâm", "nữ", D(1989, 11, 2), Position.chi_uy_vien,
     _M.chinh_thuc, {}),
    ("cb-th-an-phu", "Phạm Thuý Quỳnh", "nữ", D(1995, 5, 15), Position.dang_vien, _M.du_bi, {}),
    ("cb-th-an-phu", "Võ Văn Khánh", "nam", D(1985, 8, 8), Position.dang_vien, _M.chinh_thuc, {}),
    ("cb-th-an-phu", "Đinh Thị Hương", "nữ", D(1991, 12, 12), Position.dang_vien, _M.chinh_thuc,
     {"temporary": Temporary.di}),
    ("cb-th-an-phu", "Huỳnh Ngọc Ân", "nam", D(1987, 1, 29), Position.dang_vien, _M.chinh_thuc, {}),
    ("cb-th-an-phu", "Châu Thị Kim Oanh", "nữ", D(1994, 6, 21), Position.dang_vien, _M.chinh_thuc,
     {}),
    ("cb-th-an-phu", "Quách Văn Toàn", "nam", D(1980, 10, 10), Position.dang_vien, _M.chinh_thuc,
     {"suspended": True}),
    ("cb-th-an-phu", "Lâm Thị Diệu", "nữ", D(1999, 2, 3), Position.dang_vien, _M.du_bi, {}),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    org_code: str
    clearance: Clearance


DEMO_USERS = [
    DemoUser("quantri", "Quản trị hệ thống", Role.admin, "dbp-an-phu", Clearance.toi_mat),
    DemoUser("vanphong", "Văn phòng Đảng ủy", Role.secretary, "dbp-an-phu", Clearance.mat),
    DemoUser("bithu.kp1", "Nguyễn Văn Hùng", Role.secretary, "cb-kp1", Clearance.mat),
    DemoUser("luutru", "Cán bộ lưu trữ", Role.archivist, "dbp-an-phu", Clearance.mat),
    DemoUser("uyvien", "Ủy viên Ban Thường vụ", Role.reader, "dbp-an-phu", Clearance.thuong),
    DemoUser("giaovien.th", "Lê Thị Thanh Tâm", Role.reader, "cb-th-an-phu", Clearance.thuong),
]


def _organizations(session: Session) -> dict[str, Organization]:
    root = by_code(session, "dbp-an-phu")
    if root is None:
        root = create_organization(
            session, code="dbp-an-phu", kind=OrgKind.dang_bo_co_so, name="Đảng bộ phường An Phú",
            header_name="Đảng ủy phường An Phú", superior_name="Đảng bộ tỉnh Lam Sơn", place="An Phú",
        )
        add_term(session, root, name="Nhiệm kỳ 2020–2025", start=D(2020, 7, 16), end=D(2025, 7, 20))
        add_term(session, root, name="Nhiệm kỳ 2025–2030", start=D(2025, 7, 21))
    orgs = {"dbp-an-phu": root}
    for code, name in _CHI_BO:
        org = by_code(session, code)
        if org is None:
            org = create_organization(
                session, code=code, kind=OrgKind.chi_bo, name=name, parent=root,
                superior_name="Đảng bộ phường An Phú", place="An Phú",
            )
            add_term(session, org, name="Nhiệm kỳ 2022–2025", start=D(2022, 5, 1), end=D(2025, 5, 10))
            add_term(session, org, name="Nhiệm kỳ 2025–2027", start=D(2025, 5, 11))
        orgs[code] = org
    return orgs


def _card_number(index: int) -> str:
    return f"27.{100200 + index * 37:06d}"


def _admission(index: int, birth: dt.date, status: MemberStatus) -> dt.date:
    if status is MemberStatus.du_bi:
        return D(2025, (index % 9) + 1, 19)
    return D(max(birth.year + 22, 1975), (index % 12) + 1, 3 + index % 20)


# Dated changes after admission, so earlier meetings count the cells as they then were.
_LATER: dict[str, tuple[dt.date, dict[str, object], str]] = {
    "exempted": (D(2024, 9, 1), {"exempted": True}, "Chi bộ đồng ý miễn công tác và sinh hoạt đảng"),
    "temporary_di": (D(2025, 10, 15), {"temporary": Temporary.di}, "Giới thiệu sinh hoạt tạm thời nơi khác"),
    "temporary_den": (D(2025, 11, 3), {"temporary": Temporary.den}, "Đến sinh hoạt đảng tạm thời"),
    "suspended": (D(2026, 1, 12), {"suspended": True}, "Đình chỉ sinh hoạt đảng"),
    "chuyen_di": (D(2025, 12, 1), {"status": MemberStatus.chuyen_di}, "Chuyển sinh hoạt đảng chính thức"),
}


def _later_changes(status: MemberStatus, extras: dict[str, object]) -> list[tuple[dt.date, dict[str, object], str]]:
    changes = []
    if extras.get("exempted"):
        changes.append(_LATER["exempted"])
    if extras.get("temporary") is Temporary.di:
        changes.append(_LATER["temporary_di"])
    if extras.get("temporary") is Temporary.den:
        changes.append(_LATER["temporary_den"])
    if extras.get("suspended"):
        changes.append(_LATER["suspended"])
    if status is MemberStatus.chuyen_di:
        changes.append(_LATER["chuyen_di"])
    return changes


def _members(session: Session, orgs: dict[str, Organization]) -> None:
    for index, (code, name, gender, birth, position, status, extras) in enumerate(_MEMBERS):
        # a card is issued on recognition: a probationary member has none
        card = None if status is MemberStatus.du_bi else _card_number(index)
        if session.scalar(select(Member.id).where(Member.full_name == name,
                                                  Member.organization_id == orgs[code].id)) is not None:
            continue
        admitted = _admission(index, birth, status)
        official = None if status is MemberStatus.du_bi else admitted.replace(year=admitted.year + 1)
        # An attached (den) member has been official elsewhere; this cell knows them from arrival.
        first_day = _LATER["temporary_den"][0] if extras.get("temporary") is Temporary.den else admitted
        member = add_member(
            session, organization=orgs[code], full_name=name, status=MemberStatus.du_bi, effective_on=first_day,
            gender=gender, birth_date=birth, card_number=card, position=position, admitted_on=admitted,
            official_on=official, note="Kết nạp đảng" if first_day == admitted else None,
        )
        if official is not None:
            record_change(session, member, effective_on=max(official, first_day),
                          changes={"status": MemberStatus.chinh_thuc}, note="Công nhận đảng viên chính thức")
        for day, changes, note in _later_changes(status, extras):
            record_change(session, member, effective_on=max(day, first_day), changes=changes, note=note)


def _users(session: Session, orgs: dict[str, Organization]) -> None:
    for demo in DEMO_USERS:
        if session.scalar(select(User.id).where(User.username == demo.username)) is None:
            create_user(
                session, username=demo.username, password=DEMO_PASSWORD, role=demo.role,
                organization=orgs[demo.org_code], clearance=demo.clearance, full_name=demo.full_name,
                by="init --demo",
            )


def load_demo(session: Session, rules: RuleBook | None = None,
              today: dt.date | None = None) -> list[DemoUser]:
    """Add whatever part of the demo data is missing (with ``rules``, a year of meetings too); return the
    demo logins."""
    orgs = _organizations(session)
    _members(session, orgs)
    _users(session, orgs)
    if rules is not None:
        session.flush()
        load_demo_meetings(session, orgs, [code for code, _ in _CHI_BO], rules, today or dt.date.today())
    return DEMO_USERS
