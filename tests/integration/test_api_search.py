"""Search through the API after the indexer has drained the outbox."""

import io
import json

from docservice.search.indexer import drain_once
from tests.builders import text_pdf


def _archive(client, headers, org_id, text, **meta):
    body = {"doc_type": "nghi_quyet", "date": "2019-06-10", "organization_id": org_id, "title": text.split("\n")[0]}
    body.update(meta)
    response = client.post("/api/v1/records", headers=headers, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(text_pdf(text)), "x.pdf"), "metadata": json.dumps(body)})
    assert response.status_code == 201, response.data
    return response.json["id"]


def _search(client, headers, **params):
    response = client.get("/api/v1/search", query_string=params, headers=headers)
    assert response.status_code == 200, response.data
    return response.json


def test_found_with_and_without_diacritics_and_only_within_scope_and_clearance(client, auth, world, svc):
    archivist = auth("luutru")
    dong = _archive(client, archivist, world.dong_id, "Nghị quyết về sàng lọc đảng viên\nChi bộ Thôn Đông.",
                    number="07-NQ/CB")
    tay = _archive(client, archivist, world.tay_id, "Báo cáo công tác đảng viên\nChi bộ Thôn Tây.",
                   doc_type="bao_cao", date="2021-03-02")
    secret = _archive(client, archivist, world.dong_id, "Nghị quyết mật về đảng viên\nNhân sự.",
                      confidentiality="mat")
    assert drain_once(svc.catalogue, svc.search_index) == 3
    assert drain_once(svc.catalogue, svc.search_index) == 0

    for q in ("đảng viên", "dang vien"):
        result = _search(client, archivist, q=q)
        assert {h["id"] for h in result["hits"]} == {dong, tay, secret} and result["total"] == 3
    hit = _search(client, archivist, q="sàng lọc")["hits"][0]
    assert hit["id"] == dong and hit["number"] == "07-NQ/CB" and "<mark>sàng</mark>" in hit["snippet"]
    assert hit["organization"] == {"id": world.dong_id, "name": "Chi bộ Thôn Đông"}
    assert _search(client, archivist, q="7 NQ CB")["hits"][0]["id"] == dong

    reader_tay = _search(client, auth("docgia.tay"), q="dang vien")
    assert [h["id"] for h in reader_tay["hits"]] == [tay] and reader_tay["total"] == 1
    assert reader_tay["facets"]["organization"] == [{"id": world.tay_id, "name": "Chi bộ Thôn Tây", "count": 1}]
    assert reader_tay["facets"]["doc_type"] == [{"value": "bao_cao", "count": 1}]

    committee = _search(client, auth("uyvien"), q="đảng viên")
    assert committee["total"] == 2 and secret not in {h["id"] for h in committee["hits"]}
    assert sum(f["count"] for f in committee["facets"]["year"]) == 2
    assert "mật" not in json.dumps(committee, ensure_ascii=False)

    assert _search(client, archivist, q="đảng viên", organization_id=world.tay_id)["total"] == 1
    outside = client.get("/api/v1/search", query_string={"q": "x", "organization_id": world.dong_id},
                         headers=auth("docgia.tay"))
    assert outside.status_code == 404


def test_unusable_queries_are_400_and_bad_parameters_422(client, auth, world):
    headers = auth("uyvien")
    response = client.get("/api/v1/search", query_string={"q": "-đảng"}, headers=headers)
    assert response.status_code == 400 and response.get_json(force=True)["code"] == "invalid_query"
    for params in ({"per_page": 500}, {"sort": "ngẫu nhiên"}, {"date_from": "hôm qua"}, {"year": "abc"}):
        response = client.get("/api/v1/search", query_string=params, headers=headers)
        assert response.status_code == 422, params
        assert response.content_type == "application/problem+json"
