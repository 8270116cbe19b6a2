"""The minutes and the resolution of a recorded meeting, written from its stored figures.

The minutes state the figures plainly (members, present, absent by name and reason, the vote base,
the quorum, each vote as "19/21 đồng chí tán thành (90,5%)"). The resolution is refused, with the
arithmetic in Vietnamese, when the quorum was not met or the vote did not pass.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docservice.archive.blobs import BlobStore
from docservice.db import Catalogue
from docservice.db.models import Document, Meeting, MemberStatus, Position, Temporary
from docservice.errors import DuplicateRecord, RuleViolation
from docservice.generation.catalogue import TemplateCatalogue
from docservice.generation.convert import PdfConverter
from docservice.generation.service import GenerationRequest, generate_document
from docservice.meetings.arithmetic import Attendance
from docservice.rules import RuleBook, RuleProfile
from docservice.sandbox import Sandbox
from docservice.security import policy
from docservice.text import percent

MINUTES_TEMPLATE = "bien-ban-sinh-hoat-chi-bo"
THEMATIC_MINUTES_TEMPLATE = "bien-ban-sinh-hoat-chuyen-de"
RESOLUTION_TEMPLATE = "nghi-quyet-chi-bo"
_TITLES = {Position.bi_thu: "Bí thư chi bộ", Position.pho_bi_thu: "Phó Bí thư chi bộ",
           Position.chi_uy_vien: "Chi ủy viên", Position.dang_vien: "Đảng viên"}
_SIGNER_TITLES = {Position.bi_thu: "BÍ THƯ", Position.pho_bi_thu: "PHÓ BÍ THƯ"}


def _clock(t: dt.time) -> str:
    return f"{t.hour} giờ {t.minute:02d} phút"


def _person(meeting: Meeting, member_id: int) -> tuple[str, Position]:
    row = next(a for a in meeting.attendance if a.member_id == member_id)
    return row.full_name, row.position


def _described(meeting: Meeting, member_id: int) -> str:
    name, position = _person(meeting, member_id)
    return f"đồng chí {name}, {_TITLES[position]}"


def meeting_summary(meeting: Meeting, profile: RuleProfile) -> str:
    """``sinh hoạt chi bộ thường kỳ tháng 02 năm 2026`` (the kind of meeting and when)."""
    if meeting.kind == "chuyen_de":
        return f"sinh hoạt chuyên đề {profile.month_text(meeting.date)}"
    if meeting.kind == "bat_thuong":
        return f"họp chi bộ bất thường {profile.date_text(meeting.date)}"
    return f"sinh hoạt chi bộ thường kỳ {profile.month_text(meeting.date)}"


def _names(rows: list[Any], with_reason: bool) -> str:
    """``Ngô Văn Khoa – đi công tác; Lê Thị Hà – ốm`` (reasons lower-cased after the dash)."""
    def one(row: Any) -> str:
        reason = (row.reason or "").strip().rstrip(".")
        return f"{row.full_name} – {reason[:1].lower()}{reason[1:]}" if with_reason and reason else row.full_name

    return "; ".join(one(r) for r in rows)


def _category(row: Any) -> str:
    """official / probationary / attached, as counted in the minutes."""
    if row.temporary is Temporary.den:
        return "attached"
    return "official" if row.status is MemberStatus.chinh_thuc else "probationary"


def _absence(row: Any) -> str:
    """Why a member is absent, by the member's state first: an exempted member or one active elsewhere is
    never "absent without reason", whatever the roll call said."""
    if row.exempted:
        return "exempted"
    if row.temporary is Temporary.di:
        return "away"
    return "excused" if row.attendance == Attendance.absent_excused else "unexcused"


def _present_line(meeting: Meeting) -> str:
    present = [a for a in meeting.attendance if a.attendance == Attendance.present]
    counts = {c: sum(_category(a) == c for a in present) for c in ("official", "probationary", "attached")}
    parts = [f"chính thức {counts['official']}", f"dự bị {counts['probationary']}"]
    if counts["attached"]:
        parts.append(f"sinh hoạt tạm thời {counts['attached']}")
    return f"Có mặt: {len(present)} đồng chí ({', '.join(parts)})."


_ABSENCE_LABELS = (("excused", "Vắng mặt có lý do", True), ("exempted", "Được miễn sinh hoạt, không dự họp", False),
                   ("away", "Đang sinh hoạt tạm thời nơi khác", False),
                   ("unexcused", "Vắng mặt không có lý do", False))


def _absent_lines(meeting: Meeting) -> list[str]:
    absent = [a for a in meeting.attendance if a.attendance != Attendance.present]
    lines = []
    for key, label, with_reason in _ABSENCE_LABELS:
        rows = [a for a in absent if _absence(a) == key]
        if rows or key in ("excused", "unexcused"):
            lines.append(f"{label}: {len(rows)} đồng chí" + (f" ({_names(rows, with_reason)})" if rows else "") + ".")
    return lines


def _quorum_line(q: dict[str, Any]) -> str:
    called = "phải triệu tập" if q.get("of") == "members_called" else "được tính để biểu quyết"
    figures = (f"Số đảng viên chính thức {called}: {q['base']} đồng chí; có mặt {q['present']} đồng chí "
               f"({percent(q['present'], q['base'])}); mức tối thiểu để tiến hành: {q['required']} đồng chí "
               f"({q['threshold']})")
    if q.get("unconfirmed"):
        figures += ", theo mức chi bộ áp dụng (chưa có quy định chung của Trung ương về số lượng này)"
    verdict = ("Cuộc họp đủ số lượng theo mức trên." if q.get("unconfirmed") else "Cuộc họp đủ điều kiện tiến hành.") \
        if q["met"] else "Cuộc họp KHÔNG đủ số lượng để biểu quyết."
    return f"{figures}. {verdict}"


def composition(meeting: Meeting) -> list[str]:
    """The attendance paragraph lines of the minutes, every figure spelled out."""
    s, q = meeting.figures["attendance_summary"], meeting.figures["quorum"]
    voting = meeting.figures.get("vote_base")
    lines = [
        f"Tổng số đảng viên của chi bộ: {s['members']} đồng chí (chính thức {s['official']}, dự bị "
        f"{s['probationary']}); đảng viên nơi khác đến sinh hoạt tạm thời: {s['attached']} đồng chí.",
    ]
    if s["exempted"] or s["away"] or s["suspended"]:
        lines.append(f"Được miễn công tác và sinh hoạt đảng: {s['exempted']} đồng chí; sinh hoạt tạm thời nơi "
                     f"khác: {s['away']} đồng chí; bị đình chỉ sinh hoạt: {s['suspended']} đồng chí.")
    lines += [_present_line(meeting), *_absent_lines(meeting), _quorum_line(q)]
    if voting is not None and (voting["base"], voting["present"]) != (q["base"], q["present"]):
        lines.append(f"Số đảng viên chính thức được tính để biểu quyết: {voting['base']} đồng chí "
                     f"(có mặt {voting['present']} đồng chí).")
    return lines


def _vote_line(label: str, vote: dict[str, Any]) -> str:
    verdict = "thông qua" if vote["passed"] else "KHÔNG được thông qua (cần hơn một nửa)"
    return (f"{label}: {vote['for']}/{vote['base']} đồng chí tán thành ({percent(vote['for'], vote['base'])}), "
            f"{vote['against']} đồng chí không tán thành, {vote['abstain']} đồng chí không biểu quyết — {verdict}.")


def vote_lines(meeting: Meeting) -> list[str]:
    lines = [_vote_line("Biểu quyết thông qua nghị quyết", meeting.figures["vote"])] if meeting.figures["vote"] else []
    lines += [_vote_line(f"Biểu quyết {v['subject']}", v) for v in meeting.figures["other_votes"]]
    return lines


def _speaker_line(meeting: Meeting, speaker: dict[str, Any]) -> str:
    name = _person(meeting, speaker["member_id"])[0] if speaker.get("member_id") else speaker["name"]
    return f"Đồng chí {name}: {speaker['summary']}"


def minutes_fields(meeting: Meeting, profile: RuleProfile) -> dict[str, Any]:
    """The minutes template's fields, all taken from the recorded meeting."""
    chair_name, _ = _person(meeting, meeting.chair_id)
    taker_name, _ = _person(meeting, meeting.minute_taker_id)
    org = meeting.organization
    opening = (f"Vào hồi {_clock(meeting.start_time)}, {profile.date_text(meeting.date)}, tại {meeting.location}, "
               f"{org.name} tiến hành {meeting_summary(meeting, profile)}.")
    topic = [f"Chủ đề: {meeting.topic}."] if meeting.topic and meeting.kind != "chuyen_de" else []
    return {
        "date": meeting.date.isoformat(), "summary": meeting_summary(meeting, profile),
        "opening": "\n".join([opening, *topic]),
        "chair": _described(meeting, meeting.chair_id), "minute_taker": _described(meeting, meeting.minute_taker_id),
        "guests": meeting.guests, "composition": "\n".join(composition(meeting)),
        "contents": [{"heading": c["heading"], "text": c.get("text") or "",
                      "speakers": [_speaker_line(meeting, s) for s in c.get("speakers", [])]}
                     for c in meeting.contents],
        "conclusion": meeting.conclusion, "votes": "\n".join(vote_lines(meeting)) or None,
        "closing": f"Cuộc họp kết thúc vào hồi {_clock(meeting.end_time)} cùng ngày."
                   + (" Biên bản đã được đọc lại trước chi bộ và được nhất trí thông qua." if meeting.minutes_read_back
                      else ""),
        "minute_taker_name": taker_name, "chair_name": chair_name,
    }


