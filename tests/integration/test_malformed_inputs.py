"""Malformed input found by an attacker's probe answered 500 (or 503); each now gets a clear 4xx problem body,
on SQLite and PostgreSQL, and changes nothing stored."""

import io
import json
import os
import zipfile
from contextlib import contextmanager

import pytest
from docx import Document as Docx
from sqlalchemy import func, select, text

from docservice.db.models import Meeting, Member, Organization, Record, TemplateVersion
from tests.builders import PASSWORD, text_pdf
from tests.integration.test_heavy_work import template_with_line


def _problem(response, status, code=None):
    assert response.status_code == status, (response.status_code, response.data[:400])
    if response.content_type == "application/problem+json":
        assert response.json["detail"] and (code is None or response.json["code"] == code)
    return response


def _count(svc, model):
    with svc.catalogue.reader() as session:
        return session.scalar(select(func.count()).select_from(model))


def _record(client, headers, world, data=None, **meta):
    form = {"file": (io.BytesIO(data or text_pdf("Nghị quyết thử.")), "nq.pdf"),
            "metadata": json.dumps({"doc_type": "nghi_quyet", "date": "2025-05-01", "organization_id": world.dong_id,
                                    "title": "Nghị quyết thử", **meta})}
    return client.post("/api/v1/records", data=form, headers=headers, content_type="multipart/form-data")


def _meeting(svc, world, **changes):
    with svc.catalogue.reader() as session:
        members = session.scalars(select(Member.id).where(Member.organization_id == world.dong_id)).all()
    return {"organization_id": world.dong_id, "kind": "thuong_ky", "date": "2025-09-07", "start_time": "08:00",
            "end_time": "10:00", "location": "Nhà văn hóa thôn", "chair_id": members[0], "minute_taker_id": members[0],
            "attendance": [{"member_id": m, "status": "present"} for m in members], "conclusion": "Thống nhất.",
            **changes}


def test_bad_metadata_with_a_new_version_is_422(client, auth, world):
    archivist = auth("luutru")
    first = _record(client, archivist, world).json["id"]
    for meta in ({"date": "bad"}, {"date": "2026-02-30"}, {"foo": 1}, {"organization_id": 10**30},
                 {"doc_type": "x" * 100}):
        form = {"file": (io.BytesIO(text_pdf("Bản mới.")), "b.pdf"), "metadata": json.dumps(meta)}
        _problem(client.post(f"/api/v1/records/{first}/versions", data=form, headers=archivist,
                             content_type="multipart/form-data"), 422, "validation_failed")


def test_deeply_nested_json_is_refused_as_too_complex(client, auth, world, svc):
    secretary = auth("thuky.dong")
    nested = b"[" * 5000 + b"]" * 5000
    for path in ("/api/v1/meetings", "/api/v1/documents", "/api/v1/members"):
        _problem(client.post(path, data=nested, headers={**secretary, "Content-Type": "application/json"}), 422)
    form = {"file": (io.BytesIO(text_pdf("x")), "x.pdf"), "metadata": "[" * 5000 + "]" * 5000}
    _problem(client.post("/api/v1/records", data=form, headers=auth("luutru"), content_type="multipart/form-data"),
             422)
    assert _count(svc, Record) == 0


def test_meeting_times_with_a_zone_or_as_numbers_are_422(client, auth, world, svc):
    secretary = auth("thuky.dong")
    for times in ({"start_time": "08:00Z"}, {"start_time": 5}, {"start_time": "08:00+07:00"}):
        _problem(client.post("/api/v1/meetings", json=_meeting(svc, world, **times), headers=secretary), 422)
    assert _count(svc, Meeting) == 0


def _post(client, path, body, headers=None):
    """A JSON body as a client's encoder writes it (ASCII, every non-ASCII character escaped)."""
    return client.post(path, data=json.dumps(body), headers={**(headers or {}), "Content-Type": "application/json"})


