"""The home page: this month's meetings and the chi bộ without one, missing minutes, waiting work."""

import datetime as dt

from tests.integration.test_api_meetings import _body, cell  # noqa: F401 - the fixture
from tests.integration.test_web_reading import _sign_in


def test_home_shows_the_month_missing_minutes_and_waiting_work(app, client, auth, world, cell):  # noqa: F811
    today = dt.date.today()
    secretary = auth("thuky.tay")
    created = client.post("/api/v1/meetings", headers=secretary, json=_body(world, cell, date=today.isoformat()))
    assert created.status_code == 201, created.json
    meeting_id = created.json["id"]
    page = app.test_client()
    _sign_in(page, "thuky.tay")
    home = page.get("/").get_data(as_text=True)
    assert f"/meetings/{meeting_id}" in home and "chưa có biên bản" in home
    assert "Chưa sinh hoạt trong tháng" not in home  # the secretary sees only their own chi bộ
    minutes = client.post(f"/api/v1/meetings/{meeting_id}/minutes", headers=secretary)
    assert minutes.status_code == 201, minutes.json
    home = page.get("/").get_data(as_text=True)
    assert "chưa có biên bản" not in home
    assert f"Số {minutes.json['number']}" in home and "Chờ bản ký" in home
    listing = page.get("/documents?cho_ban_ky=1").get_data(as_text=True)
    assert "1 văn bản" in listing and minutes.json["number"] in listing

    committee = app.test_client()
    _sign_in(committee, "uyvien")
    home = committee.get("/").get_data(as_text=True)
    assert "Chưa sinh hoạt trong tháng:</strong> Chi bộ Thôn Đông" in home
    assert "Chi bộ Thôn Tây" in home
