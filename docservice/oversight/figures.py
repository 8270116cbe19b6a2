"""Registers and figures computed from meetings, attendance, documents, records and members."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from docservice.db.models import (
    AdmissionTarget,
    Document,
    Meeting,
    MeetingAttendance,
    MeetingSchedule,
    Member,
    MemberStatus,
    Organization,
    OrgKind,
    Record,
    StudySession,
    Temporary,
)
from docservice.oversight.calendar import Schedule, add_months, add_working_days, working_days_between
from docservice.rules import OversightRule
from docservice.security import policy
from docservice.text import percent

REGULAR, THEMATIC = "thuong_ky", "chuyen_de"
MINUTES_TYPE, RESOLUTION_TYPE = "bien_ban", "nghi_quyet"
ACTIVE = (MemberStatus.chinh_thuc, MemberStatus.du_bi)


def expected_condition() -> Any:
    """SQL: the member was expected at the meeting — not exempted, not suspended, not attending elsewhere."""
    return and_(MeetingAttendance.exempted.is_(False), MeetingAttendance.suspended.is_(False),
                or_(MeetingAttendance.temporary.is_(None), MeetingAttendance.temporary != Temporary.di))


def rate(part: int, whole: int) -> float | None:
    """A percentage rounded to 2 decimals, ``None`` when nothing was expected."""
    return round(100 * part / whole, 2) if whole else None


def rate_text(part: int, whole: int) -> str:
    """Vietnamese text of the same rate: ``102,78%``; ``—`` when nothing was expected."""
    return percent(part, whole, 2) if whole else "—"


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def months(self) -> list[tuple[int, int]]:
        found, day = [], self.start.replace(day=1)
        while day <= self.end:
            found.append((day.year, day.month))
            day = add_months(day, 1)
        return found

    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)


# --- organisations and schedules --------------------------------------------------------------------------

def subtree(session: Session, org: Organization, principal: policy.Principal) -> list[Organization]:
    """The organisation and everything under it that the caller may see, in tree order."""
    return list(session.scalars(policy.visible_organizations(principal)
                                .where(Organization.path.startswith(org.path, autoescape=True))
                                .order_by(Organization.path)))


def cells_of(orgs: list[Organization]) -> list[Organization]:
    """The chi bộ among them (the monthly-meeting duty applies to them); a lone organisation counts itself."""
    cells = [o for o in orgs if o.kind is OrgKind.chi_bo]
    return cells or orgs[:1]


def _ancestor_ids(org: Organization) -> list[int]:
    return [int(part) for part in org.path.strip("/").split("/") if part.isdigit()] or [org.id]


def schedules_for(session: Session, orgs: list[Organization], rule: OversightRule) -> dict[int, Schedule]:
    """Each organisation's meeting rule: its own, else its nearest ancestor's, else the profile's default."""
    wanted = {i for o in orgs for i in _ancestor_ids(o)} | {o.id for o in orgs}
    rows = {r.organization_id: r for r in session.scalars(
        select(MeetingSchedule).where(MeetingSchedule.organization_id.in_(wanted)))}
    default = Schedule(day=rule.schedule_day, grace_days=rule.schedule_grace_days)
    found = {}
    for org in orgs:
        chain = [i for i in _ancestor_ids(org) if i != org.id][::-1]
        own = rows.get(org.id)
        nearest = own or next((rows[i] for i in chain if i in rows), None)
        found[org.id] = default if nearest is None else Schedule(
            day=nearest.day, weekday=nearest.weekday, nth=nearest.nth, grace_days=nearest.grace_days,
            source="own" if own is not None else "inherited")
    return found


# --- the register ------------------------------------------------------------------------------------------

def _visible_meetings(principal: policy.Principal, org_ids: list[int], period: Period) -> Any:
    return (select(Meeting.id, Meeting.organization_id, Meeting.date, Meeting.kind)
            .where(Meeting.organization_id.in_(org_ids), Meeting.date >= period.start, Meeting.date <= period.end,
                   Meeting.confidentiality <= principal.clearance)
            .order_by(Meeting.date, Meeting.id))