def test_nul_and_lone_surrogates_never_reach_the_catalogue(client, auth, world, svc):
    secretary, admin = auth("thuky.dong"), auth("admin")
    for bad in ("\x00", "\ud800"):
        _problem(_post(client, "/api/v1/meetings", _meeting(svc, world, guests=[f"Khách {bad}"]), secretary), 422)
        _problem(_post(client, "/api/v1/meetings", _meeting(svc, world, location=f"Hội trường {bad}"), secretary),
                 422)
        _problem(_post(client, "/api/v1/auth/token", {"username": f"ai{bad}", "password": "x"}), 422)
        _problem(_post(client, "/api/v1/organizations", {"code": "cb-moi", "kind": "chi_bo", "name": f"Chi bộ {bad}",
                                                         "parent_id": world.root_id}, admin), 422)
        _problem(_record(client, auth("luutru"), world, title=f"Nghị quyết {bad}"), 422)
        docx, manifest = template_with_line(svc.settings.templates_dir, "Ghi chú", "7.0.0")
        manifest["title"] = f"Nghị quyết {bad}"
        _problem(client.post("/api/v1/templates", headers=admin, content_type="multipart/form-data",
                             data={"file": (io.BytesIO(docx), "m.docx"), "manifest": json.dumps(manifest)}), 422)
    _problem(client.get("/api/v1/audit-events", query_string={"username": "x\x00"}, headers=admin), 422)
    assert _count(svc, Meeting) == _count(svc, Record) == _count(svc, TemplateVersion) == 0
    assert client.get("/api/v1/templates", headers=secretary).status_code == 200


def test_nul_in_page_forms_and_queries_is_a_clear_refusal(app, world, svc):
    from tests.integration.test_web_sessions import _csrf, _sign_in

    web = app.test_client()
    _sign_in(web, username="admin")
    assert web.get("/documents?doc_type=%00").status_code == 422
    anonymous = app.test_client()
    refused = anonymous.post("/login", data={"csrf_token": _csrf(anonymous.get("/login")), "username": "a\x00b",
                                             "password": PASSWORD})
    assert refused.status_code == 422 and "không hợp lệ" in refused.get_data(as_text=True)
    page = web.get("/admin/users/new")
    refused = web.post("/admin/users/new", data={"csrf_token": _csrf(page), "username": "nguoi.moi",
                                                 "password": "NguoiMoi2026xyz", "role": "reader",
                                                 "organization_id": str(world.dong_id), "full_name": "A\x00"})
    assert refused.status_code == 422
    long_name = web.post("/admin/users/new", data={"csrf_token": _csrf(page), "username": "nguoi.moi",
                                                   "password": "NguoiMoi2026xyz", "role": "reader",
                                                   "organization_id": str(world.dong_id), "full_name": "A" * 200})
    assert long_name.status_code == 422 and "128 ký tự" in long_name.get_data(as_text=True)


def test_audit_filters_at_the_end_of_the_calendar(client, auth, world):
    admin = auth("admin")
    assert client.get("/api/v1/audit-events?date_to=9999-12-31", headers=admin).status_code == 200
    csv = client.get("/api/v1/audit-events.csv?date_to=9999-12-31", headers=admin)
    assert csv.status_code == 200 and csv.data.decode("utf-8-sig").startswith("id,")


@pytest.fixture
def import_root(tmp_path):
    root = tmp_path / "nhap"
    (root / "may-quet").mkdir(parents=True)
    (root / "may-quet" / "a.pdf").write_bytes(text_pdf("Biên bản cũ."))
    os.symlink("vong", root / "vong")
    (root / "may-quet" / "ke-khai.csv").write_bytes(b"file,title\n" + b"\xff\xfe\x00bad\n")
    (root / "may-quet" / "nhieu-o.csv").write_text("file,title\na.pdf,x,thua\n", encoding="utf-8")
    (root / "may-quet" / "o-dai.csv").write_text("file,title\na.pdf," + "x" * 200_000 + "\n", encoding="utf-8")
    return root


def test_import_paths_and_manifests_that_cannot_be_read_are_422(client, auth, world, svc, import_root):
    svc.settings = svc.settings.model_copy(update={"import_root": import_root})
    archivist = auth("luutru")
    for body in ({"directory": "vong"}, {"directory": "x" * 300}, {"directory": "may-quet", "manifest": "vong"},
                 {"directory": "may-quet", "manifest": "may-quet/ke-khai.csv"},
                 {"directory": "may-quet", "manifest": "may-quet/nhieu-o.csv"},
                 {"directory": "may-quet", "manifest": "may-quet/o-dai.csv"},
                 {"directory": "may-quet\x00"}):
        _problem(client.post("/api/v1/imports", json=body, headers=archivist), 422)


