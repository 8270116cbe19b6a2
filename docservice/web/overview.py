"""The committee's overview pages: figures and charts for an organisation and its subtree, the meeting
register of one organisation, a member's attendance; downloads (CSV, Excel, the monthly report, the books)
and the committee's settings (meeting day, admission target)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from docservice.api.oversight import pdf_response, table_file
from docservice.db.models import Clearance, Organization
from docservice.errors import NotFound, ValidationFailed
from docservice.generation.dossier import build_dossier, open_dossier
from docservice.oversight import charts, exports, figures, reports
from docservice.oversight import service as committee
from docservice.security import policy
from docservice.services import current_services
from docservice.web.forms import EmptyForm, bounded_int, refusals_into
from docservice.web.meetings import KINDS
from docservice.web.reading import doc_type_names
from docservice.web.session import login_required, organizations_in_scope

bp = Blueprint("overview", __name__)
WEEKDAYS = (_l("Thứ Hai"), _l("Thứ Ba"), _l("Thứ Tư"), _l("Thứ Năm"), _l("Thứ Sáu"), _l("Thứ Bảy"), _l("Chủ nhật"))


def _date(name: str, default: dt.date, errors: dict[str, str]) -> dt.date:
    raw = request.args.get(name, "")
    if not raw:
        return default
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        day = dt.date.min
    if not 1930 <= day.year <= 2100:
        errors[name] = _("Ngày không hợp lệ.")
        return default
    return day


def _org_id(default: int) -> int:
    return _bounded_id("organization_id") or default


def _bounded_id(name: str) -> int | None:
    """An id from the query string, or ``None``; a number no row can have is not passed to the database."""
    return bounded_int(request.args.get(name) or 0)


def _period(errors: dict[str, str]) -> figures.Period:
    today = dt.date.today()
    start = _date("from", dt.date(today.year, 1, 1), errors)
    end = _date("to", today, errors)
    if end < start or (end - start).days > 366 * 10:
        errors["to"] = _("Chọn khoảng thời gian từ 1 ngày đến 10 năm.")
        start, end = dt.date(today.year, 1, 1), today
    return figures.Period(start, end)


def _require_read() -> None:
    policy.require(g.principal, "organization.read")
    policy.require(g.principal, "meeting.read")


def _stats(org_id: int, period: figures.Period) -> tuple[Organization, dict[str, Any]]:
    with current_services().catalogue.reader() as session:
        org = policy.get_organization(session, org_id, g.principal)
        oversight_rules = current_services().rules.for_date(period.end).oversight
        stats = figures.statistics(session, org, period, g.principal, oversight_rules,
                                   dt.date.today())
        session.expunge(org)
    return org, stats


@bp.get("/overview")
@login_required
def overview_page():
    _require_read()
    errors: dict[str, str] = {}
    period = _period(errors)
    org, stats = _stats(_org_id(g.principal.scope_org_id), period)
    names = doc_type_names()
    drawn = {"on_time": charts.meetings_on_time(stats, _), "trend": charts.attendance_trend(stats, _),
             "heatmap": charts.attendance_heatmap(stats, _), "documents": charts.documents_by_type(stats, names, _)}
    drawn = {name: Markup(svg) for name, svg in drawn.items()}  # noqa: S704 - charts escape every text they draw
    with current_services().catalogue.reader() as session:
        orgs = organizations_in_scope(session)
    query = {"organization_id": org.id, "from": period.start.isoformat(), "to": period.end.isoformat()}
    return render_template("overview.html", org=org, stats=stats, charts=drawn, errors=errors, period=period,
                           organizations=orgs, doc_types=names, query=query, weekdays=WEEKDAYS,
                           report_month=min(period.end, dt.date.today()).strftime("%Y-%m")), 422 if errors else 200


@bp.get("/overview/statistics.<any(csv, xlsx):kind>")
@login_required
def statistics_file(kind: str):
    _require_read()
    errors: dict[str, str] = {}
    org, stats = _stats(_org_id(g.principal.scope_org_id), _period(errors))
    return table_file(exports.statistics_table(stats), f"so-lieu-{org.id}", kind)


def _year() -> int:
    try:
        year = int(request.args.get("year") or dt.date.today().year)
    except ValueError:
        return dt.date.today().year
    return year if 1930 <= year <= 2100 else dt.date.today().year


def _register(org_id: int, year: int) -> tuple[Organization, dict[str, Any], list[tuple[int, str]]]:
    with current_services().catalogue.reader() as session:
        org = policy.get_organization(session, org_id, g.principal)
        reg = figures.register(session, org, year, g.principal,
                               current_services().rules.for_date(dt.date(year, 12, 31)).oversight, dt.date.today())
        terms = reports.term_ids(session, org)
        session.expunge(org)
    return org, reg, terms


@bp.get("/overview/register")
@login_required
def register_page():
    _require_read()
    org, reg, terms = _register(_org_id(g.principal.scope_org_id), _year())
    manage = committee.may_set_rules(g.principal, org)
    record_study = policy.may(g.principal, "meeting.write")
    with current_services().catalogue.reader() as session:
        orgs = organizations_in_scope(session)
    return render_template("overview_register.html", org=org, reg=reg, terms=terms, organizations=orgs,
                           manage=manage, record_study=record_study, form=EmptyForm(), weekdays=WEEKDAYS,
                           kinds=KINDS, today=dt.date.today())


@bp.get("/overview/register.<any(csv, xlsx):kind>")
@login_required
def register_file(kind: str):
    _require_read()
    org, reg, _terms = _register(_org_id(g.principal.scope_org_id), _year())
    return table_file(exports.register_table(reg), f"so-theo-doi-{org.id}-{reg['year']}", kind)


def _number(values: Any, name: str, low: int, high: int) -> int:
    try:
        number = int(values.get(name, ""))
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise ValidationFailed(_("Giá trị không hợp lệ."),
                               errors={name: _("Nhập số từ %(low)s đến %(high)s.", low=low, high=high)})
    return number


def _day_field(values: Any, name: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(values.get(name, ""))
    except ValueError:
        day = dt.date.min
    if not 1930 <= day.year <= 2100:
        raise ValidationFailed(_("Ngày không hợp lệ."), errors={name: _("Ngày không hợp lệ.")})
    return day


def _nth(values: Any) -> int:
    nth = _number(values, "nth", -1, 4)
    if nth == 0:
        raise ValidationFailed(_("Giá trị không hợp lệ."), errors={"nth": _("Không hợp lệ.")})
    return nth


@bp.post("/overview/register/settings")
@login_required
def register_settings():
    org_id, errors = _org_id(0), {}
    values = request.form
    if EmptyForm().validate_on_submit():
        with refusals_into(errors), current_services().catalogue.session() as session:
            if values.get("action") == "study":
                day = _day_field(values, "date")
                subject = (values.get("subject") or "").strip()
                if not 2 <= len(subject) <= 500:
                    raise ValidationFailed(_("Ghi nội dung học tập."), errors={"subject": _("Ghi nội dung học tập.")})
                expected = _number(values, "expected", 1, 100_000)
                done = _number(values, "participated", 0, expected)
                committee.add_study_session(session, org_id, g.principal, day=day, subject=subject,
                                            expected=expected, participated=done, remote_addr=request.remote_addr)
            elif values.get("action") == "target":
                committee.set_admission_target(session, org_id, _number(values, "year", 1930, 2100),
                                               _number(values, "target", 0, 1_000_000), g.principal,
                                               remote_addr=request.remote_addr)
            elif values.get("rule") == "inherit":
                committee.clear_schedule(session, org_id, g.principal, remote_addr=request.remote_addr)
            elif values.get("rule") == "weekday":
                committee.set_schedule(session, org_id, g.principal, day=None,
                                       weekday=_number(values, "weekday", 0, 6), nth=_nth(values),
                                       grace_days=_number(values, "grace_days", 0, 27), remote_addr=request.remote_addr)
            else:
                committee.set_schedule(session, org_id, g.principal, day=_number(values, "day", 1, 31), weekday=None,
                                       nth=None, grace_days=_number(values, "grace_days", 0, 27),
                                       remote_addr=request.remote_addr)
    else:
        errors["form"] = _("Biểu mẫu đã hết hạn; vui lòng gửi lại.")
    for message in errors.values():
        flash(message, "warning")
    if not errors:
        flash(_("Đã lưu."), "info")
    return redirect(url_for("overview.register_page", organization_id=org_id, year=values.get("year") or None))


@bp.get("/overview/report.pdf")
@login_required
def report_file():
    _require_read()
    raw = request.args.get("month", "")
    try:
        year, month = (int(x) for x in raw.split("-"))
        dt.date(year, month, 1)
    except ValueError as exc:
        raise ValidationFailed(_("Chọn tháng báo cáo."), errors={"month": _("Không hợp lệ.")}) from exc
    if not 1930 <= year <= 2100:
        raise ValidationFailed(_("Chọn tháng báo cáo."), errors={"month": _("Không hợp lệ.")})
    org_id = _org_id(g.principal.scope_org_id)
    svc = current_services()
    body = reports.report_download(svc.catalogue, svc.rules, org_id, year, month, g.principal, dt.date.today())
    return pdf_response(body, f"bao-cao-{org_id}-{year}-{month:02d}.pdf")


@bp.get("/overview/books/<any(minutes, resolutions):kind>.pdf")
@login_required
def book_file(kind: str):
    _require_read()
    svc, org_id = current_services(), _org_id(g.principal.scope_org_id)
    term_id = _bounded_id("term_id")
    body = reports.book_download(svc.catalogue, svc.blobs, svc.rules, org_id, kind, g.principal,
                                 year=None if term_id else _year(), term_id=term_id, remote_addr=request.remote_addr,
                                 today=dt.date.today(), sandbox=svc.sandbox)
    return pdf_response(body, f"so-{kind}-{org_id}.pdf")


@bp.get("/overview/members/<int:member_id>")
@login_required
def member_page(member_id: int):
    policy.require(g.principal, "member.read")
    if member_id > 2**31 - 1:
        raise NotFound()
    errors: dict[str, str] = {}
    period = _period(errors)
    with current_services().catalogue.reader() as session:
        member = policy.get_member(session, member_id, g.principal)
        att = figures.member_attendance(session, member, period, g.principal,
                                        current_services().rules.for_date(period.end).oversight)
    if request.args.get("format") == "csv":
        return table_file(exports.member_table(att), f"du-sinh-hoat-{member_id}", "csv")
    return render_template("overview_member.html", att=att, period=period, errors=errors,
                           sees_dossier=g.principal.clearance >= Clearance.mat)


@bp.get("/overview/members/<int:member_id>/dossier")
@login_required
def member_dossier_page(member_id: int):
    """The member's dossier as a page: the cover's facts, where the papers disagree with the record, and per
    stage which papers are present, missing or not due yet — with the PDF to download (clearance mật)."""
    if member_id > 2**31 - 1:
        raise NotFound()
    svc = current_services()
    opened = open_dossier(svc.catalogue, svc.rules, g.principal, member_id, "member.dossier_contents",
                          request.remote_addr)
    return render_template("member_dossier.html", member=opened.member, front=opened.front, parts=opened.parts,
                           missing=sum(len(group.missing) for group in opened.front.groups))


@bp.get("/overview/members/<int:member_id>/dossier.pdf")
@login_required
def member_dossier_pdf(member_id: int):
    if member_id > 2**31 - 1:
        raise NotFound()
    svc = current_services()
    opened = open_dossier(svc.catalogue, svc.rules, g.principal, member_id, "member.dossier", request.remote_addr)
    pdf = build_dossier(opened.member, opened.front, opened.parts, svc.blobs, generated_on=dt.date.today(),
                        sandbox=svc.sandbox)
    return pdf_response(pdf, f"ho-so-dang-vien-{member_id}.pdf")
