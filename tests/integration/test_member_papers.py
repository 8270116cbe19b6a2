"""Member papers take the member's facts from the record as of the paper's date, say what the member's
status allows, cite the resolution they act on, and change the record when issued (issue 18)."""

import datetime as dt
import io
import subprocess

import pytest
from docx import Document as Docx
from sqlalchemy import select

from docservice.db.models import Document, Member, MemberChange, MemberStatus, Organization, Position
from docservice.registry.members import add_member, members_on

CEREMONY = dt.date(2025, 8, 1)  # probation ends 01/08/2026


@pytest.fixture
def people(svc, world):
    """A probationary member (ceremony 01/08/2025) and an official member with a card, in Thôn Đông."""
    with svc.catalogue.session() as session:
        dong = session.get(Organization, world.dong_id)
        probationary = add_member(session, organization=dong, full_name="Vũ Thị Lan", status=MemberStatus.du_bi,
                                  effective_on=CEREMONY, birth_date=dt.date(1998, 4, 12), admitted_on=CEREMONY,
                                  admission_decided_on=dt.date(2025, 7, 25))
        official = add_member(session, organization=dong, full_name="Đỗ Văn Bình", status=MemberStatus.chinh_thuc,
                              effective_on=dt.date(2025, 7, 1), birth_date=dt.date(1975, 1, 20),
                              admitted_on=dt.date(2000, 5, 19), official_on=dt.date(2001, 5, 19),
                              card_number="31.000777", position=Position.dang_vien)
        return {"probationary": probationary.id, "official": official.id}


def _fields(svc, key, drop=(), **changes):
    example = svc.templates.get(key).manifest.example
    kept = {k: v for k, v in example.items() if k not in {"person_name", "birth_date", "card_number", "member_status",
                                                          "admitted_on", "official_on", "official_from", "proposal",
                                                          "chi_bo", "from_chi_bo", *drop}}
    return {**kept, **changes}


def _post(client, headers, key, org_id, member_id, fields, **extra):
    return client.post("/api/v1/documents", headers=headers, json={
        "template": key, "organization_id": org_id, "member_id": member_id, "fields": fields, **extra})


def _text(client, headers, document) -> str:
    docx = client.get(document["docx_url"], headers=headers).data
    return " ".join(" ".join(p.text for p in Docx(io.BytesIO(docx)).paragraphs).split())


def _pdf_text(client, headers, document) -> str:
    pdf = client.get(document["pdf_url"], headers=headers).data
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


def test_a_probationary_member_is_never_printed_official_nor_given_a_card(client, auth, world, svc, people):
    admin = auth("admin")
    fields = _fields(svc, "giay-gioi-thieu-sinh-hoat-dang", date="2026-03-12", valid_until="2026-04-12")
    letter = _post(client, admin, "giay-gioi-thieu-sinh-hoat-dang", world.root_id, people["probationary"], fields)
    assert letter.status_code == 201, letter.json
    text = _text(client, admin, letter.json)
    assert "Là đảng viên dự bị" in text and "chưa cấp" in text and "chính thức ngày" not in text
    assert "Hiện sinh hoạt tại Chi bộ Thôn Đông" in text
    for wrong in ({"card_number": "31.000123"}, {"member_status": "chính thức"}, {"official_on": "2026-01-01"}):
        refused = _post(client, admin, "giay-gioi-thieu-sinh-hoat-dang", world.root_id, people["probationary"],
                        {**fields, **wrong})
        assert refused.status_code == 422, wrong
        assert f"fields.{next(iter(wrong))}" in refused.json["errors"]
    official = _post(client, admin, "giay-gioi-thieu-sinh-hoat-dang", world.root_id, people["official"], fields)
    text = _text(client, admin, official.json)
    assert "Là đảng viên chính thức" in text and "31.000777" in text and "19/05/2000" in text


