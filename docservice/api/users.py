"""User management for admins: accounts in their scope, never given more than the admin has."""

from __future__ import annotations

from flask import request

from docservice.api.context import api_blueprint, caller, dump, paginate, problems
from docservice.api.schemas import IdPath, Page, PasswordSet, RevokedTokens, UserCreate, UserList, UserOut, UserUpdate
from docservice.db.models import Clearance, Role, User
from docservice.errors import Forbidden
from docservice.registry import users as accounts
from docservice.security import policy
from docservice.services import current_services

blueprint = api_blueprint("users", "Người dùng")


def user_out(user: User) -> UserOut:
    return UserOut(id=user.id, username=user.username, full_name=user.full_name, role=user.role.value,
                   organization_id=user.organization_id, clearance=user.clearance.name, active=user.active,
                   locked_until=user.locked_until if accounts.is_locked(user) else None,
                   last_login_at=user.last_login_at, created_at=user.created_at)




@blueprint.get("/users", responses={200: UserList, **problems(403)})
def list_users(query: Page):
    """Người dùng trong phạm vi quản trị."""
    principal = caller()
    policy.require(principal, "user.manage")
    with current_services().catalogue.reader() as session:
        rows, total = paginate(session, accounts.visible_users(principal).order_by(User.username), query)
        return dump(UserList(items=[user_out(u) for u in rows], total=total, page=query.page,
                             per_page=query.per_page))


@blueprint.post("/users", responses={201: UserOut, **problems(403, 409)})
def create_user(body: UserCreate):
    """Thêm người dùng (mức được xem không cao hơn của người quản trị, tổ chức trong phạm vi)."""
    principal = caller()
    policy.require(principal, "user.manage")
    with current_services().catalogue.session() as session:
        org = policy.get_organization(session, body.organization_id, principal)
        accounts.guard_grant(principal.clearance, principal.scope_path, Clearance[body.clearance], org)
        user = accounts.create_user(session, username=body.username, password=body.password, role=Role(body.role),
                                    organization=org, clearance=Clearance[body.clearance],
                                    full_name=body.full_name, by=principal.username,
                                    remote_addr=request.remote_addr)
        return dump(user_out(user), 201)


@blueprint.get("/users/<int:id>", responses={200: UserOut, **problems(403)})
def get_user(path: IdPath):
    """Một người dùng."""
    principal = caller()
    policy.require(principal, "user.manage")
    with current_services().catalogue.reader() as session:
        return dump(user_out(accounts.user_or_404(session, path.id, principal)))


@blueprint.patch("/users/<int:id>", responses={200: UserOut, **problems(403)})
def update_user(path: IdPath, body: UserUpdate):
    """Đổi vai trò, tổ chức, mức được xem, họ tên, hoặc khóa/mở tài khoản (khóa thì thu hồi mọi token)."""
    principal = caller()
    policy.require(principal, "user.manage")
    with current_services().catalogue.session() as session:
        user = accounts.user_or_404(session, path.id, principal)
        changes: dict = {}
        for name, value in body.model_dump(exclude_unset=True).items():
            if value is None:
                continue
            if name == "organization_id":
                changes["organization"] = policy.get_organization(session, value, principal)
            elif name == "clearance":
                changes["clearance"] = Clearance[value]
            elif name == "role":
                changes["role"] = Role(value)
            else:
                changes[name] = value
        accounts.guard_grant(principal.clearance, principal.scope_path, changes.get("clearance"),
                             changes.get("organization"))
        if user.id == principal.user_id and ({"role", "active", "organization"} & changes.keys()):
            raise Forbidden("Không thể tự đổi vai trò, tổ chức hay khóa tài khoản của chính mình.")
        accounts.update_user(session, user, changes, by=principal.username, remote_addr=request.remote_addr)
        return dump(user_out(user))


@blueprint.post("/users/<int:id>/password", responses={204: None, **problems(403)})
def set_password(path: IdPath, body: PasswordSet):
    """Đặt lại mật khẩu (thu hồi mọi token của người đó, mở khóa)."""
    principal = caller()
    policy.require(principal, "user.manage")
    with current_services().catalogue.session() as session:
        user = accounts.user_or_404(session, path.id, principal)
        accounts.set_password(session, user, body.password, by=principal.username, remote_addr=request.remote_addr)
    return "", 204


@blueprint.post("/users/<int:id>/unlock", responses={200: UserOut, **problems(403)})
def unlock_user(path: IdPath):
    """Mở khóa tài khoản đang bị tạm khóa do sai mật khẩu."""
    principal = caller()
    policy.require(principal, "user.manage")
    with current_services().catalogue.session() as session:
        user = accounts.user_or_404(session, path.id, principal)
        accounts.unlock(session, user, by=principal.username, remote_addr=request.remote_addr)
        return dump(user_out(user))


@blueprint.post("/users/<int:id>/revoke-tokens", responses={200: RevokedTokens, **problems(403)})
def revoke_tokens(path: IdPath):
    """Thu hồi mọi token đang dùng và kết thúc mọi phiên đăng nhập web của người dùng (ví dụ khi nghi bị lộ)."""
    principal = caller()
    policy.require(principal, "user.manage")
    with current_services().catalogue.session() as session:
        user = accounts.user_or_404(session, path.id, principal)
        revoked = accounts.revoke_tokens(session, user, by=principal.username, remote_addr=request.remote_addr)
    return dump(RevokedTokens(revoked=revoked.tokens, sessions_ended=revoked.sessions))
