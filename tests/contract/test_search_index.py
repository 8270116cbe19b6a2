"""The search-index suite: every backend of ``SearchIndex`` must pass it."""

import datetime as dt

import pytest

from docservice.search.interface import IndexedRecord, SearchRequest, Visibility
from docservice.search.postgres_index import PostgresIndex
from docservice.search.query import parse_query
from docservice.search.tantivy_index import TantivyIndex
from docservice.search.whoosh_index import WhooshIndex

BACKENDS = {"whoosh": lambda d: WhooshIndex(d, cache_entries=4), "tantivy": TantivyIndex}  # small: evictions too

ROOT, DONG, TAY = 1, 2, 3
ALL = Visibility(scope_org_id=ROOT, clearance=3)


def _record(id_, title, text, *, org=DONG, level=0, date=dt.date(2024, 3, 5), doc_type="nghi_quyet",
            number=None, number_key=None, superseded=False):
    return IndexedRecord(id=id_, number=number, number_key=number_key, title=title, text=text,
                         doc_type=doc_type, date=date, organization_id=org,
                         organization_ancestors=(ROOT, org) if org != ROOT else (ROOT,),
                         confidentiality=level, superseded=superseded)


CORPUS = [
    _record(1, "Nghị quyết về công tác đảng viên", "Chi bộ kết nạp đảng viên mới, sàng lọc đảng viên năm 2019.",
            date=dt.date(2019, 5, 2), number="05-NQ/CB", number_key="5nqcb"),
    _record(2, "Biên bản sinh hoạt", "Đồng chí đang phát biểu về dạng bài tập; hội nghị đang diễn ra.",
            doc_type="bien_ban", date=dt.date(2020, 1, 9)),
    _record(3, "Báo cáo hoà giải", "Tổ hoà giải thôn và công tác thuỷ lợi được duy trì.", org=TAY,
            doc_type="bao_cao"),
    _record(4, "Nghị quyết mật về nhân sự", "Đảng viên Nguyễn Văn A được đề nghị kỷ luật.", level=1,
            date=dt.date(2024, 8, 1)),
    _record(5, "Kế hoạch thực hiện", "Thực hiện Nghị quyết số 21-NQ/TW về xây dựng Đảng.", org=ROOT,
            doc_type="ke_hoach", date=dt.date(2017, 2, 3)),
    _record(6, "Nghị quyết cũ về đảng viên", "Bản đã bị thay thế về đảng viên.", superseded=True),
]


@pytest.fixture(params=["whoosh", "tantivy", pytest.param("postgres", marks=pytest.mark.postgres)])
def index(request, tmp_path):
    if request.param == "postgres":
        backend = PostgresIndex(request.getfixturevalue("pg_database_url"))
        backend.upsert(CORPUS)
        yield backend
        backend.engine.dispose()
        return
    backend = BACKENDS[request.param](tmp_path / "search")
    backend.upsert(CORPUS)
    yield backend


def _ids(index, q, visibility=ALL, **filters):
    return [hit.id for hit in index.search(SearchRequest(query=parse_query(q), **filters), visibility).hits]


def test_words_match_with_and_without_diacritics(index):
    assert set(_ids(index, "đảng viên")) == {1, 4}
    assert set(_ids(index, "dang vien")) == {1, 4}
    assert set(_ids(index, "DANG VIEN")) == {1, 4}


def test_the_exact_form_ranks_first_and_folding_still_finds_the_rest(index):
    assert _ids(index, "đang")[0] == 2
    assert set(_ids(index, "dang")) >= {1, 2, 4, 5}
    assert _ids(index, "đảng")[0] in {1, 4, 5}
    assert _ids(index, "dạng")[0] == 2


def test_old_and_new_tone_placement_find_each_other(index):
    assert _ids(index, "hòa giải") == [3] and _ids(index, "hoà giải") == [3]
    assert _ids(index, "thủy lợi") == [3] and _ids(index, "thuy loi") == [3]


def test_phrases_need_the_words_in_order(index):
    assert _ids(index, '"sàng lọc đảng viên"') == [1]
    assert _ids(index, '"đảng viên sàng lọc"') == []


def test_exclusions(index):
    assert set(_ids(index, "đảng viên -kỷ")) == {1}
    assert _ids(index, 'đảng viên -"sàng lọc"') == [4]


def test_document_numbers_in_any_form_hit_the_number_field_first(index):
    for q in ("05-NQ/CB", "5 NQ CB", "số 05-NQ/CB"):
        assert _ids(index, q) == [1]
    assert _ids(index, "21-NQ/TW") == [5]  # cited in the text
    assert _ids(index, "", number_key="5nqcb") == [1]


def test_filters(index):
    assert set(_ids(index, "", doc_type="nghi_quyet")) == {1, 4}
    assert _ids(index, "", year=2020) == [2]
    assert set(_ids(index, "", date_from=dt.date(2020, 1, 1), date_to=dt.date(2024, 3, 31))) == {2, 3}
    assert set(_ids(index, "", organization_id=TAY)) == {3}
    assert set(_ids(index, "đảng viên", include_superseded=True)) == {1, 4, 6}


