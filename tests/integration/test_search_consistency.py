"""The index stays equal to the catalogue: generations switched atomically by reindex, a damaged index
rebuilt instead of shown as an error, writes made during a rebuild applied again — for each backend."""

import datetime as dt
import os

import pytest
from sqlalchemy import select

from docservice.cli import initialise
from docservice.config import Settings
from docservice.db.models import OutboxEntry, Record
from docservice.search.home import CURRENT, IndexHome
from docservice.search.indexer import drain_once, ensure_index, rebuild
from docservice.search.interface import SearchRequest, Visibility
from docservice.search.query import parse_query
from docservice.services import Services
from tests.builders import build_world
from tests.conftest import TEMPLATES

BACKENDS = ["whoosh", "tantivy"]


@pytest.fixture(params=BACKENDS)
def services(request, tmp_path, database_url):
    built = Services.build(Settings(archive_dir=tmp_path / "archive", search_dir=tmp_path / "search",
                                    templates_dir=TEMPLATES, database_url=database_url, search_backend=request.param))
    initialise(built, demo=False)
    with built.catalogue.session() as session:
        built.world = build_world(session)
    yield built
    built.catalogue.dispose()


def _add(services, title, text="Nội dung về công tác đảng viên."):
    with services.catalogue.session() as session:
        record = Record(sha256="b" * 64, size=1, pages=1, organization_id=services.world.dong_id,
                        doc_type="nghi_quyet", date=dt.date(2025, 9, 1), title=title, text=text,
                        text_source="text_layer")
        session.add(record)
        session.flush()
        session.add(OutboxEntry(entity="record", entity_id=record.id, action="upsert"))
        return record.id


def _drain(services):
    while drain_once(services.catalogue, services.search_index):
        pass


def _found(services, q):
    result = services.search_index.search(SearchRequest(query=parse_query(q)), Visibility(services.world.root_id, 3))
    return sorted(hit.id for hit in result.hits)


def _catalogue_ids(services):
    with services.catalogue.reader() as session:
        return set(session.scalars(select(Record.id).where(Record.disposed_at.is_(None))))


def _generation(services):
    return os.readlink(services.settings.search_dir / CURRENT)


def test_reindex_builds_a_new_generation_and_switches_to_it_in_one_step(services):
    home = services.search_index
    assert isinstance(home, IndexHome)
    first = [_add(services, f"Nghị quyết số {n} về thủy lợi") for n in range(3)]
    _drain(services)
    before = _generation(services)
    assert rebuild(services.catalogue, home) == 3
    after = _generation(services)
    assert after != before and _found(services, "thuy loi") == first
    assert services.search_index.ids() == _catalogue_ids(services)
    rebuild(services.catalogue, home)  # the generation before the previous one is removed
    names = sorted(p.name for p in services.settings.search_dir.iterdir() if p.name.startswith("gen-"))
    assert before not in names and after in names and len(names) == 2


def test_a_failed_rebuild_leaves_the_current_index_in_use(services, monkeypatch):
    kept = _add(services, "Báo cáo hòa giải ở cơ sở")
    _drain(services)
    before = _generation(services)
    original = services.search_index.backend_for

    def failing(directory):
        backend = original(directory)
        if directory.name != before:
            monkeypatch.setattr(backend, "upsert", lambda records: (_ for _ in ()).throw(OSError("đầy đĩa")))
        return backend

    monkeypatch.setattr(services.search_index, "backend_for", failing)
    with pytest.raises(OSError):
        rebuild(services.catalogue, services.search_index)
    monkeypatch.undo()
    assert _generation(services) == before and _found(services, "hoà giải") == [kept]
    assert sorted(p.name for p in services.settings.search_dir.glob("gen-*")) == [before]


def test_writes_made_while_a_rebuild_runs_reach_the_new_generation(services, monkeypatch):
    _add(services, "Nghị quyết về khuyến học")
    _drain(services)
    late = []
    import docservice.search.indexer as indexer

    real = indexer._all_records

    def records_then_a_late_write(catalogue, batch):
        yield from real(catalogue, batch)
        late.append(_add(services, "Kế hoạch chuyển đổi số"))  # committed after the rebuild read everything
        _drain(services)  # the indexer puts it into the old generation meanwhile

    monkeypatch.setattr(indexer, "_all_records", records_then_a_late_write)
    rebuild(services.catalogue, services.search_index)
    monkeypatch.undo()
    assert _found(services, "chuyen doi so") == []  # not yet in the new generation…
    _drain(services)  # …until the indexer applies the entries written during the rebuild again
    assert _found(services, "chuyen doi so") == late
    assert services.search_index.ids() == _catalogue_ids(services)


