"""Vietnamese normalisation shared by indexing and querying.

- ``normalize``: NFC, the form every stored and compared text takes.
- ``normalize_word``: lower case and one tone placement, so ``hoà``/``hòa`` and ``thuỷ``/``thủy``
  are the same word (the "exact" form used to rank diacritic queries first).
- ``fold``: all marks removed and đ→d (the form a query typed without diacritics matches).
- ``number_key``: a document number reduced to what survives any separator or line break.
"""

from __future__ import annotations

import re
import unicodedata

WORD_RE = re.compile(r"\w+", re.UNICODE)

# Old-style placement puts the mark on the second vowel of an open "oa", "oe", "uy" syllable
# (hoà, khoẻ, thuỷ); the new style puts it on the first (hòa, khỏe, thủy). Both are in use and
# in historical records; the index keeps one: the new style.
_TONES = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}  # huyền, sắc, hỏi, ngã, nặng
_OLD_STYLE_END = re.compile("(?<!q)(o(?=[ae])|u(?=y))([aey])([\u0300\u0301\u0309\u0303\u0323])$")


def normalize(text: str) -> str:
    """NFC form of ``text``; every text the service stores or compares goes through here."""
    return unicodedata.normalize("NFC", text)


def _move_tone_to_first_vowel(decomposed: str) -> str:
    return _OLD_STYLE_END.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed)


def one_tone_placement(text: str) -> str:
    """``text`` with every word's tone mark placed the new way, case kept (``Đảng uỷ`` → ``Đảng ủy``,
    ``ĐẢNG UỶ`` → ``ĐẢNG ỦY``): one spelling through a printed document."""

    def placed(match: re.Match[str]) -> str:
        decomposed = unicodedata.normalize("NFD", match.group(0))
        moved = _move_tone_to_first_vowel(decomposed.lower())
        if moved == decomposed.lower():
            return match.group(0)
        upper = iter([ch.isupper() for ch in decomposed if unicodedata.category(ch) != "Mn"])
        cased = "".join(ch if unicodedata.category(ch) == "Mn" else (ch.upper() if next(upper) else ch)
                        for ch in moved)
        return unicodedata.normalize("NFC", cased)

    return WORD_RE.sub(placed, text)


def _number_word(word: str) -> str | None:
    return (word.lstrip("0") or "0") if word.isdigit() else None


def normalize_word(word: str) -> str:
    """Lower-cased NFC word with the tone mark placed the new way (``hoà`` → ``hòa``).

    A number loses its leading zeros, so "tháng 02" and "tháng 2" are the same words.
    """
    if (number := _number_word(word)) is not None:
        return number
    decomposed = unicodedata.normalize("NFD", word.lower())
    if decomposed[-1:] in _TONES:
        decomposed = _move_tone_to_first_vowel(decomposed)
    return unicodedata.normalize("NFC", decomposed)


def fold(text: str) -> str:
    """Lower case without any Vietnamese mark, đ→d: ``Đảng viên`` → ``dang vien``."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def fold_word(word: str) -> str:
    """The folded form of one word, numbers without leading zeros (``Đảng`` → ``dang``)."""
    number = _number_word(word)
    return number if number is not None else fold(word)


def has_marks(word: str) -> bool:
    """Whether ``word`` carries any diacritic (including đ), i.e. folding changes it."""
    return fold(word) != word.lower()


# Whole-text forms for indexing: the same words as ``normalize_word`` / ``fold_word`` applied to every
# word of a text, computed with a few C-speed passes instead of a Python call per word.
_OLD_STYLE_WORD_END = re.compile(
    "(?<!q)(" + "|".join(unicodedata.normalize("NFC", first + unicodedata.normalize("NFC", second + mark))
                         for first, seconds in (("o", "ae"), ("u", "y")) for second in seconds for mark in _TONES)
    + r")(?!\w)"
)
_NEW_STYLE = {unicodedata.normalize("NFC", first + unicodedata.normalize("NFC", second + mark)):
              unicodedata.normalize("NFC", first + mark + second)
              for first, seconds in (("o", "ae"), ("u", "y")) for second in seconds for mark in _TONES}
_LEADING_ZEROS = re.compile(r"(?<!\w)0+(?=\d+(?!\w))")


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x1FFF):
        char = chr(code)
        if not char.isalpha():
            continue
        base = "".join(c for c in unicodedata.normalize("NFD", char) if unicodedata.category(c) != "Mn")
        if base != char and base.isascii() and len(base) == 1:
            table[code] = base.lower()
    table[ord("đ")] = table[ord("Đ")] = "d"
    return table


_FOLD_TABLE = _fold_table()
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def exact_text(text: str) -> str:
    """Every word of ``text`` as ``normalize_word`` gives it (lower case, new tone placement, numbers
    without leading zeros), the rest unchanged: the text an index tokenises on ``\\w+``."""
    lowered = unicodedata.normalize("NFC", text).lower()
    lowered = _OLD_STYLE_WORD_END.sub(lambda m: _NEW_STYLE[m.group(1)], lowered)
    return _LEADING_ZEROS.sub("", lowered)


def fold_same_length(text: str) -> str:
    """``text`` (NFC) lower-cased and without marks, one character for each of ``text``'s, so that an
    offset in the result is an offset in ``text`` (for highlighting); ``text`` itself if it cannot be."""
    folded = text.lower().translate(_FOLD_TABLE)
    return folded if len(folded) == len(text) else text


def folded_text(text: str) -> str:
    """Every word of ``text`` as ``fold_word`` gives it (no marks, đ→d, numbers without leading zeros)."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return _LEADING_ZEROS.sub("", _COMBINING.sub("", decomposed))


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Words of ``text`` (already NFC) with their start and end offsets."""
    return [(m.group(0), m.start(), m.end()) for m in WORD_RE.finditer(text)]


_NUMBER_PARTS = re.compile(r"[0-9]+|[a-z]+")


def number_parts(number: str) -> list[str]:
    """The sequence number and symbol parts of a document number: ``Số 05-NQ/CB`` → 5, nq, cb."""
    folded = fold(normalize(number)).strip()
    folded = re.sub(r"^so\b[:.]?\s*", "", folded)
    parts = _NUMBER_PARTS.findall(folded)
    if parts and parts[0].isdigit():
        parts[0] = parts[0].lstrip("0") or "0"
    return parts


def number_key(number: str) -> str:
    """Separator-agnostic key of a document number: ``Số 05-NQ/CB``, ``5 NQ CB`` → ``5nqcb``.

    A leading "số" is dropped, marks are folded, separators removed and leading zeros of the
    sequence number stripped, so a number that pdftotext joined at a line end still matches.
    """
    return "".join(number_parts(number))
