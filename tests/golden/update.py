"""Write the golden PDF facts of every standard template (run: ``make golden``, then review and commit).

For each template rendered with its example and converted by LibreOffice: the page count and the
words of each page. ``tests/integration/test_golden.py`` compares a fresh conversion with them, so a
LibreOffice or font change that moves a page break or loses a word is caught.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from docservice.generation.catalogue import TemplateCatalogue  # noqa: E402
from docservice.generation.convert import LibreOfficeConverter  # noqa: E402
from tests.builders import long_minutes_changes, render_example  # noqa: E402

HERE = Path(__file__).resolve().parent


def pdf_pages(pdf: bytes) -> list[str]:
    """The words of each page, whitespace normalised."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [" ".join(page.split()) for page in pages]


def cases() -> list[tuple[str, object, dict]]:
    """(name, template, field changes): every template with its example, and long minutes."""
    templates = TemplateCatalogue(ROOT / "templates_docx")
    found = [(t.key, t, {}) for t in templates.all()]
    found.append(("bien-ban-30-dang-vien", templates.get("bien-ban-sinh-hoat-chi-bo"), long_minutes_changes()))
    return found


def main() -> None:
    converter = LibreOfficeConverter(timeout=120)
    for name, template, changes in cases():
        pages = pdf_pages(converter.convert(render_example(template, changes=changes)))
        facts = {"template": template.key, "version": template.manifest.version, "pages": len(pages),
                 "text": pages}
        (HERE / f"{name}.json").write_text(json.dumps(facts, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{name}: {len(pages)} page(s)")


if __name__ == "__main__":
    main()
