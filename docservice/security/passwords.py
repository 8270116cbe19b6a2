"""Password hashing (scrypt through Werkzeug) and the password rule."""

from __future__ import annotations

import unicodedata

from werkzeug.security import check_password_hash, generate_password_hash

from docservice.errors import ValidationFailed

MIN_LENGTH = 10
MAX_LENGTH = 256
# Guessed first by anyone trying accounts of a Vietnamese office (folded, lower case, digits kept).
_COMMON = frozenset({
    "matkhau123", "matkhau1234", "matkhau12345", "matkhau2024", "matkhau2025", "matkhau2026",
    "password123", "password1234", "abc1234567", "qwerty12345", "1234567890a", "a1234567890",
    "vietnam123", "vietnam1234", "dangcongsan1", "dangvien123", "chibo123456", "admin12345",
    "admin123456", "quantri123", "quantri1234", "123456789a", "1234567890", "12345678910",
})


def hash_password(password: str, *, username: str | None = None) -> str:
    """A salted scrypt hash of ``password`` after checking the password rule."""
    check_password_rule(password, username=username)
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def check_password_rule(password: str, *, username: str | None = None) -> None:
    """Raise ``ValidationFailed`` unless the password is 10–256 characters with a letter and a digit,
    does not contain the user name and is not one of the passwords everyone tries first."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"ít nhất {MIN_LENGTH} ký tự")
    if len(password) > MAX_LENGTH:
        problems.append(f"không quá {MAX_LENGTH} ký tự")
    if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
        problems.append("có cả chữ và số")
    plain = _plain(password)
    if username and len(username) >= 3 and _plain(username) in plain:
        problems.append("không chứa tên đăng nhập")
    if plain in _COMMON or len(set(plain)) <= 3:
        problems.append("không phải mật khẩu dễ đoán")
    if problems:
        message = "Mật khẩu cần " + ", ".join(problems) + "."
        raise ValidationFailed("Mật khẩu chưa đủ mạnh: cần " + ", ".join(problems) + ".",
                               errors={"password": message})
