"""The job worker: claims queued jobs one at a time and runs the handler for their kind.

A job is claimed by moving it from ``queued`` to ``running`` in one conditional UPDATE, so two
workers never run the same job. Its outcome (``done`` with a report, or ``failed`` with the reason)
is written when the handler returns or raises; a worker that dies leaves it ``running`` for an
operator to see.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update

from docservice.db.models import Job
from docservice.errors import DocserviceError
from docservice.services import Services

log = logging.getLogger(__name__)
Handler = Callable[[Services, Job], dict[str, Any]]


def _reindex(services: Services, job: Job) -> dict[str, Any]:
    from docservice.search.indexer import rebuild

    return {"indexed": rebuild(services.catalogue, services.search_index)}


def _import(services: Services, job: Job) -> dict[str, Any]:
    """A bulk import started from the web, run with its creator's scope and clearance."""
    from docservice.archive import importer

    summary = importer.run(services, job.id, importer.job_principal(services, job))
    return {"counts": summary.counts, "report": str(summary.report)}


HANDLERS: dict[str, Handler] = {"reindex": _reindex, "import": _import}


def enqueue(services: Services, kind: str, params: dict[str, Any] | None = None,
            created_by: int | None = None) -> int:
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    with services.catalogue.session() as session:
        job = Job(kind=kind, params=params or {}, created_by=created_by)
        session.add(job)
        session.flush()
        return job.id


def _claim(services: Services) -> Job | None:
    with services.catalogue.session() as session:
        job_id = session.scalar(select(Job.id).where(Job.status == "queued").order_by(Job.id).limit(1))
        if job_id is None:
            return None
        claimed = session.execute(
            update(Job).where(Job.id == job_id, Job.status == "queued")
            .values(status="running", started_at=dt.datetime.now(dt.UTC))
        ).rowcount
        return session.get(Job, job_id) if claimed else None


def _finish(services: Services, job_id: int, **values: Any) -> None:
    with services.catalogue.session() as session:
        session.execute(update(Job).where(Job.id == job_id)
                        .values(finished_at=dt.datetime.now(dt.UTC), **values))


def run_one(services: Services) -> bool:
    """Run the oldest queued job, if any; return whether one ran."""
    job = _claim(services)
    if job is None:
        return False
    try:
        report = HANDLERS[job.kind](services, job)
    except DocserviceError as exc:
        _finish(services, job.id, status="failed", error=exc.detail)
    except Exception as exc:  # a failing job must not stop the worker; the reason is kept on the job
        log.exception("job %s (%s) failed", job.id, job.kind)
        _finish(services, job.id, status="failed", error=type(exc).__name__)
    else:
        _finish(services, job.id, status="done", report=report)
    return True


def run_forever(services: Services, *, poll_seconds: float = 1.0,
                should_stop: Callable[[], bool] = lambda: False) -> None:
    """Run jobs until ``should_stop``; meanwhile a thread writes the audit checkpoints on their period."""
    from docservice.archive.importer import recover_interrupted

    resumed = recover_interrupted(services)
    if resumed:
        log.warning("resuming interrupted imports %s", resumed)
    threading.Thread(target=_checkpoints, args=(services, should_stop), name="audit-checkpoints", daemon=True).start()
    while not should_stop():
        if not run_one(services):
            time.sleep(poll_seconds)


def _checkpoints(services: Services, should_stop: Callable[[], bool]) -> None:
    """A signed checkpoint of the audit chain every ``audit_checkpoint_seconds`` (when something is new);
    jobs may run for hours, so this does not wait for them."""
    period = services.settings.audit_checkpoint_seconds
    while not should_stop():
        try:
            point = services.write_audit_checkpoint()
        except Exception:  # a failed checkpoint is tried again next period; the job worker goes on
            log.exception("audit checkpoint not written")
        else:
            if point is not None:
                log.info("audit checkpoint: %s events, last %s", point.count, point.last_id)
        deadline = time.monotonic() + period
        while time.monotonic() < deadline and not should_stop():
            time.sleep(0.5)
