"""The indexer and the job worker: nothing is lost when a pass fails."""

import datetime as dt

import pytest
from sqlalchemy import select

from docservice.db.models import Job, OutboxEntry, Record
from docservice.jobs.worker import enqueue, run_one
from docservice.search.indexer import drain_once
from docservice.search.interface import SearchRequest, Visibility
from docservice.search.query import parse_query


def _add_record(svc, org_id, title):
    with svc.catalogue.session() as session:
        record = Record(sha256="a" * 64, size=1, pages=1, organization_id=org_id, doc_type="nghi_quyet",
                        date=dt.date(2025, 9, 1), title=title, text="Nội dung về đảng viên.", text_source="text_layer")
        session.add(record)
        session.flush()
        session.add(OutboxEntry(entity="record", entity_id=record.id, action="upsert"))
        return record.id


class BrokenIndex:
    def upsert(self, records):
        raise OSError("disk full")

    def delete(self, record_ids):
        raise OSError("disk full")


def _pending(svc):
    with svc.catalogue.reader() as session:
        return len(session.scalars(select(OutboxEntry).where(OutboxEntry.processed_at.is_(None))).all())


def _found(svc, world, q):
    result = svc.search_index.search(SearchRequest(query=parse_query(q)), Visibility(world.root_id, 3))
    return [hit.id for hit in result.hits]


def test_a_failed_indexing_pass_leaves_the_outbox_for_the_next_pass(svc, world):
    record_id = _add_record(svc, world.dong_id, "Nghị quyết tháng chín")
    with pytest.raises(OSError):
        drain_once(svc.catalogue, BrokenIndex())
    assert _pending(svc) == 1
    assert drain_once(svc.catalogue, svc.search_index) == 1
    assert _pending(svc) == 0 and _found(svc, world, "tháng chín") == [record_id]


def test_reindex_job_rebuilds_the_index_from_the_catalogue(svc, world):
    record_id = _add_record(svc, world.dong_id, "Kế hoạch học tập nghị quyết")
    svc.search_index.clear()
    job_id = enqueue(svc, "reindex")
    assert run_one(svc) is True and run_one(svc) is False
    with svc.catalogue.reader() as session:
        job = session.get(Job, job_id)
        assert job.status == "done" and job.report == {"indexed": 1} and job.finished_at is not None
    assert _found(svc, world, "hoc tap") == [record_id] and _pending(svc) == 0


def test_a_failing_job_is_marked_failed_and_the_worker_goes_on(svc, world, monkeypatch):
    from docservice.jobs import worker

    monkeypatch.setitem(worker.HANDLERS, "reindex", lambda services, job: 1 / 0)
    first, second = enqueue(svc, "reindex"), enqueue(svc, "reindex")
    assert run_one(svc) and run_one(svc)
    with svc.catalogue.reader() as session:
        assert [session.get(Job, i).status for i in (first, second)] == ["failed", "failed"]
        assert session.get(Job, first).error == "ZeroDivisionError"
    with pytest.raises(ValueError):
        enqueue(svc, "khong-co")


def test_the_job_worker_writes_audit_checkpoints_while_it_runs(svc, world):
    """The worker's checkpoint thread writes one on its period, and only when the chain has moved."""
    import threading

    from docservice.jobs.worker import run_forever
    from docservice.security.audit import append_event
    from docservice.security.checkpoints import read_checkpoints

    stop = threading.Event()
    worker = threading.Thread(target=run_forever, args=(svc,), kwargs={"poll_seconds": 0.05,
                                                                        "should_stop": stop.is_set})
    with svc.catalogue.session() as session:
        append_event(session, username="luutru", action="record.view", object_id=1)
    worker.start()
    path, key = svc.settings.audit_checkpoints_path, svc.catalogue.audit_key
    deadline = dt.datetime.now() + dt.timedelta(seconds=10)
    while not read_checkpoints(path, key)[0] and dt.datetime.now() < deadline:
        stop.wait(0.1)
    stop.set()
    worker.join(timeout=10)
    (point,), problems = read_checkpoints(path, key)
    assert problems == [] and point.count == 1 and svc.verify_audit_trail() == []
