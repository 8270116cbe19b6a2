"""The catalogue: SQLAlchemy engine and unit-of-work sessions (SQLite default, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, *, writer: bool = False) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout.

    A SQLite ``writer`` engine starts every transaction with ``BEGIN IMMEDIATE``: writers queue
    on the database lock (up to the busy timeout) instead of failing when a read-then-write unit
    of work finds that another process committed in between.
    """
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, hide_parameters=True)
    engine = create_engine(url, connect_args={"timeout": 10, "isolation_level": None}, hide_parameters=True)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _begin_immediate if writer else _begin_deferred)
    return engine


def _begin_deferred(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


class Catalogue:
    """Opens units of work on the catalogue: committed on success, rolled back on any error.

    ``audit_key`` (kept outside the database) signs the audit events its sessions append
    (``session.info["audit_key"]``); a catalogue opened without it can read but not audit.
    """

    def __init__(self, url: str, *, audit_key: bytes | None = None) -> None:
        self.url = url
        self.audit_key = audit_key
        self.engine = make_engine(url)
        self._write_engine = make_engine(url, writer=True) if self.is_sqlite else self.engine
        self._sessions = sessionmaker(self._write_engine, expire_on_commit=False)
        self._readers = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def lock_dir(self) -> Path:
        """Folder for cross-process lock files, next to a SQLite database file."""
        database = self.engine.url.database
        if not self.is_sqlite or not database or database == ":memory:":
            raise RuntimeError("lock files need a SQLite database file")
        path = Path(database).with_name(Path(database).name + ".locks")
        path.mkdir(exist_ok=True)
        return path

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends normally and rolls back otherwise."""
        session = self._sessions(info={"audit_key": self.audit_key})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def session_on(self, connection: Connection) -> Iterator[Session]:
        """Like ``session()`` but on a connection the caller holds (and keeps) open."""
        session = Session(bind=connection, expire_on_commit=False, info={"audit_key": self.audit_key})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A session for reads only: never commits; loaded objects stay readable after the block."""
        session = self._readers()
        try:
            yield session
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
        self._write_engine.dispose()
