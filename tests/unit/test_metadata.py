"""Metadata read from a record's own text: each field and its confidence."""

import datetime as dt
from types import SimpleNamespace

import pytest

from docservice.archive.metadata import HIGH, LOW, MEDIUM, read_metadata
from docservice.rules import default_rules

PROFILE = default_rules().for_date(dt.date(2026, 2, 5))


def org(id, name, *, header_name=None, superior_name=None, parent_id=None):
    return SimpleNamespace(id=id, name=name, header_name=header_name, superior_name=superior_name,
                           parent_id=parent_id)


ORGS = [
    org(1, "Đảng bộ phường An Phú", header_name="Đảng ủy phường An Phú", superior_name="Đảng bộ tỉnh Lam Sơn"),
    org(2, "Chi bộ Khu phố 1", superior_name="Đảng bộ phường An Phú", parent_id=1),
    org(3, "Đảng bộ xã Tân Lập", header_name="Đảng ủy xã Tân Lập"),
    org(4, "Chi bộ Thôn 2", superior_name="Đảng bộ xã Tân Lập", parent_id=3),
    org(5, "Chi bộ Thôn 2", superior_name="Đảng bộ phường An Phú", parent_id=1),
]

# pdftotext's reading order of a document made from the standard template: left column, then right.
GENERATED = """ĐẢNG BỘ PHƯỜNG AN PHÚ
CHI BỘ KHU PHỐ 1
*
Số 07-NQ/CB
ĐẢNG CỘNG SẢN VIỆT NAM
An Phú, ngày 05 tháng 02 năm 2026
NGHỊ QUYẾT
về lãnh đạo thực hiện nhiệm vụ tháng 02/2026
- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;
CHI BỘ KHU PHỐ 1 QUYẾT NGHỊ:
"""

# Tesseract reads the two header columns side by side and drops a mark here and there.
SCANNED = """ĐẢNG BỘ TỈNH LAM SƠN ĐẢNG CỘNG SẢN VIỆT NAM
ĐĂNG UY PHƯƠNG AN PHU An Phú, ngày 02 tháng 3 năm 2026
*%
Số 03-QĐ/ĐU
QUYẾT ĐỊNH
về việc thi hành kỷ luật đảng viên
- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;
"""


def fields(text, organizations=ORGS):
    found = read_metadata(text, PROFILE, organizations)
    return {name: (reading.value, reading.confidence) for name, reading in found.fields.items()}


def test_a_generated_document_is_read_with_high_confidence():
    got = fields(GENERATED)
    assert got["number"] == ("07-NQ/CB", HIGH)
    assert got["date"] == (dt.date(2026, 2, 5), HIGH)
    assert got["place"] == ("An Phú", HIGH)
    assert got["doc_type"] == ("nghi_quyet", HIGH)
    assert got["title"] == ("Nghị quyết về lãnh đạo thực hiện nhiệm vụ tháng 02/2026", HIGH)
    assert got["superior"][0] == "ĐẢNG BỘ PHƯỜNG AN PHÚ"
    assert got["issuer"][0] == "CHI BỘ KHU PHỐ 1"
    assert got["organization_id"] == (2, HIGH)
    assert read_metadata(GENERATED, PROFILE, ORGS).unsure() == []


def test_a_scan_with_side_by_side_columns_and_lost_marks_still_finds_the_issuer():
    got = fields(SCANNED)
    assert got["number"] == ("03-QĐ/ĐU", HIGH)
    assert got["date"] == (dt.date(2026, 3, 2), HIGH)
    assert got["place"] == ("An Phú", MEDIUM)  # split off the left column: not certain
    assert got["issuer"][0] == "ĐĂNG UY PHƯƠNG AN PHU"
    assert got["superior"][0] == "ĐẢNG BỘ TỈNH LAM SƠN"
    assert got["organization_id"] == (1, HIGH)
    assert got["title"] == ("Quyết định về việc thi hành kỷ luật đảng viên", HIGH)


def test_a_misread_letter_in_the_issuer_is_a_near_match_of_medium_confidence():
    text = SCANNED.replace("ĐĂNG UY PHƯƠNG AN PHU", "ĐĂNG UY PHƯƠNG AN PHỤ!")
    assert fields(text)["organization_id"] == (1, MEDIUM)
    text = SCANNED.replace("ĐĂNG UY PHƯƠNG AN PHU", "BAN CÁN SỰ XYZ")
    assert "organization_id" not in fields(text)


@pytest.mark.parametrize(("printed", "number"), [
    ("Số 05-NQ/ĐU", "05-NQ/ĐU"),
    ("Số: 05/NQ-ĐU", "05-NQ/ĐU"),       # older state-style form
    ("Số 05 NQ/ĐU", "05-NQ/ĐU"),        # hyphen lost by the extractor
    ("Số 123-\nQĐ/ĐU", "123-QĐ/ĐU"),    # number split across lines
    ("Số 05-NQ/\nĐU", "05-NQ/ĐU"),
])
def test_number_forms(printed, number):
    text = f"ĐẢNG ỦY PHƯỜNG AN PHÚ\n*\n{printed}\nAn Phú, ngày 1 tháng 1 năm 2020\nNGHỊ QUYẾT\nvề công tác\n"
    assert fields(text)["number"] == (number, HIGH)


