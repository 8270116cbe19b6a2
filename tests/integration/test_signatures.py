"""Signature verdicts through the API: honest about trust, changes after signing and revocation."""

import io
import json

import pytest

from tests.builders import text_pdf
from tests.signing import authority, flip_inside_signed_range, sign, with_update

TEXT = "BIÊN BẢN sinh hoạt chi bộ Thôn Đông tháng 9 năm 2025, bản ký số."


@pytest.fixture(scope="module")
def ca():
    return authority()


def _upload(client, headers, data: bytes, org_id, title="Biên bản tháng 9"):
    meta = {"doc_type": "bien_ban", "date": "2025-09-07", "organization_id": org_id, "title": title}
    return client.post("/api/v1/records", headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), "ky.pdf"), "metadata": json.dumps(meta)})


def _trust(app, ca, tmp_path):
    roots = ca.write_roots(tmp_path / "roots")
    app.extensions["docservice"].settings = app.extensions["docservice"].settings.model_copy(
        update={"trust_roots": roots})


def test_a_signed_pdf_against_the_trust_roots(client, auth, world, app, ca, tmp_path):
    _trust(app, ca, tmp_path)
    signed = sign(text_pdf(TEXT), ca)
    response = _upload(client, auth("luutru"), signed, world.dong_id)
    assert response.status_code == 201, response.data
    (verdict,) = response.json["signatures"]
    assert "Nguyễn Văn Hùng" in verdict["signer"] and verdict["signed_at"]
    assert verdict["intact"] and verdict["covers_whole_file"] and verdict["trusted"]
    assert not verdict["time_stamped"] and not verdict["revocation_checked"]
    assert any("tự khai" in p for p in verdict["problems"]) and any("thu hồi" in p for p in verdict["problems"])
    assert client.get(response.json["file_url"], headers=auth("luutru")).data == signed


def test_without_trust_roots_the_signature_is_intact_but_untrusted_and_says_why(client, auth, world, ca):
    (verdict,) = _upload(client, auth("luutru"), sign(text_pdf(TEXT), ca), world.dong_id).json["signatures"]
    assert verdict["intact"] and verdict["covers_whole_file"] and not verdict["trusted"]
    assert any("DOCSERVICE_TRUST_ROOTS" in p for p in verdict["problems"])


@pytest.mark.parametrize("change", ["appended_bytes", "incremental_update"])
def test_anything_added_after_signing_shows_as_not_covering_the_file(client, auth, world, app, ca, tmp_path, change):
    _trust(app, ca, tmp_path)
    signed = sign(text_pdf(TEXT), ca)
    changed = signed + b"\n% them sau khi ky\n%%EOF\n" if change == "appended_bytes" else with_update(signed)
    response = _upload(client, auth("luutru"), changed, world.dong_id)
    assert response.status_code == 201, response.data
    (verdict,) = response.json["signatures"]
    assert verdict["intact"] and verdict["trusted"] and not verdict["covers_whole_file"]
    assert any("không bao trùm toàn bộ tệp" in p for p in verdict["problems"])
    assert client.get(response.json["file_url"], headers=auth("luutru")).data == changed


def test_a_flipped_byte_breaks_the_signature(client, auth, world, app, ca, tmp_path):
    _trust(app, ca, tmp_path)
    flipped = flip_inside_signed_range(sign(text_pdf(TEXT), ca))
    response = _upload(client, auth("luutru"), flipped, world.dong_id)
    assert response.status_code == 201, response.data
    (verdict,) = response.json["signatures"]
    assert not verdict["intact"] and verdict["covers_whole_file"]
    assert any("bị thay đổi sau khi ký" in p for p in verdict["problems"])
    assert client.get(response.json["file_url"], headers=auth("luutru")).data == flipped


def test_a_recheck_is_a_new_event_beside_the_first(client, auth, world, app, ca, tmp_path):
    record = _upload(client, auth("luutru"), sign(text_pdf(TEXT), ca), world.dong_id).json
    assert record["signatures"][0]["trusted"] is False
    _trust(app, ca, tmp_path)
    check = client.post(f"/api/v1/records/{record['id']}/signature-checks", headers=auth("luutru"))
    assert check.status_code == 201 and check.json["signatures"][0]["trusted"] is True
    detail = client.get(f"/api/v1/records/{record['id']}", headers=auth("luutru")).json
    assert [c["signatures"][0]["trusted"] for c in detail["signature_checks"]] == [False, True]
    assert detail["signatures"][0]["trusted"] is True
    assert client.post(f"/api/v1/records/{record['id']}/signature-checks", headers=auth("uyvien")).status_code == 403
