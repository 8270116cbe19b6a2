def test_the_profile_in_force_is_visible(client, auth, world):
    headers = auth("uyvien")
    old = client.get("/api/v1/rules?date=2026-01-08", headers=headers).json
    new = client.get("/api/v1/rules?date=2026-01-09", headers=headers).json
    assert old["in_force"]["key"] == "2018" and new["in_force"]["key"] == "2026"
    assert [p["key"] for p in new["profiles"]] == ["2018", "2026"]
    assert new["profiles"][0]["effective_to"] == "2026-01-08" and new["profiles"][1]["effective_to"] is None
    profile = new["in_force"]
    assert profile["header_title"] == "ĐẢNG CỘNG SẢN VIỆT NAM" and profile["number"]["prefix"] == "Số"
    assert profile["signature"]["collegial"] == "T/M" and profile["signature"]["by_authorisation"] is None
    assert "quorum" in profile["unconfirmed"] and profile["quorum"]["numerator"] == 2
    assert client.get("/api/v1/rules", headers=headers).json["in_force"]["key"] == "2026"


def test_one_profile_by_key_and_404_for_an_unknown_one(client, auth, world):
    headers = auth("uyvien")
    assert client.get("/api/v1/rules/2018", headers=headers).json["signature"]["by_authorisation"] == "T/U"
    response = client.get("/api/v1/rules/1999", headers=headers)
    assert response.status_code == 404 and response.content_type == "application/problem+json"
    assert client.get("/api/v1/rules?date=hôm-nay", headers=headers).status_code == 422
