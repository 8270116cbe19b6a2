"""Web sessions: a signed cookie naming the user, ended by idle time, logout or a password change.

The cookie carries the user id, a stamp of the password's last change (so a new password ends every
other session), the login time and the last request time. It is HttpOnly and SameSite=Lax; Secure
when the request came over HTTPS (``DOCSERVICE_COOKIE_SECURE=auto``) or always.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _

from docservice.db.models import User
from docservice.security.policy import Principal

ABSOLUTE_HOURS = 12


class _SessionInterface(SecureCookieSessionInterface):
    def __init__(self, mode: str) -> None:
        self.mode = mode

    def get_cookie_secure(self, app: Flask) -> bool:
        if self.mode == "always":
            return True
        if self.mode == "never":
            return False
        return request.is_secure


def configure_sessions(app: Flask, *, cookie_secure: str) -> None:
    app.session_interface = _SessionInterface(cookie_secure)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_NAME="docservice_session")


def _stamp(user: User) -> str:
    changed = user.password_changed_at
    return changed.isoformat() if changed else "-"


def _clear() -> None:
    language = session.get("lang")  # the chosen interface language outlives sign-in and sign-out
    session.clear()
    if language:
        session["lang"] = language


def start_session(user: User) -> None:
    _clear()
    now = time.time()
    session.update(uid=user.id, stamp=_stamp(user), since=now, seen=now)


def end_session() -> None:
    _clear()


def load_user(catalogue: Any, idle_minutes: int) -> str | None:
    """Put the session's user in ``g.user``/``g.principal``; a reason when a session just ended."""
    g.user = g.principal = None
    uid = session.get("uid")
    if uid is None:
        return None
    now = time.time()
    if now - session.get("seen", 0) > idle_minutes * 60 or now - session.get("since", 0) > ABSOLUTE_HOURS * 3600:
        _clear()
        return _("Phiên làm việc đã hết hạn vì lâu không thao tác. Vui lòng đăng nhập lại.")
    with catalogue.reader() as db:
        user = db.get(User, uid)
        if user is None or not user.active or _stamp(user) != session.get("stamp"):
            _clear()
            return _("Phiên làm việc đã kết thúc (mật khẩu hoặc tài khoản đã thay đổi). Vui lòng đăng nhập lại.")
        g.principal = Principal.of(user)
        g.user = {"id": user.id, "username": user.username, "full_name": user.full_name or user.username,
                  "role": user.role.value, "organization": user.organization.name,
                  "clearance": user.clearance.label}
    session["seen"] = now
    return None


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("user") is None:
            return redirect(url_for("web.login_page", next=request.full_path if request.query_string else request.path))
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no ``//``) is followed after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("web.home")


def organizations_in_scope(db: Any) -> list[Any]:
    """The signed-in user's organisations (their scope, the tree order) for a page's choices."""
    from docservice.db.models import Organization
    from docservice.security import policy

    return list(db.scalars(policy.visible_organizations(g.principal).order_by(Organization.path)))


def clearance_levels() -> list[Any]:
    """The confidentiality levels the signed-in user may choose: up to their own clearance."""
    from docservice.db.models import Clearance

    return [level for level in Clearance if level <= g.principal.clearance]
