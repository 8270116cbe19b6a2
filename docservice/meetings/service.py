"""Record a meeting: check attendance against the cell as it was that day, compute, store."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from docservice.db import Catalogue
from docservice.db.models import Clearance, Meeting, MeetingAttendance, Organization, OrgKind, Temporary
from docservice.errors import RuleViolation, ValidationFailed
from docservice.meetings.arithmetic import (
    Attendance,
    Attendee,
    Votes,
    attendance_summary,
    official_presence,
    quorum,
    vote_base,
    vote_result,
)
from docservice.meetings.models import MeetingIn
from docservice.registry.members import MemberState, members_on
from docservice.rules import RuleBook, RuleProfile
from docservice.security import policy
from docservice.security.audit import append_event
from docservice.text import percent

MIN_MINUTES = 90  # Hướng dẫn 42-HD/BTCTW (28/10/2025)
GUIDE_42_FROM = dt.date(2025, 10, 28)
_DEFAULT_ABSENCE = {"di": "Sinh hoạt tạm thời nơi khác", "exempted": "Được miễn công tác và sinh hoạt đảng"}


def _attendees(data: MeetingIn, states: dict[int, MemberState]) -> tuple[list[Attendee], dict[str, str]]:
    """The listed attendance joined to each member's state; errors per field in Vietnamese."""
    errors: dict[str, str] = {}
    seen: dict[int, Attendee] = {}
    for index, entry in enumerate(data.attendance):
        state = states.get(entry.member_id)
        where = f"attendance.{index}"
        if state is None:
            errors[f"{where}.member_id"] = f"Không phải đảng viên của chi bộ vào ngày {data.date:%d/%m/%Y}."
        elif entry.member_id in seen:
            errors[f"{where}.member_id"] = f"Đồng chí {state.full_name} được điểm danh hai lần."
        elif entry.status is Attendance.absent_excused and not (entry.reason or "").strip():
            errors[f"{where}.reason"] = "Vắng có lý do cần ghi rõ lý do."
        else:
            seen[entry.member_id] = _attendee(state, entry.status, entry.reason)
    for member_id, state in states.items():
        if member_id in seen:
            continue
        if state.temporary is Temporary.di or state.exempted:
            reason = _DEFAULT_ABSENCE["di" if state.temporary is Temporary.di else "exempted"]
            seen[member_id] = _attendee(state, Attendance.absent_excused, reason)
    missing = [s.full_name for i, s in states.items() if i not in seen]
    if missing:
        errors["attendance"] = "Chưa điểm danh các đồng chí: " + ", ".join(missing) + "."
    return sorted(seen.values(), key=lambda a: a.member_id), errors


def _attendee(state: MemberState, attendance: Attendance, reason: str | None) -> Attendee:
    return Attendee(state.member_id, state.full_name, state.status, state.exempted, state.temporary,
                    state.suspended, attendance, (reason or "").strip() or None, state.position)


def _check_people(data: MeetingIn, attendees: list[Attendee], errors: dict[str, str]) -> None:
    present = {a.member_id for a in attendees if a.present}
    for field, label in (("chair_id", "Người chủ trì"), ("minute_taker_id", "Thư ký"), ("signer_id", "Người ký")):
        member_id = getattr(data, field)
        if member_id is not None and member_id not in present:
            errors[field] = f"{label} phải là đảng viên có mặt tại cuộc họp."
    for c, content in enumerate(data.contents):
        for s, speaker in enumerate(content.speakers):
            if speaker.member_id is not None and speaker.member_id not in present:
                errors[f"contents.{c}.speakers.{s}.member_id"] = "Người phát biểu không có mặt tại cuộc họp."