def _docx_parts(**replace: bytes) -> bytes:
    document = Docx()
    document.add_paragraph("Văn bản thử")
    out = io.BytesIO()
    document.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, replace.get(item.filename, source.read(item.filename)))
    return result.getvalue()


def test_malformed_word_files_get_a_problem_not_a_500(client, auth):
    reader = auth("uyvien")
    body = zipfile.ZipFile(io.BytesIO(_docx_parts())).read("word/document.xml")
    self_based = zipfile.ZipFile(io.BytesIO(_docx_parts())).read("word/styles.xml").replace(
        b'<w:style w:type="paragraph" w:default="1" w:styleId="Normal">',
        b'<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:basedOn w:val="Normal"/>')
    cases = {
        "cut document": _docx_parts(**{"word/document.xml": body[:40]}),
        "empty document": _docx_parts(**{"word/document.xml": b""}),
        "bad utf-8": _docx_parts(**{"word/document.xml": body.replace(b"V", b"\xff", 1)}),
        "cut styles": _docx_parts(**{"word/styles.xml": b"<w:styles"}),
        "no section": _docx_parts(**{"word/document.xml": body.replace(b"<w:sectPr", b"<w:notsect").replace(
            b"</w:sectPr>", b"</w:notsect>")}),
        "entity bomb": _docx_parts(**{"word/document.xml": b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa">'
                                                            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;">]><l>&b;</l>'}),
    }
    for name, docx in cases.items():
        response = client.post("/api/v1/layout-check", headers=reader, content_type="multipart/form-data",
                               data={"file": (io.BytesIO(docx), "x.docx")})
        assert response.status_code in (200, 413, 422), (name, response.status_code)
        assert response.status_code == 200 or response.content_type == "application/problem+json", name
    looping = client.post("/api/v1/layout-check", headers=reader, content_type="multipart/form-data",
                          data={"file": (io.BytesIO(_docx_parts(**{"word/styles.xml": self_based})), "x.docx")})
    assert looping.status_code == 200  # a style based on itself is one style, not an endless chain


def test_manifest_mistakes_and_failing_template_code_are_lint_errors(client, auth, svc):
    admin = auth("admin")

    def upload(line="Ghi chú", version="8.0.0", **manifest_changes):
        docx, manifest = template_with_line(svc.settings.templates_dir, line, version)
        manifest.update(manifest_changes)
        return client.post("/api/v1/templates", headers=admin, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(docx), "m.docx"), "manifest": json.dumps(manifest)})

    fields = template_with_line(svc.settings.templates_dir, "", "0.0.0")[1]["fields"]
    for extra in ({"chon": {"type": "choice", "label": "Chọn"}}, {"_x": {"type": "text", "label": "X"}},
                  {"ngan": {"type": "text", "label": "Ngắn", "max_length": -1}},
                  {"ds": {"type": "list", "label": "Danh sách", "max_items": -1}}):
        _problem(upload(fields={**fields, **extra}), 422, "validation_failed")
    for line in ("{{ 1/0 }}", "{{ 1 + 'a' }}", "{{ '%s %s'|format(1) }}", "{{ 'x'|truncate(-1) }}",
                 "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{{ 10**400*1.0 }}"):
        refused = _problem(upload(line=line), 422)
        assert refused.json["code"] in ("validation_failed", "too_complex", "unreadable_file"), line
    assert _count(svc, TemplateVersion) == 0


def test_a_text_field_where_a_file_belongs_is_422(client, auth, world):
    for path, headers in (("/api/v1/records", auth("luutru")), ("/api/v1/layout-check", auth("uyvien")),
                          ("/api/v1/templates", auth("admin"))):
        _problem(client.post(path, headers=headers, data={"file": "khong-phai-tep", "metadata": "{}", "manifest": "{}"},
                             content_type="multipart/form-data"), 422)


