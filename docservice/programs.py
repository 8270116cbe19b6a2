"""External programs (poppler, Tesseract) run with a time limit, a memory ceiling and a lower priority
than the web tier, so a hostile file costs a clear error, never the service."""

from __future__ import annotations

import os
import subprocess

MEMORY_LIMIT = 1536 * 1024 * 1024
TIMEOUT = 120


def run_limited(args: list[str], *, timeout: float = TIMEOUT, stdin: bytes | None = None) -> bytes:
    """The program's output; ``OSError`` when it fails, is killed, or runs out of time.

    The memory ceiling is set by ``prlimit`` rather than a ``preexec_fn``, so Python can start the
    program without forking its whole address space.
    """
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one core per Tesseract; pages run in parallel
    limited = ["prlimit", f"--as={MEMORY_LIMIT}", "--", "nice", "-n", "10", *args]
    try:
        result = subprocess.run(limited, check=True, capture_output=True, timeout=timeout, env=env, input=stdin)
    except subprocess.TimeoutExpired as exc:
        raise OSError(f"{args[0]} timed out") from exc
    except subprocess.CalledProcessError as exc:
        raise OSError(f"{args[0]} failed ({exc.returncode})") from exc
    return result.stdout
