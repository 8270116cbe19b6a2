"""Search as the API offers it: parse, trim by scope and clearance, fetch hit metadata."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from docservice.db import Catalogue
from docservice.db.models import Organization, OutboxEntry, Record
from docservice.errors import ServiceUnavailable
from docservice.search.interface import SearchIndex, SearchRequest, Visibility
from docservice.search.snippets import make_snippet
from docservice.security import policy
from docservice.security.audit import audit_reads, confidential_read


@dataclass(frozen=True)
class SearchPage:
    total: int
    page: int
    per_page: int
    hits: list[dict[str, Any]]
    facets: dict[str, list[dict[str, Any]]]


def _hit(record: Record, score: float, snippet: str) -> dict[str, Any]:
    return {
        "id": record.id, "number": record.number, "title": record.title, "doc_type": record.doc_type,
        "date": record.date, "organization": {"id": record.organization.id, "name": record.organization.name},
        "score": round(score, 4), "snippet": snippet,
    }


def _searched_text(record: Record) -> str:
    return f"{record.title}\n{record.text}"


def _facets(raw: dict[str, dict[str, int]], org_names: dict[int, str]) -> dict[str, list[dict[str, Any]]]:
    def ordered(counts: dict[str, int]) -> list[tuple[str, int]]:
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    return {
        "doc_type": [{"value": k, "count": n} for k, n in ordered(raw.get("doc_type", {}))],
        "year": [{"value": int(k), "count": n} for k, n in ordered(raw.get("year", {}))],
        "organization": [{"id": int(k), "name": org_names.get(int(k), ""), "count": n}
                         for k, n in ordered(raw.get("organization", {}))],
    }


HIDDEN_LIMIT = 10_000


def no_longer_visible(session: Session, principal: policy.Principal, include_superseded: bool) -> frozenset[int]:
    """Records with a change the indexer has not applied yet that the caller may not see now (reclassified,
    moved, disposed, superseded): their index entries may still say otherwise. Too many to leave out
    one by one is a 503 — the index is catching up."""
    now_visible = policy.visible(Record, principal).where(Record.id == OutboxEntry.entity_id,
                                                          Record.disposed_at.is_(None))
    if not include_superseded:
        now_visible = now_visible.where(Record.superseded.is_(False))
    stale = (select(OutboxEntry.entity_id).distinct()
             .where(OutboxEntry.entity == "record", OutboxEntry.processed_at.is_(None), ~now_visible.exists())
             .limit(HIDDEN_LIMIT + 1))
    hidden = frozenset(session.scalars(stale))
    if len(hidden) > HIDDEN_LIMIT:
        raise ServiceUnavailable("Chỉ mục tìm kiếm đang cập nhật nhiều thay đổi; vui lòng tìm lại sau ít phút.",
                                 headers={"Retry-After": "30"})
    return hidden


def search_records(
    request: SearchRequest, principal: policy.Principal, *, catalogue: Catalogue, index: SearchIndex,
) -> SearchPage:
    """One page of hits and facets, limited to what ``principal`` may see.

    An ``organization_id`` outside the caller's scope is ``NotFound``. Hits are re-read from the
    catalogue through the visibility policy as well, so a stale index entry can never show a
    record the caller may not see.
    """
    policy.require(principal, "search")
    with catalogue.reader() as session:
        if request.organization_id is not None:
            policy.get_organization(session, request.organization_id, principal)
        visibility = Visibility(principal.scope_org_id, int(principal.clearance),
                                hidden=no_longer_visible(session, principal, request.include_superseded))
        result = index.search(request, visibility)
        ids = [hit.id for hit in result.hits]
        records = {r.id: r for r in session.scalars(policy.visible(Record, principal).where(Record.id.in_(ids))
                                                    .options(contains_eager(Record.organization)))}
        org_ids = [int(k) for k in result.facets.get("organization", {})]
        names = dict(session.execute(
            policy.visible_organizations(principal).where(Organization.id.in_(org_ids))
            .with_only_columns(Organization.id, Organization.name)
        ).all())
        hits = [_hit(records[h.id], h.score, make_snippet(_searched_text(records[h.id]), request.query))
                for h in result.hits if h.id in records]
    # a snippet shows a piece of the paper's text: for a confidential one, that is a read like opening it
    audit_reads(catalogue, principal, "search.snippet", [confidential_read(records[h["id"]]) for h in hits])
    return SearchPage(result.total, request.page, request.per_page, hits, _facets(result.facets, names))
