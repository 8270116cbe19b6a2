"""What the archive's long workflows (imports, backups) use of the service's engines — those and no more,
so the archive never reaches for the whole container above it."""

from __future__ import annotations

from typing import Protocol

from docservice.archive.blobs import BlobStore
from docservice.config import Settings
from docservice.db import Catalogue
from docservice.rules import RuleBook
from docservice.sandbox import Sandbox


class ArchiveEngines(Protocol):
    @property
    def settings(self) -> Settings: ...

    @property
    def catalogue(self) -> Catalogue: ...

    @property
    def blobs(self) -> BlobStore: ...

    @property
    def rules(self) -> RuleBook: ...

    @property
    def sandbox(self) -> Sandbox: ...
