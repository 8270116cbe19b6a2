"""Keeping the archive for decades: fixity, backup and restore, retention, legal hold and disposal."""

import datetime as dt
import os
from contextlib import nullcontext

import pytest
from sqlalchemy import select

from docservice.archive import retention
from docservice.config import Settings
from docservice.db.models import AuditEvent, FixityRun, OutboxEntry, Record
from docservice.errors import Conflict
from docservice.search.indexer import drain_once
from docservice.services import Services
from tests.conftest import pg_database, run_cli
from tests.historical import write_folder


def _import(services, tmp_path, count=6, **kinds):
    folder = tmp_path / "kho"
    expected = write_folder(folder, count, **kinds)
    result = run_cli("import", folder)
    assert result.exit_code == 0, result.output
    return expected


def _flip(path, offset=200):
    os.chmod(path, 0o640)
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_fixity_is_clean_after_an_import_and_names_every_kind_of_damage(cli_world, tmp_path):
    services, _ = cli_world
    _import(services, tmp_path)
    clean = run_cli("fixity")
    assert clean.exit_code == 0 and "Đã kiểm tra 6 tệp" in clean.output and "toàn vẹn" in clean.output

    digests = sorted(services.blobs.digests())
    _flip(services.blobs.path_of(digests[0]))
    services.blobs.path_of(digests[1]).unlink()
    orphan, _ = services.blobs.put_bytes(b"%PDF-1.4 a file no record needs")
    stray = services.blobs.path_of(digests[2]).parent / ".999999999-abc.tmp"
    stray.write_bytes(b"half")
    damaged = run_cli("fixity")
    assert damaged.exit_code == 1
    assert f"THAY ĐỔI: {digests[0]} (hồ sơ " in damaged.output and "bản sao lưu" in damaged.output
    assert f"THIẾU: {digests[1]}" in damaged.output and "hồ sơ" in damaged.output
    assert f"THỪA (không hồ sơ nào dùng): {orphan}" in damaged.output
    assert "GHI DỞ" in damaged.output and stray.name in damaged.output

    with services.catalogue.reader() as session:
        runs = session.scalars(select(FixityRun).order_by(FixityRun.id)).all()
        assert [r.ok for r in runs] == [True, False]
        assert runs[1].findings["changed"] == [digests[0]]
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "fixity.run",
                                                       AuditEvent.outcome == "findings")) is not None


def _snapshot(services):
    """What a restore must bring back: every record's metadata by file, and search answers."""
    from tests.integration.test_import import _find

    with services.catalogue.reader() as session:
        records = {r.sha256: (r.id, r.doc_type, r.number, r.date, r.organization_id, r.title,
                              int(r.confidentiality), r.text_source, r.needs_review)
                   for r in session.scalars(select(Record))}
    answers = {q: _find(services, q) for q in ("nghị quyết", "phat trien dang vien", "02-NQ/CB", '"mã 00003"')}
    return records, answers


def test_a_backup_taken_while_running_restores_on_an_empty_root_with_the_same_records_and_answers(
        cli_world, tmp_path, monkeypatch, database_url):
    services, _ = cli_world
    _import(services, tmp_path, 8, legacy=1, unreadable=1)
    before = _snapshot(services)
    assert len(before[0]) == 8 and all(before[1].values()), before[1]
    out = tmp_path / "sao-luu"
    made = run_cli("backup", out)
    assert made.exit_code == 0, made.output
    assert "8 tệp" in made.output
    assert run_cli("backup", out).exit_code == 1  # never over an earlier backup
    # the audit trail travels with it: the key (kept in the archive dir here) and signed checkpoints, the last
    # of them the snapshot's head (also added to the archive's own file)
    assert (out / "audit.key").read_bytes() == services.settings.audit_key_path.read_bytes()
    backed_up = (out / "audit-checkpoints.jsonl").read_text().splitlines()
    assert backed_up and backed_up[-1] == services.settings.audit_checkpoints_path.read_text().splitlines()[-1]

    with _fresh_database(database_url, "restore") as target_url:
        for name, value in {"ARCHIVE_DIR": tmp_path / "moi" / "archive",
                            "SEARCH_DIR": tmp_path / "moi" / "search"}.items():
            monkeypatch.setenv(f"DOCSERVICE_{name}", str(value))
        if target_url:
            monkeypatch.setenv("DOCSERVICE_DATABASE_URL", target_url)
        restored = run_cli("restore", out)
        assert restored.exit_code == 0, restored.output
        assert "Đã khôi phục 8 tệp" in restored.output and "Cảnh báo nhật ký" not in restored.output
        fresh = Services.build(Settings())
        try:
            assert _snapshot(fresh) == before
            assert run_cli("audit", "verify").exit_code == 0
            assert run_cli("fixity").exit_code == 0
            assert run_cli("restore", out).exit_code == 1  # only into an empty root
        finally:
            fresh.catalogue.dispose()


