"""The template catalogue: which documents can be generated and the fields each takes."""

from __future__ import annotations

from docservice.api.context import api_blueprint, caller, dump, services
from docservice.api.schemas import Page, TemplateList, TemplateOut
from docservice.security import policy

blueprint = api_blueprint("templates", "Mẫu văn bản")


@blueprint.get("/templates", responses={200: TemplateList})
def list_templates(query: Page):
    """Các mẫu văn bản, mỗi mẫu kèm JSON Schema của các trường (nhãn tiếng Việt)."""
    policy.require(caller(), "template.read")
    templates = services().templates.all()
    start = (query.page - 1) * query.per_page
    items = [
        TemplateOut(key=t.key, title=t.manifest.title, doc_type=t.manifest.doc_type,
                    version=t.manifest.version, fields=t.fields_schema())
        for t in templates[start:start + query.per_page]
    ]
    return dump(TemplateList(items=items, total=len(templates), page=query.page, per_page=query.per_page))
