"""PDF sniffing and parsing (the one module that imports pypdf for inspection)."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from docservice.errors import UnsupportedMediaType, UnusablePdf

logging.getLogger("pypdf").setLevel(logging.ERROR)

_TAIL = 64 * 1024


MAX_PAGES = 10_000


@dataclass(frozen=True)
class PdfFacts:
    """What the archive records about a PDF's structure."""

    pages: int
    signature_fields: int
    risky_features: tuple[str, ...]
    page_sizes: tuple[tuple[float, float], ...] = ()


def _sniff(path: Path) -> bool:
    """Refuse what is no PDF or has no end; whether bytes other than blanks follow the last ``%%EOF``."""
    with path.open("rb") as handle:
        head = handle.read(1024)
        handle.seek(max(0, path.stat().st_size - _TAIL))
        tail = handle.read()
    if b"%PDF-" not in head:
        raise UnsupportedMediaType("Tệp tải lên không phải là PDF.")
    if b"%%EOF" not in tail:
        raise UnusablePdf("Tệp PDF bị cắt cụt hoặc hỏng (không có dấu kết thúc %%EOF).")
    return bool(tail[tail.rindex(b"%%EOF") + 5:].strip(b" \t\r\n\x00\x0c"))


def _risky_features(reader: PdfReader) -> tuple[str, ...]:
    root = reader.trailer["/Root"]
    names = root.get("/Names", {})
    found = []
    if "/JavaScript" in names or ("/OpenAction" in root and "/JS" in str(root.get("/OpenAction"))):
        found.append("javascript")
    if "/EmbeddedFiles" in names:
        found.append("embedded_files")
    if any("/Launch" in str(annot.get_object().get("/A", ""))
           for page in reader.pages for annot in page.get("/Annots", []) or []):
        found.append("launch_action")
    return tuple(found)


def _signature_fields(reader: PdfReader) -> int:
    fields = reader.get_fields() or {}
    return sum(1 for field in fields.values() if field.get("/FT") == "/Sig")


def _page_count(reader: PdfReader, max_pages: int) -> int:
    declared = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
    if isinstance(declared, int) and declared > max_pages:
        raise UnusablePdf(f"Tệp PDF khai báo {declared} trang, vượt giới hạn {max_pages} trang.")
    pages = len(reader.pages)
    if pages == 0:
        raise UnusablePdf("Tệp PDF không có trang nào.")
    if pages > max_pages:
        raise UnusablePdf(f"Tệp PDF có {pages} trang, vượt giới hạn {max_pages} trang.")
    return pages


def page_count(data: bytes) -> int:
    """Pages of the PDF in ``data``; ``UnusablePdf`` when it is not a readable PDF with pages."""
    try:
        pages = len(PdfReader(io.BytesIO(data)).pages) if data.startswith(b"%PDF-") else 0
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UnusablePdf("Tệp PDF không đọc được.") from exc
    if pages == 0:
        raise UnusablePdf("Tệp PDF rỗng hoặc không có trang nào.")
    return pages


def _reader(path: Path) -> tuple[PdfReader, bool]:
    """A reader of the file; if only an earlier revision parses (bytes were appended after an
    ``%%EOF``), a reader of that revision and ``True``. The stored file is never changed."""
    try:
        return PdfReader(path, strict=False), False
    except _PARSE_ERRORS:
        return _earlier_revision(path.read_bytes()), True


def open_pdf(data: bytes) -> PdfReader:
    """A reader of PDF bytes as the archive reads them (an earlier revision when only that parses)."""
    try:
        return PdfReader(io.BytesIO(data), strict=False)
    except _PARSE_ERRORS:
        return _earlier_revision(data)


_PARSE_ERRORS = (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError)


def _earlier_revision(data: bytes) -> PdfReader:
    ends = [m.end() for m in re.finditer(rb"%%EOF(?:\r\n|\r|\n)?", data)][:-1]
    for end in reversed(ends[-20:]):
        try:
            return PdfReader(io.BytesIO(data[:end]), strict=False)
        except _PARSE_ERRORS:
            continue
    raise PdfReadError("no revision of the file parses")


def _page_size(page: object) -> tuple[float, float]:
    box = page.mediabox  # type: ignore[attr-defined]
    return abs(float(box.width)), abs(float(box.height))


def inspect_pdf(path: Path, *, max_pages: int = MAX_PAGES) -> PdfFacts:
    """Pages, page sizes and risky features of the PDF at ``path``.

    Raises ``UnsupportedMediaType`` when it is not a PDF and ``UnusablePdf`` when it is truncated,
    unparseable, encrypted, has no pages or more than ``max_pages``.
    """
    appended = _sniff(path)
    try:
        reader, trailing = _reader(path)
        if reader.is_encrypted:
            raise UnusablePdf("Tệp PDF được mã hóa (có mật khẩu); hãy gửi bản không mã hóa.")
        pages = _page_count(reader, max_pages)
        sizes = tuple(_page_size(page) for page in reader.pages)
        risky = _risky_features(reader) + (("trailing_data",) if trailing or appended else ())
        return PdfFacts(pages, _signature_fields(reader), risky, sizes)
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UnusablePdf("Không đọc được cấu trúc tệp PDF (tệp hỏng).") from exc
    except RecursionError as exc:
        raise UnusablePdf("Cấu trúc tệp PDF lồng nhau bất thường; tệp bị từ chối.") from exc
