"""HTML pages (Vietnamese first). For now: the landing page that tells a visitor where to go."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static")


@bp.get("/")
def home() -> str:
    return render_template("home.html")


@bp.get("/healthz")
def health() -> dict[str, str]:
    return {"status": "ok"}


def register_web(app: Flask) -> None:
    app.register_blueprint(bp)
