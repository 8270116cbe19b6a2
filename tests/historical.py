"""A folder of "historical" party records as an office's disks hold them: text PDFs in the standard
layout, scans, TCVN3 files from the 1990s, signed PDFs, a few without any readable header and a few
marked MẬT — each with what the importer should make of it. Used by the import tests, the crash
drill and ``bench/import_folder.py``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from tests.builders import legacy_pdf, scanned_pdf, text_pdf

# (superior line, issuer line, number suffix) of the test world's organisations (tests.builders.World)
ISSUERS = {
    "dbx-tan-lap": ("ĐẢNG BỘ TỈNH HÀ SƠN", "ĐẢNG ỦY XÃ TÂN LẬP", "ĐU"),
    "cb-thon-dong": ("ĐẢNG BỘ XÃ TÂN LẬP", "CHI BỘ THÔN ĐÔNG", "CB"),
    "cb-thon-tay": ("ĐẢNG BỘ XÃ TÂN LẬP", "CHI BỘ THÔN TÂY", "CB"),
}
KINDS = [  # (doc_type, printed type name, abbreviation, summary)
    ("nghi_quyet", "NGHỊ QUYẾT", "NQ", "về lãnh đạo thực hiện nhiệm vụ chính trị"),
    ("bao_cao", "BÁO CÁO", "BC", "kết quả công tác xây dựng Đảng"),
    ("bien_ban", "BIÊN BẢN", "BB", "sinh hoạt chi bộ thường kỳ"),
    ("quyet_dinh", "QUYẾT ĐỊNH", "QĐ", "về việc kết nạp đảng viên"),
]
TOPICS = ["giao thông nông thôn", "phát triển đảng viên", "thu đảng phí", "xây dựng trường học", "vệ sinh môi trường",
          "phòng chống thiên tai", "chuyển đổi số", "an ninh trật tự", "khuyến học", "nước sạch"]


@dataclass(frozen=True)
class Expected:
    kind: str          # text, scan, legacy, signed, unreadable, confidential
    doc_type: str | None
    number: str | None
    date: dt.date | None
    org_code: str | None
    review: bool
    marker: str        # a phrase only this file contains


def _header(i: int) -> tuple[list[str], Expected]:
    org_code = list(ISSUERS)[i % 3]
    superior, issuer, suffix = ISSUERS[org_code]
    # a đảng ủy issues all four kinds; a chi bộ does not issue quyết định
    doc_type, name, abbreviation, summary = KINDS[(i // 3) % (4 if org_code == "dbx-tan-lap" else 3)]
    date = dt.date(1995 + i % 31, 1 + i % 12, 1 + i % 28)
    number = f"{i + 1:02d}-{abbreviation}/{suffix}"
    lines = [superior, issuer, "*", f"Số {number}", "ĐẢNG CỘNG SẢN VIỆT NAM",
             f"Tân Lập, ngày {date.day:02d} tháng {date.month:02d} năm {date.year}", name, summary]
    return lines, Expected("text", doc_type, number, date, org_code, False, "")


def _body(i: int) -> list[str]:
    return [f"Văn bản lưu trữ mã {i:05d} về {TOPICS[i % len(TOPICS)]}.",
            "Chi bộ đã lãnh đạo đảng viên và quần chúng thực hiện tốt nhiệm vụ chính trị của địa phương."]


def document(i: int, kind: str, signer=None) -> tuple[bytes, Expected]:
    """File ``i`` of kind text, scan, legacy, signed, unreadable or confidential, and what to expect."""
    lines, expected = _header(i)
    body = _body(i)
    marker = f"mã {i:05d}"
    if kind == "unreadable":
        return text_pdf("\n".join(["Tài liệu cũ không có tiêu đề", *body])), Expected(
            kind, None, None, None, None, True, marker)
    if kind == "confidential":
        lines = ["MẬT", *lines]
    if kind == "scan":
        return scanned_pdf("\n".join(lines + body)), Expected(kind, *_fields(expected), False, marker)
    if kind == "legacy":
        from tests.unit.test_legacy import tcvn3
        return legacy_pdf(*(tcvn3(line) for line in lines + body)), Expected(kind, *_fields(expected), False, marker)
    pdf = text_pdf("\n".join(lines + body))
    if kind == "signed":
        from tests.signing import sign
        pdf = sign(pdf, signer)
    return pdf, Expected(kind, *_fields(expected), False, marker)


def _fields(expected: Expected) -> tuple:
    return expected.doc_type, expected.number, expected.date, expected.org_code


def plan(count: int, **special: int) -> list[str]:
    """The kind of each of ``count`` files: the special kinds (scan=5, …) spread evenly, text elsewhere."""
    kinds = ["text"] * count
    wanted = [kind for kind, how_many in special.items() for _ in range(how_many)]
    for k, kind in enumerate(wanted):
        kinds[int((k + 0.5) * count / len(wanted))] = kind
    return kinds


def write_folder(folder: Path, count: int, *, scans: int = 0, legacy: int = 0, signed: int = 0, unreadable: int = 0,
                 confidential: int = 0, duplicates: int = 0) -> dict[str, Expected]:
    """``count`` PDFs (plus ``duplicates`` byte-identical copies) in nested year folders."""
    signer = None
    if signed:
        from tests.signing import authority
        signer = authority()
    expected = {}
    kinds = plan(count, scan=scans, legacy=legacy, signed=signed, unreadable=unreadable, confidential=confidential)
    for i, kind in enumerate(kinds):
        pdf, facts = document(i, kind, signer)
        year = facts.date.year if facts.date else "khong-ro"
        relative = f"{year}/{kind}-{i:05d}.pdf"
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(pdf)
        expected[relative] = facts
    for k, relative in enumerate(sorted(expected)[:duplicates]):
        copy = f"ban-sao/{k:03d}.pdf"
        (folder / copy).parent.mkdir(parents=True, exist_ok=True)
        (folder / copy).write_bytes((folder / relative).read_bytes())
    return expected
