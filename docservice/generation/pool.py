"""The converter pool: warm LibreOffice processes shared by every web worker of a host.

``docservice converter`` (started by ``docservice serve``) runs one ``unoserver`` per slot — each a
long-lived headless LibreOffice with a profile of its own in a temporary folder — and listens on a
local Unix socket. Web workers use ``PoolConverter``, which speaks a tiny protocol over that socket:

    request   b"CONVERT <n>\\n" + n bytes of .docx
    answer    b"OK <n>\\n" + n bytes of PDF  |  b"BUSY <seconds>\\n"  |  b"ERROR <code>\\n"

Each conversion has its own timeout, counted from the moment a slot takes it (not from the queue);
a slot that times out or fails is killed and restarted in the background, and every slot is
restarted after a number of conversions. At most ``queue`` requests wait for a slot; more are
answered BUSY at once (503 with Retry-After). The client retries a failed conversion once, after a
short random pause, and then reports a clear error.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import random
import shutil
import signal
import socket
import socketserver
import subprocess
import tempfile
import threading
import time
import xmlrpc.client
from collections.abc import Callable
from pathlib import Path

from docservice.errors import ConversionFailed, ServiceUnavailable
from docservice.generation.convert import check_pdf

log = logging.getLogger(__name__)
START_TIMEOUT = 90.0
QUEUE_WAIT = 120.0
RETRY_AFTER = 2
STARTUP_WAIT = 20.0


class _TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host):  # type: ignore[no-untyped-def]
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Slot:
    """One unoserver + LibreOffice pair, restartable."""

    def __init__(self, index: int, unoserver: str) -> None:
        self.index = index
        self.unoserver = unoserver
        self.process: subprocess.Popen[bytes] | None = None
        self.profile: Path | None = None
        self.port = 0
        self.conversions = 0

    def start(self) -> None:
        self.port, uno_port = _free_port(), _free_port()
        self.profile = Path(tempfile.mkdtemp(prefix=f"docservice-lo-slot{self.index}-"))
        command = [self.unoserver, "--interface", "127.0.0.1", "--port", str(self.port), "--uno-interface",
                   "127.0.0.1", "--uno-port", str(uno_port), "--user-installation", str(self.profile), "--quiet"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        self.conversions = 0
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"unoserver of slot {self.index} exited ({self.process.returncode})")
            try:
                self._proxy(5.0).info()
                return
            except (OSError, xmlrpc.client.Error):
                time.sleep(0.2)
        raise RuntimeError(f"slot {self.index} did not start within {START_TIMEOUT:.0f} s")

    def _proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self.port}", allow_none=True,
                                         transport=_TimeoutTransport(timeout))

    def convert(self, docx: bytes, timeout: float) -> bytes:
        result = self._proxy(timeout).convert(None, xmlrpc.client.Binary(docx), None, "pdf", "writer_pdf_Export",
                                              [], False)
        self.conversions += 1
        return result.data

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        if self.profile is not None:
            shutil.rmtree(self.profile, ignore_errors=True)

    def restart(self) -> None:
        self.stop()
        self.start()

    def soffice_pids(self) -> list[int]:
        """The LibreOffice processes of this slot (for operators and tests)."""
        if self.process is None:
            return []
        out = subprocess.run(["pgrep", "-g", str(os.getpgid(self.process.pid)), "-f", "soffice"],
                             capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]


class Busy(Exception):
    """Every slot is busy and the queue is full."""


class ConversionError(Exception):
    """The slot failed or timed out; it is being restarted."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class ConverterPool:
    def __init__(self, *, slots: int, unoserver: str, timeout: float, max_queue: int, restart_after: int,
                 slot_factory: Callable[[int, str], Slot] = Slot) -> None:
        self.timeout = timeout
        self.max_queue = max_queue
        self.restart_after = restart_after
        self.slots = [slot_factory(i, unoserver) for i in range(slots)]
        self._idle: queue.Queue[Slot] = queue.Queue()
        self._waiting = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._restarts: list[threading.Thread] = []

    def start(self) -> None:
        threads = [threading.Thread(target=slot.start) for slot in self.slots]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for slot in self.slots:
            if slot.process is None or slot.process.poll() is not None:
                raise RuntimeError(f"slot {slot.index} failed to start")
            self._idle.put(slot)

    def stop(self) -> None:
        """Stop every slot, after any restart under way has finished (nothing is left running)."""
        self._stopping.set()
        for thread in list(self._restarts):
            thread.join(timeout=START_TIMEOUT + 10)
        for slot in self.slots:
            slot.stop()

    def _take(self) -> Slot:
        with self._lock:
            if self._waiting >= self.max_queue:
                raise Busy()
            self._waiting += 1
        try:
            return self._idle.get(timeout=QUEUE_WAIT)
        except queue.Empty as exc:
            raise Busy() from exc
        finally:
            with self._lock:
                self._waiting -= 1

    def _give_back(self, slot: Slot, *, restart: bool) -> None:
        if not restart:
            self._idle.put(slot)
            return

        def restart_then_release() -> None:
            while not self._stopping.is_set():
                try:
                    slot.restart()
                    self._idle.put(slot)
                    return
                except RuntimeError:
                    log.exception("slot %s failed to restart; trying again", slot.index)
                    self._stopping.wait(1.0)

        thread = threading.Thread(target=restart_then_release, daemon=True)
        self._restarts = [t for t in self._restarts if t.is_alive()] + [thread]
        thread.start()

    def convert(self, docx: bytes) -> bytes:
        """The PDF of ``docx``; ``Busy`` when the queue is full, ``ConversionError`` on failure."""
        slot = self._take()
        failed = True
        try:
            pdf = slot.convert(docx, self.timeout)
            check_pdf(pdf)
            failed = False
            return pdf
        except TimeoutError as exc:
            raise ConversionError("timeout") from exc
        except (OSError, xmlrpc.client.Error, ConversionFailed) as exc:
            raise ConversionError("failed") from exc
        finally:
            self._give_back(slot, restart=failed or slot.conversions >= self.restart_after)


