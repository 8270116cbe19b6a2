"""Metadata read from a record's own text, each field with a confidence (for files without a manifest).

A party document prints its metadata in fixed places (Hướng dẫn 36-HD/VPTW): the superior body and
the issuing body over a "*", "Số 05-NQ/CB", the place-and-date line, the type name and the summary.
This module reads them from the first page's text, tolerating older forms ("Số: 05/NQ-CB"), a number
split across lines and the "28-CT" → "28CT" join of text extractors. A field it cannot read with
confidence is marked ``low`` and the record goes to the archivist's review queue instead of being
guessed silently.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from docservice.rules import RuleProfile
from docservice.text import fold, normalize

HIGH, MEDIUM, LOW = "high", "medium", "low"
HEADER_LINES = 30
NEAR_MATCH = 0.9
REQUIRED = ("doc_type", "date", "organization_id", "title")

_NUMBER_WITH_SO = re.compile(r"Số\s*:?\s*(?P<seq>\d{1,5})\s*[-–/]?\s*(?P<type>[A-ZĐ][A-Za-zĐđ]{0,5})"
                             r"\s*[/\-–]\s*(?P<issuer>[A-ZĐ][A-ZĐ\-]{0,15})")
_NUMBER_BARE = re.compile(r"\b(?P<seq>\d{1,5})-(?P<type>[A-ZĐ][A-Za-zĐđ]{0,5})/(?P<issuer>[A-ZĐ][A-ZĐ\-]{0,15})\b")
_DATE_WORDS = r"ngày\s*(?P<d>\d{1,2})\s*tháng\s*(?P<m>\d{1,2})\s*năm\s*(?P<y>\d{4})"
_PLACE_DATE = re.compile(r"(?P<place>[^\n,]{2,40}),\s*" + _DATE_WORDS)
_DATE_ONLY = re.compile(_DATE_WORDS)
_NATION = "dang cong san viet nam"
_LEVELS = ("thuong", "mat", "toi_mat", "tuyet_mat")
_ROMAN = re.compile(r"[IVXL]{1,6}")


@dataclass(frozen=True)
class Reading:
    value: Any
    confidence: str


@dataclass
class TextMetadata:
    """What the text says, field by field."""

    fields: dict[str, Reading] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        reading = self.fields.get(name)
        return reading.value if reading else None

    def unsure(self) -> list[str]:
        """Required fields read with low confidence (or not at all)."""
        return [name for name in REQUIRED if name not in self.fields or self.fields[name].confidence == LOW]

    def confidences(self) -> dict[str, str]:
        return {name: reading.confidence for name, reading in self.fields.items()}


def _header(text: str) -> list[str]:
    first_page = normalize(text).split("\f", 1)[0]
    return [line.strip() for line in first_page.splitlines() if line.strip()][:HEADER_LINES]


def _number(lines: list[str]) -> Reading | None:
    joined = " ".join(lines)
    for pattern, confidence in ((_NUMBER_WITH_SO, HIGH), (_NUMBER_BARE, MEDIUM)):
        match = pattern.search(joined)
        if match:
            return Reading(f"{match['seq']}-{match['type']}/{match['issuer']}", confidence)
    return None


def _valid_day(year: str, month: str, day: str) -> dt.date | None:
    try:
        found = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found if dt.date(1930, 2, 3) <= found <= dt.date.today() + dt.timedelta(days=1) else None


def _split_place(before: str) -> tuple[str, str]:
    """(left column, place) from the text before ", ngày": OCR reads the two header columns as one
    line ("CHI BỘ KHU PHỐ 1 An Phú"), so the place is the trailing run of words not in capitals."""
    words = before.split()
    start = len(words)
    while start > 0:
        word = words[start - 1]
        letters = [c for c in word if c.isalpha()]
        if len(letters) >= 2 and word.isupper() and not word.endswith("."):
            break
        if word.isdigit() and (start < 2 or words[start - 2].isupper()):
            break
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


def _date(lines: list[str]) -> tuple[Reading | None, Reading | None]:
    joined = "\n".join(lines)
    match = _PLACE_DATE.search(joined)
    if match and (day := _valid_day(match["y"], match["m"], match["d"])):
        left, place = _split_place(match["place"])
        return Reading(day, HIGH), (Reading(place, MEDIUM if left else HIGH) if place else None)
    match = _DATE_ONLY.search(joined)
    if match and (day := _valid_day(match["y"], match["m"], match["d"])):
        return Reading(day, MEDIUM), None
    return None, None


def _type_line(lines: list[str], profile: RuleProfile) -> tuple[int, str, bool] | None:
    """The line naming the document type: exact, or the same letters with a mark misread by OCR
    ("BIẾN BẢN" for "BIÊN BẢN"); the flag says whether the line was exact."""
    names = sorted(((t.name.upper(), key) for key, t in profile.doc_types.items()), key=lambda item: -len(item[0]))
    near = None
    for index, line in enumerate(lines):
        if not line.isupper():
            continue
        for name, key in names:
            if line == name or line.startswith(name + " "):
                return index, key, True
            folded, wanted = fold(line), fold(name)
            if near is None and (folded == wanted or folded.startswith(wanted + " ")):
                near = index, key, False
    return near


def _doc_type(lines: list[str], number: Reading | None, profile: RuleProfile) -> tuple[Reading | None, int | None]:
    abbreviation = number.value.split("-", 1)[1].split("/", 1)[0] if number is not None else None
    found = _type_line(lines, profile)
    if found:
        index, key, exact = found
        agrees = abbreviation is not None and profile.doc_types[key].abbreviation == abbreviation
        return Reading(key, HIGH if exact or agrees else MEDIUM), index
    if abbreviation is not None:
        for key, doc_type in profile.doc_types.items():
            if doc_type.abbreviation == abbreviation:
                return Reading(key, MEDIUM), None
    return None, None


def _letter_summary(lines: list[str], profile: RuleProfile) -> Reading | None:
    line = next((line for line in lines if line.startswith("V/v")), None)
    if line is None:
        return None
    return Reading(f"{profile.doc_types['cong_van'].name} về việc {line[3:].strip()}", HIGH)


def _summary(lines: list[str], type_index: int | None, doc_type: str | None, profile: RuleProfile) -> Reading | None:
    if doc_type == "cong_van":
        return _letter_summary(lines, profile)
    if type_index is None or doc_type is None:
        return None
    parts: list[str] = []
    for line in lines[type_index + 1:type_index + 4]:
        if line.startswith(("-", "Căn cứ", "Kính gửi")) or set(line) <= set("-–_*. "):
            break
        if parts and not _continues(parts[-1], line):
            break
        parts.append(line)
    name = profile.doc_types[doc_type].name
    if not parts:
        return Reading(name, MEDIUM)
    summary = " ".join(parts)
    return Reading(f"{name} {_sentence_case(summary) if summary.isupper() else summary}", HIGH)


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` carries on a summary printed over several lines: a title in capitals goes on in
    capitals, one in lower case goes on in lower case; the body's first sentence starts with a capital
    letter, and a summary never ends with a full stop."""
    if previous.endswith((".", ":", ";")):
        return False
    if previous.isupper():
        return line.isupper()
    return line[:1].islower() or line[:1].isdigit()


