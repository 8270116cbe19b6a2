"""Minutes and resolutions in the register, the books and the monthly report as real PDFs (LibreOffice makes
the documents; the books and the report are read back with pypdf)."""

import datetime as dt
import io
import json

from pypdf import PdfReader
from sqlalchemy import select

from docservice.db.models import AuditEvent
from tests.integration.test_oversight import year  # noqa: F401 - the fixture
from tests.oversight_year import YEAR


def _text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def test_register_papers_books_and_report(client, auth, world, svc, year):  # noqa: F811
    admin, archivist = year["admin"], auth("luutru")
    # July and August: the chi bộ's 2020–2025 term closed on 30/06/2025 and its book takes no new number
    january = year["ids"][(dt.date(YEAR, 7, 10), "thuong_ky")]
    february = year["ids"][(dt.date(YEAR, 8, 7), "thuong_ky")]
    minutes = client.post(f"/api/v1/meetings/{january}/minutes", headers=admin)
    assert minutes.status_code == 201, minutes.json
    resolution = client.post(f"/api/v1/meetings/{january}/resolution", headers=admin,
                             json={"fields": {"tasks": ["Thu đảng phí quý I đúng hạn."]}})
    assert resolution.status_code == 201, resolution.json
    later = client.post(f"/api/v1/meetings/{february}/minutes", headers=admin)
    assert later.status_code == 201, later.json
    signed = client.get(minutes.json["pdf_url"], headers=admin).data
    filed = client.post("/api/v1/records", headers=archivist, content_type="multipart/form-data",
                        data={"file": (io.BytesIO(signed), "bb.pdf"),
                              "metadata": json.dumps({"document_id": minutes.json["id"]})})
    assert filed.status_code == 201, filed.json

    copy = client.get(later.json["pdf_url"], headers=admin).data + b"\n"  # other bytes, the same document
    secret_copy = client.post("/api/v1/records", headers=archivist, content_type="multipart/form-data",
                              data={"file": (io.BytesIO(copy), "bb2.pdf"),
                                    "metadata": json.dumps({"document_id": later.json["id"],
                                                            "confidentiality": "mat"})})
    assert secret_copy.status_code == 201, secret_copy.json
    reg = client.get(f"/api/v1/organizations/{world.tay_id}/register?year={YEAR}", headers=admin).json
    papers = {m["month"]: (m["minutes"], m["resolution"]) for m in reg["months"]}
    assert papers[7] == ("signed", "generated") and papers[8] == ("signed", "missing")
    reader = client.get(f"/api/v1/organizations/{world.tay_id}/register?year={YEAR}", headers=auth("uyvien")).json
    papers = {m["month"]: (m["minutes"], m["resolution"]) for m in reader["months"]}
    assert papers[8] == ("generated", "missing")  # the "mật" signed copy is not there for this reader
    assert papers[3] == (None, None) and papers[4] == ("missing", "missing")
    assert reg["summary"]["minutes_missing"] == 8 and reg["summary"]["resolutions_missing"] == 9

    book = client.get(f"/api/v1/organizations/{world.tay_id}/books/minutes.pdf?year={YEAR}", headers=admin)
    assert book.status_code == 200 and book.mimetype == "application/pdf"
    pages, text = _text(book.data)
    jan_pages = len(PdfReader(io.BytesIO(signed)).pages)
    feb_pages = len(PdfReader(io.BytesIO(client.get(later.json["pdf_url"], headers=admin).data)).pages)
    assert pages == 2 + jan_pages + feb_pages  # cover, index, then the two minutes
    assert "SỔ BIÊN BẢN SINH HOẠT CHI BỘ" in text and f"Năm {YEAR}" in text and "MỤC LỤC" in text
    assert minutes.json["number"] in text and later.json["number"] in text and "bản ký lưu trữ" in text
    assert f"{pages}/{pages}" in " ".join((PdfReader(io.BytesIO(book.data)).pages[-1].extract_text() or "").split())
    with svc.catalogue.reader() as session:
        events = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "book.download")).all()
    assert events == [f"book=minutes;year={YEAR};term=None;documents=2"]
    resolutions = client.get(f"/api/v1/organizations/{world.tay_id}/books/resolutions.pdf?year={YEAR}",
                             headers=admin)
    assert resolution.json["number"] in _text(resolutions.data)[1]

    report = client.get(f"/api/v1/organizations/{world.root_id}/report.pdf?month={YEAR}-09", headers=admin)
    assert report.status_code == 200 and report.mimetype == "application/pdf"
    _, text = _text(report.data)
    for words in ("ĐẢNG CỘNG SẢN VIỆT NAM", "BÁO CÁO", "Tình hình sinh hoạt chi bộ và công tác đảng tháng",
                  "có 1/2 chi bộ sinh hoạt thường kỳ đúng lịch", "Chi bộ không sinh hoạt: Chi bộ Thôn Đông",
                  "Sinh hoạt chi bộ đúng lịch theo tháng", "Tỷ lệ đảng viên dự sinh hoạt theo tháng",
                  "Văn bản và hồ sơ theo loại", "T/M ĐẢNG ỦY", "Nơi nhận", "ĐẢNG BỘ TỈNH HÀ SƠN"):
        assert words in text, words
    flagged_name = client.get(f"/api/v1/members/{year['people']['flagged']}/attendance",
                              headers=admin).json["member"]["full_name"]
    assert flagged_name in text  # three months without reason by September
    reader = auth("docgia.tay")
    assert client.get(f"/api/v1/organizations/{world.root_id}/report.pdf?month={YEAR}-09",
                      headers=reader).status_code == 404
    assert client.get(f"/api/v1/organizations/{world.dong_id}/books/minutes.pdf", headers=reader).status_code == 404
