"""Records over time: legacy text, versions, metadata corrections, links to generated documents."""

import io
import json

from docservice.search.indexer import drain_once
from tests.builders import legacy_pdf, text_pdf
from tests.unit.test_legacy import tcvn3


def _upload(client, headers, data: bytes, meta: dict, path="/api/v1/records"):
    return client.post(path, headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), "x.pdf"), "metadata": json.dumps(meta)})


def _meta(world, **changes):
    return {"doc_type": "nghi_quyet", "date": "1998-05-19", "organization_id": world.dong_id,
            "title": "Nghị quyết năm 1998", **changes}


def _search(client, headers, svc, **params):
    drain_once(svc.catalogue, svc.search_index)
    return client.get("/api/v1/search", query_string=params, headers=headers).json


def test_a_tcvn3_document_reads_as_vietnamese_and_is_found(client, auth, world, svc):
    lines = ["ĐẢNG BỘ XÃ TÂN LẬP", "Nghị quyết về công tác phát triển đảng viên năm 1998.",
             "Chi bộ thống nhất kết nạp quần chúng ưu tú vào Đảng, xây dựng trường học."]
    record = _upload(client, auth("luutru"), legacy_pdf(*(tcvn3(line) for line in lines)), _meta(world)).json
    assert record["text_source"] == "legacy_converted" and record["page_sources"] == ["legacy_converted:tcvn3"]
    for q in ("phát triển đảng viên", "phat trien dang vien"):
        assert [h["id"] for h in _search(client, auth("luutru"), svc, q=q)["hits"]] == [record["id"]]
    snippet = _search(client, auth("luutru"), svc, q="quần chúng")["hits"][0]["snippet"]
    assert "<mark>quần</mark> <mark>chúng</mark> ưu tú vào Đảng, xây dựng trường học" in snippet
    assert _search(client, auth("luutru"), svc, q="ĐẢNG BỘ XÃ TÂN LẬP")["total"] == 1


def test_a_vni_document_reads_as_vietnamese(client, auth, world):
    from tests.unit.test_legacy import vni

    line = "Quyết định về việc công nhận đảng viên chính thức"
    record = _upload(client, auth("luutru"), legacy_pdf(vni(line)), _meta(world)).json
    assert record["page_sources"] == ["legacy_converted:vni"]


def test_a_scan_with_a_text_page_is_mixed_and_each_page_says_where_its_text_came_from(client, auth, world):
    from pypdf import PdfReader, PdfWriter

    from tests.builders import scanned_pdf

    writer = PdfWriter()
    for part in (text_pdf("Trang một có lớp chữ: biên bản họp chi bộ."), scanned_pdf("Trang hai là bản quét")):
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    record = _upload(client, auth("luutru"), out.getvalue(), _meta(world)).json
    assert record["text_source"] == "mixed" and record["page_sources"] == ["text_layer", "ocr"]


def test_a_new_version_supersedes_the_old_which_stays(client, auth, world, svc):
    headers = auth("luutru")
    first = _upload(client, headers, text_pdf("Biên bản bản nháp số một."), _meta(world)).json
    second = _upload(client, headers, text_pdf("Biên bản bản chính thức đã ký."),
                     {"title": "Biên bản đã ký", "reason": "Bản đã ký thay bản nháp"},
                     path=f"/api/v1/records/{first['id']}/versions")
    assert second.status_code == 201, second.data
    assert second.json["supersedes_id"] == first["id"] and second.json["title"] == "Biên bản đã ký"
    old = client.get(f"/api/v1/records/{first['id']}", headers=headers).json
    assert old["superseded"] is True
    assert client.get(old["file_url"], headers=headers).data.startswith(b"%PDF")
    chain = client.get(f"/api/v1/records/{second.json['id']}/versions", headers=headers).json["items"]
    assert [r["id"] for r in chain] == [first["id"], second.json["id"]]
    assert [h["id"] for h in _search(client, headers, svc, q="biên bản")["hits"]] == [second.json["id"]]
    every = _search(client, headers, svc, q="biên bản", include_superseded="true")
    assert {h["id"] for h in every["hits"]} == {first["id"], second.json["id"]}
    again = _upload(client, headers, text_pdf("Lần nữa."), {}, path=f"/api/v1/records/{first['id']}/versions")
    assert again.status_code == 409


