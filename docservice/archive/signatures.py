"""PDF signature verdicts with pyHanko, offline (the one module that imports pyHanko).

For each signature: who signed, when (as the signer claims it, unless a time-stamp proves it),
whether the signed bytes are intact, whether the signature covers the whole file (only
ENTIRE_FILE counts: an incremental update or bytes appended after signing do not), whether the
certificate chains to a root in ``DOCSERVICE_TRUST_ROOTS`` and, if not, why; revocation is not
checked (no fetching) and the verdict says so plainly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

_TRUST_PROBLEMS = {
    "NO_CERTIFICATE_CHAIN_FOUND": "không tìm thấy chuỗi chứng thư tới một chứng thư gốc tin cậy",
    "REVOKED": "chứng thư đã bị thu hồi",
    "OUT_OF_BOUNDS_NO_POE": "chứng thư hết hạn hoặc chưa có hiệu lực vào thời điểm kiểm tra",
    "OUT_OF_BOUNDS_NOT_REVOKED": "chứng thư hết hạn hoặc chưa có hiệu lực vào thời điểm kiểm tra",
    "CRYPTO_CONSTRAINTS_FAILURE_NO_POE": "thuật toán mật mã không còn được chấp nhận",
    "CHAIN_CONSTRAINTS_FAILURE": "chuỗi chứng thư không thỏa ràng buộc",
    "SIG_CONSTRAINTS_FAILURE": "chứng thư không được phép dùng để ký",
}
NOT_CHECKED_REVOCATION = ("Chưa kiểm tra tình trạng thu hồi chứng thư: dịch vụ không tải dữ liệu từ mạng và "
                          "kết quả này không dựa trên danh sách thu hồi.")


@dataclass
class SignatureVerdict:
    signer: str | None = None
    signed_at: dt.datetime | None = None
    time_stamped: bool = False
    intact: bool = False
    covers_whole_file: bool = False
    trusted: bool = False
    revocation_checked: bool = False
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["signed_at"] = self.signed_at.isoformat() if self.signed_at else None
        return data


def _load_certificate(data: bytes) -> list[asn1_x509.Certificate]:
    if pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [asn1_x509.Certificate.load(data)]


def load_trust_roots(folder: Path | None) -> list[asn1_x509.Certificate]:
    """Every certificate (PEM or DER) in ``folder``; unreadable files are skipped."""
    roots: list[asn1_x509.Certificate] = []
    if folder is None or not folder.is_dir():
        return roots
    for path in sorted(folder.iterdir()):
        if path.is_file():
            try:
                roots.extend(_load_certificate(path.read_bytes()))
            except (ValueError, TypeError, OSError):
                continue
    return roots


def roots_from_der(ders: list[bytes]) -> list[asn1_x509.Certificate]:
    return [asn1_x509.Certificate.load(der) for der in ders]


def roots_fingerprint(roots: list[asn1_x509.Certificate]) -> str:
    return hashlib.sha256(b"".join(sorted(r.sha256 for r in roots))).hexdigest()


def _verdict(signature: Any, roots: list[asn1_x509.Certificate]) -> SignatureVerdict:
    verdict = SignatureVerdict()
    try:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots, allow_fetching=False))
    except Exception as exc:  # pyHanko raises many kinds for a damaged signature; the verdict records it
        verdict.problems.append(f"Không kiểm tra được chữ ký: {type(exc).__name__}.")
        return verdict
    verdict.signer = status.signing_cert.subject.human_friendly if status.signing_cert else None
    verdict.intact = bool(status.intact and status.valid)
    verdict.covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    verdict.trusted = bool(status.trusted)
    if status.timestamp_validity is not None and status.timestamp_validity.intact:
        verdict.time_stamped, verdict.signed_at = True, status.timestamp_validity.timestamp
    else:
        verdict.signed_at = status.signer_reported_dt
    verdict.problems = _problems(status, verdict, roots)
    return verdict


def _problems(status: Any, verdict: SignatureVerdict, roots: list[asn1_x509.Certificate]) -> list[str]:
    problems = []
    if not verdict.intact:
        problems.append("Nội dung đã bị thay đổi sau khi ký: chữ ký không còn khớp với dữ liệu.")
    if not verdict.covers_whole_file:
        problems.append("Chữ ký không bao trùm toàn bộ tệp: tệp có thêm bản cập nhật hoặc dữ liệu sau khi ký.")
        if status.modification_level is not None and status.modification_level.name == "OTHER":
            problems.append("Phần thêm sau khi ký gồm thay đổi không được phép.")
    if not verdict.trusted:
        reason = _TRUST_PROBLEMS.get(getattr(status.trust_problem_indic, "name", ""), "không xác định được")
        if not roots:
            reason = "chưa cấu hình chứng thư gốc tin cậy (DOCSERVICE_TRUST_ROOTS)"
        problems.append(f"Chứng thư người ký chưa được tin cậy: {reason}.")
    if not verdict.time_stamped:
        problems.append("Thời điểm ký là do người ký tự khai, không có dấu thời gian.")
    problems.append(NOT_CHECKED_REVOCATION)
    return problems


def _embedded(pdf: bytes) -> list[Any] | None:
    try:
        return list(PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures)
    except Exception:  # pyHanko raises many kinds for an unreadable file; the caller tries a prefix
        return None


APPENDED = ("Chữ ký không bao trùm toàn bộ tệp: có dữ liệu được thêm vào cuối tệp sau khi ký (ngoài cấu trúc PDF), "
            "tệp không còn đúng như lúc ký.")


def verify_signatures(pdf: bytes, roots: list[asn1_x509.Certificate]) -> list[SignatureVerdict]:
    """A verdict per signature field of the PDF (empty when it has none).

    When bytes were appended after the last ``%%EOF`` so that the whole file no longer parses, the
    signatures are verified on the part that does, and reported as not covering the file.
    """
    signatures = _embedded(pdf)
    if signatures is not None:
        return [_verdict(signature, roots) for signature in signatures]
    for end in reversed([m.end() for m in re.finditer(rb"%%EOF(?:\r\n|\r|\n)?", pdf)][:-1][-20:]):
        signatures = _embedded(pdf[:end])
        if signatures:
            verdicts = [_verdict(signature, roots) for signature in signatures]
            for verdict in verdicts:
                verdict.covers_whole_file = False
                verdict.problems.insert(0, APPENDED)
            return verdicts
    return []
