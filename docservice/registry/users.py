"""Users: creation, password login with lockout and throttling, and account management.

Every change to an account is an audit event in the same transaction as the change. Login failures
are counted on the account (``lockout_attempts`` wrong passwords in a row lock it for
``lockout_minutes``) and per network address (``address_attempts`` failures within the same window
make that address wait), the latter read from the audit trail's denied logins.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from docservice.db.models import ApiToken, AuditEvent, Clearance, LoginFailure, Organization, Role, User
from docservice.errors import (
    AccountLocked,
    Conflict,
    Forbidden,
    InvalidCredentials,
    NotFound,
    TooManyAttempts,
    ValidationFailed,
)
from docservice.security.audit import append_event
from docservice.security.passwords import check_password_rule, hash_password, verify_password
from docservice.security.sessions import close_user_sessions

# Checked against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = "scrypt:32768:8:1$dummysaltdummysa$" + "0" * 128
LOGIN_ACTIONS = ("auth.login", "auth.token")


@dataclass(frozen=True)
class LoginLimits:
    attempts: int = 10
    minutes: int = 15
    per_address: int = 30

    @classmethod
    def of(cls, settings: Any) -> LoginLimits:
        return cls(settings.lockout_attempts, settings.lockout_minutes, settings.address_attempts)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
USERNAME_RULE = ("Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu (a–z), chữ số và các dấu . _ -, "
                 "bắt đầu bằng chữ hoặc số.")
# Characters and pairs that read alike in a login box or a list of users.
_LOOKALIKES = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("0", "o"), ("1", "l"), ("i", "l"), ("5", "s"))


def normalize_username(raw: str) -> str:
    """A user name as it is kept: compatibility forms folded (full-width letters…), trimmed, lower case."""
    return unicodedata.normalize("NFKC", raw).strip().lower()


def _skeleton(name: str) -> str:
    """What ``name`` looks like: separators dropped and look-alike letters and digits made one."""
    shape = re.sub(r"[._-]", "", name)
    for seen, read in _LOOKALIKES:
        shape = shape.replace(seen, read)
    return shape


def check_username(session: Session, raw: str) -> str:
    """The normalised name, if it follows the rule and cannot be mistaken for an existing one."""
    name = normalize_username(raw)
    if not USERNAME_RE.match(name):
        raise ValidationFailed(USERNAME_RULE, errors={"username": USERNAME_RULE})
    if session.scalar(select(User.id).where(User.username == name)) is not None:
        raise Conflict(f"Tên đăng nhập «{name}» đã có người dùng.", errors={"username": "Tên đăng nhập đã có."})
    shape = _skeleton(name)
    if any(_skeleton(other) == shape for other in session.scalars(select(User.username))):
        message = f"Tên đăng nhập «{name}» dễ nhầm với một tên đăng nhập đã có; hãy chọn tên khác."
        raise Conflict(message, errors={"username": message})
    return name


def check_full_name(full_name: str | None) -> None:
    """A person's name as the catalogue keeps it: at most 128 characters, no control characters."""
    if full_name is not None and (len(full_name) > 128 or re.search(r"[\x00-\x1f\x7f]", full_name)):
        message = "Họ và tên tối đa 128 ký tự, không có ký tự điều khiển."
        raise ValidationFailed(message, errors={"full_name": message})


