"""The committee's overview: meeting register, figures, member attendance, exports, report and books."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, Literal

from flask import Response, request, send_file
from pydantic import BaseModel, ConfigDict, Field, model_validator

from docservice.api.context import api_blueprint, caller, dump, file_response, problems
from docservice.api.schemas import IdPath
from docservice.db.models import Clearance
from docservice.errors import ValidationFailed
from docservice.oversight import exports, figures, reports
from docservice.oversight import service as committee
from docservice.security import policy
from docservice.services import current_services

blueprint = api_blueprint("oversight", "Tổng hợp, thống kê")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SPAN_DAYS = 366 * 10
FIRST_YEAR, LAST_YEAR = 1930, 2100


# --- requests ----------------------------------------------------------------------------------------------

class YearQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int | None = Field(None, ge=1930, le=2100, description="Năm (mặc định: năm nay)")


class PeriodQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    date_from: dt.date | None = Field(None, alias="from", description="Từ ngày (mặc định: đầu năm nay)")
    date_to: dt.date | None = Field(None, alias="to", description="Đến hết ngày (mặc định: hôm nay)")

    def period(self) -> figures.Period:
        today = dt.date.today()
        start = self.date_from or dt.date(today.year, 1, 1)
        end = self.date_to or max(today, start)
        if end < start:
            raise ValidationFailed("Ngày kết thúc phải sau ngày bắt đầu.", errors={"to": "Phải sau ngày bắt đầu."})
        for name, day in (("from", start), ("to", end)):
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise ValidationFailed(f"Năm phải từ {FIRST_YEAR} đến {LAST_YEAR}.", errors={name: "Năm không hợp lệ."})
        if (end - start).days > MAX_SPAN_DAYS:
            raise ValidationFailed("Khoảng thời gian tối đa 10 năm.", errors={"from": "Tối đa 10 năm."})
        return figures.Period(start, end)


class MonthQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    month: str = Field(pattern=r"^(19[3-9]\d|20\d\d|2100)-(0[1-9]|1[0-2])$", description="Tháng báo cáo, dạng 2026-03")


class BookPath(BaseModel):
    id: int = Field(ge=1, le=2**31 - 1)
    kind: Literal["minutes", "resolutions"] = Field(description="minutes: sổ biên bản; resolutions: sổ nghị quyết")


class BookQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int | None = Field(None, ge=1930, le=2100)
    term_id: int | None = Field(None, ge=1, le=2**31 - 1, description="Cả nhiệm kỳ thay cho một năm")


class ScheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    day: int | None = Field(None, ge=1, le=31, description="Ngày trong tháng (ví dụ 7)")
    weekday: int | None = Field(None, ge=0, le=6, description="Thứ trong tuần: 0 = Thứ Hai … 6 = Chủ nhật")
    nth: Literal[1, 2, 3, 4, -1] | None = Field(None, description="Lần thứ mấy trong tháng; -1 là lần cuối")
    grace_days: int = Field(2, ge=0, le=27, description="Số ngày được chậm")

    @model_validator(mode="after")
    def _one_rule(self) -> ScheduleIn:
        if (self.day is None) == (self.weekday is None) or (self.weekday is None) != (self.nth is None):
            raise ValueError("Chọn hoặc ngày trong tháng (day), hoặc thứ và lần trong tháng (weekday, nth).")
        return self


class TargetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: int = Field(ge=0, le=1_000_000, description="Số đảng viên mới cần kết nạp trong năm")


class TargetPath(BaseModel):
    id: int = Field(ge=1, le=2**31 - 1)
    year: int = Field(ge=1930, le=2100)


class StudyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: dt.date
    subject: str = Field(min_length=2, max_length=500, description="Nghị quyết, chuyên đề được học tập")
    expected: int = Field(ge=1, le=100_000, description="Số đảng viên phải tham gia")
    participated: int = Field(ge=0, le=100_000, description="Số đảng viên đã tham gia")
    confidentiality: Literal["thuong", "mat", "toi_mat", "tuyet_mat"] = "thuong"

    @model_validator(mode="after")
    def _not_more(self) -> StudyIn:
        if self.participated > self.expected:
            raise ValueError("Số tham gia không được lớn hơn số phải tham gia.")
        return self


# --- responses ---------------------------------------------------------------------------------------------

class OrgRef(BaseModel):
    id: int
    name: str
    kind: str


class ScheduleOut(BaseModel):
    day: int | None
    weekday: int | None
    nth: int | None
    grace_days: int
    source: Literal["own", "inherited", "profile"]
    text: str


class MeetingRef(BaseModel):
    id: int
    date: dt.date
    kind: str | None = None


class RegisterMonth(BaseModel):
    month: int
    due: dt.date
    deadline: dt.date
    status: Literal["on_time", "late", "missing", "due", "upcoming"]
    meeting: MeetingRef | None
    other_meetings: list[MeetingRef]
    minutes: Literal["signed", "generated", "missing"] | None
    resolution: Literal["signed", "generated", "missing"] | None


class RegisterQuarter(BaseModel):
    quarter: int
    meetings: list[MeetingRef]
    status: Literal["held", "missing", "open"]


class MemberRate(BaseModel):
    member_id: int
    full_name: str
    expected: int
    present: int
    absent_excused: int
    absent_unexcused: int
    percent: float | None
    unexcused_months: list[int]
    alert: bool


class StudyOut(BaseModel):
    id: int
    organization_id: int
    date: dt.date
    subject: str
    expected: int
    participated: int


class RegisterOut(BaseModel):
    organization: OrgRef
    year: int
    schedule: ScheduleOut
    months: list[RegisterMonth]
    quarters: list[RegisterQuarter]
    summary: dict[str, Any]
    members: list[MemberRate] = Field(description="Từng đảng viên dự các buổi sinh hoạt của tổ chức trong năm")
    study_sessions: list[StudyOut] = Field(description="Các buổi học tập, quán triệt nghị quyết trong năm")


class AttendanceCounts(BaseModel):
    expected: int
    present: int
    absent_excused: int
    absent_unexcused: int
    percent: float | None


class OrgFigures(BaseModel):
    id: int
    name: str
    schedule: str
    schedule_rule: ScheduleOut
    meetings: int
    thematic: int
    months_months: int
    months_on_time: int
    months_late: int
    months_missing: int
    on_time_percent: float | None
    attendance: AttendanceCounts
    monthly_attendance: dict[str, float | None]


class Alert(BaseModel):
    member_id: int
    full_name: str
    organization_id: int
    year: int
    months: list[int]


class Recognition(BaseModel):
    member_id: int
    full_name: str
    organization_id: int
    admitted_on: dt.date
    probation_ends: dt.date
    decide_by: dt.date
    state: Literal["waiting", "to_decide", "overdue"]
    working_days_left: int | None


class Admissions(BaseModel):
    year: int
    admitted: int
    target: int | None
    percent: float | None
    percent_text: str


class StatisticsOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    organization: OrgRef
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")
    cells: int
    meetings: dict[str, Any]
    attendance: dict[str, Any]
    monthly_attendance: dict[str, float | None]
    study: dict[str, Any] | None
    documents_by_type: dict[str, int]
    records_by_type: dict[str, int]
    admissions: list[Admissions]
    members_by_state: dict[str, int]
    unexcused_alerts: list[Alert]
    recognitions: list[Recognition]
    per_organization: list[OrgFigures]
    rules: dict[str, int]


class MemberMeeting(BaseModel):
    meeting_id: int
    date: dt.date
    kind: str
    organization_id: int
    organization: str
    attendance: Literal["present", "absent_excused", "absent_unexcused"]
    reason: str | None
    expected: bool


class MemberAttendanceOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    member: dict[str, Any]
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")
    meetings: list[MemberMeeting]
    expected: int
    present: int
    absent_excused: int
    absent_unexcused: int
    percent: float | None
    unexcused_months: dict[str, list[int]]
    alert: bool
    alert_threshold_months: int


class TargetOut(BaseModel):
    organization_id: int
    year: int
    target: int


# --- helpers -----------------------------------------------------------------------------------------------

def _read() -> tuple[Any, Any]:
    principal = caller()
    policy.require(principal, "organization.read")
    policy.require(principal, "meeting.read")
    return principal, current_services()


def _register(path: IdPath, query: YearQuery) -> dict[str, Any]:
    principal, svc = _read()
    today = dt.date.today()
    year = query.year or today.year
    with svc.catalogue.reader() as session:
        org = policy.get_organization(session, path.id, principal)
        return figures.register(session, org, year, principal, svc.rules.for_date(dt.date(year, 12, 31)).oversight,
                                today)


def _statistics(path: IdPath, query: PeriodQuery) -> dict[str, Any]:
    principal, svc = _read()
    period = query.period()
    with svc.catalogue.reader() as session:
        org = policy.get_organization(session, path.id, principal)
        return figures.statistics(session, org, period, principal, svc.rules.for_date(period.end).oversight,
                                  dt.date.today())


def _member(path: IdPath, query: PeriodQuery) -> dict[str, Any]:
    principal = caller()
    policy.require(principal, "member.read")
    svc, period = current_services(), query.period()
    with svc.catalogue.reader() as session:
        member = policy.get_member(session, path.id, principal)
        return figures.member_attendance(session, member, period, principal, svc.rules.for_date(period.end).oversight)


def table_file(tables: list[exports.Table], name: str, kind: str) -> Response:
    """The tables as a CSV or XLSX download."""
    body, mime = (exports.to_csv(tables), "text/csv; charset=utf-8") if kind == "csv" else (exports.to_xlsx(tables),
                                                                                            XLSX)
    return Response(body, mimetype=mime, headers={"Content-Disposition": f"attachment; filename={name}.{kind}"})


def pdf_response(body: bytes, name: str) -> Response:
    """A PDF shown in the browser (its viewer), with a file name for saving."""
    return send_file(io.BytesIO(body), mimetype="application/pdf", download_name=name, as_attachment=False)


# --- routes ------------------------------------------------------------------------------------------------

@blueprint.get("/organizations/<int:id>/register", responses={200: RegisterOut, **problems(403, 404)})
def get_register(path: IdPath, query: YearQuery):
    """Sổ theo dõi sinh hoạt của một tổ chức trong năm: tháng đúng lịch, chậm, không sinh hoạt; biên bản,
    nghị quyết; sinh hoạt chuyên đề theo quý."""
    return dump(RegisterOut.model_validate(_register(path, query)))


@blueprint.get("/organizations/<int:id>/register.csv", responses={**file_response("text/csv", "CSV"),
                                                                   **problems(403, 404)})
def get_register_csv(path: IdPath, query: YearQuery):
    """Sổ theo dõi sinh hoạt dạng CSV (UTF-8, mở được bằng Excel)."""
    reg = _register(path, query)
    return table_file(exports.register_table(reg), f"so-theo-doi-{path.id}-{reg['year']}", "csv")


@blueprint.get("/organizations/<int:id>/register.xlsx", responses={**file_response(XLSX, "XLSX"),
                                                                    **problems(403, 404)})
def get_register_xlsx(path: IdPath, query: YearQuery):
    """Sổ theo dõi sinh hoạt dạng Excel."""
    reg = _register(path, query)
    return table_file(exports.register_table(reg), f"so-theo-doi-{path.id}-{reg['year']}", "xlsx")


@blueprint.get("/organizations/<int:id>/statistics", responses={200: StatisticsOut, **problems(403, 404, 422)})
def get_statistics(path: IdPath, query: PeriodQuery):
    """Số liệu của tổ chức và các tổ chức trực thuộc trong khoảng thời gian (trong phạm vi và độ mật được
    xem): sinh hoạt đúng lịch, tỷ lệ dự, học tập nghị quyết, văn bản theo loại, kết nạp so với chỉ tiêu,
    đảng viên theo trạng thái, cảnh báo vắng, hạn xét chính thức."""
    return StatisticsOut.model_validate(_statistics(path, query)).model_dump(mode="json", by_alias=True), 200


@blueprint.get("/organizations/<int:id>/statistics.csv", responses={**file_response("text/csv", "CSV"),
                                                                     **problems(403, 404, 422)})
def get_statistics_csv(path: IdPath, query: PeriodQuery):
    """Số liệu dạng CSV."""
    stats = _statistics(path, query)
    return table_file(exports.statistics_table(stats), f"so-lieu-{path.id}", "csv")


@blueprint.get("/organizations/<int:id>/statistics.xlsx", responses={**file_response(XLSX, "XLSX"),
                                                                      **problems(403, 404, 422)})
def get_statistics_xlsx(path: IdPath, query: PeriodQuery):
    """Số liệu dạng Excel (mỗi bảng một trang tính)."""
    stats = _statistics(path, query)
    return table_file(exports.statistics_table(stats), f"so-lieu-{path.id}", "xlsx")


@blueprint.get("/members/<int:id>/attendance", responses={200: MemberAttendanceOut, **problems(403, 404, 422)})
def get_member_attendance(path: IdPath, query: PeriodQuery):
    """Các buổi sinh hoạt của một đảng viên: phải dự hay không, có mặt hay vắng (có/không lý do), tỷ lệ,
    các tháng vắng không lý do và cảnh báo."""
    att = _member(path, query)
    return MemberAttendanceOut.model_validate(att).model_dump(mode="json", by_alias=True), 200


@blueprint.get("/members/<int:id>/attendance.csv", responses={**file_response("text/csv", "CSV"),
                                                               **problems(403, 404, 422)})
def get_member_attendance_csv(path: IdPath, query: PeriodQuery):
    """Các buổi sinh hoạt của một đảng viên dạng CSV."""
    return table_file(exports.member_table(_member(path, query)), f"du-sinh-hoat-{path.id}", "csv")


@blueprint.get("/organizations/<int:id>/report.pdf",
               responses={**file_response("application/pdf", "Báo cáo tháng (PDF)"), **problems(403, 404, 422)})
def get_monthly_report(path: IdPath, query: MonthQuery):
    """Báo cáo tình hình sinh hoạt chi bộ và công tác đảng trong tháng, có biểu đồ, theo thể thức văn bản
    của Đảng (để in)."""
    principal, svc = _read()
    year, month = (int(x) for x in query.month.split("-"))
    body = reports.report_download(svc.catalogue, svc.rules, path.id, year, month, principal, dt.date.today())
    return pdf_response(body, f"bao-cao-{path.id}-{query.month}.pdf")


@blueprint.get("/organizations/<int:id>/books/<kind>.pdf",
               responses={**file_response("application/pdf", "Sổ biên bản / sổ nghị quyết (PDF)"),
                          **problems(403, 404, 422)})
def get_book(path: BookPath, query: BookQuery):
    """Sổ biên bản hoặc sổ nghị quyết của một tổ chức trong năm hay nhiệm kỳ: bìa, mục lục, từng văn bản
    theo thứ tự (bản ký lưu trữ nếu có), đánh số trang."""
    principal, svc = _read()
    body = reports.book_download(svc.catalogue, svc.blobs, svc.rules, path.id, path.kind, principal,
                                 year=query.year, term_id=query.term_id, remote_addr=request.remote_addr,
                                 today=dt.date.today(), sandbox=svc.sandbox)
    return pdf_response(body, f"so-{path.kind}-{path.id}.pdf")


@blueprint.put("/organizations/<int:id>/schedule", responses={200: ScheduleOut, **problems(403, 404, 422)})
def put_schedule(path: IdPath, body: ScheduleIn):
    """Đặt lịch sinh hoạt thường kỳ của tổ chức (cấp ủy cấp trên hoặc quản trị); các tổ chức trực thuộc
    không có lịch riêng theo lịch này."""
    with current_services().catalogue.session() as session:
        committee.set_schedule(session, path.id, caller(), day=body.day, weekday=body.weekday, nth=body.nth,
                               grace_days=body.grace_days, remote_addr=request.remote_addr)
        org = policy.get_organization(session, path.id, caller())
        rule = current_services().rules.current().oversight
        return dump(ScheduleOut.model_validate(figures.schedules_for(session, [org], rule)[org.id].as_dict()))


@blueprint.delete("/organizations/<int:id>/schedule", responses={204: None, **problems(403, 404)})
def delete_schedule(path: IdPath):
    """Bỏ lịch riêng: tổ chức theo lịch của cấp trên (hoặc mặc định ngày 7, chậm nhất 2 ngày)."""
    with current_services().catalogue.session() as session:
        committee.clear_schedule(session, path.id, caller(), remote_addr=request.remote_addr)
    return Response(status=204)


@blueprint.put("/organizations/<int:id>/admission-targets/<int:year>",
               responses={200: TargetOut, **problems(403, 404, 422)})
def put_admission_target(path: TargetPath, body: TargetIn):
    """Chỉ tiêu kết nạp đảng viên của tổ chức (gồm các tổ chức trực thuộc) trong năm."""
    with current_services().catalogue.session() as session:
        row = committee.set_admission_target(session, path.id, path.year, body.target, caller(),
                                             remote_addr=request.remote_addr)
        return dump(TargetOut(organization_id=row.organization_id, year=row.year, target=row.target))


@blueprint.post("/organizations/<int:id>/study-sessions", responses={201: StudyOut, **problems(403, 404, 422)})
def post_study_session(path: IdPath, body: StudyIn):
    """Ghi một buổi học tập, quán triệt nghị quyết: số đảng viên phải tham gia và đã tham gia."""
    with current_services().catalogue.session() as session:
        row = committee.add_study_session(session, path.id, caller(), day=body.date, subject=body.subject,
                                          expected=body.expected, participated=body.participated,
                                          confidentiality=Clearance[body.confidentiality],
                                          remote_addr=request.remote_addr)
        return dump(StudyOut(id=row.id, organization_id=row.organization_id, date=row.date, subject=row.subject,
                             expected=row.expected, participated=row.participated), 201)
