"""Ingest throughput: text-layer PDFs per second end to end, and OCR pages per second with accuracy.

End to end = hash, parse, signature check, text, store (temp → fsync → rename), catalogue + outbox,
then the indexer's pass; several uploads at once, as web workers would. OCR = scanned A4 pages of
known Vietnamese text read by Tesseract ``vie`` in parallel, scored word by word.
Run: ``.venv/bin/python bench/ingest.py``. Results are measurements, not tests.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docservice.archive.service import RecordMetadata, archive_pdf  # noqa: E402
from docservice.archive.text import extract_text  # noqa: E402
from docservice.cli import initialise  # noqa: E402
from docservice.config import Settings  # noqa: E402
from docservice.search.indexer import drain_once  # noqa: E402
from docservice.security.policy import Principal  # noqa: E402
from docservice.services import Services  # noqa: E402
from tests.builders import build_world, scanned_pdf, text_pdf  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"
FALLBACK = ("Chi bộ đã lãnh đạo đảng viên và quần chúng thực hiện tốt các nhiệm vụ chính trị của địa phương. "
            "Công tác phát triển đảng viên được quan tâm; rà soát, sàng lọc đảng viên theo đúng quy định. ") * 8


def corpus_paragraphs() -> list[str]:
    """Paragraphs of the shared corpus when it is beside the project, else a built-in text."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SHARED.glob("*.txt"))] if SHARED.is_dir() else []
    paragraphs = [p.strip() for text in texts for p in text.split("\n") if len(p.strip()) > 200]
    return paragraphs or [FALLBACK]


def _principal(services: Services) -> Principal:
    from sqlalchemy import select

    from docservice.db.models import User

    with services.catalogue.reader() as session:
        return Principal.of(session.scalar(select(User).where(User.username == "luutru")))


def end_to_end(count: int, workers: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        services = Services.build(Settings(archive_dir=Path(tmp) / "a", search_dir=Path(tmp) / "s",
                                           templates_dir=ROOT / "templates_docx", test_database_url=None))
        initialise(services, demo=False)
        with services.catalogue.session() as session:
            world = build_world(session)
        principal = _principal(services)
        paragraphs = corpus_paragraphs()
        files = []
        for index in range(count):
            path = Path(tmp) / f"in-{index}.pdf"
            path.write_bytes(text_pdf(f"Hồ sơ số {index}. " + paragraphs[index % len(paragraphs)][:1500]))
            files.append(path)
        meta = RecordMetadata(doc_type="bao_cao", date="2024-05-06", organization_id=world.dong_id, title="Báo cáo")

        def ingest(path: Path) -> None:
            archive_pdf(path, meta, principal, catalogue=services.catalogue, blobs=services.blobs,
                        rules=services.rules)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(ingest, files))
        while drain_once(services.catalogue, services.search_index):
            pass
        return count / (time.perf_counter() - started)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def ocr(pages: int) -> tuple[float, float]:
    paragraphs = corpus_paragraphs()
    truths = [paragraphs[i % len(paragraphs)][:600] for i in range(pages)]
    with tempfile.TemporaryDirectory() as tmp:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter()
        for truth in truths:
            lines = re.findall(r".{1,55}(?:\s|$)", truth)
            import io

            writer.append(PdfReader(io.BytesIO(scanned_pdf("\n".join(line.strip() for line in lines)))))
        path = Path(tmp) / "scan.pdf"
        with path.open("wb") as out:
            writer.write(out)
        started = time.perf_counter()
        result = extract_text(path, pages, workers=os.cpu_count() or 1)
        rate = pages / (time.perf_counter() - started)
    read_pages = result.text.split("\f")
    exact = total = 0
    for truth, read in zip(truths, read_pages, strict=True):
        expected, got = _words(truth), _words(read)
        matcher = difflib.SequenceMatcher(a=expected, b=got, autojunk=False)
        exact += sum(block.size for block in matcher.get_matching_blocks())
        total += len(expected)
    return rate, exact / total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--pages", type=int, default=8)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    rate = end_to_end(args.documents, workers=cores * 2)
    ocr_rate, accuracy = ocr(args.pages)
    source = "shared corpus" if SHARED.is_dir() else "built-in text"
    print(f"# Ingest on {cores} cores ({source})")
    print(f"text-layer PDFs end to end (hash, parse, signatures, text, store, index): {rate:.1f} /s")
    print(f"OCR (Tesseract vie, 300 dpi, pages in parallel): {ocr_rate:.2f} pages/s, "
          f"{accuracy * 100:.1f}% of words exact")


if __name__ == "__main__":
    main()
