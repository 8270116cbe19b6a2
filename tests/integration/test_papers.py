"""Papers right on paper, in the cases secretaries meet: who issues and in whose name."""

import datetime as dt
import subprocess

import pytest

from docservice.db.models import OrgKind, committee_of


def _pdf_text(client, headers, document) -> str:
    pdf = client.get(document["pdf_url"], headers=headers).data
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


def _organization(client, admin, **body):
    created = client.post("/api/v1/organizations", headers=admin, json=body)
    assert created.status_code == 201, created.json
    org_id = created.json["id"]
    assert client.post(f"/api/v1/organizations/{org_id}/terms", headers=admin,
                       json={"name": "2025–2030", "start_date": "2025-07-01"}).status_code == 201
    return org_id


@pytest.mark.parametrize(("kind", "name", "committee"), [
    (OrgKind.dang_bo_co_so, "Đảng bộ xã Hoà Bình", "Đảng ủy xã Hòa Bình"),
    (OrgKind.dang_bo_bo_phan, "Đảng bộ bộ phận thôn Bắc", "Đảng ủy bộ phận thôn Bắc"),
    (OrgKind.huyen_uy, "Đảng bộ huyện Ứng Hòa", "Huyện ủy Ứng Hòa"),
    (OrgKind.huyen_uy, "Đảng bộ thị xã Sơn Tây", "Thị ủy Sơn Tây"),
    (OrgKind.tinh_uy, "Đảng bộ tỉnh Lam Sơn", "Tỉnh ủy Lam Sơn"),
    (OrgKind.chi_bo, "Chi bộ Thôn Đông", "Chi bộ Thôn Đông"),
    (None, "Đảng bộ tỉnh Lam Sơn", "Tỉnh ủy Lam Sơn"),
])
def test_a_party_organisations_papers_are_issued_by_its_committee(kind, name, committee):
    assert committee_of(kind, name) == committee


@pytest.mark.slow
def test_a_dang_bo_added_on_the_admin_page_issues_as_its_committee_and_its_cells_report_to_it(client, auth,
                                                                                              world, svc):
    """A đảng bộ xã added without a header name prints "ĐẢNG ỦY XÃ …" as issuer (it printed "ĐẢNG BỘ XÃ …");
    its chi bộ reports to "Đảng ủy xã … (b/c)"; "ủy" is spelled one way however the name was typed."""
    admin = auth("admin")
    commune = _organization(client, admin, parent_id=world.root_id, code="db-hoa-binh", kind="dang_bo_co_so",
                            name="Đảng bộ xã Hoà Bình", superior_name="Đảng bộ tỉnh Hà Sơn", place="Hòa Bình")
    cell = _organization(client, admin, parent_id=commune, code="cb-hoa-binh-1", kind="chi_bo",
                         name="Chi bộ Thôn 1")
    fields = dict(svc.templates.get("quyet-dinh-khen-thuong").manifest.example)
    fields["date"] = "2026-03-02"
    # "uỷ" typed the old way in the paper's own text is printed as the header prints it
    fields["recipients"] = ["Ban Thường vụ Đảng uỷ xã", "Uỷ ban Kiểm tra Đảng uỷ"]
    fields["achievement"] = "hoàn thành xuất sắc nhiệm vụ uỷ viên năm 2025"
    decision = client.post("/api/v1/documents", headers=admin, json={
        "template": "quyet-dinh-khen-thuong", "organization_id": commune, "fields": fields})
    assert decision.status_code == 201, decision.json
    text = _pdf_text(client, admin, decision.json)
    assert "ĐẢNG BỘ TỈNH HÀ SƠN ĐẢNG ỦY XÃ HÒA BÌNH" in text and "ĐẢNG BỘ XÃ HOÀ BÌNH *" not in text
    assert "UỶ" not in text and "uỷ" not in text and "Uỷ" not in text
    assert "Ủy ban Kiểm tra Đảng ủy" in text and "nhiệm vụ ủy viên" in text
    fields = dict(svc.templates.get("nghi-quyet-chi-bo").manifest.example)
    fields.pop("recipients", None)
    resolution = client.post("/api/v1/documents", headers=admin, json={
        "template": "nghi-quyet-chi-bo", "organization_id": cell, "fields": fields})
    assert resolution.status_code == 201, resolution.json
    text = _pdf_text(client, admin, resolution.json)
    assert "ĐẢNG BỘ XÃ HÒA BÌNH CHI BỘ THÔN 1" in text and "- Đảng ủy xã Hòa Bình (b/c)," in text


@pytest.mark.slow
def test_a_chi_bo_with_a_chi_uy_signs_its_chi_uys_papers_and_one_without_may_not(client, auth, world, svc):
    from docservice.db.models import MemberStatus, Organization, Position
    from docservice.registry.members import add_member

    with svc.catalogue.session() as session:
        add_member(session, organization=session.get(Organization, world.dong_id), full_name="Vũ Thị Chi Ủy",
                   status=MemberStatus.chinh_thuc, effective_on=dt.date(2025, 1, 1), position=Position.chi_uy_vien)
    secretary = auth("admin")
    fields = {**svc.templates.get("bao-cao").manifest.example, "signing_body": "CHI ỦY"}
    made = client.post("/api/v1/documents", headers=secretary, json={
        "template": "bao-cao", "organization_id": world.dong_id, "fields": fields})
    assert made.status_code == 201, made.json
    assert "T/M CHI ỦY BÍ THƯ" in _pdf_text(client, secretary, made.json)
    refused = client.post("/api/v1/documents", headers=secretary, json={
        "template": "bao-cao", "organization_id": world.tay_id, "fields": fields})
    assert refused.status_code == 422 and "không có chi ủy" in refused.json["detail"]
    wrong = client.post("/api/v1/documents", headers=secretary, json={
        "template": "bao-cao", "organization_id": world.dong_id, "fields": {**fields, "signing_body": "BAN THƯỜNG VỤ"}})
    assert wrong.status_code == 422 and wrong.json["errors"]["fields.signing_body"]


