"""The overview pages: figures, charts, register, member attendance, downloads and the committee's settings."""

import datetime as dt
import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from docservice.db.models import Clearance, MeetingSchedule, Organization, Role
from docservice.demo import load_demo
from docservice.oversight import charts
from docservice.oversight.figures import Period, register, statistics
from docservice.registry.organizations import by_code
from docservice.security.policy import Principal
from tests.integration.test_oversight import year  # noqa: F401 - the fixture
from tests.integration.test_web_reading import _sign_in
from tests.oversight_year import YEAR

PERIOD = f"from={YEAR}-01-01&to={YEAR}-12-31"


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_overview_page_with_charts_and_alerts(app, world, year):  # noqa: F811
    committee = app.test_client()
    _sign_in(committee, "admin")
    page = committee.get(f"/overview?organization_id={world.root_id}&{PERIOD}").get_data(as_text=True)
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 4 and 'role="img"' in page
    assert "Sinh hoạt chi bộ đúng lịch theo tháng" in page and "Tỷ lệ đảng viên dự sinh hoạt theo tháng" in page
    assert "8/24 lượt chi bộ-tháng" in page and "chậm 2, không sinh hoạt 14" in page
    assert f"/overview/members/{year['people']['flagged']}" in page
    assert f"/overview/members/{year['people']['hidden']}" in page  # admin is cleared for the "mật" meeting
    reader = app.test_client()
    _sign_in(reader, "uyvien")
    seen = reader.get(f"/overview?organization_id={world.root_id}&{PERIOD}").get_data(as_text=True)
    assert f"/overview/members/{year['people']['flagged']}" in seen
    assert f"/overview/members/{year['people']['hidden']}" not in seen
    english = committee.get(f"/overview?organization_id={world.root_id}&{PERIOD}&lang=en").get_data(as_text=True)
    assert "Cell meetings on time, by month" in english and "Key figures" in english and "Biểu đồ" not in english


def test_a_reader_of_one_chi_bo_and_bad_input(app, world, year):  # noqa: F811
    reader = app.test_client()
    _sign_in(reader, "docgia.tay")
    assert reader.get(f"/overview?organization_id={world.root_id}", headers={"Accept": "text/html"}).status_code == 404
    own = reader.get("/overview?" + PERIOD).get_data(as_text=True)
    assert "Chi bộ Thôn Tây" in own and "Chi bộ Thôn Đông" not in own
    bad = reader.get("/overview?from=2025-13-01")
    assert bad.status_code == 422 and "Ngày không hợp lệ." in bad.get_data(as_text=True)
    assert reader.get("/overview/report.pdf?month=2025-13", headers={"Accept": "text/html"}).status_code == 422


def test_register_page_settings_and_downloads(app, svc, world, year):  # noqa: F811
    committee = app.test_client()
    _sign_in(committee, "admin")
    url = f"/overview/register?organization_id={world.tay_id}&year={YEAR}"
    page = committee.get(url).get_data(as_text=True)
    assert page.count("Không sinh hoạt</span>") == 2 and page.count("Chậm</span>") == 2
    assert "Thiếu sinh hoạt chuyên đề quý: 2." in page and "Nhiệm kỳ 2025–2027" in page
    assert page.count("vắng không lý do 3 tháng</span>") == 2  # the flagged and the hidden member (admin)
    saved = committee.post(f"/overview/register/settings?organization_id={world.tay_id}",
                           data={"csrf_token": _token(page), "year": YEAR, "rule": "weekday", "weekday": "3",
                                 "nth": "1", "grace_days": "2", "action": "schedule"})
    assert saved.status_code == 302
    with svc.catalogue.reader() as session:
        rule = session.get(MeetingSchedule, world.tay_id)
        assert (rule.day, rule.weekday, rule.nth, rule.grace_days, rule.updated_by) == (None, 3, 1, 2, "admin")
    after = committee.get(url).get_data(as_text=True)
    assert "Thứ Năm thứ nhất hằng tháng, chậm nhất 2 ngày" in after and "lịch riêng" in after
    refused = committee.post(f"/overview/register/settings?organization_id={world.tay_id}",
                             data={"csrf_token": _token(after), "year": YEAR, "rule": "day", "day": "40",
                                   "grace_days": "2", "action": "schedule"}, follow_redirects=True)
    assert "Nhập số từ 1 đến 31." in refused.get_data(as_text=True)

    secretary = app.test_client()
    _sign_in(secretary, "thuky.tay")
    own = secretary.get(url).get_data(as_text=True)
    assert "Lịch sinh hoạt và chỉ tiêu" not in own  # a chi bộ does not set its own schedule
    forced = secretary.post(f"/overview/register/settings?organization_id={world.tay_id}",
                            data={"csrf_token": _token(own), "rule": "day", "day": "5", "grace_days": "1"},
                            follow_redirects=True)
    assert "cấp ủy cấp trên" in forced.get_data(as_text=True)

    xlsx = committee.get(f"/overview/register.xlsx?organization_id={world.tay_id}&year={YEAR}")
    assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.data)).sheetnames == [
        "Sổ theo dõi", "Chuyên đề", "Đảng viên"]
    csv = committee.get(f"/overview/statistics.csv?organization_id={world.root_id}&{PERIOD}")
    assert csv.status_code == 200 and "Chi bộ Thôn Tây" in csv.data.decode("utf-8-sig")
    report = committee.get(f"/overview/report.pdf?organization_id={world.root_id}&month={YEAR}-06")
    assert report.status_code == 200 and report.data.startswith(b"%PDF")
    member = committee.get(f"/overview/members/{year['people']['twice']}?{PERIOD}").get_data(as_text=True)
    assert f"năm {YEAR}: tháng 2, 10" in member and "xóa tên" not in member
    flagged = committee.get(f"/overview/members/{year['people']['flagged']}?{PERIOD}").get_data(as_text=True)
    assert "xóa tên" in flagged


