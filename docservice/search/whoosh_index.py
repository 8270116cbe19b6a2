"""The Whoosh backend (whoosh-reloaded); the one module that imports whoosh.

Two text fields carry every record's title and text: ``exact`` (lower case, one tone placement) and
``folded`` (no marks, đ→d), both prepared by ``docservice.text`` before Whoosh splits them into words.
A word typed with diacritics matches both, the exact form boosted so it ranks first; a word typed
without them matches the folded field. Scope and clearance are a filter query applied by the searcher
itself, so hits, totals and facet counts come from visible records only. Snippets are made by the
search service from the catalogue's text (the index stores no text). A searcher is kept per thread
and refreshed only when the index changed.
"""

from __future__ import annotations

import gc
import logging
import shutil
import threading
import traceback
import warnings
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path
from typing import Any

from whoosh import index, sorting
from whoosh.analysis import RegexTokenizer
from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.index import EmptyIndexError, LockError
from whoosh.query import And, AndNot, Every, NumericRange, Or, Phrase, Query, Term

from docservice.errors import ServiceUnavailable
from docservice.search.interface import (
    SCHEMA_VERSION,
    Hit,
    IndexedRecord,
    SearchRequest,
    SearchResult,
    Visibility,
)
from docservice.search.query import ParsedQuery
from docservice.text import exact_text, fold_word, folded_text, has_marks, normalize_word

log = logging.getLogger(__name__)
EXACT_BOOST = 3.0
NUMBER_BOOST = 10.0
VERSION_FILE = "schema_version"


def schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        number_key=ID,
        exact=TEXT(analyzer=RegexTokenizer(r"\w+"), phrase=True),
        folded=TEXT(analyzer=RegexTokenizer(r"\w+"), phrase=True),
        doc_type=ID(sortable=True),
        year=ID(sortable=True),
        date=NUMERIC(int, bits=32, sortable=True),
        organization=ID(sortable=True),
        ancestors=KEYWORD,
        confidentiality=NUMERIC(int, bits=32),
        superseded=BOOLEAN,
    )


def _word_query(word: str) -> Query:
    folded = Term("folded", fold_word(word))
    if has_marks(word):
        return Or([Term("exact", normalize_word(word), boost=EXACT_BOOST), folded])
    return folded


def _phrase_query(words: tuple[str, ...], *, exact_only: bool = False) -> Query:
    """The phrase in order; typed with diacritics it ranks (or, to exclude, matches) the exact form."""
    folded = Phrase("folded", [fold_word(w) for w in words])
    if any(has_marks(w) for w in words):
        exact = Phrase("exact", [normalize_word(w) for w in words], boost=EXACT_BOOST)
        return exact if exact_only else Or([exact, folded])
    return folded


def _number_query(parts: tuple[str, ...]) -> Query:
    """The number field, or the number cited in the text (e.g. a resolution implementing it)."""
    return Or([Term("number_key", "".join(parts), boost=NUMBER_BOOST), Phrase("folded", list(parts))])


def text_query(parsed: ParsedQuery) -> Query:
    """The Whoosh query for the words, phrases, numbers and exclusions of ``parsed``."""
    required = [_word_query(w) for w in parsed.words] + [_phrase_query(p) for p in parsed.phrases]
    required += [_number_query(n) for n in parsed.numbers]
    query: Query = And(required) if required else Every()
    excluded = [Term("exact", normalize_word(w)) if has_marks(w) else Term("folded", fold_word(w))
                for w in parsed.excluded]
    excluded += [_phrase_query(p, exact_only=True) for p in parsed.excluded_phrases]
    return AndNot(query, Or(excluded)) if excluded else query


def filter_query(request: SearchRequest, visibility: Visibility) -> Query:
    """Scope, clearance and the request's own filters, as one query the searcher applies."""
    parts: list[Query] = [
        Term("ancestors", str(visibility.scope_org_id)),
        NumericRange("confidentiality", None, visibility.clearance),
    ]
    if request.organization_id is not None:
        parts.append(Term("ancestors", str(request.organization_id)))
    if request.doc_type:
        parts.append(Term("doc_type", request.doc_type))
    if request.year is not None:
        parts.append(Term("year", str(request.year)))
    if request.date_from or request.date_to:
        low = int(request.date_from.strftime("%Y%m%d")) if request.date_from else None
        high = int(request.date_to.strftime("%Y%m%d")) if request.date_to else None
        parts.append(NumericRange("date", low, high))
    if request.number_key:
        parts.append(Term("number_key", request.number_key))
    if not request.include_superseded:
        parts.append(Term("superseded", False))
    if visibility.hidden:
        return AndNot(And(parts), Or([Term("id", str(i)) for i in sorted(visibility.hidden)]))
    return And(parts)


def _document(record: IndexedRecord) -> dict[str, Any]:
    content = f"{record.title}\n{record.text}"
    return {
        "id": str(record.id), "number_key": record.number_key or "", "exact": exact_text(content),
        "folded": folded_text(content), "doc_type": record.doc_type,
        "year": str(record.date.year), "date": int(record.date.strftime("%Y%m%d")),
        "organization": str(record.organization_id),
        "ancestors": " ".join(str(a) for a in record.organization_ancestors),
        "confidentiality": record.confidentiality, "superseded": record.superseded,
    }


