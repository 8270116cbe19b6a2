"""Admins upload templates: linted, versioned; documents record the version they used."""

import io
import json

import pytest
from docx import Document as Docx


def _upload(client, headers, docx: bytes, manifest: dict):
    form = {"file": (io.BytesIO(docx), "mau.docx"), "manifest": json.dumps(manifest)}
    return client.post("/api/v1/templates", data=form, headers=headers, content_type="multipart/form-data")


def _standard(svc, key="nghi-quyet-chi-bo"):
    template = svc.templates.get(key)
    return template.docx, json.loads(template.manifest.model_dump_json())


def _with_line(docx: bytes, text: str) -> bytes:
    document = Docx(io.BytesIO(docx))
    document.paragraphs[-1].insert_paragraph_before().add_run(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.slow
def test_an_admin_uploads_a_new_version_and_documents_use_it(client, auth, world, svc):
    admin = auth("admin")
    docx, manifest = _standard(svc)
    manifest["version"] = "2.0.0"
    manifest["fields"]["ghi_chu"] = {"type": "text", "label": "Ghi chú", "required": False, "default": "Không có."}
    created = _upload(client, admin, _with_line(docx, "Ghi chú: {{ ghi_chu }}"), manifest)
    assert created.status_code == 201, created.data
    assert created.json == {"key": "nghi-quyet-chi-bo", "version": "2.0.0", "warnings": []}
    versions = client.get("/api/v1/templates/nghi-quyet-chi-bo/versions", headers=admin).json["items"]
    standard = svc.templates.standard("nghi-quyet-chi-bo").manifest.version
    assert [(v["version"], v["origin"]) for v in versions] == [(standard, "standard"), ("2.0.0", "uploaded")]
    detail = client.get("/api/v1/templates/nghi-quyet-chi-bo", headers=admin).json
    assert (detail["version"], detail["origin"]) == ("2.0.0", "uploaded")
    assert "ghi_chu" in detail["fields"]["properties"]
    again = _problem(_upload(client, admin, docx, manifest), 409, "conflict")
    assert "phiên bản" in again["detail"]
    secretary = auth("thuky.dong")
    document = client.post("/api/v1/documents", headers=secretary, json={
        "template": "nghi-quyet-chi-bo", "organization_id": world.dong_id, "fields": manifest["example"]})
    assert document.status_code == 201, document.data
    assert document.json["template_version"] == "2.0.0"
    text = "\n".join(p.text for p in Docx(io.BytesIO(client.get(document.json["docx_url"], headers=secretary).data))
                     .paragraphs)
    assert "Ghi chú: Không có." in text


def _problem(response, status, code):
    assert response.status_code == status, response.data
    assert response.content_type == "application/problem+json"
    body = response.get_json(force=True)
    assert body["code"] == code
    return body


def test_a_template_with_an_undeclared_variable_is_refused_with_the_name(client, auth, world, svc):
    admin = auth("admin")
    docx, manifest = _standard(svc)
    manifest.update(key="mau-thu", version="1.0.0")
    body = _problem(_upload(client, admin, _with_line(docx, "{{ bien_la }}"), manifest), 422, "validation_failed")
    assert [p["code"] for p in body["problems"]] == ["undeclared_variable"]
    assert "bien_la" in body["problems"][0]["message"] and "bien_la" in body["errors"]["lint.0"]
    assert _problem(client.get("/api/v1/templates/mau-thu", headers=admin), 404, "not_found")
    assert list(svc.blobs.digests()) == []


def test_only_admins_upload(client, auth, world, svc):
    docx, manifest = _standard(svc)
    manifest.update(key="mau-thu", version="1.0.0")
    _problem(_upload(client, auth("thuky.dong"), docx, manifest), 403, "forbidden")
    _problem(client.post("/api/v1/templates", data={"manifest": "{}"}, headers=auth("admin"),
                         content_type="multipart/form-data"), 422, "validation_failed")
