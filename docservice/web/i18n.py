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
from flask_babel import Babel, format_decimal, get_locale

LANGUAGES = ("vi", "en")
SOURCE = Path(__file__).resolve().parent / "translations"


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


def register_i18n(app: Flask) -> None:
    app.config.update(BABEL_DEFAULT_LOCALE="vi", BABEL_TRANSLATION_DIRECTORIES=str(_compile()),
                      BABEL_DEFAULT_TIMEZONE="Asia/Ho_Chi_Minh")
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(get_locale=get_locale, format_decimal=format_decimal)