def refuse_unless_adopted(meeting: Meeting) -> dict[str, Any]:
    """The resolution vote if the meeting could adopt it; otherwise ``RuleViolation`` with the sums."""
    q, vote = meeting.figures["quorum"], meeting.figures["vote"]
    if not q["met"]:
        counted = "phải triệu tập" if q.get("of") == "members_called" else "được tính để biểu quyết"
        raise RuleViolation(
            f"Không ra được nghị quyết: cuộc họp không đủ số lượng. Có mặt {q['present']}/{q['base']} đảng viên "
            f"chính thức {counted} ({percent(q['present'], q['base'])}), cần ít nhất "
            f"{q['required']} ({q['threshold']} của {q['base']})"
            + (" — mức do chi bộ áp dụng, chưa có quy định chung của Trung ương." if q.get("unconfirmed") else "."),
            extra={"quorum": q})
    if vote is None:
        raise RuleViolation("Không ra được nghị quyết: cuộc họp chưa ghi kết quả biểu quyết nghị quyết.",
                            errors={"votes": "Chưa có kết quả biểu quyết."})
    if not vote["passed"]:
        raise RuleViolation(
            f"Nghị quyết không được thông qua: {vote['for']}/{vote['base']} đồng chí tán thành "
            f"({percent(vote['for'], vote['base'])}), cần hơn một nửa số đảng viên được tính để biểu quyết, "
            f"tức ít nhất {vote['needed']} đồng chí.", extra={"vote": vote})
    return vote