def _paper_trail(session: Session, principal: policy.Principal, meeting_ids: list[int]) -> dict[int, dict[str, str]]:
    """For each meeting: ``{"minutes": "signed" | "generated", "resolution": …}`` from what the caller sees."""
    if not meeting_ids:
        return {}
    signed = select(Record.id).where(Record.document_id == Document.id, Record.superseded.is_(False),
                                     Record.disposed_at.is_(None),
                                     Record.confidentiality <= principal.clearance).exists()
    rows = session.execute(select(Document.meeting_id, Document.doc_type, signed)
                           .where(Document.meeting_id.in_(meeting_ids),
                                  Document.doc_type.in_((MINUTES_TYPE, RESOLUTION_TYPE)),
                                  Document.confidentiality <= principal.clearance))
    trail: dict[int, dict[str, str]] = defaultdict(dict)
    for meeting_id, doc_type, has_record in rows:
        which = "minutes" if doc_type == MINUTES_TYPE else "resolution"
        if trail[meeting_id].get(which) != "signed":
            trail[meeting_id][which] = "signed" if has_record else "generated"
    return trail


def _month_status(held: dt.date | None, deadline: dt.date, month_start: dt.date, today: dt.date) -> str:
    if held is not None:
        return "on_time" if held <= deadline else "late"
    if deadline < today:
        return "missing"
    return "due" if month_start <= today else "upcoming"


