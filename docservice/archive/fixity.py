"""Fixity: prove the store still holds exactly what the catalogue says it holds.

Every stored file is re-hashed; a file whose bytes no longer match its name is *changed*, a file the
catalogue needs but the store lacks is *missing*, a stored file nothing refers to is an *orphan*,
and a half-written temporary file is reported too. Each run is kept as a fixity event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from docservice.archive.blobs import BlobStore, sha256_of
from docservice.db import Catalogue
from docservice.db.models import Document, FixityRun, Record, TemplateVersion
from docservice.security.audit import append_event


@dataclass
class FixityReport:
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    used_by: dict[str, str] = field(default_factory=dict)  # what needs each changed file
    missing: list[dict[str, str]] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    temporary: list[str] = field(default_factory=list)
    run_id: int | None = None

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.orphans or self.temporary)


def referenced(catalogue: Catalogue) -> dict[str, str]:
    """Every digest the catalogue needs, with what needs it ("record 12", "document 3 pdf" …)."""
    needed: dict[str, str] = {}
    with catalogue.reader() as session:
        for record_id, digest in session.execute(select(Record.id, Record.sha256).where(Record.disposed_at.is_(None))):
            needed.setdefault(digest, f"hồ sơ {record_id}")
        for doc_id, docx, pdf in session.execute(select(Document.id, Document.docx_sha256, Document.pdf_sha256)):
            needed.setdefault(docx, f"văn bản {doc_id} (docx)")
            needed.setdefault(pdf, f"văn bản {doc_id} (pdf)")
        for key, version, digest in session.execute(select(TemplateVersion.key, TemplateVersion.version,
                                                           TemplateVersion.docx_sha256)):
            needed.setdefault(digest, f"mẫu {key} {version}")
    return needed


def run_fixity(catalogue: Catalogue, blobs: BlobStore, *, run_by: str | None = None,
               progress: Callable[[str], None] = lambda digest: None) -> FixityReport:
    """Re-hash everything, record the run (and an audit event), return what was found."""
    needed = referenced(catalogue)
    report = FixityReport()
    stored = set()
    for digest in blobs.digests():
        stored.add(digest)
        report.checked += 1
        if sha256_of(blobs.path_of(digest)) != digest:
            report.changed.append(digest)
            if digest in needed:
                report.used_by[digest] = needed[digest]
        if digest not in needed:
            report.orphans.append(digest)
        progress(digest)
    report.missing = [{"sha256": d, "needed_by": who} for d, who in sorted(needed.items()) if d not in stored]
    report.temporary = [str(p) for p in blobs.temporary_files()]
    with catalogue.session() as session:
        run = FixityRun(checked=report.checked, ok=report.ok, run_by=run_by, finished_at=dt.datetime.now(dt.UTC),
                        findings={"changed": report.changed, "missing": report.missing, "orphans": report.orphans,
                                  "temporary": report.temporary})
        session.add(run)
        session.flush()
        report.run_id = run.id
        append_event(session, username=run_by, action="fixity.run", object_type="fixity", object_id=run.id,
                     outcome="ok" if report.ok else "findings")
    return report