def _release_leaked_files(exc: BaseException) -> None:
    """Whoosh leaves the file it failed to parse open in a frame of the traceback: close it now."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        traceback.clear_frames(exc.__traceback__)
        exc.__traceback__ = None
        gc.collect()


class WhooshIndex:
    """A Whoosh index in ``directory`` (created on first use)."""

    def __init__(self, directory: Path, *, cache_entries: int = 0) -> None:
        self.directory = directory
        self.cache_entries = cache_entries
        self._local = threading.local()
        self._generation = 0  # bumped by clear(): searchers of an emptied index are not refreshed

    def _open_existing(self) -> Any:
        """The index, ``None`` if there is none yet; ``OSError`` if it is there but will not open."""
        try:
            return index.open_dir(str(self.directory))
        except (EmptyIndexError, FileNotFoundError):
            return None
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            _release_leaked_files(exc)
        raise OSError(f"chỉ mục Whoosh trong {self.directory.name} không mở được ({message})")

    def _open(self) -> Any:
        found = self._open_existing()
        if found is None:
            self.clear()
            found = self._open_existing()
        return found

    def _writer(self) -> Any:
        try:
            return self._open().writer(timeout=30.0)
        except LockError as exc:
            raise ServiceUnavailable("Chỉ mục tìm kiếm đang bận; vui lòng thử lại.") from exc

    def upsert(self, records: list[IndexedRecord]) -> None:
        writer = self._writer()
        try:
            for record in records:
                writer.update_document(**_document(record))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def delete(self, record_ids: list[int]) -> None:
        writer = self._writer()
        for record_id in record_ids:
            writer.delete_by_term("id", str(record_id))
        writer.commit()

    def clear(self) -> None:
        if self.directory.exists():
            for child in self.directory.iterdir():
                if child.name != "README.md":
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._generation += 1
        index.create_in(str(self.directory), schema())
        (self.directory / VERSION_FILE).write_text(SCHEMA_VERSION, encoding="ascii")

    def needs_rebuild(self) -> bool:
        marker = self.directory / VERSION_FILE
        if not marker.exists() or marker.read_text(encoding="ascii").strip() != SCHEMA_VERSION:
            return True
        try:
            found = self._open_existing()
            return found is None or found.doc_count() < 0
        except Exception:  # a damaged index (a torn file, a lost segment) is rebuilt, not shown
            log.exception("search index in %s does not open", self.directory)
            return True

    def ids(self) -> set[int]:
        with self._open().searcher() as searcher:
            return {int(fields["id"]) for fields in searcher.all_stored_fields()}

    def _searcher(self) -> Any:
        """This thread's searcher, refreshed when the index has changed since it was opened."""
        local = self._local
        current = getattr(local, "searcher", None)
        if current is None or local.generation != self._generation or not current.up_to_date():
            # not Searcher.refresh(): it reuses segment readers and misses deletions in a kept segment
            if current is not None:
                current.close()
            local.searcher, local.generation = self._open().searcher(), self._generation
        return local.searcher

    def search(self, request: SearchRequest, visibility: Visibility) -> SearchResult:
        """Scoring and faceting every match is Python work in Whoosh, so the answer for the first
        ``CACHE_WINDOW`` hits of a search is kept (per thread, ``cache_entries`` searches, least
        recently used out) for as long as the index is unchanged: the next pages, and the same search
        again after opening a record, are then served from it. The key holds the whole request and the
        caller's scope and clearance; any change to the index (a new searcher) empties the cache."""
        searcher = self._searcher()
        first, last = (request.page - 1) * request.per_page, request.page * request.per_page
        if not self.cache_entries or last > CACHE_WINDOW:
            return _run(searcher, request, visibility)
        local = self._local
        if getattr(local, "cache_for", None) is not searcher:
            local.cache, local.cache_for = OrderedDict(), searcher
        key = (replace(request, page=1, per_page=CACHE_WINDOW), visibility)
        window = local.cache.get(key)
        if window is None:
            window = local.cache[key] = _run(searcher, key[0], visibility)
            while len(local.cache) > self.cache_entries:
                local.cache.popitem(last=False)
        else:
            local.cache.move_to_end(key)
        return SearchResult(total=window.total, hits=window.hits[first:last], facets=window.facets)


CACHE_WINDOW = 100  # hits kept per cached search: five pages of 20


def _run(searcher: Any, request: SearchRequest, visibility: Visibility) -> SearchResult:
    facets = {"doc_type": sorting.FieldFacet("doc_type"), "year": sorting.FieldFacet("year"),
              "organization": sorting.FieldFacet("organization")}
    sort = {"sortedby": "date", "reverse": True} if request.sort == "date" else {}
    results = searcher.search_page(
        text_query(request.query), request.page, pagelen=request.per_page,
        filter=filter_query(request, visibility), groupedby=facets, **sort,
    )
    # Whoosh answers a page past the end with the last page; past the end there are no hits
    hits = [Hit(int(hit["id"]), float(hit.score or 0.0)) for hit in results] if results.pagenum == request.page else []
    counts = {name: {str(k): len(v) for k, v in results.results.groups(name).items()} for name in facets}
    return SearchResult(total=results.total, hits=hits, facets=counts)