def create_user(
    session: Session, *, username: str, password: str, role: Role, organization: Organization,
    clearance: Clearance = Clearance.thuong, full_name: str | None = None, by: str | None = None,
    remote_addr: str | None = None,
) -> User:
    """A new account; the name follows ``USERNAME_RULE`` (``ValidationFailed``) and is neither taken nor
    a look-alike of a taken one (``Conflict``); the password follows the password rule."""
    username = check_username(session, username)
    check_full_name(full_name)
    check_password_rule(password, username=username)
    user = User(
        username=username, password_hash=hash_password(password, username=username), role=role,
        organization_id=organization.id, organization=organization, clearance=clearance,
        full_name=full_name, password_changed_at=_now(),
    )
    session.add(user)
    session.flush()
    append_event(session, username=by, action="user.create", object_type="user", object_id=user.id,
                 remote_addr=remote_addr)
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    """The active user with these credentials, else ``InvalidCredentials`` (no counting, no lockout)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        verify_password(_DUMMY_HASH, password)
        raise InvalidCredentials()
    if not verify_password(user.password_hash, password) or not user.active:
        raise InvalidCredentials()
    return user


def login(catalogue: Any, username: str, password: str, *, remote_addr: str | None, action: str,
          limits: LoginLimits) -> int:
    """Check a login and record it; the user's id, or raise.

    Raises ``TooManyAttempts`` when the address has failed too often, ``AccountLocked`` while the
    name is locked, ``InvalidCredentials`` otherwise. A name that is no account, or an inactive one,
    is counted and locked exactly like an account, so no answer tells whether a name exists. The
    password is checked outside any write transaction (scrypt takes a while); the outcome — counts,
    lock, audit event — is then committed before the error is raised.
    """
    username = username[:64]
    now = _now()
    with catalogue.reader() as session:
        throttled = bool(remote_addr) and _failures_from(
            session, remote_addr, now - dt.timedelta(minutes=limits.minutes)) >= limits.per_address
        user = session.scalar(select(User).where(User.username == username))
        counter = user or session.get(LoginFailure, username)
        locked_until = counter.locked_until if counter is not None else None
        password_hash, active = (user.password_hash, user.active) if user else (_DUMMY_HASH, False)
    if throttled:
        outcome = "throttled"
    elif locked_until is not None and locked_until > now:
        verify_password(_DUMMY_HASH, password)
        outcome = "locked"
    else:
        outcome = "ok" if verify_password(password_hash, password) and active else "denied"
    with catalogue.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        error = _record(session, username, user, outcome, now, remote_addr, action, limits)
    if error is not None:
        raise error
    return user.id


def _counter(session: Session, name: str, user: User | None, now: dt.datetime) -> User | LoginFailure:
    """Where wrong passwords for ``name`` are counted: the account, or a row of its own for a name that
    is none (old rows of such names are cleared on the way)."""
    if user is not None:
        return user
    session.execute(delete(LoginFailure).where(LoginFailure.updated_at < now - dt.timedelta(days=1)))
    row = session.get(LoginFailure, name)
    if row is None:
        row = LoginFailure(username=name, failed_logins=0, updated_at=now)
        session.add(row)
    return row


def _record(session: Session, name: str, user: User | None, outcome: str, now: dt.datetime,
            remote_addr: str | None, action: str, limits: LoginLimits) -> Exception | None:
    """Write the login's outcome; ``None`` when it succeeded, else the error to raise."""
    append_event(session, username=name, action=action, object_type="user" if user else None,
                 object_id=user.id if user else None, outcome=outcome, remote_addr=remote_addr)
    if outcome == "throttled":
        return TooManyAttempts(headers={"Retry-After": str(limits.minutes * 60)})
    counter = _counter(session, name, user, now)
    if outcome == "locked":
        return _locked(counter.locked_until or now, now)
    if outcome == "denied":
        return _count_failure(session, counter, now, remote_addr, limits) or InvalidCredentials()
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return None


def _count_failure(session: Session, counter: User | LoginFailure, now: dt.datetime, remote_addr: str | None,
                   limits: LoginLimits) -> AccountLocked | None:
    """One more wrong password; the lock error when this one locks the name."""
    counter.failed_logins = (counter.failed_logins or 0) + 1
    if isinstance(counter, LoginFailure):
        counter.updated_at = now
    if counter.failed_logins < limits.attempts:
        return None
    counter.locked_until = now + dt.timedelta(minutes=limits.minutes)
    counter.failed_logins = 0
    user_id = counter.id if isinstance(counter, User) else None
    append_event(session, username=counter.username, action="user.lock", object_type="user" if user_id else None,
                 object_id=user_id, remote_addr=remote_addr)
    return _locked(counter.locked_until, now)


def _locked(until: dt.datetime, now: dt.datetime) -> AccountLocked:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return AccountLocked(f"Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần; thử lại sau {minutes} phút.",
                         headers={"Retry-After": str(minutes * 60)})


def _failures_from(session: Session, remote_addr: str, since: dt.datetime) -> int:
    return session.scalar(
        select(func.count()).select_from(AuditEvent).where(
            AuditEvent.remote_addr == remote_addr, AuditEvent.at >= since,
            AuditEvent.action.in_(LOGIN_ACTIONS), AuditEvent.outcome == "denied")) or 0


# ---- account management (admins, the command line, and each user for their own password) ----

