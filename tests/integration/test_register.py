"""Numbers follow the register (issue 18): a paper dated before the last number of its sequence, or in a
closed term, is refused; a number issued outside the system is entered in its place; names and superiors
printed in a header are those in force on the paper's date."""

import io

import pytest
from docx import Document as Docx

FIELDS = {"subject": "về lãnh đạo thực hiện nhiệm vụ", "results": "Hoàn thành tốt nhiệm vụ.",
          "tasks": ["Thu đảng phí đúng hạn."], "signer_name": "Nguyễn Thị Hoà"}


def _resolution(client, headers, org_id, day, **extra):
    return client.post("/api/v1/documents", headers=headers, json={
        "template": "nghi-quyet-chi-bo", "organization_id": org_id, "fields": {**FIELDS, "date": day}, **extra})


def _words(client, headers, document) -> str:
    docx = client.get(document["docx_url"], headers=headers).data
    parts = [p.text for p in Docx(io.BytesIO(docx)).paragraphs]
    for table in Docx(io.BytesIO(docx)).tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return " ".join(" ".join(parts).split())


def test_a_back_dated_paper_or_one_in_a_closed_term_is_refused(client, auth, world):
    headers = auth("thuky.dong")
    first = _resolution(client, headers, world.dong_id, "2026-03-10")
    assert first.status_code == 201 and first.json["number"] == "01-NQ/CB"
    same_day = _resolution(client, headers, world.dong_id, "2026-03-10")
    assert same_day.status_code == 201 and same_day.json["number"] == "02-NQ/CB"
    earlier = _resolution(client, headers, world.dong_id, "2026-03-01")
    assert earlier.status_code == 422, earlier.json
    assert "số 02-NQ/CB đã cấp cho văn bản ngày 10/03/2026" in earlier.json["detail"]
    assert "vào sổ như số đã cấp" in earlier.json["detail"]
    assert earlier.json["errors"]["fields.date"].startswith("Ghi từ ngày 10/03/2026 trở đi")  # what to write
    closed = _resolution(client, headers, world.dong_id, "2025-03-01")  # the 2020–2025 term ended 30/06/2025
    assert closed.status_code == 422 and "Nhiệm kỳ 2020–2025 đã kết thúc ngày 30/06/2025" in closed.json["detail"]
    again = _resolution(client, headers, world.dong_id, "2026-03-11")
    assert again.json["number"] == "03-NQ/CB"  # nothing was consumed by the refusals


def test_a_number_issued_outside_is_entered_in_its_place(client, auth, world):
    headers = auth("thuky.dong")
    assert _resolution(client, headers, world.dong_id, "2026-03-01").json["number"] == "01-NQ/CB"
    url = f"/api/v1/organizations/{world.dong_id}/numbers"
    entered = client.post(url, headers=headers, json={"doc_type": "nghi_quyet", "sequence": 2, "date": "2026-03-05",
                                                      "title": "Nghị quyết về công tác phòng chống lụt bão"})
    assert entered.status_code == 201, entered.json
    assert entered.json["number"] == "02-NQ/CB" and entered.json["origin"] == "outside"
    assert _resolution(client, headers, world.dong_id, "2026-03-06").json["number"] == "03-NQ/CB"
    taken = client.post(url, headers=headers, json={"doc_type": "nghi_quyet", "sequence": 3, "date": "2026-03-06",
                                                    "title": "x"})
    assert taken.status_code == 409
    out_of_place = client.post(url, headers=headers, json={"doc_type": "nghi_quyet", "sequence": 5,
                                                           "date": "2026-03-02", "title": "x"})
    assert out_of_place.status_code == 422 and "sớm hơn số 03-NQ/CB" in out_of_place.json["detail"]
    old_term = client.post(url, headers=headers, json={"doc_type": "nghi_quyet", "sequence": 7,
                                                       "date": "2025-03-01", "title": "Nghị quyết tháng 3/2025",
                                                       "confidentiality": "mat"})
    assert old_term.status_code == 201  # a closed term's paper book can still be copied in
    assert _resolution(client, headers, world.dong_id, "2026-03-20").json["number"] == "04-NQ/CB"  # own term
    unknown = client.post(url, headers=headers, json={"doc_type": "khong_co", "sequence": 1, "date": "2026-03-05",
                                                      "title": "x"})
    assert unknown.status_code == 422
    register = client.get(url + "?doc_type=nghi_quyet", headers=headers).json["items"]
    assert [(r["number"], r["origin"]) for r in register] == [
        ("07-NQ/CB", "outside"), ("01-NQ/CB", "generated"), ("02-NQ/CB", "outside"), ("03-NQ/CB", "generated"),
        ("04-NQ/CB", "generated")]
    reader = client.get(f"/api/v1/organizations/{world.tay_id}/numbers", headers=auth("thuky.tay"))
    assert reader.status_code == 200 and reader.json["items"] == []  # Thôn Tây's own register is empty
    assert client.get(url, headers=auth("thuky.tay")).status_code == 404  # another cell's register
    admin_view = client.get(url, headers=auth("uyvien")).json["items"]
    assert "07-NQ/CB" not in [r["number"] for r in admin_view]  # "mật" above a reader's clearance


