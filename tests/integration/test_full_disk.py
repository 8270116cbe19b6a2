"""A full disk: the answer is 507 "kho lưu trữ đã đầy", nothing is half-stored, and fixity stays clean.

The archive lives on a real small filesystem (a tmpfs mounted for the test), filled up as a full disk is:
once before the upload is spooled, once between storing the file and committing its catalogue row."""

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from docservice import create_app
from docservice.archive.fixity import run_fixity
from docservice.archive.staging import StagedFiles
from docservice.config import Settings
from docservice.db.models import Record
from tests.builders import PASSWORD, build_world, text_pdf
from tests.conftest import TEMPLATES, BufferedClient


@pytest.fixture
def small_disk(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root (CI runs as root)")
    mount = tmp_path / "nho"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


@pytest.fixture
def full_app(small_disk, tmp_path, sqlite_template):
    archive = small_disk / "archive"
    archive.mkdir()
    shutil.copy(sqlite_template, archive / "catalogue.sqlite3")
    app = create_app(Settings(archive_dir=archive, search_dir=tmp_path / "search", templates_dir=TEMPLATES,
                              secret_key="test-secret-key", test_database_url=None))
    app.test_client_class = BufferedClient
    with app.extensions["docservice"].catalogue.session() as session:
        world = build_world(session)
    yield app, world
    app.extensions["docservice"].catalogue.dispose()


def _fill(disk: Path, leave: int = 0) -> Path:
    """Fill ``disk`` up, leaving about ``leave`` bytes free."""
    filler = disk / "day-o-cung"
    with filler.open("ab") as out:
        free = shutil.disk_usage(disk).free - leave
        try:
            while free > 0:
                out.write(b"\0" * min(free, 256 * 1024))
                out.flush()
                free = shutil.disk_usage(disk).free - leave
        except OSError:
            pass
    return filler


def _upload(client, headers, world, marker):
    data = text_pdf(f"NGHỊ QUYẾT {marker} về công tác đảng viên. " + "Nội dung dài. " * 400)
    form = {"file": (io.BytesIO(data), "nq.pdf"),
            "metadata": json.dumps({"doc_type": "nghi_quyet", "date": "2025-05-01", "organization_id": world.dong_id,
                                    "title": f"Nghị quyết {marker}"})}
    return client.post("/api/v1/records", data=form, headers=headers, content_type="multipart/form-data")


def _records(svc) -> int:
    with svc.catalogue.reader() as session:
        return session.scalar(select(func.count()).select_from(Record))


def test_a_full_disk_answers_507_and_leaves_nothing_behind(full_app, small_disk, monkeypatch):
    app, world = full_app
    svc = app.extensions["docservice"]
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "luutru", "password": PASSWORD}).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert _upload(client, headers, world, "đầu tiên").status_code == 201
    stored = sorted(svc.blobs.digests())

    filler = _fill(small_disk)  # the disk is full before the upload is even spooled
    refused = _upload(client, headers, world, "khi đầy")
    assert refused.status_code == 507 and refused.json["code"] == "insufficient_storage", refused.data
    assert "đã đầy" in refused.json["detail"] and refused.content_type == "application/problem+json"
    filler.unlink()

    def fills_after_storing(self, source):  # the file fits; the catalogue's commit then finds the disk full
        result = real(self, source)
        _fill(small_disk)
        return result

    real = StagedFiles.put_file
    monkeypatch.setattr(StagedFiles, "put_file", fills_after_storing)
    refused = _upload(client, headers, world, "đầy giữa chừng")
    assert refused.status_code == 507 and refused.json["code"] == "insufficient_storage", refused.data
    monkeypatch.setattr(StagedFiles, "put_file", real)
    (small_disk / "day-o-cung").unlink()

    assert _records(svc) == 1 and sorted(svc.blobs.digests()) == stored  # the file stored for it went again
    assert not list((svc.settings.archive_dir / "tmp").iterdir())
    assert run_fixity(svc.catalogue, svc.blobs).ok
    assert _upload(client, headers, world, "sau khi dọn").status_code == 201  # room again: all is well
