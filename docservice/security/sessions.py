"""Web sessions kept in the catalogue: a random id in the browser's cookie, its SHA-256 here.

A session holds while its row is open, the user is active, it has been used within the idle limit
and it is younger than the absolute limit. Signing out, a new password, deactivation and an admin's
revocation close the row, so a copied cookie ends with the session it was copied from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from docservice.db.models import User, WebSession

ABSOLUTE_HOURS = 12
KEEP_DAYS = 30  # closed sessions are kept this long (who was signed in when), then removed


@dataclass(frozen=True)
class SessionCheck:
    """What a cookie's session is now: the user when it holds, else why it ended (``None``: no such session)."""

    user_id: int | None
    ended_because: str | None = None
    touch: bool = False  # the last-seen time is due to be written


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(db: Session, user: User, now: dt.datetime) -> str:
    """A new session for ``user``; the token for the cookie (only its digest is kept)."""
    token = secrets.token_urlsafe(32)
    db.add(WebSession(token_hash=_digest(token), user_id=user.id, created_at=now, last_seen_at=now))
    db.execute(delete(WebSession).where(or_(WebSession.ended_at < now - dt.timedelta(days=KEEP_DAYS),
                                            WebSession.created_at < now - dt.timedelta(days=KEEP_DAYS))))
    return token


def check_session(db: Session, token: str, now: dt.datetime, *, idle_minutes: int) -> SessionCheck:
    """Whether the session of ``token`` still holds at ``now`` (read only; see ``touch``/``close``)."""
    row = db.execute(select(WebSession.ended_because, WebSession.ended_at, WebSession.created_at,
                            WebSession.last_seen_at, User.id, User.active)
                     .join(User, User.id == WebSession.user_id)
                     .where(WebSession.token_hash == _digest(token))).first()
    if row is None:
        return SessionCheck(None)
    because, ended_at, created, seen, user_id, active = row
    if ended_at is not None:
        return SessionCheck(None, because or "logout")
    idle = dt.timedelta(minutes=idle_minutes)
    if now - seen > idle or now - created > dt.timedelta(hours=ABSOLUTE_HOURS):
        return SessionCheck(None, "idle")
    if not active:
        return SessionCheck(None, "inactive")
    due = now - seen > min(dt.timedelta(seconds=60), idle / 4)
    return SessionCheck(user_id, touch=due)


def touch_session(db: Session, token: str, now: dt.datetime) -> None:
    db.execute(update(WebSession).where(WebSession.token_hash == _digest(token), WebSession.ended_at.is_(None))
               .values(last_seen_at=now))


def close_session(db: Session, token: str, now: dt.datetime, because: str) -> None:
    db.execute(update(WebSession).where(WebSession.token_hash == _digest(token), WebSession.ended_at.is_(None))
               .values(ended_at=now, ended_because=because))


def close_user_sessions(db: Session, user_id: int, because: str, now: dt.datetime | None = None) -> int:
    """End every open web session of the user; how many were open."""
    result = db.execute(update(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
                        .values(ended_at=now or dt.datetime.now(dt.UTC), ended_because=because))
    return result.rowcount or 0
