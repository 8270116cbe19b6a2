"""Bulk import: the command line on a temporary archive, and the web job run by the job worker."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from docservice.db.models import AuditEvent, Clearance, ImportItem, Job, Organization, Record, Role, User
from docservice.jobs.worker import run_one
from docservice.search.indexer import drain_once
from tests.builders import build_world, password_hash, text_pdf
from tests.conftest import run_cli
from tests.historical import write_folder


def _org_ids(services):
    with services.catalogue.reader() as session:
        return dict(session.execute(select(Organization.code, Organization.id)).all())


def test_a_mixed_folder_is_imported_read_and_summarised_then_a_rerun_changes_nothing(cli_world, tmp_path):
    services, world = cli_world
    folder = tmp_path / "kho-cu"
    expected = write_folder(folder, 24, scans=1, legacy=2, signed=2, unreadable=2, confidential=2, duplicates=2)
    (folder / "hong.pdf").write_bytes(b"%PDF-1.4 not really")
    (folder / "ghi-chu.txt").write_text("không phải PDF", encoding="utf-8")
    (folder / ".an").mkdir()
    (folder / ".an" / "x.pdf").write_bytes(text_pdf("tệp ẩn"))

    result = run_cli("import", folder)
    assert result.exit_code == 0, result.output
    assert "Đã nhập: 22" in result.output and "Đã có sẵn: 2" in result.output
    assert "Cần xem lại thông tin: 2" in result.output and "Bị từ chối: 1" in result.output
    assert "hong.pdf" in result.output

    orgs = _org_ids(services)
    with services.catalogue.reader() as session:
        records = {r.original_name: r for r in session.scalars(select(Record))}
    assert len(records) == 24
    for name, facts in expected.items():
        record = records[name]
        if facts.kind == "unreadable":
            assert record.needs_review and record.doc_type == "khac" and record.organization_id == world.root_id
            assert record.metadata_confidence["date"] == "low" and len(record.review_reasons) >= 3
            continue
        assert not record.needs_review, (name, record.review_reasons)
        assert (record.doc_type, record.number, record.date, record.organization_id) == (
            facts.doc_type, facts.number, facts.date, orgs[facts.org_code]), name
        assert record.confidentiality == (Clearance.mat if facts.kind == "confidential" else Clearance.thuong)
        if facts.kind == "scan":  # OCR may misread a mark of the summary; the type and the start stay
            assert record.title.split()[:2] == facts.title.split()[:2], (name, record.title)
        else:
            assert record.title == facts.title, name
        if facts.kind == "legacy":
            assert record.text_source == "legacy_converted"
        if facts.kind == "scan":
            assert record.text_source == "ocr"
        if facts.kind == "signed":
            assert len(record.signatures) == 1 and record.signatures[0]["intact"]

    report = json.loads(Path(result.output.rsplit("(JSON): ", 1)[1].strip()).read_text(encoding="utf-8"))
    assert report["counts"] == {"imported": 22, "already_present": 2, "needs_review": 2, "refused": 1}
    assert {i["file"] for i in report["items"]} == set(expected) | {"hong.pdf", "ban-sao/000.pdf", "ban-sao/001.pdf"}

    again = run_cli("import", folder)
    assert again.exit_code == 0 and "Đã có sẵn: 26" in again.output and "Bị từ chối: 1" in again.output
    with services.catalogue.reader() as session:
        assert len(session.scalars(select(Record)).all()) == 24
        assert {j.status for j in session.scalars(select(Job).where(Job.kind == "import"))} == {"done"}


def test_imported_records_are_searchable_with_and_without_marks(cli_world, tmp_path):
    services, _ = cli_world
    folder = tmp_path / "kho"
    expected = write_folder(folder, 6, legacy=1)
    assert run_cli("import", folder).exit_code == 0
    legacy = next(name for name, facts in expected.items() if facts.kind == "legacy")
    with services.catalogue.reader() as session:
        record_id = session.scalar(select(Record.id).where(Record.original_name == legacy))
    marker = expected[legacy].marker
    for q in (f'"{marker}" xây dựng', f'"ma {marker.split()[-1]}" xay dung'):
        assert _find(services, q) == [record_id], q


def _find(services, q):
    from docservice.search.interface import SearchRequest
    from docservice.search.query import parse_query
    from docservice.search.service import search_records

    page = search_records(SearchRequest(parse_query(q)), _system(services), catalogue=services.catalogue,
                          index=services.search_index)
    return [hit["id"] for hit in page.hits]


def _system(services):
    from docservice.security.policy import Principal

    with services.catalogue.reader() as session:
        top = session.scalar(select(Organization).where(Organization.parent_id.is_(None)))
        return Principal(None, "cli", Role.admin, top.id, top.path, Clearance.tuyet_mat)


def test_the_manifest_gives_metadata_and_its_bad_rows_are_refused_with_reasons(cli_world, tmp_path):
    services, world = cli_world
    folder = tmp_path / "kho"
    expected = write_folder(folder, 8, unreadable=2)
    unreadable = sorted(name for name, facts in expected.items() if facts.kind == "unreadable")
    manifest = tmp_path / "ke-khai.csv"
    manifest.write_text(
        "file,doc_type,number,date,organization,title,confidentiality\n"
        f"{unreadable[0]},nghi_quyet,07-NQ/CB,15/03/1999,cb-thon-dong,Nghị quyết về thủy lợi nội đồng,mat\n"
        f"{unreadable[1]},nghi_quyet,,1999-03-15,khong-co-to-chuc,Nghị quyết,\n", encoding="utf-8")
    result = run_cli("import", folder, "--manifest", manifest)
    assert result.exit_code == 0, result.output
    assert "Đã nhập: 7" in result.output and "Bị từ chối: 1" in result.output
    assert "khong-co-to-chuc" in result.output
    with services.catalogue.reader() as session:
        record = session.scalar(select(Record).where(Record.original_name == unreadable[0]))
        assert (record.number, record.title, record.organization_id, record.confidentiality) == (
            "07-NQ/CB", "Nghị quyết về thủy lợi nội đồng", world.dong_id, Clearance.mat)
        assert not record.needs_review and record.metadata_confidence["title"] == "manifest"


def test_a_manifest_with_unknown_columns_stops_before_anything_is_imported(cli_world, tmp_path):
    services, _ = cli_world
    folder = tmp_path / "kho"
    write_folder(folder, 3)
    manifest = tmp_path / "sai.csv"
    manifest.write_text("file,so_van_ban\nx.pdf,1\n", encoding="utf-8")
    result = run_cli("import", folder, "--manifest", manifest)
    assert result.exit_code == 1 and "so_van_ban" in result.output
    with services.catalogue.reader() as session:
        assert session.scalars(select(Record)).all() == [] and session.scalars(select(Job)).all() == []


def test_a_number_already_in_the_archive_sends_the_copy_to_review(cli_world, tmp_path):
    services, _ = cli_world
    folder = tmp_path / "kho"
    write_folder(folder, 3)
    first = next(folder.rglob("*.pdf"))
    # the same document scanned again later: other bytes, same header
    (folder / "quet-lai.pdf").write_bytes(first.read_bytes() + b"\n% rescan\n")
    assert run_cli("import", folder).exit_code == 0
    with services.catalogue.reader() as session:
        copy = session.scalar(select(Record).where(Record.original_name == "quet-lai.pdf"))
    assert copy.needs_review and "trùng với hồ sơ" in copy.review_reasons[0]


# --- the web: POST /imports, the job worker, the review queue ---


@pytest.fixture
def web_settings(settings, tmp_path):
    root = tmp_path / "nhap"
    root.mkdir()
    return settings.model_copy(update={"import_root": root})


@pytest.fixture
def import_app(web_settings, pdf_pool):
    from docservice import create_app
    from tests.conftest import BufferedClient

    app = create_app(web_settings)
    app.config["TESTING"] = True
    app.test_client_class = BufferedClient
    yield app
    app.extensions["docservice"].catalogue.dispose()


def _login(client, username):
    from tests.builders import PASSWORD

    token = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD}).json["token"]
    return {"Authorization": f"Bearer {token}"}


def test_a_web_import_runs_in_the_worker_and_its_unclear_records_wait_for_review(import_app, web_settings):
    svc = import_app.extensions["docservice"]
    with svc.catalogue.session() as session:
        world = build_world(session)
    client = import_app.test_client()
    folder = web_settings.import_root / "may-quet" / "2024"
    expected = write_folder(folder, 8, unreadable=2, confidential=1)
    archivist = _login(client, "luutru")

    for bad in ("../", "/etc", "may-quet/../../x"):
        response = client.post("/api/v1/imports", json={"directory": bad}, headers=archivist)
        assert response.status_code == 422 and response.json["errors"]["directory"], bad
    assert client.post("/api/v1/imports", json={"directory": "khong-co"}, headers=archivist).status_code == 404
    assert client.post("/api/v1/imports", json={"directory": "may-quet"},
                       headers=_login(client, "thuky.dong")).status_code == 403

    started = client.post("/api/v1/imports", json={"directory": "may-quet/2024"}, headers=archivist)
    assert started.status_code == 202 and started.json["status"] == "queued"
    job_id = started.json["id"]
    assert client.post("/api/v1/imports", json={"directory": "may-quet/2024"}, headers=archivist).json["id"] == job_id
    assert run_one(svc)
    done = client.get(f"/api/v1/imports/{job_id}", headers=archivist).json
    assert done["status"] == "done" and done["directory"] == "may-quet/2024"
    assert done["counts"] == {"imported": 6, "already_present": 0, "needs_review": 2, "refused": 0}
    assert done["progress"] == done["total"] == 8
    items = client.get(f"/api/v1/imports/{job_id}/items", query_string={"outcome": "needs_review"},
                       headers=archivist).json
    assert {i["file"] for i in items["items"]} == {n for n, f in expected.items() if f.kind == "unreadable"}

    queue = client.get("/api/v1/review-queue", headers=archivist).json
    assert queue["total"] == 2 and all(r["needs_review"] and r["review_reasons"] for r in queue["items"])
    assert client.get("/api/v1/review-queue", headers=_login(client, "uyvien")).status_code == 403
    first = queue["items"][0]
    reviewed = client.post(f"/api/v1/records/{first['id']}/review", headers=archivist, json={
        "doc_type": "bao_cao", "organization_id": world.tay_id, "title": "Báo cáo tình hình thôn Tây năm 2024",
        "date": "2024-06-30", "reason": "Đọc bản giấy"})
    assert reviewed.status_code == 200, reviewed.json
    assert not reviewed.json["needs_review"] and reviewed.json["organization_id"] == world.tay_id
    assert client.post(f"/api/v1/records/{first['id']}/review", headers=archivist, json={}).status_code == 409
    outside = client.post(f"/api/v1/records/{queue['items'][1]['id']}/review", headers=archivist,
                          json={"confidentiality": "tuyet_mat"})
    assert outside.status_code == 403  # above the archivist's own clearance: they could not see it any more
    confirmed = client.post(f"/api/v1/records/{queue['items'][1]['id']}/review", headers=archivist, json={})
    assert confirmed.status_code == 200
    assert client.get("/api/v1/review-queue", headers=archivist).json["total"] == 0
    detail = client.get(f"/api/v1/records/{first['id']}", headers=archivist).json
    assert detail["corrections"][0]["reason"] == "Đọc bản giấy"
    with svc.catalogue.reader() as session:
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {"record.import", "record.review", "record.correct"} <= actions

    drain_once(svc.catalogue, svc.search_index)
    hits = client.get("/api/v1/search", query_string={"q": "thon Tay nam 2024"}, headers=archivist).json
    assert first["id"] in [h["id"] for h in hits["hits"]]


def test_web_imports_hide_what_the_caller_may_not_see(import_app, web_settings):
    svc = import_app.extensions["docservice"]
    with svc.catalogue.session() as session:
        world = build_world(session)
        session.add(User(username="admin.thuong", password_hash=password_hash(), role=Role.admin,
                         organization_id=world.root_id, clearance=Clearance.thuong))
        session.add(User(username="luutru2", password_hash=password_hash(), role=Role.archivist,
                         organization_id=world.root_id, clearance=Clearance.toi_mat))
    client = import_app.test_client()
    expected = write_folder(web_settings.import_root / "mat", 4, confidential=1)
    job_id = client.post("/api/v1/imports", json={"directory": "mat"}, headers=_login(client, "luutru")).json["id"]
    assert run_one(svc)
    secret_name = next(n for n, f in expected.items() if f.kind == "confidential")

    low_admin = _login(client, "admin.thuong")
    seen = client.get(f"/api/v1/imports/{job_id}", headers=low_admin).json
    assert seen["counts"]["imported"] == 3 and seen["total"] is None
    files = [i["file"] for i in client.get(f"/api/v1/imports/{job_id}/items", headers=low_admin).json["items"]]
    assert len(files) == 3 and secret_name not in files
    assert client.get(f"/api/v1/imports/{job_id}", headers=_login(client, "luutru2")).status_code == 404
    assert client.get("/api/v1/imports", headers=_login(client, "luutru2")).json["total"] == 0


def test_without_an_import_root_web_imports_are_refused(client, auth):
    response = client.post("/api/v1/imports", json={"directory": "x"}, headers=auth("luutru"))
    assert response.status_code == 409 and "DOCSERVICE_IMPORT_ROOT" in response.json["detail"]


def test_a_failed_web_import_resumes_when_started_again(import_app, web_settings, monkeypatch):
    svc = import_app.extensions["docservice"]
    with svc.catalogue.session() as session:
        build_world(session)
    client = import_app.test_client()
    write_folder(web_settings.import_root / "dia", 6)
    archivist = _login(client, "luutru")
    job_id = client.post("/api/v1/imports", json={"directory": "dia"}, headers=archivist).json["id"]

    from docservice.archive import importer
    real, calls = importer._import_one, []

    def dies_on_the_fourth(ctx, directory, path):
        calls.append(path)
        if len(calls) == 4:
            raise OSError("đĩa đầy")
        real(ctx, directory, path)

    monkeypatch.setattr(importer, "_import_one", dies_on_the_fourth)
    assert run_one(svc)
    failed = client.get(f"/api/v1/imports/{job_id}", headers=archivist).json
    assert failed["status"] == "failed" and failed["progress"] == 3 and failed["error"] == "OSError"
    monkeypatch.setattr(importer, "_import_one", real)
    again = client.post("/api/v1/imports", json={"directory": "dia"}, headers=archivist).json
    assert again["id"] == job_id and again["status"] == "queued"
    assert run_one(svc)
    done = client.get(f"/api/v1/imports/{job_id}", headers=archivist).json
    assert done["status"] == "done" and done["counts"]["imported"] == 6
    with svc.catalogue.reader() as session:
        assert len(session.scalars(select(Record)).all()) == 6
        assert len(session.scalars(select(ImportItem)).all()) == 6


def _paper(issuer: str, number: str, marker: str) -> bytes:
    from tests.builders import text_pdf

    return text_pdf("\n".join(["ĐẢNG BỘ XÃ TÂN LẬP", issuer, "*", f"Số {number}", "ĐẢNG CỘNG SẢN VIỆT NAM",
                               "Tân Lập, ngày 05 tháng 3 năm 2024", "NGHỊ QUYẾT", "về công tác tháng 3",
                               f"Văn bản {marker} của chi bộ."]))


def test_an_archivist_of_one_cell_imports_only_that_cells_part_of_the_import_root(import_app, web_settings):
    """The import root is shared: a folder named by an organisation's code is that organisation's. Another
    cell's folder answers as if it did not exist; a link out of one's folder is refused; a paper whose header
    names another organisation, or one only nearly one's own, waits for review instead of being filed."""
    svc = import_app.extensions["docservice"]
    with svc.catalogue.session() as session:
        world = build_world(session)
        session.add(User(username="luutru.dong", password_hash=password_hash(), role=Role.archivist,
                         organization_id=world.dong_id, clearance=Clearance.mat))
    root = web_settings.import_root
    (root / "cb-thon-tay" / "2024").mkdir(parents=True)
    (root / "cb-thon-tay" / "2024" / "nq-tay.pdf").write_bytes(_paper("CHI BỘ THÔN TÂY", "03-NQ/CB", "tây"))
    (root / "may-quet").mkdir()
    own = root / "cb-thon-dong" / "2024"
    own.mkdir(parents=True)
    (own / "nq-dong.pdf").write_bytes(_paper("CHI BỘ THÔN ĐÔNG", "01-NQ/CB", "đông"))
    (own / "nq-gan-giong.pdf").write_bytes(_paper("CHI BỘ THÔN ĐÔN", "02-NQ/CB", "gần giống"))
    (own / "nq-cua-tay.pdf").write_bytes(_paper("CHI BỘ THÔN TÂY", "04-NQ/CB", "nhầm chỗ"))
    (own / "lien-ket.pdf").symlink_to(root / "cb-thon-tay" / "2024" / "nq-tay.pdf")
    (root / "cb-thon-dong" / "thu-muc-lien-ket").symlink_to(root / "cb-thon-tay")
    client = import_app.test_client()
    cell = _login(client, "luutru.dong")

    def refused(directory):
        response = client.post("/api/v1/imports", json={"directory": directory}, headers=cell)
        body = response.json
        return response.status_code, body["code"], body["detail"].replace(directory, "…"), body.get("errors")

    assert refused("cb-thon-tay") == refused("cb-thon-bac") == refused("may-quet") == refused("khong-co/2024")
    assert refused("cb-thon-tay")[0] == 404
    assert refused("cb-thon-dong/thu-muc-lien-ket")[0] == 422
    assert refused("cb-thon-dong/\x00x")[0] == 422
    started = client.post("/api/v1/imports", json={"directory": "cb-thon-dong"}, headers=cell)
    assert started.status_code == 202, started.json
    assert run_one(svc)
    items = {i["file"]: i for i in client.get(f"/api/v1/imports/{started.json['id']}/items",
                                              headers=cell).json["items"]}
    assert set(items) == {"2024/nq-dong.pdf", "2024/nq-gan-giong.pdf", "2024/nq-cua-tay.pdf", "2024/lien-ket.pdf"}
    assert items["2024/lien-ket.pdf"]["outcome"] == "refused" and items["2024/lien-ket.pdf"]["sha256"] is None
    assert items["2024/nq-dong.pdf"]["outcome"] == "imported"
    assert items["2024/nq-gan-giong.pdf"]["outcome"] == "needs_review"
    assert items["2024/nq-cua-tay.pdf"]["outcome"] == "needs_review"
    with svc.catalogue.reader() as session:
        near = session.get(Record, items["2024/nq-gan-giong.pdf"]["record_id"])
        other = session.get(Record, items["2024/nq-cua-tay.pdf"]["record_id"])
        assert any("gần giống «Chi bộ Thôn Đông»" in r for r in near.review_reasons)
        assert any("Không xác định được tổ chức ban hành" in r for r in other.review_reasons)
        assert not any("Tây" in r for r in other.review_reasons)  # the other cell is not named to this importer
        assert session.scalar(select(func.count()).select_from(Record).where(Record.text.contains("tây"))) == 0
    # the whole đảng bộ's archivist may use the shared scanner folder and every cell's folder
    archivist = _login(client, "luutru")
    for folder in ("may-quet", "cb-thon-tay"):
        assert client.post("/api/v1/imports", json={"directory": folder}, headers=archivist).status_code == 202