def test_a_probationary_member_is_not_dismissed_and_a_member_without_a_post_cannot_be(client, auth, world, svc,
                                                                                     people):
    admin = auth("admin")
    for member, form in ((people["probationary"], "cách chức"), (people["probationary"], "khai trừ"),
                         (people["official"], "cách chức")):
        fields = _fields(svc, "quyet-dinh-ky-luat", date="2026-03-10", discipline=form)
        refused = _post(client, admin, "quyet-dinh-ky-luat", world.root_id, member, fields)
        assert refused.status_code == 422 and "fields.discipline" in refused.json["errors"], (member, form)


@pytest.mark.slow
def test_removing_a_probationary_member_uses_the_probationary_wording(client, auth, world, svc, people):
    admin, secretary = auth("admin"), auth("thuky.dong")
    proposal = _post(client, secretary, "nghi-quyet-de-nghi-xoa-ten", world.dong_id, people["probationary"],
                     _fields(svc, "nghi-quyet-de-nghi-xoa-ten", date="2026-03-05", meeting_date="2026-03-05"))
    assert proposal.status_code == 201, proposal.json
    assert "đề nghị xóa tên trong danh sách đảng viên dự bị" in _pdf_text(client, secretary, proposal.json)
    decision = _post(client, admin, "quyet-dinh-xoa-ten", world.root_id, people["probationary"],
                     _fields(svc, "quyet-dinh-xoa-ten", date="2026-03-20", proposal_id=proposal.json["id"]))
    assert decision.status_code == 201, decision.json
    text = _pdf_text(client, admin, decision.json)
    assert "về việc xóa tên trong danh sách đảng viên dự bị" in text
    assert "đảng viên dự bị thuộc Chi bộ Thôn Đông" in text
    assert "thu hồi thẻ" not in text and f"Xét Nghị quyết số {proposal.json['number']} ngày 05/03/2026" in text
    with svc.catalogue.reader() as session:
        member = session.get(Member, people["probationary"])
        assert member.status is MemberStatus.xoa_ten
        after = {s.member_id for s in members_on(session, world.dong_id, dt.date(2026, 3, 21))}
        before = {s.member_id for s in members_on(session, world.dong_id, dt.date(2026, 3, 19))}
        assert member.id in before and member.id not in after
        change = session.scalar(select(MemberChange).where(MemberChange.document_id == decision.json["id"]))
        assert change.effective_on == dt.date(2026, 3, 20) and decision.json["number"] in change.note


def test_recognition_dates_come_from_the_ceremony_and_issuing_makes_the_member_official(client, auth, world, svc,
                                                                                       people):
    admin, secretary = auth("admin"), auth("thuky.dong")
    member = people["probationary"]
    early = _post(client, secretary, "nghi-quyet-cong-nhan-chinh-thuc", world.dong_id, member,
                  _fields(svc, "nghi-quyet-cong-nhan-chinh-thuc", date="2026-07-20", meeting_date="2026-07-20"))
    assert early.status_code == 422 and "01/08/2026" in early.json["detail"]
    wrong = _post(client, secretary, "nghi-quyet-cong-nhan-chinh-thuc", world.dong_id, member,
                  _fields(svc, "nghi-quyet-cong-nhan-chinh-thuc", date="2026-08-05", meeting_date="2026-08-05",
                          admitted_on="2025-03-01"))
    assert wrong.status_code == 422 and "01/08/2025" in wrong.json["errors"]["fields.admitted_on"]
    resolution = _post(client, secretary, "nghi-quyet-cong-nhan-chinh-thuc", world.dong_id, member,
                       _fields(svc, "nghi-quyet-cong-nhan-chinh-thuc", date="2026-08-05", meeting_date="2026-08-05"))
    assert resolution.status_code == 201, resolution.json
    assert not any("chậm" in w for w in resolution.json["warnings"])  # considered in time
    text = _text(client, secretary, resolution.json)
    assert "kết nạp vào Đảng ngày 01/08/2025" in text and "kể từ ngày 01/08/2026" in text
    decision_fields = _fields(svc, "quyet-dinh-cong-nhan-chinh-thuc", proposal_id=resolution.json["id"],
                              chi_bo="Chi bộ Thôn Đông")
    before = _post(client, admin, "quyet-dinh-cong-nhan-chinh-thuc", world.root_id, member,
                   {**decision_fields, "date": "2026-08-04"})
    assert before.status_code == 422 and "fields.date" in before.json["errors"]  # before the resolution
    decision = _post(client, admin, "quyet-dinh-cong-nhan-chinh-thuc", world.root_id, member,
                     {**decision_fields, "date": "2026-08-20"})
    assert decision.status_code == 201, decision.json
    with svc.catalogue.reader() as session:
        row = session.get(Member, member)
        assert row.status is MemberStatus.chinh_thuc and row.official_on == dt.date(2026, 8, 1)
        states = {s.member_id: s.status for s in members_on(session, world.dong_id, dt.date(2026, 8, 2))}
        assert states[member] is MemberStatus.chinh_thuc
        assert {s.member_id: s.status for s in members_on(session, world.dong_id, dt.date(2026, 7, 31))}[
            member] is MemberStatus.du_bi
    again = _post(client, admin, "quyet-dinh-cong-nhan-chinh-thuc", world.root_id, member,
                  {**decision_fields, "date": "2026-08-21"})
    assert again.status_code == 422 and "chính thức" in again.json["detail"]  # already official


