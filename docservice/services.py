"""The engines one application (or one command) works with, built from the settings."""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from docservice.archive.blobs import BlobStore, FilesystemBlobStore
from docservice.config import Settings
from docservice.db import Catalogue
from docservice.generation.catalogue import TemplateCatalogue
from docservice.generation.convert import LibreOfficeConverter, PdfConverter
from docservice.generation.pool import PoolConverter
from docservice.generation.uploads import CatalogueTemplates
from docservice.rules import RuleBook
from docservice.sandbox import Limits, Sandbox
from docservice.search.home import IndexHome
from docservice.search.interface import SearchIndex
from docservice.security.checkpoints import Checkpoint, verify_trail, write_checkpoint


def _converter(settings: Settings) -> PdfConverter:
    """The host's converter pool when ``serve`` runs one, else a LibreOffice start per document."""
    if settings.converter == "pool":
        return PoolConverter(settings.pool_socket, timeout=settings.convert_timeout)
    return LibreOfficeConverter(soffice=settings.soffice, timeout=settings.convert_timeout)


def search_backend(settings: Settings, catalogue: Catalogue) -> SearchIndex:
    """The configured search engine: tantivy or Whoosh over the current generation of
    ``settings.search_dir``, or a table of the PostgreSQL catalogue."""
    if settings.search_backend == "postgres":  # Settings checked that the catalogue is PostgreSQL
        from docservice.search.postgres_index import PostgresIndex

        return PostgresIndex(catalogue.engine)
    if settings.search_backend == "tantivy":
        from docservice.search.tantivy_index import TantivyIndex

        return IndexHome(settings.search_dir, TantivyIndex)
    from docservice.search.whoosh_index import WhooshIndex

    entries = settings.search_cache_entries
    return IndexHome(settings.search_dir, lambda directory: WhooshIndex(directory, cache_entries=entries))


class AlreadyRunning(Exception):
    """Another process holds this archive's lock for a part that must run only once."""


@dataclass
class Services:
    settings: Settings
    catalogue: Catalogue
    blobs: BlobStore
    templates: TemplateCatalogue
    converter: PdfConverter
    search_index: SearchIndex
    rules: RuleBook
    sandbox: Sandbox

    @classmethod
    def build(cls, settings: Settings) -> Services:
        """Engines chosen by configuration; nothing is created on disk but the data dirs."""
        settings.archive_dir.mkdir(parents=True, exist_ok=True)
        catalogue = Catalogue(settings.catalogue_url, audit_key=settings.resolved_audit_key())
        blobs = FilesystemBlobStore(settings.archive_dir / "files")
        return cls(
            settings=settings,
            catalogue=catalogue,
            blobs=blobs,
            templates=TemplateCatalogue(settings.templates_dir, uploaded=CatalogueTemplates(catalogue, blobs)),
            converter=_converter(settings),
            search_index=search_backend(settings, catalogue),
            rules=RuleBook.load(settings.rule_overrides),
            sandbox=Sandbox.for_archive(settings.archive_dir, slots=settings.heavy_slots,
                                        wait_seconds=settings.heavy_wait_seconds,
                                        limits=Limits(settings.heavy_seconds, settings.heavy_memory_mb)),
        )

    @contextmanager
    def singleton(self, name: str) -> Iterator[None]:
        """Hold this archive's lock for ``name`` (``serve``, ``indexer``, ``worker``) while the block runs;
        ``AlreadyRunning`` names the process that holds it. A lock file in the archive dir (released by the
        kernel however the holder ends), and on PostgreSQL a session advisory lock as well, for hosts that
        share the catalogue."""
        fd = os.open(self.settings.archive_dir / f"{name}.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise AlreadyRunning(f"docservice {name} đã chạy trên kho lưu trữ này (tiến trình {holder}).") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        try:
            with self._catalogue_lock(name):
                yield
        finally:
            os.ftruncate(fd, 0)
            os.close(fd)

    @contextmanager
    def _catalogue_lock(self, name: str) -> Iterator[None]:
        if self.catalogue.is_sqlite:
            yield
            return
        key = int.from_bytes(hashlib.sha256(f"docservice:{name}".encode()).digest()[:8], "big", signed=True)
        with self.catalogue.engine.connect() as connection:
            if not connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}):
                connection.rollback()
                raise AlreadyRunning(f"docservice {name} đã chạy trên một máy khác dùng chung cơ sở dữ liệu này.")
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()

    def write_audit_checkpoint(self) -> Checkpoint | None:
        """A signed checkpoint of the audit chain's head in the archive dir (``None`` when nothing is new)."""
        with self.catalogue.reader() as session:
            return write_checkpoint(session, self.settings.audit_checkpoints_path, self.settings.resolved_audit_key())

    def verify_audit_trail(self) -> list[str]:
        """Findings about the audit chain and its checkpoints (empty when both hold)."""
        with self.catalogue.reader() as session:
            return verify_trail(session, self.settings.audit_checkpoints_path, self.settings.resolved_audit_key())

    @property
    def upload_dir(self) -> Path:
        path = self.settings.archive_dir / "tmp"
        path.mkdir(parents=True, exist_ok=True)
        return path


def current_services() -> Services:
    """The engines of the application serving this request: the one way a page or an endpoint reaches them."""
    from flask import current_app

    return current_app.extensions["docservice"]
