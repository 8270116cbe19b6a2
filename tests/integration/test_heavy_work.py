"""A request must never cost the service: heavy work on untrusted input (layout checks, template dry runs and
renders, the PDF parts of books and dossiers, OCR) runs under limits, away from the web tier, and a limit hit
is a clear 413, 422 or 503 — never a worker held for minutes, never a 500, never a book broken for good."""

import copy
import io
import json
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from docx import Document as Docx
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

from docservice import create_app
from docservice.archive.text import OcrBudget, extract_text
from tests.builders import scanned_pdf, text_pdf
from tests.conftest import BufferedClient, make_settings


@pytest.fixture
def settings(tmp_path, database_url):
    return make_settings(tmp_path, database_url, heavy_seconds=4, heavy_memory_mb=512, heavy_slots=1,
                         heavy_wait_seconds=2)


def _problem(response, status, code):
    assert response.status_code == status, (response.status_code, response.data[:300])
    assert response.content_type == "application/problem+json"
    assert response.json["code"] == code and response.json["detail"]
    return response.json


def _docx_of(paragraphs: int) -> bytes:
    """A small .docx (compressed) holding ``paragraphs`` tiny paragraphs."""
    document = Docx()
    body = document.element.body
    template = document.add_paragraph("x")._p
    for _ in range(paragraphs - 1):
        body.append(copy.deepcopy(template))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _with_part(docx: bytes, name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, data if item.filename == name else source.read(item.filename))
    return out.getvalue()


def _check(client, headers, docx: bytes):
    return client.post("/api/v1/layout-check", headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(docx), "x.docx")})


def test_layout_checks_of_hostile_word_files_are_refused_quickly_and_clearly(client, auth, world):
    reader = auth("uyvien")
    started = time.monotonic()
    _problem(_check(client, reader, _docx_of(40_000)), 413, "payload_too_large")  # 15 KB, 40,000 paragraphs
    assert time.monotonic() - started < 3
    good = _docx_of(3)
    _problem(_check(client, reader, _with_part(good, "word/document.xml", b"<w:document xmlns:w=")), 422,
             "unreadable_file")  # truncated XML: a clear 422, not a 500
    _problem(_check(client, reader, good[: len(good) // 2]), 422, "validation_failed")  # truncated zip
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * (60 * 1024 * 1024))
    _problem(_check(client, reader, bomb.getvalue()), 413, "payload_too_large")
    assert _check(client, reader, good).status_code == 200


def template_with_line(templates: Path, body_line: str, version: str) -> tuple[bytes, dict]:
    """The standard resolution template with one more line in its body, and its manifest at ``version``."""
    folder = templates / "nghi-quyet-chi-bo"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["version"] = version
    document = Docx(folder / "template.docx")
    document.paragraphs[-1].insert_paragraph_before().add_run(body_line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), manifest


def _template_upload_form(templates: Path, body_line: str, version: str) -> dict:
    """``httpx`` keyword arguments of a template upload."""
    docx, manifest = template_with_line(templates, body_line, version)
    return {"files": {"file": ("mau.docx", docx)}, "data": {"manifest": json.dumps(manifest)}}


def _template_upload(client, headers, svc, body_line: str, version: str):
    docx, manifest = template_with_line(svc.settings.templates_dir, body_line, version)
    return client.post("/api/v1/templates", headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(docx), "mau.docx"), "manifest": json.dumps(manifest)})


def test_a_template_whose_jinja_never_ends_is_refused_within_the_limit_and_nothing_is_stored(client, auth, svc,
                                                                                             world):
    admin = auth("admin")
    for number, line in enumerate(("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
                                   "{{ 'x' * 900000000 }}")):
        started = time.monotonic()
        refused = _problem(_template_upload(client, admin, svc, line, f"9.0.{number}"), 422, "too_complex")
        assert time.monotonic() - started < 15 and "Mẫu văn bản tải lên" in refused["detail"]
    assert client.get("/api/v1/templates/nghi-quyet-chi-bo/versions", headers=admin).json["items"][-1]["origin"] \
        == "standard"


