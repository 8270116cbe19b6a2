"""PDF sniffing and parsing (the one module that imports pypdf for inspection)."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from docservice.errors import UnsupportedMediaType, UnusablePdf

logging.getLogger("pypdf").setLevel(logging.ERROR)

_TAIL = 4096


@dataclass(frozen=True)
class PdfFacts:
    """What the archive records about a PDF's structure."""

    pages: int
    signature_fields: int
    risky_features: tuple[str, ...]


def _sniff(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(1024)
        handle.seek(max(0, path.stat().st_size - _TAIL))
        tail = handle.read()
    if b"%PDF-" not in head:
        raise UnsupportedMediaType("Tệp tải lên không phải là PDF.")
    if b"%%EOF" not in tail:
        raise UnusablePdf("Tệp PDF bị cắt cụt hoặc hỏng (không có dấu kết thúc %%EOF).")


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


def page_count(data: bytes) -> int:
    """Pages of the PDF in ``data``; ``UnusablePdf`` when it is not a readable PDF with pages."""
    try:
        pages = len(PdfReader(io.BytesIO(data)).pages) if data.startswith(b"%PDF-") else 0
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UnusablePdf("Tệp PDF không đọc được.") from exc
    if pages == 0:
        raise UnusablePdf("Tệp PDF rỗng hoặc không có trang nào.")
    return pages


def inspect_pdf(path: Path) -> PdfFacts:
    """Pages and risky features of the PDF at ``path``.

    Raises ``UnsupportedMediaType`` when it is not a PDF and ``UnusablePdf`` when it is truncated,
    unparseable, encrypted or has no pages.
    """
    _sniff(path)
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            raise UnusablePdf("Tệp PDF được mã hóa (có mật khẩu); hãy gửi bản không mã hóa.")
        pages = len(reader.pages)
        if pages == 0:
            raise UnusablePdf("Tệp PDF không có trang nào.")
        return PdfFacts(pages, _signature_fields(reader), _risky_features(reader))
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UnusablePdf("Không đọc được cấu trúc tệp PDF (tệp hỏng).") from exc
    except RecursionError as exc:
        raise UnusablePdf("Cấu trúc tệp PDF lồng nhau bất thường; tệp bị từ chối.") from exc
