"""HTML pages (Vietnamese first). This module: sign in and out, one's password, the home page, health;
``reading`` (search, records), ``filing`` (upload), ``meetings`` (meetings and generated documents) and
``admin`` (users, audit trail) ``lists`` (documents, records), ``archiving``
(imports, review queue) and ``composing`` (a document from any template) add theirs.

Pages use the session cookie (``session.py``); every form carries a CSRF token that is checked on
each POST to these pages (the JSON API uses bearer tokens and is not subject to it).
"""

from __future__ import annotations

import datetime

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect

from docservice.errors import DocserviceError, ValidationFailed
from docservice.registry.users import LoginLimits, change_own_password, login
from docservice.services import current_services
from docservice.web.forms import EmptyForm, LoginForm, PasswordForm
from docservice.web.session import configure_sessions, end_session, load_user, login_required, safe_next, start_session

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static")
csrf = CSRFProtect()


@bp.before_app_request
def _session_user() -> None:
    if request.path.startswith(("/api/", "/static/")) or request.path == "/healthz":
        return
    svc = current_services()
    ended = load_user(svc.catalogue, svc.settings.session_idle_minutes)
    if ended:
        flash(ended, "warning")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()


@bp.app_context_processor
def _page_context() -> dict:
    return {"user": g.get("user"), "logout_form": EmptyForm()}


@bp.get("/")
def home() -> str:
    if g.get("user") is None:
        return render_template("home.html")
    from docservice.web.home import dashboard
    from docservice.web.reading import doc_type_names

    with current_services().catalogue.reader() as session:
        board = dashboard(session, g.principal, datetime.date.today())
        page = render_template("dashboard.html", doc_types=doc_type_names(), **board)
    return page


@bp.route("/login", methods=["GET", "POST"])
def login_page():
    form = LoginForm()
    if g.get("user") is not None and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    if form.validate_on_submit():
        svc = current_services()
        try:
            user_id = login(svc.catalogue, form.username.data, form.password.data, remote_addr=request.remote_addr,
                            action="auth.login", limits=LoginLimits.of(svc.settings))
        except DocserviceError as error:
            form.password.errors.append(error.detail)
        else:
            start_session(svc.catalogue, user_id)
            return redirect(safe_next(request.args.get("next")))
    status = 200 if request.method == "GET" or not form.errors else 422
    return render_template("login.html", form=form), status


@bp.post("/logout")
def logout():
    if g.get("user") is not None:
        from docservice.security.audit import append_event

        with current_services().catalogue.session() as session:
            append_event(session, username=g.user["username"], action="auth.logout", object_type="user",
                         object_id=g.user["id"], remote_addr=request.remote_addr)
    end_session(current_services().catalogue, "logout")
    flash(_("Đã đăng xuất."), "info")
    return redirect(url_for("web.login_page"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password_page():
    form = PasswordForm()
    if form.validate_on_submit():
        svc = current_services()
        try:
            change_own_password(svc.catalogue, g.user["id"], form.current_password.data, form.new_password.data,
                                remote_addr=request.remote_addr, limits=LoginLimits.of(svc.settings))
        except ValidationFailed as error:
            form.new_password.errors.append(_(error.detail))
        except DocserviceError as error:
            form.current_password.errors.append(_(error.detail))
        else:
            start_session(svc.catalogue, g.user["id"])  # this browser goes on in a new session; the others end
            flash(_("Đã đổi mật khẩu. Các phiên đăng nhập và token khác đã bị thu hồi."), "info")
            return redirect(url_for("web.home"))
    status = 200 if request.method == "GET" or not form.errors else 422
    return render_template("password.html", form=form), status


@bp.get("/healthz")
def health() -> dict[str, str]:
    """Liveness, and whether the converter pool answers (when this worker uses one)."""
    converter = current_services().converter
    ready = getattr(converter, "ready", None)
    return {"status": "ok", "converter": "direct" if ready is None else ("ready" if ready() else "starting")}


def _csrf_failed(error: CSRFError):
    flash(_("Biểu mẫu đã hết hạn hoặc không hợp lệ (mã chống giả mạo). Vui lòng thử lại."), "warning")
    return render_template("message.html", title=_("Không gửi được biểu mẫu")), 400


def register_web(app: Flask) -> None:
    settings = app.extensions["docservice"].settings
    configure_sessions(app, cookie_secure=settings.cookie_secure)
    from docservice.web.i18n import register_i18n

    register_i18n(app)
    app.config.update(WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_TIME_LIMIT=None)
    csrf.init_app(app)
    app.register_error_handler(CSRFError, _csrf_failed)
    app.register_blueprint(bp)
    from docservice.web import admin, archiving, composing, filing, lists, meetings, overview, reading

    app.register_blueprint(reading.bp)
    app.register_blueprint(filing.bp)
    app.register_blueprint(meetings.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(lists.bp)
    app.register_blueprint(archiving.bp)
    app.register_blueprint(composing.bp)
    app.register_blueprint(overview.bp)
