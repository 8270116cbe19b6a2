"""Reading pages: search without diacritics, open a record, its file; scope and clearance as in the API."""

import io
import json
import re

from sqlalchemy import select

from docservice.db.models import AuditEvent
from tests.builders import PASSWORD, text_pdf


def _sign_in(client, username):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"csrf_token": token, "username": username,
                                       "password": PASSWORD}).status_code == 302


def _archive(client, auth, world, title, text, level="thuong", org=None):
    form = {"file": (io.BytesIO(text_pdf(text)), "a.pdf"),
            "metadata": json.dumps({"doc_type": "nghi_quyet", "number": "03-NQ/CB", "date": "2024-04-10",
                                    "organization_id": org or world.dong_id, "title": title,
                                    "confidentiality": level})}
    response = client.post("/api/v1/records", data=form, headers=auth("luutru"), content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    return response.json["id"]


def _drain(svc):
    from docservice.search.indexer import drain_once

    while drain_once(svc.catalogue, svc.search_index):
        pass


def test_search_open_and_download_as_a_reader(app, client, auth, world, svc):
    public = _archive(client, auth, world, "Nghị quyết về công tác hòa giải ở cơ sở",
                      "NGHỊ QUYẾT về công tác hòa giải. Tổ hòa giải thôn Đông hoạt động hiệu quả.")
    secret = _archive(client, auth, world, "Nghị quyết mật về hòa giải", "NGHỊ QUYẾT mật về hòa giải nội bộ.", "mat")
    _drain(svc)
    reader = app.test_client()
    _sign_in(reader, "uyvien")
    page = reader.get("/search?q=hoa+giai").get_data(as_text=True)
    assert "1 kết quả" in page, page[page.find("ket-qua"):][:300]
    assert "<mark>hòa</mark> <mark>giải</mark>" in page
    assert "mật về hòa giải" not in page, page[page.find("mật về hòa giải") - 300:][:400]
    assert f"/records/{public}?from=search" in page
    record = reader.get(f"/records/{public}?from=search").get_data(as_text=True)
    assert "Nghị quyết về công tác hòa giải ở cơ sở" in record and "03-NQ/CB" in record and "Chi bộ Thôn Đông" in record
    download = reader.get(f"/records/{public}/file")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert "attachment" in download.headers["Content-Disposition"]
    missing = reader.get(f"/records/{secret}")
    assert missing.status_code == 404 and "Không tìm thấy" in missing.get_data(as_text=True)
    assert reader.get(f"/records/{secret}/file").status_code == 404

    cleared = app.test_client()
    _sign_in(cleared, "thuky.dong")
    assert "2 kết quả" in cleared.get("/search?q=hoa+giai").get_data(as_text=True)
    assert cleared.get(f"/records/{secret}?from=search").status_code == 200
    with svc.catalogue.reader() as session:
        opened = session.execute(select(AuditEvent.username, AuditEvent.action, AuditEvent.object_id)
                                 .where(AuditEvent.action == "search.open")).all()
    assert opened == [("thuky.dong", "search.open", str(secret))]


def test_a_reader_of_another_chi_bo_cannot_reach_it(app, client, auth, world, svc):
    dong = _archive(client, auth, world, "Nghị quyết Thôn Đông về thủy lợi", "NGHỊ QUYẾT về thủy lợi nội đồng.")
    _drain(svc)
    west = app.test_client()
    _sign_in(west, "docgia.tay")
    page = west.get("/search?q=thuy+loi").get_data(as_text=True)
    assert "0 kết quả" in page and "Thôn Đông" not in page
    assert west.get(f"/records/{dong}").status_code == 404
    assert west.get(f"/search?q=thuy+loi&organization_id={world.dong_id}").status_code == 404


def test_pages_need_a_session_and_bad_filters_are_shown_not_crashed(app, world):
    anonymous = app.test_client()
    assert anonymous.get("/search?q=x").headers["Location"].startswith("/login?next=/search")
    assert anonymous.get("/records/1").status_code == 302
    reader = app.test_client()
    _sign_in(reader, "uyvien")
    bad = reader.get("/search?q=x&year=abc")
    assert bad.status_code == 200 and "Giá trị không hợp lệ" in bad.get_data(as_text=True)
    hostile = reader.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert" not in hostile.get_data(as_text=True)
    assert reader.get("/search?q=-abc").status_code == 400  # only exclusions: the API's rule, as a page


def test_record_list_filters_within_scope(app, client, auth, world, svc):
    dong = _archive(client, auth, world, "Nghị quyết Thôn Đông năm 2024", "NGHỊ QUYẾT Thôn Đông.")
    tay = _archive(client, auth, world, "Nghị quyết Thôn Tây năm 2024", "NGHỊ QUYẾT Thôn Tây.", org=world.tay_id)
    secret = _archive(client, auth, world, "Nghị quyết mật Thôn Đông", "NGHỊ QUYẾT mật.", "mat")
    reader = app.test_client()
    _sign_in(reader, "uyvien")
    page = reader.get("/records").get_data(as_text=True)
    assert "2 hồ sơ" in page and f"/records/{dong}" in page and f"/records/{tay}" in page
    assert f"/records/{secret}" not in page
    only_west = reader.get(f"/records?organization_id={world.tay_id}&year=2024&doc_type=nghi_quyet")
    assert "1 hồ sơ" in only_west.get_data(as_text=True)
    assert "0 hồ sơ" in reader.get("/records?year=1999").get_data(as_text=True)
    assert reader.get("/records?year=abc&page=-3&organization_id=x").status_code == 200  # ignored, not a crash
    west = app.test_client()
    _sign_in(west, "docgia.tay")
    assert "0 hồ sơ" in west.get(f"/records?organization_id={world.dong_id}").get_data(as_text=True)
    assert f"/records/{dong}" not in west.get("/records").get_data(as_text=True)


def test_errors_are_pages_for_browsers_and_problems_for_scripts(app, world):
    reader = app.test_client()
    _sign_in(reader, "uyvien")
    page = reader.get("/records/999", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 404 and page.mimetype == "text/html" and "<h1>" in page.get_data(as_text=True)
    script = reader.get("/records/999")
    assert script.status_code == 404 and script.mimetype == "application/problem+json"
    assert script.get_json(force=True)["code"] == "not_found"
