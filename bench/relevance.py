"""The judged relevance set (tests/relevance.py) on each search backend: top-3 rate, MRR, nDCG@10 and
the queries whose first relevant record is not first.
Run: ``.venv/bin/python bench/relevance.py [--postgres URL-of-an-empty-database]``. Results are
measurements, not tests.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docservice.cli import initialise  # noqa: E402
from docservice.config import Settings  # noqa: E402
from docservice.services import Services  # noqa: E402
from tests.builders import build_world  # noqa: E402
from tests.integration.test_relevance import evaluate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="an empty PostgreSQL database for the postgres backend")
    args = parser.parse_args()
    print(f"{'backend':<10} {'queries':>7} {'top-3':>7} {'MRR':>6} {'nDCG@10':>8}  not first")
    for backend in ("whoosh", "tantivy", "postgres") if args.postgres else ("whoosh", "tantivy"):
        with tempfile.TemporaryDirectory() as tmp:
            services = Services.build(Settings(archive_dir=Path(tmp) / "a", search_dir=Path(tmp) / "s",
                                               templates_dir=ROOT / "templates_docx", search_backend=backend,
                                               database_url=args.postgres if backend == "postgres" else None,
                                               test_database_url=None))
            initialise(services, demo=False)
            with services.catalogue.session() as session:
                world = build_world(session)
            rows = evaluate(services, world)
            services.catalogue.dispose()
        top3 = sum(1 for _, rank, _, _ in rows if rank and rank <= 3) / len(rows)
        mrr = sum(r for _, _, r, _ in rows) / len(rows)
        ndcg = sum(n for _, _, _, n in rows) / len(rows)
        late = [f"{q!r}→{rank}" for q, rank, _, _ in rows if rank != 1]
        print(f"{backend:<10} {len(rows):>7} {top3:>7.1%} {mrr:>6.3f} {ndcg:>8.3f}  {', '.join(late) or '—'}")


if __name__ == "__main__":
    main()