def test_chart_text_is_escaped():
    hostile = {"per_organization": [{"name": "<script>alert(1)</script>", "monthly_attendance": {"2025-01": 50.0}}],
               "meetings": {"monthly": {"2025-01": {"on_time": 1, "late": 0, "missing": 0}}}}
    svg = charts.attendance_heatmap(hostile)
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_the_demo_year_flags_what_the_committee_should_see(svc):
    today = dt.date(2026, 11, 23)
    with svc.catalogue.session() as session:
        load_demo(session, svc.rules, today)

    with svc.catalogue.reader() as session:
        root, kp3 = by_code(session, "dbp-an-phu"), by_code(session, "cb-kp3")
        school = by_code(session, "cb-th-an-phu")
        reader = Principal(None, "uyvien", Role.reader, root.id, root.path, Clearance.thuong)
        rule = svc.rules.current().oversight
        reg = register(session, kp3, 2026, reader, rule, today)
        assert [m["month"] for m in reg["months"] if m["status"] == "missing"] == [2, 7]
        assert [m["month"] for m in reg["months"] if m["status"] == "late"] == [9]
        assert register(session, school, 2026, reader, rule, today)["schedule"]["source"] == "own"
        stats = statistics(session, root, Period(dt.date(2026, 1, 1), today), reader, rule, today)
        assert [a["full_name"] for a in stats["unexcused_alerts"]] == ["Tạ Quang Huy"]
        assert stats["cells"] == 3 and stats["admissions"][0]["target"] == 3
        assert session.scalar(select(Organization.id).where(Organization.code == "cb-kp1")) is not None


def test_out_of_range_input_on_the_pages(app, world, year):  # noqa: F811
    committee = app.test_client()
    _sign_in(committee, "admin")
    assert committee.get("/overview?organization_id=99999999999999999999").status_code == 200  # back to own
    assert committee.get("/overview?from=9999-01-01&to=9999-12-31").status_code == 422
    assert committee.get("/overview/members/99999999999999999999", headers={"Accept": "text/html"}).status_code == 404
    assert committee.get("/overview/report.pdf?month=9999-12", headers={"Accept": "text/html"}).status_code == 422
    assert committee.get("/overview/books/minutes.pdf?term_id=99999999999999999999").status_code == 200


def test_a_secretary_records_a_study_session_on_the_register_page(app, svc, world, year):  # noqa: F811
    secretary = app.test_client()
    _sign_in(secretary, "thuky.tay")
    url = f"/overview/register?organization_id={world.tay_id}&year={YEAR}"
    page = secretary.get(url).get_data(as_text=True)
    assert "Chưa ghi buổi học tập nào." in page and "Ghi một buổi học tập nghị quyết" in page
    base = {"csrf_token": _token(page), "year": YEAR, "action": "study", "date": f"{YEAR}-04-20",
            "subject": "Nghị quyết Đại hội Đảng bộ xã lần thứ XX", "expected": "27"}
    too_many = secretary.post(f"/overview/register/settings?organization_id={world.tay_id}",
                              data={**base, "participated": "30"}, follow_redirects=True).get_data(as_text=True)
    assert "Nhập số từ 0 đến 27." in too_many and "Chưa ghi buổi học tập nào." in too_many  # nothing stored
    saved = secretary.post(f"/overview/register/settings?organization_id={world.tay_id}",
                           data={**base, "participated": "26"}, follow_redirects=True).get_data(as_text=True)
    assert "20/04/2025 — Nghị quyết Đại hội Đảng bộ xã lần thứ XX: 26/27 đảng viên" in saved
    stats = secretary.get(f"/overview?{PERIOD}").get_data(as_text=True)
    assert "26/27 đảng viên" in stats
    reader = app.test_client()
    _sign_in(reader, "docgia.tay")
    assert "Ghi một buổi học tập nghị quyết" not in reader.get(url).get_data(as_text=True)
