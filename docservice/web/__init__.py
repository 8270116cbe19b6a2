"""HTML pages (Vietnamese first). For now: the landing page that tells a visitor where to go."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, render_template

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static")


@bp.get("/")
def home() -> str:
    return render_template("home.html")


@bp.get("/healthz")
def health() -> dict[str, str]:
    """Liveness, and whether the converter pool answers (when this worker uses one)."""
    converter = current_app.extensions["docservice"].converter
    ready = getattr(converter, "ready", None)
    return {"status": "ok", "converter": "direct" if ready is None else ("ready" if ready() else "starting")}


def register_web(app: Flask) -> None:
    app.register_blueprint(bp)
