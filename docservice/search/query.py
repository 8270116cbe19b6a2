"""The query language of CONTRACT.md, parsed into an engine-neutral form.

``words`` must all match; ``"a phrase"`` matches words in order; ``-word`` excludes; a document
number (``21-NQ/TW``, ``21 NQ TW``, ``số 21-NQ/TW``) is recognised and matched on the number field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docservice.errors import InvalidQuery
from docservice.text import normalize, number_parts, tokens

MAX_QUERY_CHARS = 500
MAX_TERMS = 32

_LETTERS = r"[A-Za-zĐđ]{1,8}"
# Separated by "-" and "/" (any case), or by spaces when the symbol is in capitals.
_NUMBER = re.compile(
    rf"(?:\bsố\s*:?\s*)?\b(\d{{1,6}})(?:\s*[-–/]\s*|\s*)({_LETTERS}(?:\s*[/-]\s*{_LETTERS})+)\b"
    rf"|(?:\bsố\s*:?\s*)?\b(\d{{1,6}})\s+([A-ZĐ]{{1,8}}(?:\s+[A-ZĐ]{{1,8}})+)\b",
    re.IGNORECASE,
)
_UPPER_SPACED = re.compile(r"[A-ZĐ]{1,8}(?:\s+[A-ZĐ]{1,8})+")
_PHRASE = re.compile(r'(-?)"([^"]*)"')


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()
    excluded_phrases: tuple[tuple[str, ...], ...] = ()
    numbers: tuple[tuple[str, ...], ...] = ()  # parts of each number: ("21", "nq", "tw")

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases or self.numbers)


def _words(text: str) -> list[str]:
    return [word for word, _, _ in tokens(text)]


def _take_numbers(text: str) -> tuple[str, list[tuple[str, ...]]]:
    found: list[tuple[str, ...]] = []

    def keep(match: re.Match[str]) -> str:
        spaced = match.group(3) is not None
        if spaced and not _UPPER_SPACED.fullmatch(match.group(4)):
            return match.group(0)
        found.append(tuple(number_parts(match.group(0))))
        return " "

    return _NUMBER.sub(keep, text), found


def parse_query(q: str) -> ParsedQuery:
    """Parse ``q``; ``InvalidQuery`` (400) when it is too long or has only exclusions."""
    text = normalize(q or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidQuery(f"Câu tìm kiếm dài quá {MAX_QUERY_CHARS} ký tự.")
    phrases, excluded, excluded_phrases = [], [], []
    for minus, body in _PHRASE.findall(text):
        words = _words(body)
        if minus and len(words) > 1:
            excluded_phrases.append(tuple(words))
        elif minus:
            excluded.extend(words)
        elif len(words) == 1:
            text += f" {words[0]}"
        elif words:
            phrases.append(tuple(words))
    text = _PHRASE.sub(" ", text).replace('"', " ")
    text, numbers = _take_numbers(text)
    words = []
    for part in text.split():
        if part.startswith("-") and len(part) > 1:
            excluded.extend(_words(part[1:]))
        else:
            words.extend(_words(part))
    parsed = ParsedQuery(tuple(dict.fromkeys(words)), tuple(phrases), tuple(excluded),
                         tuple(excluded_phrases), tuple(numbers))
    counted = (*parsed.words, *parsed.excluded, *parsed.phrases, *parsed.excluded_phrases)
    if sum(len(item) if isinstance(item, tuple) else 1 for item in counted) > MAX_TERMS:
        raise InvalidQuery(f"Câu tìm kiếm có quá nhiều từ (tối đa {MAX_TERMS}).")
    if parsed.is_empty and (parsed.excluded or parsed.excluded_phrases):
        raise InvalidQuery("Cần ít nhất một từ để tìm, không chỉ các từ loại trừ.")
    return parsed