@pytest.mark.slow
def test_a_header_prints_the_names_in_force_on_the_papers_date(client, auth, world):
    admin, secretary = auth("admin"), auth("thuky.dong")
    renamed = client.post(f"/api/v1/organizations/{world.root_id}/names", headers=admin, json={
        "effective_on": "2026-07-01", "name": "Đảng bộ xã Tân Phú", "header_name": "Đảng ủy xã Tân Phú",
        "place": "Tân Phú", "note": "Sáp nhập xã Tân Lập và xã Phú Mỹ"})
    assert renamed.status_code == 201, renamed.json
    assert [n["name"] for n in renamed.json["names"]] == ["Đảng bộ xã Tân Lập", "Đảng bộ xã Tân Phú"]
    before = _resolution(client, secretary, world.dong_id, "2026-06-15").json
    after = _resolution(client, secretary, world.dong_id, "2026-07-10").json
    old, new = _words(client, secretary, before), _words(client, secretary, after)
    assert "ĐẢNG BỘ XÃ TÂN LẬP" in old and "Đảng ủy xã Tân Lập (b/c)" in old and "TÂN PHÚ" not in old
    assert "ĐẢNG BỘ XÃ TÂN PHÚ" in new and "Đảng ủy xã Tân Phú (b/c)" in new
    cell = client.get(f"/api/v1/organizations/{world.dong_id}", headers=admin).json
    assert cell["superior_name"] == "Đảng bộ xã Tân Phú" and cell["names"][-1]["effective_on"] == "2026-07-01"
    decision = client.post("/api/v1/documents", headers=admin, json={
        "template": "quyet-dinh-khen-thuong", "organization_id": world.root_id,
        "fields": {"date": "2026-06-20", "achievement": "hoàn thành xuất sắc nhiệm vụ 6 tháng đầu năm",
                   "awardees": ["Nguyễn Thị Hoà, Chi bộ Thôn Đông"], "signer_name": "Phạm Văn Đức"}}).json
    assert "ĐẢNG ỦY XÃ TÂN LẬP" in _words(client, admin, decision) and "Tân Lập, ngày 20" in _words(
        client, admin, decision)
    early = client.post(f"/api/v1/organizations/{world.root_id}/names", headers=admin,
                        json={"effective_on": "2026-05-01", "name": "Đảng bộ xã Tân Hòa"})
    assert early.status_code == 409  # names change forward: the history is not rewritten
    assert client.post(f"/api/v1/organizations/{world.root_id}/names", headers=secretary,
                       json={"effective_on": "2026-08-01", "name": "x y"}).status_code == 403


def test_the_register_page_lists_the_numbers_and_enters_one_issued_outside(app, client, auth, world):
    """A secretary, refused a back-dated paper, follows the page's link to the register and enters the number
    that was issued on paper; errors stay beside the fields and nothing is stored."""
    import re

    from tests.integration.test_web_reading import _sign_in

    headers = auth("thuky.dong")
    assert _resolution(client, headers, world.dong_id, "2026-03-10").status_code == 201
    page = app.test_client()
    _sign_in(page, "thuky.dong")
    shown = page.get(f"/numbers?organization_id={world.dong_id}").get_data(as_text=True)
    assert "01-NQ/CB" in shown and "10/03/2026" in shown and "Vào sổ số đã cấp ngoài hệ thống" in shown
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', shown).group(1)
    form = {"csrf_token": token, "organization_id": str(world.dong_id), "doc_type": "nghi_quyet",
            "confidentiality": "thuong", "title": "Nghị quyết ký tay khi mất điện"}
    taken = page.post("/numbers", data={**form, "sequence": "1", "date": "2026-03-10"})
    assert taken.status_code == 422 and "Số này đã được cấp." in taken.get_data(as_text=True)
    wrong_day = page.post("/numbers", data={**form, "sequence": "2", "date": "2026-03-01"})
    assert wrong_day.status_code == 422 and "Không sớm hơn 10/03/2026" in wrong_day.get_data(as_text=True)
    entered = page.post("/numbers", data={**form, "sequence": "2", "date": "2026-03-12"})
    assert entered.status_code == 302
    listed = page.get(f"/numbers?organization_id={world.dong_id}").get_data(as_text=True)
    assert "02-NQ/CB" in listed and "cấp ngoài hệ thống" in listed and "Nghị quyết ký tay khi mất điện" in listed
    after = _resolution(client, headers, world.dong_id, "2026-03-13")
    assert after.status_code == 201 and after.json["number"] == "03-NQ/CB"
    from tests.integration.test_web_meeting_form import _form

    values = _form(page.get("/documents/new/nghi-quyet-chi-bo").get_data(as_text=True))
    values.update({"organization_id": str(world.dong_id), "date": "2026-03-11", "subject": FIELDS["subject"],
                   "results": FIELDS["results"], "tasks": "\n".join(FIELDS["tasks"]),
                   "signer_name": FIELDS["signer_name"]})
    refused = page.post("/documents/new/nghi-quyet-chi-bo", data=values)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Ghi từ ngày 13/03/2026 trở đi" in body
    assert f"/numbers?organization_id={world.dong_id}" in body  # the way to enter a number issued on paper
    reader = app.test_client()
    _sign_in(reader, "docgia.tay")
    assert "Vào sổ số đã cấp ngoài hệ thống" not in reader.get("/numbers").get_data(as_text=True)
    assert reader.post("/numbers", data={**form, "sequence": "9", "date": "2026-04-01"}).status_code in (400, 403)
