"""Papers about a member: the facts come from the member's record as it was on the paper's date, the
member's status decides what the paper may say, a decision cites the chi bộ resolution it acts on, and
issuing a paper that changes a member changes the record, with a dated history entry linked to the paper.

A template says which step of the member's life it is (``member_event`` in its manifest) and which
papers it acts on (``acts_on``); the rules of each step are here, so a template uploaded with the same
event and field names gets them too (party-records.md §5.3, §5.7, §9).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from docservice.db.models import (
    Document,
    Member,
    MemberChange,
    MemberStatus,
    Organization,
    Position,
    RegisterEntry,
)
from docservice.errors import RuleViolation, ValidationFailed
from docservice.oversight.calendar import add_months
from docservice.registry.members import MemberState, record_from_paper, state_of
from docservice.registry.organizations import named_on
from docservice.rules import RuleProfile
from docservice.security import policy
from docservice.text import normalize

STATUS_WORDS = {MemberStatus.chinh_thuc: "chính thức", MemberStatus.du_bi: "dự bị"}
ACTIVE = (MemberStatus.chinh_thuc, MemberStatus.du_bi)


@dataclass(frozen=True)
class Event:
    """One step of a member's life as a paper records it."""

    name: str
    statuses: tuple[MemberStatus, ...] = ACTIVE  # who the paper may be about, on its date
    candidate: bool = False  # about a person who is not a member yet (no record to read)
    changes_record: bool = False
    admitted_field: str = "ceremony"  # what ``admitted_on`` means here: the ceremony, or the decision (tuổi đảng)


EVENTS = {e.name: e for e in (
    Event("admission_proposal", candidate=True), Event("admission_committee", candidate=True),
    Event("admission", candidate=True),
    Event("recognition_proposal", (MemberStatus.du_bi,)), Event("recognition_committee", (MemberStatus.du_bi,)),
    Event("recognition", (MemberStatus.du_bi,), changes_record=True),
    Event("removal_proposal"), Event("removal", changes_record=True),
    Event("probation_removal", (MemberStatus.du_bi,), changes_record=True),
    Event("discipline", changes_record=True), Event("exemption", changes_record=True),
    Event("transfer", admitted_field="decision"),
)}


@dataclass
class MemberPaper:
    """What the record says for this paper, and what issuing it will change."""

    member: Member | None = None
    state: MemberState | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    decided: set[str] = field(default_factory=set)  # fields the record settles, empty ones included
    proposal: Document | None = None
    warnings: list[str] = field(default_factory=list)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return normalize(" ".join(a.split())).casefold() == normalize(" ".join(b.split())).casefold()
    if isinstance(a, dt.date) != isinstance(b, dt.date):
        return _as_date(a) == _as_date(b)
    return a == b


def _shown(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return f"{value[8:]}/{value[5:7]}/{value[:4]}"
    return str(value)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date) or value is None:
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _record_facts(session: Session, member: Member, state: MemberState, event: Event,
                  fields: set[str]) -> dict[str, Any]:
    """The template's person fields as the record has them on the paper's date."""
    official = state.status is MemberStatus.chinh_thuc
    admitted = (member.admission_decided_on or member.admitted_on) if event.admitted_field == "decision" \
        else member.admitted_on
    org = session.get(Organization, state.organization_id)
    facts: dict[str, Any] = {
        "person_name": member.full_name, "birth_date": member.birth_date, "member_status": STATUS_WORDS[state.status],
        "admitted_on": admitted, "card_number": member.card_number if official else None,
        "official_on": member.official_on if official else None,
        "chi_bo": org.name if org is not None else None, "from_chi_bo": org.name if org is not None else None,
    }
    return {name: value for name, value in facts.items() if name in fields and value is not None}