def _bomb_pdf(megabytes: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``megabytes`` of blanks (a few hundred KB on disk)."""
    squeeze = zlib.compressobj(9)
    chunk = b" " * (4 * 1024 * 1024)
    packed = b"".join(squeeze.compress(chunk) for _ in range(megabytes // 4)) + squeeze.flush()
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    stream = StreamObject()
    stream._data = packed
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _archive(client, headers, data: bytes, world, number: str):
    form = {"file": (io.BytesIO(data), "nq.pdf"),
            "metadata": json.dumps({"doc_type": "nghi_quyet", "number": number, "date": "2025-03-01",
                                    "organization_id": world.dong_id, "title": f"Nghị quyết {number}"})}
    response = client.post("/api/v1/records", data=form, headers=headers, content_type="multipart/form-data")
    assert response.status_code == 201, response.data
    return response.json["id"]


@pytest.mark.slow
def test_one_hostile_file_gets_a_stand_in_page_and_the_book_is_made_for_everyone(client, auth, world, svc):
    archivist = auth("luutru")
    _archive(client, archivist, text_pdf("NGHỊ QUYẾT số 01 về công tác tháng 3."), world, "01-NQ/CB")
    _archive(client, archivist, _bomb_pdf(400), world, "02-NQ/CB")
    _archive(client, archivist, text_pdf("NGHỊ QUYẾT số 03 về công tác tháng 4."), world, "03-NQ/CB")
    for _ in range(2):  # not once, and not "until the file is removed": every time
        started = time.monotonic()
        book = client.get(f"/api/v1/organizations/{world.dong_id}/books/resolutions.pdf?year=2025", headers=archivist)
        assert book.status_code == 200, book.data[:300]
        assert time.monotonic() - started < 40
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(book.data)).pages]
    stand_in = next(text for text in pages if "02-NQ/CB —" in text)
    assert "Không đọc được tệp" in stand_in and stand_in.endswith(f"/{len(pages)}")
    assert any("số 01 về công tác" in text for text in pages) and any("số 03 về công tác" in text for text in pages)


def test_ocr_skips_blank_pages_and_stops_at_its_budget(tmp_path):
    blank = tmp_path / "trang-trang.pdf"
    writer = PdfWriter()
    for _ in range(30):
        writer.add_blank_page(595, 842)
    with blank.open("wb") as out:
        writer.write(out)
    started = time.monotonic()
    read = extract_text(blank, 30)
    # a glance each (0.35 s for all 30 here), where reading them took about 0.4 s a page
    assert time.monotonic() - started < 4 and read.warnings == [] and read.page_sources == ["ocr"] * 30
    scans = tmp_path / "ban-quet.pdf"
    pages = [PdfReader(io.BytesIO(scanned_pdf(f"Trang quét số {n} của biên bản"))).pages[0] for n in range(6)]
    writer = PdfWriter()
    for page in pages:
        writer.add_page(page)
    with scans.open("wb") as out:
        writer.write(out)
    started = time.monotonic()
    partial = extract_text(scans, 6, budget=OcrBudget(deadline=time.monotonic() + 2, workers=1))
    assert time.monotonic() - started < 10
    assert "none" in partial.page_sources and any("Hết thời gian nhận dạng chữ" in w for w in partial.warnings)


def test_the_heavy_work_settings_reach_the_sandbox(tmp_path):
    app = create_app(make_settings(tmp_path, None, heavy_seconds=7, heavy_memory_mb=300, heavy_slots=3))
    app.test_client_class = BufferedClient
    sandbox = app.extensions["docservice"].sandbox
    assert (sandbox.limits.seconds, sandbox.limits.memory_mb, sandbox.slots) == (7, 300, 3)
    app.extensions["docservice"].catalogue.dispose()
