"""Stored PDFs made ready to be gathered into one file (a book, a dossier), one part at a time.

A stored file may be hostile: a content stream that inflates to hundreds of megabytes, a page tree that
never ends. Each part is copied page by page into a clean file — and whatever else the caller does to its
pages (numbering them) — in the sandbox, under its limits. A part that cannot be processed within them
comes back as ``Failed``, the caller puts stand-in pages in its place, and the assembled file is still
made: one bad paper never stops a book or a dossier, for anyone.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pypdf import PdfWriter

from docservice.archive.pdf import open_pdf
from docservice.errors import UnusablePdf
from docservice.sandbox import Failed, Sandbox

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class ReadyPart:
    """A part's pages in a clean file of their own."""

    pages: int
    pdf: bytes


def copy_part(pdf: bytes) -> ReadyPart:
    """The part's pages, copied as they are (nothing decoded) into a new file."""
    reader = open_pdf(pdf)
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    if not writer.pages:
        raise UnusablePdf("Tệp không có trang nào.")
    out = io.BytesIO()
    writer.write(out)
    return ReadyPart(len(writer.pages), out.getvalue())


def each_part(task: Callable[[Any], T], items: Sequence[Any], *, sandbox: Sandbox | None, what: str
              ) -> list[T | Failed]:
    """``task`` on every item in the sandbox (in this process without one: tests); a failure stays with its item."""
    if sandbox is not None:
        return sandbox.map(task, items, what=what)
    results: list[T | Failed] = []
    for item in items:
        try:
            results.append(task(item))
        except Exception as exc:  # the part's file is unusable; the assembled file goes on without it
            log.warning("part not usable: %s", type(exc).__name__)
            results.append(Failed(f"{what} không xử lý được."))
    return results


def ready_parts(pdfs: Sequence[bytes], *, sandbox: Sandbox | None, what: str) -> list[ReadyPart | Failed]:
    """Each stored file copied into a clean one, or ``Failed`` when it cannot be within the limits."""
    return each_part(copy_part, pdfs, sandbox=sandbox, what=what)
