"""Web sessions: a signed cookie carrying a random session id; the session itself lives in the catalogue
(``security/sessions.py``), so signing out, a new password or an admin's revocation ends it for every copy
of the cookie. A session also ends after the idle time and after 12 hours. The cookie is HttpOnly and
SameSite=Lax; Secure when the request came over HTTPS (``DOCSERVICE_COOKIE_SECURE=auto``) or always.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import secrets
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from flask import Flask, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _

from docservice.db.models import User
from docservice.security import sessions
from docservice.security.policy import Principal
from docservice.services import current_services


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


def _now() -> dt.datetime:
    return dt.datetime.fromtimestamp(time.time(), dt.UTC)


def _clear() -> None:
    drop_pending_upload()
    language = session.get("lang")  # the chosen interface language outlives sign-in and sign-out
    session.clear()
    if language:
        session["lang"] = language


def start_session(catalogue: Any, user_id: int) -> None:
    """Sign ``user_id`` in on this browser: a new session (the cookie's old one, if any, ends)."""
    end_session(catalogue, "logout")
    with catalogue.session() as db:
        token = sessions.open_session(db, db.get(User, user_id), _now())
    session["sid"] = token


def end_session(catalogue: Any, because: str = "logout") -> None:
    """End this browser's session in the catalogue, then forget it in the cookie."""
    token = session.get("sid")
    if isinstance(token, str):
        with catalogue.session() as db:
            sessions.close_session(db, token, _now(), because)
    _clear()


def load_user(catalogue: Any, idle_minutes: int) -> str | None:
    """Put the session's user in ``g.user``/``g.principal``; a reason when a session just ended."""
    g.user = g.principal = None
    token = session.get("sid")
    if not isinstance(token, str):
        if "uid" in session:  # a cookie from before sessions were kept in the catalogue
            _clear()
        return None
    now = _now()
    with catalogue.reader() as db:
        state = sessions.check_session(db, token, now, idle_minutes=idle_minutes)
        user = db.get(User, state.user_id) if state.user_id is not None else None
        if user is not None:
            g.principal = Principal.of(user, request.remote_addr)
            g.user = {"id": user.id, "username": user.username, "full_name": user.full_name or user.username,
                      "role": user.role.value, "organization": user.organization.name,
                      "clearance": user.clearance.label}
    if user is None:
        if state.ended_because == "idle":
            with catalogue.session() as db:
                sessions.close_session(db, token, now, "idle")
        _clear()
        if state.ended_because == "idle":
            return _("Phiên làm việc đã hết hạn vì lâu không thao tác. Vui lòng đăng nhập lại.")
        return _("Phiên làm việc đã kết thúc (mật khẩu hoặc tài khoản đã thay đổi). Vui lòng đăng nhập lại.")
    if state.touch:
        with catalogue.session() as db:
            sessions.touch_session(db, token, now)
    return None


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("user") is None:
            return redirect(url_for("web.login_page", next=request.full_path if request.query_string else request.path))
        return view(*args, **kwargs)

    return wrapped


_DROPPED = re.compile(r"[\t\n\r]")  # what browsers remove from a URL anywhere before reading it
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_next(target: str | None) -> str:
    """Only a path on this site is followed after login.

    The target is first read as a browser would read it — tabs and line breaks removed, backslashes as
    slashes — and only then checked: one leading slash, no scheme, no host, no control characters."""
    if not target:
        return url_for("web.home")
    read = _DROPPED.sub("", target).replace("\\", "/")
    parts = urlsplit(read)
    if (read.startswith("/") and not read.startswith("//") and not parts.scheme and not parts.netloc
            and not _CONTROL.search(read)):
        return read
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


# --- a file this session keeps between two submits ("read the metadata from the file", then save) ---

PENDING_HOURS = 12  # no session lasts longer; older files are a crashed worker's leftovers


def _uploads() -> Path:
    return current_services().upload_dir


def pending_upload_path() -> Path | None:
    """The file this session keeps, if it is still there."""
    token = (session.get("pending_upload") or {}).get("token", "")
    if not (isinstance(token, str) and len(token) == 32 and all(c in "0123456789abcdef" for c in token)):
        return None
    path = _uploads() / f"pending-{token}.pdf"
    return path if path.is_file() else None


def pending_upload_name() -> str | None:
    """The name the kept file had on the user's computer."""
    return (session.get("pending_upload") or {}).get("name") if pending_upload_path() else None


def keep_pending_upload(stream: BinaryIO, filename: str) -> Path:
    """Keep ``stream`` for this session (replacing what it kept); stale files of ended sessions go."""
    drop_pending_upload()
    cutoff = time.time() - PENDING_HOURS * 3600
    for stale in _uploads().glob("pending-*.pdf"):
        with contextlib.suppress(FileNotFoundError):
            if stale.stat().st_mtime < cutoff:
                stale.unlink()
    token = secrets.token_hex(16)
    path = _uploads() / f"pending-{token}.pdf"
    try:
        with path.open("wb") as out:
            shutil.copyfileobj(stream, out, 1024 * 1024)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    session["pending_upload"] = {"token": token, "name": filename[:200]}
    return path


def drop_pending_upload() -> None:
    """Remove the file this session kept (after saving it, and whenever the session ends)."""
    path = pending_upload_path()
    session.pop("pending_upload", None)
    if path is not None:
        path.unlink(missing_ok=True)
