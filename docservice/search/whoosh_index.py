"""The Whoosh backend (whoosh-reloaded); the one module that imports whoosh.

Two text fields carry every record's title and text: ``exact`` (lower case, one tone placement) and
``folded`` (no marks, đ→d). A word typed with diacritics matches both, the exact form boosted so it
ranks first; a word typed without them matches the folded field. Scope and clearance are a filter
query applied by the searcher itself, so hits, totals, facet counts and snippets all come from
visible records only.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import Any

from whoosh import highlight, index, sorting
from whoosh.analysis import Filter, RegexTokenizer
from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.index import LockError
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
from docservice.text import fold_word, has_marks, normalize, normalize_word

EXACT_BOOST = 3.0
NUMBER_BOOST = 10.0
VERSION_FILE = "schema_version"


class _ExactFilter(Filter):
    def __call__(self, tokens: Any) -> Any:
        for token in tokens:
            token.text = normalize_word(token.text)
            yield token


class _FoldFilter(Filter):
    def __call__(self, tokens: Any) -> Any:
        for token in tokens:
            token.text = fold_word(token.text)
            yield token


def _analyzer(word_filter: Filter) -> Any:
    return RegexTokenizer(r"\w+") | word_filter


def schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        number_key=ID,
        exact=TEXT(analyzer=_analyzer(_ExactFilter()), phrase=True),
        folded=TEXT(analyzer=_analyzer(_FoldFilter()), phrase=True),
        content=STORED,
        doc_type=ID(sortable=True),
        year=ID(sortable=True),
        date=NUMERIC(int, bits=32, sortable=True),
        organization=ID(sortable=True),
        ancestors=KEYWORD,
        confidentiality=NUMERIC(int, bits=32),
        superseded=BOOLEAN,
    )


class _MarkFormatter(highlight.Formatter):
    """Matches in ``<mark>``, every other character HTML-escaped."""

    between = " … "

    def _text(self, text: str) -> str:
        return html.escape(text, quote=False)

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"<mark>{html.escape(highlight.get_text(text, token, replace), quote=False)}</mark>"


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
    return And(parts)


def _document(record: IndexedRecord) -> dict[str, Any]:
    content = normalize(f"{record.title}\n{record.text}")
    return {
        "id": str(record.id), "number_key": record.number_key or "", "exact": content,
        "folded": content, "content": content, "doc_type": record.doc_type,
        "year": str(record.date.year), "date": int(record.date.strftime("%Y%m%d")),
        "organization": str(record.organization_id),
        "ancestors": " ".join(str(a) for a in record.organization_ancestors),
        "confidentiality": record.confidentiality, "superseded": record.superseded,
    }


class WhooshIndex:
    """A Whoosh index in ``directory`` (created on first use)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _open(self) -> Any:
        if not index.exists_in(str(self.directory)):
            self.clear()
        return index.open_dir(str(self.directory))

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
        index.create_in(str(self.directory), schema())
        (self.directory / VERSION_FILE).write_text(SCHEMA_VERSION, encoding="ascii")

    def needs_rebuild(self) -> bool:
        marker = self.directory / VERSION_FILE
        if not index.exists_in(str(self.directory)) or not marker.exists():
            return True
        return marker.read_text(encoding="ascii").strip() != SCHEMA_VERSION

    def search(self, request: SearchRequest, visibility: Visibility) -> SearchResult:
        ix = self._open()
        facets = {"doc_type": sorting.FieldFacet("doc_type"), "year": sorting.FieldFacet("year"),
                  "organization": sorting.FieldFacet("organization")}
        sort = {"sortedby": "date", "reverse": True} if request.sort == "date" else {}
        with ix.searcher() as searcher:
            results = searcher.search_page(
                text_query(request.query), request.page, pagelen=request.per_page,
                filter=filter_query(request, visibility), groupedby=facets, terms=True, **sort,
            )
            results.results.formatter = _MarkFormatter()
            results.results.fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
            hits = [Hit(int(hit["id"]), float(hit.score or 0.0), self._snippet(hit)) for hit in results]
            counts = {name: {str(k): len(v) for k, v in results.results.groups(name).items()}
                      for name in facets}
            return SearchResult(total=results.total, hits=hits, facets=counts)

    @staticmethod
    def _snippet(hit: Any) -> str:
        content = hit["content"]
        marked = hit.highlights("folded", text=content, top=2) or hit.highlights("exact", text=content, top=2)
        return marked or html.escape(content[:240], quote=False)

