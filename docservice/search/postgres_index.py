"""The PostgreSQL full-text backend: the index is a table beside the catalogue, so a PostgreSQL deployment
needs no index files (``DOCSERVICE_SEARCH_BACKEND=postgres``).

The words are those of the other backends: ``docservice.text`` prepares the exact form (lower case,
one tone placement) and the folded form (no marks, đ→d), and this module writes them as ``tsvector``
values with their positions itself — PostgreSQL's own parser would split "5-nq/cb" and treat
non-ASCII letters by the server's locale. Queries are ``tsquery`` values built the same way: every word
must match its folded form, a word typed with marks adds its exact form to the rank (×3), phrases use
``<->``, numbers match the number key (×10) or the cited number in the text. Scope, clearance and
filters are in the same WHERE clause as the words, so hits, totals and facets see only visible rows.
A rebuild replaces the whole table in one transaction: searches see the old rows until it commits.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine

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

EXACT_BOOST = 3.0
NUMBER_BOOST = 10.0
MAX_POSITION = 16383  # PostgreSQL's limit; later words keep this position
MAX_WORDS = 200_000
_WORD = re.compile(r"\w+")
SCHEMA = "docservice_search"
TABLE = f"{SCHEMA}.documents"


def _tsvector(prepared: str) -> str:
    """``'word':1,7 'other':2`` — positions as the words come, no parser involved."""
    positions: dict[str, list[int]] = {}
    for index, match in enumerate(_WORD.finditer(prepared)):
        if index >= MAX_WORDS:
            break
        found = positions.setdefault(match.group(0), [])
        if len(found) < 256:  # PostgreSQL keeps at most 256 positions of a lexeme
            found.append(min(index + 1, MAX_POSITION))
    return " ".join(f"'{word}':{','.join(map(str, places))}" for word, places in positions.items())


def _lexeme(word: str) -> str:
    return "'" + word.replace("'", "''").replace("\\", "\\\\") + "'"


def _phrase(words: Iterable[str]) -> str:
    return "(" + " <-> ".join(_lexeme(w) for w in words) + ")"


class _Query:
    """The WHERE clause and rank expression of one search, with its parameters."""

    def __init__(self, parsed: ParsedQuery, request: SearchRequest, visibility: Visibility) -> None:
        self.params: dict[str, Any] = {}
        conditions, ranks = [], []
        folded = [_lexeme(fold_word(w)) for w in parsed.words] + [_phrase(fold_word(w) for w in p)
                                                                   for p in parsed.phrases]
        exact = [_lexeme(normalize_word(w)) for w in parsed.words if has_marks(w)]
        exact += [_phrase(normalize_word(w) for w in p) for p in parsed.phrases if any(has_marks(w) for w in p)]
        if folded:
            self.params["folded"] = " & ".join(folded)
            conditions.append("folded @@ CAST(:folded AS tsquery)")
            ranks.append("ts_rank(folded, CAST(:folded AS tsquery))")
        if exact:
            self.params["exact"] = " | ".join(exact)
            ranks.append(f"{EXACT_BOOST} * ts_rank(exact, CAST(:exact AS tsquery))")
        for n, parts in enumerate(parsed.numbers):
            self.params[f"nk{n}"], self.params[f"np{n}"] = "".join(parts), _phrase(parts)
            conditions.append(f"(number_key = :nk{n} OR folded @@ CAST(:np{n} AS tsquery))")
            ranks.append(f"CASE WHEN number_key = :nk{n} THEN {NUMBER_BOOST} ELSE 0 END"
                         f" + ts_rank(folded, CAST(:np{n} AS tsquery))")
        excluded = [f"exact @@ CAST({_param(self.params, 'xe', _lexeme(normalize_word(w)))} AS tsquery)"
                    if has_marks(w) else
                    f"folded @@ CAST({_param(self.params, 'xf', _lexeme(fold_word(w)))} AS tsquery)"
                    for w in parsed.excluded]
        excluded += [f"exact @@ CAST({_param(self.params, 'xp', _phrase(normalize_word(w) for w in p))} AS tsquery)"
                     for p in parsed.excluded_phrases]
        conditions += [f"NOT ({c})" for c in excluded]
        conditions += ["ancestors @> ARRAY[CAST(:scope AS integer)]", "confidentiality <= :clearance"]
        self.params.update(scope=visibility.scope_org_id, clearance=visibility.clearance)
        if request.organization_id is not None:
            conditions.append("ancestors @> ARRAY[CAST(:org AS integer)]")
            self.params["org"] = request.organization_id
        if request.doc_type:
            conditions.append("doc_type = :doc_type")
            self.params["doc_type"] = request.doc_type
        if request.year is not None:
            conditions.append("year = :year")
            self.params["year"] = request.year
        if request.date_from:
            conditions.append("date >= :date_from")
            self.params["date_from"] = int(request.date_from.strftime("%Y%m%d"))
        if request.date_to:
            conditions.append("date <= :date_to")
            self.params["date_to"] = int(request.date_to.strftime("%Y%m%d"))
        if request.number_key:
            conditions.append("number_key = :number_key")
            self.params["number_key"] = request.number_key
        if not request.include_superseded:
            conditions.append("NOT superseded")
        if visibility.hidden:
            conditions.append("NOT (record_id = ANY(CAST(:hidden AS integer[])))")
            self.params["hidden"] = sorted(visibility.hidden)
        self.where = " AND ".join(conditions)
        self.rank = " + ".join(ranks) or "0"


def _param(params: dict[str, Any], prefix: str, value: str) -> str:
    name = f"{prefix}{len(params)}"
    params[name] = value
    return f":{name}"


_ROW = ("record_id", "number_key", "exact", "folded", "doc_type", "year", "date", "organization_id", "ancestors",
        "confidentiality", "superseded")


def _row(record: IndexedRecord) -> dict[str, Any]:
    content = f"{record.title}\n{record.text}"
    return {"record_id": record.id, "number_key": record.number_key, "exact": _tsvector(exact_text(content)),
            "folded": _tsvector(folded_text(content)), "doc_type": record.doc_type, "year": record.date.year,
            "date": int(record.date.strftime("%Y%m%d")), "organization_id": record.organization_id,
            "ancestors": list(record.organization_ancestors), "confidentiality": record.confidentiality,
            "superseded": record.superseded}


class PostgresIndex:
    """The index as the table ``docservice_search.documents`` of the PostgreSQL database at ``url``."""

    def __init__(self, url: str | Engine) -> None:
        self.engine = create_engine(url, pool_pre_ping=True) if isinstance(url, str) else url

    def _create(self, conn: Connection, table: str = TABLE) -> None:
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
        conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
        conn.execute(text(f"""CREATE TABLE {table} (
            record_id integer PRIMARY KEY, number_key text, exact tsvector NOT NULL, folded tsvector NOT NULL,
            doc_type text NOT NULL, year integer NOT NULL, date integer NOT NULL, organization_id integer NOT NULL,
            ancestors integer[] NOT NULL, confidentiality integer NOT NULL, superseded boolean NOT NULL)"""))
        suffix = uuid.uuid4().hex[:8]  # index names stay unique when a rebuilt table is renamed into place
        for name, definition in (("exact", "USING GIN (exact)"), ("folded", "USING GIN (folded)"),
                                 ("ancestors", "USING GIN (ancestors)"), ("number_key", "(number_key)"),
                                 ("date", "(date)")):
            conn.execute(text(f"CREATE INDEX ix_search_{name}_{suffix} ON {table} {definition}"))
        if table == TABLE:
            self._set_version(conn)

    @staticmethod
    def _set_version(conn: Connection) -> None:
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.meta (version text NOT NULL)"))
        conn.execute(text(f"DELETE FROM {SCHEMA}.meta"))
        conn.execute(text(f"INSERT INTO {SCHEMA}.meta VALUES (:v)"), {"v": SCHEMA_VERSION})

    def _ensure(self, conn: Connection) -> None:
        if conn.execute(text("SELECT to_regclass(:t)"), {"t": TABLE}).scalar() is None:
            self._create(conn)

    def _insert(self, conn: Connection, records: list[IndexedRecord], table: str = TABLE) -> None:
        columns = ", ".join(_ROW)
        values = ", ".join(f"CAST(:{c} AS tsvector)" if c in ("exact", "folded") else f":{c}" for c in _ROW)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _ROW if c != "record_id")
        conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values}) "
                          f"ON CONFLICT (record_id) DO UPDATE SET {updates}"), [_row(r) for r in records])

    def upsert(self, records: list[IndexedRecord]) -> None:
        if not records:
            return
        with self.engine.begin() as conn:
            self._ensure(conn)
            self._insert(conn, records)

    def delete(self, record_ids: list[int]) -> None:
        with self.engine.begin() as conn:
            self._ensure(conn)
            conn.execute(text(f"DELETE FROM {TABLE} WHERE record_id = ANY(:ids)"), {"ids": list(record_ids)})

    def clear(self) -> None:
        with self.engine.begin() as conn:
            self._create(conn)

    def replace_all(self, batches: Iterable[list[IndexedRecord]], progress: Any = lambda n: None) -> int:
        """Fill a new table, then put it in place of the old one in one short transaction: searches
        use the old rows until the swap, and a failed rebuild leaves them in place."""
        building = f"{SCHEMA}.documents_rebuild"
        total = 0
        with self.engine.begin() as conn:
            self._create(conn, building)
        try:
            for records in batches:
                if records:
                    with self.engine.begin() as conn:
                        self._insert(conn, records, building)
                total += len(records)
                progress(len(records))
        except BaseException:
            with self.engine.begin() as conn:
                conn.execute(text(f"DROP TABLE IF EXISTS {building}"))
            raise
        with self.engine.begin() as conn:
            conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
            conn.execute(text(f"ALTER TABLE {building} RENAME TO documents"))
            self._set_version(conn)
        return total

    def needs_rebuild(self) -> bool:
        with self.engine.connect() as conn:
            if conn.execute(text("SELECT to_regclass(:t)"), {"t": TABLE}).scalar() is None:
                return True
            return conn.execute(text(f"SELECT version FROM {SCHEMA}.meta")).scalar() != SCHEMA_VERSION

    def ids(self) -> set[int]:
        with self.engine.connect() as conn:
            self._ensure(conn)
            return set(conn.execute(text(f"SELECT record_id FROM {TABLE}")).scalars())

    def size_bytes(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT pg_total_relation_size(:t)"), {"t": TABLE}).scalar() or 0)

    def search(self, request: SearchRequest, visibility: Visibility) -> SearchResult:
        query = _Query(request.query, request, visibility)
        order = "date DESC, record_id DESC" if request.sort == "date" else "score DESC, record_id"
        params = {**query.params, "limit": request.per_page, "offset": (request.page - 1) * request.per_page}
        with self.engine.connect() as conn:
            self._ensure(conn)
            hits = conn.execute(text(
                f"SELECT record_id, {query.rank} AS score, date FROM {TABLE} WHERE {query.where} "
                f"ORDER BY {order} LIMIT :limit OFFSET :offset"), params).all()
            groups = conn.execute(text(
                f"SELECT doc_type, year, organization_id, count(*) FROM {TABLE} WHERE {query.where} "
                "GROUP BY GROUPING SETS ((doc_type), (year), (organization_id), ())"), query.params).all()
        facets: dict[str, dict[str, int]] = {"doc_type": {}, "year": {}, "organization": {}}
        total = 0
        for doc_type, year, organization_id, count in groups:
            if doc_type is not None:
                facets["doc_type"][doc_type] = count
            elif year is not None:
                facets["year"][str(year)] = count
            elif organization_id is not None:
                facets["organization"][str(organization_id)] = count
            else:
                total = count
        return SearchResult(total=total, hits=[Hit(int(r[0]), float(r[1] or 0.0)) for r in hits], facets=facets)
