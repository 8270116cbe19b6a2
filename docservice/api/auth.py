"""``POST /api/v1/auth/token``: exchange a user name and password for a bearer token."""

from __future__ import annotations

from flask import request

from docservice.api.context import api_blueprint, dump, services
from docservice.api.schemas import TokenRequest, TokenResponse
from docservice.errors import InvalidCredentials
from docservice.registry.users import authenticate
from docservice.security.audit import append_event
from docservice.security.tokens import issue_token

blueprint = api_blueprint("auth", "Xác thực", public=True)


@blueprint.post("/auth/token", responses={200: TokenResponse})
def create_token(body: TokenRequest):
    """Đăng nhập: trả về token dùng trong header ``Authorization: Bearer``."""
    svc = services()
    try:
        with svc.catalogue.session() as session:
            user = authenticate(session, body.username, body.password)
            token, expires = issue_token(session, user, hours=svc.settings.token_hours)
            append_event(session, username=user.username, action="auth.token", object_type="user",
                         object_id=user.id, remote_addr=request.remote_addr)
    except InvalidCredentials:
        with svc.catalogue.session() as session:
            append_event(session, username=body.username[:64], action="auth.token", outcome="denied",
                         remote_addr=request.remote_addr)
        raise
    return dump(TokenResponse(token=token, expires_at=expires))
