"""Generating the chi bộ resolution through the API, with real LibreOffice."""

import io
import subprocess

import pytest
from docx import Document as Docx
from sqlalchemy import func, select

from docservice.db.models import Document

FIELDS = {
    "date": "2026-02-05",
    "subject": "về lãnh đạo thực hiện nhiệm vụ tháng 02/2026",
    "results": "Chi bộ đã lãnh đạo đảng viên hoàn thành tốt nhiệm vụ tháng 01/2026.\n"
               "Công tác vệ sinh môi trường, an ninh trật tự được giữ vững.",
    "tasks": ["Tổ chức cho nhân dân đón Tết Bính Ngọ an toàn, tiết kiệm.", "Thu đảng phí quý I năm 2026."],
    "signer_name": "Nguyễn Thị Hoà",
}


def _create(client, headers, org_id, **changes):
    body = {"template": "nghi-quyet-chi-bo", "organization_id": org_id, "fields": dict(FIELDS)}
    body.update(changes)
    return client.post("/api/v1/documents", json=body, headers=headers)


def _pdf_text(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


@pytest.mark.slow
def test_secretary_generates_a_numbered_resolution_as_docx_and_pdf(client, auth, world):
    headers = auth("thuky.dong")
    first = _create(client, headers, world.dong_id)
    assert first.status_code == 201, first.data
    doc = first.json
    assert doc["number"] == "01-NQ/CB" and doc["doc_type"] == "nghi_quyet" and doc["profile"] == "2026"
    assert doc["title"] == "Nghị quyết về lãnh đạo thực hiện nhiệm vụ tháng 02/2026"
    second = _create(client, headers, world.dong_id, fields={**FIELDS, "date": "2026-03-04"})
    assert second.json["number"] == "02-NQ/CB"

    pdf = client.get(doc["pdf_url"], headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = _pdf_text(pdf.data)
    for words in ("ĐẢNG CỘNG SẢN VIỆT NAM", "CHI BỘ THÔN ĐÔNG", "Số 01-NQ/CB", "ngày 05 tháng 02 năm 2026",
                  "NGHỊ QUYẾT", "đón Tết Bính Ngọ an toàn, tiết kiệm", "T/M CHI BỘ", "Nguyễn Thị Hoà", "Lưu Chi bộ"):
        assert words in text, words
    fonts = subprocess.run(["pdffonts", "-"], input=pdf.data, capture_output=True).stdout.decode()
    assert "LiberationSerif" in fonts and " no " not in fonts.split("\n", 2)[2]  # every font embedded

    docx = client.get(doc["docx_url"], headers=headers)
    assert docx.status_code == 200 and "attachment" in docx.headers["Content-Disposition"]
    paragraphs = "\n".join(p.text for p in Docx(io.BytesIO(docx.data)).paragraphs)
    assert "1. Tổ chức cho nhân dân đón Tết Bính Ngọ an toàn, tiết kiệm." in paragraphs


@pytest.mark.slow
def test_numbers_restart_in_a_new_term_and_follow_the_old_profile_for_old_dates(client, auth, world):
    headers, admin = auth("thuky.dong"), auth("admin")
    old = _create(client, headers, world.dong_id, fields={**FIELDS, "date": "2025-09-07"})
    assert old.status_code == 201 and old.json["number"] == "01-NQ/CB" and old.json["profile"] == "2018"
    new = _create(client, headers, world.dong_id)
    assert new.json["number"] == "02-NQ/CB" and new.json["profile"] == "2026"
    old_pdf = client.get(old.json["pdf_url"], headers=headers).data
    assert "ngày 07 tháng 9 năm 2025" in _pdf_text(old_pdf)
    # a cell whose term ends at the end of 2026: numbers restart at 01 in the next term
    cell = client.post("/api/v1/organizations", headers=admin, json={
        "parent_id": world.root_id, "code": "cb-thon-nam", "kind": "chi_bo", "name": "Chi bộ Thôn Nam"}).json["id"]
    for name, start, end in (("2025–2026", "2025-07-01", "2026-12-31"), ("2027–2030", "2027-01-01", None)):
        assert client.post(f"/api/v1/organizations/{cell}/terms", headers=admin,
                           json={"name": name, "start_date": start, "end_date": end}).status_code == 201
    last = _create(client, admin, cell, fields={**FIELDS, "date": "2026-12-30"})
    first = _create(client, admin, cell, fields={**FIELDS, "date": "2027-01-04"})
    assert (last.json["number"], first.json["number"]) == ("01-NQ/CB", "01-NQ/CB")


def _problem(response, status, code):
    assert response.status_code == status, response.data
    body = response.get_json(force=True)
    assert response.content_type == "application/problem+json" and body["code"] == code
    return body


def test_bad_requests_get_problem_bodies_and_allocate_no_number(client, auth, world, svc):
    headers = auth("thuky.dong")
    body = _problem(_create(client, headers, world.dong_id, fields={"date": "hôm qua"}), 422, "validation_failed")
    assert body["errors"]["fields.subject"] == "Trường này là bắt buộc." and "fields.date" in body["errors"]
    _problem(_create(client, headers, world.dong_id, template="khong-co"), 404, "not_found")
    _problem(_create(client, headers, world.tay_id), 404, "not_found")  # outside the secretary's scope
    _problem(_create(client, headers, world.dong_id, fields={**FIELDS, "date": "2019-01-01"}), 422, "rule_violation")
    _problem(_create(client, headers, world.dong_id, confidentiality="tuyet_mat"), 403, "forbidden")
    _problem(_create(client, auth("uyvien"), world.dong_id), 403, "forbidden")
    _problem(_create(client, auth("admin"), world.root_id), 422, "rule_violation")  # a chi bộ template
    _problem(client.post("/api/v1/documents", json={"template": "nghi-quyet-chi-bo"}, headers=headers), 422,
             "validation_failed")
    with svc.catalogue.reader() as session:
        assert session.scalar(select(func.count(Document.id))) == 0


@pytest.mark.slow
def test_documents_outside_scope_or_clearance_are_404(client, auth, world):
    secret = _create(client, auth("thuky.dong"), world.dong_id, confidentiality="mat")
    assert secret.status_code == 201 and secret.json["confidentiality"] == "mat"
    for user in ("uyvien", "docgia.tay"):
        for suffix in ("", "/pdf", "/docx"):
            response = client.get(f"/api/v1/documents/{secret.json['id']}{suffix}", headers=auth(user))
            _problem(response, 404, "not_found")
    assert client.get(secret.json["pdf_url"], headers=auth("admin")).status_code == 200


def test_party_rules_on_the_fields_are_enforced_before_anything_is_made(client, auth, world, svc):
    admin, secretary = auth("admin"), auth("thuky.dong")
    discipline = svc.templates.get("quyet-dinh-ky-luat").manifest.example
    body = _problem(client.post("/api/v1/documents", headers=admin, json={
        "template": "quyet-dinh-ky-luat", "organization_id": world.root_id,
        "fields": {**discipline, "member_status": "dự bị", "discipline": "khai trừ"}}), 422, "rule_violation")
    assert "khiển trách hoặc cảnh cáo" in body["detail"] and "fields.discipline" in body["errors"]
    admission = svc.templates.get("nghi-quyet-de-nghi-ket-nap").manifest.example
    lost = _problem(client.post("/api/v1/documents", headers=secretary, json={
        "template": "nghi-quyet-de-nghi-ket-nap", "organization_id": world.dong_id,
        "fields": {**admission, "members_total": 21, "members_present": 15, "votes_for": 10}}), 422, "rule_violation")
    assert "10/21 đồng chí tán thành (47,6%)" in lost["detail"] and "2/3" in lost["detail"] and "14" in lost["detail"]
    odd = _problem(client.post("/api/v1/documents", headers=secretary, json={
        "template": "nghi-quyet-de-nghi-ket-nap", "organization_id": world.dong_id,
        "fields": {**admission, "members_present": 25}}), 422, "validation_failed")
    assert "fields.members_present" in odd["errors"]
    with svc.catalogue.reader() as session:
        assert session.scalar(select(func.count(Document.id))) == 0