def test_a_bare_number_without_so_is_medium():
    got = fields("BÁO CÁO\ntình hình tháng 3\nTheo văn bản 12-CV/ĐU ngày 4 tháng 3 năm 2019")
    assert got["number"] == ("12-CV/ĐU", MEDIUM)
    assert got["date"] == (dt.date(2019, 3, 4), MEDIUM)  # no place before it: not the date line


def test_same_named_cells_are_told_apart_by_the_superior_body_or_left_for_review():
    text = "ĐẢNG BỘ XÃ TÂN LẬP\nCHI BỘ THÔN 2\n*\nSố 01-NQ/CB\nTân Lập, ngày 3 tháng 4 năm 2024\nNGHỊ QUYẾT\nvề x"
    assert fields(text)["organization_id"] == (4, HIGH)
    without_superior = text.replace("ĐẢNG BỘ XÃ TÂN LẬP\n", "")
    assert "organization_id" not in fields(without_superior)


def test_letter_summary_comes_from_the_vv_line():
    text = ("ĐẢNG ỦY PHƯỜNG AN PHÚ\nSố 14-CV/ĐU\nV/v chuẩn bị đại hội chi bộ\nĐẢNG CỘNG SẢN VIỆT NAM\n"
            "An Phú, ngày 10 tháng 3 năm 2025\nKính gửi: Các chi bộ trực thuộc")
    got = fields(text)
    assert got["doc_type"] == ("cong_van", MEDIUM)  # from the number: a letter prints no type name
    assert got["title"] == ("Công văn về việc chuẩn bị đại hội chi bộ", HIGH)


def test_titles_in_capitals_keep_roman_numerals():
    text = "CHI BỘ KHU PHỐ 1\n*\nSố 02-BC/CB\nAn Phú, ngày 31 tháng 3 năm 2026\nBÁO CÁO\nKẾT QUẢ QUÝ I NĂM 2026\n-----"
    assert fields(text)["title"] == ("Báo cáo kết quả quý I năm 2026", HIGH)


@pytest.mark.parametrize("date_line", ["An Phú, ngày 31 tháng 02 năm 2026", "An Phú, ngày 05 tháng 02 năm 1890",
                                       "An Phú, ngày 05 tháng 02 năm 2999"])
def test_impossible_dates_are_not_read(date_line):
    assert "date" not in fields(f"CHI BỘ KHU PHỐ 1\n*\nSố 02-NQ/CB\n{date_line}\nNGHỊ QUYẾT\nvề x")


def test_text_without_a_header_leaves_every_required_field_unsure():
    found = read_metadata("Bản tin nội bộ\nHôm nay trời đẹp.", PROFILE, ORGS)
    assert set(found.unsure()) == {"doc_type", "date", "organization_id", "title"}
    assert all(found.fields.get(name) is None or found.fields[name].confidence == LOW for name in found.unsure())


def test_only_the_first_page_is_read():
    text = "Bản tin\f" + GENERATED
    assert "number" not in fields(text)


@pytest.mark.parametrize(("printed", "number", "confidence"), [
    ("BIẾN BẢN", "Số 09-BB/CB", HIGH),       # OCR misread a mark; the number's BB agrees
    ("NGHI QUYET", "Số 09-BB/CB", MEDIUM),   # marks lost and the number says otherwise
    ("NGHỊ QUYÊT", None, MEDIUM),            # no number to confirm it
])
def test_a_type_line_with_a_misread_mark_still_names_the_type_and_the_title(printed, number, confidence):
    text = "\n".join(filter(None, ["CHI BỘ KHU PHỐ 1", "*", number, "ĐẢNG CỘNG SẢN VIỆT NAM",
                                   "An Phú, ngày 09 tháng 9 năm 2003", printed, "sinh hoạt chi bộ thường kỳ",
                                   "Văn bản lưu trữ."]))
    read = read_metadata(text, PROFILE, ORGS)
    expected = "bien_ban" if printed == "BIẾN BẢN" else "nghi_quyet"
    assert (read.fields["doc_type"].value, read.fields["doc_type"].confidence) == (expected, confidence)
    assert read.fields["title"].value == f"{PROFILE.doc_types[expected].name} sinh hoạt chi bộ thường kỳ"


def test_an_exact_type_line_wins_over_an_earlier_near_one():
    text = "CHI BỘ KHU PHỐ 1\nBAO CAO\nNGHỊ QUYẾT\nvề công tác cán bộ\n"
    read = read_metadata(text, PROFILE, ORGS)
    assert read.fields["doc_type"].value == "nghi_quyet" and read.fields["doc_type"].confidence == HIGH


@pytest.mark.parametrize(("after_type", "title"), [
    (["về lãnh đạo công tác phát triển đảng viên", "năm 2026", "Chi bộ đã họp và thống nhất."],
     "Nghị quyết về lãnh đạo công tác phát triển đảng viên năm 2026"),
    (["VỀ CÔNG TÁC KIỂM TRA, GIÁM SÁT", "NĂM 2025", "Chi bộ đã họp."],
     "Nghị quyết về công tác kiểm tra, giám sát năm 2025"),
    (["về công tác cán bộ", "Văn bản lưu trữ mã 00003 về khuyến học."], "Nghị quyết về công tác cán bộ"),
])
def test_a_summary_over_several_lines_stops_where_the_body_begins(after_type, title):
    text = "\n".join(["CHI BỘ KHU PHỐ 1", "Số 02-NQ/CB", "NGHỊ QUYẾT", *after_type])
    assert read_metadata(text, PROFILE, ORGS).fields["title"].value == title
