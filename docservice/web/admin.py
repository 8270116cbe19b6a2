"""Administration pages: users (add, change, lock, unlock, reset a password, revoke tokens) and the
audit trail (filter, page, export). Same rules as the API: an admin manages users of their scope with
no more clearance than their own; the trail is for admins of the top organisation."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import ValidationError

from docservice.api.audit import csv_response, require_installation_admin
from docservice.api.organizations import OrganizationCreate, TermCreate
from docservice.db.models import AuditEvent, Clearance, OrgKind, Role, User
from docservice.errors import DocserviceError, Forbidden, ValidationFailed
from docservice.generation.uploads import upload_template, versions
from docservice.registry import users as accounts
from docservice.registry.organizations import add_organization, add_term_checked
from docservice.security import policy
from docservice.security.audit import AuditFilter
from docservice.services import current_services
from docservice.validation import validation_failed
from docservice.web.forms import EmptyForm, bounded_int, refusals_into
from docservice.web.i18n import ROLE_NAMES
from docservice.web.session import clearance_levels, login_required, organizations_in_scope

bp = Blueprint("admin", __name__, url_prefix="/admin")
ROLES = ROLE_NAMES
PER_PAGE = 50


def _admin() -> None:
    policy.require(g.principal, "user.manage")


def _choices(session) -> dict[str, Any]:
    return {"organizations": organizations_in_scope(session), "levels": clearance_levels(), "roles": ROLES}


@bp.get("/users")
@login_required
def users_page():
    _admin()
    with current_services().catalogue.reader() as session:
        rows = list(session.scalars(accounts.visible_users(g.principal).order_by(User.username)))
        page = render_template("admin_users.html", users=rows, roles=ROLES, now=dt.datetime.now(dt.UTC),
                               is_locked=accounts.is_locked)
    return page


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def new_user():
    _admin()
    form, errors = EmptyForm(), {}
    values = request.form
    if request.method == "POST" and form.validate_on_submit():
        try:
            with current_services().catalogue.session() as session:
                org = policy.get_organization(session, bounded_int(values.get("organization_id")) or 0, g.principal)
                level = Clearance[values.get("clearance", "thuong")]
                accounts.guard_grant(g.principal.clearance, g.principal.scope_path, level, org)
                user = accounts.create_user(
                    session, username=values.get("username", "").strip(), password=values.get("password", ""),
                    role=Role(values.get("role", "reader")), organization=org, clearance=level,
                    full_name=values.get("full_name", "").strip() or None, by=g.principal.username,
                    remote_addr=request.remote_addr)
                user_id = user.id
        except (KeyError, ValueError):
            errors["form"] = _("Vai trò, tổ chức hoặc mức được xem không hợp lệ.")
        except DocserviceError as exc:
            if isinstance(exc, Forbidden):
                raise
            errors.update(exc.errors or {"username": exc.detail})
        else:
            flash(_("Đã thêm người dùng."), "info")
            return redirect(url_for("admin.edit_user", user_id=user_id))
    with current_services().catalogue.reader() as session:
        page = render_template("admin_user_new.html", form=form, values=values, errors=errors, **_choices(session))
    return page, 422 if errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit_user(user_id: int):
    _admin()
    form, errors = EmptyForm(), {}
    if request.method == "POST" and form.validate_on_submit():
        action = request.form.get("action")
        with refusals_into(errors), current_services().catalogue.session() as session:
            user = accounts.user_or_404(session, user_id, g.principal)
            message = _apply(session, user, action, request.form)
        if not errors:
            flash(message, "info")
            return redirect(url_for("admin.edit_user", user_id=user_id))
    with current_services().catalogue.reader() as session:
        user = accounts.user_or_404(session, user_id, g.principal)
        page = render_template("admin_user.html", target=user, form=form, errors=errors,
                               locked=accounts.is_locked(user), **_choices(session))
    return page, 422 if errors else 200


def _apply(session, user: User, action: str | None, values: Any) -> str:
    who = {"by": g.principal.username, "remote_addr": request.remote_addr}
    if action == "unlock":
        accounts.unlock(session, user, **who)
        return _("Đã mở khóa tài khoản.")
    if action == "password":
        accounts.set_password(session, user, values.get("password", ""), **who)
        return _("Đã đặt lại mật khẩu; mọi phiên và token cũ của người này đã bị thu hồi.")
    if action == "revoke":
        revoked = accounts.revoke_tokens(session, user, **who)
        return _("Đã thu hồi %(tokens)d token và kết thúc %(sessions)d phiên đăng nhập.", tokens=revoked.tokens,
                 sessions=revoked.sessions)
    if action != "save":
        raise Forbidden(_("Thao tác không hợp lệ."))
    org = policy.get_organization(session, bounded_int(values.get("organization_id")) or 0, g.principal)
    try:
        changes = {"role": Role(values.get("role")), "organization": org,
                   "clearance": Clearance[values.get("clearance", "")],
                   "full_name": values.get("full_name", "").strip() or user.full_name,
                   "active": values.get("active") == "on"}
    except (KeyError, ValueError) as exc:
        raise Forbidden(_("Vai trò hoặc mức được xem không hợp lệ.")) from exc
    accounts.guard_grant(g.principal.clearance, g.principal.scope_path, changes["clearance"], org)
    if user.id == g.principal.user_id and (changes["role"] != user.role or not changes["active"]
                                           or org.id != user.organization_id):
        raise Forbidden(_("Không thể tự đổi vai trò, tổ chức hay khóa tài khoản của chính mình."))
    changed = accounts.update_user(session, user, changes, **who)
    return _("Đã lưu thay đổi.") if changed else _("Không có gì thay đổi.")


@bp.get("/audit")
@login_required
def audit_page():
    require_installation_admin(g.principal)
    with current_services().catalogue.reader() as session:
        args = request.args
        try:
            wanted = _audit_filter(args)
            page = max(1, min(int(args.get("page", 1)), 100_000))
        except ValueError:
            wanted, page = AuditFilter(), 1
            flash(_("Bộ lọc không hợp lệ; đang hiện toàn bộ nhật ký."), "warning")
        from sqlalchemy import func, select

        stmt = wanted.statement()
        total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        events = list(session.scalars(stmt.order_by(AuditEvent.id.desc()).offset((page - 1) * PER_PAGE)
                                      .limit(PER_PAGE)))
        csv_query = {k: v for k, v in args.items() if k != "page" and v}
        return render_template("admin_audit.html", events=events, total=total, page=page,
                               pages=max(1, math.ceil(total / PER_PAGE)), args=args, csv_query=csv_query)


@bp.get("/audit.csv")
@login_required
def audit_csv():
    require_installation_admin(g.principal)
    try:
        wanted = _audit_filter(request.args)
    except ValueError:
        wanted = AuditFilter()
    return csv_response(wanted)


def _audit_filter(args: Any) -> AuditFilter:
    """The page's filters (dates as YYYY-MM-DD; ``ValueError`` when one is not a date)."""
    day = {name: dt.date.fromisoformat(args[name]) if args.get(name) else None for name in ("date_from", "date_to")}
    return AuditFilter(**day, username=args.get("username") or None, action=args.get("action") or None)


