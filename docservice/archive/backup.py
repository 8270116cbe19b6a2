"""Backup and restore of the archive, consistent while the service runs.

A backup is a folder: the catalogue snapshot first (SQLite's online backup API, or ``pg_dump``), then
every file that snapshot refers to, copied and re-hashed, then ``manifest.json`` (every file's SHA-256
and size) and ``manifest.sha256``. Files stored after the snapshot are simply not in it — the copy
is consistent as of the snapshot. Restore, into an empty data root only, checks every hash before it
places a file, loads the catalogue, upgrades its schema and rebuilds the search index.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from docservice.archive.blobs import sha256_of
from docservice.archive.engines import ArchiveEngines
from docservice.db.models import Document, Record, TemplateVersion
from docservice.errors import Conflict, ValidationFailed
from docservice.security.checkpoints import Checkpoint, append_checkpoint, head_of

SQLITE_NAME = "catalogue.sqlite3"
CHECKPOINTS = "audit-checkpoints.jsonl"
AUDIT_KEY = "audit.key"
PG_NAME = "catalogue.pgdump"
MANIFEST = "manifest.json"


def _pg_url(url: str) -> str:
    """The SQLAlchemy URL as libpq understands it (no "+psycopg")."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _digests(connection: Connection) -> list[str]:
    found = set(connection.scalars(select(Record.sha256).where(Record.disposed_at.is_(None))))
    for docx, pdf in connection.execute(select(Document.docx_sha256, Document.pdf_sha256)):
        found.update((docx, pdf))
    found.update(connection.scalars(select(TemplateVersion.docx_sha256)))
    return sorted(found)


def _refers_to(connection: Connection) -> tuple[list[str], Checkpoint | None]:
    """The digests the catalogue on ``connection`` needs, and its audit chain's head."""
    with Session(bind=connection) as session:
        return _digests(connection), head_of(session)


def _snapshot(engines: ArchiveEngines, out: Path) -> tuple[str, list[str], Checkpoint | None]:
    """Copy the catalogue to ``out``; return its kind, the digests *that copy* refers to and its audit head."""
    if engines.catalogue.is_sqlite:
        source = sqlite3.connect(engines.catalogue.engine.url.database)
        target = sqlite3.connect(out / SQLITE_NAME)
        with target:
            source.backup(target)
        source.close()
        target.close()
        engine = create_engine(f"sqlite:///{out / SQLITE_NAME}")
        try:
            with engine.connect() as connection:
                return "sqlite", *_refers_to(connection)
        finally:
            engine.dispose()
    with engines.catalogue.engine.connect() as connection:  # pg_dump and the digests see one snapshot
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
            subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                            f"--file={out / PG_NAME}", _pg_url(engines.catalogue.url)],
                           check=True, capture_output=True, timeout=3600)
            return "postgresql", *_refers_to(connection)


def backup(engines: ArchiveEngines, out: Path, *,
           progress: Callable[[str], None] = lambda d: None) -> dict[str, object]:
    """Write a backup of the archive into the new folder ``out``; return its manifest."""
    if out.exists() and any(out.iterdir()):
        raise Conflict(f"Thư mục sao lưu {out} đã có dữ liệu; hãy chọn thư mục mới.")
    created = not out.exists()
    try:
        return _write_backup(engines, out, progress)
    except BaseException:  # a half-made backup must not pass for a backup
        for path in [out] if created else list(out.iterdir()):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        raise


def _write_backup(engines: ArchiveEngines, out: Path, progress: Callable[[str], None]) -> dict[str, object]:
    (out / "files").mkdir(parents=True, exist_ok=True)
    kind, digests, head = _snapshot(engines, out)
    files = []
    for digest in digests:
        target = out / "files" / digest[:2] / digest[2:4] / digest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(engines.blobs.path_of(digest), target)
        if sha256_of(target) != digest:
            raise ValidationFailed(f"Tệp {digest} trong kho không còn đúng mã băm; hãy chạy docservice fixity.")
        files.append({"sha256": digest, "size": target.stat().st_size})
        progress(digest)
    secret = engines.settings.archive_dir / "secret_key"
    if secret.exists():
        shutil.copyfile(secret, out / "secret_key")
    _audit_files(engines, out, head)
    dump = out / (SQLITE_NAME if kind == "sqlite" else PG_NAME)
    manifest = {"created_at": dt.datetime.now(dt.UTC).isoformat(), "catalogue": kind,
                "catalogue_sha256": sha256_of(dump), "files": files,
                "audit_checkpoints_sha256": sha256_of(out / CHECKPOINTS)}
    text = json.dumps(manifest, indent=1).encode("utf-8")
    (out / MANIFEST).write_bytes(text)
    (out / "manifest.sha256").write_text(f"{hashlib.sha256(text).hexdigest()}  {MANIFEST}\n", encoding="ascii")
    return manifest


