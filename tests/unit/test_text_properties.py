"""Properties of the Vietnamese normalisation that every index and query relies on."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from docservice.text import exact_text, fold, fold_word, folded_text, normalize, normalize_word, number_key, tokens

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
words = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper(), min_size=1, max_size=12)


@given(words)
def test_folding_is_idempotent_and_leaves_plain_ascii(word):
    folded = fold(word)
    assert fold(folded) == folded
    assert folded.isascii() and folded == folded.lower()


@given(words)
def test_normalising_a_word_is_idempotent_and_keeps_its_folded_form(word):
    exact = normalize_word(word)
    assert normalize_word(exact) == exact
    assert fold(exact) == fold(word)
    assert fold_word(exact) == fold_word(word)


@given(words)
def test_decomposed_and_composed_forms_are_the_same_word(word):
    decomposed = unicodedata.normalize("NFD", word)
    assert normalize(decomposed) == normalize(word)
    assert normalize_word(decomposed) == normalize_word(word)


@given(st.integers(min_value=1, max_value=99999), st.sampled_from(["NQ", "QĐ", "CT", "BB", "HD"]),
       st.sampled_from(["CB", "ĐU", "TW", "BTCTW"]), st.sampled_from(["-", " - ", " "]),
       st.sampled_from(["/", " / ", " "]), st.sampled_from(["", "Số ", "số: "]), st.booleans())
def test_number_key_survives_every_way_of_writing_a_number(seq, kind, issuer, dash, slash, prefix, pad):
    canonical = number_key(f"{seq:02d}-{kind}/{issuer}")
    written = f"{prefix}{seq:02d}" if pad else f"{prefix}{seq}"
    assert number_key(f"{written}{dash}{kind}{slash}{issuer}") == canonical
    assert number_key(f"{written}{kind}{issuer}") == canonical  # joined at a line end by pdftotext


texts = st.lists(st.one_of(words, st.from_regex(r"0{0,3}[0-9]{1,4}", fullmatch=True),
                           st.sampled_from(["Hoà", "THUỶ", "khoẻ", "quý", "Uỷ", "hoàn", "Đảng", "uỳ"])),
                 min_size=1, max_size=20)
separators = st.sampled_from([" ", ", ", "\n", "-", "/", " – ", ". "])


@given(texts, separators, st.booleans())
def test_whole_text_forms_give_the_same_words_as_the_word_functions(parts, separator, decomposed):
    text = separator.join(parts)
    if decomposed:
        text = unicodedata.normalize("NFD", text)
    expected_exact = [normalize_word(w) for w, _, _ in tokens(normalize(text))]
    expected_folded = [fold_word(w) for w, _, _ in tokens(normalize(text))]
    assert [w for w, _, _ in tokens(exact_text(text))] == expected_exact
    assert [w for w, _, _ in tokens(folded_text(text))] == expected_folded
