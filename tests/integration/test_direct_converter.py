"""The direct converter (a LibreOffice start per document), used when no pool runs (CLI, tests)."""

from pathlib import Path

import pytest

from docservice.errors import ConversionFailed
from docservice.generation.catalogue import TemplateCatalogue
from docservice.generation.convert import LibreOfficeConverter
from tests.builders import render_example

DOCX = render_example(TemplateCatalogue(Path(__file__).resolve().parents[2] / "templates_docx").get("cong-van"))


@pytest.mark.slow
def test_a_document_becomes_a_pdf_and_a_hung_start_is_killed():
    assert LibreOfficeConverter(timeout=60).convert(DOCX).startswith(b"%PDF-")
    with pytest.raises(ConversionFailed, match="quá thời gian"):
        LibreOfficeConverter(timeout=0.05).convert(DOCX)


def test_garbage_is_refused_with_a_clear_error():
    with pytest.raises(ConversionFailed):
        LibreOfficeConverter(soffice="false", timeout=5).convert(DOCX)
