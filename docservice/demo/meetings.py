"""A year of meetings for the demo chi bộ, so the committee's overview has something to show.

The twelve months before the current one and this month so far: Khu phố 1 meets on the 7th (once late),
Khu phố 3 misses two months, meets late once and skips thematic meetings, and one of its members misses three
meetings without reason in one year; the school chi bộ meets on the first Thursday (its own rule). Attendance
otherwise varies at random with a fixed seed, so every run of ``init --demo`` on the same day makes the same year.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from docservice.db.models import (
    AdmissionTarget,
    Clearance,
    Meeting,
    MeetingSchedule,
    MemberStatus,
    Organization,
    Position,
    Role,
    Temporary,
)
from docservice.meetings.models import MeetingIn
from docservice.meetings.service import store_meeting
from docservice.oversight.calendar import Schedule, add_months
from docservice.registry.members import MemberState, members_on
from docservice.rules import RuleBook
from docservice.security.policy import Principal

SCHOOL_RULE = Schedule(day=None, weekday=3, nth=1, grace_days=2)  # the first Thursday
FLAGGED = "Tạ Quang Huy"
TOPICS = ["Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
          "Nâng cao chất lượng sinh hoạt chi bộ", "Công tác dân vận ở khu dân cư",
          "Phòng, chống tham nhũng, lãng phí, tiêu cực"]


def _months(today: dt.date) -> list[dt.date]:
    """The twelve months before this one, and this one up to today."""
    first = today.replace(day=1)
    return [add_months(first, -n) for n in range(12, -1, -1)]


def _plan(code: str, months: list[dt.date], own_rule: Schedule, default_day: int) -> dict[dt.date, str]:
    """Meeting days of a cell: ``thuong_ky`` and ``chuyen_de`` by date."""
    days: dict[dt.date, str] = {}
    for index, month in enumerate(months):
        if code == "cb-kp3" and index in (3, 8):
            continue  # two months without a meeting
        rule = own_rule if code == "cb-th-an-phu" else Schedule(day=default_day)
        due = rule.due(month.year, month.month)
        late = (code == "cb-kp1" and index == 5) or (code == "cb-kp3" and index == 10)
        days[due + dt.timedelta(days=5 if late else index % 2)] = "thuong_ky"
        if month.month % 3 == 2 and not (code == "cb-kp3" and index in (4, 5, 6)):
            days[month.replace(day=20)] = "chuyen_de"
    return days


def _attendance(states: list[MemberState], rng: random.Random, unexcused: set[str]) -> list[dict[str, object]]:
    rows = []
    for s in states:
        if s.position in (Position.bi_thu, Position.pho_bi_thu) or s.full_name in unexcused:
            status = "absent_unexcused" if s.full_name in unexcused else "present"
            rows.append({"member_id": s.member_id, "status": status})
        elif s.temporary is Temporary.di or s.suspended or s.exempted:
            reason = ("Sinh hoạt tạm thời nơi khác" if s.temporary is Temporary.di
                      else "Đình chỉ sinh hoạt" if s.suspended else "Được miễn sinh hoạt")
            rows.append({"member_id": s.member_id, "status": "absent_excused", "reason": reason})
        else:
            status = rng.choices(["present", "absent_excused", "absent_unexcused"], weights=[88, 9, 3])[0]
            reason = rng.choice(["Đi công tác", "Ốm", "Việc gia đình"]) if status == "absent_excused" else None
            rows.append({"member_id": s.member_id, "status": status, **({"reason": reason} if reason else {})})
    return rows


def _chair_and_taker(states: list[MemberState], present: set[int]) -> tuple[int, int]:
    by_position = {s.position: s.member_id for s in states if s.member_id in present}
    chair = by_position.get(Position.bi_thu) or min(present)
    taker = by_position.get(Position.pho_bi_thu) or next(m for m in sorted(present) if m != chair)
    return chair, taker


def load_demo_meetings(session: Session, orgs: dict[str, Organization], cells: list[str], rules: RuleBook,
                       today: dt.date) -> int:
    """Add the demo year unless the demo chi bộ already have meetings; the number of meetings added."""
    ids = [orgs[c].id for c in cells]
    if session.scalar(select(func.count()).select_from(Meeting).where(Meeting.organization_id.in_(ids))):
        return 0
    root = orgs["dbp-an-phu"]
    school = orgs["cb-th-an-phu"]
    if session.get(MeetingSchedule, school.id) is None:
        session.add(MeetingSchedule(organization_id=school.id, weekday=SCHOOL_RULE.weekday, nth=SCHOOL_RULE.nth,
                                    grace_days=SCHOOL_RULE.grace_days, updated_by="init --demo"))
    if session.get(AdmissionTarget, (root.id, today.year)) is None:
        session.add(AdmissionTarget(organization_id=root.id, year=today.year, target=3, updated_by="init --demo"))
    principal = Principal(None, "init --demo", Role.admin, root.id, root.path, Clearance.toi_mat)
    months = _months(today)
    added = 0
    for code in cells:
        rng = random.Random(f"{code}-{months[0].isoformat()}")  # noqa: S311 - made-up attendance, not secrets
        plan = _plan(code, months, SCHOOL_RULE, rules.current().oversight.schedule_day)
        regular = sorted(d for d, kind in plan.items() if kind == "thuong_ky" and d < today)
        busiest = max({d.year for d in regular}, key=lambda y: sum(d.year == y for d in regular))
        missed = set(sorted(d for d in regular if d.year == busiest)[-3:]) if code == "cb-kp3" else set()
        for day, kind in sorted(plan.items()):
            if day >= today:
                continue
            states = members_on(session, orgs[code].id, day)
            if len(states) < 2:
                continue
            attendance = _attendance(states, rng, {FLAGGED} if day in missed else set())
            present = {r["member_id"] for r in attendance if r["status"] == "present"}
            chair, taker = _chair_and_taker(states, present)
            voters = {s.member_id for s in states  # official members of this cell, not suspended
                      if s.status is MemberStatus.chinh_thuc and s.temporary is not Temporary.den and not s.suspended}
            votes = {"for": len(present & voters), "against": 0, "abstain": 0} if kind == "thuong_ky" else None
            data = MeetingIn.model_validate({
                "organization_id": orgs[code].id, "kind": kind, "date": day, "start_time": "19:30",
                "end_time": "21:30" if kind == "thuong_ky" else "21:45", "location": "Hội trường khu phố",
                "chair_id": chair, "minute_taker_id": taker, "attendance": attendance,
                "topic": rng.choice(TOPICS) if kind == "chuyen_de" else None,
                "contents": [{"heading": f"Đánh giá kết quả tháng {day.month:02d}/{day.year}",
                              "text": "Chi bộ đánh giá việc thực hiện nhiệm vụ trong tháng và bàn nhiệm vụ tháng tới.",
                              "speakers": []}],
                "conclusion": "Chi bộ thống nhất các nhiệm vụ trọng tâm tháng tới.", "votes": votes,
            })
            store_meeting(session, data, principal, rules.for_date(day))
            added += 1
    return added
