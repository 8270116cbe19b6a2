"""``docservice serve``: gunicorn web workers, one indexer and one job worker, supervised.

Each part runs as a child process. A child that exits is restarted (with a growing pause if it
keeps failing); SIGTERM or Ctrl-C stops them all and waits for them. Every part is started with a
parent-death signal, so it ends when the supervisor ends, even by ``kill -9``; the indexer and the job
worker hold the archive's lock for their kind, so a second one never runs on the same archive (one that
finds it taken exits with ``ALREADY_RUNNING`` and is tried again a little later).
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

import click

RESTART_PAUSE_MAX = 30.0
ALREADY_RUNNING = 75  # EX_TEMPFAIL: the part's lock on the archive is held by another process
_PR_SET_PDEATHSIG = 1


def _die_with(supervisor: int) -> None:
    """In the new part, before it runs: SIGTERM when the supervisor dies — or now, if it already has."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != supervisor:
        os._exit(1)


@dataclass
class Child:
    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    failures: int = 0
    started_at: float = field(default=0.0)

    def start(self) -> None:
        env = {"DOCSERVICE_LOG_FORMAT": "json", **os.environ, **self.env}
        supervisor = os.getpid()
        # preexec_fn is safe here: the supervisor runs one thread
        self.process = subprocess.Popen(self.command, env=env, preexec_fn=lambda: _die_with(supervisor))
        self.started_at = time.monotonic()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()

    def wait(self, timeout: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def children(host: str, port: int, workers: int, threads: int = 8) -> list[Child]:
    """The parts: gunicorn's workers each serve ``threads`` requests at once, so requests that wait (on a
    conversion, on heavy work in the sandbox) never hold up the others."""
    python = sys.executable
    pooled = {"DOCSERVICE_CONVERTER": "pool"}
    return [
        Child("converter", [python, "-m", "docservice.cli", "converter"]),
        Child("web", [python, "-m", "gunicorn", "--config", "python:docservice.logs", "--bind", f"{host}:{port}",
                      "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
                      "--timeout", "180", "--graceful-timeout", "20", "docservice.wsgi:app"], pooled),
        Child("indexer", [python, "-m", "docservice.cli", "indexer"]),
        Child("worker", [python, "-m", "docservice.cli", "worker"], pooled),
    ]


def supervise(parts: list[Child]) -> None:
    """Run ``parts`` until a signal arrives; restart any that exits meanwhile."""
    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    for part in parts:
        part.start()
    while not stopping:
        time.sleep(0.5)
        for part in parts:
            if stopping or part.process is None or part.process.poll() is None:
                continue
            _restart(part)
    for part in parts:
        part.stop()
    for part in parts:
        part.wait(timeout=25)


def _restart(part: Child) -> None:
    ran_for = time.monotonic() - part.started_at
    part.failures = 0 if ran_for > 60 else part.failures + 1
    pause = min(RESTART_PAUSE_MAX, 0.5 * 2 ** part.failures)
    code = part.process.returncode if part.process else None
    if code == ALREADY_RUNNING:
        pause = RESTART_PAUSE_MAX
        click.echo(f"docservice: another {part.name} holds this archive; trying again in {pause:.0f} s", err=True)
    else:
        click.echo(f"docservice: {part.name} exited ({code}); restarting in {pause:.1f} s", err=True)
    time.sleep(pause)
    part.start()
