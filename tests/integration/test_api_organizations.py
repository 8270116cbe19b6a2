def test_organisations_are_limited_to_the_callers_subtree(client, auth, world):
    everyone = client.get("/api/v1/organizations", headers=auth("uyvien")).json
    assert everyone["total"] == 3 and {o["id"] for o in everyone["items"]} == {world.root_id, world.dong_id,
                                                                               world.tay_id}
    tay = client.get("/api/v1/organizations", headers=auth("docgia.tay")).json
    assert tay["total"] == 1 and tay["items"][0]["name"] == "Chi bộ Thôn Tây"
    assert tay["items"][0]["abbreviation"] == "CB" and len(tay["items"][0]["terms"]) == 2
    page = client.get("/api/v1/organizations?per_page=2&page=2", headers=auth("uyvien")).json
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (3, 2, 2, 1)


def test_members_of_an_organisation_in_scope_and_404_outside(client, auth, world):
    members = client.get(f"/api/v1/organizations/{world.dong_id}/members", headers=auth("thuky.dong")).json
    assert members["total"] == 3
    names = {m["full_name"]: m for m in members["items"]}
    assert names["Nguyễn Thị Hoà"]["position"] == "bi_thu" and names["Nguyễn Thị Hoà"]["card_number"] == "12.345678"
    assert names["Lê Văn Đến"]["temporary"] == "den" and names["Trần Văn Thuỷ"]["status"] == "du_bi"
    hidden = client.get(f"/api/v1/organizations/{world.dong_id}/members", headers=auth("docgia.tay"))
    assert hidden.status_code == 404 and hidden.get_json(force=True)["code"] == "not_found"
    assert client.get("/api/v1/organizations/999999", headers=auth("admin")).status_code == 404


def test_list_parameters_are_checked(client, auth, world):
    for query in ("per_page=101", "page=0", "per_page=abc", "bogus=1"):
        response = client.get(f"/api/v1/organizations?{query}", headers=auth("uyvien"))
        assert response.status_code == 422, query
        assert response.content_type == "application/problem+json"


def test_admins_add_organisations_and_non_overlapping_terms_in_scope(client, auth, world, svc):
    from sqlalchemy import select

    from docservice.db.models import AuditEvent

    admin = auth("admin")
    body = {"parent_id": world.root_id, "code": "cb-thon-nam", "kind": "chi_bo", "name": "Chi bộ Thôn Nam"}
    created = client.post("/api/v1/organizations", json=body, headers=admin)
    assert created.status_code == 201 and created.json["abbreviation"] == "CB"
    assert created.json["superior_name"] == "Đảng bộ xã Tân Lập"
    assert client.post("/api/v1/organizations", json=body, headers=admin).status_code == 409
    secretary = auth("thuky.dong")
    assert client.post("/api/v1/organizations", json={**body, "code": "x-1"}, headers=secretary).status_code == 403
    org_id = created.json["id"]
    term = client.post(f"/api/v1/organizations/{org_id}/terms", headers=admin,
                       json={"name": "2025–2030", "start_date": "2025-07-01"})
    assert term.status_code == 201
    overlap = client.post(f"/api/v1/organizations/{org_id}/terms", headers=admin,
                          json={"name": "2026–2031", "start_date": "2026-01-01"})
    assert overlap.status_code == 409 and "2025–2030" in overlap.json["detail"]
    backwards = client.post(f"/api/v1/organizations/{world.tay_id}/terms", headers=admin,
                            json={"name": "x", "start_date": "2030-01-01", "end_date": "2029-01-01"})
    assert backwards.status_code == 422
    with svc.catalogue.session() as session:
        from docservice.db.models import Clearance, Role, User

        session.add(User(username="qt.tay", password_hash=session.scalar(select(User.password_hash).limit(1)),
                         role=Role.admin, organization_id=world.tay_id, clearance=Clearance.mat))
    tay_admin = auth("qt.tay")
    assert client.post("/api/v1/organizations", json={**body, "code": "cb-con", "parent_id": world.dong_id},
                       headers=tay_admin).status_code == 404
    with svc.catalogue.reader() as session:
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "organization")))
    assert actions == ["organization.create", "term.create"]
