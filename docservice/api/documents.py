"""Generated documents: create from a template, read, download .docx and .pdf."""

from __future__ import annotations

from flask import send_file

from docservice.api.context import (
    PREFIX,
    api_blueprint,
    audit_read,
    caller,
    dump,
    file_response,
    problems,
)
from docservice.api.schemas import DocumentCreate, DocumentOut, IdPath
from docservice.db.models import Clearance, Document
from docservice.generation.service import GenerationRequest, generate_document
from docservice.security import policy
from docservice.services import current_services

blueprint = api_blueprint("documents", "Văn bản")

_MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "pdf": "application/pdf"}


def document_out(doc: Document) -> DocumentOut:
    base = f"{PREFIX}/documents/{doc.id}"
    return DocumentOut(
        id=doc.id, template=doc.template, template_version=doc.template_version, number=doc.number,
        doc_type=doc.doc_type, title=doc.title, date=doc.date, organization_id=doc.organization_id,
        confidentiality=doc.confidentiality.name, profile=doc.profile, member_id=doc.member_id,
        docx_url=f"{base}/docx", pdf_url=f"{base}/pdf", warnings=doc.warnings or [],
    )


@blueprint.post("/documents", responses={201: DocumentOut, **problems(403, 422, 503)})
def create_document(body: DocumentCreate):
    """Tạo văn bản từ mẫu: kiểm tra trường, cấp số theo nhiệm kỳ, tạo .docx và .pdf."""
    svc = current_services()
    generation = GenerationRequest(template=body.template, organization_id=body.organization_id,
                                   fields=body.fields, confidentiality=Clearance[body.confidentiality],
                                   member_id=body.member_id)
    document = generate_document(generation, caller(), catalogue=svc.catalogue, blobs=svc.blobs,
                                 converter=svc.converter, templates=svc.templates, rules=svc.rules,
                                 sandbox=svc.sandbox)
    return dump(document_out(document), 201)


@blueprint.get("/documents/<int:id>", responses={200: DocumentOut})
def get_document(path: IdPath):
    """Thông tin một văn bản."""
    principal = caller()
    policy.require(principal, "document.read")
    with current_services().catalogue.reader() as session:
        doc = policy.get_visible(session, Document, path.id, principal)
        out = document_out(doc)
    audit_read("document.view", doc)
    return dump(out)


def _download(doc_id: int, kind: str):
    svc, principal = current_services(), caller()
    policy.require(principal, "document.read")
    with svc.catalogue.reader() as session:
        doc = policy.get_visible(session, Document, doc_id, principal)
    audit_read(f"document.download.{kind}", doc)
    digest = doc.docx_sha256 if kind == "docx" else doc.pdf_sha256
    name = f"{doc.number.replace('/', '-')}.{kind}"
    return send_file(svc.blobs.open(digest), mimetype=_MIME[kind], download_name=name,
                     as_attachment=kind == "docx", etag=digest, max_age=0)


@blueprint.get("/documents/<int:id>/docx", responses=file_response(_MIME["docx"], "Tệp Word"))
def download_docx(path: IdPath):
    """Tải tệp Word (.docx) của văn bản."""
    return _download(path.id, "docx")


@blueprint.get("/documents/<int:id>/pdf", responses=file_response(_MIME["pdf"], "Tệp PDF"))
def download_pdf(path: IdPath):
    """Tải tệp PDF của văn bản."""
    return _download(path.id, "pdf")