# the socket protocol ------------------------------------------------------------------------------------
MAX_DOCUMENT = 200 * 1024 * 1024


def _read_line(stream: socket.SocketIO | object) -> bytes:
    line = stream.readline(256)  # type: ignore[attr-defined]
    if not line.endswith(b"\n"):
        raise ConnectionError("truncated header")
    return line.strip()


def _read_exact(stream: object, size: int) -> bytes:
    data = stream.read(size)  # type: ignore[attr-defined]
    if len(data) != size:
        raise ConnectionError("truncated body")
    return data


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        pool: ConverterPool = self.server.pool  # type: ignore[attr-defined]
        try:
            verb, _, size = _read_line(self.rfile).partition(b" ")
            if verb != b"CONVERT" or not size.isdigit() or int(size) > MAX_DOCUMENT:
                self.wfile.write(b"ERROR bad_request\n")
                return
            docx = _read_exact(self.rfile, int(size))
        except ConnectionError:
            return
        try:
            pdf = pool.convert(docx)
        except Busy:
            self.wfile.write(f"BUSY {RETRY_AFTER}\n".encode())
        except ConversionError as exc:
            self.wfile.write(f"ERROR {exc.code}\n".encode())
        else:
            self.wfile.write(f"OK {len(pdf)}\n".encode() + pdf)


class PoolServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True
    request_queue_size = 1024  # every web worker's request must reach the pool's own queue logic

    def __init__(self, path: Path, pool: ConverterPool) -> None:
        path.unlink(missing_ok=True)
        super().__init__(str(path), _Handler)
        os.chmod(path, 0o600)
        self.pool = pool


class PoolConverter:
    """A ``PdfConverter`` that asks the host's converter pool over its socket."""

    def __init__(self, path: Path, *, timeout: float, retry_pause: tuple[float, float] = (0.2, 0.8)) -> None:
        self.path = path
        self.timeout = timeout
        self.retry_pause = retry_pause

    def _ask(self, docx: bytes) -> tuple[bytes, bytes]:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(self.timeout + QUEUE_WAIT + 10)
            sock.connect(str(self.path))
            sock.sendall(f"CONVERT {len(docx)}\n".encode() + docx)
            stream = sock.makefile("rb")
            status, _, argument = _read_line(stream).partition(b" ")
            body = _read_exact(stream, int(argument)) if status == b"OK" else argument
            return status, body

    def ready(self) -> bool:
        """Whether the pool answers on its socket."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            try:
                sock.connect(str(self.path))
                return True
            except OSError:
                return False

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_WAIT
        while time.monotonic() < deadline and not self.ready():
            time.sleep(0.25)

    def convert(self, docx: bytes) -> bytes:
        for attempt in (1, 2):
            try:
                status, body = self._ask(docx)
            except (OSError, ConnectionError, ValueError):
                status, body = b"ERROR", b"unreachable"
            if status == b"OK":
                return body
            if status == b"BUSY":
                raise ServiceUnavailable("Bộ chuyển PDF đang quá tải; vui lòng thử lại sau ít giây.",
                                         headers={"Retry-After": body.decode() or str(RETRY_AFTER)})
            if attempt == 1 and body == b"unreachable":
                self._wait_until_ready()  # the pool may still be starting its LibreOffice processes
            elif attempt == 1:
                time.sleep(random.uniform(*self.retry_pause))  # noqa: S311 - jitter, not security
        reason = {b"timeout": "quá thời gian cho phép", b"unreachable": "bộ chuyển PDF chưa sẵn sàng"}.get(
            body, "LibreOffice gặp lỗi")
        raise ConversionFailed(f"Không chuyển được văn bản sang PDF ({reason}), đã thử lại một lần.",
                               headers={"Retry-After": str(RETRY_AFTER)})
