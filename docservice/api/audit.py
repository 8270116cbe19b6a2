"""The audit trail for the installation's administrators: list, filter, export as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

from flask import Response
from pydantic import BaseModel, ConfigDict, Field

from docservice.api.context import (
    api_blueprint,
    caller,
    dump,
    file_response,
    paginate,
    problems,
)
from docservice.api.schemas import Page
from docservice.db.models import AuditEvent, Organization
from docservice.errors import Forbidden
from docservice.security import policy
from docservice.security.audit import AuditFilter, csv_rows
from docservice.services import current_services

blueprint = api_blueprint("audit", "Nhật ký")


class AuditQuery(Page):
    model_config = ConfigDict(extra="forbid")
    date_from: dt.date | None = Field(None, description="Từ ngày")
    date_to: dt.date | None = Field(None, description="Đến hết ngày")
    username: str | None = Field(None, max_length=64)
    action: str | None = Field(None, max_length=48, description="Loại sự kiện, hoặc phần đầu (ví dụ ``record.``)")
    object_type: str | None = Field(None, max_length=32)
    object_id: str | None = Field(None, max_length=64)

    def wanted(self) -> AuditFilter:
        return AuditFilter(self.date_from, self.date_to, self.username, self.action, self.object_type,
                           self.object_id)


class AuditExportQuery(AuditQuery):
    per_page: int = Field(20, ge=1, le=100, description="(không dùng khi xuất)")


class AuditEventOut(BaseModel):
    id: int
    at: dt.datetime
    username: str | None
    action: str
    object_type: str | None
    object_id: str | None
    outcome: str
    remote_addr: str | None
    detail: str | None
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    items: list[AuditEventOut]
    total: int
    page: int
    per_page: int


def require_installation_admin(principal: policy.Principal) -> None:
    """The whole trail names records of every organisation: only admins of the root organisation read it."""
    policy.require(principal, "user.manage")
    with current_services().catalogue.reader() as session:
        org = session.get(Organization, principal.scope_org_id)
        if org is None or org.parent_id is not None:
            raise Forbidden("Chỉ quản trị viên của tổ chức cấp cao nhất được xem nhật ký.")


def csv_response(wanted: AuditFilter) -> Response:
    """The events ``wanted`` as a streamed CSV download (UTF-8 with BOM, chain order)."""
    catalogue = current_services().catalogue

    def stream() -> Iterator[str]:
        yield "\ufeff"
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        with catalogue.reader() as session:
            for row in csv_rows(session, wanted):
                writer.writerow(row)
                if buffer.tell() > 64 * 1024:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()

    return Response(stream(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=audit-events.csv"})


@blueprint.get("/audit-events", responses={200: AuditPage, **problems(403)})
def list_events(query: AuditQuery):
    """Các sự kiện nhật ký, mới trước."""
    require_installation_admin(caller())
    with current_services().catalogue.reader() as session:
        rows, total = paginate(session, query.wanted().statement().order_by(AuditEvent.id.desc()), query)
        items = [AuditEventOut.model_validate(row, from_attributes=True) for row in rows]
    return dump(AuditPage(items=items, total=total, page=query.page, per_page=query.per_page))


@blueprint.get("/audit-events.csv", responses={**file_response("text/csv", "Nhật ký dạng CSV"), **problems(403)})
def export_events(query: AuditExportQuery):
    """Xuất nhật ký (theo bộ lọc) ra CSV UTF-8, theo thứ tự chuỗi, kèm mã băm từng sự kiện."""
    require_installation_admin(caller())
    return csv_response(query.wanted())