def test_a_new_version_changes_metadata_only_as_a_correction_by_those_who_may_correct(client, auth, world, svc):
    """A secretary may file a new file of a record, not declassify it: changing metadata (confidentiality
    included) with the file needs the right to correct metadata and a reason, and is kept as a correction."""
    from sqlalchemy import func, select

    from docservice.db.models import AuditEvent, Record

    archivist, secretary = auth("luutru"), auth("thuky.dong")
    secret = _upload(client, archivist, text_pdf("Nghị quyết mật về nhân sự."),
                     _meta(world, confidentiality="mat")).json
    path = f"/api/v1/records/{secret['id']}/versions"
    with svc.catalogue.reader() as session:
        before = session.scalar(select(func.count()).select_from(Record))
    for who, meta, status in ((secretary, {"confidentiality": "thuong"}, 403),
                              (secretary, {"title": "Đổi trích yếu"}, 403),
                              (archivist, {"confidentiality": "thuong"}, 422),
                              (archivist, {"confidentiality": "thuong", "reason": "   "}, 422)):
        refused = _upload(client, who, text_pdf("Bản quét lại."), meta, path=path)
        assert refused.status_code == status, (meta, refused.json)
    with svc.catalogue.reader() as session:
        assert session.scalar(select(func.count()).select_from(Record)) == before
        assert session.get(Record, secret["id"]).superseded is False
    # the same metadata with a better file is anyone's filing
    same = _upload(client, secretary, text_pdf("Bản quét rõ hơn."), {}, path=path)
    assert same.status_code == 201 and same.json["confidentiality"] == "mat"
    # an archivist's declassification with a reason is a correction of the new record, audited with the address
    lowered = client.post(f"/api/v1/records/{same.json['id']}/versions", headers=archivist,
                          content_type="multipart/form-data", environ_base={"REMOTE_ADDR": "10.3.3.3"},
                          data={"file": (io.BytesIO(text_pdf("Bản giải mật.")), "x.pdf"),
                                "metadata": json.dumps({"confidentiality": "thuong",
                                                        "reason": "Giải mật theo quyết định 12-QĐ/ĐU"})})
    assert lowered.status_code == 201 and lowered.json["confidentiality"] == "thuong"
    detail = client.get(f"/api/v1/records/{lowered.json['id']}", headers=archivist).json
    (change,) = detail["corrections"]
    assert change["changes"] == {"confidentiality": {"from": "mat", "to": "thuong"}}
    assert change["reason"] == "Giải mật theo quyết định 12-QĐ/ĐU"
    with svc.catalogue.reader() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "record.correct"))
        assert (event.object_id, event.remote_addr) == (str(lowered.json["id"]), "10.3.3.3")


def test_corrections_and_signature_checks_carry_the_client_address(client, auth, world, svc):
    from sqlalchemy import select

    from docservice.db.models import AuditEvent

    headers = auth("luutru")
    record = _upload(client, headers, text_pdf("Biên bản họp chi bộ."), _meta(world)).json
    assert client.patch(f"/api/v1/records/{record['id']}", headers=headers, environ_base={"REMOTE_ADDR": "10.4.4.4"},
                        json={"title": "Biên bản họp chi bộ tháng 5", "reason": "Bổ sung tháng"}).status_code == 200
    assert client.post(f"/api/v1/records/{record['id']}/signature-checks", headers=headers,
                       environ_base={"REMOTE_ADDR": "10.5.5.5"}).status_code == 201
    with svc.catalogue.reader() as session:
        found = dict(session.execute(select(AuditEvent.action, AuditEvent.remote_addr).where(
            AuditEvent.action.in_(("record.correct", "record.signatures.check")))).all())
    assert found == {"record.correct": "10.4.4.4", "record.signatures.check": "10.5.5.5"}


def test_a_metadata_correction_is_a_version_and_the_file_is_untouched(client, auth, world, svc):
    headers = auth("luutru")
    data = text_pdf("Nghị quyết số 05-NQ/CB về sàng lọc đảng viên.")
    record = _upload(client, headers, data, _meta(world, title="Nghi quyet sai chinh ta")).json
    corrected = client.patch(f"/api/v1/records/{record['id']}", headers=headers,
                             json={"title": "Nghị quyết về sàng lọc đảng viên", "number": "05-NQ/CB",
                                   "reason": "Sửa trích yếu và bổ sung số"})
    assert corrected.status_code == 200, corrected.data
    detail = client.get(f"/api/v1/records/{record['id']}", headers=headers).json
    assert detail["title"] == "Nghị quyết về sàng lọc đảng viên" and detail["number"] == "05-NQ/CB"
    (change,) = detail["corrections"]
    assert change["version"] == 1 and change["changes"]["title"]["from"] == "Nghi quyet sai chinh ta"
    assert change["reason"] == "Sửa trích yếu và bổ sung số"
    assert client.get(detail["file_url"], headers=headers).data == data and detail["sha256"] == record["sha256"]
    assert _search(client, headers, svc, number="5-NQ-CB")["hits"][0]["id"] == record["id"]
    for body, status in (({}, 422), ({"sha256": "x"}, 422), ({"title": "x"}, 403)):
        who = auth("uyvien") if status == 403 else headers
        assert client.patch(f"/api/v1/records/{record['id']}", headers=who, json=body).status_code == status


def test_a_signed_copy_is_checked_against_its_document(client, auth, world, svc):
    secretary, archivist = auth("thuky.dong"), auth("luutru")
    example = svc.templates.get("nghi-quyet-chi-bo").manifest.example
    document = client.post("/api/v1/documents", headers=secretary, json={
        "template": "nghi-quyet-chi-bo", "organization_id": world.dong_id, "fields": example}).json
    pdf = client.get(document["pdf_url"], headers=secretary).data
    good = _upload(client, archivist, pdf, {"document_id": document["id"]}).json
    assert good["warnings"] == [] and good["number"] == "01-NQ/CB"
    joined = text_pdf("Số 01-NQ/\nCB ... Tân Lập, ngày 05 tháng 02 năm 2026. Bản có số bị ngắt dòng.")
    assert _upload(client, archivist, joined, {"document_id": document["id"]}).json["warnings"] == []
    wrong = _upload(client, archivist, text_pdf("Một văn bản khác, số 12-NQ/CB ngày 1 tháng 1 năm 2020."),
                    {"document_id": document["id"]}).json
    assert len(wrong["warnings"]) == 2 and "01-NQ/CB" in wrong["warnings"][0]
