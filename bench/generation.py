"""DOCX renders per second on one core: the service's prepared render against plain docxtpl.

The document is the minutes of a meeting with 30 attendees (every one named in the composition,
each speaking once). Run: ``make bench`` or ``.venv/bin/python bench/generation.py [--seconds 5]``.
Results are measurements, not tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docservice.generation.catalogue import TemplateCatalogue  # noqa: E402
from docservice.generation.render import render_docx, render_docx_plain  # noqa: E402
from docservice.generation.service import build_context, validate_fields  # noqa: E402
from docservice.rules import default_rules  # noqa: E402
from tests.builders import long_minutes_changes, sample_organizations  # noqa: E402


def minutes_context() -> tuple[object, dict]:
    template = TemplateCatalogue(ROOT / "templates_docx").get("bien-ban-sinh-hoat-chi-bo")
    fields = {**template.manifest.example, **long_minutes_changes()}
    validated = validate_fields(template, fields, "Đảng ủy phường An Phú")
    profile = default_rules().for_date(validated.date)
    context = build_context(template, validated, sample_organizations()[0], "05-BB/CB", profile,
                            superior_body="Đảng ủy phường An Phú")
    return template, context


def rate(render, seconds: float) -> tuple[float, float]:
    render()  # warm up (prepares and caches for the service's path)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        render()
        count += 1
    elapsed = time.perf_counter() - started
    return count / elapsed, elapsed / count * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    template, context = minutes_context()
    margins = default_rules().current().margins_mm
    ours = rate(lambda: render_docx(template.docx, context, margins_mm=margins, digest=template.digest), args.seconds)
    plain = rate(lambda: render_docx_plain(template.docx, context), args.seconds)
    print(f"# DOCX render, minutes with 30 attendees, one core ({platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()})")
    print(f"{'renderer':<34}{'docs/s':>10}{'ms/doc':>10}")
    print(f"{'plain docxtpl (render + save)':<34}{plain[0]:>10.1f}{plain[1]:>10.2f}")
    print(f"{'docservice prepared render':<34}{ours[0]:>10.1f}{ours[1]:>10.2f}")
    print(f"speed-up: {ours[0] / plain[0]:.1f}×")


if __name__ == "__main__":
    main()