def _sentence_case(upper: str) -> str:
    """A title printed in capitals, in lower case except Roman numerals ("QUÝ I" → "quý I")."""
    return " ".join(word if _ROMAN.fullmatch(word.strip(",.;:()")) else word.lower() for word in upper.split())


def _same_length_fold(text: str) -> str:
    return "".join((fold(ch) or "?")[:1] for ch in text)


def _left_column(line: str) -> str:
    """The header's left column of ``line``: without the national name and the place-and-date."""
    folded = _same_length_fold(line)
    at = folded.find(_NATION)
    if at >= 0:
        line = (line[:at] + " " + line[at + len(_NATION):]).strip()
    match = _PLACE_DATE.search(line)
    if match:
        line = _split_place(match["place"])[0]
    return line.strip()


def _issuer_lines(lines: list[str]) -> tuple[str | None, str | None]:
    """(superior, issuer): the capital lines of the left column above the "*" (or above "Số …")."""
    stop = next((i for i, line in enumerate(lines) if line.startswith(("*", "Số"))), None)
    if stop is None:
        return None, None
    above = [left for left in map(_left_column, lines[:stop]) if left and left.isupper()]
    if not above:
        return None, None
    return (above[-2] if len(above) > 1 else None), above[-1]


def _names(org: Any) -> set[str]:
    return {" ".join(fold(name).split()) for name in (org.name, org.header_name) if name}


