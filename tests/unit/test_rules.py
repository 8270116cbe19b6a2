import datetime as dt
import json

import pytest

from docservice.rules import RuleBook, RuleError, default_rules, profile_for


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
    profile = default_rules().profiles[0]
    fonts = profile.fonts
    assert (fonts["header_title"].size, fonts["header_title"].bold) == (15, True)
    assert (fonts["issuer"].size, fonts["issuer"].bold) == (14, True)
    assert fonts["date_line"].italic and fonts["date_line"].size == 14
    assert "fonts.recipients_label" in profile.unconfirmed and "fonts.issuer" not in profile.unconfirmed


def test_unconfirmed_values_are_listed_with_the_reason():
    for profile in default_rules().profiles:
        for path in ("margins_mm", "quorum", "issuer_abbreviations.chi_bo", "page_numbers"):
            assert profile.unconfirmed[path]
    assert "T/U" in default_rules().for_date(dt.date(2026, 5, 1)).unconfirmed["signature.by_authorisation"]


def test_marks_and_month_text():
    profile = profile_for(dt.date(2026, 3, 1))
    assert profile.confidentiality_mark("mat") == "MẬT" and profile.confidentiality_mark("thuong") == ""
    assert profile.marks.urgency["hoa_toc"] == "HỎA TỐC"
    assert profile.month_text(dt.date(2026, 2, 5)) == "tháng 02 năm 2026"
    assert profile.month_text(dt.date(2022, 9, 7)) == "tháng 9 năm 2022"


def test_quorum_and_passing_arithmetic_of_the_profile():
    profile = profile_for(dt.date(2026, 3, 1))
    assert [profile.quorum.required(n) for n in (0, 1, 3, 21, 22)] == [0, 1, 2, 14, 15]
    assert profile.passes(11, 21) and not profile.passes(10, 21)
    assert profile.passes(11, 20) and not profile.passes(10, 20) and not profile.passes(0, 0)


def test_a_deployment_can_override_unconfirmed_values(tmp_path):
    overrides = tmp_path / "rules.json"
    overrides.write_text(json.dumps({"*": {"quorum": {"numerator": 1, "denominator": 2},
                                           "issuer_abbreviations": {"chi_bo": "ChB"}},
                                     "2026": {"margins_mm": {"top": 25}}}), encoding="utf-8")
    book = RuleBook.load(overrides)
    new, old = book.for_date(dt.date(2026, 3, 1)), book.for_date(dt.date(2020, 3, 1))
    assert new.quorum.required(21) == 11 and old.quorum.required(21) == 11
    assert new.margins_mm["top"] == 25 and new.margins_mm["left"] == 30 and old.margins_mm["top"] == 20
    assert new.issuer_abbreviations["chi_bo"] == "ChB" and new.issuer_abbreviations["dang_uy"] == "ĐU"


def test_broken_overrides_are_refused_with_the_reason(tmp_path):
    bad = tmp_path / "rules.json"
    bad.write_text('{"*": {"quorum": {"numerator": "hai"}}}', encoding="utf-8")
    with pytest.raises(RuleError, match="quorum"):
        RuleBook.load(bad)
    bad.write_text("{không phải json", encoding="utf-8")
    with pytest.raises(RuleError):
        RuleBook.load(bad)
