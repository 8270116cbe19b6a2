"""Template manifests: the fields a template takes, with Vietnamese labels and help.

A manifest (``templates_docx/<key>/manifest.json``) declares each field's type, whether it is
required, its label, help and limits. From it a pydantic model is built to validate requests and
to publish the fields as JSON Schema (``GET /api/v1/templates``).
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model, model_validator


class FieldType(StrEnum):
    text = "text"  # one line
    paragraphs = "paragraphs"  # multi-line; each non-empty line is one paragraph
    list = "list"  # list of one-line items
    date = "date"
    choice = "choice"
    integer = "integer"
    items = "items"  # list of objects, each with its own ``item_fields``


FieldName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class FieldSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: FieldType
    label: str = Field(max_length=300)
    help: str = Field("", max_length=2000)
    required: bool = False
    default: Any = None
    max_length: int = Field(2000, ge=1, le=100_000)
    min_items: int = Field(0, ge=0, le=1000)
    max_items: int = Field(100, ge=1, le=1000)
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    item_fields: dict[FieldName, FieldSpec] = {}

    @model_validator(mode="after")
    def _coherent(self) -> FieldSpec:
        if self.type is FieldType.choice and not self.choices:
            raise ValueError("trường kiểu choice cần danh sách choices")
        if self.type is FieldType.items and not self.item_fields:
            raise ValueError("trường kiểu items cần item_fields")
        if self.min_items > self.max_items:
            raise ValueError("min_items không được lớn hơn max_items")
        return self


class Manifest(BaseModel):
    """A template's identity and fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    title: str
    doc_type: str
    version: str
    issuer_kinds: tuple[str, ...]
    title_prefix: str
    title_field: str
    fields: dict[FieldName, FieldSpec]
    example: dict[str, Any] = {}
    layout_check: bool = True  # false: layout deviations are warnings (special forms), recorded on upload
    vote_rule: str | None = None  # a personnel decision's threshold (rule profile personnel_votes): admission…
    member_event: str | None = None  # the step of a member's life the paper records (generation/member_papers)
    acts_on: tuple[str, ...] = ()  # the templates of the resolutions a decision may cite (``proposal_id``)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        return cls.model_validate(json.loads(path.read_text(encoding="utf-8")))


# Text a person typed: no control characters but line breaks and tabs (LibreOffice cannot lay them out).
_PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
_Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, pattern=_PRINTABLE)]


def _annotation(spec: FieldSpec, name: str) -> Any:
    line = Annotated[_Line, StringConstraints(max_length=spec.max_length)]
    if spec.type is FieldType.text:
        return line
    if spec.type is FieldType.paragraphs:
        return Annotated[_Line, StringConstraints(max_length=spec.max_length)]
    if spec.type is FieldType.list:
        return Annotated[list[Annotated[_Line, StringConstraints(max_length=500)]],
                         Field(min_length=spec.min_items, max_length=spec.max_items)]
    if spec.type is FieldType.date:
        return dt.date
    if spec.type is FieldType.choice:
        return Literal[spec.choices]
    if spec.type is FieldType.items:
        return Annotated[list[_model(name, spec.item_fields)],  # type: ignore[misc]
                         Field(min_length=spec.min_items, max_length=spec.max_items)]
    return Annotated[int, Field(ge=spec.minimum, le=spec.maximum)]


def _model(name: str, specs: dict[str, FieldSpec]) -> type[BaseModel]:
    definitions: dict[str, Any] = {}
    for field_name, spec in specs.items():
        annotation = _annotation(spec, f"{name}_{field_name}")
        if spec.required:
            definitions[field_name] = (annotation, Field(title=spec.label, description=spec.help or None))
        else:
            definitions[field_name] = (annotation | None, Field(default=spec.default, title=spec.label,
                                                                description=spec.help or None))
    return create_model(name, __config__=ConfigDict(extra="forbid"), **definitions)


def fields_model(manifest: Manifest) -> type[BaseModel]:
    """A pydantic model validating a request's ``fields`` against the manifest."""
    return _model("Fields_" + manifest.key.replace("-", "_"), manifest.fields)
