"""The JSON API under ``/api/v1``: one blueprint per feature, bearer-token authentication."""

from __future__ import annotations

from flask import Flask, Response, jsonify
from flask_openapi3 import OpenAPI

from docservice.api import (
    audit,
    auth,
    documents,
    imports,
    layout,
    meetings,
    members,
    organizations,
    records,
    rules,
    search,
    templates,
    users,
)


def register_api(app: OpenAPI) -> None:
    for module in (auth, users, audit, organizations, members, meetings, templates, documents, records, imports,
                   search, rules, layout):
        app.register_api(module.blueprint)
    _register_openapi_document(app)


def _register_openapi_document(app: Flask) -> None:
    def openapi_json() -> Response:
        return jsonify(app.api_doc)  # type: ignore[attr-defined]

    app.add_url_rule("/api/v1/openapi.json", "openapi_json", openapi_json)
