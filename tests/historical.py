"""A folder of "historical" party records as an office's disks hold them: text PDFs in the standard
layout, scans, TCVN3 files from the 1990s, signed PDFs, a few without any readable header and a few
marked MẬT — each with what the importer should make of it. Used by the import tests, the crash
drill and ``bench/import_folder.py``."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import func, select

from docservice.cli import initialise
from docservice.config import Settings
from docservice.db.models import ImportItem
from docservice.services import Services
from tests.builders import build_world, legacy_pdf, scanned_pdf, text_pdf

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
    title: str | None = None  # the summary as the importer should read it


def _header(i: int) -> tuple[list[str], Expected]:
    org_code = list(ISSUERS)[i % 3]
    superior, issuer, suffix = ISSUERS[org_code]
    # a đảng ủy issues all four kinds; a chi bộ does not issue quyết định
    doc_type, name, abbreviation, summary = KINDS[(i // 3) % (4 if org_code == "dbx-tan-lap" else 3)]
    date = dt.date(1995 + i % 31, 1 + i % 12, 1 + i % 28)
    number = f"{i + 1:02d}-{abbreviation}/{suffix}"
    lines = [superior, issuer, "*", f"Số {number}", "ĐẢNG CỘNG SẢN VIỆT NAM",
             f"Tân Lập, ngày {date.day:02d} tháng {date.month:02d} năm {date.year}", name, summary]
    return lines, Expected("text", doc_type, number, date, org_code, False, "", f"{name.capitalize()} {summary}")


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
        return scanned_pdf("\n".join(lines + body)), _with(expected, kind, marker)
    if kind == "legacy":
        from tests.unit.test_legacy import tcvn3
        return legacy_pdf(*(tcvn3(line) for line in lines + body)), _with(expected, kind, marker)
    pdf = text_pdf("\n".join(lines + body))
    if kind == "signed":
        from tests.signing import sign
        pdf = sign(pdf, signer)
    return pdf, _with(expected, kind, marker)


def _with(expected: Expected, kind: str, marker: str) -> Expected:
    return replace(expected, kind=kind, marker=marker)


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


# --- data roots and import processes (the crash drill and bench/import_folder.py) ---

TEMPLATES = Path(__file__).resolve().parents[1] / "templates_docx"


def data_root(path: Path, url: str | None) -> tuple[dict[str, str], Services]:
    """An initialised data root with the test world, and the environment a process needs to use it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSERVICE_")}
    env.update(DOCSERVICE_ARCHIVE_DIR=str(path / "archive"), DOCSERVICE_SEARCH_DIR=str(path / "search"),
               DOCSERVICE_TEMPLATES_DIR=str(TEMPLATES))
    if url:
        env["DOCSERVICE_DATABASE_URL"] = url
    services = Services.build(Settings(archive_dir=path / "archive", search_dir=path / "search",
                                       templates_dir=TEMPLATES, database_url=url))
    initialise(services, demo=False)
    with services.catalogue.session() as session:
        build_world(session)
    return env, services


def start_import(env: dict[str, str], folder: Path, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "docservice.cli", "import", str(folder)], env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def imported_so_far(services: Services) -> int:
    with services.catalogue.reader() as session:
        return session.scalar(select(func.count(ImportItem.id))) or 0


def kill_when(process: subprocess.Popen, services: Services, at: int, extra: float) -> int | None:
    """SIGKILL the import (and the OCR and text tools it runs) once ``at`` files are done, ``extra``
    seconds later; the number of files done when it died, or None if it had already finished."""
    deadline = time.monotonic() + 300
    while process.poll() is None and imported_so_far(services) < at and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(extra)
    if process.poll() is not None:
        return None
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return imported_so_far(services)
