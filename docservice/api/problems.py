"""Every error leaves the service as one problem body (``application/problem+json``)."""

from __future__ import annotations

import json
import logging

from flask import Flask, Response, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from docservice import errors
from docservice.validation import validation_failed

log = logging.getLogger(__name__)

_HTTP_ERRORS: dict[int, type[errors.DocserviceError]] = {
    400: errors.BadRequest,
    401: errors.Unauthenticated,
    403: errors.Forbidden,
    404: errors.NotFound,
    405: errors.MethodNotAllowed,
    413: errors.PayloadTooLarge,
    415: errors.UnsupportedMediaType,
}


def problem_response(error: errors.DocserviceError) -> Response:
    if _wants_page():
        return _error_page(error)
    body = json.dumps(error.to_problem(), ensure_ascii=False, default=str)
    response = Response(body, status=error.status, content_type=errors.PROBLEM_CONTENT_TYPE)
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


def _wants_page() -> bool:
    """A person's browser on a page (it asks for HTML first) gets a page; scripts and the API a problem."""
    if request.path.startswith("/api/"):
        return False
    accepted = request.accept_mimetypes
    return accepted.best_match([errors.PROBLEM_CONTENT_TYPE, "application/json", "text/html"]) == "text/html"


def _error_page(error: errors.DocserviceError) -> Response:
    """The same error for a person: a page in the site's layout, the same status."""
    from flask import render_template

    try:
        page = render_template("error.html", error=error)
    except Exception:  # the page itself failed (no session, no database): plain text says it
        log.exception("error page failed")
        page = f"{error.title}: {error.detail}"
    response = Response(page, status=error.status, content_type="text/html; charset=utf-8")
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


def make_validation_problem(exc: ValidationError) -> Response:
    """flask-openapi3's hook: a request that fails its pydantic model."""
    return problem_response(validation_failed(exc))


def _http_error(exc: HTTPException) -> Response:
    if exc.code == 413:
        return problem_response(errors.PayloadTooLarge(_size_limit_detail(request.max_content_length)))
    if exc.response is not None and exc.response.mimetype == errors.PROBLEM_CONTENT_TYPE:
        return exc.response  # already a problem body (validation errors are aborted with one)
    error_class = _HTTP_ERRORS.get(exc.code or 500, errors.InternalError)
    return problem_response(error_class())


def _size_limit_detail(limit: int | None) -> str | None:
    if not limit:
        return None
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return f"Tệp tải lên vượt quá giới hạn {size}; tệp không được lưu."


def _unexpected(exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return problem_response(errors.InternalError())


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(errors.DocserviceError, problem_response)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