def test_a_recognition_considered_months_late_is_a_warning(client, auth, world, svc, people):
    late = _post(client, auth("thuky.dong"), "nghi-quyet-cong-nhan-chinh-thuc", world.dong_id, people["probationary"],
                 _fields(svc, "nghi-quyet-cong-nhan-chinh-thuc", date="2026-11-05", meeting_date="2026-11-05"))
    assert late.status_code == 201, late.json
    assert any("xét công nhận chậm" in w and "01/08/2026" in w for w in late.json["warnings"])
    from tests.integration.test_web_reading import _sign_in

    page = client.application.test_client()
    _sign_in(page, "thuky.dong")
    shown = page.get(f"/documents/{late.json['id']}").get_data(as_text=True)
    assert "Lưu ý:" in shown and "xét công nhận chậm" in shown  # the document page says it too
    # the lateness is the chi bộ's: the committee's decision on it does not claim the chi bộ met on its own date
    decision = _post(client, auth("admin"), "quyet-dinh-cong-nhan-chinh-thuc", world.root_id, people["probationary"],
                     _fields(svc, "quyet-dinh-cong-nhan-chinh-thuc", proposal_id=late.json["id"], date="2026-11-20"))
    assert decision.status_code == 201, decision.json
    assert decision.json["warnings"] == []


