import pytest

from docservice.text import fold, fold_word, has_marks, normalize, normalize_word, number_key, number_parts


@pytest.mark.parametrize(("old", "new"), [
    ("hoà", "hòa"), ("Hoá", "hóa"), ("khoẻ", "khỏe"), ("thuỷ", "thủy"), ("uỷ", "ủy"), ("loè", "lòe"),
    ("HOÀ", "hòa"), ("Thuý", "thúy"),
])
def test_old_tone_placement_becomes_the_new_one(old, new):
    assert normalize_word(old) == normalize_word(new) == new


@pytest.mark.parametrize("word", ["quý", "quỳ", "hoàng", "thuyết", "ngoài", "Đảng", "đang", "dạng"])
def test_words_without_the_ambiguity_keep_their_marks(word):
    assert normalize_word(word) == word.lower()


def test_exact_forms_keep_dang_dang_dang_apart_and_folding_merges_them():
    assert len({normalize_word(w) for w in ("đảng", "đang", "dạng")}) == 3
    assert {fold(w) for w in ("đảng", "đang", "dạng", "Đảng")} == {"dang"}


def test_decomposed_input_is_normalised_to_nfc():
    decomposed = "Đa\u0309ng vie\u0302n"  # marks as combining characters
    assert normalize(decomposed) == "Đảng viên"
    assert normalize_word("vie\u0302\u0300n") == "viền"


def test_fold_removes_every_mark_and_maps_d_with_stroke():
    assert fold("ĐẢNG CỘNG SẢN VIỆT NAM") == "dang cong san viet nam"
    assert fold("Điều lệ") == "dieu le"
    assert not has_marks("dang vien") and has_marks("đảng") and has_marks("Đ")


def test_numbers_lose_leading_zeros_so_thang_02_matches_thang_2():
    assert fold_word("02") == fold_word("2") == "2"
    assert normalize_word("007") == "7"
    assert fold_word("0") == "0"


@pytest.mark.parametrize("written", ["Số 05-NQ/CB", "5-NQ/CB", "05 NQ CB", "số: 05-nq/cb", "05NQCB"])
def test_number_key_ignores_separators_case_zeros_and_the_word_so(written):
    assert number_key(written) == "5nqcb"


def test_number_key_folds_d_with_stroke_and_keeps_the_parts():
    assert number_key("Số 127-QĐ/TW") == "127qdtw"
    assert number_parts("21-NQ/TW") == ["21", "nq", "tw"]
    assert number_key("05-QĐ/ĐU") != number_key("05-QĐ/TU")