def _refused(client, headers, org_id, template, **changes):
    return client.post("/api/v1/documents", headers=headers, json={
        "template": template, "organization_id": org_id, "fields": changes})


def test_personnel_votes_and_dates_follow_their_own_rules(client, auth, world, svc):
    """Admission needs 2/3 of the official members (17 of 32 was accepted); the candidate is 18 to 60 on the
    day the chi bộ considers them; recognition comes 12 months after the ceremony, not before."""
    secretary = auth("thuky.dong")
    admission = dict(svc.templates.get("nghi-quyet-de-nghi-ket-nap").manifest.example)
    lost = _refused(client, secretary, world.dong_id, "nghi-quyet-de-nghi-ket-nap",
                    **{**admission, "members_total": 32, "members_present": 30, "votes_for": 17})
    assert lost.status_code == 422 and "2/3" in lost.json["detail"] and "22 đồng chí" in lost.json["detail"]
    assert _refused(client, secretary, world.dong_id, "nghi-quyet-de-nghi-ket-nap",
                    **{**admission, "members_total": 32, "members_present": 30, "votes_for": 22}).status_code == 201
    for born, ok, warned in (("2008-02-06", False, False), ("2008-02-05", True, False),
                             ("1966-02-05", True, False), ("1966-01-05", True, True)):
        made = _refused(client, secretary, world.dong_id, "nghi-quyet-de-nghi-ket-nap",
                        **{**admission, "birth_date": born, "meeting_date": "2026-02-05"})
        assert (made.status_code == 201) is ok, (born, made.json)
        if not ok:
            assert "từ đủ 18 đến đủ 60 tuổi" in made.json["detail"]
        else:  # over 60: made, saying the committee directly under the Central Committee decides
            assert any("cấp ủy trực thuộc Trung ương" in w for w in made.json["warnings"]) is warned, made.json
    recognition = dict(svc.templates.get("nghi-quyet-cong-nhan-chinh-thuc").manifest.example)
    early = _refused(client, secretary, world.dong_id, "nghi-quyet-cong-nhan-chinh-thuc",
                     **{**recognition, "admitted_on": "2025-03-01", "official_from": "2026-03-01",
                        "meeting_date": "2026-02-20"})
    assert early.status_code == 422 and "còn trong thời gian dự bị" in early.json["detail"]
    wrong = _refused(client, secretary, world.dong_id, "nghi-quyet-cong-nhan-chinh-thuc",
                     **{**recognition, "admitted_on": "2025-03-01", "official_from": "2026-02-01"})
    assert wrong.status_code == 422 and wrong.json["errors"]["fields.official_from"] == "Phải là 01/03/2026."


def test_an_award_names_each_comrade_once(client, auth, world, svc):
    """The award prints "Đồng chí" before each name: a name typed with it is not given it twice."""
    admin = auth("admin")
    example = svc.templates.get("quyet-dinh-khen-thuong").manifest.example
    made = client.post("/api/v1/documents", headers=admin, json={
        "template": "quyet-dinh-khen-thuong", "organization_id": world.root_id,
        "fields": {**example, "awardees": ["Đồng chí Lê Văn Cường, đảng viên Chi bộ Thôn Đông",
                                           "đồng chí Trần Thị Bích, đảng viên Chi bộ Thôn Tây",
                                           "Đồng Chính Nghĩa, đảng viên Chi bộ Thôn Đông"]}})
    assert made.status_code == 201, made.json
    text = _pdf_text(client, admin, made.json)
    assert "1. Đồng chí Lê Văn Cường," in text and "2. Đồng chí Trần Thị Bích," in text
    assert "3. Đồng chí Đồng Chính Nghĩa," in text and "Đồng chí Đồng chí" not in text


def test_a_paper_whose_printed_pages_break_the_layout_says_so(client, auth, world, svc):
    """The place-and-date line of a very long place name wraps however the header's columns are shared: the
    paper is made (it is still the cell's paper) and carries a warning read from its printed pages, saying
    what to do; an ordinary place gives none."""
    admin = auth("admin")
    long_place = _organization(client, admin, parent_id=world.root_id, code="cb-nong-truong", kind="chi_bo",
                               name="Chi bộ Đội sản xuất số 3", place="Thị trấn Nông trường Mộc Châu")
    fields = {**svc.templates.get("nghi-quyet-chi-bo").manifest.example, "date": "2026-12-25"}
    made = client.post("/api/v1/documents", headers=admin, json={
        "template": "nghi-quyet-chi-bo", "organization_id": long_place, "fields": fields})
    assert made.status_code == 201, made.json
    assert any(w.startswith("Bản in: Dòng địa danh") and "rút gọn địa danh" in w for w in made.json["warnings"])
    ordinary = client.post("/api/v1/documents", headers=admin, json={
        "template": "nghi-quyet-chi-bo", "organization_id": world.dong_id, "fields": fields})
    assert ordinary.status_code == 201 and not any(w.startswith("Bản in") for w in ordinary.json["warnings"])
