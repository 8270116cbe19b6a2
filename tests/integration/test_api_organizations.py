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
