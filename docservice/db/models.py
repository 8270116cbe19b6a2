"""Catalogue tables (SQLAlchemy 2). Alembic migrations in ``db/migrations`` create them.

Organisations form a tree stored with a materialised ``path`` ("/1/4/9/"), so "this organisation and
everything under it" is one indexed prefix comparison on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from docservice.errors import N_
from docservice.text.vietnamese import one_tone_placement

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Clearance(enum.IntEnum):
    """Confidentiality of a document and clearance of a user, in increasing order."""

    thuong = 0
    mat = 1
    toi_mat = 2
    tuyet_mat = 3

    @property
    def label(self) -> str:
        return {0: N_("Thường"), 1: N_("Mật"), 2: N_("Tối mật"), 3: N_("Tuyệt mật")}[self.value]


class Role(enum.StrEnum):
    admin = "admin"
    secretary = "secretary"
    archivist = "archivist"
    reader = "reader"


class OrgKind(enum.StrEnum):
    chi_bo = "chi_bo"
    dang_bo_bo_phan = "dang_bo_bo_phan"
    dang_bo_co_so = "dang_bo_co_so"
    dang_uy = "dang_uy"
    huyen_uy = "huyen_uy"
    tinh_uy = "tinh_uy"
    trung_uong = "trung_uong"


class MemberStatus(enum.StrEnum):
    chinh_thuc = "chinh_thuc"
    du_bi = "du_bi"
    chuyen_di = "chuyen_di"
    xoa_ten = "xoa_ten"
    khai_tru = "khai_tru"
    tu_tran = "tu_tran"


class Temporary(enum.StrEnum):
    den = "den"
    di = "di"


class Position(enum.StrEnum):
    bi_thu = "bi_thu"
    pho_bi_thu = "pho_bi_thu"
    chi_uy_vien = "chi_uy_vien"
    dang_vien = "dang_vien"


class ClearanceType(TypeDecorator[Clearance]):
    """Stores a ``Clearance`` as its small integer, so "at most my clearance" is ``<=``."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        return None if value is None else int(Clearance(value))

    def process_result_value(self, value: Any, dialect: Any) -> Clearance | None:
        return None if value is None else Clearance(value)


def _str_enum(enum_cls: type[enum.StrEnum], length: int = 20) -> Any:
    from sqlalchemy import Enum

    return Enum(enum_cls, native_enum=False, length=length, validate_strings=True,
                values_callable=lambda e: [m.value for m in e])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC timestamps on both SQLite (which drops the zone) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the catalogue")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# The committee of a đảng bộ by the organisation's kind: (what the name starts with, what the committee is called)
_COMMITTEES: dict[str, tuple[tuple[str, str], ...]] = {
    "dang_bo_co_so": (("đảng bộ", "Đảng ủy"),),
    "dang_bo_bo_phan": (("đảng bộ", "Đảng ủy"),),
    "dang_uy": (("đảng bộ", "Đảng ủy"),),
    "huyen_uy": (("đảng bộ huyện", "Huyện ủy"), ("đảng bộ quận", "Quận ủy"), ("đảng bộ thị xã", "Thị ủy"),
                 ("đảng bộ thành phố", "Thành ủy"), ("đảng bộ", "Đảng ủy")),
    "tinh_uy": (("đảng bộ tỉnh", "Tỉnh ủy"), ("đảng bộ thành phố", "Thành ủy"), ("đảng bộ", "Đảng ủy")),
    # a superior known only by its name (no catalogue row): the name says its level
    "": (("đảng bộ tỉnh", "Tỉnh ủy"), ("đảng bộ thành phố", "Thành ủy"), ("đảng bộ huyện", "Huyện ủy"),
         ("đảng bộ quận", "Quận ủy"), ("đảng bộ thị xã", "Thị ủy"), ("đảng bộ", "Đảng ủy")),
}


