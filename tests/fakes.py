"""Working in-memory stand-ins for engines, for tests where the engine itself is not under test."""

from __future__ import annotations

import io

from docx import Document as Docx
from fpdf import FPDF

from tests.builders import SERIF


class TextPdfConverter:
    """A ``PdfConverter`` that writes the .docx's paragraphs into a real, simple PDF (no LibreOffice)."""

    def __init__(self) -> None:
        self.calls = 0

    def convert(self, docx: bytes) -> bytes:
        self.calls += 1
        document = Docx(io.BytesIO(docx))
        lines = [p.text for p in document.paragraphs]
        lines += [c.text for t in document.tables for row in t.rows for c in row.cells]
        pdf = FPDF()
        pdf.add_font("serif", "", str(SERIF))
        pdf.set_font("serif", size=11)
        pdf.add_page()
        pdf.multi_cell(0, 6, "\n".join(line for line in lines if line.strip()) or " ")
        return bytes(pdf.output())


class FailingConverter:
    """A ``PdfConverter`` whose LibreOffice always fails."""

    def convert(self, docx: bytes) -> bytes:
        from docservice.errors import ConversionFailed

        raise ConversionFailed()
