"""What every request's input passes before a view sees it, for the API and the pages alike.

- JSON bodies are parsed with a bound on nesting, and refused (422) when a string holds a NUL or a lone
  surrogate — text no catalogue column and no page can hold (PostgreSQL refuses NUL; UTF-8 cannot
  write a lone surrogate, so a record holding one could never be shown again).
- Query strings, form fields, embedded JSON form fields (``metadata``, ``manifest``) and upload names
  are held to the same rule.
- Ids in page URLs are bounded to the catalogue's integer range, so a huge id is a 404, not a database
  error.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from docservice.errors import TooComplex
from docservice.validation import refuse_unsafe_text

MAX_ID = 2**31 - 1


class CheckedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with what a body may hold checked as it is read."""

    ensure_ascii = False
    sort_keys = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = super().loads(s, **kwargs)
        except RecursionError as exc:
            raise TooComplex("Dữ liệu JSON lồng nhau quá sâu.") from exc
        return refuse_unsafe_text(value)


class BoundedId(IntegerConverter):
    """``<int:…>`` in a URL: a number beyond the catalogue's largest id becomes 0, an id no row has (a page
    answers 404, the API's id check 422) instead of reaching the database, which cannot hold it. (A
    converter ``max`` would make werkzeug answer 405 for the other methods of the same path.)"""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_ID else 0


def _embedded_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None  # not JSON after all: the field's own model says what is wrong with it
    except RecursionError as exc:
        raise TooComplex("Dữ liệu JSON lồng nhau quá sâu.") from exc


def check_request_text() -> None:
    """Refuse a request whose query, form fields or upload names hold a NUL or a lone surrogate."""
    refuse_unsafe_text(request.args.to_dict(flat=False), "query")
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        fields = request.form.to_dict(flat=False)
        refuse_unsafe_text(fields)
        for name, values in fields.items():
            for value in values:
                if value.lstrip()[:1] in ("{", "["):
                    refuse_unsafe_text(_embedded_json(value), name)
        refuse_unsafe_text([f.filename or "" for f in request.files.values()], "file")


def register_input_checks(app: Flask) -> None:
    """Before any blueprint: the JSON provider, the bounded ids, and the check of every request's text."""
    app.json = CheckedJSONProvider(app)
    app.url_map.converters["int"] = BoundedId
    app.before_request(check_request_text)
