"""Versioned rule profiles: layout, numbering, abbreviations, signatures, quorum — data with dates.

Profiles are JSON in ``rules/profiles``. A profile may ``extend`` an older one, add document types and
list values it changes. Values the sources do not confirm are listed under ``unconfirmed`` with the
reason; a deployment may replace any value with an overrides file (``DOCSERVICE_RULE_OVERRIDES``):

    {"*": {"quorum": {"numerator": 1, "denominator": 2}}, "2026": {"margins_mm": {"top": 25}}}

``RuleBook.for_date(day)`` picks the profile in force on a day: a document or a meeting is always
judged by the rules of its own date.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

PROFILES_DIR = Path(__file__).with_name("profiles")


class Font(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    size: float
    bold: bool = False
    italic: bool = False


class NumberRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    prefix: str
    min_digits: int
    pattern: str
    scope: str


class DateLineRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    pad_day_below: int
    padded_months: tuple[int, ...]


class DocType(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    abbreviation: str
    name_en: str | None = None  # for the pages in English; the documents always carry ``name``


class ShareRule(BaseModel):
    """At least ``numerator``/``denominator`` of a base (a personnel vote), with the rule's source."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    numerator: int
    denominator: int
    source: str = ""
    of_whom: str = "số đảng viên chính thức"  # what the share is of, as the refusal says it

    def needed(self, base: int) -> int:
        return math.ceil(base * self.numerator / self.denominator) if base else 1

    @property
    def text(self) -> str:
        return f"{self.numerator}/{self.denominator}"


