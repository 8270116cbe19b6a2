"""Versioned rule profiles: layout, numbering, abbreviations and signature notations with dates.

Profiles are JSON data in ``rules/profiles``. A profile may ``extend`` an older one and add document
types; values marked ``"confirmed": false`` are best knowledge (see the domain notes) and are the
defaults a deployment may override. ``profile_for(date)`` picks the profile in force on a date: a
document is always judged by the rules of its own date.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

PROFILES_DIR = Path(__file__).with_name("profiles")


class Font(BaseModel):
    model_config = ConfigDict(frozen=True)
    size: float
    bold: bool = False
    italic: bool = False
    confirmed: bool = True


class NumberRule(BaseModel):
    model_config = ConfigDict(frozen=True)
    prefix: str
    min_digits: int
    pattern: str
    scope: str


class DateLineRule(BaseModel):
    model_config = ConfigDict(frozen=True)
    pad_day_below: int
    padded_months: tuple[int, ...]


class DocType(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    abbreviation: str


class RuleProfile(BaseModel):
    """The rules in force over a period; see ``profiles/*.json``."""

    model_config = ConfigDict(frozen=True)

    key: str
    name: str
    effective_from: dt.date
    header_title: str
    issuer_mark: str
    number: NumberRule
    date_line: DateLineRule
    font_family: str
    fonts: dict[str, Font]
    margins_mm: dict[str, float | bool]
    page_numbers: dict[str, Any]
    signature: dict[str, str | None]
    archive_line: str
    collegial_bodies: dict[str, str]
    archive_bodies: dict[str, str]
    quorum: dict[str, int | bool]
    issuer_abbreviations: dict[str, str]
    doc_types: dict[str, DocType]

    def format_number(self, sequence: int, doc_type: str, issuer: str) -> str:
        """``05-NQ/CB``: the sequence padded to the minimum digits, type and issuer abbreviations."""
        seq = str(sequence).zfill(self.number.min_digits)
        abbreviation = self.doc_types[doc_type].abbreviation
        return self.number.pattern.format(seq=seq, doc_type=abbreviation, issuer=issuer)

    def authority_line(self, org_kind: str) -> str:
        """``T/M CHI BỘ``: the collegial notation and the body signing for an organisation kind."""
        return f"{self.signature['collegial']} {self.collegial_bodies[org_kind]}"

    def archive_text(self, org_kind: str) -> str:
        """``Lưu Chi bộ``: the last line of "Nơi nhận"."""
        return self.archive_line.format(body=self.archive_bodies[org_kind])

    def number_line(self, number: str) -> str:
        """``Số 05-NQ/CB`` (no colon after "Số")."""
        return f"{self.number.prefix} {number}"

    def date_text(self, day: dt.date) -> str:
        """``ngày 07 tháng 9 năm 2022`` with leading zeros as this profile sets them."""
        rule = self.date_line
        dd = f"{day.day:02d}" if day.day < rule.pad_day_below else str(day.day)
        mm = f"{day.month:02d}" if day.month in rule.padded_months else str(day.month)
        return f"ngày {dd} tháng {mm} năm {day.year}"

    def place_date_line(self, place: str, day: dt.date) -> str:
        """``Xương Giang, ngày 07 tháng 9 năm 2022``."""
        return f"{place}, {self.date_text(day)}"


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    merged = {**base, **{k: v for k, v in child.items() if k not in ("extends", "doc_types_added")}}
    merged["doc_types"] = {**base.get("doc_types", {}), **child.get("doc_types_added", {})}
    return merged


def _raw(key: str) -> dict[str, Any]:
    data = json.loads((PROFILES_DIR / f"{key}.json").read_text(encoding="utf-8"))
    return _merge(_raw(data["extends"]), data) if "extends" in data else data


@cache
def all_profiles() -> tuple[RuleProfile, ...]:
    """Every profile, oldest first."""
    profiles = [RuleProfile.model_validate(_raw(p.stem)) for p in PROFILES_DIR.glob("*.json")]
    return tuple(sorted(profiles, key=lambda p: p.effective_from))


def profile_for(day: dt.date) -> RuleProfile:
    """The profile in force on ``day`` (the oldest one for days before every profile)."""
    in_force = [p for p in all_profiles() if p.effective_from <= day]
    return in_force[-1] if in_force else all_profiles()[0]


def current_profile() -> RuleProfile:
    return profile_for(dt.date.today())
