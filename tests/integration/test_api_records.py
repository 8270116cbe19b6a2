"""Archiving PDFs through the API: exact bytes, duplicates, refusals that change nothing."""

import hashlib
import io
import json

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy import func, select

from docservice.db.models import OutboxEntry, Record
from tests.builders import scanned_pdf, text_pdf

TEXT = ("NGHỊ QUYẾT về công tác rà soát, sàng lọc đảng viên năm 2019.\n"
        "Chi bộ thống nhất nâng cao chất lượng đội ngũ đảng viên, thực hiện Nghị quyết số 21-NQ/TW.")


def _meta(org_id, **changes):
    meta = {"doc_type": "nghi_quyet", "number": "07-NQ/CB", "date": "2019-06-10", "organization_id": org_id,
            "title": "Nghị quyết về sàng lọc đảng viên", "signer": "Nguyễn Thị Hoà"}
    meta.update(changes)
    return meta


def _upload(client, headers, data: bytes, meta, name="ban-ky.pdf"):
    form = {"file": (io.BytesIO(data), name), "metadata": json.dumps(meta) if isinstance(meta, dict) else meta}
    return client.post("/api/v1/records", data=form, headers=headers, content_type="multipart/form-data")


def _problem(response, status, code):
    assert response.status_code == status, response.data
    assert response.content_type == "application/problem+json"
    assert response.get_json(force=True)["code"] == code
    return response.get_json(force=True)


def _state(svc):
    with svc.catalogue.reader() as session:
        counts = (session.scalar(select(func.count(Record.id))), session.scalar(select(func.count(OutboxEntry.id))))
    return counts, sorted(svc.blobs.digests())


def test_archived_bytes_come_back_identical(client, auth, world):
    headers = auth("luutru")
    data = text_pdf(TEXT, "Trang 2: Biên bản kèm theo.")
    created = _upload(client, headers, data, _meta(world.dong_id))
    assert created.status_code == 201, created.data
    record = created.json
    assert record["sha256"] == hashlib.sha256(data).hexdigest() and record["size"] == len(data)
    assert record["pages"] == 2 and record["text_source"] == "text_layer" and record["number"] == "07-NQ/CB"
    assert record["signatures"] == [] and record["confidentiality"] == "thuong"
    download = client.get(record["file_url"], headers=headers)
    assert download.status_code == 200 and download.data == data
    assert client.get(f"/api/v1/records/{record['id']}", headers=headers).json["title"] == _meta(0)["title"]


def test_same_bytes_again_is_409_with_the_id_and_a_new_record_elsewhere(client, auth, world, svc):
    data = text_pdf(TEXT)
    first = _upload(client, auth("thuky.dong"), data, _meta(world.dong_id)).json
    again = _problem(_upload(client, auth("thuky.dong"), data, _meta(world.dong_id)), 409, "duplicate_record")
    assert again["id"] == first["id"]
    elsewhere = _upload(client, auth("thuky.tay"), data, _meta(world.tay_id))
    assert elsewhere.status_code == 201 and elsewhere.json["id"] != first["id"]
    assert elsewhere.json["sha256"] == first["sha256"] and list(svc.blobs.digests()) == [first["sha256"]]


def test_records_outside_scope_or_clearance_are_404(client, auth, world):
    secret = _upload(client, auth("thuky.dong"), text_pdf(TEXT), _meta(world.dong_id, confidentiality="mat")).json
    for user in ("docgia.tay", "uyvien"):
        _problem(client.get(f"/api/v1/records/{secret['id']}", headers=auth(user)), 404, "not_found")
        _problem(client.get(f"/api/v1/records/{secret['id']}/file", headers=auth(user)), 404, "not_found")
    assert client.get(f"/api/v1/records/{secret['id']}/file", headers=auth("luutru")).status_code == 200
    _problem(_upload(client, auth("thuky.tay"), text_pdf("khác"), _meta(world.dong_id)), 404, "not_found")
    _problem(_upload(client, auth("uyvien"), text_pdf("khác"), _meta(world.dong_id)), 403, "forbidden")


