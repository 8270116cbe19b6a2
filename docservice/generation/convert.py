"""DOCX→PDF with LibreOffice (the one module that runs soffice).

``LibreOfficeConverter`` runs ``soffice --headless --convert-to pdf`` with a profile directory of
its own per process, a timeout that kills the whole process group, and checks that the output is a
readable PDF. (A warm converter pool replaces the per-call start in a later step; the interface
stays ``convert(docx) -> pdf``.)
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Protocol

from docservice.archive.pdf import page_count
from docservice.errors import ConversionFailed, UnusablePdf

log = logging.getLogger(__name__)


class PdfConverter(Protocol):
    def convert(self, docx: bytes) -> bytes:
        """The PDF of ``docx``; raises ``ConversionFailed`` on timeout or unusable output."""
        ...


class LibreOfficeConverter:
    def __init__(self, *, soffice: str = "soffice", timeout: float = 60.0) -> None:
        self.soffice = soffice
        self.timeout = timeout
        self._lock = threading.Lock()
        self._profiles: set[Path] = set()
        atexit.register(self._remove_profiles)

    def _profile(self) -> Path:
        """A LibreOffice profile of this process's own (kept warm between its conversions)."""
        profile = Path(tempfile.gettempdir()) / f"docservice-lo-profile-{os.getpid()}"
        self._profiles.add(profile)
        return profile

    def _remove_profiles(self) -> None:
        for profile in self._profiles:
            if profile.name.endswith(f"-{os.getpid()}"):
                shutil.rmtree(profile, ignore_errors=True)

    def _command(self, source: Path, outdir: Path) -> list[str]:
        return [
            self.soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck",
            f"-env:UserInstallation={self._profile().as_uri()}",
            "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir), str(source),
        ]

    def _run(self, command: list[str]) -> None:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   start_new_session=True)
        try:
            _, stderr = process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired as exc:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ConversionFailed("Chuyển sang PDF quá thời gian cho phép; đã dừng LibreOffice.") from exc
        if process.returncode != 0:
            log.warning("soffice exited %s: %s", process.returncode, stderr.decode("utf-8", "replace")[-500:])
            raise ConversionFailed("LibreOffice không chuyển được văn bản sang PDF.")

    def convert(self, docx: bytes) -> bytes:
        with self._lock, tempfile.TemporaryDirectory(prefix="docservice-convert-") as tmp:
            source = Path(tmp) / "document.docx"
            source.write_bytes(docx)
            self._run(self._command(source, Path(tmp)))
            target = source.with_suffix(".pdf")
            if not target.is_file():
                raise ConversionFailed("LibreOffice không tạo ra tệp PDF.")
            pdf = target.read_bytes()
        check_pdf(pdf)
        return pdf


def check_pdf(pdf: bytes) -> None:
    """Raise ``ConversionFailed`` unless ``pdf`` is a readable PDF with at least one page."""
    try:
        page_count(pdf)
    except UnusablePdf as exc:
        raise ConversionFailed("Tệp PDF tạo ra bị rỗng hoặc không đọc được.") from exc
