"""Hostile and broken files the tests build themselves: each with what the archive must answer."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from tests.builders import text_pdf

VALID = text_pdf("Biên bản họp chi bộ — tệp hợp lệ dùng để làm hỏng.")


def raw_pdf(objects: list[bytes], root: int = 1, extra_trailer: bytes = b"") -> bytes:
    """A hand-written PDF from object bodies (numbered from 1) with a correct xref table."""
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, extra_trailer, xref)
    return out


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def _writer_change(change: Callable[[PdfWriter], None]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(VALID)))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _javascript(writer: PdfWriter) -> None:
    action = writer._add_object(DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                                  NameObject("/JS"): TextStringObject("app.alert('Xin chào');")}))
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("mo-tep"), action])})
    writer.root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})


def _embedded_exe(writer: PdfWriter) -> None:
    writer.add_attachment("cap-nhat.exe", b"MZ\x90\x00" + b"\x00" * 200)


def _launch(writer: PdfWriter) -> None:
    action = DictionaryObject({NameObject("/S"): NameObject("/Launch"),
                               NameObject("/F"): TextStringObject("cmd.exe")})
    annotation = DictionaryObject({NameObject("/Type"): NameObject("/Annot"),
                                   NameObject("/Subtype"): NameObject("/Link"),
                                   NameObject("/Rect"): ArrayObject([]), NameObject("/A"): action})
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])


def _encrypted(user: str) -> bytes:
    return _writer_change(lambda w: w.encrypt(user_password=user, owner_password="chu-so-huu",
                                              algorithm="AES-256"))


def _nested(depth: int, opener: bytes, closer: bytes) -> bytes:
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R /X " + opener * depth + closer * depth + b" >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", PAGE])


def _deep_page_tree(depth: int) -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        parent = b"/Parent %d 0 R " % (level + 1) if level else b""
        objects.append(b"<< /Type /Pages %s/Kids [%d 0 R] /Count 1 >>" % (parent, level + 3))
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>" % (depth + 1))
    return raw_pdf(objects)


def _many_pages(count: int, declared: int) -> bytes:
    kids = b" ".join(b"3 0 R" for _ in range(count))
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, declared),
                    PAGE])


def _image_bomb() -> bytes:
    side = 30_000  # 900 MB of grey pixels, about 1 MB compressed
    compressor, parts = zlib.compressobj(9), []
    row = b"\xff" * side
    for _ in range(side):
        parts.append(compressor.compress(row))
    data = b"".join(parts) + compressor.flush()
    image = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
             b"/Filter /FlateDecode /Length %d >>\nstream\n" % (side, side, len(data)) + data + b"\nendstream")
    content = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> >> "
                    b"/Contents 5 0 R >>", image,
                    b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"])


def _stream_bomb() -> bytes:
    compressor, parts = zlib.compressobj(9), []
    chunk = b" " * (1 << 20)
    for _ in range(300):  # 300 MB of spaces in one content stream
        parts.append(compressor.compress(chunk))
    data = b"".join(parts) + compressor.flush()
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                    b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"])


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _huge_page() -> bytes:
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] /UserUnit 75000 >>"])


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], bytes]
    status: int  # what the archive answers
    code: str | None = None  # the problem code, or None when the file is accepted
    warning: str | None = None  # a warning the accepted record must carry
    filename: str = "tai-lieu.pdf"


CASES = [
    Case("zero_bytes", lambda: b"", 415, "unsupported_media_type"),
    Case("one_byte", lambda: b"%", 415, "unsupported_media_type"),
    Case("png_magic", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, 415, "unsupported_media_type"),
    Case("html_named_pdf", lambda: b"<!doctype html><html><body>%PDF? no</body></html>", 415,
         "unsupported_media_type", filename="bien-ban.pdf"),
    Case("plain_text", lambda: "Biên bản họp chi bộ".encode(), 415, "unsupported_media_type"),
    Case("docx_named_pdf", _docx, 415, "unsupported_media_type"),
    Case("postscript", lambda: b"%!PS-Adobe-3.0\nshowpage\n", 415, "unsupported_media_type"),
    Case("utf16_text", lambda: "Biên bản".encode("utf-16"), 415, "unsupported_media_type"),
    Case("header_only", lambda: b"%PDF-1.7\n", 422, "unusable_pdf"),
    Case("truncated_half", lambda: VALID[: len(VALID) // 2], 422, "unusable_pdf"),
    Case("truncated_before_eof", lambda: VALID[:-40], 422, "unusable_pdf"),
    Case("garbage_body", lambda: b"%PDF-1.7\n" + b"rac " * 500 + b"\n%%EOF\n", 422, "unusable_pdf"),
    Case("encrypted_aes", lambda: _encrypted("mat-khau"), 422, "unusable_pdf"),
    Case("encrypted_empty_user_password", lambda: _encrypted(""), 422, "unusable_pdf"),
    Case("no_root", lambda: raw_pdf([PAGE], root=9), 422, "unusable_pdf"),
    Case("pages_not_a_dictionary", lambda: raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"(khong phai)"]), 422,
         "unusable_pdf"),
    Case("zero_pages", lambda: raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
         422, "unusable_pdf"),
    Case("recursive_page_tree", lambda: raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                                b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]), 422, "unusable_pdf"),
    Case("mutually_recursive_pages", lambda: raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                                     b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                                     b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>"]),
         422, "unusable_pdf"),
    Case("deep_array_nesting", lambda: _nested(100_000, b"[", b"]"), 422, "unusable_pdf"),
    Case("deep_dictionary_nesting_in_an_unused_key", lambda: _nested(50_000, b"<< /A ", b">>"), 201),
    Case("deep_page_tree", lambda: _deep_page_tree(3000), 422, "unusable_pdf"),
    Case("too_many_pages_declared", lambda: _many_pages(10, 2_000_000), 422, "unusable_pdf"),
    Case("too_many_pages_lying_count", lambda: _many_pages(12_000, 1), 422, "unusable_pdf"),
    Case("javascript", lambda: _writer_change(_javascript), 201, warning="JavaScript"),
    Case("embedded_executable", lambda: _writer_change(_embedded_exe), 201, warning="tệp đính kèm"),
    Case("launch_action", lambda: _writer_change(_launch), 201, warning="Launch"),
    Case("image_bomb", _image_bomb, 201),
    Case("content_stream_bomb", _stream_bomb, 201),
    Case("enormous_page", _huge_page, 201, warning="không nhận dạng được chữ"),
    Case("very_long_filename", lambda: text_pdf("Tên tệp rất dài."), 201, filename="a" * 5000 + ".pdf"),
    Case("path_like_filename", lambda: text_pdf("Tên tệp giả đường dẫn."), 201, filename="../../../../etc/passwd.pdf"),
    Case("control_characters_in_filename", lambda: text_pdf("Tên tệp có ký tự điều khiển."), 201,
         filename="bien\x01ban\x7f.pdf"),
    Case("trailing_garbage_after_eof", lambda: VALID + b"\n%%EOF rac rac\n" * 3, 201, warning="sau dấu kết thúc"),
    Case("bytes_appended_after_the_last_eof", lambda: VALID + b"\x00\x00hidden payload" * 50, 201,
         warning="sau dấu kết thúc"),
]
