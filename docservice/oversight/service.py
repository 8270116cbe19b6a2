"""What the committee enters: an organisation's meeting rule, a yearly admission target, a study session."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from docservice.db.models import AdmissionTarget, Clearance, MeetingSchedule, Organization, Role, StudySession
from docservice.errors import Forbidden
from docservice.security import policy
from docservice.security.audit import append_event


def may_set_rules(principal: policy.Principal, org: Organization) -> bool:
    """An admin in scope, or the secretary of a committee above the organisation (a chi bộ does not set its
    own meeting day or targets); ``org`` is already in the caller's scope."""
    return policy.may(principal, "oversight.manage") and (
        principal.role is Role.admin or org.id != principal.scope_org_id)


def _committee_over(session: Session, org_id: int, principal: policy.Principal) -> Organization:
    """The organisation, if the caller may set its rules."""
    policy.require(principal, "oversight.manage")
    org = policy.get_organization(session, org_id, principal)
    if not may_set_rules(principal, org):
        raise Forbidden("Lịch sinh hoạt và chỉ tiêu của tổ chức do cấp ủy cấp trên đặt.")
    return org


def set_schedule(session: Session, org_id: int, principal: policy.Principal, *, day: int | None,
                 weekday: int | None, nth: int | None, grace_days: int,
                 remote_addr: str | None = None) -> MeetingSchedule:
    org = _committee_over(session, org_id, principal)
    row = session.get(MeetingSchedule, org.id) or MeetingSchedule(organization_id=org.id)
    row.day, row.weekday, row.nth, row.grace_days = day, weekday, nth, grace_days
    row.updated_by, row.updated_at = principal.username, dt.datetime.now(dt.UTC)
    session.add(row)
    session.flush()
    rule = f"day={day}" if weekday is None else f"weekday={weekday};nth={nth}"
    append_event(session, username=principal.username, action="schedule.set", object_type="organization",
                 object_id=org.id, remote_addr=remote_addr, detail=f"{rule};grace={grace_days}")
    return row


def clear_schedule(session: Session, org_id: int, principal: policy.Principal, *,
                   remote_addr: str | None = None) -> None:
    """Back to the nearest ancestor's rule (or the profile's default)."""
    org = _committee_over(session, org_id, principal)
    row = session.get(MeetingSchedule, org.id)
    if row is not None:
        session.delete(row)
        append_event(session, username=principal.username, action="schedule.clear", object_type="organization",
                     object_id=org.id, remote_addr=remote_addr)


def set_admission_target(session: Session, org_id: int, year: int, target: int, principal: policy.Principal, *,
                         remote_addr: str | None = None) -> AdmissionTarget:
    org = _committee_over(session, org_id, principal)
    row = session.get(AdmissionTarget, (org.id, year)) or AdmissionTarget(organization_id=org.id, year=year)
    row.target, row.updated_by, row.updated_at = target, principal.username, dt.datetime.now(dt.UTC)
    session.add(row)
    session.flush()
    append_event(session, username=principal.username, action="admission_target.set", object_type="organization",
                 object_id=org.id, remote_addr=remote_addr, detail=f"year={year};target={target}")
    return row


def add_study_session(session: Session, org_id: int, principal: policy.Principal, *, day: dt.date, subject: str,
                      expected: int, participated: int, confidentiality: Clearance = Clearance.thuong,
                      remote_addr: str | None = None) -> StudySession:
    policy.require(principal, "meeting.write")
    policy.check_clearance(principal, confidentiality)
    org = policy.get_organization(session, org_id, principal)
    row = StudySession(organization_id=org.id, date=day, subject=subject, expected=expected,
                       participated=participated, confidentiality=confidentiality, created_by=principal.user_id)
    session.add(row)
    session.flush()
    append_event(session, username=principal.username, action="study_session.create", object_type="organization",
                 object_id=org.id, remote_addr=remote_addr, detail=f"session={row.id}")
    return row
