"""Search engines side by side on the same generated Vietnamese party records and the same queries.

Engines: the Whoosh and tantivy backends of docservice (through the ``SearchIndex`` interface, with
scope/clearance filters and facets, as the API calls them), the PostgreSQL backend with ``--postgres
URL``, and SQLite FTS5 (``unicode61 remove_diacritics 2``) as a peer used directly (top 20 by bm25, the
total and the three facet counts, in SQL). Records: minutes, resolutions, decisions, reports of ~1,000
words with numbers, dates and organisations (``--words``), drawn from party-work sentences (and the
shared corpus when it lies beside the project). Query kinds: words typed with and without
diacritics, phrases, document numbers in another form, and words with organisation and year filters.

Run: ``.venv/bin/python bench/search.py --records 10000 100000`` (add ``--engines``, ``--queries``).
Results are measurements, not tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docservice.search.interface import IndexedRecord, SearchRequest, Visibility  # noqa: E402
from docservice.search.query import parse_query  # noqa: E402
from docservice.text import number_key  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"
KINDS = [("nghi_quyet", "Nghị quyết", "NQ"), ("bien_ban", "Biên bản", "BB"), ("quyet_dinh", "Quyết định", "QĐ"),
         ("bao_cao", "Báo cáo", "BC"), ("ke_hoach", "Kế hoạch", "KH"), ("thong_bao", "Thông báo", "TB")]
SUBJECTS = ["công tác phát triển đảng viên", "rà soát, sàng lọc đảng viên", "xóa tên đảng viên",
            "kiểm tra, giám sát", "thu, nộp đảng phí", "xây dựng nông thôn mới", "phòng, chống tham nhũng",
            "hòa giải ở cơ sở", "công tác thủy lợi nội đồng", "chuyển đổi số", "an ninh trật tự",
            "đánh giá, xếp loại chất lượng", "kết nạp quần chúng ưu tú", "quản lý đảng viên đi làm ăn xa",
            "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", "giải phóng mặt bằng",
            "khuyến học, khuyến tài", "bảo vệ môi trường", "vệ sinh an toàn thực phẩm", "phòng chống thiên tai"]
SENTENCES = [
    "Chi bộ đã lãnh đạo đảng viên và quần chúng thực hiện tốt nhiệm vụ chính trị của địa phương.",
    "Đồng chí Bí thư chi bộ quán triệt nội dung nghị quyết của cấp ủy cấp trên.",
    "Các đồng chí đảng viên phát biểu ý kiến, thống nhất với dự thảo báo cáo.",
    "Công tác kiểm tra, giám sát được thực hiện theo đúng kế hoạch đề ra.",
    "Một số đảng viên chưa thực hiện đầy đủ chế độ sinh hoạt, cần được nhắc nhở.",
    "Chi ủy đề nghị xem xét kết nạp quần chúng ưu tú vào Đảng trong quý tới.",
    "Việc thu, nộp đảng phí được thực hiện đầy đủ, đúng quy định.",
    "Hội nghị thống nhất biểu quyết thông qua nghị quyết với tỷ lệ tán thành cao.",
    "Tình hình an ninh chính trị, trật tự an toàn xã hội trên địa bàn ổn định.",
    "Phong trào thi đua yêu nước được đẩy mạnh, nhiều mô hình hay được nhân rộng.",
    "Cấp ủy chỉ đạo rà soát, sàng lọc, đưa đảng viên không đủ tư cách ra khỏi Đảng.",
    "Đảng viên đi làm ăn xa được quản lý chặt chẽ thông qua giấy giới thiệu sinh hoạt tạm thời.",
    "Tổ hòa giải ở cơ sở đã hòa giải thành công nhiều vụ việc mâu thuẫn trong nhân dân.",
    "Công tác thủy lợi nội đồng được tu bổ kịp thời trước mùa mưa lũ.",
    "Chuyển đổi số trong hoạt động của chi bộ bước đầu mang lại hiệu quả thiết thực.",
    "Đồng chí Nguyễn Văn Hòa được phân công theo dõi công tác khuyến học của thôn.",
    "Ban Chi ủy họp định kỳ hằng tháng để đánh giá kết quả thực hiện nhiệm vụ.",
    "Chi bộ tổ chức học tập, quán triệt các chỉ thị, nghị quyết mới của Trung ương.",
    "Tiếp tục thực hiện Chỉ thị số 05-CT/TW về đẩy mạnh học tập và làm theo tư tưởng Hồ Chí Minh.",
    "Kết quả đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên năm qua đạt khá.",
]
NUMBERS_CITED = ["21-NQ/TW", "05-CT/TW", "28-QĐ/TW", "12-NQ/TW", "24-QĐ/TW", "36-HD/VPTW", "66-QĐ/TW"]


def _sentences() -> list[str]:
    extra = []
    if SHARED.is_dir():
        for path in sorted(SHARED.glob("*.txt")):
            extra += [s.strip() + "." for s in path.read_text(encoding="utf-8").split(".") if len(s.split()) > 6]
    return SENTENCES + extra


def organisations(count: int = 60) -> list[tuple[int, tuple[int, ...]]]:
    """(id, ancestors) of a tree: 1 root, 5 đảng bộ, chi bộ under them."""
    orgs = [(1, (1,))] + [(2 + i, (1, 2 + i)) for i in range(5)]
    orgs += [(7 + i, (1, 2 + i % 5, 7 + i)) for i in range(count - 6)]
    return orgs


def generate(count: int, words: int, seed: int = 1) -> Iterator[IndexedRecord]:
    rng = random.Random(seed)
    sentences = _sentences()
    orgs = organisations()
    for i in range(1, count + 1):
        doc_type, name, abbreviation = rng.choice(KINDS)
        subject = rng.choice(SUBJECTS)
        org_id, ancestors = rng.choice(orgs)
        date = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(36 * 365))
        number = f"{rng.randint(1, 99):02d}-{abbreviation}/{'ĐU' if len(ancestors) == 2 else 'CB'}"
        body, size = [], 0
        while size < words:
            sentence = rng.choice(sentences)
            if rng.random() < 0.05:
                sentence = f"Thực hiện {rng.choice(NUMBERS_CITED)} về {rng.choice(SUBJECTS)}."
            if rng.random() < 0.1:
                sentence = f"Ngày {rng.randint(1, 28):02d} tháng {rng.randint(1, 12):02d} năm {date.year}, {sentence}"
            body.append(sentence)
            size += len(sentence.split())
        yield IndexedRecord(id=i, number=number, number_key=number_key(number), title=f"{name} về {subject}",
                            text=" ".join(body), doc_type=doc_type, date=date, organization_id=org_id,
                            organization_ancestors=ancestors, confidentiality=0 if rng.random() < 0.9 else 1,
                            superseded=False)


def queries(count: int, seed: int = 2) -> dict[str, list[str]]:
    rng = random.Random(seed)
    from docservice.text import fold

    words = [w for s in SUBJECTS for w in s.replace(",", "").split()]
    return {
        "words": [f"{rng.choice(words)} {rng.choice(words)}" for _ in range(count)],
        "no marks": [fold(f"{rng.choice(words)} {rng.choice(words)}") for _ in range(count)],
        "phrase": [f'"{" ".join(rng.choice(SUBJECTS).replace(",", "").split()[:3])}"' for _ in range(count)],
        "number": [rng.choice(NUMBERS_CITED).replace("-", " ").replace("/", " ") for _ in range(count)],
        "filtered": [f"{rng.choice(words)} year:{rng.randint(1990, 2025)} org:{rng.randint(2, 6)}"
                     for _ in range(count)],
    }


def _request(q: str) -> SearchRequest:
    parts = q.split()
    filters = dict(p.split(":") for p in parts if ":" in p)
    text = " ".join(p for p in parts if ":" not in p)
    return SearchRequest(query=parse_query(text), year=int(filters["year"]) if "year" in filters else None,
                         organization_id=int(filters["org"]) if "org" in filters else None)


VISIBLE = Visibility(scope_org_id=1, clearance=0)


class Engine:
    name = ""

    def index(self, records: Iterator[IndexedRecord], batch: int = 1000) -> None:
        chunk: list[IndexedRecord] = []
        for record in records:
            chunk.append(record)
            if len(chunk) == batch:
                self.add(chunk)
                chunk = []
        if chunk:
            self.add(chunk)

    def add(self, records: list[IndexedRecord]) -> None: ...
    def query(self, q: str) -> int: ...
    def size(self) -> int: ...


class Backend(Engine):
    def __init__(self, name: str, factory: Callable[[Path], object], directory: Path) -> None:
        self.name, self.directory = name, directory
        self.backend = factory(directory)

    def add(self, records: list[IndexedRecord]) -> None:
        self.backend.upsert(records)

    def query(self, q: str) -> int:
        return self.backend.search(_request(q), VISIBLE).total

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.directory.rglob("*") if p.is_file())


class Fts5(Engine):
    """The peer: SQLite FTS5, diacritics removed by its tokenizer, filters and facets in SQL."""

    name = "sqlite-fts5 (peer)"

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "fts.sqlite3"
        self.db = sqlite3.connect(self.path)
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, text, number_key UNINDEXED, "
                        "tokenize = 'unicode61 remove_diacritics 2')")
        self.db.execute("CREATE TABLE meta (id INTEGER PRIMARY KEY, doc_type TEXT, year INT, org INT, "
                        "ancestors TEXT, confidentiality INT)")

    def add(self, records: list[IndexedRecord]) -> None:
        with self.db:
            self.db.executemany("INSERT INTO docs(rowid, title, text, number_key) VALUES (?, ?, ?, ?)",
                                [(r.id, r.title, r.text, r.number_key) for r in records])
            self.db.executemany("INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?)",
                                [(r.id, r.doc_type, r.date.year, r.organization_id,
                                  "," + ",".join(map(str, r.organization_ancestors)) + ",", r.confidentiality)
                                 for r in records])

    def query(self, q: str) -> int:
        request = _request(q)
        parsed = request.query
        terms = [f'"{w}"' for w in parsed.words] + ['"' + " ".join(p) + '"' for p in parsed.phrases]
        terms += ['"' + " ".join(n) + '"' for n in parsed.numbers]
        where = "docs MATCH ? AND meta.ancestors LIKE ? AND meta.confidentiality <= ?"
        args: list[object] = [" AND ".join(terms), f"%,{VISIBLE.scope_org_id},%", VISIBLE.clearance]
        if request.year is not None:
            where += " AND meta.year = ?"
            args.append(request.year)
        if request.organization_id is not None:
            where += " AND meta.ancestors LIKE ?"
            args.append(f"%,{request.organization_id},%")
        base = f"FROM docs JOIN meta ON meta.id = docs.rowid WHERE {where}"
        self.db.execute(f"SELECT docs.rowid {base} ORDER BY bm25(docs) LIMIT 20", args).fetchall()
        total = self.db.execute(f"SELECT count(*) {base}", args).fetchone()[0]
        for column in ("doc_type", "year", "org"):
            self.db.execute(f"SELECT meta.{column}, count(*) {base} GROUP BY 1", args).fetchall()
        return total

    def size(self) -> int:
        self.db.commit()
        return self.path.stat().st_size


def _engines(names: list[str], work: Path, postgres: str | None) -> list[Engine]:
    from docservice.search.tantivy_index import TantivyIndex
    from docservice.search.whoosh_index import WhooshIndex

    made: list[Engine] = []
    for name in names:
        if name == "whoosh":
            made.append(Backend("whoosh (docservice)", WhooshIndex, work / "whoosh"))
        elif name == "tantivy":
            made.append(Backend("tantivy (docservice)", TantivyIndex, work / "tantivy"))
        elif name == "fts5":
            made.append(Fts5(work / "fts5"))
        elif name == "postgres" and postgres:
            from docservice.search.postgres_index import PostgresIndex

            engine = Backend("postgres (docservice)", lambda _d: PostgresIndex(postgres), work / "pg")
            engine.backend.clear()
            engine.size = lambda backend=engine.backend: backend.size_bytes()  # type: ignore[method-assign]
            made.append(engine)
    return made


def _ms(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run(count: int, words: int, names: list[str], per_kind: int, postgres: str | None) -> list[dict]:
    rows = []
    asked = queries(per_kind)
    records = list(generate(count, words))  # generated before the clock starts
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        for engine in _engines(names, Path(tmp), postgres):
            started = time.perf_counter()
            engine.index(iter(records))
            seconds = time.perf_counter() - started
            row = {"engine": engine.name, "records": count, "index rec/s": count / seconds,
                   "size MB": engine.size() / 1e6}
            for kind, texts in asked.items():
                engine.query(texts[0])  # warm
                times, totals = [], []
                for text in texts:
                    t0 = time.perf_counter()
                    totals.append(engine.query(text))
                    times.append(time.perf_counter() - t0)
                row[kind] = (_ms(times, 0.5), _ms(times, 0.95), statistics.mean(totals))
            rows.append(row)
            print(_line(row), flush=True)
    return rows


KINDS_ORDER = ["words", "no marks", "phrase", "number", "filtered"]


def _header() -> str:
    cells = [f"{'engine':<24}", f"{'records':>8}", f"{'index rec/s':>11}", f"{'size MB':>8}"]
    cells += [f"{kind + ' p50/p95 ms':>24}" for kind in KINDS_ORDER]
    return " ".join(cells)


def _line(row: dict) -> str:
    cells = [f"{row['engine']:<24}", f"{row['records']:>8}", f"{row['index rec/s']:>11.0f}", f"{row['size MB']:>8.1f}"]
    cells += [f"{row[k][0]:>8.1f} / {row[k][1]:>7.1f} ({row[k][2]:>5.0f})" for k in KINDS_ORDER]
    return " ".join(cells)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, nargs="+", default=[10_000])
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--engines", nargs="+", default=["whoosh", "tantivy", "fts5"])
    parser.add_argument("--queries", type=int, default=100, help="queries of each kind")
    parser.add_argument("--postgres", default=os.environ.get("DOCSERVICE_BENCH_POSTGRES"),
                        help="a PostgreSQL URL for the postgres engine (a scratch schema is used)")
    args = parser.parse_args()
    print(f"{args.words}-word records; {args.queries} queries of each kind; (mean total hits) after each timing")
    print(_header())
    for count in args.records:
        run(count, args.words, args.engines, args.queries, args.postgres)


if __name__ == "__main__":
    main()