def read_member(session: Session, principal: policy.Principal, member_id: int | None, event_name: str | None,
                fields: set[str], raw: dict[str, Any]) -> MemberPaper:
    """The record's facts for the paper's person fields; 422 naming each field a request contradicts, or
    a status the paper cannot be about."""
    event = EVENTS.get(event_name or "")
    if member_id is None:
        return MemberPaper()
    member = policy.get_member(session, member_id, principal)
    day = _as_date(raw.get("date")) or dt.date.today()
    state = _state(session, member, day)
    if event is not None and event.candidate:
        return _candidate(member, state, day, fields, raw)
    if state is None or state.status not in ACTIVE:
        when = f"vào ngày {day:%d/%m/%Y}"
        raise RuleViolation(f"Đồng chí {member.full_name} không phải là đảng viên {when} (theo hồ sơ đảng viên).",
                            errors={"member_id": f"Không là đảng viên {when}."})
    if event is not None and state.status not in event.statuses:
        wanted = " hoặc ".join(STATUS_WORDS[s] for s in event.statuses)
        raise RuleViolation(
            f"Văn bản này dành cho đảng viên {wanted}; theo hồ sơ, ngày {day:%d/%m/%Y} đồng chí {member.full_name} "
            f"là đảng viên {STATUS_WORDS[state.status]}.",
            errors={"member_id": f"Đảng viên {STATUS_WORDS[state.status]} vào ngày {day:%d/%m/%Y}."})
    facts = _record_facts(session, member, state, event or Event(""), fields)
    errors = {f"fields.{name}": f"Khác hồ sơ đảng viên ({_shown(value)}). Nếu hồ sơ chưa đúng, sửa hồ sơ trước."
              for name, value in facts.items() if raw.get(name) not in (None, "") and not _same(raw[name], value)}
    if state.status is MemberStatus.du_bi:
        errors.update({f"fields.{name}": message for name, message in _probationary_refusals(raw).items()})
    if errors:
        raise ValidationFailed(f"Thông tin về đồng chí {member.full_name} không khớp hồ sơ đảng viên.", errors=errors)
    unset = {"card_number", "official_on"} if state.status is MemberStatus.du_bi else set()
    return MemberPaper(member, state, facts, decided=(set(facts) | unset) & fields)


def _state(session: Session, member: Member, day: dt.date) -> MemberState | None:
    """The member on ``day`` by their history; a member entered without any history (data from before
    histories were kept) is taken as the record stands."""
    state = state_of(session, member.id, day)
    if state is None and session.scalar(select(MemberChange.id).where(MemberChange.member_id == member.id)
                                        .limit(1)) is None:
        joined = member.admission_decided_on or member.admitted_on
        if joined is not None and day < joined:
            return None
        status = member.status
        if status is MemberStatus.chinh_thuc and member.official_on is not None and day < member.official_on:
            status = MemberStatus.du_bi  # official only from the official date, never before it
        return MemberState(member.id, member.full_name, member.organization_id, member.position, status,
                           member.exempted, member.temporary, member.suspended, member.admitted_on or day)
    return state


def _candidate(member: Member, state: MemberState | None, day: dt.date, fields: set[str],
               raw: dict[str, Any]) -> MemberPaper:
    """An admission paper linked to the member it made (filed in their dossier): on its date the person was
    not a member yet."""
    if state is not None and state.status in ACTIVE:
        raise RuleViolation(
            f"Văn bản này nói về quần chúng được xét kết nạp; ngày {day:%d/%m/%Y} đồng chí {member.full_name} đã là "
            f"đảng viên {STATUS_WORDS[state.status]}.",
            errors={"member_id": "Người được xét kết nạp chưa là đảng viên vào ngày của văn bản."})
    facts = {k: v for k, v in (("person_name", member.full_name), ("birth_date", member.birth_date))
             if k in fields and v is not None}
    errors = {f"fields.{name}": f"Khác hồ sơ đảng viên ({_shown(value)}). Nếu hồ sơ chưa đúng, sửa hồ sơ trước."
              for name, value in facts.items() if raw.get(name) not in (None, "") and not _same(raw[name], value)}
    if errors:
        raise ValidationFailed(f"Thông tin về đồng chí {member.full_name} không khớp hồ sơ đảng viên.", errors=errors)
    return MemberPaper(member, None, facts, decided=set(facts))


def _probationary_refusals(values: dict[str, Any]) -> dict[str, str]:
    """What a paper may not say of a probationary member (party-records.md §5.2, §5.7)."""
    refusals = {}
    if values.get("card_number"):
        refusals["card_number"] = "Đảng viên dự bị chưa được cấp thẻ đảng viên."
    if values.get("official_on"):
        refusals["official_on"] = "Đảng viên dự bị chưa có ngày chính thức."
    return refusals