def register(session: Session, org: Organization, year: int, principal: policy.Principal, rule: OversightRule,
             today: dt.date) -> dict[str, Any]:
    """The register of one organisation's meetings in a year: each month's regular meeting (on time, late,
    missing, not yet due) with its minutes and resolution, and each quarter's thematic meetings."""
    schedule = schedules_for(session, [org], rule)[org.id]
    meetings = session.execute(_visible_meetings(principal, [org.id], Period.of_year(year))).all()
    trail = _paper_trail(session, principal, [m.id for m in meetings])
    months = []
    for month in range(1, 13):
        regular = [m for m in meetings if m.date.month == month and m.kind == REGULAR]
        first = regular[0] if regular else None
        deadline = schedule.deadline(year, month)
        papers = trail.get(first.id, {}) if first else {}
        months.append({
            "month": month, "due": schedule.due(year, month), "deadline": deadline,
            "status": _month_status(first.date if first else None, deadline, dt.date(year, month, 1), today),
            "meeting": {"id": first.id, "date": first.date} if first else None,
            "other_meetings": [{"id": m.id, "date": m.date, "kind": m.kind}
                               for m in meetings if m.date.month == month and m is not first],
            "minutes": papers.get("minutes", "missing") if first else None,
            "resolution": papers.get("resolution", "missing") if first else None,
        })
    quarters = []
    for quarter in range(1, 5):
        held = [m for m in meetings if m.kind == THEMATIC and (m.date.month - 1) // 3 + 1 == quarter]
        end = dt.date(year, quarter * 3, 1)
        end = add_months(end, 1) - dt.timedelta(days=1)
        enough = len(held) >= rule.thematic_per_quarter
        quarters.append({"quarter": quarter, "meetings": [{"id": m.id, "date": m.date} for m in held],
                         "status": "held" if enough else ("missing" if end < today else "open")})
    counted = [m for m in months if m["status"] in ("on_time", "late", "missing")]
    summary = {key: sum(m["status"] == key for m in months) for key in ("on_time", "late", "missing", "due",
                                                                         "upcoming")}
    summary["on_time_percent"] = rate(summary["on_time"], len(counted))
    summary["thematic_missing_quarters"] = [q["quarter"] for q in quarters if q["status"] == "missing"]
    summary["minutes_missing"] = sum(m["minutes"] == "missing" for m in months)
    summary["resolutions_missing"] = sum(m["resolution"] == "missing" for m in months)
    return {"organization": {"id": org.id, "name": org.name, "kind": org.kind.value}, "year": year,
            "schedule": schedule.as_dict(), "months": months, "quarters": quarters, "summary": summary,
            "members": member_rates(session, org, Period.of_year(year), principal, rule),
            "study_sessions": [{"id": s.id, "organization_id": s.organization_id, "date": s.date, "subject": s.subject,
                                "expected": s.expected,
                                "participated": s.participated} for s in session.scalars(
                select(StudySession).where(StudySession.organization_id == org.id,
                                           StudySession.date >= dt.date(year, 1, 1),
                                           StudySession.date <= dt.date(year, 12, 31),
                                           StudySession.confidentiality <= principal.clearance)
                .order_by(StudySession.date, StudySession.id))]}


def member_rates(session: Session, org: Organization, period: Period, principal: policy.Principal,
                 rule: OversightRule) -> list[dict[str, Any]]:
    """Every member seen at the organisation's meetings in the period: meetings expected at, present,
    absent with and without reason, the rate, the months without reason and whether that makes the alert."""
    expected = expected_condition()
    stmt = (select(MeetingAttendance.member_id, func.max(MeetingAttendance.full_name),
                   func.sum(case((expected, 1), else_=0)),
                   func.sum(case((and_(expected, MeetingAttendance.attendance == "present"), 1), else_=0)),
                   func.sum(case((and_(expected, MeetingAttendance.attendance == "absent_excused"), 1), else_=0)))
            .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
            .where(Meeting.organization_id == org.id, Meeting.date >= period.start, Meeting.date <= period.end,
                   Meeting.confidentiality <= principal.clearance)
            .group_by(MeetingAttendance.member_id))
    months: dict[int, list[int]] = {}
    for alert in unexcused_alerts(session, principal, Meeting.organization_id == org.id, period.years(), 1):
        months.setdefault(alert["member_id"], []).extend(alert["months"])
    found = []
    for member_id, name, n, p, e in session.execute(stmt):
        n, p, e = int(n or 0), int(p or 0), int(e or 0)
        found.append({"member_id": member_id, "full_name": name, "expected": n, "present": p, "absent_excused": e,
                      "absent_unexcused": n - p - e, "percent": rate(p, n),
                      "unexcused_months": sorted(months.get(member_id, [])),
                      "alert": len(months.get(member_id, [])) >= rule.unexcused_alert_months})
    return sorted(found, key=lambda r: (r["percent"] is None, r["percent"] or 0, r["full_name"]))


# --- figures over a subtree and a period -------------------------------------------------------------------

def _meeting_rows(session: Session, principal: policy.Principal, cell_ids: list[int], period: Period) -> list[Any]:
    """Per visible meeting: id, organisation, date, kind, then expected, present, excused, unexcused counts.

    One grouped pass over the attendance (no subquery: SQLite would materialise it; grouped by the meeting's
    primary key, which PostgreSQL accepts for the other meeting columns)."""
    expected = expected_condition()
    counted = func.sum(case((expected, 1), else_=0))
    attended = func.sum(case((and_(expected, MeetingAttendance.attendance == "present"), 1), else_=0))
    excused = func.sum(case((and_(expected, MeetingAttendance.attendance == "absent_excused"), 1), else_=0))
    stmt = (select(Meeting.id, Meeting.organization_id, Meeting.date, Meeting.kind, counted, attended, excused)
            .outerjoin(MeetingAttendance, MeetingAttendance.meeting_id == Meeting.id)
            .where(Meeting.organization_id.in_(cell_ids), Meeting.date >= period.start, Meeting.date <= period.end,
                   Meeting.confidentiality <= principal.clearance)
            .group_by(Meeting.id))
    rows = [_MeetingRow(i, org, day, kind, int(n or 0), int(p or 0), int(e or 0), int((n or 0) - (p or 0) - (e or 0)))
            for i, org, day, kind, n, p, e in session.execute(stmt)]
    return sorted(rows, key=lambda r: (r.date, r.id))


class _MemberRow(NamedTuple):
    id: int
    full_name: str
    organization_id: int
    status: MemberStatus
    exempted: bool
    suspended: bool
    temporary: Temporary | None
    admitted_on: dt.date | None


class _MeetingRow(NamedTuple):
    id: int
    organization_id: int
    date: dt.date
    kind: str
    expected: int
    present: int
    absent_excused: int
    absent_unexcused: int


def _empty_counts() -> dict[str, int]:
    return {"expected": 0, "present": 0, "absent_excused": 0, "absent_unexcused": 0}


def _add(counts: dict[str, int], row: _MeetingRow) -> None:
    counts["expected"] += row.expected
    counts["present"] += row.present
    counts["absent_excused"] += row.absent_excused
    counts["absent_unexcused"] += row.absent_unexcused


def _with_rate(counts: dict[str, int]) -> dict[str, Any]:
    return {**counts, "percent": rate(counts["present"], counts["expected"])}


def _first_regular(session: Session, principal: policy.Principal, cell_ids: list[int],
                   period: Period) -> dict[int, dict[tuple[int, int], dt.date]]:
    """Each cell's first regular meeting of every month the period touches — the whole month, so a month
    whose deadline is inside the period is judged by its meeting even when that falls outside the period."""
    end = add_months(period.end.replace(day=1), 1) - dt.timedelta(days=1)
    rows = session.execute(select(Meeting.organization_id, func.min(Meeting.date))
                           .where(Meeting.organization_id.in_(cell_ids), Meeting.kind == REGULAR,
                                  Meeting.date >= period.start.replace(day=1), Meeting.date <= end,
                                  Meeting.confidentiality <= principal.clearance)
                           .group_by(Meeting.organization_id, func.extract("year", Meeting.date),
                                     func.extract("month", Meeting.date)))
    found: dict[int, dict[tuple[int, int], dt.date]] = defaultdict(dict)
    for org_id, day in rows:
        day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
        found[org_id][(day.year, day.month)] = day
    return found


def _timeliness(schedule: Schedule, first: dict[tuple[int, int], dt.date], period: Period, today: dt.date,
                monthly: dict[str, dict[str, int]]) -> dict[str, int]:
    """Months whose deadline lies in the period and has passed: the regular meeting on time, late or missing
    (also added to ``monthly`` by month)."""
    found = {"months": 0, "on_time": 0, "late": 0, "missing": 0}
    for year, month in period.months():
        deadline = schedule.deadline(year, month)
        if deadline >= today or deadline > period.end or deadline < period.start:
            continue
        found["months"] += 1
        held = first.get((year, month))
        outcome = "missing" if held is None else ("on_time" if held <= deadline else "late")
        found[outcome] += 1
        monthly[f"{year}-{month:02d}"][outcome] += 1
    return found


def unexcused_alerts(session: Session, principal: policy.Principal, condition: Any, years: range,
                     threshold: int) -> list[dict[str, Any]]:
    """Members with unexcused absences in ``threshold`` or more months of one calendar year (Quy định 24 8.1),
    at meetings matching ``condition`` (which keeps them in the caller's scope)."""
    rows = session.execute(
        select(MeetingAttendance.member_id, MeetingAttendance.full_name, Meeting.date, Meeting.organization_id)
        .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
        .where(condition, expected_condition(), MeetingAttendance.attendance == "absent_unexcused",
               Meeting.date >= dt.date(years.start, 1, 1), Meeting.date <= dt.date(years.stop - 1, 12, 31),
               Meeting.confidentiality <= principal.clearance))
    months: dict[tuple[int, int], set[int]] = defaultdict(set)
    names: dict[int, tuple[str, int]] = {}
    for member_id, name, day, org_id in rows:
        months[(member_id, day.year)].add(day.month)
        names[member_id] = (name, org_id)
    return [{"member_id": member_id, "full_name": names[member_id][0], "organization_id": names[member_id][1],
             "year": year, "months": sorted(found)}
            for (member_id, year), found in sorted(months.items()) if len(found) >= threshold]


def recognitions(members: list[Any], rule: OversightRule, today: dt.date) -> list[dict[str, Any]]:
    """Probationary members: the day probation ends and the last day to decide (working days, holidays out)."""
    found = []
    for m in members:
        if m.status is not MemberStatus.du_bi or m.admitted_on is None:
            continue
        due = add_months(m.admitted_on, rule.probation_months)
        deadline = add_working_days(due, rule.recognition_working_days)
        state = "waiting" if today < due else ("overdue" if today > deadline else "to_decide")
        found.append({"member_id": m.id, "full_name": m.full_name, "organization_id": m.organization_id,
                      "admitted_on": m.admitted_on, "probation_ends": due, "decide_by": deadline, "state": state,
                      "working_days_left": working_days_between(today, deadline) if state == "to_decide" else None})
    return sorted(found, key=lambda r: (r["decide_by"], r["member_id"]))


def _counts_by_type(session: Session, principal: policy.Principal, model: Any, org_ids: list[int],
                    period: Period) -> dict[str, int]:
    stmt = (select(model.doc_type, func.count()).where(
        model.organization_id.in_(org_ids), model.date >= period.start, model.date <= period.end,
        model.confidentiality <= principal.clearance).group_by(model.doc_type))
    if model is Record:
        stmt = stmt.where(Record.superseded.is_(False), Record.disposed_at.is_(None))
    return dict(sorted(session.execute(stmt).all()))


def _admissions(session: Session, org: Organization, orgs: list[Organization],
                period: Period) -> list[dict[str, Any]]:
    """Members admitted each year against the target: the organisation's own, else the sum of the targets
    of the highest organisations under it that have one (a target already covers its own subtree)."""
    org_ids = [o.id for o in orgs]
    paths = {o.id: o.path for o in orgs}
    admitted = dict(session.execute(
        select(func.extract("year", Member.admitted_on), func.count())
        .where(Member.organization_id.in_(org_ids), Member.admitted_on >= period.start,
               Member.admitted_on <= period.end)
        .group_by(func.extract("year", Member.admitted_on))).all())
    targets = {(t.organization_id, t.year): t.target for t in session.scalars(
        select(AdmissionTarget).where(AdmissionTarget.organization_id.in_(org_ids),
                                      AdmissionTarget.year.in_(list(period.years()))))}
    found = []
    for year in period.years():
        targeted = {o: v for (o, y), v in targets.items() if y == year}
        topmost = [v for o, v in targeted.items()
                   if not any(other != o and paths[o].startswith(paths[other]) for other in targeted)]
        target = targeted.get(org.id, sum(topmost) if topmost else None)
        count = int(admitted.get(year, 0) or admitted.get(float(year), 0))
        found.append({"year": year, "admitted": count, "target": target,
                      "percent": rate(count, target) if target else None,
                      "percent_text": rate_text(count, target) if target else "—"})
    return found


def _members_by_state(members: list[Any]) -> dict[str, int]:
    active = [m for m in members if m.status in ACTIVE]
    return {"total": len(active), "chinh_thuc": sum(m.status is MemberStatus.chinh_thuc for m in active),
            "du_bi": sum(m.status is MemberStatus.du_bi for m in active),
            "exempted": sum(m.exempted for m in active), "suspended": sum(m.suspended for m in active),
            "attached_here": sum(m.temporary is Temporary.den for m in active),
            "away": sum(m.temporary is Temporary.di for m in active)}


def statistics(session: Session, org: Organization, period: Period, principal: policy.Principal,
               rule: OversightRule, today: dt.date) -> dict[str, Any]:
    """Figures for an organisation and its subtree over a period, as the caller may see them."""
    orgs = subtree(session, org, principal)
    cells = cells_of(orgs)
    org_ids, cell_ids = [o.id for o in orgs], [c.id for c in cells]
    schedules = schedules_for(session, cells, rule)
    rows = _meeting_rows(session, principal, cell_ids, period)
    firsts = _first_regular(session, principal, cell_ids, period)
    by_cell: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_cell[row.organization_id].append(row)
    total, timely = _empty_counts(), {"months": 0, "on_time": 0, "late": 0, "missing": 0}
    monthly: dict[tuple[int, int], dict[str, int]] = defaultdict(_empty_counts)
    monthly_timing: dict[str, dict[str, int]] = defaultdict(lambda: {"on_time": 0, "late": 0, "missing": 0})
    per_org = []
    for cell in cells:
        counts, cell_monthly = _empty_counts(), defaultdict(_empty_counts)
        for row in by_cell[cell.id]:
            _add(counts, row)
            _add(total, row)
            _add(monthly[(row.date.year, row.date.month)], row)
            _add(cell_monthly[(row.date.year, row.date.month)], row)
        timing = _timeliness(schedules[cell.id], firsts[cell.id], period, today, monthly_timing)
        for key in timely:
            timely[key] += timing[key]
        thematic = sum(r.kind == THEMATIC for r in by_cell[cell.id])
        per_org.append({
            "id": cell.id, "name": cell.name, "schedule": schedules[cell.id].describe(),
            "schedule_rule": schedules[cell.id].as_dict(),
            "meetings": len(by_cell[cell.id]), "thematic": thematic, **{f"months_{k}": v for k, v in timing.items()},
            "on_time_percent": rate(timing["on_time"], timing["months"]), "attendance": _with_rate(counts),
            "monthly_attendance": {f"{y}-{m:02d}": rate(c["present"], c["expected"])
                                   for (y, m), c in sorted(cell_monthly.items())},
        })
    members = [_MemberRow(*row) for row in session.execute(
        select(Member.id, Member.full_name, Member.organization_id, Member.status, Member.exempted, Member.suspended,
               Member.temporary, Member.admitted_on).where(Member.organization_id.in_(org_ids)).order_by(Member.id))]
    studies = session.execute(select(func.coalesce(func.sum(StudySession.expected), 0),
                                     func.coalesce(func.sum(StudySession.participated), 0), func.count())
                              .where(StudySession.organization_id.in_(org_ids),
                                     StudySession.date >= period.start, StudySession.date <= period.end,
                                     StudySession.confidentiality <= principal.clearance)).one()
    member_ids_here = Meeting.organization_id.in_(cell_ids)
    return {
        "organization": {"id": org.id, "name": org.name, "kind": org.kind.value},
        "from": period.start, "to": period.end, "cells": len(cells),
        "meetings": {"held": len(rows), "regular": sum(r.kind == REGULAR for r in rows),
                     "thematic": sum(r.kind == THEMATIC for r in rows), **timely,
                     "on_time_percent": rate(timely["on_time"], timely["months"]),
                     "monthly": dict(sorted(monthly_timing.items()))},
        "attendance": {**_with_rate(total), "target_percent": rule.attendance_target_percent},
        "monthly_attendance": {f"{y}-{m:02d}": rate(c["present"], c["expected"])
                               for (y, m), c in sorted(monthly.items())},
        "study": ({"sessions": studies[2], "expected": int(studies[0]), "participated": int(studies[1]),
                   "percent": rate(int(studies[1]), int(studies[0]))} if studies[2] else None),
        "documents_by_type": _counts_by_type(session, principal, Document, org_ids, period),
        "records_by_type": _counts_by_type(session, principal, Record, org_ids, period),
        "admissions": _admissions(session, org, orgs, period),
        "members_by_state": _members_by_state(members),
        "unexcused_alerts": unexcused_alerts(session, principal, member_ids_here, period.years(),
                                             rule.unexcused_alert_months),
        "recognitions": recognitions([m for m in members if m.status in ACTIVE], rule, today),
        "per_organization": per_org,
        "rules": {"unexcused_alert_months": rule.unexcused_alert_months,
                  "recognition_working_days": rule.recognition_working_days,
                  "probation_months": rule.probation_months, "thematic_per_quarter": rule.thematic_per_quarter},
    }


def member_attendance(session: Session, member: Member, period: Period, principal: policy.Principal,
                      rule: OversightRule) -> dict[str, Any]:
    """One member's meetings in a period (those the caller may see): expected or not, present or why absent."""
    expected = expected_condition()
    rows = session.execute(
        select(Meeting.id, Meeting.date, Meeting.kind, Meeting.organization_id, Organization.name,
               MeetingAttendance.attendance, MeetingAttendance.reason, expected)
        .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
        .join(Organization, Organization.id == Meeting.organization_id)
        .where(MeetingAttendance.member_id == member.id, Meeting.date >= period.start, Meeting.date <= period.end,
               Meeting.confidentiality <= principal.clearance, policy.in_scope(principal))
        .order_by(Meeting.date, Meeting.id)).all()
    counts = _empty_counts()
    items = []
    for meeting_id, day, kind, org_id, org_name, attendance, reason, was_expected in rows:
        was_expected = bool(was_expected)
        if was_expected:
            counts["expected"] += 1
            counts[attendance] += 1
        items.append({"meeting_id": meeting_id, "date": day, "kind": kind, "organization_id": org_id,
                      "organization": org_name, "attendance": attendance, "reason": reason,
                      "expected": was_expected})
    in_scope = Meeting.organization_id.in_(select(Organization.id).where(policy.in_scope(principal)))
    by_year = unexcused_alerts(session, principal, and_(MeetingAttendance.member_id == member.id, in_scope),
                               period.years(), 1)  # every year with an unexcused absence, whole years
    unexcused_months = {str(a["year"]): a["months"] for a in by_year}
    return {"member": {"id": member.id, "full_name": member.full_name, "organization_id": member.organization_id,
                       "status": member.status.value},
            "from": period.start, "to": period.end, "meetings": items, **_with_rate(counts),
            "unexcused_months": unexcused_months,
            "alert": any(len(m) >= rule.unexcused_alert_months for m in unexcused_months.values()),
            "alert_threshold_months": rule.unexcused_alert_months}