def _warnings(data: MeetingIn) -> list[str]:
    minutes = (dt.datetime.combine(data.date, data.end_time) - dt.datetime.combine(data.date, data.start_time))
    length = int(minutes.total_seconds() // 60)
    if data.date >= GUIDE_42_FROM and length < MIN_MINUTES:
        return [f"Thời lượng sinh hoạt {length} phút, ít hơn {MIN_MINUTES} phút theo Hướng dẫn 42-HD/BTCTW."]
    return []


def _presence_warnings(attendees: list[Attendee]) -> list[str]:
    present, official = official_presence(attendees)
    if official and 2 * present < official:
        return [f"Chỉ có {present}/{official} đảng viên chính thức có mặt ({percent(present, official)}), "
                "chưa đến một nửa: cần xem lại việc triệu tập và giá trị của các quyết định."]
    return []


def compute_figures(data: MeetingIn, attendees: list[Attendee], profile: RuleProfile) -> dict[str, Any]:
    """Attendance totals, quorum, the resolution vote and other votes, by ``profile``."""
    quorum_figures = quorum(attendees, profile)
    voting = vote_base(attendees)
    base = voting["base"]
    figures: dict[str, Any] = {
        "attendance_summary": attendance_summary(attendees), "quorum": quorum_figures, "vote_base": voting,
        "vote": None, "other_votes": [], "warnings": _warnings(data) + _presence_warnings(attendees),
        "profile": {"key": profile.key, "name": profile.name},
    }
    voters = voting["present"]
    ballots = ([("votes", data.votes)] if data.votes else []) + [
        (f"other_votes.{i}", v) for i, v in enumerate(data.other_votes)]
    errors = {field: f"Tổng số phiếu ({_cast(v)}) nhiều hơn số đảng viên có quyền biểu quyết có mặt ({voters})."
              for field, v in ballots if _cast(v) > voters}
    if errors:
        raise ValidationFailed("Kết quả biểu quyết không khớp với số người có mặt.", errors=errors)
    if data.votes:
        figures["vote"] = vote_result(base, _votes(data.votes), profile)
    figures["other_votes"] = [{"subject": v.subject, **vote_result(base, _votes(v), profile)}
                              for v in data.other_votes]
    return figures


def _votes(v: Any) -> Votes:
    return Votes(v.votes_for, v.against, v.abstain)


def _cast(v: Any) -> int:
    return _votes(v).cast


def _organization(session: Session, data: MeetingIn, principal: policy.Principal) -> Organization:
    org = policy.get_organization(session, data.organization_id, principal)
    if org.kind is not OrgKind.chi_bo:
        raise RuleViolation("Hiện chỉ ghi được cuộc họp của chi bộ (cách tính của cấp ủy khác chi bộ).",
                            errors={"organization_id": "Tổ chức này không phải chi bộ."})
    return org


def record_meeting(data: MeetingIn, principal: policy.Principal, *, catalogue: Catalogue,
                   rules: RuleBook) -> Meeting:
    """Validate, compute and store a meeting; ``ValidationFailed`` lists every problem found."""
    with catalogue.session() as session:
        return store_meeting(session, data, principal, rules.for_date(data.date))


def store_meeting(session: Session, data: MeetingIn, principal: policy.Principal, profile: RuleProfile) -> Meeting:
    """``record_meeting`` inside the caller's transaction (the demo data uses it too)."""
    policy.require(principal, "meeting.write")
    level = Clearance[data.confidentiality]
    policy.check_clearance(principal, level)
    org = _organization(session, data, principal)
    states = {s.member_id: s for s in members_on(session, org.id, data.date)}
    attendees, errors = _attendees(data, states)
    _check_people(data, attendees, errors)
    if errors:
        raise ValidationFailed(f"Biên bản cuộc họp có {len(errors)} chỗ cần sửa.", errors=errors)
    figures = compute_figures(data, attendees, profile)
    meeting = Meeting(
        organization_id=org.id, kind=data.kind, date=data.date, start_time=data.start_time,
        end_time=data.end_time, location=data.location, chair_id=data.chair_id,
        minute_taker_id=data.minute_taker_id, signer_id=data.signer_id or data.chair_id, topic=data.topic,
        guests=data.guests, contents=[c.model_dump() for c in data.contents], conclusion=data.conclusion,
        votes=data.votes.model_dump(by_alias=True) if data.votes else None,
        other_votes=[v.model_dump(by_alias=True) for v in data.other_votes], profile=profile.key,
        figures=figures, confidentiality=level, created_by=principal.user_id, minutes_read_back=data.minutes_read_back,
        attendance=[MeetingAttendance(
            member_id=a.member_id, full_name=a.full_name, attendance=a.attendance.value, reason=a.reason,
            status=a.status, exempted=a.exempted, temporary=a.temporary, suspended=a.suspended,
            position=a.position) for a in attendees],
    )
    session.add(meeting)
    session.flush()
    append_event(session, username=principal.username, action="meeting.create", object_type="meeting",
                 object_id=meeting.id, remote_addr=principal.remote_addr)
    meeting.organization = org
    return meeting


def attendees_of(meeting: Meeting) -> list[Attendee]:
    """The stored attendance as ``Attendee`` values (the state kept from the meeting's date)."""
    return [Attendee(a.member_id, a.full_name, a.status, a.exempted, a.temporary, a.suspended,
                     Attendance(a.attendance), a.reason, a.position) for a in meeting.attendance]
