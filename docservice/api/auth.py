"""Tokens and one's own password: log in, log out (revoke the token), change the password."""

from __future__ import annotations

from flask import g, request

from docservice.api.context import api_blueprint, authenticate_request, caller, dump, problems
from docservice.api.schemas import PasswordChange, TokenRequest, TokenResponse
from docservice.db.models import User
from docservice.registry.users import LoginLimits, change_own_password, login
from docservice.security.audit import append_event
from docservice.security.tokens import issue_token, revoke_token
from docservice.services import current_services

blueprint = api_blueprint("auth", "Xác thực", public=True)
_TOKEN = {"security": [{"bearer": []}]}


@blueprint.post("/auth/token", responses={200: TokenResponse, **problems(429)})
def create_token(body: TokenRequest):
    """Đăng nhập: trả về token dùng trong header ``Authorization: Bearer``.

    Nhập sai mật khẩu nhiều lần liên tiếp thì tài khoản bị tạm khóa; quá nhiều lần sai từ một máy thì
    máy đó phải chờ (429, kèm ``Retry-After``)."""
    svc = current_services()
    user_id = login(svc.catalogue, body.username, body.password, remote_addr=request.remote_addr,
                    action="auth.token", limits=LoginLimits.of(svc.settings))
    with svc.catalogue.session() as session:
        user = session.get(User, user_id)
        token, expires = issue_token(session, user, hours=svc.settings.token_hours)
    return dump(TokenResponse(token=token, expires_at=expires))


@blueprint.delete("/auth/token", responses={204: None, **problems(401)}, **_TOKEN)
def delete_token():
    """Đăng xuất: thu hồi token đang dùng."""
    authenticate_request()
    with current_services().catalogue.session() as session:
        revoke_token(session, g.token)
        append_event(session, username=caller().username, action="auth.logout", object_type="user",
                     object_id=caller().user_id, remote_addr=request.remote_addr)
    return "", 204


@blueprint.post("/auth/password", responses={204: None, **problems(401, 429)}, **_TOKEN)
def change_password(body: PasswordChange):
    """Đổi mật khẩu của chính mình; mọi token cũ (kể cả token đang dùng) bị thu hồi."""
    authenticate_request()
    svc = current_services()
    change_own_password(svc.catalogue, caller().user_id, body.current_password, body.new_password,
                        remote_addr=request.remote_addr, limits=LoginLimits.of(svc.settings))
    return "", 204
