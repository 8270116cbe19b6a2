"""Files stored for one unit of work, taken back if the work fails.

The bytes are written under their hash before the catalogue row commits (design principle 3). When the
commit then fails — a full disk, a dropped database connection — the files this unit of work created
would be orphans that ``docservice fixity`` reports. ``staged_files`` removes each of them again, unless
the catalogue refers to it after all (the same bytes stored by someone else meanwhile).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import exists, or_, select

from docservice.archive.blobs import BlobStore, sha256_of
from docservice.db import Catalogue
from docservice.db.models import Document, Record, TemplateVersion

log = logging.getLogger(__name__)


class StagedFiles:
    """The blob store as one unit of work sees it: it remembers the files it created."""

    def __init__(self, blobs: BlobStore) -> None:
        self.blobs = blobs
        self.created: list[str] = []

    def put_file(self, source: Path) -> tuple[str, int]:
        fresh = not self.blobs.exists(sha256_of(source))
        digest, size = self.blobs.put_file(source)
        if fresh:
            self.created.append(digest)
        return digest, size

    def put_bytes(self, data: bytes) -> tuple[str, int]:
        fresh = not self.blobs.exists(hashlib.sha256(data).hexdigest())
        digest, size = self.blobs.put_bytes(data)
        if fresh:
            self.created.append(digest)
        return digest, size


def in_use(catalogue: Catalogue, digest: str) -> bool:
    """Whether any record, document or template version refers to ``digest``."""
    with catalogue.reader() as session:
        return bool(session.scalar(select(or_(
            exists().where(Record.sha256 == digest),
            exists().where(or_(Document.docx_sha256 == digest, Document.pdf_sha256 == digest)),
            exists().where(TemplateVersion.docx_sha256 == digest)))))


@contextmanager
def staged_files(blobs: BlobStore, catalogue: Catalogue) -> Iterator[StagedFiles]:
    """Store files for the block; if it raises, remove those it created that nothing refers to."""
    staged = StagedFiles(blobs)
    try:
        yield staged
    except BaseException:
        for digest in staged.created:
            try:
                if not in_use(catalogue, digest):
                    blobs.remove(digest)
            except Exception:  # the catalogue cannot be asked now: the file stays, and fixity will name it
                log.exception("stored file %s kept after a failed unit of work", digest[:12])
        raise
