"""What every search backend offers, independent of the engine behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from docservice.search.query import ParsedQuery

SCHEMA_VERSION = "2"  # 2: text prepared by docservice.text, no stored text


@dataclass(frozen=True)
class IndexedRecord:
    """One record as the index sees it (built by the indexer from the catalogue)."""

    id: int
    number: str | None
    number_key: str | None
    title: str
    text: str
    doc_type: str
    date: dt.date
    organization_id: int
    organization_ancestors: tuple[int, ...]
    confidentiality: int
    superseded: bool


@dataclass(frozen=True)
class Visibility:
    """Applied inside the engine's query: subtree of ``scope_org_id``, confidentiality ≤ level, and none of
    ``hidden`` — records whose index entry is stale (the indexer has not applied a change yet) and which the
    caller may no longer see, so hits, totals and facets alike leave them out."""

    scope_org_id: int
    clearance: int
    hidden: frozenset[int] = frozenset()


@dataclass(frozen=True)
class SearchRequest:
    query: ParsedQuery
    organization_id: int | None = None
    doc_type: str | None = None
    year: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    number_key: str | None = None
    include_superseded: bool = False
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class Hit:
    id: int
    score: float


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class SearchIndex(Protocol):
    """A search engine adapter. Errors of the engine surface as ``ServiceUnavailable``."""

    def upsert(self, records: list[IndexedRecord]) -> None: ...

    def delete(self, record_ids: list[int]) -> None: ...

    def search(self, request: SearchRequest, visibility: Visibility) -> SearchResult: ...

    def clear(self) -> None:
        """Empty the index and mark it with the current schema version."""
        ...

    def needs_rebuild(self) -> bool:
        """Whether the index is missing, will not open, or was built with another schema version."""
        ...

    def ids(self) -> set[int]:
        """Every record id in the index (for consistency checks)."""
        ...