def test_a_decision_cites_a_resolution_that_exists_and_agrees(client, auth, world, svc, people):
    admin, secretary = auth("admin"), auth("thuky.dong")
    member = people["probationary"]
    fields = _fields(svc, "quyet-dinh-cong-nhan-chinh-thuc", date="2026-08-20", chi_bo="Chi bộ Thôn Đông")
    missing = _post(client, admin, "quyet-dinh-cong-nhan-chinh-thuc", world.root_id, member, fields)
    assert missing.status_code == 422 and "fields.proposal_id" in missing.json["errors"]
    nowhere = _post(client, admin, "quyet-dinh-cong-nhan-chinh-thuc", world.root_id, member,
                    {**fields, "proposal_id": 999999})
    assert nowhere.status_code == 422 and "999999" in nowhere.json["errors"]["fields.proposal_id"]
    monthly = client.post("/api/v1/documents", headers=secretary, json={
        "template": "nghi-quyet-chi-bo", "organization_id": world.dong_id,
        "fields": {**svc.templates.get("nghi-quyet-chi-bo").manifest.example, "date": "2026-08-05"}}).json
    other_kind = _post(client, admin, "quyet-dinh-cong-nhan-chinh-thuc", world.root_id, member,
                       {**fields, "proposal_id": monthly["id"]})
    assert other_kind.status_code == 422 and monthly["number"] in other_kind.json["errors"]["fields.proposal_id"]
    about_other = client.post("/api/v1/documents", headers=secretary, json={
        "template": "nghi-quyet-cong-nhan-chinh-thuc", "organization_id": world.dong_id,
        "fields": {**svc.templates.get("nghi-quyet-cong-nhan-chinh-thuc").manifest.example,
                   "date": "2026-08-06", "meeting_date": "2026-08-06"}}).json
    someone_else = _post(client, admin, "quyet-dinh-cong-nhan-chinh-thuc", world.root_id, member,
                         {**fields, "proposal_id": about_other["id"]})
    assert someone_else.status_code == 422 and "Đặng Minh Tuấn" in someone_else.json["errors"]["fields.proposal_id"]
    # typed rather than linked: a cell kept here must have the number in its register
    unknown = _post(client, admin, "quyet-dinh-cong-nhan-chinh-thuc", world.root_id, member,
                    {**fields, "proposal": "Nghị quyết số 07-NQ/CB ngày 07/08/2026 của Chi bộ Thôn Đông"})
    assert unknown.status_code == 422 and "Sổ văn bản đi" in unknown.json["errors"]["fields.proposal"]
    entered = client.post(f"/api/v1/organizations/{world.dong_id}/numbers", headers=secretary, json={
        "doc_type": "nghi_quyet", "sequence": 3, "date": "2026-08-07",
        "title": "đề nghị công nhận đảng viên chính thức (ký tay)"})
    assert entered.status_code == 201, entered.json
    wrong_day = _post(client, admin, "quyet-dinh-cong-nhan-chinh-thuc", world.root_id, member,
                      {**fields, "proposal": "Nghị quyết số 03-NQ/CB ngày 08/08/2026 của Chi bộ Thôn Đông"})
    assert wrong_day.status_code == 422 and "07/08/2026" in wrong_day.json["errors"]["fields.proposal"]
    later = _post(client, admin, "quyet-dinh-cong-nhan-chinh-thuc", world.root_id, member,
                  {**fields, "proposal": "Nghị quyết số 03-NQ/CB ngày 21/08/2026 của Chi bộ Thôn Đông"})
    assert later.status_code == 422 and "sau ngày của quyết định" in later.json["errors"]["fields.proposal"]
    illegible = _post(client, admin, "quyet-dinh-cong-nhan-chinh-thuc", world.root_id, member,
                      {**fields, "proposal": "nghị quyết tháng trước của chi bộ"})
    assert illegible.status_code == 422 and "Ghi như" in illegible.json["errors"]["fields.proposal"]
    typed = _post(client, admin, "quyet-dinh-cong-nhan-chinh-thuc", world.root_id, member,
                  {**fields, "proposal": "Nghị quyết số 03-NQ/CB ngày 07/08/2026 của Chi bộ Thôn Đông"})
    assert typed.status_code == 201, typed.json  # issued on paper and entered in the register: written out


def test_an_admission_paper_is_about_someone_not_yet_a_member(client, auth, world, svc, people):
    secretary = auth("thuky.dong")
    fields = _fields(svc, "nghi-quyet-de-nghi-ket-nap", date="2026-02-05")
    already = _post(client, secretary, "nghi-quyet-de-nghi-ket-nap", world.dong_id, people["official"], fields)
    assert already.status_code == 422 and "member_id" in already.json["errors"]
    before = _post(client, secretary, "nghi-quyet-de-nghi-ket-nap", world.dong_id, people["probationary"],
                   {**fields, "date": "2025-07-10", "meeting_date": "2025-07-10"})
    assert before.status_code == 201, before.json


