"""A member's dossier: cover, contents with true page numbers, bookmarks, only what the caller may see."""

import datetime as dt
import hashlib
import io
import json
import re
import subprocess
import zipfile

from pypdf import PdfReader
from sqlalchemy import select

from docservice.db.models import AuditEvent, Member, MemberStatus, Organization
from docservice.registry.members import add_member
from tests.builders import text_pdf


def _member(svc):
    with svc.catalogue.reader() as session:
        return session.scalar(select(Member).where(Member.full_name == "Nguyễn Thị Hoà"))


def _new_member(svc, world):
    """Admitted by a decision of 25/07/2025, ceremony on 01/08/2025: probationary until 01/08/2026."""
    with svc.catalogue.session() as session:
        member = add_member(session, organization=session.get(Organization, world.dong_id), full_name="Vũ Thị Lan",
                            status=MemberStatus.du_bi, effective_on=dt.date(2025, 8, 1), note="Lễ kết nạp",
                            birth_date=dt.date(1998, 4, 12), admitted_on=dt.date(2025, 8, 1),
                            admission_decided_on=dt.date(2025, 7, 25))
        return member.id


def _make(client, headers, svc, key, org_id, member_id, fields=None, **extra):
    fields = {**{k: v for k, v in svc.templates.get(key).manifest.example.items()
                 if k not in ("person_name", "birth_date", "card_number", "member_status", "admitted_on",
                              "official_from", "proposal")}, **(fields or {})}
    response = client.post("/api/v1/documents", headers=headers, json={
        "template": key, "organization_id": org_id, "member_id": member_id, "fields": fields, **extra})
    assert response.status_code == 201, response.data
    return response.json


def _lifecycle(client, auth, world, svc, member_id):
    """The member's papers in order: proposal, admission, recognition proposal, a secret discipline."""
    secretary, admin = auth("thuky.dong"), auth("admin")
    proposal = _make(client, secretary, svc, "nghi-quyet-de-nghi-ket-nap", world.dong_id, member_id,
                     {"date": "2025-07-10", "meeting_date": "2025-07-10"})
    decision = _make(client, admin, svc, "quyet-dinh-ket-nap", world.root_id, member_id,
                     {"date": "2025-07-25", "proposal_id": proposal["id"], "chi_bo": "Chi bộ Thôn Đông"})
    secret = _make(client, admin, svc, "quyet-dinh-ky-luat", world.root_id, member_id,
                   {"date": "2026-03-10", "chi_bo": "Chi bộ Thôn Đông"}, confidentiality="toi_mat")
    recognition = _make(client, secretary, svc, "nghi-quyet-cong-nhan-chinh-thuc", world.dong_id, member_id,
                        {"date": "2026-08-05", "meeting_date": "2026-08-05"})
    return proposal, decision, recognition, secret


def _page_text(pdf: bytes, page: int) -> str:
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-", "-"], input=pdf,
                         capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


def _outline(reader):
    def walk(items, depth=0):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item) + 1
    return list(walk(reader.outline))


