"""DOCX rendering with docxtpl in a sandboxed Jinja environment (the one docxtpl importer).

Values are autoescaped (XML-safe) and undefined names fail loudly (``StrictUndefined``), so a value
can never inject markup or template code, and a template that needs a missing value reports it.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, UndefinedError
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from docservice.errors import TemplateError


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def render_docx(template_path: Path, context: dict[str, Any], *, margins_mm: dict[str, float] | None = None) -> bytes:
    """The filled .docx as bytes; ``TemplateError`` names what went wrong in Vietnamese.

    ``margins_mm`` (top, bottom, left, right) sets the page margins of every section, so the
    rule profile of the document's date decides them rather than the template file.
    """
    template = DocxTemplate(template_path)
    try:
        template.render(context, jinja_env=_environment(), autoescape=True)
    except UndefinedError as exc:
        raise TemplateError(f"Mẫu văn bản dùng một giá trị chưa được cung cấp ({exc.message}).") from exc
    except SecurityError as exc:
        raise TemplateError("Mẫu văn bản chứa thao tác không được phép.") from exc
    except JinjaTemplateError as exc:
        raise TemplateError("Mẫu văn bản bị lỗi cú pháp.") from exc
    if margins_mm:
        _set_margins(template, margins_mm)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def _set_margins(template: DocxTemplate, margins_mm: dict[str, float]) -> None:
    for section in template.docx.sections:
        section.top_margin, section.bottom_margin = Mm(margins_mm["top"]), Mm(margins_mm["bottom"])
        section.left_margin, section.right_margin = Mm(margins_mm["left"]), Mm(margins_mm["right"])


def template_variables(template_path: Path) -> set[str]:
    """Top-level names the template uses (checked against its manifest by the tests)."""
    return set(DocxTemplate(template_path).get_undeclared_template_variables(jinja_env=_environment()))
