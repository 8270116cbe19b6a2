"""What every API view needs: the engines, the caller, and the blueprint factory."""

from __future__ import annotations

import logging
from typing import Any

from flask import g, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel
from sqlalchemy import func, select

from docservice.errors import Unauthenticated
from docservice.security.policy import Principal
from docservice.security.tokens import user_for_token
from docservice.services import current_services

PREFIX = "/api/v1"
_PROBLEM_TEXT = {
    400: "Câu tìm kiếm không dùng được", 401: "Chưa đăng nhập", 403: "Không có quyền",
    404: "Không tìm thấy (hoặc ngoài phạm vi được xem)", 409: "Xung đột dữ liệu", 410: "Đã hủy theo quy định",
    413: "Tệp quá lớn", 415: "Không phải PDF", 422: "Dữ liệu không hợp lệ", 429: "Quá nhiều lần thử",
    503: "Dịch vụ tạm thời bận", 507: "Kho lưu trữ đã đầy",
}


def problems(*codes: int) -> dict[int, Any]:
    """OpenAPI responses for error ``codes``, each an ``application/problem+json`` Problem body."""
    schema = {"$ref": "#/components/schemas/Problem"}
    return {code: {"description": _PROBLEM_TEXT[code], "content": {"application/problem+json": {"schema": schema}}}
            for code in codes}


def caller() -> Principal:
    """The authenticated caller of this request (set by ``authenticate_request``)."""
    return g.principal


def authenticate_request() -> None:
    """Set the caller from the bearer token, or raise ``Unauthenticated``."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated()
    with current_services().catalogue.reader() as session:
        user = user_for_token(session, token.strip())
        if user is None:
            raise Unauthenticated("Token không hợp lệ, đã hết hạn hoặc đã bị thu hồi.")
        g.principal = Principal.of(user, request.remote_addr)
        g.token = token.strip()


def api_blueprint(name: str, tag: str, *, public: bool = False) -> APIBlueprint:
    """A feature blueprint under ``/api/v1``; every route needs a bearer token unless ``public``."""
    bp = APIBlueprint(name, __name__, url_prefix=PREFIX, abp_tags=[Tag(name=tag)],
                      abp_security=[] if public else [{"bearer": []}],
                      abp_responses=problems(401, 404, 422, 503, 507) if not public else problems(401, 422, 507))
    if not public:
        bp.before_request(authenticate_request)
    return bp


def audit_read(action: str, row: Any) -> None:
    """An audit event for reading a confidential (mật or above) document, record or meeting."""
    from docservice.security.audit import audit_reads, confidential_read

    audit_reads(current_services().catalogue, caller(), action, [confidential_read(row)])


_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_REFUSED = {403: "denied", 404: "not_found"}


def audit_refused_write(response: Any) -> Any:
    """A write the caller was refused (no right: 403; outside their scope or clearance: 404) is an event
    too, naming the route and the id asked for — the trail shows who tried to change what."""
    principal = g.get("principal")
    if (request.method in _WRITES and response.status_code in _REFUSED and principal is not None
            and request.path.startswith(PREFIX)):
        from docservice.security.audit import append_event

        rule = request.url_rule.rule if request.url_rule else request.path
        target = (request.view_args or {}).get("id")
        try:
            with current_services().catalogue.session() as session:
                append_event(session, username=principal.username, action=f"api.{request.method.lower()}",
                             object_type="route", object_id=target, outcome=_REFUSED[response.status_code],
                             remote_addr=request.remote_addr, detail=f"{request.method} {rule}")
        except Exception:  # the refusal stands; the failure to record it is logged
            logging.getLogger(__name__).exception("refused write not recorded in the audit trail")
    return response


def dump(model: BaseModel, status: int = 200) -> tuple[dict[str, Any], int]:
    return model.model_dump(mode="json"), status


def paginate(session: Any, stmt: Any, page: Any) -> tuple[list[Any], int]:
    """One page of ``stmt``'s rows (ordered by the caller) and the total row count."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = session.scalars(stmt.offset((page.page - 1) * page.per_page).limit(page.per_page)).all()
    return list(rows), total


def file_response(mimetype: str, description: str) -> dict[int, Any]:
    """OpenAPI response for a file download."""
    return {200: {"description": description,
                  "content": {mimetype: {"schema": {"type": "string", "format": "binary"}}}}}
