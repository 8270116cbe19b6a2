"""WSGI entry point for gunicorn: the application configured from the environment."""

import gc

from docservice import create_app

app = create_app()
# What the worker built to start (modules, the app, caches) lives as long as the worker: keep it out of the
# garbage collector's full passes, which otherwise walk it during requests (a 50 chi bộ overview: p95
# 310 → 169 ms in bench/overview.py, SQLite).
gc.collect()
gc.freeze()
