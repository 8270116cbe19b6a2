"""The printed-page check finds what only a PDF shows: a wrapped date line, a split signature block, a name
alone on the last page, a split "Nơi nhận"."""

import datetime as dt
import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from docservice.generation.pdf_layout import check_pdf
from docservice.rules import default_rules
from tests.builders import SERIF

PROFILE = default_rules().for_date(dt.date(2026, 3, 2))


def _pdf(*pages: list[tuple[float, float, str]]) -> bytes:
    """Pages of (x mm, y mm from the top, text) lines."""
    pdfmetrics.registerFont(TTFont("Serif", str(SERIF)))
    out = io.BytesIO()
    sheet = canvas.Canvas(out, pagesize=A4)
    for lines in pages:
        sheet.setFont("Serif", 13)
        for x, y, text in lines:
            sheet.drawString(x * 2.835, A4[1] - y * 2.835, text)
        sheet.showPage()
    sheet.save()
    return out.getvalue()


HEADER = [(40, 20, "CHI BỘ KHU PHỐ 1"), (120, 20, "ĐẢNG CỘNG SẢN VIỆT NAM"), (40, 30, "Số 01-NQ/CB")]
BODY = [(30, 60 + 8 * i, f"Dòng nội dung số {i} của nghị quyết.") for i in range(10)]


def _codes(pdf: bytes) -> set[str]:
    return {d.code for d in check_pdf(pdf, PROFILE)}


def test_a_whole_document_passes():
    page = [*HEADER, (110, 28, "An Phú, ngày 02 tháng 3 năm 2026"), *BODY,
            (30, 200, "Nơi nhận:"), (30, 206, "- Đảng ủy phường,"), (30, 212, "- Lưu Chi bộ."),
            (130, 200, "T/M CHI BỘ"), (133, 207, "BÍ THƯ"), (128, 230, "Nguyễn Văn Hùng")]
    assert _codes(_pdf(page)) == set()


def test_each_printed_fault_is_named():
    first = [*HEADER, (110, 28, "An Phú, ngày 02 tháng 3"), (120, 34, "năm 2026"), *BODY,
             (30, 270, "Nơi nhận:"), (30, 276, "- Đảng ủy phường,"), (130, 270, "T/M CHI BỘ")]
    second = [(30, 20, "- Lưu Chi bộ."), (133, 20, "BÍ THƯ"), (128, 40, "Nguyễn Văn Hùng")]
    assert _codes(_pdf(first, second)) == {"date_line_wrapped", "signature_split", "recipients_split"}
    alone = [*HEADER, (110, 28, "An Phú, ngày 02 tháng 3 năm 2026"), *BODY, (130, 250, "T/M CHI BỘ"),
             (133, 257, "BÍ THƯ")]
    assert _codes(_pdf(alone, [(128, 20, "Nguyễn Văn Hùng")])) == {"signature_split", "orphaned_name"}


def test_minutes_columns_keep_their_names():
    page = [*HEADER, (110, 28, "An Phú, ngày 02 tháng 3 năm 2026"), *BODY, (40, 270, "THƯ KÝ"),
            (130, 270, "CHỦ TRÌ")]
    names = [(35, 20, "Trần Thị Thu Hà"), (125, 20, "Nguyễn Văn Hùng")]
    assert _codes(_pdf(page, names)) == {"signature_split", "orphaned_name"}