def resolution_defaults(meeting: Meeting, profile: RuleProfile) -> dict[str, Any]:
    """Fields of the resolution that the meeting already knows; the caller adds the rest (tasks)."""
    signer_name, position = _person(meeting, meeting.signer_id)
    return {
        "date": meeting.date.isoformat(),
        "subject": f"về lãnh đạo thực hiện nhiệm vụ tháng {meeting.date.month:02d}/{meeting.date.year}"
        if meeting.kind == "thuong_ky" or not meeting.topic else f"về {meeting.topic}",
        "results": meeting.conclusion, "signer_name": signer_name,
        "signer_title": _SIGNER_TITLES.get(position, "BÍ THƯ"),
    }


def adopted_line(meeting: Meeting, vote: dict[str, Any]) -> str:
    return (f"Nghị quyết này đã được {meeting.organization.name} thông qua tại buổi sinh hoạt "
            f"ngày {meeting.date:%d/%m/%Y} với {vote['for']}/{vote['base']} đồng chí tán thành "
            f"({percent(vote['for'], vote['base'])}).")


def existing_document(session: Session, meeting: Meeting, template: str) -> None:
    """409 when this meeting already has its minutes (or resolution)."""
    found = session.scalar(select(Document.id).where(Document.meeting_id == meeting.id,
                                                     Document.template == template))
    if found is not None:
        raise DuplicateRecord(f"Cuộc họp này đã có văn bản số hiệu {found}.", extra={"id": found})


def minutes_template(meeting: Meeting) -> str:
    return THEMATIC_MINUTES_TEMPLATE if meeting.kind == "chuyen_de" else MINUTES_TEMPLATE


def minutes_request(meeting: Meeting, profile: RuleProfile) -> GenerationRequest:
    fields = minutes_fields(meeting, profile)
    if meeting.kind == "chuyen_de":
        fields["topic"] = meeting.topic or meeting_summary(meeting, profile)
    return GenerationRequest(template=minutes_template(meeting), organization_id=meeting.organization_id,
                             fields=fields, confidentiality=meeting.confidentiality, meeting_id=meeting.id)


def resolution_request(meeting: Meeting, profile: RuleProfile, fields: dict[str, Any]) -> GenerationRequest:
    vote = refuse_unless_adopted(meeting)
    return GenerationRequest(template=RESOLUTION_TEMPLATE, organization_id=meeting.organization_id,
                             fields={**resolution_defaults(meeting, profile), **fields},
                             confidentiality=meeting.confidentiality, meeting_id=meeting.id,
                             extra={"adopted_line": adopted_line(meeting, vote)})


def generate_for_meeting(
    meeting_id: int, which: str, fields: dict[str, Any], principal: policy.Principal, *, catalogue: Catalogue,
    blobs: BlobStore, converter: PdfConverter, templates: TemplateCatalogue, rules: RuleBook,
    sandbox: Sandbox | None = None,
) -> Document:
    """The minutes (``which="minutes"``) or the resolution of a meeting, numbered and stored."""
    policy.require(principal, "document.create")
    with catalogue.reader() as session:
        meeting = policy.get_visible(session, Meeting, meeting_id, principal)
        meeting.organization  # noqa: B018 - loaded while the session is open
        meeting.attendance  # noqa: B018
        template = minutes_template(meeting) if which == "minutes" else RESOLUTION_TEMPLATE
        existing_document(session, meeting, template)
    profile = rules.for_date(meeting.date)
    request = minutes_request(meeting, profile) if which == "minutes" else resolution_request(meeting, profile, fields)
    return generate_document(request, principal, catalogue=catalogue, blobs=blobs, converter=converter,
                             templates=templates, rules=rules, sandbox=sandbox)