def check_status_wording(values: dict[str, Any], member: Member | None) -> None:
    """Rules that hold with or without a record: a probationary member has no card and no official date,
    and is never dismissed from a post or expelled; only a member holding a post can be dismissed from it."""
    errors = {}
    if values.get("member_status") == "dự bị":
        errors.update({f"fields.{k}": v for k, v in _probationary_refusals(values).items()})
    if values.get("discipline") == "cách chức" and member is not None and member.position is Position.dang_vien:
        errors["fields.discipline"] = (f"Đồng chí {member.full_name} không giữ chức vụ trong Đảng: không thể "
                                       "cách chức.")
    if errors:
        raise ValidationFailed("Nội dung không đúng với tư cách đảng viên.", errors=errors)


def derived_dates(values: dict[str, Any], profile: RuleProfile, fields: set[str]) -> dict[str, Any]:
    """Dates that follow from others, for the template's fields a request left empty: the end of probation
    is the ceremony plus the probation (12 months); a decision takes effect on its date."""
    derived = {}
    admitted = _as_date(values.get("admitted_on"))
    if "official_from" in fields and not values.get("official_from") and admitted is not None:
        derived["official_from"] = add_months(admitted, profile.oversight.probation_months).isoformat()
    if "effective_from" in fields and not values.get("effective_from") and values.get("date"):
        derived["effective_from"] = values["date"]
    return derived


# The chi bộ resolution a decision acts on -----------------------------------------------------------------
def _citation(session: Session, doc: Document) -> str:
    """"Nghị quyết số 02-NQ/CB ngày 05/03/2026 của Chi bộ Khu phố 1" — by who issued it, under the names in
    force on its date (a đảng bộ's resolution is its committee's: "… của Đảng ủy phường An Phú")."""
    org = doc.organization
    issuer = named_on(session, org, doc.date).committee_name if org is not None else "chi bộ"
    return f"Nghị quyết số {doc.number} ngày {doc.date:%d/%m/%Y} của {issuer}"


_TYPED = re.compile(r"số\s+(?P<number>\d+-[^\s,;]+).*?ngày\s+(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})"
                    r"(?:.*?\bcủa\s+(?P<issuer>.+?))?\s*[.;]?$", re.IGNORECASE | re.DOTALL)


def _check_typed_citation(session: Session, principal: policy.Principal, typed: str,
                          decided: dt.date | None) -> None:
    """A resolution typed rather than linked: its number and date must be legible, not after the decision,
    and — when it names an organisation kept here whose register already ran on that date — in that
    register (made here, or entered as issued outside). An organisation not kept here is taken as written."""
    where = "fields.proposal"
    found = _TYPED.search(typed)
    try:
        day = dt.date(int(found["year"]), int(found["month"]), int(found["day"])) if found else None
    except ValueError:
        day = None
    if found is None or day is None:
        raise ValidationFailed("Không đọc được số và ngày của nghị quyết được dẫn.", errors={
            where: "Ghi như: Nghị quyết số 05-NQ/CB ngày 05/03/2026 của Chi bộ Khu phố 1."})
    if decided is not None and day > decided:
        raise ValidationFailed("Quyết định không thể trước nghị quyết mà nó căn cứ.",
                               errors={where: f"Nghị quyết ghi ngày {day:%d/%m/%Y}, sau ngày của quyết định."})
    wanted = normalize(" ".join((found["issuer"] or "").split())).casefold()
    if not wanted:
        return
    orgs = [o for o in session.scalars(select(Organization).where(policy.in_scope(principal)))
            if wanted in {normalize(o.name).casefold(), normalize(o.committee_name).casefold()}]
    number = found["number"]
    for org in orgs:
        first = min((d for d in (
            session.scalar(select(func.min(Document.date)).where(Document.organization_id == org.id)),
            session.scalar(select(func.min(RegisterEntry.date)).where(RegisterEntry.organization_id == org.id)))
            if d is not None), default=None)
        if first is None or day < first:
            continue  # the register here starts later: an older paper is taken as written
        dates = [d for (d,) in session.execute(select(Document.date).where(
            Document.organization_id == org.id, func.upper(Document.number) == number.upper()))]
        dates += [d for (d,) in session.execute(select(RegisterEntry.date).where(
            RegisterEntry.organization_id == org.id, func.upper(RegisterEntry.number) == number.upper()))]
        if not dates:
            raise ValidationFailed(f"Sổ văn bản của {org.name} không có số {number}.", errors={
                where: f"Không có số {number} trong sổ văn bản của {org.name}: chọn nghị quyết trong hệ thống, "
                       "hoặc vào sổ số đã cấp ngoài hệ thống trước (Sổ văn bản đi)."})
        if day not in dates:
            raise ValidationFailed(f"Số {number} trong sổ của {org.name} mang ngày khác.", errors={
                where: f"Sổ ghi số {number} ngày {', '.join(f'{d:%d/%m/%Y}' for d in sorted(dates))}."})


