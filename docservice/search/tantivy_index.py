"""The tantivy backend (tantivy-py, a Rust engine): the same fields and queries as the Whoosh one, for
archives where Whoosh is too slow (see bench/search.py and the README's figures).

The text is prepared by ``docservice.text`` exactly as for Whoosh (``exact``: lower case, one tone
placement; ``folded``: no marks, đ→d) and split by tantivy on ``\\w+``. Scope, clearance and the
request's filters are must-clauses without score inside the one query, so hits, totals and facet
counts (tantivy aggregations) come from visible records only. The index stores only ids.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import tantivy
from tantivy import FieldType, Occur, Order, Query

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
TOKENIZER = "vi_words"
FACET_SIZE = 10_000
WRITER_HEAP = 64_000_000
LOCK_WAIT_SECONDS = 30.0
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="tantivy-search")


def _schema() -> Any:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("number_key", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("exact", tokenizer_name=TOKENIZER, index_option="position")
    builder.add_text_field("folded", tokenizer_name=TOKENIZER, index_option="position")
    builder.add_text_field("doc_type", tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_integer_field("date", indexed=True, fast=True)
    builder.add_integer_field("organization", indexed=True, fast=True)
    builder.add_integer_field("ancestors", indexed=True)
    builder.add_integer_field("confidentiality", indexed=True, fast=True)
    builder.add_integer_field("superseded", indexed=True)
    return builder.build()


SCHEMA = _schema()


def _analyzer() -> Any:
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(r"\w+")).build()


def _term(field: str, value: Any) -> Any:
    return Query.term_query(SCHEMA, field, value)


def _all(queries: list[Any]) -> Any:
    return Query.boolean_query([(Occur.Must, q) for q in queries])


def _any(queries: list[Any]) -> Any:
    return Query.boolean_query([(Occur.Should, q) for q in queries])


def _phrase(field: str, words: list[str]) -> Any:
    return Query.phrase_query(SCHEMA, field, words) if len(words) > 1 else _term(field, words[0])


def _word_query(word: str) -> Any:
    folded = _term("folded", fold_word(word))
    if has_marks(word):
        return _any([Query.boost_query(_term("exact", normalize_word(word)), EXACT_BOOST), folded])
    return folded


def _phrase_query(words: tuple[str, ...], *, exact_only: bool = False) -> Any:
    """The folded phrase must match; typed with marks, its exact words add to the score (cheaper than a
    second, exact phrase over the same documents, and the same order where it matters)."""
    folded = _phrase("folded", [fold_word(w) for w in words])
    marked = [normalize_word(w) for w in words if has_marks(w)]
    if exact_only:
        return _phrase("exact", [normalize_word(w) for w in words]) if marked else folded
    if marked:
        boost = [(Occur.Should, Query.boost_query(_term("exact", w), EXACT_BOOST)) for w in marked]
        return Query.boolean_query([(Occur.Must, folded), *boost])
    return folded


def _number_query(parts: tuple[str, ...]) -> Any:
    return _any([Query.boost_query(_term("number_key", "".join(parts)), NUMBER_BOOST),
                 _phrase("folded", list(parts))])


def text_query(parsed: ParsedQuery) -> Any:
    required = [_word_query(w) for w in parsed.words] + [_phrase_query(p) for p in parsed.phrases]
    required += [_number_query(n) for n in parsed.numbers]
    excluded = [_term("exact", normalize_word(w)) if has_marks(w) else _term("folded", fold_word(w))
                for w in parsed.excluded]
    excluded += [_phrase_query(p, exact_only=True) for p in parsed.excluded_phrases]
    clauses = [(Occur.Must, q) for q in required] or [(Occur.Must, Query.all_query())]
    clauses += [(Occur.MustNot, q) for q in excluded]
    return Query.boolean_query(clauses)


def _range(field: str, low: int | None, high: int | None) -> Any:
    return Query.range_query(SCHEMA, field, FieldType.Integer, low if low is not None else -(2**62),
                             high if high is not None else 2**62)


def filter_query(request: SearchRequest, visibility: Visibility) -> Any:
    parts = [_term("ancestors", visibility.scope_org_id), _range("confidentiality", None, visibility.clearance)]
    if request.organization_id is not None:
        parts.append(_term("ancestors", request.organization_id))
    if request.doc_type:
        parts.append(_term("doc_type", request.doc_type))
    if request.year is not None:
        parts.append(_term("year", request.year))
    if request.date_from or request.date_to:
        parts.append(_range("date", int(request.date_from.strftime("%Y%m%d")) if request.date_from else None,
                            int(request.date_to.strftime("%Y%m%d")) if request.date_to else None))
    if request.number_key:
        parts.append(_term("number_key", request.number_key))
    if not request.include_superseded:
        parts.append(_term("superseded", 0))
    if visibility.hidden:
        parts = [(Occur.Must, _all(parts)),
                 (Occur.MustNot, Query.term_set_query(SCHEMA, "id", sorted(visibility.hidden)))]
        return Query.const_score_query(Query.boolean_query(parts), 0.0)
    return Query.const_score_query(_all(parts), 0.0)


def _document(record: IndexedRecord) -> Any:
    content = f"{record.title}\n{record.text}"
    doc = tantivy.Document()
    doc.add_integer("id", record.id)
    if record.number_key:
        doc.add_text("number_key", record.number_key)
    doc.add_text("exact", exact_text(content))
    doc.add_text("folded", folded_text(content))
    doc.add_text("doc_type", record.doc_type)
    doc.add_integer("year", record.date.year)
    doc.add_integer("date", int(record.date.strftime("%Y%m%d")))
    doc.add_integer("organization", record.organization_id)
    for ancestor in record.organization_ancestors:
        doc.add_integer("ancestors", ancestor)
    doc.add_integer("confidentiality", record.confidentiality)
    doc.add_integer("superseded", int(record.superseded))
    return doc


_FACETS = {"doc_type": {"terms": {"field": "doc_type", "size": FACET_SIZE}},
           "year": {"terms": {"field": "year", "size": FACET_SIZE}},
           "organization": {"terms": {"field": "organization", "size": FACET_SIZE}}}


def _bucket_key(key: Any) -> str:
    return str(int(key)) if isinstance(key, float) else str(key)


class TantivyIndex:
    """A tantivy index in ``directory`` (created on first use)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._index: Any = None
        self._lock = threading.Lock()

    def _open(self) -> Any:
        with self._lock:
            if self._index is None:
                if not (self.directory / "meta.json").exists():
                    self._create()
                index = tantivy.Index(SCHEMA, path=str(self.directory), reuse=True)
                index.register_tokenizer(TOKENIZER, _analyzer())
                self._index = index
            return self._index

    def _create(self) -> None:
        if self.directory.exists():
            for child in self.directory.iterdir():
                if child.name != "README.md":
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
        self.directory.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(SCHEMA, path=str(self.directory), reuse=False)
        index.register_tokenizer(TOKENIZER, _analyzer())
        writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
        writer.commit()
        writer.wait_merging_threads()
        (self.directory / VERSION_FILE).write_text(SCHEMA_VERSION, encoding="ascii")

    def _writer(self) -> Any:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                return self._open().writer(heap_size=WRITER_HEAP, num_threads=1)
            except ValueError as exc:  # another process holds the writer lock
                if time.monotonic() > deadline:
                    raise ServiceUnavailable("Chỉ mục tìm kiếm đang bận; vui lòng thử lại.") from exc
                time.sleep(0.1)

    def _write(self, change: Any) -> None:
        writer = self._writer()
        try:
            change(writer)
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()

    def upsert(self, records: list[IndexedRecord]) -> None:
        def change(writer: Any) -> None:
            for record in records:
                writer.delete_documents_by_term("id", record.id)
                writer.add_document(_document(record))

        self._write(change)

    def delete(self, record_ids: list[int]) -> None:
        def change(writer: Any) -> None:
            for record_id in record_ids:
                writer.delete_documents_by_term("id", record_id)

        self._write(change)

    def clear(self) -> None:
        with self._lock:
            self._index = None
            self._create()

    def needs_rebuild(self) -> bool:
        marker = self.directory / VERSION_FILE
        if not (self.directory / "meta.json").exists() or not marker.exists():
            return True
        if marker.read_text(encoding="ascii").strip() != SCHEMA_VERSION:
            return True
        try:  # opened afresh: the cached one would not notice damage done since
            tantivy.Index(SCHEMA, path=str(self.directory), reuse=True).searcher()
        except Exception:  # a damaged index is rebuilt, not shown
            log.exception("search index in %s does not open", self.directory)
            with self._lock:
                self._index = None
            return True
        return False

    def ids(self) -> set[int]:
        index = self._open()
        index.reload()
        searcher = index.searcher()
        found = searcher.search(Query.all_query(), limit=max(1, searcher.num_docs), count=False)
        return {int(searcher.doc(address)["id"][0]) for _, address in found.hits}

    def search(self, request: SearchRequest, visibility: Visibility) -> SearchResult:
        index = self._open()
        index.reload()
        searcher = index.searcher()
        query = Query.boolean_query([(Occur.Must, text_query(request.query)),
                                     (Occur.Must, filter_query(request, visibility))])
        offset = (request.page - 1) * request.per_page
        # Two passes at once (tantivy releases the GIL): the facets, whose type counts also give the
        # total (every record has one type), and the top hits, collected without counting so that the
        # engine may skip what cannot rank.
        sort = {"order_by_field": "date", "order": Order.Desc} if request.sort == "date" else {}
        top = _POOL.submit(searcher.search, query, limit=request.per_page, offset=offset, count=False, **sort)
        aggregated = searcher.aggregate(query, _FACETS)
        facets = {name: {_bucket_key(bucket["key"]): int(bucket["doc_count"])
                         for bucket in aggregated.get(name, {}).get("buckets", [])} for name in _FACETS}
        found = top.result()
        hits = [Hit(int(searcher.doc(address)["id"][0]), float(score) if not sort else 0.0)
                for score, address in found.hits]
        return SearchResult(total=sum(facets["doc_type"].values()), hits=hits, facets=facets)