def test_a_damaged_backup_is_refused_and_the_empty_root_stays_empty(cli_world, tmp_path, monkeypatch, database_url):
    services, _ = cli_world
    _import(services, tmp_path, 3)
    out = tmp_path / "sao-luu"
    assert run_cli("backup", out).exit_code == 0
    damaged = next(p for p in (out / "files").rglob("*") if p.is_file())
    _flip(damaged)
    with _fresh_database(database_url, "damaged") as target_url:
        monkeypatch.setenv("DOCSERVICE_ARCHIVE_DIR", str(tmp_path / "moi" / "archive"))
        monkeypatch.setenv("DOCSERVICE_SEARCH_DIR", str(tmp_path / "moi" / "search"))
        if target_url:
            monkeypatch.setenv("DOCSERVICE_DATABASE_URL", target_url)
        refused = run_cli("restore", out)
        assert refused.exit_code == 1 and "sai mã băm" in refused.output and damaged.name in refused.output
        assert not list((tmp_path / "moi" / "archive").rglob("catalogue.sqlite3"))
        fresh = Services.build(Settings())
        try:
            assert list(fresh.blobs.digests()) == []
        finally:
            fresh.catalogue.dispose()


def _fresh_database(database_url, request_name):
    """An empty PostgreSQL database beside the test's one (nothing on SQLite)."""
    return pg_database(request_name) if database_url else nullcontext()


# --- retention, legal hold, disposal ---


def _records(services):
    with services.catalogue.reader() as session:
        return {r.original_name: r for r in session.scalars(select(Record))}


def test_disposal_needs_expiry_no_hold_and_an_explicit_audited_command(cli_world, tmp_path):
    services, _ = cli_world
    _import(services, tmp_path, 9)
    records = _records(services)
    reports = sorted((r for r in records.values() if r.doc_type == "bao_cao"), key=lambda r: r.date)
    resolutions = [r for r in records.values() if r.doc_type == "nghi_quyet"]
    assert len(reports) >= 2 and resolutions

    assert run_cli("retention", "set", "bao_cao", "--years", "5").exit_code == 0
    assert run_cli("retention", "set", "khong_co", "--years", "5").exit_code == 1
    listing = run_cli("retention", "list")
    assert "bao_cao" in listing.output and "5 năm" in listing.output

    eligible = run_cli("dispose")
    assert eligible.exit_code == 0
    old = [r for r in reports if r.date.replace(year=r.date.year + 5) < dt.date.today()]
    assert f"{len(old)} hồ sơ đủ điều kiện hủy" in eligible.output
    assert all(f"  {r.id:>6}" in eligible.output for r in old)

    held, free = old[0], old[1]
    result = run_cli("hold", "add", held.id, "--reason", "Đang thanh tra")
    assert result.exit_code == 0
    hold_id = int(result.output.split("số ", 1)[1].split(":", 1)[0])

    refused = run_cli("dispose", "--execute", "--reason", "Hết hạn", held.id, free.id)
    assert refused.exit_code == 1 and str(held.id) in refused.output
    permanent = run_cli("dispose", "--execute", "--reason", "Hết hạn", resolutions[0].id)
    assert permanent.exit_code == 1  # nghị quyết: kept for ever by default
    assert run_cli("dispose", "--execute", free.id).exit_code == 1  # no reason given
    assert all(r.disposed_at is None for r in _records(services).values())

    done = run_cli("dispose", "--execute", "--reason", "Hết thời hạn bảo quản 5 năm", free.id)
    assert done.exit_code == 0, done.output
    after = {r.id: r for r in _records(services).values()}
    assert after[free.id].disposed_at is not None and after[free.id].disposal_reason.startswith("Hết thời hạn")
    assert not services.blobs.exists(free.sha256) and services.blobs.exists(held.sha256)
    assert run_cli("fixity").exit_code == 0  # a disposed file is neither missing nor orphan

    assert run_cli("hold", "release", hold_id).exit_code == 0
    assert run_cli("hold", "release", hold_id).exit_code == 1
    assert run_cli("dispose", "--execute", "--reason", "Hết hạn", held.id).exit_code == 0
    with services.catalogue.reader() as session:
        actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        outbox = session.scalars(select(OutboxEntry).where(OutboxEntry.action == "delete")).all()
    assert actions.count("record.dispose") == 2 and "hold.add" in actions and "hold.release" in actions
    assert "retention.set" in actions and {e.entity_id for e in outbox} == {free.id, held.id}


