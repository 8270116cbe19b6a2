"""Templates: the catalogue with each template's fields; admins upload new versions (linted)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from docservice.api.context import api_blueprint, caller, dump, problems
from docservice.api.schemas import Page, TemplateList, TemplateOut, Upload
from docservice.generation.catalogue import Template
from docservice.generation.uploads import upload_template, versions
from docservice.security import policy
from docservice.services import current_services

blueprint = api_blueprint("templates", "Mẫu văn bản")


class KeyPath(BaseModel):
    key: str = Field(max_length=64)


class TemplateDetail(TemplateOut):
    origin: str = Field(description="standard | uploaded")
    issuer_kinds: list[str]
    example: dict[str, Any]


class VersionOut(BaseModel):
    version: str
    origin: str
    created_at: dt.datetime | None
    warnings: list[dict[str, str]]


class VersionList(BaseModel):
    items: list[VersionOut]


class TemplateUpload(BaseModel):
    file: Upload = Field(description="Mẫu .docx có thẻ docxtpl/Jinja")
    manifest: dict[str, Any] = Field(description="JSON: key, title, doc_type, version, issuer_kinds, title_prefix, "
                                                 "title_field, fields, example?")


class UploadOut(BaseModel):
    key: str
    version: str
    warnings: list[dict[str, str]]


def _out(template: Template) -> TemplateOut:
    return TemplateOut(key=template.key, title=template.manifest.title, doc_type=template.manifest.doc_type,
                       version=template.manifest.version, fields=template.fields_schema())


@blueprint.get("/templates", responses={200: TemplateList})
def list_templates(query: Page):
    """Các mẫu văn bản, mỗi mẫu kèm JSON Schema của các trường (nhãn tiếng Việt)."""
    policy.require(caller(), "template.read")
    templates = current_services().templates.all()
    start = (query.page - 1) * query.per_page
    items = [_out(t) for t in templates[start:start + query.per_page]]
    return dump(TemplateList(items=items, total=len(templates), page=query.page, per_page=query.per_page))


@blueprint.get("/templates/<key>", responses={200: TemplateDetail, **problems(404)})
def get_template(path: KeyPath):
    """Một mẫu: các trường, ví dụ điền sẵn, nguồn (chuẩn hay tải lên)."""
    policy.require(caller(), "template.read")
    template = current_services().templates.get(path.key)
    return dump(TemplateDetail(**_out(template).model_dump(), origin=template.origin,
                               issuer_kinds=list(template.manifest.issuer_kinds), example=template.manifest.example))


@blueprint.get("/templates/<key>/versions", responses={200: VersionList, **problems(404)})
def template_versions(path: KeyPath):
    """Các phiên bản của một mẫu (mẫu chuẩn và các lần tải lên)."""
    policy.require(caller(), "template.read")
    svc = current_services()
    svc.templates.get(path.key)
    return dump(VersionList(items=[VersionOut(**v) for v in versions(svc.catalogue, svc.templates, path.key)]))


@blueprint.post("/templates", responses={201: UploadOut, **problems(403, 409, 413, 503)})
def create_template(form: TemplateUpload):
    """Tải lên mẫu mới hoặc phiên bản mới (quản trị): kiểm tra biến, thẻ, an toàn, thử điền và thể thức."""
    svc = current_services()
    row = upload_template(form.file.stream.read(), form.manifest, caller(), catalogue=svc.catalogue,
                          blobs=svc.blobs, rules=svc.rules, templates=svc.templates, sandbox=svc.sandbox)
    return dump(UploadOut(key=row.key, version=row.version, warnings=row.warnings), 201)