def committee_of(kind: OrgKind | str | None, name: str) -> str:
    """The committee that issues a party organisation's papers, from its kind and name; the name itself when
    the organisation issues as itself (a chi bộ) or the name does not say "Đảng bộ …"."""
    plain = one_tone_placement(name.strip())
    for start, committee in _COMMITTEES.get(str(kind or ""), ()):
        if plain.lower().startswith(start + " "):
            return f"{committee} {plain[len(start) + 1:]}"
    return plain


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), index=True, default="")
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[OrgKind] = mapped_column(_str_enum(OrgKind))
    name: Mapped[str] = mapped_column(String(255))
    header_name: Mapped[str | None] = mapped_column(String(255))
    superior_name: Mapped[str | None] = mapped_column(String(255))
    abbreviation: Mapped[str] = mapped_column(String(32))
    place: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)

    terms: Mapped[list[Term]] = relationship(back_populates="organization", order_by="Term.start_date")

    @property
    def committee_name(self) -> str:
        """Who issues the organisation's papers: the chi bộ itself, or the committee of a đảng bộ — its
        ``header_name`` when set, else derived from its kind and name ("Đảng bộ xã An Phú" → "Đảng ủy xã An
        Phú", "Đảng bộ tỉnh Lam Sơn" → "Tỉnh ủy Lam Sơn"), with one tone placement ("ủy", never "uỷ")."""
        return one_tone_placement(self.header_name or committee_of(self.kind, self.name))

    @property
    def issuer_line(self) -> str:
        """The issuing body as printed in a header: ``CHI BỘ KHU PHỐ 1``, ``ĐẢNG ỦY XÃ AN PHÚ``."""
        return self.committee_name.upper()


class Term(Base):
    """A committee term (nhiệm kỳ): document numbers restart at 01 in each term."""

    __tablename__ = "terms"
    __table_args__ = (UniqueConstraint("organization_id", "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)

    organization: Mapped[Organization] = relationship(back_populates="terms")


class Member(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(128))
    gender: Mapped[str | None] = mapped_column(String(8))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    card_number: Mapped[str | None] = mapped_column(String(16), unique=True)
    position: Mapped[Position] = mapped_column(_str_enum(Position), default=Position.dang_vien)
    status: Mapped[MemberStatus] = mapped_column(_str_enum(MemberStatus))
    exempted: Mapped[bool] = mapped_column(Boolean, default=False)
    temporary: Mapped[Temporary | None] = mapped_column(_str_enum(Temporary, 8))
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    admitted_on: Mapped[dt.date | None] = mapped_column(Date)  # the admission ceremony: probation counts from it
    admission_decided_on: Mapped[dt.date | None] = mapped_column(Date)  # the quyết định kết nạp: tuổi đảng
    official_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)


class MemberChange(Base):
    """The member's whole state from ``effective_on`` until the next change (history by date)."""

    __tablename__ = "member_changes"
    __table_args__ = (Index("ix_member_changes_member_date", "member_id", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    position: Mapped[Position] = mapped_column(_str_enum(Position))
    status: Mapped[MemberStatus] = mapped_column(_str_enum(MemberStatus))
    exempted: Mapped[bool] = mapped_column(Boolean, default=False)
    temporary: Mapped[Temporary | None] = mapped_column(_str_enum(Temporary, 8))
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(500))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))  # the paper that made the change
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_str_enum(Role))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    clearance: Mapped[Clearance] = mapped_column(ClearanceType(), default=Clearance.thuong)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    organization: Mapped[Organization] = relationship()


class ApiToken(Base):
    """An API token; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    user: Mapped[User] = relationship()


class WebSession(Base):
    """A signed-in browser: the cookie holds a random id, the catalogue its SHA-256 and whether it still
    holds — so signing out, a new password or an admin's revocation ends a copied cookie too."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    ended_because: Mapped[str | None] = mapped_column(String(16))  # logout | password | revoked | idle | inactive

    user: Mapped[User] = relationship()


class LoginFailure(Base):
    """Wrong passwords in a row for a name that is no account: counted and locked exactly like an
    account (``users.failed_logins``, ``locked_until``), so the answers never tell whether a name exists."""

    __tablename__ = "login_failures"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now, index=True)