def test_discipline_is_recorded_and_takes_effect_when_it_says(client, auth, world, svc, people):
    secretary = auth("thuky.dong")
    fields = _fields(svc, "nghi-quyet-ky-luat-chi-bo", date="2026-03-05", meeting_date="2026-03-05",
                     effective_from="2026-03-06")
    resolution = _post(client, secretary, "nghi-quyet-ky-luat-chi-bo", world.dong_id, people["official"], fields)
    assert resolution.status_code == 201, resolution.json
    text = _text(client, secretary, resolution.json)
    assert "hình thức KHIỂN TRÁCH" in text and "có hiệu lực kể từ ngày 06/03/2026" in text
    assert "đảng viên chính thức của chi bộ" in text
    with svc.catalogue.reader() as session:
        change = session.scalar(select(MemberChange).where(MemberChange.document_id == resolution.json["id"]))
        assert change.effective_on == dt.date(2026, 3, 6) and "khiển trách" in change.note
        assert change.status is MemberStatus.chinh_thuc  # a reprimand changes no state, but it is on record
    weak = _post(client, secretary, "nghi-quyet-ky-luat-chi-bo", world.dong_id, people["official"],
                 {**fields, "members_total": 20, "members_present": 15, "votes_for": 10})
    assert weak.status_code == 422 and "ít nhất 11" in weak.json["detail"]


def test_a_committee_resolution_needs_two_thirds_of_its_members(client, auth, world, svc):
    admin = auth("admin")
    fields = {**svc.templates.get("nghi-quyet-dang-uy-ket-nap").manifest.example, "date": "2026-03-02"}
    refused = client.post("/api/v1/documents", headers=admin, json={
        "template": "nghi-quyet-dang-uy-ket-nap", "organization_id": world.root_id,
        "fields": {**fields, "members_total": 15, "members_present": 12, "votes_for": 9}})
    assert refused.status_code == 422 and "2/3 số cấp ủy viên" in refused.json["detail"]
    accepted = client.post("/api/v1/documents", headers=admin, json={
        "template": "nghi-quyet-dang-uy-ket-nap", "organization_id": world.root_id, "fields": fields})
    assert accepted.status_code == 201, accepted.json
    decision = client.post("/api/v1/documents", headers=admin, json={
        "template": "quyet-dinh-ket-nap", "organization_id": world.root_id,
        "fields": {**_fields(svc, "quyet-dinh-ket-nap"), "date": "2026-03-03", "chi_bo": "Chi bộ Thôn Đông",
                   "person_name": fields["person_name"], "birth_date": fields["birth_date"],
                   "proposal_id": accepted.json["id"]}})
    assert decision.status_code == 201, decision.json
    # the đảng bộ's resolution is its committee's, and the decision says so
    assert f"Nghị quyết số {accepted.json['number']} ngày 02/03/2026 của Đảng ủy xã Tân Lập" in _text(
        client, admin, decision.json)


def test_the_compose_page_takes_the_member_from_the_record(app, world, svc, people):
    from tests.integration.test_web_meeting_form import _form
    from tests.integration.test_web_reading import _sign_in

    page = app.test_client()
    _sign_in(page, "admin")
    url = f"/documents/new/giay-gioi-thieu-sinh-hoat-dang?member_id={people['probationary']}"
    shown = page.get(url).get_data(as_text=True)
    assert "Lấy từ hồ sơ đảng viên" in shown and "Vũ Thị Lan" in shown and "dự bị" in shown
    assert 'name="person_name"' not in shown and 'name="card_number"' not in shown  # not typed again
    values = _form(shown)
    values.update({"organization_id": str(world.root_id), "date": "2026-03-12", "addressee": "Đảng ủy xã Bình An",
                   "hometown": "xã Tân Lập, tỉnh Hà Sơn", "to_org": "Đảng bộ xã Bình An", "reason": "chuyển nơi cư trú",
                   "dues_paid_through": "tháng 02 năm 2026", "valid_until": "2026-04-12",
                   "signer_name": "Phạm Văn Đức"})
    made = page.post(url, data=values)
    assert made.status_code == 302, made.get_data(as_text=True)[:3000]
    with svc.catalogue.reader() as session:
        document = session.scalars(select(Document).where(Document.template == "giay-gioi-thieu-sinh-hoat-dang")).one()
        assert document.member_id == people["probationary"] and document.fields["member_status"] == "dự bị"
        assert document.fields["card_number"] is None
    wrong = page.get(f"/documents/new/quyet-dinh-cong-nhan-chinh-thuc?member_id={people['official']}")
    assert wrong.status_code == 422 and "dành cho đảng viên dự bị" in wrong.get_data(as_text=True)