def test_no_one_may_dispose_of_a_held_record_admins_included(cli_world, tmp_path):
    services, _ = cli_world
    _import(services, tmp_path, 6)
    with services.catalogue.session() as session:
        retention.set_rule(session, "bao_cao", 1, services.rules, "admin")
    target = next(r for r in _records(services).values() if r.doc_type == "bao_cao")
    with services.catalogue.session() as session:
        retention.add_hold(session, [target.id], "Khiếu nại đang giải quyết", "admin")
    with pytest.raises(Conflict):
        retention.dispose(services.catalogue, services.blobs, services.rules, [target.id], "x", "admin",
                          dt.date.today())


def test_a_disposed_record_keeps_its_description_but_not_its_file(app, client, auth, world, svc):
    from tests.builders import text_pdf
    from tests.integration.test_records_lifecycle import _meta, _upload

    record = _upload(client, auth("luutru"), text_pdf("Báo cáo năm 2001 về khuyến học"),
                     {**_meta(world), "doc_type": "bao_cao", "date": "2001-05-01"}).json
    with svc.catalogue.session() as session:
        retention.set_rule(session, "bao_cao", 10, svc.rules, "admin")
    retention.dispose(svc.catalogue, svc.blobs, svc.rules, [record["id"]], "Hết hạn 10 năm", "admin",
                      dt.date.today())
    drain_once(svc.catalogue, svc.search_index)
    detail = client.get(f"/api/v1/records/{record['id']}", headers=auth("luutru")).json
    assert detail["disposed_at"] and detail["disposal_reason"] == "Hết hạn 10 năm"
    gone = client.get(f"/api/v1/records/{record['id']}/file", headers=auth("luutru"))
    assert gone.status_code == 410 and gone.json["code"] == "gone"
    assert client.get("/api/v1/search", query_string={"q": "khuyến học"}, headers=auth("luutru")).json["total"] == 0
    fixed = client.patch(f"/api/v1/records/{record['id']}", json={"title": "x"}, headers=auth("luutru"))
    assert fixed.status_code == 410


def test_a_shared_file_outlives_the_disposal_of_one_of_its_records(cli_world, tmp_path):
    services, _ = cli_world
    _import(services, tmp_path, 6)
    record = next(r for r in _records(services).values() if r.doc_type == "bao_cao")
    with services.catalogue.session() as session:
        twin = Record(**{c: getattr(record, c) for c in ("sha256", "size", "pages", "text_source", "doc_type",
                                                        "number", "date", "organization_id", "title",
                                                        "confidentiality")},
                      page_sources=[], signatures=[], warnings=[])
        session.add(twin)
        retention.set_rule(session, "bao_cao", 1, services.rules, "admin")
    retention.dispose(services.catalogue, services.blobs, services.rules, [record.id], "Hết hạn", "admin",
                      dt.date.today())
    assert services.blobs.exists(record.sha256)
    assert run_cli("fixity").exit_code == 0


def test_a_backup_of_a_damaged_store_is_refused_and_leaves_no_half_backup(cli_world, tmp_path):
    services, _ = cli_world
    _import(services, tmp_path, 3)
    _flip(services.blobs.path_of(sorted(services.blobs.digests())[1]))
    out = tmp_path / "sao-luu"
    refused = run_cli("backup", out)
    assert refused.exit_code == 1 and "fixity" in refused.output
    assert not out.exists()
