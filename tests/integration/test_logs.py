"""Logs carry no record text, no query strings and no exception messages; one JSON object per line."""

import io
import json
import logging

from sqlalchemy import text

from docservice.logs import JsonFormatter
from tests.builders import text_pdf

SECRET = "Nguyễn Văn Bímật"


def test_requests_are_logged_without_query_strings_or_bodies(client, auth, world, caplog):
    headers = auth("luutru")
    caplog.set_level(logging.INFO, logger="docservice.request")
    client.get("/api/v1/search", query_string={"q": SECRET}, headers=headers)
    form = {"file": (io.BytesIO(text_pdf(f"NGHỊ QUYẾT kỷ luật {SECRET}")), "a.pdf"),
            "metadata": json.dumps({"doc_type": "nghi_quyet", "date": "2025-01-02", "organization_id": world.dong_id,
                                    "title": f"Kỷ luật {SECRET}"})}
    assert client.post("/api/v1/records", data=form, headers=headers,
                       content_type="multipart/form-data").status_code == 201
    lines = [JsonFormatter().format(r) for r in caplog.records if r.name == "docservice.request"]
    entries = [json.loads(line) for line in lines]
    assert [(e["method"], e["path"], e["status"], e["user"]) for e in entries[-2:]] == [
        ("GET", "/api/v1/search", 200, "luutru"), ("POST", "/api/v1/records", 201, "luutru")]
    assert all(e["ms"] >= 0 and e["remote"] == "127.0.0.1" for e in entries)
    assert "Bímật" not in "".join(lines) and "B\\u00edm" not in "".join(lines)


def test_an_unexpected_database_error_is_logged_by_type_and_place_not_by_its_data(svc, world):
    record = None
    try:
        with svc.catalogue.session() as session:
            session.execute(text("INSERT INTO khong_co_bang (ten) VALUES (:ten)"), {"ten": SECRET})
    except Exception as exc:
        assert SECRET not in str(exc)  # engines hide bound parameters even in the exception's text
        record = logging.LogRecord("docservice", logging.ERROR, __file__, 1, "unhandled error on %s %s",
                                   ("POST", "/api/v1/records"), (type(exc), exc, exc.__traceback__))
    assert record is not None
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["error_type"].startswith("sqlalchemy.exc.") and entry["where"]
    assert entry["msg"] == "unhandled error on POST /api/v1/records"
    assert "Bímật" not in line and "khong_co_bang" not in line