class NumberSequence(Base):
    """Last number issued per issuing body × document type × term."""

    __tablename__ = "number_sequences"
    __table_args__ = (UniqueConstraint("organization_id", "doc_type", "term_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    doc_type: Mapped[str] = mapped_column(String(32))
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id"))
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class RegisterEntry(Base):
    """A number of a sequence issued outside the system (a paper signed by hand, numbered in a paper book),
    entered so the register is whole and the next number follows it."""

    __tablename__ = "register_entries"
    __table_args__ = (UniqueConstraint("organization_id", "doc_type", "term_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    doc_type: Mapped[str] = mapped_column(String(32))
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(64))
    date: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(Text)
    confidentiality: Mapped[Clearance] = mapped_column(ClearanceType(), default=Clearance.thuong)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)


class OrganizationName(Base):
    """An organisation's names from ``effective_on`` until the next entry: a paper prints the names in force
    on its date (a renamed commune, a merged đảng bộ)."""

    __tablename__ = "organization_names"
    __table_args__ = (UniqueConstraint("organization_id", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(255))
    header_name: Mapped[str | None] = mapped_column(String(255))
    superior_name: Mapped[str | None] = mapped_column(String(255))
    place: Mapped[str | None] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)


class Document(Base):
    """A document generated from a template (its .docx and .pdf are blobs)."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("organization_id", "doc_type", "term_id", "sequence"),
                      UniqueConstraint("meeting_id", "template", name="uq_documents_meeting_template"))

    id: Mapped[int] = mapped_column(primary_key=True)
    template: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[str] = mapped_column(String(32))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    doc_type: Mapped[str] = mapped_column(String(32))
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    date: Mapped[dt.date] = mapped_column(Date)
    confidentiality: Mapped[Clearance] = mapped_column(ClearanceType(), default=Clearance.thuong)
    profile: Mapped[str] = mapped_column(String(32))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    docx_sha256: Mapped[str] = mapped_column(String(64))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    warnings: Mapped[list[str] | None] = mapped_column(JSON)  # allowed but worth saying (a late vote …)

    organization: Mapped[Organization] = relationship()


class Meeting(Base):
    """A chi bộ meeting as recorded, with the figures computed by the profile of its date."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)
    location: Mapped[str] = mapped_column(String(255))
    chair_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    minute_taker_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    signer_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    topic: Mapped[str | None] = mapped_column(Text)
    guests: Mapped[list[str]] = mapped_column(JSON, default=list)
    contents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    conclusion: Mapped[str] = mapped_column(Text)
    votes: Mapped[dict[str, int] | None] = mapped_column(JSON)
    other_votes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    profile: Mapped[str] = mapped_column(String(32))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    confidentiality: Mapped[Clearance] = mapped_column(ClearanceType(), default=Clearance.thuong)
    minutes_read_back: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)

    organization: Mapped[Organization] = relationship()
    attendance: Mapped[list[MeetingAttendance]] = relationship(order_by="MeetingAttendance.id",
                                                                cascade="all, delete-orphan")


class MeetingAttendance(Base):
    """One member at one meeting, with the member's state on the meeting's date kept as it was."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"), Index("ix_meeting_attendance_member", "member_id"),
                      # the overview counts attendance per meeting from this index alone
                      Index("ix_meeting_attendance_counts", "meeting_id", "attendance", "exempted", "suspended",
                            "temporary"))

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    full_name: Mapped[str] = mapped_column(String(128))
    attendance: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[MemberStatus] = mapped_column(_str_enum(MemberStatus))
    exempted: Mapped[bool] = mapped_column(Boolean)
    temporary: Mapped[Temporary | None] = mapped_column(_str_enum(Temporary, 8))
    suspended: Mapped[bool] = mapped_column(Boolean)
    position: Mapped[Position] = mapped_column(_str_enum(Position))


class MeetingSchedule(Base):
    """When an organisation's regular monthly meeting is due: a day of the month, or the nth weekday of the
    month (``nth`` -1 for the last), plus the days of grace before it counts as late. An organisation
    without its own rule follows the nearest ancestor's, then the rule profile's default."""

    __tablename__ = "meeting_schedules"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    day: Mapped[int | None] = mapped_column(Integer)
    weekday: Mapped[int | None] = mapped_column(Integer)  # 0 = Monday … 6 = Sunday
    nth: Mapped[int | None] = mapped_column(Integer)
    grace_days: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)


class AdmissionTarget(Base):
    """The number of new members an organisation (with its subtree) aims to admit in a year."""

    __tablename__ = "admission_targets"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)


class StudySession(Base):
    """A session studying a resolution (học tập, quán triệt nghị quyết): who was expected, who took part."""

    __tablename__ = "study_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String(500))
    expected: Mapped[int] = mapped_column(Integer)
    participated: Mapped[int] = mapped_column(Integer)
    confidentiality: Mapped[Clearance] = mapped_column(ClearanceType(), default=Clearance.thuong)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)


class TemplateVersion(Base):
    """A template uploaded by an admin: its manifest, its .docx (a blob) and the lint report."""

    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(32))
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON)
    docx_sha256: Mapped[str] = mapped_column(String(64))
    warnings: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)


class Record(Base):
    """An archived file with its metadata; the file is a blob addressed by ``sha256``."""

    __tablename__ = "records"
    __table_args__ = (Index("ix_records_sha256", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    pages: Mapped[int] = mapped_column(Integer)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    doc_type: Mapped[str] = mapped_column(String(32))
    number: Mapped[str | None] = mapped_column(String(64))
    number_key: Mapped[str | None] = mapped_column(String(64), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(Text)
    signer: Mapped[str | None] = mapped_column(String(128))
    confidentiality: Mapped[Clearance] = mapped_column(ClearanceType(), default=Clearance.thuong)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    text_source: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(Text, default="")
    signatures: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    stage: Mapped[str | None] = mapped_column(String(24))
    dossier_item: Mapped[str | None] = mapped_column(String(48))  # which paper of the dossier checklist it is
    page_sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    review_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    metadata_confidence: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    original_name: Mapped[str | None] = mapped_column(String(500))
    disposed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    disposal_reason: Mapped[str | None] = mapped_column(String(500))
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)

    organization: Mapped[Organization] = relationship()


class SignatureCheck(Base):
    """One verification of a record's signatures: a dated event; a re-check adds another."""

    __tablename__ = "signature_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    checked_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)
    roots_fingerprint: Mapped[str] = mapped_column(String(64))
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    checked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RecordMetadataVersion(Base):
    """A correction of a record's metadata: what changed, from what, by whom (the file is untouched)."""

    __tablename__ = "record_metadata_versions"
    __table_args__ = (UniqueConstraint("record_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(String(500))
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)


class OutboxEntry(Base):
    """Work for the indexer, written in the same transaction as the change it reports."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)
    processed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), index=True)


class Job(Base):
    """A background job (imports, batch generation) run by the job worker."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))  # whose work it is
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class ImportItem(Base):
    """One file of an import and what became of it (the import resumes from these)."""

    __tablename__ = "import_items"
    __table_args__ = (UniqueConstraint("job_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    path: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20))  # imported | already_present | needs_review | refused
    reason: Mapped[str | None] = mapped_column(Text)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)


class FixityRun(Base):
    """One re-hash of the whole store, with what it found."""

    __tablename__ = "fixity_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    checked: Mapped[int] = mapped_column(Integer, default=0)
    ok: Mapped[bool] = mapped_column(Boolean, default=False)
    findings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    run_by: Mapped[str | None] = mapped_column(String(64))


class RetentionRule(Base):
    """How long records of a document type are kept: ``years`` from their date, or ``None`` for ever."""

    __tablename__ = "retention_rules"

    doc_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    years: Mapped[int | None] = mapped_column(Integer)
    updated_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)


class LegalHold(Base):
    """A hold that stops disposal of a set of records until released."""

    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)
    released_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    released_by: Mapped[str | None] = mapped_column(String(64))


class LegalHoldRecord(Base):
    __tablename__ = "legal_hold_records"

    hold_id: Mapped[int] = mapped_column(ForeignKey("legal_holds.id"), primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True)


class AuditEvent(Base):
    """One entry of the append-only audit chain: ``hash`` covers the event and ``prev_hash``."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_remote_addr_at", "remote_addr", "at"),
                      Index("ix_audit_events_username_at", "username", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=_now)
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(48))
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(255))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # How ``hash`` was made: "hmac-sha256" under the audit key kept outside the database (whoever can write
    # the table but lacks the key cannot recompute a link); NULL for plain SHA-256 events from before.
    scheme: Mapped[str | None] = mapped_column(String(16))
