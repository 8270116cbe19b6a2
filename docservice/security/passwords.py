"""Password hashing (scrypt through Werkzeug) and the minimum password rule."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

from docservice.errors import ValidationFailed

MIN_LENGTH = 10


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password`` after checking the password rule."""
    check_password_rule(password)
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


def check_password_rule(password: str) -> None:
    """Raise ``ValidationFailed`` unless the password has 10+ characters, a letter and a digit."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"ít nhất {MIN_LENGTH} ký tự")
    if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
        problems.append("có cả chữ và số")
    if problems:
        raise ValidationFailed(
            "Mật khẩu chưa đủ mạnh: cần " + ", ".join(problems) + ".",
            errors={"password": "Mật khẩu cần " + ", ".join(problems) + "."},
        )