def test_the_dossier_of_a_member(client, auth, world, svc):
    secretary = auth("thuky.dong")
    member_id = _new_member(svc, world)
    with svc.catalogue.reader() as session:
        member = session.get(Member, member_id)
    proposal, decision, recognition, secret = _lifecycle(client, auth, world, svc, member.id)
    signed = client.post("/api/v1/records", headers=auth("luutru"), content_type="multipart/form-data", data={
        "file": (io.BytesIO(text_pdf("QUYẾT ĐỊNH kết nạp đảng viên — bản đã ký, đóng dấu.")), "qd.pdf"),
        "metadata": json.dumps({"document_id": decision["id"]})})
    review = client.post("/api/v1/records", headers=auth("luutru"), content_type="multipart/form-data", data={
        "file": (io.BytesIO(text_pdf("BẢN TỰ KIỂM ĐIỂM năm 2025 của đảng viên.", "Trang hai.")), "kd.pdf"),
        "metadata": json.dumps({"doc_type": "bao_cao", "date": "2025-12-20", "organization_id": world.dong_id,
                                "title": "Bản tự kiểm điểm năm 2025", "member_id": member.id,
                                "stage": "danh_gia_hang_nam"})})
    assert signed.status_code == 201 and signed.json["member_id"] == member.id and review.status_code == 201
    assert review.json["confidentiality"] == "mat"  # a paper filed in a member's dossier is "mật" by default
    application = client.post("/api/v1/records", headers=auth("luutru"), content_type="multipart/form-data", data={
        "file": (io.BytesIO(text_pdf("ĐƠN XIN VÀO ĐẢNG")), "don.pdf"),
        "metadata": json.dumps({"doc_type": "khac", "date": "2025-05-02", "organization_id": world.dong_id,
                                "title": "Đơn xin vào Đảng", "member_id": member.id})})
    assert application.status_code == 201 and application.json["confidentiality"] == "mat"

    response = client.get(f"/api/v1/members/{member.id}/dossier.pdf", headers=auth("luutru"))  # đảng ủy, mật
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.data
    reader = PdfReader(io.BytesIO(pdf))
    outline = _outline(reader)
    assert [title for depth, title, _ in outline if depth == 0] == [
        "Bìa hồ sơ", "Mục lục", "Danh mục giấy tờ theo quy định", "Kết nạp vào Đảng",
        "Công nhận đảng viên chính thức", "Kiểm điểm, đánh giá hằng năm"]
    children = [(title, page) for depth, title, page in outline if depth == 1]
    assert len(children) == 5  # the application (recognised by its title) is filed under admission
    assert "HỒ SƠ ĐẢNG VIÊN" in _page_text(pdf, 1) and "Vũ Thị Lan" in _page_text(pdf, 1)
    contents = _page_text(pdf, 2)
    assert "MỤC LỤC" in contents
    for title, page in children:
        number = re.search(r"Số (\S+),", title)
        listed = re.search(re.escape(title) + r" (\d+)", contents)
        assert listed and int(listed.group(1)) == page, title  # the contents point where the bookmark does
        if number:
            assert number.group(1) in _page_text(pdf, page) or "bản đã ký" in _page_text(pdf, page)
    assert secret["number"] not in contents and "kỷ luật" not in contents.lower()
    assert proposal["number"] in contents and recognition["number"] in contents
    assert "bản đã ký" in _page_text(pdf, dict(children)[next(t for t in dict(children) if decision["number"] in t)])
    assert len(reader.pages) == 3 + 1 + 1 + 1 + 1 + 2
    for page in range(1, len(reader.pages) + 1):  # every page carries the number the contents use
        assert f"Hồ sơ - trang {page}" in _page_text(pdf, page), page
    cover = _page_text(pdf, 1)
    assert "Ngày lễ kết nạp: 01/08/2025" in cover and "Ngày vào Đảng (quyết định kết nạp): 25/07/2025" in cover
    assert "Ngày chính thức: đảng viên dự bị" in cover and "Số thẻ đảng viên: chưa cấp" in cover
    assert "chưa khớp" not in cover
    checklist = _page_text(pdf, 3)
    assert "DANH MỤC GIẤY TỜ THEO QUY ĐỊNH" in checklist
    application_page = dict(children)[next(t for t in dict(children) if "Đơn xin vào Đảng" in t)]
    assert f"Đơn xin vào Đảng: Có (trang {application_page})" in checklist
    assert "Lý lịch đảng viên: THIẾU" in checklist and "Phiếu đảng viên: THIẾU" in checklist
    assert "Quyết định công nhận đảng viên chính thức: Chưa đến giai đoạn này" in checklist
    assert "Bản tự kiểm điểm của đảng viên dự bị: THIẾU" in checklist
    with svc.catalogue.reader() as session:
        assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "member.dossier")) is not None
    cell_view = client.get(f"/api/v1/members/{member.id}/dossier.pdf", headers=secretary).data
    assert decision["number"] not in _page_text(cell_view, 2)  # the chi bộ sees only its own papers
    assert proposal["number"] in _page_text(cell_view, 2)
    contents = client.get(f"/api/v1/members/{member.id}/dossier", headers=auth("luutru")).json
    lines = {line["key"]: line["status"] for group in contents["checklist"] for line in group["lines"]}
    assert lines["don_xin_vao_dang"] == "present" and lines["quyet_dinh_ket_nap"] == "present"
    assert lines["ly_lich_dang_vien"] == "missing" and lines["quyet_dinh_cong_nhan"] == "not_yet"
    # the chi bộ has proposed recognition: the papers that come before its resolution are due, those after not yet
    assert lines["nghi_quyet_chi_bo_de_nghi_cong_nhan"] == "present" and lines["tu_kiem_diem_du_bi"] == "missing"
    assert lines["nghi_quyet_dang_uy_cong_nhan"] == "not_yet"
    assert lines["nghi_quyet_doan_the_gioi_thieu"] == "optional" and contents["missing"] >= 5
    assert secret["number"] not in str(contents)