def _audit_files(engines: ArchiveEngines, out: Path, head: Checkpoint | None) -> None:
    """The audit checkpoints into the backup, with one more for the snapshot's head (also added to the
    archive's own file); the audit key too when it lives in the archive dir (kept elsewhere, it stays there)."""
    settings = engines.settings
    live = settings.audit_checkpoints_path
    if live.exists():
        shutil.copyfile(live, out / CHECKPOINTS)
    else:
        (out / CHECKPOINTS).touch()
    if head is not None:
        key = settings.resolved_audit_key()
        append_checkpoint(out / CHECKPOINTS, key, head)
        append_checkpoint(live, key, head)
    if settings.audit_key_path.parent == settings.archive_dir:
        shutil.copyfile(settings.audit_key_path, out / AUDIT_KEY)
        os.chmod(out / AUDIT_KEY, 0o600)


def _read_manifest(source: Path) -> dict[str, object]:
    text = (source / MANIFEST).read_bytes()
    expected = (source / "manifest.sha256").read_text(encoding="ascii").split()[0]
    if hashlib.sha256(text).hexdigest() != expected:
        raise ValidationFailed("Bản sao lưu bị thay đổi: mã băm của manifest không khớp.")
    return json.loads(text)


def _empty_target(engines: ArchiveEngines) -> None:
    blobs = list(engines.blobs.digests())
    if engines.catalogue.is_sqlite:
        database = Path(engines.catalogue.engine.url.database)
        has_catalogue = database.exists() and database.stat().st_size > 0
    else:
        has_catalogue = bool(inspect(engines.catalogue.engine).get_table_names())
    if blobs or has_catalogue:
        raise Conflict("Chỉ khôi phục vào nơi lưu trữ trống (chưa có cơ sở dữ liệu và tệp).")


def _verify_files(source: Path, manifest: dict[str, object], progress: Callable[[str], None]) -> None:
    dump = source / (SQLITE_NAME if manifest["catalogue"] == "sqlite" else PG_NAME)
    if not dump.is_file() or sha256_of(dump) != manifest.get("catalogue_sha256"):
        raise ValidationFailed("Bản sao lưu cơ sở dữ liệu thiếu hoặc sai mã băm; không khôi phục.")
    checkpoints = manifest.get("audit_checkpoints_sha256")
    if checkpoints is not None and (not (source / CHECKPOINTS).is_file()
                                    or sha256_of(source / CHECKPOINTS) != checkpoints):
        raise ValidationFailed("Tệp điểm kiểm tra nhật ký trong bản sao lưu thiếu hoặc sai mã băm; không khôi phục.")
    bad = []
    for entry in manifest["files"]:  # type: ignore[union-attr]
        digest = entry["sha256"]
        path = source / "files" / digest[:2] / digest[2:4] / digest
        if not path.is_file() or sha256_of(path) != digest:
            bad.append(digest)
        progress(digest)
    if bad:
        raise ValidationFailed(f"{len(bad)} tệp trong bản sao lưu thiếu hoặc sai mã băm; không khôi phục.",
                               errors={"files": ", ".join(bad[:10])})


def restore(engines: ArchiveEngines, source: Path, *, progress: Callable[[str], None] = lambda d: None) -> int:
    """Restore ``source`` into this empty data root; every hash is checked first. Returns file count."""
    manifest = _read_manifest(source)
    _empty_target(engines)
    _verify_files(source, manifest, progress)
    if manifest["catalogue"] == "sqlite":
        if not engines.catalogue.is_sqlite:
            raise Conflict("Bản sao lưu SQLite chỉ khôi phục vào kho dùng SQLite.")
        engines.catalogue.dispose()
        target = Path(engines.catalogue.engine.url.database)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / SQLITE_NAME, target)
    else:
        if engines.catalogue.is_sqlite:
            raise Conflict("Bản sao lưu PostgreSQL chỉ khôi phục vào kho dùng PostgreSQL.")
        subprocess.run(["pg_restore", "--no-owner", "--single-transaction", "--exit-on-error",
                        f"--dbname={_pg_url(engines.catalogue.url)}", str(source / PG_NAME)],
                       check=True, capture_output=True, timeout=3600)
    for entry in manifest["files"]:  # type: ignore[union-attr]
        digest = entry["sha256"]
        engines.blobs.put_file(source / "files" / digest[:2] / digest[2:4] / digest)
    secret = source / "secret_key"
    target_secret = engines.settings.archive_dir / "secret_key"
    if secret.exists() and not target_secret.exists():
        shutil.copyfile(secret, target_secret)
        os.chmod(target_secret, 0o600)
    _restore_audit_files(engines, source)
    return len(manifest["files"])  # type: ignore[arg-type]


def _restore_audit_files(engines: ArchiveEngines, source: Path) -> None:
    """The backup's checkpoints, and its audit key (over the one the empty root was given), so the restored
    chain verifies and goes on under the same key. A key kept outside the archive must be in place already."""
    settings = engines.settings
    if (source / AUDIT_KEY).exists():
        shutil.copyfile(source / AUDIT_KEY, settings.audit_key_path)
        os.chmod(settings.audit_key_path, 0o600)
        engines.catalogue.audit_key = settings.resolved_audit_key()
    if (source / CHECKPOINTS).exists():
        shutil.copyfile(source / CHECKPOINTS, settings.audit_checkpoints_path)
