"""The interface language: Vietnamese unless the user picks English (``?lang=en``, kept in the session).

Messages are written in Vietnamese in the code and templates (``_("…")``); English lives in
``translations/en/LC_MESSAGES/messages.po``, compiled when the application starts (no binary file in
git). Strings not yet translated show in Vietnamese.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request, session
from flask_babel import Babel, format_decimal, get_locale, gettext
from flask_babel import lazy_gettext as _l

LANGUAGES = ("vi", "en")
SOURCE = Path(__file__).resolve().parent / "translations"

# Names of the service's codes, shown on the pages (translated when shown).
ROLE_NAMES = {"admin": _l("Quản trị"), "secretary": _l("Thư ký / bí thư"), "archivist": _l("Lưu trữ"),
              "reader": _l("Xem, tra cứu")}
IMPORT_STATUS = {"queued": _l("đang chờ"), "running": _l("đang chạy"), "done": _l("xong"),
                 "failed": _l("bị dừng (sẽ tiếp tục)")}
MEMBER_STATUS = {"chinh_thuc": _l("chính thức"), "du_bi": _l("dự bị")}
TEMPORARY = {"den": _l("sinh hoạt tạm thời"), "di": _l("đi sinh hoạt tạm thời nơi khác")}
TEXT_SOURCES = {"text_layer": _l("Lớp chữ của PDF"), "ocr": _l("Nhận dạng chữ (OCR)"), "mixed": _l("Lớp chữ và OCR"),
                "legacy_converted": _l("Chuyển từ mã TCVN3/VNI")}


@functools.cache
def _compile() -> Path:
    target = Path(tempfile.mkdtemp(prefix="docservice-i18n-"))
    for po in SOURCE.glob("*/LC_MESSAGES/messages.po"):
        language = po.parts[-3]
        out = target / language / "LC_MESSAGES"
        out.mkdir(parents=True)
        with po.open("rb") as source, (out / "messages.mo").open("wb") as compiled:
            write_mo(compiled, read_po(source, locale=language))
    return target


def select_locale() -> str:
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    return session.get("lang", "vi") if session.get("lang") in LANGUAGES else "vi"


def translated(message: object) -> object:
    """A message made at run time (a service error, a flash): its English when the catalogue has it.

    Not the template's ``_()``: that marks its result safe and formats ``%`` — wrong for text that may
    carry a user's input."""
    return gettext(message) if isinstance(message, str) else message


def register_i18n(app: Flask) -> None:
    app.config.update(BABEL_DEFAULT_LOCALE="vi", BABEL_TRANSLATION_DIRECTORIES=str(_compile()),
                      BABEL_DEFAULT_TIMEZONE="Asia/Ho_Chi_Minh")
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(get_locale=get_locale, format_decimal=format_decimal, role_names=ROLE_NAMES,
                                 import_status=IMPORT_STATUS, member_status=MEMBER_STATUS, temporary=TEMPORARY,
                                 text_sources=TEXT_SOURCES)
    app.jinja_env.filters["translated"] = translated