class AdmissionAge(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    min_years: int = 18
    max_years: int = 60
    source: str = ""


class ChecklistItem(BaseModel):
    """One paper a member dossier must hold (Hướng dẫn 12-HD/BTCTW II.1.1); found by an archivist's explicit
    mark (``dossier_item``), by the template that generated it, or by its title (folded, regular expressions)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    key: str
    label: str
    required: bool = True  # false: "if any" (Youth Union resolution, appraisal by a đảng ủy bộ phận)
    templates: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


class ChecklistStage(BaseModel):
    """A stage of the dossier: its papers are expected from ``expected`` on (``always`` or ``official``:
    once the member is official)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    part: str
    label: str
    stage: str  # the dossier section its papers are filed under
    expected: Literal["always", "official"] = "always"
    items: tuple[ChecklistItem, ...]


class QuorumRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    numerator: int
    denominator: int
    of: Literal["members_called", "vote_base"] = "members_called"

    def required(self, base: int) -> int:
        """Members of the vote base who must be present: ⌈base × numerator / denominator⌉."""
        return math.ceil(base * self.numerator / self.denominator) if base else 0

    @property
    def text(self) -> str:
        return f"{self.numerator}/{self.denominator}"


class RecipientsRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    label: str
    item_prefix: str
    archive_line: str


class Marks(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    confidentiality: dict[str, str]
    urgency: dict[str, str]


class OversightRule(BaseModel):
    """What committees check their cells against: the default meeting day, thematic meetings, the
    unexcused-absence alert (Quy định 24-QĐ/TW 8.1) and the probation and recognition periods."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    schedule_day: int = Field(7, ge=1, le=31)
    schedule_grace_days: int = Field(2, ge=0, le=27)
    thematic_per_quarter: int = Field(1, ge=0, le=3)
    unexcused_alert_months: int = Field(3, ge=1, le=12)
    probation_months: int = Field(12, ge=1, le=36)
    recognition_working_days: int = Field(30, ge=1, le=365)
    attendance_target_percent: float = Field(90, ge=0, le=100)


class RuleProfile(BaseModel):
    """The rules in force over a period; see ``profiles/*.json``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    name: str
    effective_from: dt.date
    sources: tuple[str, ...]
    header_title: str
    issuer_mark: str
    number: NumberRule
    short_date: str = "%d/%m/%Y"  # strftime pattern of dates written short in a document's body
    date_line: DateLineRule
    font_family: str
    fonts: dict[str, Font]
    margins_mm: dict[str, float]
    page_numbers: dict[str, Any]
    signature: dict[str, str | None]
    recipients: RecipientsRule
    marks: Marks
    collegial_bodies: dict[str, str]
    signing_bodies: dict[str, tuple[str, ...]]  # the collegial bodies that sign "T/M" for each kind
    minutes_signatures: dict[str, str]
    archive_bodies: dict[str, str]
    quorum: QuorumRule
    vote: dict[str, str]
    personnel_votes: dict[str, ShareRule] = {}  # admission, recognition: shares of the vote base, at least
    admission_age: AdmissionAge = AdmissionAge()
    issuer_abbreviations: dict[str, str]
    doc_types: dict[str, DocType]
    retention: dict[str, int | None]  # years from the record's date; None: kept for ever
    oversight: OversightRule = OversightRule()
    dossier_checklist: tuple[ChecklistStage, ...] = ()
    unconfirmed: dict[str, str]

    def checklist_item(self, key: str) -> ChecklistItem | None:
        return next((item for stage in self.dossier_checklist for item in stage.items if item.key == key), None)

    def format_number(self, sequence: int, doc_type: str, issuer: str) -> str:
        """``05-NQ/CB``: the sequence padded to the minimum digits, type and issuer abbreviations."""
        seq = str(sequence).zfill(self.number.min_digits)
        abbreviation = self.doc_types[doc_type].abbreviation
        return self.number.pattern.format(seq=seq, doc_type=abbreviation, issuer=issuer)

    def number_line(self, number: str) -> str:
        """``Số 05-NQ/CB`` (no colon after "Số")."""
        return f"{self.number.prefix} {number}"

    def date_text(self, day: dt.date) -> str:
        """``ngày 07 tháng 9 năm 2022`` with leading zeros as this profile sets them."""
        rule = self.date_line
        dd = f"{day.day:02d}" if day.day < rule.pad_day_below else str(day.day)
        mm = f"{day.month:02d}" if day.month in rule.padded_months else str(day.month)
        return f"ngày {dd} tháng {mm} năm {day.year}"

    def month_text(self, day: dt.date) -> str:
        """``tháng 02 năm 2026`` (months padded as this profile sets them)."""
        mm = f"{day.month:02d}" if day.month in self.date_line.padded_months else str(day.month)
        return f"tháng {mm} năm {day.year}"

    def place_date_line(self, place: str, day: dt.date) -> str:
        """``Xương Giang, ngày 07 tháng 9 năm 2022``."""
        return f"{place}, {self.date_text(day)}"

    @property
    def collegial_names(self) -> frozenset[str]:
        """Every collegial body's name as printed after T/M (never after K/T: a body signs as one)."""
        return frozenset(self.collegial_bodies.values()).union(*self.signing_bodies.values())

    def authority_line(self, org_kind: str) -> str:
        """``T/M CHI BỘ``: the collegial notation and the body signing for an organisation kind."""
        return f"{self.signature['collegial']} {self.collegial_bodies[org_kind]}"

    def archive_text(self, org_kind: str) -> str:
        """``Lưu Chi bộ``: the last line of "Nơi nhận"."""
        return self.recipients.archive_line.format(body=self.archive_bodies[org_kind])

    def confidentiality_mark(self, level: str) -> str:
        """``MẬT`` for a secret document, ``""`` for an ordinary one."""
        return self.marks.confidentiality.get(level, "")

    def passes(self, votes_for: int, base: int) -> bool:
        """Điều lệ Điều 10.5: more than half of the vote base votes for."""
        return base > 0 and 2 * votes_for > base

    def votes_needed(self, base: int, rule: str | None = None) -> int:
        """Votes for that carry a decision of kind ``rule`` (``personnel_votes``: at least the share), or any
        resolution: more than half of the vote base."""
        share = self.personnel_votes.get(rule or "")
        return share.needed(base) if share else base // 2 + 1


def _deep_merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in changes.items():
        merged[key] = _deep_merge(base[key], value) if isinstance(value, dict) and isinstance(
            base.get(key), dict) else value
    return merged


def _raw(key: str) -> dict[str, Any]:
    data = json.loads((PROFILES_DIR / f"{key}.json").read_text(encoding="utf-8"))
    if "extends" not in data:
        return data
    parent = _raw(data.pop("extends"))
    added_types = data.pop("doc_types_added", {})
    added_unconfirmed = data.pop("unconfirmed_added", {})
    merged = {**parent, **data}
    merged["doc_types"] = {**parent["doc_types"], **added_types}
    merged["unconfirmed"] = {**parent["unconfirmed"], **added_unconfirmed}
    return merged


class RuleError(ValueError):
    """A profile or an overrides file that does not make a valid profile."""


class RuleBook:
    """Every profile, oldest first, with a deployment's overrides applied."""

    def __init__(self, profiles: tuple[RuleProfile, ...]) -> None:
        self.profiles = tuple(sorted(profiles, key=lambda p: p.effective_from))

    @classmethod
    def load(cls, overrides: Path | None = None) -> RuleBook:
        changes: dict[str, Any] = {}
        if overrides is not None:
            try:
                changes = json.loads(overrides.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise RuleError(f"cannot read rule overrides {overrides}: {exc}") from exc
        profiles = []
        for path in PROFILES_DIR.glob("*.json"):
            data = _deep_merge(_raw(path.stem), changes.get("*", {}))
            data = _deep_merge(data, changes.get(path.stem, {}))
            try:
                profiles.append(RuleProfile.model_validate(data))
            except ValidationError as exc:
                raise RuleError(f"profile {path.stem} with overrides is invalid: {exc}") from exc
        return cls(tuple(profiles))

    def for_date(self, day: dt.date) -> RuleProfile:
        """The profile in force on ``day`` (the oldest one for days before every profile)."""
        in_force = [p for p in self.profiles if p.effective_from <= day]
        return in_force[-1] if in_force else self.profiles[0]

    def current(self) -> RuleProfile:
        return self.for_date(dt.date.today())

    def get(self, key: str) -> RuleProfile | None:
        return next((p for p in self.profiles if p.key == key), None)


@cache
def default_rules() -> RuleBook:
    """The profiles as shipped, without overrides (for the template builder and defaults)."""
    return RuleBook.load()


def profile_for(day: dt.date) -> RuleProfile:
    """The shipped profile in force on ``day``."""
    return default_rules().for_date(day)


def current_profile() -> RuleProfile:
    return default_rules().current()
