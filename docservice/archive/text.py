"""Text of archived PDFs: the text layer, legacy-encoding repair, and OCR — recorded per page.

The text layer comes from poppler's pdftotext (chosen by measurement: about 1.2 ms/page against
pypdf's 21 ms/page here, same words). A page whose text is TCVN3 or VNI is converted to Unicode
(``legacy_converted``); a page without a usable text layer is rasterised (pdftoppm) and read by
Tesseract ``vie`` (``ocr``). Every external program runs with a time limit, a memory ceiling and a
lower priority than the web tier, so a hostile file costs a clear warning, never the service. OCR
takes the host's slots for heavy work one page at a time (so many uploads share the cores rather
than take them all), skips pages that are blank at a glance (a file of empty pages costs little),
and stops at the budget of time it was given; pages not read by then are listed in a warning.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from docservice.errors import DocserviceError, UnusablePdf
from docservice.programs import run_limited
from docservice.text import normalize
from docservice.text.legacy import may_be_legacy, repair_legacy

MIN_PAGE_CHARS = 20
OCR_DPI = 300
MAX_OCR_PIXELS = 120_000_000  # an A0 page at 300 dpi; larger pages are read at a lower resolution
MIN_OCR_DPI = 100


@dataclass
class ExtractedText:
    text: str
    source: str  # text_layer | ocr | mixed | legacy_converted
    page_sources: list[str]
    warnings: list[str] = field(default_factory=list)


def text_layer_pages(path: Path, pages: int) -> list[str]:
    """The text layer of each page (form feeds separate pages in pdftotext's output)."""
    try:
        out = run_limited(["pdftotext", "-enc", "UTF-8", "-q", str(path), "-"]).decode("utf-8", "replace")
    except OSError as exc:
        raise UnusablePdf("Không đọc được nội dung tệp PDF (đọc quá lâu hoặc quá nhiều bộ nhớ).") from exc
    texts = out.split("\f")
    return [normalize(t) for t in (texts + [""] * pages)[:pages]]


def legacy_font_hint(path: Path) -> str | None:
    """"tcvn3" or "vni" when the PDF uses fonts of those families (.VnTime, VNI-Times…)."""
    try:
        fonts = run_limited(["pdffonts", str(path)], timeout=30).decode("latin-1")
    except OSError:
        return None
    if re.search(r"(^|\+|\s)\.?Vn[A-Z]", fonts, re.MULTILINE):
        return "tcvn3"
    if re.search(r"VNI[-_]", fonts):
        return "vni"
    return None


def _ocr_dpi(size_points: tuple[float, float]) -> int:
    width, height = size_points
    pixels = (width / 72 * OCR_DPI) * (height / 72 * OCR_DPI)
    if pixels <= MAX_OCR_PIXELS:
        return OCR_DPI
    return int(OCR_DPI * (MAX_OCR_PIXELS / pixels) ** 0.5)


BLANK_DPI = 20
BLANK_DARKEST = 200  # a page whose darkest pixel at a glance is lighter than this has nothing to read


def is_blank(path: Path, page: int) -> bool:
    """Whether the page shows nothing at all when rendered small (a few milliseconds, against seconds of OCR)."""
    with tempfile.TemporaryDirectory(prefix="docservice-blank-") as tmp:
        prefix = Path(tmp) / "page"
        run_limited(["pdftoppm", "-r", str(BLANK_DPI), "-gray", "-png", "-f", str(page), "-l", str(page), "-singlefile",
              str(path), str(prefix)], timeout=30)
        with Image.open(f"{prefix}.png") as image:
            darkest, _ = image.convert("L").getextrema()
    return darkest > BLANK_DARKEST


def ocr_page(path: Path, page: int, size_points: tuple[float, float] = (595, 842)) -> str:
    """Tesseract ``vie`` reading of one page; ``OSError`` when it cannot be read safely."""
    dpi = _ocr_dpi(size_points)
    if dpi < MIN_OCR_DPI:
        raise OSError("page too large to rasterise")
    if is_blank(path, page):
        return ""
    with tempfile.TemporaryDirectory(prefix="docservice-ocr-") as tmp:
        prefix = Path(tmp) / "page"
        run_limited(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-f", str(page), "-l", str(page), "-singlefile",
              str(path), str(prefix)])
        out = run_limited(["tesseract", f"{prefix}.png", "-", "-l", "vie", "--psm", "3"])
    return normalize(out.decode("utf-8", "replace"))


