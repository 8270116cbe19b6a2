"""Registers and figures as tables, written as CSV (UTF-8 with BOM, for Excel) or XLSX (openpyxl)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from docservice.security.audit import spreadsheet_safe

Table = tuple[str, Sequence[str], list[list[Any]]]  # sheet name, header, rows

MONTH_STATUS = {"on_time": "Đúng lịch", "late": "Chậm", "missing": "Không sinh hoạt", "due": "Chưa đến hạn",
                "upcoming": "Chưa đến hạn"}
PAPER_STATUS = {"signed": "Đã lưu bản ký", "generated": "Đã lập, chưa lưu bản ký", "missing": "Chưa có", None: ""}
ATTENDANCE = {"present": "Có mặt", "absent_excused": "Vắng có lý do", "absent_unexcused": "Vắng không lý do"}
RECOGNITION = {"waiting": "Đang dự bị", "to_decide": "Đến hạn xét", "overdue": "Quá hạn xét"}


def _day(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def register_table(reg: dict[str, Any]) -> list[Table]:
    rows = [[m["month"], _day(m["due"]), _day(m["deadline"]),
             _day(m["meeting"]["date"]) if m["meeting"] else "", MONTH_STATUS[m["status"]],
             PAPER_STATUS[m["minutes"]], PAPER_STATUS[m["resolution"]],
             "; ".join(_day(o["date"]) for o in m["other_meetings"])] for m in reg["months"]]
    quarters = [[q["quarter"], len(q["meetings"]), "; ".join(_day(m["date"]) for m in q["meetings"]),
                 {"held": "Đạt", "missing": "Thiếu", "open": "Chưa hết quý"}[q["status"]]] for q in reg["quarters"]]
    members = [[m["full_name"], m["expected"], m["present"], m["absent_excused"], m["absent_unexcused"],
                m["percent"], ", ".join(map(str, m["unexcused_months"])), "có" if m["alert"] else ""]
               for m in reg["members"]]
    return [("Sổ theo dõi", ["Tháng", "Ngày sinh hoạt theo lịch", "Hạn chậm nhất", "Ngày sinh hoạt", "Tình trạng",
                             "Biên bản", "Nghị quyết", "Buổi khác trong tháng"], rows),
            ("Chuyên đề", ["Quý", "Số buổi chuyên đề", "Ngày", "Tình trạng"], quarters),
            ("Đảng viên", ["Đảng viên", "Phải dự", "Có mặt", "Vắng có lý do", "Vắng không lý do", "Tỷ lệ dự (%)",
                           "Tháng vắng không lý do", "Cảnh báo"], members)]


def statistics_table(stats: dict[str, Any]) -> list[Table]:
    cells = [[o["name"], o["schedule"], o["meetings"], o["months_months"], o["months_on_time"], o["months_late"],
              o["months_missing"], o["on_time_percent"], o["thematic"], o["attendance"]["expected"],
              o["attendance"]["present"], o["attendance"]["absent_excused"], o["attendance"]["absent_unexcused"],
              o["attendance"]["percent"]] for o in stats["per_organization"]]
    documents = [["Văn bản đã tạo", key, count] for key, count in stats["documents_by_type"].items()]
    documents += [["Hồ sơ lưu trữ", key, count] for key, count in stats["records_by_type"].items()]
    alerts = [[a["full_name"], a["organization_id"], a["year"], len(a["months"]), ", ".join(map(str, a["months"]))]
              for a in stats["unexcused_alerts"]]
    recognitions = [[r["full_name"], r["organization_id"], _day(r["admitted_on"]), _day(r["probation_ends"]),
                     _day(r["decide_by"]), RECOGNITION[r["state"]]] for r in stats["recognitions"]]
    admissions = [[a["year"], a["admitted"], a["target"] or "", a["percent_text"]] for a in stats["admissions"]]
    return [("Chi bộ", ["Chi bộ", "Lịch sinh hoạt", "Số buổi", "Số tháng đến hạn", "Đúng lịch", "Chậm",
                        "Không sinh hoạt", "Tỷ lệ đúng lịch (%)", "Chuyên đề", "Lượt phải dự", "Có mặt",
                        "Vắng có lý do", "Vắng không lý do", "Tỷ lệ dự (%)"], cells),
            ("Văn bản", ["Loại", "Mã loại", "Số lượng"], documents),
            ("Cảnh báo vắng", ["Đảng viên", "Mã tổ chức", "Năm", "Số tháng vắng không lý do", "Các tháng"], alerts),
            ("Xét chính thức", ["Đảng viên", "Mã tổ chức", "Ngày kết nạp", "Hết dự bị", "Hạn xét", "Tình trạng"],
             recognitions),
            ("Kết nạp", ["Năm", "Đã kết nạp", "Chỉ tiêu", "Tỷ lệ"], admissions)]


def member_table(att: dict[str, Any]) -> list[Table]:
    rows = [[_day(m["date"]), m["organization"], m["kind"], ATTENDANCE[m["attendance"]], m["reason"] or "",
             "có" if m["expected"] else "không"] for m in att["meetings"]]
    return [("Dự sinh hoạt", ["Ngày", "Tổ chức", "Loại", "Điểm danh", "Lý do", "Tính vào tỷ lệ"], rows)]


def to_csv(tables: Iterable[Table]) -> bytes:
    """Every table one after another, each under its name; cells a spreadsheet would run are quoted."""
    out = io.StringIO()
    writer = csv.writer(out)
    for index, (name, header, rows) in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerow([f"# {name}"])
        writer.writerow(header)
        writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_text(value: Any) -> Any:
    """What an Excel cell can hold: control characters (which a name may carry) are left out."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def to_xlsx(tables: Iterable[Table]) -> bytes:
    """One sheet per table, bold header, text never taken as a formula."""
    book = Workbook()
    book.remove(book.active)
    for name, header, rows in tables:
        sheet = book.create_sheet(title=name[:31])
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_xlsx_text(spreadsheet_safe(cell)) for cell in row])
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