def cite_proposal(session: Session, principal: policy.Principal, acts_on: tuple[str, ...], values: dict[str, Any],
                  paper: MemberPaper) -> dict[str, Any]:
    """``proposal``: the citation of the resolution this decision acts on, read from the linked document
    (``proposal_id``) or as typed for one issued outside the system; refused when the linked document does
    not exist, is another kind of paper, is about someone else, comes after the decision or says otherwise."""
    if not acts_on:
        return {}
    proposal_id, typed = values.get("proposal_id"), (values.get("proposal") or "").strip()
    if proposal_id is None:
        if not typed:
            raise ValidationFailed("Quyết định phải dẫn nghị quyết mà nó căn cứ.", errors={
                "fields.proposal_id": "Chọn nghị quyết của chi bộ trong hệ thống (số hiệu), hoặc ghi số và ngày "
                                      "của nghị quyết lập ngoài hệ thống vào trường proposal."})
        _check_typed_citation(session, principal, typed, _as_date(values.get("date")))
        return {}
    doc = session.scalar(policy.visible(Document, principal).where(Document.id == proposal_id))
    where = "fields.proposal_id"
    if doc is None:
        raise ValidationFailed("Không có nghị quyết được dẫn.",
                               errors={where: f"Không có văn bản số hiệu {proposal_id} trong phạm vi bạn được xem."})
    if doc.template not in acts_on:
        raise ValidationFailed("Văn bản được dẫn không phải nghị quyết đề nghị việc này.",
                               errors={where: f"Văn bản số {doc.number} là «{doc.title}»."})
    errors = {}
    if paper.member is not None and doc.member_id is not None and doc.member_id != paper.member.id:
        errors[where] = f"Nghị quyết số {doc.number} nói về một đảng viên khác."
    elif values.get("person_name") and doc.fields.get("person_name") and not _same(values["person_name"],
                                                                                 doc.fields["person_name"]):
        errors[where] = f"Nghị quyết số {doc.number} nói về {doc.fields['person_name']}."
    for name in ("official_from", "birth_date"):
        if values.get(name) and doc.fields.get(name) and not _same(values[name], doc.fields[name]):
            errors[f"fields.{name}"] = f"Nghị quyết số {doc.number} ghi {_shown(doc.fields[name])}."
    decided = _as_date(values.get("date"))
    if decided is not None and decided < doc.date:
        errors["fields.date"] = f"Quyết định không thể trước nghị quyết mà nó căn cứ ({doc.date:%d/%m/%Y})."
    cited = _citation(session, doc)
    if typed and not _same(typed, cited):
        errors["fields.proposal"] = f"Văn bản được dẫn là {cited}."
    if errors:
        raise ValidationFailed("Quyết định không khớp với nghị quyết mà nó căn cứ.", errors=errors)
    paper.proposal = doc
    return {"proposal": cited}


def check_decision_dates(values: dict[str, Any], event_name: str | None) -> None:
    """A recognition decision cannot precede the end of probation it recognises."""
    if event_name not in ("recognition", "recognition_committee"):
        return
    decided, official = _as_date(values.get("date")), _as_date(values.get("official_from"))
    if official is None:
        raise ValidationFailed("Thiếu ngày kết nạp.", errors={
            "fields.admitted_on": "Ghi ngày chi bộ tổ chức lễ kết nạp (hoặc chọn đảng viên) để tính ngày chính thức."})
    if decided is not None and official is not None and decided < official:
        raise RuleViolation(
            f"Chưa thể công nhận: thời gian dự bị kết thúc ngày {official:%d/%m/%Y}, sau ngày của văn bản "
            f"({decided:%d/%m/%Y}).", errors={"fields.date": f"Sớm nhất là ngày {official:%d/%m/%Y}."})


