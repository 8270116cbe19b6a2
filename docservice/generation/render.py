"""DOCX rendering with docxtpl in a sandboxed Jinja environment (the one docxtpl importer).

Values are autoescaped (XML-safe) and undefined names fail loudly (``StrictUndefined``), so a value
can never inject markup or template code, and a template that needs a missing value reports it.

Speed: docxtpl re-reads and re-patches the template on every render (about 30 ms). A
``PreparedDocx`` does docxtpl's own preparation once — the patched body XML compiled to a Jinja
template, every other part kept as bytes — and each render only runs Jinja, docxtpl's post-render
step and writes the zip. Nothing mutable is shared between renders. Templates that use docxtpl
features outside this path (table-cell tags, images, tags in headers, footers or properties) are
rendered by docxtpl itself.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from collections import OrderedDict
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, UndefinedError
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from docservice.errors import TemplateError

DOCUMENT_PART = "word/document.xml"
_BODY = re.compile(r"<w:body>.*</w:body>", re.DOTALL)
# Table-cell tags need docxtpl's table repair and pictures its id repair: those go the docxtpl way.
_SLOW_FEATURES = re.compile(r"\{%-?\s*tc\s|<wp:docPr")


def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def _translate(exc: Exception) -> TemplateError:
    if isinstance(exc, UndefinedError):
        return TemplateError(f"Mẫu văn bản dùng một giá trị chưa được cung cấp ({exc.message}).")
    if isinstance(exc, SecurityError):
        return TemplateError("Mẫu văn bản chứa thao tác không được phép.")
    if isinstance(exc, JinjaTemplateError):
        return TemplateError("Mẫu văn bản bị lỗi cú pháp.")
    # the template's own expressions failed (1/0, a number added to text, a filter given nonsense) or its
    # XML is broken: the template is at fault, not the request
    return TemplateError(f"Mẫu văn bản lỗi khi điền giá trị ({type(exc).__name__}); hãy sửa mẫu.")


def _set_margins(document: Any, margins_mm: dict[str, float]) -> None:
    for section in document.sections:
        section.top_margin, section.bottom_margin = Mm(margins_mm["top"]), Mm(margins_mm["bottom"])
        section.left_margin, section.right_margin = Mm(margins_mm["left"]), Mm(margins_mm["right"])


def _other_parts_have_tags(docx: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for name in archive.namelist():
            if name != DOCUMENT_PART and name.endswith(".xml") and name.startswith(("word/", "docProps/")):
                text = archive.read(name)
                if b"{{" in text or b"{%" in text:
                    return True
    return False


class PreparedDocx:
    """A template prepared once: immutable parts only, safe to use from many threads."""

    def __init__(self, docx: bytes, margins_mm: dict[str, float] | None = None) -> None:
        try:
            template = DocxTemplate(io.BytesIO(docx))
            template.render_init()
        except Exception as exc:  # python-docx and lxml raise many kinds for a broken .docx
            raise TemplateError("Tệp mẫu .docx hỏng (không đọc được nội dung XML của nó).") from exc
        if margins_mm:
            _set_margins(template.docx, margins_mm)
        self._source = _saved(template)
        self._helper = template  # used only for docxtpl's pure text helpers (patch_xml, resolve_listing)
        raw = template.get_xml()
        body = template.patch_xml(raw)
        self.fast = not _other_parts_have_tags(docx) and _SLOW_FEATURES.search(raw) is None
        self._compiled: Template | None = None
        if self.fast:
            try:
                self._compiled = environment().from_string(re.sub(r"<w:p([ >])", r"\n<w:p\1", body))
            except (JinjaTemplateError, ValueError, TypeError, OverflowError, RecursionError) as exc:
                raise _translate(exc) from exc
            self._parts = _parts(self._source)
            self._frame = self._parts[DOCUMENT_PART].decode("utf-8")

    def render(self, context: dict[str, Any]) -> bytes:
        if not self.fast:
            return _docxtpl_render(self._source, context)
        try:
            xml = self._compiled.render(context)  # type: ignore[union-attr]
        except (MemoryError, RecursionError):
            raise  # limits, not mistakes: the sandbox that runs an uploaded template answers for them
        except Exception as exc:  # the template's own code failed: see _translate
            raise _translate(exc) from exc
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        body = self._helper.resolve_listing(xml)
        document = _BODY.sub(lambda _m: body, self._frame, count=1)
        return _zip({**self._parts, DOCUMENT_PART: document.encode("utf-8")})


def _saved(template: DocxTemplate) -> bytes:
    out = io.BytesIO()
    template.docx.save(out)
    return out.getvalue()


def _parts(docx: bytes) -> OrderedDict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return OrderedDict((name, archive.read(name)) for name in archive.namelist())


_FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # the same input always gives the same bytes


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=1)
    return out.getvalue()


def _docxtpl_render(docx: bytes, context: dict[str, Any]) -> bytes:
    template = DocxTemplate(io.BytesIO(docx))
    try:
        template.render(context, jinja_env=environment(), autoescape=True)
    except (MemoryError, RecursionError):
        raise  # limits, not mistakes (see PreparedDocx.render)
    except Exception as exc:  # the template's own code failed: see _translate
        raise _translate(exc) from exc
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


class _PreparedCache:
    """The last few prepared templates, keyed by the template's digest and the page margins."""

    def __init__(self, size: int = 64) -> None:
        self._items: OrderedDict[tuple[str, tuple[Any, ...]], PreparedDocx] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, digest: str, docx: bytes, margins_mm: dict[str, float] | None) -> PreparedDocx:
        key = (digest, tuple(sorted((margins_mm or {}).items())))
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        prepared = PreparedDocx(docx, margins_mm)
        with self._lock:
            self._items[key] = prepared
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return prepared


_CACHE = _PreparedCache()


def render_docx(docx: bytes, context: dict[str, Any], *, margins_mm: dict[str, float] | None = None,
                digest: str | None = None) -> bytes:
    """The filled .docx as bytes; ``TemplateError`` names what went wrong in Vietnamese.

    ``margins_mm`` (top, bottom, left, right) sets the page margins of every section, so the rule
    profile of the document's date decides them rather than the template file. With ``digest``
    (the template's SHA-256) the prepared template is cached between renders.
    """
    prepared = _CACHE.get(digest, docx, margins_mm) if digest else PreparedDocx(docx, margins_mm)
    return prepared.render(context)


def render_uploaded(docx: bytes, context: dict[str, Any], margins_mm: dict[str, float]) -> bytes:
    """``render_docx`` without the cache, for a sandboxed child (an uploaded template's Jinja is not ours)."""
    return render_docx(docx, context, margins_mm=margins_mm)


def render_docx_plain(docx: bytes, context: dict[str, Any]) -> bytes:
    """docxtpl's own render, for comparison (tests, benchmark)."""
    return _docxtpl_render(docx, context)


def patched_body(docx: bytes) -> str:
    """The body XML as docxtpl hands it to Jinja (tags merged across runs, entities unescaped)."""
    template = DocxTemplate(io.BytesIO(docx))
    template.render_init()
    return template.patch_xml(template.get_xml())


def template_variables(docx: bytes) -> set[str]:
    """Top-level names the template uses (checked against its manifest)."""
    template = DocxTemplate(io.BytesIO(docx))
    return set(template.get_undeclared_template_variables(jinja_env=environment()))
