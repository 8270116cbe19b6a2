"""Every error leaves the service as one problem body (``application/problem+json``)."""

from __future__ import annotations

import errno
import json
import logging
from typing import Any

from flask import Flask, Response, request
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
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


_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_FULL_MESSAGES = ("database or disk is full", "could not extend file", "no space left on device")


def storage_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says the disk, a quota or the database's space ran out."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, OSError) and seen.errno in _FULL_ERRNOS:
            return True
        if getattr(getattr(seen, "orig", None), "sqlstate", None) == "53100":  # PostgreSQL disk_full
            return True
        if any(message in str(getattr(seen, "orig", "")).lower() for message in _FULL_MESSAGES):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def disconnected(exc: BaseException) -> bool:
    """Whether ``exc`` is the database connection dropping under a request."""
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


RETRY_HEADER = "X-Docservice-Retry"


def _unexpected(exc: Exception) -> Response:
    if storage_full(exc):
        log.error("storage full on %s %s", request.method, request.path)
        return problem_response(errors.InsufficientStorage())
    if disconnected(exc):
        log.warning("database connection dropped on %s %s", request.method, request.path)
        response = problem_response(errors.ServiceUnavailable(
            "Mất kết nối tới cơ sở dữ liệu; không có gì được lưu. Vui lòng thử lại.", headers={"Retry-After": "5"}))
        response.headers[RETRY_HEADER] = "1"  # a read is asked again once, by RetryReads
        return response
    if isinstance(exc, RecursionError):
        return problem_response(errors.TooComplex("Dữ liệu gửi lên lồng nhau quá sâu."))
    log.exception("unhandled error on %s %s", request.method, request.path)
    return problem_response(errors.InternalError())


class RetryReads:
    """WSGI: a read (GET, HEAD) that failed because the database connection dropped is served again, once —
    the pool hands out a fresh connection; a write is not repeated (it was rolled back: its 503 says so)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        retry: list[bool] = []

        def first(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if any(name == RETRY_HEADER for name, _ in headers):
                retry.append(True)
                return lambda data: None
            return start_response(status, headers, exc_info)

        body = self.app(environ, first)
        if not retry:
            return body
        if hasattr(body, "close"):
            body.close()
        return self.app(environ, _without_marker(start_response))


def _without_marker(start_response: Any) -> Any:
    def again(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        return start_response(status, [(k, v) for k, v in headers if k != RETRY_HEADER], exc_info)

    return again


def _invalid_model(exc: ValidationError) -> Response:
    """A model checked inside a view (not by flask-openapi3 before it) that did not pass."""
    return problem_response(validation_failed(exc))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(errors.DocserviceError, problem_response)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(ValidationError, _invalid_model)
    app.register_error_handler(Exception, _unexpected)
    app.wsgi_app = RetryReads(app.wsgi_app)  # type: ignore[method-assign]