def set_password(session: Session, user: User, password: str, *, by: str | None,
                 remote_addr: str | None = None) -> None:
    """A new password: existing API tokens are revoked and web sessions end."""
    user.password_hash = hash_password(password, username=user.username)
    user.password_changed_at = _now()
    user.failed_logins = 0
    user.locked_until = None
    revoke_tokens(session, user, by=None, because="password")
    append_event(session, username=by, action="user.password", object_type="user", object_id=user.id,
                 remote_addr=remote_addr)


def change_own_password(catalogue: Any, user_id: int, current: str, new: str, *, remote_addr: str | None,
                        limits: LoginLimits) -> None:
    """A user's own change; a wrong current password counts towards the lockout like a wrong login."""
    now = _now()
    with catalogue.session() as session:
        user = session.get(User, user_id)
        if is_locked(user, now):
            error: Exception = _locked(user.locked_until, now)
        elif not verify_password(user.password_hash, current):
            append_event(session, username=user.username, action="user.password", object_type="user",
                         object_id=user.id, outcome="denied", remote_addr=remote_addr)
            error = _count_failure(session, user, now, remote_addr, limits) or InvalidCredentials(
                "Mật khẩu hiện tại không đúng.")
        elif current == new:
            error = ValidationFailed("Mật khẩu mới phải khác mật khẩu hiện tại.",
                                     errors={"new_password": "Mật khẩu mới phải khác mật khẩu hiện tại."})
        else:
            set_password(session, user, new, by=user.username, remote_addr=remote_addr)
            return
    raise error


def update_user(session: Session, user: User, changes: dict[str, Any], *, by: str | None,
                remote_addr: str | None = None) -> list[str]:
    """Apply ``changes`` (role, organization, clearance, full_name, active); the names changed."""
    check_full_name(changes.get("full_name"))
    changed = []
    for name, value in changes.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    if "organization" in changed:
        user.organization_id = user.organization.id
    if "active" in changed and not user.active:
        revoke_tokens(session, user, by=None, because="inactive")
    if changed:
        append_event(session, username=by, action="user.change", object_type="user", object_id=user.id,
                     remote_addr=remote_addr, detail=_describe(user, changed))
    return changed


def _describe(user: User, changed: list[str]) -> str:
    shown = {"role": lambda: user.role.value, "organization": lambda: user.organization.code,
             "clearance": lambda: user.clearance.name, "active": lambda: "yes" if user.active else "no",
             "full_name": lambda: "(đổi)"}
    return "; ".join(f"{name}={shown[name]()}" for name in changed)[:255]


def unlock(session: Session, user: User, *, by: str | None, remote_addr: str | None = None) -> None:
    user.failed_logins = 0
    user.locked_until = None
    append_event(session, username=by, action="user.unlock", object_type="user", object_id=user.id,
                 remote_addr=remote_addr)


class Revoked(NamedTuple):
    tokens: int
    sessions: int


def revoke_tokens(session: Session, user: User, *, by: str | None, remote_addr: str | None = None,
                  because: str = "revoked") -> Revoked:
    """Revoke every live API token of ``user`` and end their web sessions; how many of each."""
    now = _now()
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
                                                    ApiToken.expires_at > now)).all()
    for token in tokens:
        token.revoked_at = now
    ended = close_user_sessions(session, user.id, because, now)
    if by is not None:
        append_event(session, username=by, action="user.revoke_tokens", object_type="user", object_id=user.id,
                     remote_addr=remote_addr)
    return Revoked(len(tokens), ended)


def guard_grant(actor_clearance: Clearance, actor_path: str, clearance: Clearance | None,
                organization: Organization | None) -> None:
    """An admin gives no one more than they have: clearance up to their own, organisations in scope."""
    if clearance is not None and clearance > actor_clearance:
        raise Forbidden("Không thể cấp mức được xem cao hơn mức của chính mình.")
    if organization is not None and not organization.path.startswith(actor_path):
        raise Forbidden("Không thể gán người dùng vào tổ chức ngoài phạm vi của mình.")


def is_locked(user: User, now: dt.datetime | None = None) -> bool:
    return user.locked_until is not None and user.locked_until > (now or _now())


def visible_users(principal: Any) -> Any:
    """Accounts an admin may see and manage: in scope, with no more clearance than the admin's."""
    from docservice.security import policy

    return (select(User).join(Organization, User.organization_id == Organization.id)
            .where(policy.in_scope(principal), User.clearance <= principal.clearance))


def user_or_404(session: Session, user_id: int, principal: Any) -> User:
    user = session.scalar(visible_users(principal).where(User.id == user_id))
    if user is None:
        raise NotFound("Không tìm thấy người dùng này.")
    return user
