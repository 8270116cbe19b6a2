"""Shared fixtures: a catalogue on SQLite and (when configured) PostgreSQL, an app, a world."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from docservice import create_app
from docservice.cli import main
from docservice.config import Settings
from docservice.db import Catalogue
from docservice.db.migrate import upgrade
from docservice.generation.pool import ConverterPool, PoolConverter, PoolServer
from docservice.services import Services
from tests.builders import PASSWORD, World, build_world

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates_docx"
PG_ENV = "DOCSERVICE_TEST_DATABASE_URL"


def _pg_admin_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and not _pg_admin_url():
        message = f"{PG_ENV} is not set: PostgreSQL tests skipped"
        if os.environ.get("CI"):
            pytest.fail(f"{message}, but they are mandatory in CI")
        pytest.skip(message)


def _admin_engine():
    return create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")


@contextmanager
def pg_database(prefix: str, template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database (empty, or a copy of ``template``), dropped afterwards; its URL."""
    name = f"docservice_{prefix}_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    try:
        yield make_url(_pg_admin_url()).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated PostgreSQL database that each test copies (CREATE DATABASE … TEMPLATE)."""
    name = f"docservice_tpl_{uuid.uuid4().hex[:10]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    catalogue = Catalogue(make_url(_pg_admin_url()).set(database=name).render_as_string(hide_password=False))
    upgrade(catalogue.engine)
    catalogue.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "catalogue.sqlite3"
    catalogue = Catalogue(f"sqlite:///{path}")
    upgrade(catalogue.engine)
    catalogue.dispose()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | None]:
    """``None`` (SQLite in the archive dir, migrated) or the URL of a fresh PostgreSQL database."""
    if request.param == "sqlite":
        archive = tmp_path / "archive"
        archive.mkdir()
        shutil.copy(request.getfixturevalue("sqlite_template"), archive / "catalogue.sqlite3")
        yield None
        return
    with pg_database("t", request.getfixturevalue("pg_template")) as url:
        yield url


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """A fresh empty PostgreSQL database (for tests marked ``postgres``)."""
    with pg_database("p") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (no schema) on SQLite or PostgreSQL, for migration tests."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.sqlite3'}"
        return
    with pg_database("b") as url:
        yield url


def make_settings(tmp_path: Path, database_url: str | None, **extra: object) -> Settings:
    return Settings(
        archive_dir=tmp_path / "archive", search_dir=tmp_path / "search", templates_dir=TEMPLATES,
        database_url=database_url, secret_key="test-secret-key", test_database_url=None, **extra,
    )


@pytest.fixture
def settings(tmp_path: Path, database_url: str | None) -> Settings:
    return make_settings(tmp_path, database_url)


SEARCH_BACKENDS = ["whoosh", "tantivy", "postgres"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL search backend exists only over a PostgreSQL catalogue: the combination with
    SQLite is not a test (deselected, not skipped)."""
    keep, drop = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        (drop if params.get("settings_each_backend") == "postgres" and params.get("database_url") == "sqlite"
         else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(params=[pytest.param(b, marks=pytest.mark.postgres) if b == "postgres" else b
                        for b in SEARCH_BACKENDS])
def settings_each_backend(request: pytest.FixtureRequest, tmp_path: Path, database_url: str | None) -> Settings:
    """Settings with each search backend in turn (a module overrides ``settings`` with this)."""
    return make_settings(tmp_path, database_url, search_backend=request.param)


class BufferedClient(FlaskClient):
    """Reads every response whole and closes it, as a WSGI server does (no unclosed files)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        response = super().open(*args, **kwargs)
        response.close()
        if response.request is not None:  # werkzeug's client leaves a large request body's temp file open
            response.request.input_stream.close()
        return response


@pytest.fixture(scope="session")
def pdf_pool() -> Iterator[PoolConverter]:
    """One warm converter pool (real LibreOffice) for the whole session's documents."""
    pool = ConverterPool(slots=2, unoserver=str(ROOT / ".venv-uno" / "bin" / "unoserver"), timeout=60,
                         max_queue=256, restart_after=500)
    pool.start()
    path = Path(tempfile.mkdtemp(prefix="dst-")) / "pool.sock"
    server = PoolServer(path, pool)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield PoolConverter(path, timeout=60)
    server.shutdown()
    server.server_close()
    pool.stop()


@pytest.fixture
def app(settings: Settings, pdf_pool: PoolConverter):
    app = create_app(settings)
    app.config["TESTING"] = True
    app.test_client_class = BufferedClient
    app.extensions["docservice"].converter = pdf_pool  # the direct converter has tests of its own
    yield app
    app.extensions["docservice"].catalogue.dispose()


@pytest.fixture
def svc(app):
    return app.extensions["docservice"]


@pytest.fixture
def world(svc) -> World:
    with svc.catalogue.session() as session:
        return build_world(session)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth(client, world):
    """``auth("thuky.dong")`` → headers with a fresh bearer token for that user."""
    def headers(username: str) -> dict[str, str]:
        response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.json
        return {"Authorization": f"Bearer {response.json['token']}"}

    return headers


@pytest.fixture
def cli_world(tmp_path, monkeypatch, database_url):
    """An initialised archive (SQLite, or PostgreSQL when configured) with the test world, for the CLI."""
    for name, value in {"ARCHIVE_DIR": tmp_path / "archive", "SEARCH_DIR": tmp_path / "search",
                        "TEMPLATES_DIR": TEMPLATES}.items():
        monkeypatch.setenv(f"DOCSERVICE_{name}", str(value))
    if database_url:
        monkeypatch.setenv("DOCSERVICE_DATABASE_URL", database_url)
    else:
        monkeypatch.delenv("DOCSERVICE_DATABASE_URL", raising=False)
    assert run_cli("init").exit_code == 0
    services = Services.build(Settings())
    with services.catalogue.session() as session:
        world = build_world(session)
    yield services, world
    services.catalogue.dispose()


def run_cli(*args):
    """``docservice ARGS`` in-process (click's runner); exceptions propagate."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
