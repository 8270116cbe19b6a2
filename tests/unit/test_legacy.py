"""TCVN3 and VNI text back to Unicode; ordinary Unicode left alone."""

import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docservice.text.legacy import TCVN3, VNI, decode_tcvn3, decode_vni, is_syllable, repair_legacy

PHRASES = ["Đảng viên chi bộ thôn Đông đã họp và thống nhất", "Bảo Thắng, ngày 07 tháng 9 năm 2022",
           "Nghị quyết về công tác phát triển đảng viên năm 2019", "Quyết định kết nạp đảng viên",
           "Đồng chí Nguyễn Thị Hoà phát biểu ý kiến về nhiệm vụ quý IV", "Cá kho tộ và canh chua cá lóc"]
TO_TCVN3 = {unicode: legacy for legacy, unicode in TCVN3.items()}
TO_VNI = {unicode: legacy for legacy, unicode in VNI.items()}


def tcvn3(text: str) -> str:
    """As a .VnTime document stores it: accented capitals share the lower-case codes."""
    return "".join(ch if ch.isascii() else TO_TCVN3.get(ch, TO_TCVN3.get(ch.lower(), ch)) for ch in text)


def vni(text: str) -> str:
    return "".join(TO_VNI.get(ch, ch) for ch in text)


def test_the_tcvn3_table_agrees_with_iconv_for_every_lower_case_letter():
    letters = "".join(sorted(ch for ch in TO_TCVN3 if ch.islower()))
    encoded = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=letters.encode(),
                             capture_output=True, check=True).stdout.decode("latin-1")
    assert decode_tcvn3(encoded).lower() == letters


def test_the_examples_of_the_brief():
    assert repair_legacy("§¶ng viªn").text == "Đảng viên"
    assert repair_legacy("B¶o Th¾ng").text == "Bảo Thắng"


@pytest.mark.parametrize("phrase", PHRASES)
def test_tcvn3_and_vni_phrases_come_back(phrase):
    first_upper = phrase[0].isupper()
    from_tcvn3 = repair_legacy(tcvn3(phrase))
    assert from_tcvn3.encoding == "tcvn3"
    assert from_tcvn3.text.lower() == phrase.lower()
    assert from_tcvn3.text[0].isupper() == first_upper
    from_vni = repair_legacy(vni(phrase))
    assert (from_vni.encoding, from_vni.text) == ("vni", phrase)


def test_all_capital_headers_keep_their_capitals():
    assert repair_legacy(tcvn3("ĐẢNG CỘNG SẢN VIỆT NAM")).text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    page = tcvn3("ĐẢNG BỘ PHƯỜNG AN PHÚ\nCHI BỘ KHU PHỐ 1\nNghị quyết về công tác đảng viên")
    assert repair_legacy(page).text.split("\n")[:2] == ["ĐẢNG BỘ PHƯỜNG AN PHÚ", "CHI BỘ KHU PHỐ 1"]


@pytest.mark.parametrize("phrase", [*PHRASES, "Điều 5 ở ý", "cá bé phè", "Hà Nội, 07/9/2022"])
def test_unicode_vietnamese_is_left_alone(phrase):
    assert repair_legacy(phrase) == repair_legacy(phrase).__class__(phrase, None)


def test_nfd_text_becomes_nfc():
    assert repair_legacy("Đa\u0309ng vie\u0302n").text == "Đảng viên"


def test_a_font_hint_lowers_the_bar():
    ambiguous = "CHI Bé KHU PHè 1"  # "bé" and "phè" are real words, so alone it stays as it is
    assert repair_legacy(ambiguous).encoding is None
    assert repair_legacy(ambiguous, hint="tcvn3").text == "CHI BỘ KHU PHỐ 1"


def test_syllables():
    for word in ("nghiêng", "khuỷu", "quyết", "giữ", "Đảng", "ươu", "hoà"):
        assert is_syllable(word), word
    for word in ("§¶ng", "viªn", "xyz", "ảá", "bcd"):
        assert not is_syllable(word), word


@given(st.lists(st.sampled_from(PHRASES), min_size=1, max_size=5))
def test_vni_round_trips_any_text_of_these_words(phrases):
    text = " ".join(phrases)
    assert decode_vni(vni(text)) == text


def test_a_line_that_goes_on_a_sentence_keeps_its_lower_case_and_an_accented_sentence_start_is_restored():
    text = "BÁO CÁO\nkết quả công tác xây dựng Đảng\nvà đoàn thể năm 1998.\nỦy ban kiểm tra đã họp và thống nhất."
    assert repair_legacy(tcvn3(text)).text == text
