"""The JSON API under ``/api/v1``: one blueprint per feature, bearer-token authentication."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, jsonify
from flask_openapi3 import OpenAPI
from pydantic import BaseModel

from docservice.api import (
    audit,
    auth,
    documents,
    imports,
    layout,
    meetings,
    members,
    organizations,
    oversight,
    records,
    rules,
    search,
    templates,
    users,
)
from docservice.api.context import audit_refused_write


def _cache_request_schemas() -> None:
    """flask-openapi3 asks each query and form model for its JSON Schema on every request (to find list
    fields): about 2 ms a request. The schemas of our models never change, so each is built once."""
    pending, seen = list(BaseModel.__subclasses__()), set()
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        pending.extend(model.__subclasses__())
        if model.__module__.startswith("docservice.") and "model_json_schema" not in model.__dict__:
            model.model_json_schema = classmethod(_cached_schema(model.model_json_schema.__func__))  # type: ignore[method-assign]


def _cached_schema(build: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    built: dict[tuple[Any, ...], dict[str, Any]] = {}

    def model_json_schema(cls: type[BaseModel], *args: Any, **kwargs: Any) -> dict[str, Any]:
        key = (cls, args, tuple(sorted(kwargs.items())))
        if key not in built:
            built[key] = build(cls, *args, **kwargs)
        return copy.deepcopy(built[key])

    return model_json_schema


def register_api(app: OpenAPI) -> None:
    for module in (auth, users, audit, organizations, members, meetings, templates, documents, records, imports,
                   search, rules, layout, oversight):
        app.register_api(module.blueprint)
    _register_openapi_document(app)
    _cache_request_schemas()
    app.after_request(audit_refused_write)


def _register_openapi_document(app: Flask) -> None:
    def openapi_json() -> Response:
        return jsonify(app.api_doc)  # type: ignore[attr-defined]

    app.add_url_rule("/api/v1/openapi.json", "openapi_json", openapi_json)