def _encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(TEXT))))
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(("payload", "status", "code"), [
    (lambda: b"Day khong phai PDF", 415, "unsupported_media_type"),
    (lambda: b"\x89PNG\r\n\x1a\n" + b"0" * 100, 415, "unsupported_media_type"),
    (lambda: text_pdf(TEXT)[:-600], 422, "unusable_pdf"),
    (lambda: b"%PDF-1.7\n" + b"rac " * 200 + b"\n%%EOF\n", 422, "unusable_pdf"),
    (_encrypted_pdf, 422, "unusable_pdf"),
], ids=["text", "png", "truncated", "garbage", "encrypted"])
def test_bad_files_are_refused_and_nothing_changes(client, auth, world, svc, payload, status, code):
    before = _state(svc)
    _problem(_upload(client, auth("luutru"), payload(), _meta(world.dong_id)), status, code)
    assert _state(svc) == before


@pytest.mark.parametrize(("meta", "field"), [
    (lambda w: {**_meta(w.dong_id), "date": "10/06/2019"}, "metadata.date"),
    (lambda w: {k: v for k, v in _meta(w.dong_id).items() if k != "title"}, "metadata.title"),
    (lambda w: {**_meta(w.dong_id), "doc_type": "thu_tinh"}, "metadata.doc_type"),
    (lambda w: {**_meta(w.dong_id), "extra": 1}, "metadata.extra"),
    (lambda w: {**_meta(w.dong_id), "confidentiality": "bi_mat"}, "metadata.confidentiality"),
    (lambda w: "{không phải json", "metadata"),
], ids=["date", "title", "doc_type", "extra", "confidentiality", "json"])
def test_bad_metadata_is_422_per_field_and_nothing_changes(client, auth, world, svc, meta, field):
    before = _state(svc)
    body = _problem(_upload(client, auth("luutru"), text_pdf(TEXT), meta(world)), 422, "validation_failed")
    assert field in body["errors"], body
    assert _state(svc) == before


def test_missing_file_is_422(client, auth, world):
    response = client.post("/api/v1/records", data={"metadata": json.dumps(_meta(world.dong_id))},
                           headers=auth("luutru"), content_type="multipart/form-data")
    assert "file" in _problem(response, 422, "validation_failed")["errors"]


def test_oversized_uploads_are_413_and_nothing_changes(client, auth, world, svc, app):
    app.config["MAX_CONTENT_LENGTH"] = 100 * 1024
    before = _state(svc)
    big = text_pdf(TEXT) + b"\n%" + b"0" * 120_000
    body = _problem(_upload(client, auth("luutru"), big, _meta(world.dong_id)), 413, "payload_too_large")
    assert "100 KB" in body["detail"]
    assert _state(svc) == before


def test_metadata_defaults_from_a_linked_document_id_outside_scope_is_404(client, auth, world):
    _problem(_upload(client, auth("luutru"), text_pdf(TEXT), {"document_id": 424242}), 404, "not_found")


@pytest.mark.slow
def test_a_scanned_page_is_read_by_ocr(client, auth, world, svc):
    scan = scanned_pdf("NGHỊ QUYẾT\nChi bộ Thôn Đông kết nạp đảng viên mới\nnăm 2021")
    record = _upload(client, auth("luutru"), scan, _meta(world.dong_id, number=None)).json
    assert record["text_source"] == "ocr" and record["pages"] == 1
    with svc.catalogue.reader() as session:
        text = session.get(Record, record["id"]).text
    assert "kết nạp đảng viên mới" in text and "Thôn Đông" in text
    from docservice.search.indexer import drain_once

    drain_once(svc.catalogue, svc.search_index)
    for q in ("kết nạp đảng viên", "ket nap dang vien"):
        hits = client.get("/api/v1/search", query_string={"q": q}, headers=auth("luutru")).json["hits"]
        assert [h["id"] for h in hits] == [record["id"]]
