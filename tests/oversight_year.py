"""A generated year of meetings of one chi bộ, and the figures computed from the plan alone.

The plan says who was where at each meeting; ``expected_*`` functions count from the plan without any of
the service's code, so a test can hold the service's figures against them."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

YEAR = 2025
# month → day of the regular meeting (None: not held); the default rule is the 7th with 2 days' grace
REGULAR_DAYS = {1: 7, 2: 12, 3: None, 4: 9, 5: 3, 6: None, 7: 10, 8: 7, 9: 8, 10: 6, 11: 7, 12: 9}
EXPECTED_STATUS = {1: "on_time", 2: "late", 3: "missing", 4: "on_time", 5: "on_time", 6: "missing", 7: "late",
                   8: "on_time", 9: "on_time", 10: "on_time", 11: "on_time", 12: "on_time"}
THEMATIC_DAYS = [dt.date(YEAR, 2, 20), dt.date(YEAR, 8, 25), dt.date(YEAR, 11, 20)]  # none in the 2nd quarter
CONFIDENTIAL_DAY = dt.date(YEAR, 9, 20)  # an extraordinary meeting classified "mật"


@dataclass
class PlannedMeeting:
    date: dt.date
    kind: str
    confidentiality: str = "thuong"
    attendance: dict[int, str] = field(default_factory=dict)  # member id → present / absent_excused / …


def plan_year(cell: dict[str, list[int]], seed: int = 2025) -> tuple[list[PlannedMeeting], dict[str, int]]:
    """Meetings of the year with varied attendance, and the members given fixed absence patterns:
    ``flagged`` misses three months without reason, ``twice`` misses two meetings of one month and one other
    month (two months: not flagged), ``hidden`` reaches three months only with the confidential meeting."""
    rng = random.Random(seed)
    others = cell["others"]
    chair, taker, flagged, twice, hidden = others[0], others[1], others[5], others[6], others[7]
    fixed_absences = {flagged: {dt.date(YEAR, 1, 7), dt.date(YEAR, 4, 9), dt.date(YEAR, 9, 8)},
                      twice: {dt.date(YEAR, 2, 12), dt.date(YEAR, 2, 20), dt.date(YEAR, 10, 6)},
                      hidden: {dt.date(YEAR, 5, 3), dt.date(YEAR, 7, 10), CONFIDENTIAL_DAY}}
    meetings = [PlannedMeeting(dt.date(YEAR, m, d), "thuong_ky") for m, d in REGULAR_DAYS.items() if d]
    meetings += [PlannedMeeting(day, "chuyen_de") for day in THEMATIC_DAYS]
    meetings.append(PlannedMeeting(CONFIDENTIAL_DAY, "bat_thuong", "mat"))
    meetings.sort(key=lambda m: m.date)
    everyone = [m for group in ("exempted", "di", "others", "probationary", "den") for m in cell[group]]
    for meeting in meetings:
        for member in everyone:
            if member in (chair, taker):
                status = "present"
            elif member in fixed_absences:
                status = "absent_unexcused" if meeting.date in fixed_absences[member] else "present"
            elif member in cell["di"]:
                status = "absent_excused"
            elif member in cell["exempted"]:
                status = rng.choice(["present", "absent_excused", "absent_excused"])
            else:
                status = rng.choices(["present", "absent_excused", "absent_unexcused"], weights=[86, 11, 3])[0]
            meeting.attendance[member] = status
    return meetings, {"flagged": flagged, "twice": twice, "hidden": hidden, "chair": chair, "taker": taker}


def meeting_body(org_id: int, meeting: PlannedMeeting, chair: int, taker: int,
                 voters: set[int] | None = None) -> dict[str, object]:
    """The API body; with ``voters`` (the official members of the cell) a regular meeting records a vote in
    which every official member present votes for."""
    reasons = {"absent_excused": "Đi công tác"}
    votes = None
    if voters is not None and meeting.kind == "thuong_ky":
        votes = {"for": sum(s == "present" for m, s in meeting.attendance.items() if m in voters), "against": 0,
                 "abstain": 0}
    return {
        "organization_id": org_id, "kind": meeting.kind, "date": meeting.date.isoformat(), "start_time": "19:30",
        "end_time": "21:30", "location": "Nhà văn hóa thôn", "chair_id": chair, "minute_taker_id": taker,
        "attendance": [{"member_id": m, "status": s, **({"reason": reasons[s]} if s in reasons else {})}
                       for m, s in meeting.attendance.items()],
        "topic": ("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh" if meeting.kind == "chuyen_de"
                  else None),
        "contents": [{"heading": "Đánh giá tình hình tháng", "text": "Chi bộ đánh giá kết quả công tác trong tháng.",
                      "speakers": []}],
        "conclusion": "Chi bộ thống nhất các nhiệm vụ tháng tới.",
        "votes": votes,
        "confidentiality": meeting.confidentiality,
    }


# --- the independent computation ----------------------------------------------------------------------------

def _expected_members(cell: dict[str, list[int]]) -> set[int]:
    """Members a meeting counts: not exempted, not attending elsewhere (the plan has no suspensions)."""
    return set(cell["others"] + cell["probationary"] + cell["den"])


def expected_attendance(cell, meetings: list[PlannedMeeting], cleared: bool) -> dict[str, int]:
    counted = _expected_members(cell)
    totals = {"expected": 0, "present": 0, "absent_excused": 0, "absent_unexcused": 0}
    for meeting in meetings:
        if meeting.confidentiality != "thuong" and not cleared:
            continue
        for member, status in meeting.attendance.items():
            if member in counted:
                totals["expected"] += 1
                totals[status] += 1
    return totals


def expected_alerts(cell, meetings: list[PlannedMeeting], cleared: bool, threshold: int = 3) -> dict[int, list[int]]:
    counted = _expected_members(cell)
    months: dict[int, set[int]] = {}
    for meeting in meetings:
        if meeting.confidentiality != "thuong" and not cleared:
            continue
        for member, status in meeting.attendance.items():
            if member in counted and status == "absent_unexcused":
                months.setdefault(member, set()).add(meeting.date.month)
    return {m: sorted(v) for m, v in months.items() if len(v) >= threshold}


def expected_member(cell, meetings: list[PlannedMeeting], member: int, cleared: bool) -> dict[str, int]:
    totals = {"expected": 0, "present": 0, "absent_excused": 0, "absent_unexcused": 0}
    for meeting in meetings:
        if (meeting.confidentiality != "thuong" and not cleared) or member not in _expected_members(cell):
            continue
        totals["expected"] += 1
        totals[meeting.attendance[member]] += 1
    return totals
