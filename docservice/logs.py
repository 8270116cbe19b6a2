"""Structured logs: one JSON object per line, with nothing of a record's text in them.

What may appear: time, level, logger, the message the code wrote (the service's own messages name
ids, counts and user names only), request method, path (never the query string: search words and
form values stay out), status, duration, user name and client address. An exception is logged as
its type and the code locations it passed through — not its message, which may quote data (a
database error quotes the row it could not write).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import traceback
from typing import Any

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info and record.exc_info[0] is not None:
            kind, _value, tb = record.exc_info
            entry["error_type"] = f"{kind.__module__}.{kind.__qualname__}"
            entry["where"] = [f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno} {frame.name}"
                              for frame in traceback.extract_tb(tb)][-8:]
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(level: int = logging.INFO, *, json_lines: bool = True) -> None:
    """Log to stderr as JSON lines (or as plain text for a person at a terminal)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    if json_lines:
        threading.excepthook = _thread_exception


def _thread_exception(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread else "?"
    logging.getLogger("docservice").error("uncaught error in thread %s", name,
                                          exc_info=(args.exc_type, args.exc_value, args.exc_traceback))


# gunicorn reads this through ``--config python:docservice.logs`` (only the names below are settings):
# its own messages go through the same JSON formatter; it writes no access log (the application
# logs each request itself, without query strings).
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "docservice.logs.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
}
accesslog = None
