"""Snippets: the densest part of a record's text, escaped, with the query's words marked."""

import pytest

from docservice.search.query import parse_query
from docservice.search.snippets import make_snippet

TEXT = ("Chi bộ đã họp thường kỳ. " * 20 + "Thực hiện Nghị quyết số 21-NQ/TW về xây dựng Đảng, <b>xóa tên</b> "
        "đảng viên không đủ tư cách & hoà giải ở cơ sở. " + "Kết thúc hội nghị. " * 30)


@pytest.mark.parametrize(("query", "marked"), [
    ("xoa ten dang vien", ["Đảng", "xóa", "tên", "đảng", "viên"]),
    ("xóa tên", ["xóa", "tên"]),
    ("hòa giải", ["hoà", "giải"]),            # the other tone placement
    ("21 NQ TW", ["21", "NQ", "TW"]),
    ('"xây dựng đảng"', ["xây", "dựng", "Đảng"]),
    ("ở", ["ở"]),
])
def test_the_query_words_are_marked_where_they_are_densest(query, marked):
    snippet = make_snippet(TEXT, parse_query(query))
    assert [part.split("</mark>")[0] for part in snippet.split("<mark>")[1:]] == marked
    assert snippet.startswith("… ") and snippet.endswith(" …") and len(snippet) < 400


def test_a_word_typed_with_marks_marks_only_that_word():
    snippet = make_snippet("Đồng chí đang phát biểu về Đảng và dạng bài.", parse_query("đang"))
    assert snippet.count("<mark>") == 1 and "<mark>đang</mark>" in snippet


def test_everything_else_is_escaped():
    snippet = make_snippet('<script>alert("x")</script> đoàn kết & <b>thống nhất</b>', parse_query("đoàn kết"))
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet and "&amp;" in snippet
    assert "<mark>đoàn</mark> <mark>kết</mark>" in snippet and "&lt;b&gt;" in snippet


def test_no_match_gives_the_start_and_decomposed_text_still_matches():
    assert make_snippet("Biên bản họp chi bộ.", parse_query("kỷ luật")) == "Biên bản họp chi bộ."
    import unicodedata
    decomposed = unicodedata.normalize("NFD", "Tổ hòa giải thôn")
    assert "<mark>hòa</mark> <mark>giải</mark>" in make_snippet(decomposed, parse_query("hoà giải"))
