"""Users: creation and password authentication."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from docservice.db.models import Clearance, Organization, Role, User
from docservice.errors import Conflict, InvalidCredentials
from docservice.security.passwords import hash_password, verify_password

# Checked against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = "scrypt:32768:8:1$dummysaltdummysa$" + "0" * 128


def create_user(
    session: Session, *, username: str, password: str, role: Role, organization: Organization,
    clearance: Clearance = Clearance.thuong, full_name: str | None = None,
) -> User:
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"Tên đăng nhập {username!r} đã tồn tại.")
    user = User(
        username=username, password_hash=hash_password(password), role=role,
        organization_id=organization.id, organization=organization, clearance=clearance,
        full_name=full_name,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    """The active user with these credentials, else ``InvalidCredentials``."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        verify_password(_DUMMY_HASH, password)
        raise InvalidCredentials()
    if not verify_password(user.password_hash, password) or not user.active:
        raise InvalidCredentials()
    return user
