"""One error hierarchy, rendered as one problem body (RFC 9457 shape of CONTRACT.md).

Every error the service raises on purpose is a ``DocserviceError`` subclass carrying an HTTP
``status``, a stable machine ``code`` and a Vietnamese ``title``. ``detail`` is the Vietnamese
sentence for this occurrence; ``errors`` maps field paths to messages. Engine errors are translated
to these classes at the adapter edge, so views never see a raw engine exception.
"""

from __future__ import annotations

from typing import Any, ClassVar

PROBLEM_CONTENT_TYPE = "application/problem+json"


def N_(text: str) -> str:
    """Marks a message for the translation catalogue; the web pages translate it where they show it."""
    return text


class DocserviceError(Exception):
    """Base of every error the service reports to a caller."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    title: ClassVar[str] = N_("Lỗi hệ thống")
    default_detail: ClassVar[str] = N_("Đã xảy ra lỗi không mong muốn. Vui lòng thử lại sau.")

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.detail = detail or self.default_detail
        self.errors = errors
        self.extra = extra or {}
        self.headers = headers or {}
        super().__init__(self.detail)

    def to_problem(self) -> dict[str, Any]:
        """The problem body: ``type, title, status, detail, code`` and ``errors`` when present."""
        body: dict[str, Any] = {
            "type": f"https://docservice.invalid/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class BadRequest(DocserviceError):
    status, code, title = 400, "bad_request", N_("Yêu cầu không hợp lệ")
    default_detail = N_("Yêu cầu không hợp lệ.")


class InvalidQuery(BadRequest):
    code, title = "invalid_query", N_("Câu tìm kiếm không dùng được")
    default_detail = N_("Câu tìm kiếm không dùng được.")


class Unauthenticated(DocserviceError):
    status, code, title = 401, "unauthenticated", N_("Chưa đăng nhập")
    default_detail = N_("Cần đăng nhập (gửi Authorization: Bearer <token>).")

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="docservice"'})
        super().__init__(detail, **kwargs)


class InvalidCredentials(Unauthenticated):
    code, title = "invalid_credentials", N_("Sai tên đăng nhập hoặc mật khẩu")
    default_detail = N_("Tên đăng nhập hoặc mật khẩu không đúng.")


class Forbidden(DocserviceError):
    status, code, title = 403, "forbidden", N_("Không có quyền")
    default_detail = N_("Vai trò của bạn không được phép thực hiện thao tác này.")


class NotFound(DocserviceError):
    status, code, title = 404, "not_found", N_("Không tìm thấy")
    default_detail = N_("Không tìm thấy tài nguyên yêu cầu.")


class MethodNotAllowed(DocserviceError):
    status, code, title = 405, "method_not_allowed", N_("Phương thức không được hỗ trợ")
    default_detail = N_("Phương thức HTTP này không được hỗ trợ cho địa chỉ này.")


class Conflict(DocserviceError):
    status, code, title = 409, "conflict", N_("Xung đột dữ liệu")
    default_detail = N_("Yêu cầu xung đột với dữ liệu hiện có.")


class DuplicateRecord(Conflict):
    code, title = "duplicate_record", N_("Tệp đã được lưu trữ")
    default_detail = N_("Tệp này đã được lưu trữ.")


class Gone(DocserviceError):
    status, code, title = 410, "gone", N_("Đã hủy")
    default_detail = N_("Tài liệu này đã được hủy theo quy định; chỉ còn thông tin mô tả.")


class PayloadTooLarge(DocserviceError):
    status, code, title = 413, "payload_too_large", N_("Tệp quá lớn")
    default_detail = N_("Tệp tải lên vượt quá giới hạn cho phép.")


class UnsupportedMediaType(DocserviceError):
    status, code, title = 415, "unsupported_media_type", N_("Định dạng không được hỗ trợ")
    default_detail = N_("Tệp không phải là PDF.")


class ValidationFailed(DocserviceError):
    status, code, title = 422, "validation_failed", N_("Dữ liệu không hợp lệ")
    default_detail = N_("Dữ liệu gửi lên không hợp lệ.")


class UnusablePdf(ValidationFailed):
    code, title = "unusable_pdf", N_("PDF không dùng được")
    default_detail = N_("Tệp PDF không đọc được.")


class RuleViolation(ValidationFailed):
    code, title = "rule_violation", N_("Không đúng quy định")
    default_detail = N_("Yêu cầu trái với quy định áp dụng.")


class TemplateError(ValidationFailed):
    code, title = "template_error", N_("Mẫu văn bản lỗi")
    default_detail = N_("Không thể điền mẫu văn bản.")


class TooComplex(ValidationFailed):
    code, title = "too_complex", N_("Tệp quá phức tạp để xử lý")
    default_detail = N_("Tệp cần quá nhiều thời gian hoặc bộ nhớ để xử lý; hãy kiểm tra lại tệp.")


class UnreadableFile(ValidationFailed):
    code, title = "unreadable_file", N_("Không đọc được tệp")
    default_detail = N_("Tệp hỏng hoặc có cấu trúc bất thường; không xử lý được.")


class InsufficientStorage(DocserviceError):
    status, code, title = 507, "insufficient_storage", N_("Kho lưu trữ đã đầy")
    default_detail = N_("Kho lưu trữ đã đầy: không lưu được gì thêm. Hãy báo quản trị hệ thống giải phóng dung lượng; "
                        "không có gì bị lưu dở.")


class TooManyAttempts(DocserviceError):
    status, code, title = 429, "too_many_attempts", N_("Quá nhiều lần thử")
    default_detail = N_("Có quá nhiều lần đăng nhập sai từ máy này. Vui lòng thử lại sau ít phút.")


class AccountLocked(TooManyAttempts):
    code, title = "account_locked", N_("Tài khoản tạm khóa")
    default_detail = N_("Tài khoản đang tạm khóa do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau.")


class ServiceUnavailable(DocserviceError):
    status, code, title = 503, "service_unavailable", N_("Dịch vụ tạm thời không sẵn sàng")
    default_detail = N_("Dịch vụ đang bận hoặc tạm thời không sẵn sàng. Vui lòng thử lại sau.")


class ConversionFailed(ServiceUnavailable):
    code, title = "conversion_failed", N_("Không chuyển được sang PDF")
    default_detail = N_("Không chuyển được văn bản sang PDF. Vui lòng thử lại sau.")


class InternalError(DocserviceError):
    """An unexpected failure; the body never carries the exception's text."""


def all_error_classes() -> list[type[DocserviceError]]:
    """Every class of the hierarchy, base included (used by the tests and the docs)."""
    found: list[type[DocserviceError]] = [DocserviceError]
    for cls in found:
        found.extend(sub for sub in cls.__subclasses__() if sub not in found)
    return found
