"""The one reader of the environment: every setting is ``DOCSERVICE_<NAME>``.

``Settings()`` reads the environment; ``Settings(**overrides)`` (or ``create_app({...})``) takes
explicit values first. Paths are resolved against the working directory when the settings are made.
Each field's description is the help text shown in the README's configuration table (a test keeps
the two in step).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SEARCH_BACKENDS = ("whoosh", "tantivy", "postgres")


class Settings(BaseSettings):
    """Service configuration; see the README table for the meaning of each value."""

    model_config = SettingsConfigDict(env_prefix="DOCSERVICE_", extra="forbid", frozen=True)

    archive_dir: Path = Field(
        Path("./archive"),
        description="the archive: catalogue database (SQLite) and stored files",
    )
    search_dir: Path = Field(Path("./search"), description="the search index (derived, rebuildable)")
    database_url: str | None = Field(
        None,
        description="catalogue database URL; default a SQLite file in the archive dir, "
        "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/docservice",
    )
    search_backend: str = Field(
        "whoosh", description="search engine: `whoosh` (pure Python; slow beyond a few thousand records), "
        "`tantivy` (fast at any size) or `postgres` (a table in the PostgreSQL catalogue, no index files); "
        "see Search")
    templates_dir: Path = Field(Path("./templates_docx"), description="the standard .docx templates")
    trust_roots: Path | None = Field(
        None, description="folder of CA certificates (PEM/DER) trusted for PDF signatures"
    )
    import_root: Path | None = Field(
        None, description="folder on the server under which imports started from the web may read "
        "(scanner drop folders, copied disks); unset: web imports are off, the CLI still works"
    )
    secret_key: str | None = Field(
        None, description="session and token signing; generated once into the archive dir when unset"
    )
    max_upload_mb: int = Field(100, ge=1, le=4096, description="upload size limit in megabytes")
    test_database_url: str | None = Field(
        None,
        description="tests only: a PostgreSQL server the suite may use (it creates and drops "
        "its own databases); .ci/run sets it and makes those tests mandatory",
    )
    rule_overrides: Path | None = Field(
        None, description="JSON file replacing rule-profile values (UNCONFIRMED ones such as margins, "
        "quorum, abbreviations) for this deployment"
    )
    soffice: str = Field("soffice", description="LibreOffice program used for DOCX→PDF conversion")
    convert_timeout: float = Field(
        60.0, gt=0, description="seconds one DOCX→PDF conversion may take (from its start) before LibreOffice "
        "is killed and restarted"
    )
    converter: Literal["direct", "pool"] = Field(
        "direct", description="DOCX→PDF: direct (a LibreOffice start per document) or pool (the warm converter "
        "pool that docservice serve starts; serve sets this for its web workers)"
    )
    converter_socket: Path | None = Field(
        None, description="local socket of the converter pool; default a path in the temp dir derived from "
        "the archive dir"
    )
    converter_slots: int = Field(0, ge=0, le=64, description="LibreOffice processes in the pool; 0 = one per core")
    converter_queue: int = Field(32, ge=1, le=10000, description="conversions that may wait for a free slot; "
                                 "more are answered 503 with Retry-After")
    converter_restart_after: int = Field(200, ge=1, description="conversions after which a LibreOffice process "
                                         "is restarted")
    unoserver: str = Field(".venv-uno/bin/unoserver", description="the unoserver program (in a venv of Debian's "
                           "Python, which has the UNO bridge); make creates .venv-uno")
    max_pages: int = Field(10_000, ge=1, description="PDFs with more pages are refused")
    ocr_max_pages: int = Field(300, ge=0, description="scanned pages of one file read by OCR; the rest are "
                               "left unread with a warning")
    token_hours: int = Field(12, ge=1, le=24 * 90, description="lifetime of an API token in hours")
    lockout_attempts: int = Field(10, ge=3, le=100, description="wrong passwords in a row after which an "
                                  "account is locked for a while")
    lockout_minutes: int = Field(15, ge=1, le=24 * 60, description="how long a locked account stays locked")
    address_attempts: int = Field(30, ge=5, le=10_000, description="failed logins from one network address "
                                  "within lockout_minutes after which that address must wait")
    session_idle_minutes: int = Field(30, ge=1, le=24 * 60, description="a web session ends after this long "
                                      "without a request")
    cookie_secure: Literal["auto", "always", "never"] = Field(
        "auto", description="the session cookie's Secure flag: auto = when the request came over HTTPS (set "
        "forwarded_proto behind a proxy), always, never")
    forwarded_proto: bool = Field(False, description="trust X-Forwarded-For/-Proto from one reverse proxy in "
                                  "front of the service (client address and HTTPS in logs and the audit trail)")
    search_cache_entries: int = Field(
        256, ge=0, le=100_000, description="Whoosh: searches whose first 100 hits each web worker keeps until the "
        "index changes (next pages and repeated searches answer at once); 0 = off")
    log_format: Literal["text", "json"] = Field(
        "text", description="logs as plain text or as JSON lines (docservice serve sets json for its parts); "
        "never any record text, query string or personal data beyond user names")
    indexer_poll_seconds: float = Field(
        0.3, gt=0, le=60, description="how often the indexer looks for new work in the outbox"
    )
    heavy_slots: int = Field(
        0, ge=0, le=64, description="heavy work on untrusted input (layout checks, template dry runs, PDF parts of "
        "books and dossiers, OCR pages) running at once on a host, each in a limited child process; 0 = cores − 1 "
        "(at least 1)")
    heavy_wait_seconds: float = Field(
        10, ge=0, le=600, description="how long such work waits for a free slot before the answer is 503 with "
        "Retry-After")
    heavy_seconds: float = Field(
        20, gt=0, le=3600, description="time one such task may take (a layout check, a template's dry run, one part "
        "of a book) before it is stopped and refused as too complex (422)")
    heavy_memory_mb: int = Field(
        1024, ge=128, le=65536, description="memory one such task's process may map before it is stopped and "
        "refused as too complex (422)")
    ocr_seconds: int = Field(
        300, ge=10, le=24 * 3600, description="time the OCR of one uploaded file may take; pages not read by then "
        "are left unread with a warning (imports from a folder are not limited)")
    audit_key_file: Path | None = Field(
        None, description="the key of the audit chain (HMAC), generated once; default audit.key in the archive dir. "
        "Keep it where the database's owner cannot read it to make the chain proof against them (see Security)")
    audit_checkpoint_seconds: int = Field(
        60, ge=5, le=24 * 3600, description="how often the job worker writes a signed checkpoint of the audit "
        "chain's head (count and hash) to audit-checkpoints.jsonl in the archive dir")

    @field_validator("search_backend")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if value not in SEARCH_BACKENDS:
            raise ValueError(f"unknown search backend {value!r}; known: {', '.join(SEARCH_BACKENDS)}")
        return value

    @model_validator(mode="after")
    def _postgres_search_needs_postgres(self) -> Settings:
        if self.search_backend == "postgres" and not (self.database_url or "").startswith("postgresql"):
            raise ValueError("DOCSERVICE_SEARCH_BACKEND=postgres needs a PostgreSQL DOCSERVICE_DATABASE_URL")
        return self

    @field_validator("archive_dir", "search_dir", "templates_dir", "trust_roots", "import_root", "rule_overrides",
                     "converter_socket", "audit_key_file")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        return value.expanduser().resolve() if value is not None else None

    @property
    def catalogue_url(self) -> str:
        """The database URL in use: the configured one, or SQLite inside the archive dir."""
        return self.database_url or f"sqlite:///{self.archive_dir / 'catalogue.sqlite3'}"

    @property
    def pool_socket(self) -> Path:
        """Where the converter pool listens (short enough for a Unix socket path)."""
        if self.converter_socket:
            return self.converter_socket
        digest = hashlib.sha256(str(self.archive_dir).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"docservice-{digest}.sock"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def audit_key_path(self) -> Path:
        return self.audit_key_file or self.archive_dir / "audit.key"

    @property
    def audit_checkpoints_path(self) -> Path:
        return self.archive_dir / "audit-checkpoints.jsonl"

    def resolved_audit_key(self) -> bytes:
        """The audit chain's key: read from ``audit_key_path``, generated there once when missing."""
        path = self.audit_key_path
        if not path.exists():
            _write_once(path, secrets.token_hex(32))
        return bytes.fromhex(path.read_text(encoding="ascii").strip())

    def resolved_secret_key(self) -> str:
        """The configured secret, or one generated once and kept in ``archive_dir/secret_key``."""
        if self.secret_key:
            return self.secret_key
        path = self.archive_dir / "secret_key"
        if not path.exists():
            _write_once(path, secrets.token_urlsafe(48))
        return path.read_text(encoding="ascii").strip()


def _write_once(path: Path, text: str) -> None:
    """Create ``path`` with ``text`` atomically; a concurrent creator's file wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    temp.write_text(text, encoding="ascii")
    temp.chmod(0o600)
    try:
        os.link(temp, path)
    except FileExistsError:
        pass
    finally:
        temp.unlink()


def setting_names() -> list[str]:
    """Every environment variable the service reads, in declaration order."""
    return [f"DOCSERVICE_{name.upper()}" for name in Settings.model_fields]
