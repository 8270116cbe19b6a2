"""Meetings: record one (figures computed by the rules of its date), then its minutes and resolution."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from docservice.api.context import api_blueprint, audit_read, caller, dump, problems
from docservice.api.documents import document_out
from docservice.api.schemas import DocumentOut, IdPath
from docservice.db.models import Meeting
from docservice.meetings.documents import generate_for_meeting
from docservice.meetings.models import MeetingIn
from docservice.meetings.service import record_meeting
from docservice.security import policy
from docservice.services import current_services

blueprint = api_blueprint("meetings", "Sinh hoạt chi bộ")


class AttendanceOut(BaseModel):
    member_id: int
    full_name: str
    status: str = Field(description="present | absent_excused | absent_unexcused")
    reason: str | None
    membership: str
    exempted: bool
    temporary: str | None
    suspended: bool


class MeetingOut(BaseModel):
    id: int
    organization_id: int
    kind: str
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    location: str
    chair_id: int
    minute_taker_id: int
    signer_id: int
    topic: str | None
    guests: list[str]
    contents: list[dict[str, Any]]
    conclusion: str
    votes: dict[str, int] | None
    other_votes: list[dict[str, Any]]
    confidentiality: str
    attendance: list[AttendanceOut]
    attendance_summary: dict[str, int]
    quorum: dict[str, Any] = Field(description="base, present, required, met, threshold; of (members_called: "
                                   "excused absences stay in the base), unconfirmed (no national rule)")
    vote_base: dict[str, int] | None = Field(None, description="base, present: the official members a vote is "
                                             "counted against (Quy định 24-QĐ/TW 9.3.2)")
    vote: dict[str, Any] | None = Field(description="base, for, against, abstain, needed, passed")
    other_vote_results: list[dict[str, Any]]
    profile: dict[str, str] = Field(description="the rule profile of the meeting's date")
    warnings: list[str]
    minutes_read_back: bool


class ResolutionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fields: dict[str, Any] = Field(default_factory=dict, description="Trường của mẫu nghị quyết (tasks, …); "
                                   "ngày, trích yếu, kết quả và người ký lấy từ cuộc họp nếu không gửi")


def meeting_out(meeting: Meeting) -> MeetingOut:
    figures = meeting.figures
    return MeetingOut(
        id=meeting.id, organization_id=meeting.organization_id, kind=meeting.kind, date=meeting.date,
        start_time=meeting.start_time, end_time=meeting.end_time, location=meeting.location,
        chair_id=meeting.chair_id, minute_taker_id=meeting.minute_taker_id, signer_id=meeting.signer_id,
        topic=meeting.topic, guests=meeting.guests, contents=meeting.contents, conclusion=meeting.conclusion,
        votes=meeting.votes, other_votes=meeting.other_votes, confidentiality=meeting.confidentiality.name,
        attendance=[AttendanceOut(member_id=a.member_id, full_name=a.full_name, status=a.attendance,
                                  reason=a.reason, membership=a.status.value, exempted=a.exempted,
                                  temporary=a.temporary.value if a.temporary else None, suspended=a.suspended)
                    for a in meeting.attendance],
        attendance_summary=figures["attendance_summary"], quorum=figures["quorum"], vote=figures["vote"],
        vote_base=figures.get("vote_base"), minutes_read_back=meeting.minutes_read_back,
        other_vote_results=figures["other_votes"], profile=figures["profile"], warnings=figures["warnings"],
    )


@blueprint.post("/meetings", responses={201: MeetingOut, **problems(403)})
def create_meeting(body: MeetingIn):
    """Ghi một buổi sinh hoạt: điểm danh, nội dung, kết luận, biểu quyết; tính túc số và kết quả."""
    svc = current_services()
    meeting = record_meeting(body, caller(), catalogue=svc.catalogue, rules=svc.rules)
    return dump(meeting_out(meeting), 201)


@blueprint.get("/meetings/<int:id>", responses={200: MeetingOut})
def get_meeting(path: IdPath):
    """Một buổi sinh hoạt đã ghi."""
    principal = caller()
    policy.require(principal, "meeting.read")
    with current_services().catalogue.reader() as session:
        meeting = policy.get_visible(session, Meeting, path.id, principal)
        out = meeting_out(meeting)
    audit_read("meeting.view", meeting)
    return dump(out)


def _generate(meeting_id: int, which: str, fields: dict[str, Any]):
    svc = current_services()
    document = generate_for_meeting(meeting_id, which, fields, caller(), catalogue=svc.catalogue, blobs=svc.blobs,
                                    converter=svc.converter, templates=svc.templates, rules=svc.rules,
                                    sandbox=svc.sandbox)
    return dump(document_out(document), 201)


@blueprint.post("/meetings/<int:id>/minutes", responses={201: DocumentOut, **problems(403, 409, 503)})
def create_minutes(path: IdPath):
    """Lập biên bản của buổi sinh hoạt (số BB theo nhiệm kỳ)."""
    return _generate(path.id, "minutes", {})


@blueprint.post("/meetings/<int:id>/resolution", responses={201: DocumentOut, **problems(403, 409, 503)})
def create_resolution(path: IdPath, body: ResolutionIn):
    """Ra nghị quyết của buổi sinh hoạt; 422 kèm số liệu khi không đủ túc số hoặc không được thông qua."""
    return _generate(path.id, "resolution", body.fields)
