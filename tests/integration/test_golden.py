"""Golden PDF facts per template: a LibreOffice or font change that moves page breaks is caught; and every
template's printed pages pass the PDF-aware layout check, with its example and with the longest names,
a long subject and 35 attendees."""

import datetime as dt
import json
from pathlib import Path

import pytest

from docservice.generation.pdf_layout import check_pdf
from docservice.rules import default_rules
from tests.builders import long_minutes_changes, render_example
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


def _long(template) -> dict:
    """The example with a long subject (and, for minutes, 35 attendees) for ``template``."""
    field = template.manifest.title_field
    example = template.manifest.example
    changes = {field: f"{example[field]} và công tác xây dựng tổ chức cơ sở đảng trong sạch, vững mạnh toàn diện"}
    if "composition" in template.manifest.fields:
        changes.update(long_minutes_changes(35))
    return changes


@pytest.mark.slow
@pytest.mark.parametrize(("name", "template", "changes"), CASES, ids=[c[0] for c in CASES])
def test_the_printed_pages_follow_the_layout_even_with_the_longest_names(name, template, changes, pdf_pool):
    profile = default_rules().for_date(dt.date.fromisoformat(str(template.manifest.example["date"])))
    for variant in ({"changes": changes}, {"changes": {**changes, **_long(template)}, "long": True}):
        pdf = pdf_pool.convert(render_example(template, **variant))
        assert check_pdf(pdf, profile) == [], (name, variant.get("long", False))


def test_every_case_has_a_golden_copy():
    assert {c[0] for c in CASES} == {p.stem for p in (ROOT / "tests" / "golden").glob("*.json")}


@pytest.mark.slow
def test_a_signature_block_never_leaves_its_name_behind(pdf_pool):
    """A one-page resolution of a long-named chi bộ grows task by task across the page break: at every length
    the block "T/M CHI BỘ / BÍ THƯ / name" and "Nơi nhận" stay whole on one page (it used to put the name
    alone on page 2)."""
    template = next(t for name, t, _ in CASES if name == "nghi-quyet-chi-bo")
    profile = default_rules().for_date(dt.date.fromisoformat(template.manifest.example["date"]))
    pages_seen = set()
    for count in range(1, 8):
        tasks = [f"Nhiệm vụ số {i}: tổ chức thực hiện nghiêm túc các chỉ tiêu được giao trong tháng."
                 for i in range(count)]
        pdf = pdf_pool.convert(render_example(template, changes={"tasks": tasks}, long=True))
        pages_seen.add(len(pdf_pages(pdf)))
        assert check_pdf(pdf, profile) == [], count
    assert pages_seen == {1, 2}  # the lengths do cross the page break
