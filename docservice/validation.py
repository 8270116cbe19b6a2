"""Pydantic validation errors → one ``ValidationFailed`` with a Vietnamese message per field; and the check
every text a caller sends passes first (no NUL, no lone surrogates — what no database or page can hold)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from docservice.errors import ValidationFailed

_MESSAGES = {
    "missing": "Trường này là bắt buộc.",
    "extra_forbidden": "Trường này không được hỗ trợ.",
    "string_type": "Phải là chuỗi ký tự.",
    "string_too_short": "Không được để trống.",
    "string_too_long": "Dài quá {max_length} ký tự.",
    "too_short": "Cần ít nhất {min_length} mục.",
    "too_long": "Nhiều nhất {max_length} mục.",
    "list_type": "Phải là một danh sách.",
    "int_parsing": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "int_from_float": "Phải là số nguyên.",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "greater_than": "Phải lớn hơn {gt}.",
    "date_parsing": "Ngày không hợp lệ (dạng YYYY-MM-DD).",
    "date_from_datetime_parsing": "Ngày không hợp lệ (dạng YYYY-MM-DD).",
    "date_type": "Ngày không hợp lệ (dạng YYYY-MM-DD).",
    "date_from_datetime_inexact": "Chỉ ghi ngày, không ghi giờ.",
    "literal_error": "Giá trị phải là một trong: {expected}.",
    "enum": "Giá trị phải là một trong: {expected}.",
    "bool_parsing": "Phải là true hoặc false.",
    "bool_type": "Phải là true hoặc false.",
    "dict_type": "Phải là một đối tượng JSON.",
    "model_type": "Phải là một đối tượng JSON.",
    "json_invalid": "JSON không hợp lệ.",
    "string_pattern_mismatch": "Có ký tự hoặc dạng viết không được phép.",
    "value_error": "Giá trị không hợp lệ.",
}


def vietnamese_message(error: dict[str, Any]) -> str:
    if error["type"] == "value_error" and (error.get("ctx") or {}).get("error"):
        text = str(error["ctx"]["error"])
        return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
    if error.get("input", ...) is None and error["type"].endswith("_type"):  # left empty (a form's blank)
        return _MESSAGES["missing"]
    template = _MESSAGES.get(error["type"], "Giá trị không hợp lệ.")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return "Giá trị không hợp lệ."


def field_errors(exc: ValidationError, prefix: str = "") -> dict[str, str]:
    """``{"fields.subject": "Trường này là bắt buộc.", …}`` (first message per field)."""
    errors: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        path = ".".join(str(part) for part in (prefix, *error["loc"]) if part != "")
        errors.setdefault(path or "body", vietnamese_message(error))
    return errors


def validation_failed(exc: ValidationError, prefix: str = "") -> ValidationFailed:
    errors = field_errors(exc, prefix)
    return ValidationFailed(f"Dữ liệu không hợp lệ ở {len(errors)} trường.", errors=errors)


_UNSAFE = re.compile(r"[\x00\ud800-\udfff]")
UNSAFE_TEXT = "Dữ liệu có ký tự không hợp lệ (ký tự NUL hoặc mã Unicode hỏng)."
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # what no printed page can show


def unsafe_text(value: Any, path: str = "", pattern: re.Pattern[str] = _UNSAFE) -> str | None:
    """The path of the first string in ``value`` (nested lists and dicts, keys included) holding a NUL or a
    lone surrogate — characters that PostgreSQL refuses and that cannot be written out as UTF-8 — or
    ``None`` when there is none."""
    pending: list[tuple[str, Any]] = [(path, value)]
    while pending:
        where, item = pending.pop()
        if isinstance(item, str):
            if pattern.search(item):
                return where or "body"
        elif isinstance(item, dict):
            pending.extend((f"{where}.{key}" if where else str(key), key) for key in item)
            pending.extend((f"{where}.{key}" if where else str(key), child) for key, child in item.items())
        elif isinstance(item, list | tuple):
            pending.extend((f"{where}.{index}" if where else str(index), child) for index, child in enumerate(item))
    return None


def refuse_unsafe_text(value: Any, path: str = "") -> Any:
    """``value`` itself, or ``ValidationFailed`` naming where it holds unsafe characters."""
    where = unsafe_text(value, path)
    if where is not None:
        raise ValidationFailed(UNSAFE_TEXT, errors={where: "Có ký tự không hợp lệ."})
    return value
