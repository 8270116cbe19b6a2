"""Heavy work on untrusted input, run where it cannot cost the service.

Layout checks of uploaded .docx files, dry runs and renders of uploaded templates, and the PDF parts of
books and dossiers run in child processes with a ceiling on memory (``RLIMIT_AS``) and on time (the
parent kills a child that runs over; ``RLIMIT_CPU`` backs it up should the parent itself die), at a lower
scheduling priority than the web tier. Only ``slots`` such children run at a time on a host (a lock file
each, shared by every web worker and the job worker); work that finds no free slot within
``wait_seconds`` is refused with 503 and ``Retry-After``. A child that runs over its limits answers 422
(``too_complex``) and is gone; nothing it did remains.

Children come from a fork server started once per process with the task modules already imported, so a
child costs a few milliseconds, shares no threads or locks with the web worker and inherits none of its
state. Tasks are module-level functions; their arguments and results travel pickled through a pipe.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import multiprocessing
import os
import resource
import sys
import tempfile
import threading
import time
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from docservice.errors import DocserviceError, ServiceUnavailable, TooComplex, UnreadableFile

log = logging.getLogger(__name__)
T = TypeVar("T")
PRELOAD = ["docservice.generation.lint", "docservice.archive.service", "docservice.archive.assembly",
           "docservice.oversight.printing"]
_context: Any = None


@dataclass(frozen=True)
class Limits:
    """How long one task may run and how much memory its process may map."""

    seconds: float
    memory_mb: int

    def describe(self) -> str:
        return f"{self.seconds:g} giây, {self.memory_mb} MB"


@dataclass(frozen=True)
class Failed:
    """A task of ``Sandbox.map`` that did not complete: why, in Vietnamese."""

    reason: str


def _forkserver() -> Any:
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


def _serve(conn: Connection, memory_bytes: int) -> None:
    """The child: tasks in, results out, until the parent says stop or goes away."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    with contextlib.suppress(OSError):
        os.nice(10)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        task, args, seconds = job
        used = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        soft = int(used + 2 * seconds + 5)
        resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
        outcome = _outcome(task, args)
        try:
            conn.send(outcome)
        except (MemoryError, RecursionError):
            conn.send(("limits",))
        except Exception as exc:  # a result that cannot travel (not picklable): the task's fault, said so
            conn.send(("failed", type(exc).__name__))


def _outcome(task: Callable[..., Any], args: tuple[Any, ...]) -> tuple[Any, ...]:
    try:
        return ("ok", task(*args))
    except DocserviceError as exc:
        return ("error", type(exc), exc.detail, exc.errors, exc.extra)
    except (MemoryError, RecursionError):
        return ("limits",)
    except Exception as exc:  # untrusted input made the task fail: the input is unusable, not the service
        return ("failed", type(exc).__name__)


_STARTING = threading.Lock()


@contextlib.contextmanager
def _main_left_out() -> Iterator[None]:
    """A child would otherwise run the parent's main module again to set itself up (multiprocessing's
    habit): tasks live in docservice's own modules, so it is given an empty one instead — whatever
    started the parent (gunicorn, the command line, a test runner, a script on stdin)."""
    with _STARTING:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main


class _Child:
    """One child process and the parent's end of its pipe."""

    def __init__(self, limits: Limits) -> None:
        context = _forkserver()
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, limits.memory_mb * 1024 * 1024), daemon=True)
        with _main_left_out():
            self.process.start()
        theirs.close()

    def call(self, task: Callable[..., T], args: tuple[Any, ...], limits: Limits, what: str) -> T:
        self.conn.send((task, args, limits.seconds))
        if not self.conn.poll(limits.seconds):
            self.kill()
            raise TooComplex(f"{what} cần quá nhiều thời gian để xử lý (giới hạn {limits.describe()}); "
                             "hãy kiểm tra lại tệp.")
        try:
            outcome = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            outcome = ("limits",)
        return _result(outcome, limits, what)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.process.join(timeout=2)
        self.kill()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()


def _result(outcome: tuple[Any, ...], limits: Limits, what: str) -> Any:
    kind = outcome[0]
    if kind == "ok":
        return outcome[1]
    if kind == "error":
        cls, detail, errors, extra = outcome[1:]
        raise cls(detail, errors=errors, extra=extra)
    if kind == "limits":
        raise TooComplex(f"{what} cần quá nhiều bộ nhớ hoặc quá phức tạp để xử lý (giới hạn {limits.describe()}); "
                         "hãy kiểm tra lại tệp.")
    log.warning("sandboxed task failed on its input: %s", outcome[1])
    raise UnreadableFile(f"{what} không xử lý được (tệp hỏng hoặc có cấu trúc bất thường).")


class Sandbox:
    """Runs tasks on untrusted input in limited child processes, ``slots`` at a time on this host."""

    def __init__(self, lock_dir: Path, *, slots: int, wait_seconds: float, limits: Limits) -> None:
        self.lock_dir = lock_dir
        self.slots = max(1, slots)
        self.wait_seconds = wait_seconds
        self.limits = limits

    @classmethod
    def for_archive(cls, archive_dir: Path, *, slots: int, wait_seconds: float, limits: Limits) -> Sandbox:
        """The sandbox shared by every process of this host that serves ``archive_dir``."""
        digest = hashlib.sha256(str(archive_dir).encode()).hexdigest()[:12]
        folder = Path(tempfile.gettempdir()) / f"docservice-{digest}-heavy"
        folder.mkdir(mode=0o700, exist_ok=True)
        default = max(1, (os.cpu_count() or 2) - 1)
        return cls(folder, slots=slots or default, wait_seconds=wait_seconds, limits=limits)

    @contextlib.contextmanager
    def slot(self, wait_seconds: float | None = None) -> Iterator[None]:
        """Hold one of the host's slots while the block runs; ``ServiceUnavailable`` (503) when none frees up."""
        deadline = time.monotonic() + (self.wait_seconds if wait_seconds is None else wait_seconds)
        while True:
            fd = self._take()
            if fd is not None:
                break
            if time.monotonic() >= deadline:
                raise ServiceUnavailable("Máy chủ đang bận xử lý các tệp khác; vui lòng thử lại sau ít phút.",
                                         headers={"Retry-After": "30"})
            time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _take(self) -> int | None:
        for index in range(self.slots):
            fd = os.open(self.lock_dir / f"slot-{index}", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return fd
        return None

    def run(self, task: Callable[..., T], *args: Any, what: str, limits: Limits | None = None) -> T:
        """``task(*args)`` in a child; its result, or the ``DocserviceError`` it raised, or ``TooComplex``."""
        limits = limits or self.limits
        with self.slot():
            child = _Child(limits)
            try:
                return child.call(task, args, limits, what)
            finally:
                child.close()

    def map(self, task: Callable[[Any], T], items: Iterable[Any], *, what: str,
            limits: Limits | None = None) -> list[T | Failed]:
        """``task(item)`` for each item, in order, in one child (a fresh one after an item it could not
        survive); an item that fails or runs over its limits gives ``Failed`` and the others go on."""
        limits = limits or self.limits
        results: list[T | Failed] = []
        with self.slot():
            child: _Child | None = None
            try:
                for item in items:
                    child = child or _Child(limits)
                    try:
                        results.append(child.call(task, (item,), limits, what))
                    except (TooComplex, UnreadableFile) as exc:  # the child may be spent: a fresh one goes on
                        results.append(Failed(exc.detail))
                        child.kill()
                        child = None
                    except DocserviceError as exc:
                        results.append(Failed(exc.detail))
            finally:
                if child is not None:
                    child.close()
        return results
