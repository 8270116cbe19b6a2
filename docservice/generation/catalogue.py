"""The template catalogue: the standard templates of the templates dir, and those admins upload.

A template is its manifest and its .docx bytes. Standard templates are folders with
``manifest.json`` and ``template.docx``; uploaded ones are versions kept in the catalogue database
with their .docx in the blob store. The newest version of a key is the one used; every document
records the version it was made from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel

from docservice.errors import NotFound
from docservice.generation.manifest import Manifest, fields_model


@dataclass(frozen=True)
class Template:
    manifest: Manifest
    docx: bytes
    origin: str = "standard"  # standard | uploaded

    @property
    def key(self) -> str:
        return self.manifest.key

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256(self.docx).hexdigest()

    @cached_property
    def fields_model(self) -> type[BaseModel]:
        return fields_model(self.manifest)

    def fields_schema(self) -> dict[str, object]:
        return self.fields_model.model_json_schema()


class UploadedTemplates(Protocol):
    """Where uploaded template versions live (the catalogue database + blob store)."""

    def latest(self) -> dict[str, Template]:
        """The newest uploaded version of every key."""
        ...


def _standard(root: Path) -> dict[str, Template]:
    found = {}
    for manifest_path in sorted(root.glob("*/manifest.json")):
        docx = manifest_path.with_name("template.docx")
        if docx.is_file():
            manifest = Manifest.load(manifest_path)
            found[manifest.key] = Template(manifest, docx.read_bytes())
    return found


class TemplateCatalogue:
    """Standard templates under ``root``; an uploaded version of a key replaces the standard one."""

    def __init__(self, root: Path, uploaded: UploadedTemplates | None = None) -> None:
        self.root = root
        self._standard = _standard(root)
        self._uploaded = uploaded

    def _current(self) -> dict[str, Template]:
        return {**self._standard, **(self._uploaded.latest() if self._uploaded else {})}

    def all(self) -> list[Template]:
        return sorted(self._current().values(), key=lambda t: t.key)

    def get(self, key: str) -> Template:
        try:
            return self._current()[key]
        except KeyError:
            raise NotFound(f"Không có mẫu văn bản {key!r}.") from None

    def standard(self, key: str) -> Template | None:
        return self._standard.get(key)
