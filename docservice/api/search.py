"""``GET /api/v1/search``: Vietnamese full-text search limited to what the caller may see."""

from __future__ import annotations

from docservice.api.context import api_blueprint, caller, dump, problems
from docservice.api.schemas import SearchQuery, SearchResponse
from docservice.search.interface import SearchRequest
from docservice.search.query import parse_query
from docservice.search.service import search_records
from docservice.services import current_services
from docservice.text import number_key

blueprint = api_blueprint("search", "Tìm kiếm")


@blueprint.get("/search", responses={200: SearchResponse, **problems(400)})
def search(query: SearchQuery):
    """Tìm văn bản lưu trữ theo từ (có hoặc không dấu), "cụm từ", -loại trừ, số văn bản và bộ lọc."""
    svc = current_services()
    request = SearchRequest(
        query=parse_query(query.q), organization_id=query.organization_id, doc_type=query.doc_type,
        year=query.year, date_from=query.date_from, date_to=query.date_to,
        number_key=number_key(query.number) if query.number else None,
        include_superseded=query.include_superseded, sort=query.sort, page=query.page,
        per_page=query.per_page,
    )
    page = search_records(request, caller(), catalogue=svc.catalogue, index=svc.search_index)
    return dump(SearchResponse(total=page.total, page=page.page, per_page=page.per_page, hits=page.hits,
                               facets=page.facets))