def test_a_name_typed_by_hand_is_read_from_the_record_of_that_member(client, auth, world, svc, people):
    """No member chosen, but the name typed is a member's: the paper is read from that record as if chosen."""
    secretary = auth("thuky.dong")
    fields = _fields(svc, "nghi-quyet-cong-nhan-chinh-thuc", date="2026-08-05", meeting_date="2026-08-05")
    official = _post(client, secretary, "nghi-quyet-cong-nhan-chinh-thuc", world.dong_id, None,
                     {**fields, "person_name": "đỗ văn  bình", "birth_date": "1970-01-01", "admitted_on": "2025-08-01"})
    assert official.status_code == 422 and "dành cho đảng viên dự bị" in official.json["detail"]
    removal = _fields(svc, "nghi-quyet-de-nghi-xoa-ten", date="2026-03-05", meeting_date="2026-03-05")
    contradicted = _post(client, secretary, "nghi-quyet-de-nghi-xoa-ten", world.dong_id, None,
                         {**removal, "person_name": "Vũ Thị Lan", "birth_date": "1998-04-13"})
    assert contradicted.status_code == 422, contradicted.json
    assert "12/04/1998" in contradicted.json["errors"]["fields.birth_date"]
    linked = _post(client, secretary, "nghi-quyet-de-nghi-xoa-ten", world.dong_id, None,
                   {**removal, "person_name": "Vũ Thị Lan"})
    assert linked.status_code == 201, linked.json
    with svc.catalogue.reader() as session:
        assert session.get(Document, linked.json["id"]).member_id == people["probationary"]
    assert "đảng viên dự bị" in _text(client, secretary, linked.json)
    stranger = _post(client, secretary, "nghi-quyet-de-nghi-xoa-ten", world.dong_id, None,
                     {**removal, "date": "2026-03-06", "meeting_date": "2026-03-06", "person_name": "Hồ Văn Xa",
                      "birth_date": "1970-01-01"})
    assert stranger.status_code == 201, stranger.json  # someone the system does not keep: as typed


def test_the_compose_page_writes_out_the_committee_a_paper_reports_to(app, world, svc):
    """The recipients' default names the committee ("Đảng ủy xã Tân Lập (b/c)"), never "{superior_body}";
    sent back unchanged, it follows the issuer actually chosen."""
    from tests.integration.test_web_meeting_form import _form
    from tests.integration.test_web_reading import _sign_in

    page = app.test_client()
    _sign_in(page, "thuky.dong")
    shown = page.get("/documents/new/bao-cao").get_data(as_text=True)
    assert "{superior_body}" not in shown and "Đảng ủy xã Tân Lập (b/c)" in shown
    values = _form(shown)
    example = svc.templates.get("bao-cao").manifest.example
    values.update({"organization_id": str(world.dong_id), "date": "2026-03-12", "subject": example["subject"],
                   "signer_name": "Nguyễn Văn Hùng", "sections.0.heading": "Tình hình",
                   "sections.0.text": "Chi bộ hoàn thành nhiệm vụ."})
    made = page.post("/documents/new/bao-cao", data=values)
    assert made.status_code == 302, made.get_data(as_text=True)[:3000]
    with svc.catalogue.reader() as session:
        document = session.scalars(select(Document).where(Document.template == "bao-cao")).one()
        assert "Đảng ủy xã Tân Lập (b/c)" in document.fields["recipients"]
        assert not any("{" in line for line in document.fields["recipients"])


