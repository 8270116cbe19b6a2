"""A book is still made when one document's file cannot be read: a stand-in page takes its place."""

import datetime as dt
import io

from pypdf import PdfReader

from docservice.oversight.printing import BookEntry, Letterhead, book_pdf
from docservice.rules import RuleBook
from tests.builders import text_pdf


def test_an_unreadable_file_gets_a_stand_in_page_and_numbers_stay_right():
    profile = RuleBook.load().for_date(dt.date(2025, 6, 1))
    head = Letterhead(superior="Đảng bộ xã Tân Lập", superior_committee="Đảng ủy xã Tân Lập",
                      issuer="Chi bộ Thôn Tây", place_date="Tân Lập, ngày 31 tháng 12 năm 2025",
                      authority="T/M CHI BỘ")
    good = text_pdf("BIÊN BẢN sinh hoạt chi bộ tháng 1", "Trang hai của biên bản")
    entries = [BookEntry("01-BB/CB", dt.date(2025, 1, 7), "Biên bản tháng 1", "bản do hệ thống lập", good),
               BookEntry("02-BB/CB", dt.date(2025, 2, 12), "Biên bản tháng 2", "hồ sơ lưu trữ", b"not a pdf"),
               BookEntry("03-BB/CB", dt.date(2025, 4, 9), "Biên bản tháng 4", "bản ký lưu trữ", b"")]
    reader = PdfReader(io.BytesIO(book_pdf(profile, head, "Sổ biên bản sinh hoạt chi bộ", "Năm 2025", entries)))
    assert len(reader.pages) == 2 + 2 + 1 + 1
    index = " ".join(reader.pages[1].extract_text().split())
    assert "01-BB/CB" in index and "02-BB/CB" in index
    stand_in = " ".join(reader.pages[4].extract_text().split())
    assert "02-BB/CB" in stand_in and "Không đọc được tệp" in stand_in and stand_in.endswith(" 5/6")
    assert " ".join(reader.pages[5].extract_text().split()).endswith(" 6/6")
