"""The committee's overview through the API, against a generated year whose figures the test computes itself."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from docservice.db.models import Member, MemberStatus
from tests.builders import build_example_cell
from tests.oversight_year import (
    EXPECTED_STATUS,
    YEAR,
    expected_alerts,
    expected_attendance,
    expected_member,
    meeting_body,
    plan_year,
)

PERIOD = {"from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31"}


@pytest.fixture
def year(client, auth, svc, world):
    """Thôn Tây: 30 members and a year of meetings; Thôn Đông: two meetings; one new probationary member."""
    with svc.catalogue.session() as session:
        cell = build_example_cell(session, world.tay_id, since=dt.date(2024, 1, 1))
        session.add(Member(organization_id=world.tay_id, full_name="Phan Văn Mới", status=MemberStatus.du_bi,
                           admitted_on=dt.date(2025, 1, 10)))
    meetings, people = plan_year(cell)
    admin = auth("admin")
    ids = {}
    for meeting in meetings:
        response = client.post("/api/v1/meetings", headers=admin,
                               json=meeting_body(world.tay_id, meeting, people["chair"], people["taker"],
                                                 set(cell["exempted"] + cell["di"] + cell["others"])))
        assert response.status_code == 201, response.json
        ids[meeting.date, meeting.kind] = response.json["id"]
    return {"cell": cell, "meetings": meetings, "people": people, "ids": ids, "admin": admin}


def _ok(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    return response.json


def test_the_register_shows_late_missing_and_thematic_quarters(client, world, year):
    reg = _ok(client.get(f"/api/v1/organizations/{world.tay_id}/register?year={YEAR}", headers=year["admin"]))
    assert {m["month"]: m["status"] for m in reg["months"]} == EXPECTED_STATUS
    assert reg["schedule"] == {"day": 7, "weekday": None, "nth": None, "grace_days": 2, "source": "profile",
                               "text": "ngày 7 hằng tháng, chậm nhất 2 ngày"}
    assert [m["deadline"] for m in reg["months"]][:2] == [f"{YEAR}-01-09", f"{YEAR}-02-09"]
    assert [q["status"] for q in reg["quarters"]] == ["held", "missing", "held", "held"]
    assert reg["summary"]["missing"] == 2 and reg["summary"]["late"] == 2 and reg["summary"]["on_time"] == 8
    assert reg["summary"]["on_time_percent"] == pytest.approx(100 * 8 / 12, abs=0.01)
    assert {m["minutes"] for m in reg["months"] if m["meeting"]} == {"missing"}
    september = reg["months"][8]
    assert [o["kind"] for o in september["other_meetings"]] == ["bat_thuong"]  # the admin sees the "mật" one
    members = {m["member_id"]: m for m in reg["members"]}
    people, cell = year["people"], year["cell"]
    for key in ("flagged", "twice", "hidden"):
        wanted = expected_member(cell, year["meetings"], people[key], cleared=True)
        assert {k: members[people[key]][k] for k in wanted} == wanted, key
    assert members[people["flagged"]]["alert"] and members[people["hidden"]]["alert"]
    assert not members[people["twice"]]["alert"] and members[people["twice"]]["unexcused_months"] == [2, 10]
    assert members[cell["exempted"][0]]["expected"] == 0 and members[cell["exempted"][0]]["percent"] is None
    assert sum(m["expected"] for m in reg["members"]) == expected_attendance(cell, year["meetings"], True)["expected"]


def test_figures_match_an_independent_count_within_clearance(client, auth, world, year):
    cell, meetings = year["cell"], year["meetings"]
    for user, cleared in (("admin", True), ("uyvien", False)):
        stats = _ok(client.get(f"/api/v1/organizations/{world.root_id}/statistics", query_string=PERIOD,
                               headers=year["admin"] if user == "admin" else auth(user)))
        tay = next(o for o in stats["per_organization"] if o["id"] == world.tay_id)
        wanted = expected_attendance(cell, meetings, cleared)
        assert {k: tay["attendance"][k] for k in wanted} == wanted, user
        assert tay["attendance"]["percent"] == pytest.approx(100 * wanted["present"] / wanted["expected"], abs=0.01)
        assert (tay["months_on_time"], tay["months_late"], tay["months_missing"]) == (8, 2, 2)
        alerts = {a["member_id"]: a["months"] for a in stats["unexcused_alerts"]
                  if a["organization_id"] == world.tay_id}
        assert alerts == expected_alerts(cell, meetings, cleared), user
        assert (year["people"]["hidden"] in alerts) is cleared  # only a cleared reader sees the third month
        assert year["people"]["flagged"] in alerts and year["people"]["twice"] not in alerts
        assert stats["cells"] == 2 and stats["meetings"]["months"] == 24  # Thôn Đông never met: 12 missing
        dong = next(o for o in stats["per_organization"] if o["id"] == world.dong_id)
        assert dong["months_missing"] == 12 and dong["attendance"]["expected"] == 0
    assert stats["meetings"]["on_time"] == 8 and stats["meetings"]["missing"] == 14


def test_member_attendance_and_the_three_month_alert(client, auth, world, year):
    cell, meetings, people = year["cell"], year["meetings"], year["people"]
    for key, alert in (("flagged", True), ("twice", False), ("hidden", True)):
        att = _ok(client.get(f"/api/v1/members/{people[key]}/attendance", query_string=PERIOD, headers=year["admin"]))
        wanted = expected_member(cell, meetings, people[key], cleared=True)
        assert {k: att[k] for k in wanted} == wanted, key
        assert att["alert"] is alert, key
    hidden = _ok(client.get(f"/api/v1/members/{people['hidden']}/attendance", query_string=PERIOD,
                            headers=auth("uyvien")))
    assert hidden["alert"] is False and hidden["unexcused_months"] == {str(YEAR): [5, 7]}
    twice = _ok(client.get(f"/api/v1/members/{people['twice']}/attendance", query_string=PERIOD, headers=year["admin"]))
    assert twice["unexcused_months"] == {str(YEAR): [2, 10]} and twice["absent_unexcused"] == 3
    exempted = _ok(client.get(f"/api/v1/members/{cell['exempted'][0]}/attendance", query_string=PERIOD,
                              headers=year["admin"]))
    assert exempted["expected"] == 0 and exempted["percent"] is None and len(exempted["meetings"]) == 14
    away = _ok(client.get(f"/api/v1/members/{cell['di'][0]}/attendance", query_string=PERIOD, headers=year["admin"]))
    assert away["expected"] == 0 and not any(m["expected"] for m in away["meetings"])


def test_a_reader_of_one_chi_bo_sees_only_its_figures(client, auth, world, year):
    reader = auth("docgia.tay")
    assert client.get(f"/api/v1/organizations/{world.root_id}/statistics", headers=reader).status_code == 404
    assert client.get(f"/api/v1/organizations/{world.dong_id}/register", headers=reader).status_code == 404
    stats = _ok(client.get(f"/api/v1/organizations/{world.tay_id}/statistics", query_string=PERIOD, headers=reader))
    assert [o["id"] for o in stats["per_organization"]] == [world.tay_id]
    reg = _ok(client.get(f"/api/v1/organizations/{world.tay_id}/register?year={YEAR}", headers=reader))
    assert reg["months"][8]["other_meetings"] == []  # the confidential meeting is not there for this reader
    outsider = _ok(client.get(f"/api/v1/organizations/{world.dong_id}/statistics", query_string=PERIOD,
                              headers=auth("thuky.dong")))
    assert outsider["attendance"]["expected"] == 0 and outsider["unexcused_alerts"] == []


def test_schedules_targets_study_and_recognition(client, auth, world, year):
    admin = year["admin"]
    root_rule = client.put(f"/api/v1/organizations/{world.root_id}/schedule", headers=admin,
                           json={"weekday": 3, "nth": 1, "grace_days": 2})
    assert root_rule.status_code == 200 and root_rule.json["source"] == "own"
    dong = _ok(client.get(f"/api/v1/organizations/{world.dong_id}/register?year=2026", headers=admin))
    assert dong["schedule"]["source"] == "inherited" and dong["months"][0]["due"] == "2026-01-01"  # a Thursday
    assert dong["months"][1]["due"] == "2026-02-05" and dong["schedule"]["text"].startswith("Thứ Năm thứ nhất")
    assert client.put(f"/api/v1/organizations/{world.tay_id}/schedule", headers=auth("thuky.tay"),
                      json={"day": 5, "grace_days": 1}).status_code == 403  # a chi bộ does not set its own
    assert client.put(f"/api/v1/organizations/{world.tay_id}/schedule", headers=admin,
                      json={"day": 5, "weekday": 1, "nth": 2}).status_code == 422
    assert client.delete(f"/api/v1/organizations/{world.root_id}/schedule", headers=admin).status_code == 204
    dong = _ok(client.get(f"/api/v1/organizations/{world.dong_id}/register?year=2026", headers=admin))
    assert dong["schedule"]["source"] == "profile"

    target = client.put(f"/api/v1/organizations/{world.root_id}/admission-targets/{YEAR}", headers=admin,
                        json={"target": 2})
    assert target.status_code == 200, target.json
    study = client.post(f"/api/v1/organizations/{world.tay_id}/study-sessions", headers=auth("thuky.tay"),
                        json={"date": f"{YEAR}-03-15", "subject": "Nghị quyết Đại hội đảng bộ xã", "expected": 27,
                              "participated": 26})
    assert study.status_code == 201, study.json
    too_many = client.post(f"/api/v1/organizations/{world.tay_id}/study-sessions", headers=admin,
                           json={"date": f"{YEAR}-03-15", "subject": "Nghị quyết", "expected": 5, "participated": 6})
    assert too_many.status_code == 422
    stats = _ok(client.get(f"/api/v1/organizations/{world.root_id}/statistics", query_string=PERIOD, headers=admin))
    assert stats["admissions"] == [{"year": YEAR, "admitted": 1, "target": 2, "percent": 50.0,
                                    "percent_text": "50%"}]
    assert stats["study"] == {"sessions": 1, "expected": 27, "participated": 26,
                              "percent": pytest.approx(96.3, abs=0.01)}
    new = next(r for r in stats["recognitions"] if r["full_name"] == "Phan Văn Mới")
    # probation ends 10/01/2026; 30 working days counted here without the library: weekends and Tết 16–20/02/2026
    tet = {dt.date(2026, 2, d) for d in range(16, 21)}
    day, left = dt.date(2026, 1, 10), 30
    while left:
        day += dt.timedelta(days=1)
        left -= day.weekday() < 5 and day not in tet
    assert new["probation_ends"] == "2026-01-10" and new["decide_by"] == day.isoformat() == "2026-02-27"
    assert new["state"] == ("overdue" if dt.date.today() > day else "to_decide")
    assert stats["members_by_state"]["du_bi"] >= 4 and stats["members_by_state"]["exempted"] == 2


def test_exports_as_csv_and_xlsx(client, world, year):
    admin = year["admin"]
    raw = client.get(f"/api/v1/organizations/{world.tay_id}/register.csv?year={YEAR}", headers=admin)
    assert raw.status_code == 200 and raw.mimetype == "text/csv" and raw.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.data.decode("utf-8-sig"))))
    assert rows[0] == ["# Sổ theo dõi"] and rows[1][0] == "Tháng"
    assert [r[4] for r in rows[2:14]].count("Không sinh hoạt") == 2 and rows[3][4] == "Chậm"
    book = client.get(f"/api/v1/organizations/{world.root_id}/statistics.xlsx", query_string=PERIOD, headers=admin)
    assert book.status_code == 200
    sheets = load_workbook(io.BytesIO(book.data))
    assert sheets.sheetnames[:2] == ["Chi bộ", "Văn bản"]
    cells = {row[0]: row for row in sheets["Chi bộ"].iter_rows(min_row=2, values_only=True)}
    assert cells["Chi bộ Thôn Tây"][4:7] == (8, 2, 2)
    member = client.get(f"/api/v1/members/{year['people']['flagged']}/attendance.csv", query_string=PERIOD,
                        headers=admin)
    assert member.status_code == 200 and member.data.decode("utf-8-sig").count("Vắng không lý do") == 3


def test_period_and_input_errors_are_problems(client, world, year):
    admin = year["admin"]
    backwards = client.get(f"/api/v1/organizations/{world.tay_id}/statistics?from=2025-05-01&to=2025-01-01",
                           headers=admin)
    assert backwards.status_code == 422 and backwards.json["code"] == "validation_failed"
    assert client.get(f"/api/v1/organizations/{world.tay_id}/register?year=abc", headers=admin).status_code == 422
    assert client.get(f"/api/v1/organizations/{world.tay_id}/report.pdf?month=2025-13",
                      headers=admin).status_code == 422
    assert client.get("/api/v1/organizations/999999/statistics", headers=admin).status_code == 404


def test_months_cut_by_the_period_are_judged_by_their_whole_month(client, world, year):
    admin = year["admin"]

    def tay(start, end):
        stats = _ok(client.get(f"/api/v1/organizations/{world.tay_id}/statistics?from={start}&to={end}",
                               headers=admin))
        return stats["meetings"]["on_time"], stats["meetings"]["late"], stats["meetings"]["missing"]

    assert tay(f"{YEAR}-05-05", f"{YEAR}-05-31") == (1, 0, 0)  # met on the 3rd, before the period began
    assert tay(f"{YEAR}-02-01", f"{YEAR}-02-10") == (0, 1, 0)  # met late on the 12th, after the period ended
    assert tay(f"{YEAR}-04-10", f"{YEAR}-04-30") == (0, 0, 0)  # April's deadline (9th) is outside the period


def test_member_alert_and_months_cover_whole_years(client, world, year):
    att = _ok(client.get(f"/api/v1/members/{year['people']['flagged']}/attendance?from={YEAR}-07-01"
                         f"&to={YEAR}-12-31", headers=year["admin"]))
    assert att["alert"] is True and att["unexcused_months"] == {str(YEAR): [1, 4, 9]}
    assert att["absent_unexcused"] == 1  # the counts stay those of the period


def test_nested_targets_are_not_counted_twice(client, auth, world, year):
    admin = year["admin"]
    ward = client.post("/api/v1/organizations", headers=admin, json={
        "parent_id": world.root_id, "code": "db-bo-phan", "kind": "dang_bo_bo_phan", "name": "Đảng bộ bộ phận Xóm Mới"})
    assert ward.status_code == 201, ward.json
    cell = client.post("/api/v1/organizations", headers=admin, json={
        "parent_id": ward.json["id"], "code": "cb-xom-moi-1", "kind": "chi_bo", "name": "Chi bộ Xóm Mới 1"})
    assert cell.status_code == 201, cell.json
    for org_id, target in ((ward.json["id"], 5), (cell.json["id"], 2), (world.tay_id, 3)):
        assert client.put(f"/api/v1/organizations/{org_id}/admission-targets/{YEAR}", headers=admin,
                          json={"target": target}).status_code == 200
    stats = _ok(client.get(f"/api/v1/organizations/{world.root_id}/statistics", query_string=PERIOD, headers=admin))
    assert stats["admissions"][0]["target"] == 8  # the đảng bộ bộ phận's 5 covers its chi bộ's 2
    assert client.put(f"/api/v1/organizations/{world.root_id}/admission-targets/{YEAR}", headers=admin,
                      json={"target": 10}).status_code == 200
    stats = _ok(client.get(f"/api/v1/organizations/{world.root_id}/statistics", query_string=PERIOD, headers=admin))
    assert stats["admissions"][0]["target"] == 10


def test_dates_outside_the_supported_years_are_refused(client, world, year):
    admin = year["admin"]
    for query in ("from=9999-01-01&to=9999-12-31", "from=0001-01-01&to=0001-02-01"):
        response = client.get(f"/api/v1/organizations/{world.tay_id}/statistics?{query}", headers=admin)
        assert response.status_code == 422, query
    for month in ("0000-01", "9999-12"):
        assert client.get(f"/api/v1/organizations/{world.tay_id}/report.pdf?month={month}",
                          headers=admin).status_code == 422
