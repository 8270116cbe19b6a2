"""Templates uploaded by admins: linted, versioned, kept in the catalogue with the .docx as a blob."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select

from docservice.archive.blobs import BlobStore
from docservice.archive.staging import staged_files
from docservice.db import Catalogue
from docservice.db.models import TemplateVersion
from docservice.errors import Conflict, ValidationFailed
from docservice.generation.catalogue import Template, TemplateCatalogue
from docservice.generation.lint import lint_report
from docservice.generation.manifest import Manifest
from docservice.rules import RuleBook
from docservice.sandbox import Sandbox
from docservice.security import policy
from docservice.security.audit import append_event


class CatalogueTemplates:
    """The newest uploaded version of each key, read from the catalogue on each use (cached by version)."""

    def __init__(self, catalogue: Catalogue, blobs: BlobStore) -> None:
        self.catalogue = catalogue
        self.blobs = blobs
        self._cache: dict[tuple[str, str], Template] = {}
        self._lock = threading.Lock()

    def latest(self) -> dict[str, Template]:
        with self.catalogue.reader() as session:
            rows = session.execute(select(TemplateVersion.key, TemplateVersion.version, TemplateVersion.manifest,
                                          TemplateVersion.docx_sha256).order_by(TemplateVersion.id)).all()
        newest = {key: (version, manifest, digest) for key, version, manifest, digest in rows}
        return {key: self._template(key, *values) for key, values in newest.items()}

    def _template(self, key: str, version: str, manifest: dict[str, Any], digest: str) -> Template:
        with self._lock:
            cached = self._cache.get((key, version))
        if cached is None:
            with self.blobs.open(digest) as handle:
                cached = Template(Manifest.model_validate(manifest), handle.read(), origin="uploaded")
            with self._lock:
                self._cache[(key, version)] = cached
        return cached


def _refuse(report: Any) -> ValidationFailed:
    problems = [{"code": p.code, "message": p.message} for p in report.errors]
    return ValidationFailed(
        f"Mẫu chưa dùng được: {len(report.errors)} lỗi cần sửa.",
        errors={f"lint.{i}": p.message for i, p in enumerate(report.errors)},
        extra={"problems": problems, "warnings": [{"code": w.code, "message": w.message} for w in report.warnings]},
    )


def upload_template(
    docx: bytes, manifest: dict[str, Any], principal: policy.Principal, *, catalogue: Catalogue, blobs: BlobStore,
    rules: RuleBook, templates: TemplateCatalogue, sandbox: Sandbox,
) -> TemplateVersion:
    """Lint and store a new template version; ``ValidationFailed`` lists every problem, nothing is stored.

    The lint parses the upload and runs its Jinja on sample values: that happens under the sandbox's limits,
    so a template that loops for ever or eats memory is refused (``TooComplex``) without costing the service."""
    policy.require(principal, "template.manage")
    report = sandbox.run(lint_report, docx, manifest, rules, what="Mẫu văn bản tải lên")
    if report.errors:
        raise _refuse(report)
    template = Template(Manifest.model_validate(manifest), docx, origin="uploaded")
    key, version = template.key, template.manifest.version
    standard = templates.standard(key)
    with staged_files(blobs, catalogue) as stored, catalogue.session() as session:
        taken = session.scalar(select(TemplateVersion.id).where(TemplateVersion.key == key,
                                                                TemplateVersion.version == version))
        if taken is not None or (standard is not None and standard.manifest.version == version):
            raise Conflict(f"Mẫu {key} đã có phiên bản {version}; hãy tăng số phiên bản.",
                           errors={"manifest.version": "Phiên bản đã tồn tại."})
        row = TemplateVersion(key=key, version=version, manifest=template.manifest.model_dump(mode="json"),
                              docx_sha256=stored.put_bytes(docx)[0], uploaded_by=principal.user_id,
                              warnings=[{"code": w.code, "message": w.message} for w in report.warnings])
        session.add(row)
        session.flush()
        append_event(session, username=principal.username, action="template.upload", object_type="template",
                     object_id=f"{key}@{version}", remote_addr=principal.remote_addr)
    return row


def versions(catalogue: Catalogue, templates: TemplateCatalogue, key: str) -> list[dict[str, Any]]:
    """Every version of ``key``: the standard one, then uploads in order."""
    found = []
    standard = templates.standard(key)
    if standard is not None:
        found.append({"version": standard.manifest.version, "origin": "standard", "created_at": None,
                      "warnings": []})
    with catalogue.reader() as session:
        for row in session.scalars(select(TemplateVersion).where(TemplateVersion.key == key)
                                   .order_by(TemplateVersion.id)):
            found.append({"version": row.version, "origin": "uploaded", "created_at": row.created_at,
                          "warnings": row.warnings})
    return found
