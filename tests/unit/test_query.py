import pytest

from docservice.errors import InvalidQuery
from docservice.search.query import MAX_QUERY_CHARS, parse_query


def test_words_phrases_and_exclusions():
    parsed = parse_query('đảng viên "sàng lọc" -trẻ -"cao tuổi"')
    assert parsed.words == ("đảng", "viên")
    assert parsed.phrases == (("sàng", "lọc"),)
    assert parsed.excluded == ("trẻ",)
    assert parsed.excluded_phrases == (("cao", "tuổi"),)


@pytest.mark.parametrize("q", ["21-NQ/TW", "21 NQ TW", "số 21-NQ/TW", "Số: 21-nq/tw", "21-NQ / TW"])
def test_document_numbers_are_recognised_in_every_written_form(q):
    assert parse_query(q).numbers == (("21", "nq", "tw"),)
    assert parse_query(q).words == ()


def test_numbers_are_taken_out_of_surrounding_words():
    parsed = parse_query("nghị quyết 05-QĐ/ĐU về kết nạp")
    assert parsed.numbers == (("5", "qd", "du"),)
    assert parsed.words == ("nghị", "quyết", "về", "kết", "nạp")


def test_lower_case_words_after_a_number_are_not_a_document_symbol():
    parsed = parse_query("3 thang cuoi nam")
    assert parsed.numbers == ()
    assert parsed.words == ("3", "thang", "cuoi", "nam")


def test_single_letters_and_numbers_are_kept():
    assert parse_query("Điều 5 ở ý").words == ("Điều", "5", "ở", "ý")


def test_a_one_word_phrase_is_a_word_and_duplicates_collapse():
    assert parse_query('"đảng" đảng').words == ("đảng",)


TOO_MANY_WORDS = " ".join(f"tu{i}" for i in range(40))


@pytest.mark.parametrize("q", ["-đảng", '-"sàng lọc"', "x" * (MAX_QUERY_CHARS + 1), TOO_MANY_WORDS])
def test_unusable_queries_are_refused(q):
    with pytest.raises(InvalidQuery) as raised:
        parse_query(q)
    assert raised.value.status == 400


def test_empty_query_means_everything_in_scope():
    assert parse_query("  ").is_empty
    assert parse_query("!!! ...").is_empty
