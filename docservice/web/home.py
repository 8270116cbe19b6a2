"""The home page of a signed-in user: their organisations, this month's meetings and the chi bộ still
without one or without minutes, recent documents and records, and what waits for them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import exists, func, select

from docservice.db.models import Document, Job, Meeting, Organization, OrgKind, Record
from docservice.meetings.documents import MINUTES_TEMPLATE, THEMATIC_MINUTES_TEMPLATE
from docservice.security import policy
from docservice.security.policy import Principal


def dashboard(session: Any, principal: Principal, today: dt.date) -> dict[str, Any]:
    first = today.replace(day=1)
    orgs = list(session.scalars(policy.visible_organizations(principal).order_by(Organization.path)))
    cells = [o for o in orgs if o.kind == OrgKind.chi_bo]
    meetings = list(session.scalars(policy.visible(Meeting, principal).where(Meeting.date >= first,
                                                                             Meeting.date <= today)
                                    .order_by(Meeting.date.desc())))
    minutes = exists().where(Document.meeting_id == Meeting.id,
                             Document.template.in_((MINUTES_TEMPLATE, THEMATIC_MINUTES_TEMPLATE)))
    without_minutes = {m.id for m in session.scalars(
        policy.visible(Meeting, principal).where(Meeting.date >= first, ~minutes))}
    met = {m.organization_id for m in meetings}
    signed = exists().where(Record.document_id == Document.id)
    awaiting = list(session.scalars(policy.visible(Document, principal).where(~signed)
                                    .order_by(Document.created_at.desc()).limit(10)))
    result: dict[str, Any] = {
        "organizations": orgs, "month": first, "meetings": meetings, "without_minutes": without_minutes,
        "cells_without_meeting": [c for c in cells if c.id not in met],
        "recent_documents": list(session.scalars(policy.visible(Document, principal)
                                                 .order_by(Document.created_at.desc()).limit(5))),
        "recent_records": list(session.scalars(policy.visible(Record, principal).where(Record.disposed_at.is_(None))
                                               .order_by(Record.created_at.desc()).limit(5))),
        "awaiting_signed": awaiting, "review_count": 0, "imports": [],
    }
    if policy.may(principal, "record.correct"):
        result["review_count"] = session.scalar(
            select(func.count()).select_from(policy.visible(Record, principal).where(
                Record.needs_review.is_(True), Record.disposed_at.is_(None)).subquery())) or 0
    if policy.may(principal, "import.run"):
        result["imports"] = list(session.scalars(
            select(Job).join(Organization, Job.organization_id == Organization.id)
            .where(Job.kind == "import", Job.status != "done", policy.in_scope(principal))
            .order_by(Job.id.desc()).limit(5)))
    return result
