"""Vote base, quorum and vote results — pure functions over the attendance of one meeting.

The vote base (Quy định 24-QĐ/TW 9.3.2, carried into 232-QĐ/TW): the cell's official members
(attached ``den`` members are not the cell's), except those temporarily active elsewhere (``di``),
exempted members who are absent, suspended members, and members absent with an approved reason.
Probationary and attached members never vote. The quorum is a share of the base present (profile);
a resolution passes when more than half of the base votes for it (Điều lệ Điều 10.5).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from docservice.db.models import MemberStatus, Position, Temporary
from docservice.rules import RuleProfile


class Attendance(enum.StrEnum):
    present = "present"
    absent_excused = "absent_excused"
    absent_unexcused = "absent_unexcused"


@dataclass(frozen=True)
class Attendee:
    """A member of the cell at one meeting, in their state on the meeting's date."""

    member_id: int
    full_name: str
    status: MemberStatus
    exempted: bool
    temporary: Temporary | None
    suspended: bool
    attendance: Attendance
    reason: str | None = None
    position: Position = Position.dang_vien

    @property
    def present(self) -> bool:
        return self.attendance is Attendance.present

    @property
    def official(self) -> bool:
        """An official member of this cell (an attached ``den`` member belongs to another)."""
        return self.status is MemberStatus.chinh_thuc and self.temporary is not Temporary.den


def exclusion(attendee: Attendee) -> str | None:
    """Why an official member is left out of the vote base (Vietnamese), or ``None``."""
    if attendee.temporary is Temporary.di:
        return "sinh hoạt tạm thời nơi khác"
    if attendee.exempted and not attendee.present:
        return "miễn công tác và sinh hoạt đảng, vắng mặt"
    if attendee.suspended:
        return "đình chỉ sinh hoạt đảng"
    if attendee.attendance is Attendance.absent_excused:
        return "vắng mặt có lý do được chấp thuận"
    return None


def in_vote_base(attendee: Attendee) -> bool:
    return attendee.official and exclusion(attendee) is None


@dataclass(frozen=True)
class Votes:
    votes_for: int
    against: int
    abstain: int

    @property
    def cast(self) -> int:
        return self.votes_for + self.against + self.abstain


def attendance_summary(attendees: list[Attendee]) -> dict[str, int]:
    """Totals by member status and by attendance, as the minutes report them."""
    own = [a for a in attendees if a.temporary is not Temporary.den]
    return {
        "members": len(own),
        "official": sum(a.status is MemberStatus.chinh_thuc for a in own),
        "probationary": sum(a.status is MemberStatus.du_bi for a in own),
        "attached": len(attendees) - len(own),
        "exempted": sum(a.exempted for a in own),
        "away": sum(a.temporary is Temporary.di for a in own),
        "suspended": sum(a.suspended for a in own),
        "present": sum(a.present for a in attendees),
        "absent_excused": sum(a.attendance is Attendance.absent_excused for a in attendees),
        "absent_unexcused": sum(a.attendance is Attendance.absent_unexcused for a in attendees),
    }


def quorum(attendees: list[Attendee], profile: RuleProfile) -> dict[str, int | bool | str]:
    """``base, present, required, met`` and the threshold used."""
    base_members = [a for a in attendees if in_vote_base(a)]
    base = len(base_members)
    present = sum(a.present for a in base_members)
    required = profile.quorum.required(base)
    return {"base": base, "present": present, "required": required, "met": base > 0 and present >= required,
            "threshold": profile.quorum.text}


def vote_result(base: int, votes: Votes, profile: RuleProfile) -> dict[str, int | bool]:
    """The resolution vote against the vote base; ``needed`` is the smallest passing count."""
    return {"base": base, "for": votes.votes_for, "against": votes.against, "abstain": votes.abstain,
            "needed": base // 2 + 1, "passed": profile.passes(votes.votes_for, base)}


def percent(part: int, whole: int, decimals: int = 1) -> str:
    """Vietnamese percentage with a decimal comma: ``89,3%`` (25/28), ``102,78%`` with 2 decimals."""
    if not whole:
        return "0%"
    text = f"{100 * part / whole:.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"
