"""Snippets for search hits, the same for every backend: the part of the record's own text where the
query's words are densest, HTML-escaped, each match in ``<mark>``.

A word typed with diacritics marks only its exact form (tone placement aside); typed without, it marks
every form that folds to it — the same rule the index matches by. Phrases and document numbers mark
their words where they occur in order. Candidates are found by one regular expression over the
folded text (offsets equal to the text's), then checked word by word where the exact form matters.
"""

from __future__ import annotations

import functools
import html
import re

from docservice.search.query import ParsedQuery
from docservice.text import fold_same_length, fold_word, has_marks, normalize, normalize_word

WIDTH = 240
LEAD = 60
_WORD = re.compile(r"\w+")


def _form(word: str) -> tuple[str, str | None]:
    """The folded form a word must have, and the exact form too when it was typed with marks."""
    return fold_word(word), (normalize_word(word) if has_marks(word) else None)


def _pattern(folded: str) -> str:
    return f"0*{folded}" if folded.isdigit() else re.escape(folded)


def _groups(query: ParsedQuery) -> list[list[tuple[str, str | None]]]:
    """Words, phrases and numbers, each a sequence of word forms."""
    groups = [[_form(w)] for w in query.words]
    groups += [[_form(w) for w in phrase] for phrase in query.phrases]
    groups += [[(part, None) for part in number] for number in query.numbers]
    return groups


def _spans(text: str, folded: str, query: ParsedQuery) -> list[tuple[int, int]]:
    spans: set[tuple[int, int]] = set()
    for group in _groups(query):
        pattern = re.compile(r"(?<!\w)" + r"\W+".join(_pattern(f) for f, _ in group) + r"(?!\w)")
        for match in pattern.finditer(folded):
            words = [(m.start(), m.end()) for m in _WORD.finditer(folded, match.start(), match.end())]
            if len(words) != len(group):
                continue
            checks = zip(words, group, strict=True)
            if all(exact is None or normalize_word(text[s:e]) == exact for (s, e), (_, exact) in checks):
                spans.update(words)
    return sorted(spans)


def _prepare(text: str) -> tuple[str, str]:
    text = " ".join(normalize(text).split())
    return text, fold_same_length(text)


# The texts of the hits a worker showed last: the next page, the same search again or a search for other
# words in the same records skip normalising and folding them. Long texts are not kept.
_prepared = functools.lru_cache(maxsize=256)(_prepare)
_KEEP_UP_TO = 60_000


def make_snippet(text: str, query: ParsedQuery, *, width: int = WIDTH) -> str:
    """About ``width`` characters of ``text`` around its best run of matches, safe to put in HTML."""
    text, folded = _prepared(text) if len(text) <= _KEEP_UP_TO else _prepare(text)
    spans = _spans(text, folded, query)
    if not spans:
        return html.escape(text[:width], quote=False) + (" …" if len(text) > width else "")
    # the window holding the most matched words, starting a little before its first one
    best, best_count, j = 0, 0, 0
    for i, (first, _) in enumerate(spans):
        j = max(j, i)
        while j < len(spans) and spans[j][1] <= first + width - LEAD:
            j += 1
        if j - i > best_count:
            best, best_count = i, j - i
    first = spans[best][0]
    start = 0 if first <= LEAD else text.find(" ", first - LEAD, first) + 1 or first
    end = min(len(text), start + width)
    if end < len(text):
        end = max(text.rfind(" ", start, end), spans[best][1])
    pieces, cursor = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        pieces.append(html.escape(text[cursor:s], quote=False))
        pieces.append(f"<mark>{html.escape(text[s:e], quote=False)}</mark>")
        cursor = e
    pieces.append(html.escape(text[cursor:end], quote=False))
    return ("… " if start else "") + "".join(pieces) + (" …" if end < len(text) else "")
