"""One log line per request: method, path without query, status, duration, user, client address."""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

log = logging.getLogger("docservice.request")


def _start() -> None:
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    started = g.get("request_started")
    principal = g.get("principal")
    log.info("request", extra={
        "method": request.method, "path": request.path, "status": response.status_code,
        "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "user": principal.username if principal is not None else None, "remote": request.remote_addr,
    })
    return response


def register_request_log(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
