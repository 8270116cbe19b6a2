"""The template catalogue: every folder of the templates dir with a manifest and a .docx."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel

from docservice.errors import NotFound
from docservice.generation.manifest import Manifest, fields_model


@dataclass(frozen=True)
class Template:
    manifest: Manifest
    docx_path: Path

    @property
    def key(self) -> str:
        return self.manifest.key

    @cached_property
    def fields_model(self) -> type[BaseModel]:
        return fields_model(self.manifest)

    def fields_schema(self) -> dict[str, object]:
        return self.fields_model.model_json_schema()


class TemplateCatalogue:
    """Templates found under ``root`` (``<key>/manifest.json`` + ``<key>/template.docx``)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._templates = {t.key: t for t in self._scan()}

    def _scan(self) -> list[Template]:
        found = []
        for manifest_path in sorted(self.root.glob("*/manifest.json")):
            docx = manifest_path.with_name("template.docx")
            if docx.is_file():
                found.append(Template(Manifest.load(manifest_path), docx))
        return found

    def all(self) -> list[Template]:
        return list(self._templates.values())

    def get(self, key: str) -> Template:
        try:
            return self._templates[key]
        except KeyError:
            raise NotFound(f"Không có mẫu văn bản {key!r}.") from None
