"""Roles × organisations × clearance: every user sees in hits, totals, facets and snippets exactly the
records of their subtree at or below their clearance — on each search backend, through the API."""

import datetime as dt
import json
from collections import Counter

import pytest

from docservice.db.models import Clearance, OutboxEntry, Record
from docservice.search.indexer import drain_once

LEVELS = [Clearance.thuong, Clearance.mat, Clearance.toi_mat, Clearance.tuyet_mat]
KINDS = ["nghi_quyet", "bien_ban"]
# user → (organisation key, clearance) as tests.builders.build_world makes them
USERS = {"admin": ("root", Clearance.toi_mat), "luutru": ("root", Clearance.mat),
         "uyvien": ("root", Clearance.thuong), "thuky.dong": ("dong", Clearance.mat),
         "thuky.tay": ("tay", Clearance.thuong), "docgia.tay": ("tay", Clearance.thuong)}


@pytest.fixture
def settings(settings_each_backend):
    return settings_each_backend


@pytest.fixture
def archive(svc, world):
    """Two records of each kind at each level in each organisation, each with its own marker word."""
    orgs = {"root": world.root_id, "dong": world.dong_id, "tay": world.tay_id}
    made = []
    with svc.catalogue.session() as session:
        for org_key, org_id in orgs.items():
            for level in LEVELS:
                for k, kind in enumerate(KINDS):
                    marker = f"dấu{org_key}{level.name}{k}"
                    record = Record(sha256=f"{len(made):064x}", size=1, pages=1, organization_id=org_id,
                                    doc_type=kind, date=dt.date(2015 + len(made) % 3, 5, 1),
                                    title=f"Văn bản {marker}", confidentiality=level, text_source="text_layer",
                                    text=f"Kế hoạch xây dựng Đảng trong sạch vững mạnh {marker}.")
                    session.add(record)
                    session.flush()
                    session.add(OutboxEntry(entity="record", entity_id=record.id, action="upsert"))
                    made.append({"id": record.id, "org": org_key, "level": level, "kind": kind,
                                 "year": record.date.year, "marker": marker})
    while drain_once(svc.catalogue, svc.search_index):
        pass
    return made


def _may_see(user, record):
    org, clearance = USERS[user]
    return (org == "root" or record["org"] == org) and record["level"] <= clearance


@pytest.mark.parametrize("q", ["xây dựng đảng", "xay dung dang", '"trong sạch vững mạnh"', "kế hoạch -nghịquyết"])
def test_each_user_sees_exactly_their_records_in_hits_totals_facets_and_snippets(client, auth, world, archive, q):
    org_ids = {"root": world.root_id, "dong": world.dong_id, "tay": world.tay_id}
    for user in USERS:
        expected = [r for r in archive if _may_see(user, r)]
        hidden = [r for r in archive if not _may_see(user, r)]
        response = client.get("/api/v1/search", query_string={"q": q, "per_page": 100}, headers=auth(user))
        assert response.status_code == 200, (user, response.data)
        body = response.json
        assert body["total"] == len(expected), user
        assert sorted(h["id"] for h in body["hits"]) == sorted(r["id"] for r in expected), user
        facets = body["facets"]
        assert {f["value"]: f["count"] for f in facets["doc_type"]} == dict(Counter(r["kind"] for r in expected))
        assert {f["value"]: f["count"] for f in facets["year"]} == dict(Counter(r["year"] for r in expected))
        assert {f["id"]: f["count"] for f in facets["organization"]} == dict(
            Counter(org_ids[r["org"]] for r in expected)), user
        text = json.dumps(body, ensure_ascii=False)
        assert not [r["marker"] for r in hidden if r["marker"] in text], user


def test_a_hidden_record_is_not_found_even_by_its_own_words(client, auth, archive):
    secret = next(r for r in archive if r["org"] == "dong" and r["level"] == Clearance.tuyet_mat)
    for user in USERS:
        body = client.get("/api/v1/search", query_string={"q": secret["marker"]}, headers=auth(user)).json
        assert body["total"] == 0 and body["hits"] == [] and all(not v for v in body["facets"].values()), user


def test_while_the_indexer_lags_totals_and_facets_leave_out_what_the_reader_may_no_longer_see(
        client, auth, world, archive, svc):
    """A record reclassified to mật, moved to another chi bộ or disposed stays in the index until the indexer
    applies it. Meanwhile hits were always re-read from the catalogue, but totals and facets came from the
    index: they must not count it either."""
    reader = auth("docgia.tay")  # thường, Chi bộ Thôn Tây
    params = {"q": "xây dựng đảng", "per_page": 100}
    before = client.get("/api/v1/search", query_string=params, headers=reader).json
    mine = [r for r in archive if r["org"] == "tay" and r["level"] == Clearance.thuong]
    assert before["total"] == len(mine) == 2
    reclassified, moved = mine
    with svc.catalogue.session() as session:
        session.get(Record, reclassified["id"]).confidentiality = Clearance.mat
        session.get(Record, moved["id"]).organization_id = world.dong_id
        for record in (reclassified, moved):
            session.add(OutboxEntry(entity="record", entity_id=record["id"], action="upsert"))
    lagging = client.get("/api/v1/search", query_string=params, headers=reader).json
    assert lagging["total"] == 0 and lagging["hits"] == []
    assert all(not values for values in lagging["facets"].values()), lagging["facets"]
    # the committee still finds both (it may see them) and, once the indexer has caught up, nothing changes
    everyone = client.get("/api/v1/search", query_string=params, headers=auth("luutru")).json["total"]
    while drain_once(svc.catalogue, svc.search_index):
        pass
    assert client.get("/api/v1/search", query_string=params, headers=reader).json["total"] == 0
    assert client.get("/api/v1/search", query_string=params, headers=auth("luutru")).json["total"] == everyone
