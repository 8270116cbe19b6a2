"""``POST /api/v1/layout-check``: check an uploaded .docx against the rules of its date."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from docservice.api.context import api_blueprint, caller, dump, problems
from docservice.api.schemas import Upload
from docservice.generation.layout_check import check_uploaded
from docservice.security import policy
from docservice.services import current_services

blueprint = api_blueprint("layout", "Kiểm tra thể thức")


class LayoutForm(BaseModel):
    file: Upload = Field(description="Văn bản Word (.docx)")


class DeviationOut(BaseModel):
    code: str
    element: str
    message: str


class LayoutReportOut(BaseModel):
    ok: bool
    profile: str | None
    date: dt.date | None
    number: str | None
    deviations: list[DeviationOut]


@blueprint.post("/layout-check", responses={200: LayoutReportOut, **problems(413, 503)})
def layout_check(form: LayoutForm):
    """Kiểm tra thể thức một văn bản .docx (tiêu đề, số, ngày, phông chữ, lề, chữ ký, nơi nhận), rồi chuyển sang
    PDF và kiểm tra các trang in (dòng ngày tháng xuống dòng, khối chữ ký hay nơi nhận bị tách trang).

    Tệp quá lớn hay quá nhiều đoạn: 413; cần quá nhiều thời gian hay bộ nhớ: 422 ``too_complex``; máy chủ đang
    bận với các tệp khác: 503 kèm ``Retry-After``."""
    policy.require(caller(), "template.read")
    svc = current_services()
    report = check_uploaded(form.file.stream.read(), svc.rules, svc.sandbox, svc.converter)
    return dump(LayoutReportOut(ok=report.ok, profile=report.profile, date=report.date, number=report.number,
                                deviations=[DeviationOut(**d.__dict__) for d in report.deviations]))
