"""The hostile set: each file gets a clear answer; the service stays up and the archive unchanged."""

import io
import json
import resource

import pytest
from sqlalchemy import func, select

from docservice.db.models import AuditEvent, OutboxEntry, Record
from tests.builders import text_pdf
from tests.hostile import CASES


def _archive_state(svc):
    with svc.catalogue.reader() as session:
        counts = tuple(session.scalar(select(func.count()).select_from(model)) for model in (Record, OutboxEntry,
                                                                                             AuditEvent))
    files = sorted(p.relative_to(svc.settings.archive_dir) for p in svc.settings.archive_dir.rglob("*")
                   if p.is_file() and p.suffix not in (".sqlite3-wal", ".sqlite3-shm", ".lock"))
    return counts, files


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_hostile_file(case, client, auth, world, svc):
    headers = auth("luutru")
    meta = {"doc_type": "bien_ban", "date": "2025-09-07", "organization_id": world.dong_id, "title": case.name}
    before = _archive_state(svc)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    response = client.post("/api/v1/records", headers=headers, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(case.make()), case.filename), "metadata": json.dumps(meta)})
    assert response.status_code == case.status, response.data[:500]
    body = response.get_json(force=True)
    if case.code:
        assert response.content_type == "application/problem+json"
        assert body["code"] == case.code and body["detail"] and "Traceback" not in response.text
        assert _archive_state(svc) == before  # nothing stored, nothing half-written
    else:
        assert body["sha256"] and svc.blobs.exists(body["sha256"])
        if case.warning:
            assert any(case.warning in w for w in body["warnings"]), body["warnings"]
        stored = [p for p in svc.settings.archive_dir.rglob("*") if p.is_file()]
        assert all(p.resolve().is_relative_to(svc.settings.archive_dir) for p in stored)
        assert not any("passwd" in str(p) for p in stored)
    assert list((svc.settings.archive_dir / "tmp").iterdir()) == []
    growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert growth_mb < 400, f"memory grew by {growth_mb:.0f} MB"
    assert client.get("/healthz").status_code == 200
    alive = client.post("/api/v1/records", headers=headers, content_type="multipart/form-data", data={
        "file": (io.BytesIO(text_pdf(f"Sau {case.name} dịch vụ vẫn chạy.")), "ok.pdf"),
        "metadata": json.dumps({**meta, "title": "kiểm tra"})})
    assert alive.status_code == 201


def test_the_set_is_large_enough():
    assert len(CASES) >= 30