def test_the_transfer_package_is_sealed(client, auth, world, svc):
    member_id = _new_member(svc, world)
    _make(client, auth("thuky.dong"), svc, "nghi-quyet-de-nghi-ket-nap", world.dong_id, member_id,
          {"date": "2025-07-10", "meeting_date": "2025-07-10"})
    response = client.get(f"/api/v1/members/{member_id}/transfer-package.zip", headers=auth("luutru"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    manifest = archive.read("manifest.json")
    assert archive.read("manifest.sha256").decode().split()[0] == hashlib.sha256(manifest).hexdigest()
    files = json.loads(manifest)["files"]
    assert len(files) == 1 and files[0]["stage"] == "ket_nap"
    data = archive.read(files[0]["file"])
    assert hashlib.sha256(data).hexdigest() == files[0]["sha256"] and data.startswith(b"%PDF-")
    with svc.blobs.open(files[0]["sha256"]) as stored:
        assert stored.read() == data


def test_the_dossier_needs_clearance_mat_and_scope(client, auth, world, svc):
    member = _member(svc)
    for user, status in (("uyvien", 403), ("docgia.tay", 403), ("admin", 200), ("luutru", 200)):
        assert client.get(f"/api/v1/members/{member.id}/dossier.pdf", headers=auth(user)).status_code == status
    assert client.get("/api/v1/members/424242/dossier.pdf", headers=auth("admin")).status_code == 404


def test_member_details_fill_the_person_fields(client, auth, world, svc):
    member_id = _new_member(svc, world)
    document = _make(client, auth("thuky.dong"), svc, "nghi-quyet-cong-nhan-chinh-thuc", world.dong_id, member_id,
                     {"date": "2026-08-05", "meeting_date": "2026-08-05"})
    docx = client.get(document["docx_url"], headers=auth("thuky.dong")).data
    from docx import Document as Docx

    text = "\n".join(p.text for p in Docx(io.BytesIO(docx)).paragraphs)
    assert "Vũ Thị Lan" in text and "01/08/2025" in text and "01/08/2026" in text


def test_the_dossier_page_shows_what_is_missing_and_gives_the_pdf(app, client, auth, world, svc):
    """From the member's page an archivist reaches the dossier: the cover's facts, each stage's papers present
    or missing, and the PDF; a reader without clearance mật sees no link and is refused; each read audited."""
    from tests.integration.test_web_reading import _sign_in

    member_id = _new_member(svc, world)
    _lifecycle(client, auth, world, svc, member_id)
    page = app.test_client()
    _sign_in(page, "luutru")
    member_page = page.get(f"/overview/members/{member_id}").get_data(as_text=True)
    assert f"/overview/members/{member_id}/dossier" in member_page
    shown = page.get(f"/overview/members/{member_id}/dossier")
    assert shown.status_code == 200
    text = re.sub(r"<[^>]+>", " ", shown.get_data(as_text=True))
    text = " ".join(text.split())
    assert "Ngày lễ kết nạp 01/08/2025" in text and "Lý lịch đảng viên Thiếu" in text
    assert "Đơn xin vào Đảng" in text and "Quyết định công nhận đảng viên chính thức Chưa đến giai đoạn này" in text
    assert "Còn thiếu" in text
    pdf = page.get(f"/overview/members/{member_id}/dossier.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "Hồ sơ - trang 3" in _page_text(pdf.data, 3)
    with svc.catalogue.reader() as session:
        actions = set(session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(member_id),
                                                                      AuditEvent.object_type == "member")))
    assert {"member.dossier_contents", "member.dossier"} <= actions
    reader = app.test_client()
    _sign_in(reader, "uyvien")
    assert "/dossier" not in reader.get(f"/overview/members/{member_id}").get_data(as_text=True)
    assert reader.get(f"/overview/members/{member_id}/dossier").status_code == 403
    assert reader.get(f"/overview/members/{member_id}/dossier.pdf").status_code == 403
