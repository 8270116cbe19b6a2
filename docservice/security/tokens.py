"""API tokens: random, shown once, kept only as SHA-256, with expiry and revocation."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from docservice.db.models import ApiToken, User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, *, hours: int) -> tuple[str, dt.datetime]:
    """A new token for ``user`` and its expiry; only the digest is stored."""
    token = secrets.token_urlsafe(32)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=expires))
    return token, expires


def revoke_token(session: Session, token: str) -> None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = dt.datetime.now(dt.UTC)


def user_for_token(session: Session, token: str) -> User | None:
    """The active user owning an unexpired, unrevoked ``token``, else ``None``."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    now = dt.datetime.now(dt.UTC)
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.user.active:
        return None
    return row.user
