"""The web forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from pydantic import ValidationError
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from docservice.errors import DocserviceError
from docservice.validation import validation_failed


class LoginForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[
        DataRequired(_l("Vui lòng nhập tên đăng nhập.")), Length(max=64, message=_l("Tên đăng nhập quá dài."))])
    password = PasswordField(_l("Mật khẩu"), validators=[
        DataRequired(_l("Vui lòng nhập mật khẩu.")), Length(max=256, message=_l("Mật khẩu quá dài."))])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Mật khẩu hiện tại"), validators=[
        DataRequired(_l("Vui lòng nhập mật khẩu hiện tại.")), Length(max=256, message=_l("Mật khẩu quá dài."))])
    new_password = PasswordField(_l("Mật khẩu mới"), validators=[
        DataRequired(_l("Vui lòng nhập mật khẩu mới.")), Length(max=256, message=_l("Mật khẩu quá dài."))],
        description=_l("Ít nhất 10 ký tự, có cả chữ và số, không chứa tên đăng nhập."))
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[
        DataRequired(_l("Vui lòng nhập lại mật khẩu mới.")),
        EqualTo("new_password", message=_l("Hai lần nhập mật khẩu mới không giống nhau."))])


def bounded_int(raw: object, low: int = 1, high: int = 2**31 - 1) -> int | None:
    """A whole number typed into a form or a query string, within ``low``–``high`` (the catalogue's id range
    by default); ``None`` for anything else, so no caller hands the database a number it cannot hold."""
    try:
        value = int(str(raw).strip())
    except ValueError:
        return None
    return value if low <= value <= high else None


class EmptyForm(FlaskForm):
    """A form with only the CSRF token (logout)."""


@contextmanager
def refusals_into(errors: dict[str, str], *, reraise: tuple[int, ...] = (403, 404)) -> Iterator[None]:
    """A page's form handling: invalid input or a rule the service enforces becomes messages beside the
    fields in ``errors``; no right (403) or outside scope (404) goes on to the error page."""
    try:
        yield
    except ValidationError as exc:
        errors.update(validation_failed(exc).errors or {"form": _("Dữ liệu không hợp lệ.")})
    except DocserviceError as exc:
        if exc.status in reraise:
            raise
        errors.update(exc.errors or {"form": _(exc.detail)})
