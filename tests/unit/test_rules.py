import datetime as dt

import pytest

from docservice.rules import all_profiles, profile_for


def test_documents_are_judged_by_the_profile_of_their_date():
    assert profile_for(dt.date(2026, 1, 8)).key == "2018"
    assert profile_for(dt.date(2026, 1, 9)).key == "2026"
    assert profile_for(dt.date(1995, 3, 1)).key == "2018"


def test_2026_profile_is_2018_plus_the_known_differences():
    old, new = profile_for(dt.date(2020, 1, 1)), profile_for(dt.date(2026, 2, 1))
    assert old.signature["by_authorisation"] == "T/U"
    assert new.signature["by_authorisation"] is None
    assert new.signature["by_order"] == "T/L"
    assert set(old.doc_types) < set(new.doc_types)
    assert new.fonts == old.fonts and new.margins_mm == old.margins_mm


@pytest.mark.parametrize(("sequence", "expected"), [(5, "05-NQ/CB"), (12, "12-NQ/CB"), (127, "127-NQ/CB")])
def test_number_has_a_leading_zero_below_ten_and_no_colon(sequence, expected):
    profile = profile_for(dt.date(2026, 2, 1))
    assert profile.format_number(sequence, "nghi_quyet", "CB") == expected
    assert profile.number_line(expected) == f"Số {expected}"


@pytest.mark.parametrize(("day", "text"), [
    (dt.date(2022, 9, 7), "ngày 07 tháng 9 năm 2022"),
    (dt.date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
    (dt.date(2023, 11, 2), "ngày 02 tháng 11 năm 2023"),
    (dt.date(2018, 1, 20), "ngày 20 tháng 01 năm 2018"),
])
def test_date_line_zeros(day, text):
    assert profile_for(day).date_text(day) == text


def test_place_date_and_signature_lines():
    profile = profile_for(dt.date(2026, 3, 1))
    assert profile.place_date_line("Xương Giang", dt.date(2022, 9, 7)) == "Xương Giang, ngày 07 tháng 9 năm 2022"
    assert profile.authority_line("chi_bo") == "T/M CHI BỘ"
    assert profile.authority_line("dang_bo_co_so") == "T/M ĐẢNG ỦY"
    assert profile.archive_text("chi_bo") == "Lưu Chi bộ"
    assert profile.header_title == "ĐẢNG CỘNG SẢN VIỆT NAM"


def test_confirmed_font_sizes_of_36_hd_vptw():
    fonts = all_profiles()[0].fonts
    assert (fonts["header_title"].size, fonts["header_title"].bold) == (15, True)
    assert (fonts["issuer"].size, fonts["issuer"].bold) == (14, True)
    assert fonts["date_line"].italic and fonts["date_line"].size == 14
    assert not fonts["recipients_label"].confirmed
