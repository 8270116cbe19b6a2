"""The search directory: generations of the index and an atomic switch between them.

``search/current`` is a symbolic link to ``search/gen-…``, the generation every process reads and the
indexer writes. ``docservice reindex`` builds a whole new generation beside it, then replaces the link in
one rename, so searches never see a half-built index, and a failed rebuild leaves the old one in use.
The previous generation is kept until the next switch (a process may still be reading it); older
ones are removed. Every call resolves the link, so a switch made by another process is seen at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from docservice.errors import DocserviceError, ServiceUnavailable
from docservice.search.interface import IndexedRecord, SearchIndex, SearchRequest, SearchResult, Visibility

log = logging.getLogger(__name__)
CURRENT = "current"
PREFIX = "gen-"


class IndexHome:
    """A ``SearchIndex`` over the current generation of ``root``, built by ``factory(directory)``."""

    def __init__(self, root: Path, factory: Callable[[Path], SearchIndex]) -> None:
        self.root = root
        self.factory = factory
        self._backends: dict[Path, SearchIndex] = {}
        self._lock = threading.Lock()

    # --- generations ---

    def current_directory(self) -> Path:
        link = self.root / CURRENT
        try:
            return (self.root / os.readlink(link)).resolve()
        except FileNotFoundError:
            with self._lock:
                if not link.is_symlink():
                    self.switch(self.new_directory(), keep_previous=False)
            return (self.root / os.readlink(link)).resolve()

    def _remove_unversioned_index(self) -> None:
        """Index files an earlier release wrote straight into ``root`` (rebuilt as a generation)."""
        if not self.root.is_dir():
            return
        for child in self.root.iterdir():
            if child.name != "README.md" and not child.name.startswith((PREFIX, ".")) and child.name != CURRENT:
                shutil.rmtree(child) if child.is_dir() else child.unlink()

    def new_directory(self) -> Path:
        """A fresh, empty generation directory (not yet current)."""
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.root / f"{PREFIX}{stamp}-{os.getpid()}"
        path.mkdir()
        return path

    def backend_for(self, directory: Path) -> SearchIndex:
        with self._lock:
            backend = self._backends.get(directory)
            if backend is None:
                backend = self._backends[directory] = self.factory(directory)
            return backend

    def switch(self, directory: Path, *, keep_previous: bool = True) -> None:
        """Make ``directory`` current in one rename; remove generations older than the previous one."""
        link = self.root / CURRENT
        previous = os.readlink(link) if link.is_symlink() else None
        if previous is None:
            self._remove_unversioned_index()
        temporary = self.root / f".{CURRENT}-{os.getpid()}-{threading.get_ident()}"
        if temporary.is_symlink():
            temporary.unlink()
        temporary.symlink_to(directory.name)
        os.replace(temporary, link)
        keep = {directory.name, previous} if keep_previous else {directory.name}
        for child in self.root.iterdir():
            if child.is_dir() and child.name.startswith(PREFIX) and child.name not in keep:
                shutil.rmtree(child, ignore_errors=True)
                self._backends.pop(child, None)
        log.info("search index switched to %s", directory.name)

    def abandon(self, directory: Path) -> None:
        """Remove a generation that was being built and will not be used."""
        shutil.rmtree(directory, ignore_errors=True)
        self._backends.pop(directory, None)

    # --- SearchIndex, on the current generation ---

    @property
    def current(self) -> SearchIndex:
        return self.backend_for(self.current_directory())

    def upsert(self, records: list[IndexedRecord]) -> None:
        self.current.upsert(records)

    def delete(self, record_ids: list[int]) -> None:
        self.current.delete(record_ids)

    def search(self, request: SearchRequest, visibility: Visibility) -> SearchResult:
        """Search the current generation; if it cannot be read, the previous one while the indexer
        rebuilds (it checks the index when it starts, when writes fail and every half minute)."""
        current = self.current_directory()
        try:
            return self.backend_for(current).search(request, visibility)
        except DocserviceError:
            raise
        except Exception as exc:
            log.exception("search index %s cannot be read", current.name)
            older = sorted((p for p in self.root.glob(f"{PREFIX}*") if p.is_dir() and p != current), reverse=True)
            for directory in older[:1]:
                try:
                    return self.backend_for(directory).search(request, visibility)
                except Exception:
                    log.exception("previous search index %s cannot be read either", directory.name)
            raise ServiceUnavailable("Chỉ mục tìm kiếm đang được dựng lại; vui lòng thử lại sau ít phút.") from exc

    def clear(self) -> None:
        self.current.clear()

    def needs_rebuild(self) -> bool:
        return not (self.root / CURRENT).is_symlink() or self.current.needs_rebuild()

    def ids(self) -> set[int]:
        return self.current.ids()
