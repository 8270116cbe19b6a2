"""Party members of an organisation, as CONTRACT.md models them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from docservice.db.models import Member, Organization


def members_of(session: Session, org: Organization) -> list[Member]:
    """The organisation's own members (attached ``den`` members included), by name."""
    return list(session.scalars(
        select(Member).where(Member.organization_id == org.id).order_by(Member.id)
    ))
