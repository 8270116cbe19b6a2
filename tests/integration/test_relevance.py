"""The judged relevance set on each backend: the first relevant record in the top 3 for at least 95% of
the queries; MRR and nDCG@10 printed (bench/relevance.py prints them without the test)."""

import pytest

from docservice.db.models import Clearance, Organization, OutboxEntry, Record, Role
from docservice.search.indexer import drain_once
from docservice.search.interface import SearchRequest
from docservice.search.query import parse_query
from docservice.search.service import search_records
from docservice.security.policy import Principal
from docservice.text import number_key
from tests import relevance


@pytest.fixture
def settings(settings_each_backend):
    return settings_each_backend


def load_judged_set(services, world, distractor_count=300):
    """The judged records and the distractors in the catalogue and the index; key → record id."""
    orgs = {"root": world.root_id, "dong": world.dong_id, "tay": world.tay_id}
    rows = list(relevance.RECORDS.items()) + [(f"x{i}", d) for i, d in
                                                  enumerate(relevance.distractors(distractor_count))]
    ids = {}
    with services.catalogue.session() as session:
        for n, (key, (title, text, doc_type, date, number, org)) in enumerate(rows):
            record = Record(sha256=f"{n:064x}", size=1, pages=1, organization_id=orgs[org], doc_type=doc_type,
                            date=date, title=title, text=text, number=number,
                            number_key=number_key(number) if number else None, text_source="text_layer")
            session.add(record)
            session.flush()
            session.add(OutboxEntry(entity="record", entity_id=record.id, action="upsert"))
            ids[key] = record.id
    while drain_once(services.catalogue, services.search_index):
        pass
    return ids, orgs


def evaluate(services, world):
    ids, orgs = load_judged_set(services, world)
    keys = {v: k for k, v in ids.items()}
    with services.catalogue.reader() as session:
        principal = Principal(None, "cli", Role.admin, world.root_id,
                              session.get(Organization, world.root_id).path, Clearance.tuyet_mat)
    rows = []
    for q, relevant, filters in relevance.QUERIES:
        extra = {k: v for k, v in filters.items() if k != "organization"}
        if "organization" in filters:
            extra["organization_id"] = orgs[filters["organization"]]
        page = search_records(SearchRequest(parse_query(q), per_page=10, **extra), principal,
                              catalogue=services.catalogue, index=services.search_index)
        ranked = [keys.get(hit["id"], "?") for hit in page.hits]
        rows.append((q, relevance.first_relevant_rank(ranked, relevant),
                     relevance.reciprocal_rank(ranked, relevant), relevance.ndcg_at(ranked, relevant)))
    return rows


def test_the_first_relevant_record_is_in_the_top_three_for_95_percent_of_queries(svc, world, settings):
    rows = evaluate(svc, world)
    assert len(rows) >= 40
    in_top3 = sum(1 for _, rank, _, _ in rows if rank is not None and rank <= 3) / len(rows)
    mrr = sum(r for _, _, r, _ in rows) / len(rows)
    ndcg = sum(n for _, _, _, n in rows) / len(rows)
    misses = [(q, rank) for q, rank, _, _ in rows if rank is None or rank > 3]
    print(f"\n{settings.search_backend}: {len(rows)} queries, top-3 {in_top3:.1%}, MRR {mrr:.3f}, nDCG@10 {ndcg:.3f}")
    assert in_top3 >= 0.95, misses
    assert all(rank == 1 for q, rank, _, _ in rows if q in relevance.EXACT_FIRST), rows
    assert mrr >= 0.85 and ndcg >= 0.85, (mrr, ndcg, misses)
