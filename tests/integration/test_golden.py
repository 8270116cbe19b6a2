"""Golden PDF facts per template: a LibreOffice or font change that moves page breaks is caught."""

import json
from pathlib import Path

import pytest

from tests.builders import render_example
from tests.golden.update import cases, pdf_pages

ROOT = Path(__file__).resolve().parents[2]
CASES = cases()


@pytest.mark.slow
@pytest.mark.parametrize(("name", "template", "changes"), CASES, ids=[c[0] for c in CASES])
def test_pages_and_words_match_the_golden_copy(name, template, changes, pdf_pool):
    golden = json.loads((ROOT / "tests" / "golden" / f"{name}.json").read_text(encoding="utf-8"))
    assert golden["version"] == template.manifest.version, "template changed: run `make golden` and review"
    pages = pdf_pages(pdf_pool.convert(render_example(template, changes=changes)))
    assert len(pages) == golden["pages"]
    assert pages == golden["text"]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in pages[0]


def test_every_case_has_a_golden_copy():
    assert {c[0] for c in CASES} == {p.stem for p in (ROOT / "tests" / "golden").glob("*.json")}