def _damage(directory):
    for path in directory.iterdir():
        if path.is_file() and path.name != "schema_version":
            path.write_bytes(b"\0" * 16)


def test_a_damaged_index_is_rebuilt_and_searches_meanwhile_use_the_previous_generation(services):
    ids = [_add(services, "Nghị quyết về an ninh trật tự"), _add(services, "Biên bản về an ninh")]
    _drain(services)
    rebuild(services.catalogue, services.search_index)  # now a previous generation exists
    _damage(services.settings.search_dir / CURRENT)
    assert _found(services, "an ninh") == ids  # answered by the previous generation, not an error
    assert services.search_index.needs_rebuild()
    assert ensure_index(services.catalogue, services.search_index) is True
    assert not services.search_index.needs_rebuild() and _found(services, "an ninh") == ids
    assert ensure_index(services.catalogue, services.search_index) is False


def test_a_damaged_index_without_a_previous_one_answers_503_until_rebuilt(services):
    from docservice.errors import ServiceUnavailable

    record = _add(services, "Thông báo kết luận")
    _drain(services)
    _damage(services.settings.search_dir / CURRENT)
    with pytest.raises(ServiceUnavailable):
        _found(services, "kết luận")
    ensure_index(services.catalogue, services.search_index)
    assert _found(services, "ket luan") == [record]


def test_an_index_left_by_an_earlier_release_is_replaced_by_a_generation(tmp_path, database_url):
    search = tmp_path / "search"
    search.mkdir()
    (search / "README.md").write_text("giữ lại", encoding="utf-8")
    (search / "MAIN_old.toc").write_bytes(b"old whoosh files")
    built = Services.build(Settings(archive_dir=tmp_path / "archive", search_dir=search, templates_dir=TEMPLATES,
                                    database_url=database_url))
    try:
        initialise(built, demo=False)
        assert (search / CURRENT).is_symlink() and not (search / "MAIN_old.toc").exists()
        assert (search / "README.md").read_text(encoding="utf-8") == "giữ lại"
    finally:
        built.catalogue.dispose()


@pytest.mark.postgres
def test_the_postgres_backend_swaps_a_rebuild_in_one_transaction_and_reapplies_late_writes(
        tmp_path, pg_template, monkeypatch):
    from docservice.search.postgres_index import PostgresIndex
    from tests.conftest import pg_database

    with pg_database("s", pg_template) as url:
        built = Services.build(Settings(archive_dir=tmp_path / "archive", search_dir=tmp_path / "search",
                                        templates_dir=TEMPLATES, database_url=url, search_backend="postgres"))
        try:
            _rebuild_swaps_and_reapplies(built, tmp_path, monkeypatch, PostgresIndex)
        finally:
            built.catalogue.dispose()


def _rebuild_swaps_and_reapplies(built, tmp_path, monkeypatch, backend_type):
    assert isinstance(built.search_index, backend_type)
    initialise(built, demo=False)
    with built.catalogue.session() as session:
        built.world = build_world(session)
    first = _add(built, "Nghị quyết về khuyến học")
    _drain(built)
    import docservice.search.indexer as indexer

    real, late, seen_during = indexer._all_records, [], []

    def records_then_a_late_write(catalogue, batch):
        yield from real(catalogue, batch)
        seen_during.append(_found(built, "khuyen hoc"))  # another connection still sees the old rows
        late.append(_add(built, "Kế hoạch chuyển đổi số"))

    monkeypatch.setattr(indexer, "_all_records", records_then_a_late_write)
    assert rebuild(built.catalogue, built.search_index) == 1
    monkeypatch.undo()
    assert seen_during == [[first]]
    _drain(built)
    assert _found(built, "chuyen doi so") == late and built.search_index.ids() == _catalogue_ids(built)
    assert not (tmp_path / "search" / CURRENT).exists()  # no index files at all
