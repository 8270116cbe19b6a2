"""The web forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

_REQUIRED = "Vui lòng nhập {}."


class LoginForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[
        DataRequired(_REQUIRED.format("tên đăng nhập")), Length(max=64, message="Tên đăng nhập quá dài.")])
    password = PasswordField(_l("Mật khẩu"), validators=[
        DataRequired(_REQUIRED.format("mật khẩu")), Length(max=256, message="Mật khẩu quá dài.")])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Mật khẩu hiện tại"), validators=[
        DataRequired(_REQUIRED.format("mật khẩu hiện tại")), Length(max=256)])
    new_password = PasswordField(_l("Mật khẩu mới"), validators=[
        DataRequired(_REQUIRED.format("mật khẩu mới")), Length(max=256, message="Mật khẩu quá dài.")],
        description=_l("Ít nhất 10 ký tự, có cả chữ và số, không chứa tên đăng nhập."))
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[
        DataRequired(_REQUIRED.format("lại mật khẩu mới")),
        EqualTo("new_password", message="Hai lần nhập mật khẩu mới không giống nhau.")])


class EmptyForm(FlaskForm):
    """A form with only the CSRF token (logout)."""
