"""Vote base, quorum and vote results — pure functions over the attendance of one meeting.

The vote base (Quy định 24-QĐ/TW 9.3.2, carried into 232-QĐ/TW): the cell's official members
(attached ``den`` members are not the cell's), except those temporarily active elsewhere (``di``),
exempted members who are absent, suspended members, and members absent with an approved reason.
Probationary and attached members never vote; a resolution passes when more than half of the base
votes for it (Điều lệ Điều 10.5). The quorum is a share (profile) of the official members who must
be called — the same members, but those absent with a reason still count: an excused absence does not
make a meeting easier to hold (profile ``quorum.of``: ``members_called``, or ``vote_base`` as before).
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


def called(attendee: Attendee) -> bool:
    """An official member the meeting had to count on: every one but those away (``di``), exempted and
    absent, or suspended — whether or not they were excused."""
    excluded = exclusion(attendee)
    excused_only = (attendee.attendance is Attendance.absent_excused
                    and not (attendee.temporary is Temporary.di or attendee.suspended or attendee.exempted))
    return attendee.official and (excluded is None or excused_only)


def vote_base(attendees: list[Attendee]) -> dict[str, int]:
    """``base``: the members the vote is counted against; ``present``: those of them who can vote."""
    members = [a for a in attendees if in_vote_base(a)]
    return {"base": len(members), "present": sum(a.present for a in members)}


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
    """``base, present, required, met``, the threshold used and what it is a share of; ``unconfirmed`` when
    no national rule sets it (the minutes then say so)."""
    counted = called if profile.quorum.of == "members_called" else in_vote_base
    base_members = [a for a in attendees if counted(a)]
    base = len(base_members)
    present = sum(a.present for a in base_members)
    required = profile.quorum.required(base)
    return {"base": base, "present": present, "required": required, "met": base > 0 and present >= required,
            "threshold": profile.quorum.text, "of": profile.quorum.of, "unconfirmed": "quorum" in profile.unconfirmed}


def official_presence(attendees: list[Attendee]) -> tuple[int, int]:
    """The cell's official members present, and all of them (for the under-half warning)."""
    official = [a for a in attendees if a.official]
    return sum(a.present for a in official), len(official)


def vote_result(base: int, votes: Votes, profile: RuleProfile) -> dict[str, int | bool]:
    """The resolution vote against the vote base; ``needed`` is the smallest passing count."""
    return {"base": base, "for": votes.votes_for, "against": votes.against, "abstain": votes.abstain,
            "needed": base // 2 + 1, "passed": profile.passes(votes.votes_for, base)}