def test_a_paper_is_not_valid_only_until_before_it_was_made(client, auth, world, svc, people):
    fields = _fields(svc, "giay-gioi-thieu-sinh-hoat-dang", date="2026-11-30", valid_until="2026-04-12")
    stale = _post(client, auth("admin"), "giay-gioi-thieu-sinh-hoat-dang", world.root_id, people["official"], fields)
    assert stale.status_code == 422 and "30/11/2026" in stale.json["errors"]["fields.valid_until"]
    later = _post(client, auth("thuky.dong"), "nghi-quyet-de-nghi-xoa-ten", world.dong_id, people["official"],
                  _fields(svc, "nghi-quyet-de-nghi-xoa-ten", date="2026-03-05", meeting_date="2026-03-06"))
    assert later.status_code == 422 and "fields.meeting_date" in later.json["errors"]


def test_a_vote_base_larger_than_the_record_allows_is_a_warning(client, auth, world, svc, people):
    """The example's 21 official members in a cell whose record has far fewer on that day: the paper is made
    (the record may be incomplete) and says so; figures within the record say nothing."""
    day = dt.date(2026, 3, 5)
    with svc.catalogue.reader() as session:
        could_vote = sum(1 for s in members_on(session, world.dong_id, day)
                         if s.status is MemberStatus.chinh_thuc and s.temporary is None and not s.suspended)
    assert 0 < could_vote < 21
    secretary = auth("thuky.dong")
    fields = _fields(svc, "nghi-quyet-de-nghi-xoa-ten", date=day.isoformat(), meeting_date=day.isoformat())
    too_many = _post(client, secretary, "nghi-quyet-de-nghi-xoa-ten", world.dong_id, people["official"], fields)
    assert too_many.status_code == 201, too_many.json
    assert any(f"có {could_vote} đảng viên chính thức có thể biểu quyết" in w and "văn bản ghi 21" in w
               for w in too_many.json["warnings"])
    within = _post(client, secretary, "nghi-quyet-de-nghi-xoa-ten", world.dong_id, people["official"],
                   {**fields, "members_total": could_vote, "members_present": could_vote, "votes_for": could_vote})
    assert within.status_code == 201, within.json
    assert within.json["warnings"] == []


def test_a_member_entered_without_history_is_official_only_from_the_official_date(client, auth, world, svc):
    """Data from before histories were kept: the record says official, but a paper dated before the official
    date prints the member as probationary, with no card."""
    with svc.catalogue.session() as session:
        member = Member(organization_id=world.dong_id, full_name="Lò Văn Pọm", status=MemberStatus.chinh_thuc,
                        birth_date=dt.date(1990, 5, 1), admitted_on=dt.date(2025, 1, 10),
                        official_on=dt.date(2026, 1, 10), card_number="31.000888")
        session.add(member)
        session.flush()
        member_id = member.id
    admin = auth("admin")
    fields = _fields(svc, "giay-gioi-thieu-sinh-hoat-dang", valid_until="2026-12-31")
    before = _post(client, admin, "giay-gioi-thieu-sinh-hoat-dang", world.root_id, member_id,
                   {**fields, "date": "2025-12-01"})
    assert before.status_code == 201, before.json
    after = _post(client, admin, "giay-gioi-thieu-sinh-hoat-dang", world.root_id, member_id,
                  {**fields, "date": "2026-02-02"})
    assert after.status_code == 201, after.json
    with svc.catalogue.reader() as session:
        early, late = session.get(Document, before.json["id"]), session.get(Document, after.json["id"])
        assert early.fields["member_status"] == "dự bị" and early.fields["card_number"] is None
        assert late.fields["member_status"] == "chính thức" and late.fields["card_number"] == "31.000888"
