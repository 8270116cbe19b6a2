"""docservice: records of Vietnamese party organisations — generate, archive, find.

``create_app(config)`` builds the Flask application: settings, the catalogue, the engines (blob
store, template catalogue, PDF converter, search index) kept in ``app.extensions["docservice"]``,
the API and the pages. Nothing happens at import time.
"""

from __future__ import annotations

from typing import Any

from flask_openapi3 import Info, OpenAPI

from docservice.config import Settings
from docservice.services import Services

__all__ = ["Settings", "create_app"]


def create_app(config: Settings | dict[str, Any] | None = None) -> OpenAPI:
    """The WSGI application for ``config`` (a ``Settings``, overrides, or the environment)."""
    from docservice.api import register_api
    from docservice.api.inputs import register_input_checks
    from docservice.api.problems import make_validation_problem, register_error_handlers
    from docservice.api.schemas import Problem
    from docservice.security.headers import register_security_headers
    from docservice.web import register_web
    from docservice.web.requestlog import register_request_log

    settings = config if isinstance(config, Settings) else Settings(**(config or {}))
    app = OpenAPI(
        __name__,
        info=Info(title="docservice API", version="1"),
        security_schemes={"bearer": {"type": "http", "scheme": "bearer"}},
        doc_ui=False,
        static_folder=None,
        validation_error_status=422,
        validation_error_model=Problem,
        validation_error_callback=make_validation_problem,
    )
    app.config.update(
        SECRET_KEY=settings.resolved_secret_key(),
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        JSON_SORT_KEYS=False,
    )
    app.extensions["docservice"] = Services.build(settings)
    register_input_checks(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_request_log(app)
    register_api(app)
    register_web(app)
    if settings.forwarded_proto:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    return app