def _source(kinds: set[str]) -> str:
    kinds = {"legacy_converted" if k.startswith("legacy_converted") else "ocr" if k == "none" else k for k in kinds}
    if kinds == {"text_layer"}:
        return "text_layer"
    if kinds <= {"text_layer", "legacy_converted"}:
        return "legacy_converted"
    if kinds == {"ocr"}:
        return "ocr"
    return "mixed"


@dataclass(frozen=True)
class OcrBudget:
    """When OCR must stop (a ``time.monotonic()`` deadline, or ``None``), how many pages run at once, and
    the host's slot each page holds while it is read (``None``: no shared bound, for tests and benches)."""

    deadline: float | None = None
    workers: int = 0
    slot: Callable[[float | None], AbstractContextManager[None]] | None = None

    @classmethod
    def of(cls, seconds: float | None, sandbox: Any) -> OcrBudget:
        deadline = None if seconds is None else time.monotonic() + seconds
        if sandbox is None:
            return cls(deadline)
        return cls(deadline, workers=sandbox.slots, slot=sandbox.slot)

    def left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def read(self, read_page: Callable[[], str]) -> str | None:
        """``read_page()`` within a slot and the budget; ``None`` when the budget ran out first."""
        left = self.left()
        if left is not None and left <= 0:
            return None
        if self.slot is None:
            return read_page()
        try:
            with self.slot(60 * 60 * 24 if left is None else left):
                left = self.left()
                return None if left is not None and left <= 0 else read_page()
        except DocserviceError:  # no slot freed up within the budget
            return None


def extract_text(path: Path, pages: int, *, page_sizes: list[tuple[float, float]] | None = None,
                 ocr_max_pages: int = 300, workers: int = 0, budget: OcrBudget | None = None) -> ExtractedText:
    """Every page's text with where it came from; pages beyond ``ocr_max_pages`` scans are not read."""
    texts = text_layer_pages(path, pages)
    hint = legacy_font_hint(path) if any(may_be_legacy(t) for t in texts) else None
    sources: list[str] = []
    to_read: list[int] = []
    for index, text in enumerate(texts):
        if len(text.strip()) < MIN_PAGE_CHARS:
            sources.append("ocr")
            to_read.append(index)
            continue
        repaired = repair_legacy(text, hint=hint) if may_be_legacy(text) else None
        if repaired is not None and repaired.encoding:
            texts[index] = repaired.text
            sources.append(f"legacy_converted:{repaired.encoding}")
        else:
            sources.append("text_layer")
    budget = budget or OcrBudget(workers=workers)
    warnings = _read_scans(path, texts, sources, to_read, page_sizes, ocr_max_pages, budget)
    return ExtractedText("\f".join(texts), _source(set(sources)), sources, warnings)


def _read_scans(path: Path, texts: list[str], sources: list[str], pages: list[int],
                page_sizes: list[tuple[float, float]] | None, limit: int, budget: OcrBudget) -> list[str]:
    warnings = []
    if len(pages) > limit:
        warnings.append(f"Chỉ nhận dạng chữ (OCR) {limit} trang quét đầu tiên trong {len(pages)} trang.")
        for index in pages[limit:]:
            sources[index] = "none"
        pages = pages[:limit]
    sizes = page_sizes or [(595.0, 842.0)] * len(texts)

    def read(index: int) -> tuple[int, str | OSError | None]:
        try:
            return index, budget.read(lambda: ocr_page(path, index + 1, sizes[index]))
        except OSError as exc:
            return index, exc

    late = []
    with ThreadPoolExecutor(max_workers=budget.workers or os.cpu_count() or 1) as pool:
        for index, text in pool.map(read, pages):
            if isinstance(text, str):
                texts[index] = text
                continue
            sources[index] = "none"
            if text is None:
                late.append(index + 1)
            else:
                warnings.append(f"Trang {index + 1}: không nhận dạng được chữ (trang quá lớn hoặc hỏng).")
    if late:
        warnings.append(f"Hết thời gian nhận dạng chữ (OCR) cho tệp này: {len(late)} trang quét chưa đọc "
                        f"(trang {_pages_list(late)}).")
    return warnings


def _pages_list(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:20])
    return shown + (f" và {len(numbers) - 20} trang khác" if len(numbers) > 20 else "")