@bp.get("/templates")
@login_required
def templates_page():
    policy.require(g.principal, "template.manage")
    svc = current_services()
    rows = [(t, versions(svc.catalogue, svc.templates, t.key)) for t in svc.templates.all()]
    return render_template("admin_templates.html", rows=sorted(rows, key=lambda r: r[0].manifest.title),
                           form=EmptyForm(), result=None)


@bp.post("/templates")
@login_required
def upload_template_page():
    policy.require(g.principal, "template.manage")
    svc, form = current_services(), EmptyForm()
    result: dict[str, Any] = {}
    if form.validate_on_submit():
        docx, manifest = request.files.get("file"), request.files.get("manifest")
        try:
            if docx is None or not docx.filename or manifest is None or not manifest.filename:
                raise ValidationFailed(_("Chọn tệp mẫu .docx và tệp manifest.json."))
            try:
                fields = json.loads(manifest.stream.read(1_000_000).decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ValidationFailed(_("manifest.json không phải JSON hợp lệ (UTF-8).")) from exc
            if not isinstance(fields, dict):
                raise ValidationFailed(_("manifest.json phải là một đối tượng JSON."))
            row = upload_template(docx.stream.read(), fields, g.principal, catalogue=svc.catalogue, blobs=svc.blobs,
                                  rules=svc.rules, templates=svc.templates, sandbox=svc.sandbox)
        except DocserviceError as exc:
            if exc.status == 403:
                raise
            result = {"ok": False, "detail": _(exc.detail), "problems": exc.extra.get("problems")
                      or [{"code": "", "message": m} for m in (exc.errors or {}).values()],
                      "warnings": exc.extra.get("warnings", [])}
        else:
            saved = _("Đã lưu mẫu %(key)s, phiên bản %(version)s.", key=row.key, version=row.version)
            result = {"ok": True, "detail": saved, "problems": [],
                      "warnings": row.warnings}
    rows = [(t, versions(svc.catalogue, svc.templates, t.key)) for t in svc.templates.all()]
    return render_template("admin_templates.html", rows=sorted(rows, key=lambda r: r[0].manifest.title),
                           form=form, result=result), 200 if result.get("ok") else 422


KINDS = {"chi_bo": _l("Chi bộ"), "dang_bo_bo_phan": _l("Đảng bộ bộ phận"), "dang_bo_co_so": _l("Đảng bộ cơ sở"),
         "dang_uy": _l("Đảng ủy"), "huyen_uy": _l("Huyện ủy"), "tinh_uy": _l("Tỉnh ủy")}


@bp.route("/organizations", methods=["GET", "POST"])
@login_required
def organizations_page():
    policy.require(g.principal, "organization.manage")
    svc, form, errors = current_services(), EmptyForm(), {}
    values = request.form
    if request.method == "POST" and form.validate_on_submit():
        try:
            with svc.catalogue.session() as session:
                if values.get("action") == "term":
                    body = TermCreate.model_validate({k: values.get(k) or None for k in ("name", "start_date",
                                                                                      "end_date")})
                    add_term_checked(session, g.principal, bounded_int(values.get("organization_id")) or 0,
                                     name=body.name, start=body.start_date, end=body.end_date,
                                     remote_addr=request.remote_addr)
                    message = _("Đã thêm nhiệm kỳ %(name)s.", name=body.name)
                else:
                    body = OrganizationCreate.model_validate({k: values.get(k) or None for k in (
                        "parent_id", "code", "kind", "name", "header_name", "superior_name", "place")})
                    org = add_organization(session, g.principal, parent_id=body.parent_id, code=body.code,
                                           kind=OrgKind(body.kind), name=body.name, header_name=body.header_name,
                                           superior_name=body.superior_name, place=body.place,
                                           remote_addr=request.remote_addr)
                    message = _("Đã thêm %(name)s. Thêm nhiệm kỳ cho tổ chức này trước khi tạo văn bản.", name=org.name)
        except ValidationError as exc:
            errors.update(validation_failed(exc).errors or {})
        except ValueError:
            errors["organization_id"] = _("Chọn tổ chức.")
        except DocserviceError as exc:
            if exc.status == 403:
                raise
            errors.update(exc.errors or {"form": _(exc.detail)})
        else:
            flash(message, "info")
            return redirect(url_for("admin.organizations_page"))
    with svc.catalogue.reader() as session:
        orgs = organizations_in_scope(session)
        page = render_template("admin_organizations.html", organizations=orgs, kinds=KINDS, form=form,
                               errors=errors, values=values, depth=lambda o: o.path.count("/") - 2)
    return page, 422 if errors else 200