def _likeness(wanted: str, org: Any) -> float:
    return max(SequenceMatcher(None, wanted, name).ratio() for name in _names(org))


def _organization(issuer: str | None, superior: str | None, organizations: list[Any]) -> Reading | None:
    """The organisation whose name the header prints: exact (after folding) is high; a near match
    (a letter or two misread by OCR) is medium; two equally good candidates that the superior body
    cannot tell apart is no answer at all — the archivist decides."""
    if issuer is None:
        return None
    wanted = " ".join(fold(issuer).split())
    scored = [(_likeness(wanted, org), org) for org in organizations]
    best = max((score for score, _ in scored), default=0.0)
    if best < NEAR_MATCH:
        return None
    candidates = [org for score, org in scored if score == best]
    if len(candidates) > 1 and superior:
        above = " ".join(fold(superior).split())
        by_id = {org.id: org for org in organizations}
        candidates = [org for org in candidates
                      if (org.superior_name and " ".join(fold(org.superior_name).split()) == above)
                      or (org.parent_id in by_id and above in _names(by_id[org.parent_id]))]
    if len(candidates) != 1:
        return None
    return Reading(candidates[0].id, HIGH if best == 1.0 else MEDIUM)


def _confidentiality(lines: list[str], profile: RuleProfile) -> Reading | None:
    """The highest confidentiality mark printed in the header: a line that is only the mark is high;
    the mark inside a longer line (OCR joins columns; "BÍ MẬT" in a title) is medium — the importer
    still applies it, on the safe side, and asks the archivist to check."""
    found: Reading | None = None
    marks = sorted(profile.marks.confidentiality.items(), key=lambda item: -len(item[1]))
    for line in lines:
        for level, mark in marks:
            if line == mark:
                confidence = HIGH
            elif re.search(rf"(?<!\w){re.escape(mark)}(?!\w)", line):
                confidence = MEDIUM
            else:
                continue
            if found is None or _LEVELS.index(level) > _LEVELS.index(found.value) or (
                    level == found.value and confidence == HIGH):
                found = Reading(level, confidence)
            break
    return found


def read_metadata(text: str, profile: RuleProfile, organizations: list[Any]) -> TextMetadata:
    """Number, date, place, type, title, superior, issuing body, organisation and confidentiality mark."""
    lines = _header(text)
    found = TextMetadata()
    number = _number(lines)
    date, place = _date(lines)
    doc_type, type_index = _doc_type(lines, number, profile)
    title = _summary(lines, type_index, doc_type.value if doc_type else None, profile)
    superior, issuer = _issuer_lines(lines)
    for name, reading in (("number", number), ("date", date), ("place", place), ("doc_type", doc_type),
                          ("title", title), ("superior", Reading(superior, MEDIUM) if superior else None),
                          ("issuer", Reading(issuer, MEDIUM) if issuer else None),
                          ("organization_id", _organization(issuer, superior, organizations)),
                          ("confidentiality", _confidentiality(lines, profile))):
        if reading is not None:
            found.fields[name] = reading
    return found