def test_control_characters_in_names_do_not_break_the_excel_exports(client, auth, world, svc):
    with svc.catalogue.session() as session:
        session.get(Organization, world.dong_id).name = "Chi bộ \x01 Thôn Đông"
    admin = auth("admin")
    for name in ("statistics.xlsx?from=2025-01-01&to=2025-12-31", "register.xlsx?year=2025"):
        org = world.root_id if name.startswith("statistics") else world.dong_id
        assert client.get(f"/api/v1/organizations/{org}/{name}", headers=admin).status_code == 200, name


def test_control_characters_in_document_fields_are_422_not_a_conversion_failure(client, auth, world, svc):
    fields = dict(svc.templates.get("nghi-quyet-chi-bo").manifest.example)
    fields["subject"] = "về việc \x07 thử"
    _problem(client.post("/api/v1/documents", headers=auth("thuky.dong"), json={
        "template": "nghi-quyet-chi-bo", "organization_id": world.dong_id, "fields": fields}), 422, "validation_failed")


def test_pages_with_numbers_that_are_not_ids(app, world):
    from tests.integration.test_web_sessions import _csrf, _sign_in

    web = app.test_client()
    _sign_in(web, username="admin")
    for path in ("/records/99999999999999999999", "/documents/9223372036854775808/pdf", "/meetings/2147483648",
                 "/admin/users/99999999999999999999", "/imports/9223372036854775807"):
        assert web.get(path).status_code == 404, path
    assert web.get("/meetings/new?organization_id=abc").status_code in (200, 404)
    assert web.get("/records/new?document_id=99999999999999999999").status_code == 200
    with app.extensions["docservice"].catalogue.reader() as session:
        from docservice.db.models import User

        user_id = session.scalar(select(User.id).where(User.username == "uyvien"))
    page = web.get(f"/admin/users/{user_id}")
    saved = web.post(f"/admin/users/{user_id}", data={"csrf_token": _csrf(page), "action": "save",
                                                       "organization_id": "abc", "role": "reader",
                                                       "clearance": "thuong"})
    assert saved.status_code == 404


def test_transfer_package_entries_are_safe_and_unique(client, auth, world, svc):
    with svc.catalogue.reader() as session:
        member = session.scalar(select(Member).where(Member.full_name == "Nguyễn Thị Hoà"))
    archivist = auth("luutru")
    for marker in ("một", "hai"):
        assert _record(client, archivist, world, data=text_pdf(f"Quyết định {marker}."), number="05\\..\\../QĐ/ĐU",
                       member_id=member.id, stage="ket_nap", date="2025-03-01").status_code == 201
    package = zipfile.ZipFile(io.BytesIO(client.get(f"/api/v1/members/{member.id}/transfer-package.zip",
                                                    headers=archivist).data))
    names = [n for n in package.namelist() if n.endswith(".pdf")]
    assert len(names) == len(set(names)) == 2
    assert all("/" not in n and "\\" not in n and ".." not in n for n in names), names


def _dropping(open_unit, calls: list[int], times: int):
    """``open_unit`` (the catalogue's reader or session) whose first ``times`` units lose their connection:
    the server ends the backend under them, as a restart or an administrator would."""

    @contextmanager
    def unit(*args, **kwargs):
        with open_unit(*args, **kwargs) as session:
            calls.append(1)
            if len(calls) <= times:
                session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
            yield session

    return unit


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_dropped_database_connection_is_retried_once_for_a_read(client, auth, world, svc, monkeypatch):
    """A read whose connection the server dropped is served again (200); a write is refused with 503 and
    Retry-After, and nothing of it is stored."""
    headers = auth("luutru")
    calls: list[int] = []
    monkeypatch.setattr(svc.catalogue, "reader", _dropping(svc.catalogue.reader, calls, 1))
    assert client.get("/api/v1/organizations", headers=headers).status_code == 200
    assert len(calls) > 1  # the first attempt met the dropped connection, the second went through
    monkeypatch.undo()
    before = _count(svc, Record)
    monkeypatch.setattr(svc.catalogue, "session", _dropping(svc.catalogue.session, [], 100))
    refused = _record(client, headers, world)
    monkeypatch.undo()
    assert refused.status_code == 503 and refused.headers["Retry-After"] and refused.json["code"]
    assert _count(svc, Record) == before