# What issuing changes ---------------------------------------------------------------------------------------
def _discipline_changes(values: dict[str, Any]) -> dict[str, Any]:
    form = values.get("discipline")
    if form == "khai trừ":
        return {"status": MemberStatus.khai_tru}
    if form == "cách chức":
        return {"position": Position.dang_vien}
    return {}


_EFFECTS: dict[str, Callable[[dict[str, Any]], tuple[str, dict[str, Any], str]]] = {
    "recognition": lambda v: ("official_from", {"status": MemberStatus.chinh_thuc}, "Công nhận đảng viên chính thức"),
    "removal": lambda v: ("date", {"status": MemberStatus.xoa_ten}, "Xóa tên trong danh sách đảng viên"
                          + (" dự bị" if v.get("member_status") == "dự bị" else "")),
    "probation_removal": lambda v: ("date", {"status": MemberStatus.xoa_ten},
                                    "Xóa tên trong danh sách đảng viên dự bị"),
    "discipline": lambda v: ("effective_from", _discipline_changes(v), f"Kỷ luật {v.get('discipline', '')}"),
    "exemption": lambda v: ("from_date", {"exempted": True}, "Miễn công tác và sinh hoạt đảng"),
}


def apply_to_record(session: Session, paper: MemberPaper, event_name: str | None, values: dict[str, Any],
                    document: Document, user_id: int | None) -> None:
    """The change the issued paper makes to the member's record, in the transaction that stores it."""
    event = EVENTS.get(event_name or "")
    if paper.member is None or event is None or not event.changes_record:
        return
    date_field, changes, what = _EFFECTS[event.name](values)
    effective = _as_date(values.get(date_field)) or document.date
    member = session.get(Member, paper.member.id)
    record_from_paper(session, member, effective_on=effective, changes=changes, document_id=document.id,
                      note=f"{what} theo {document_type_name(document)} số {document.number}", user_id=user_id)
    if event.name == "recognition":
        member.official_on = effective


def member_named(session: Session, principal: policy.Principal, org: Organization, event_name: str | None,
                 raw: dict[str, Any]) -> int | None:
    """The member a paper typed by name is about, when no member was chosen: a paper about a member (not a
    candidate) whose ``person_name`` is that of exactly one member of the issuing organisation or below (in
    the caller's scope, whatever their standing — the record then says whether the paper fits) is read from
    that member's record, so a name typed by hand cannot contradict it. Several members of that name: the
    caller must choose. No member of that name: the paper is about someone the system does not keep."""
    name = raw.get("person_name")
    if not is_about_a_member(event_name) or not isinstance(name, str) or not name.strip():
        return None
    wanted = normalize(" ".join(name.split())).casefold()
    rows = session.execute(
        select(Member.id, Member.full_name).join(Organization, Member.organization_id == Organization.id)
        .where(policy.in_scope(principal), Organization.path.startswith(org.path, autoescape=True),
               Member.status.in_(ACTIVE))).all()
    found = [member_id for member_id, full_name in rows if normalize(" ".join(full_name.split())).casefold() == wanted]
    if len(found) > 1:
        raise ValidationFailed(
            f"Có {len(found)} đảng viên tên {name.strip()} trong {org.name}: chọn đúng người trong danh sách "
            "đảng viên.",
            errors={"member_id": "Chọn đảng viên trong danh sách (có nhiều người cùng tên)."})
    return found[0] if found else None


def document_type_name(document: Document) -> str:
    return {"quyet_dinh": "Quyết định", "nghi_quyet": "Nghị quyết"}.get(document.doc_type, "văn bản")


def members_to_choose(session: Session, principal: policy.Principal) -> list[tuple[int, str]]:
    """The members a paper may be about: official and probationary members in the caller's scope, as
    ``(id, "name (dự bị) — chi bộ")`` for a page's choice."""
    rows = session.execute(
        select(Member.id, Member.full_name, Member.status, Organization.name)
        .join(Organization, Member.organization_id == Organization.id)
        .where(policy.in_scope(principal), Member.status.in_(ACTIVE)).order_by(Organization.path, Member.full_name))
    return [(member_id, f"{name} ({STATUS_WORDS[status]}) — {org}") for member_id, name, status, org in rows]


def is_about_a_member(event_name: str | None) -> bool:
    """Whether a paper of this step is about someone with a member record (not a candidate)."""
    event = EVENTS.get(event_name or "")
    return event is not None and not event.candidate