def test_date_order(index):
    assert _ids(index, "", sort="date") == [4, 3, 2, 1, 5]


def test_pages(index):
    first = index.search(SearchRequest(query=parse_query(""), page=1, per_page=2, sort="date"), ALL)
    second = index.search(SearchRequest(query=parse_query(""), page=2, per_page=2, sort="date"), ALL)
    assert first.total == second.total == 5
    assert [h.id for h in first.hits] == [4, 3] and [h.id for h in second.hits] == [2, 1]


def test_scope_and_clearance_limit_hits_totals_facets_and_snippets(index):
    tay_reader = Visibility(scope_org_id=TAY, clearance=0)
    result = index.search(SearchRequest(query=parse_query("")), tay_reader)
    assert [h.id for h in result.hits] == [3] and result.total == 1
    assert result.facets["organization"] == {str(TAY): 1}
    assert result.facets["doc_type"] == {"bao_cao": 1}
    dong_reader = Visibility(scope_org_id=DONG, clearance=0)
    result = index.search(SearchRequest(query=parse_query("kỷ luật")), dong_reader)
    assert result.total == 0 and result.hits == [] and all(not v for v in result.facets.values())
    cleared = index.search(SearchRequest(query=parse_query("kỷ luật")), Visibility(DONG, 1))
    assert [h.id for h in cleared.hits] == [4]


def test_facets_count_every_visible_match(index):
    facets = index.search(SearchRequest(query=parse_query("")), ALL).facets
    assert facets["doc_type"] == {"nghi_quyet": 2, "bien_ban": 1, "bao_cao": 1, "ke_hoach": 1}
    assert facets["year"]["2024"] == 2


def test_upsert_replaces_and_delete_removes(index):
    index.upsert([_record(2, "Biên bản", "Nội dung mới hoàn toàn khác.", doc_type="bien_ban")])
    assert _ids(index, "bài tập") == [] and _ids(index, "hoàn toàn") == [2]
    index.delete([2])
    assert _ids(index, "hoàn toàn") == []


def _set_version(index, version):
    if isinstance(index, PostgresIndex):
        from sqlalchemy import text

        with index.engine.begin() as conn:
            conn.execute(text("UPDATE docservice_search.meta SET version = :v"), {"v": version})
    else:
        (index.directory / "schema_version").write_text(version)


def test_clear_and_schema_version(index, tmp_path):
    assert not index.needs_rebuild()
    _set_version(index, "0")
    assert index.needs_rebuild()
    index.clear()
    assert not index.needs_rebuild() and _ids(index, "") == []
    if not isinstance(index, PostgresIndex):
        assert type(index)(tmp_path / "missing").needs_rebuild()


def test_ids_are_every_indexed_record(index):
    assert index.ids() == {r.id for r in CORPUS}
    index.delete([1, 2])
    assert index.ids() == {r.id for r in CORPUS} - {1, 2}


def test_single_letters_and_numbers_are_words(index):
    index.upsert([_record(8, "Quy định thi hành", "Theo Điều 5, ý kiến của chi bộ ở cơ sở là cần thiết; a và i.")])
    for q in ("ý", "ở", "Điều 5", "dieu 5", "a", "i"):
        assert 8 in _ids(index, q), q
    assert 8 not in _ids(index, "Điều 6")


def test_whoosh_result_cache_answers_as_the_index_would_and_forgets_on_change(tmp_path):
    cached, plain = WhooshIndex(tmp_path / "s", cache_entries=8), WhooshIndex(tmp_path / "s")
    cached.upsert([_record(100 + n, f"Nghị quyết số {n} về đảng viên", "Đảng viên sinh hoạt chi bộ.",
                           org=DONG if n % 2 else TAY, level=n % 3 % 2, date=dt.date(2000 + n % 20, 1, 1))
                   for n in range(130)])
    dong = Visibility(scope_org_id=DONG, clearance=0)
    for visibility in (ALL, dong):
        for page in (1, 2, 5, 6, 7):  # pages 6-7 lie beyond the kept window of 100 hits
            request = SearchRequest(query=parse_query("dang vien"), page=page, per_page=20, sort="date")
            assert cached.search(request, visibility) == plain.search(request, visibility)
    request = SearchRequest(query=parse_query("dang vien"))
    assert cached.search(request, dong).total < cached.search(request, ALL).total  # scope is in the key
    before = cached.search(request, ALL).total
    cached.upsert([_record(999, "Đảng viên mới", "Đảng viên mới chuyển đến.")])
    assert cached.search(request, ALL).total == before + 1
    cached.delete([999, 100])
    assert cached.search(request, ALL).total == before - 1
    assert cached.search(request, ALL) == plain.search(request, ALL)
