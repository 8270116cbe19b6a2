"""What a member dossier must hold, stage by stage (Hướng dẫn 12-HD/BTCTW II.1.1, the rule profile's
``dossier_checklist``), which of those papers it holds and which are missing, and the cover's facts
checked against the papers inside.

A paper is recognised by the archivist's explicit mark (``dossier_item``), by the template that generated
it, or by its title. Only papers the caller may see are counted: a confidential paper above the caller's
clearance is "missing" for them, never hinted at.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from docservice.db.models import Document, Member, MemberStatus
from docservice.rules import ChecklistItem, RuleProfile
from docservice.text import fold


class PaperLike(Protocol):
    title: str
    number: str | None
    date: dt.date
    template: str | None
    dossier_item: str | None


@dataclass
class Line:
    key: str
    label: str
    required: bool
    status: str  # present | missing | optional | not_yet
    papers: list[int] = field(default_factory=list)  # indexes into the dossier's parts


@dataclass
class Group:
    part: str
    label: str
    stage: str
    lines: list[Line]

    @property
    def missing(self) -> list[Line]:
        return [line for line in self.lines if line.status == "missing"]


STATUS_WORDS = {"present": "Có", "missing": "THIẾU", "optional": "Không có (chỉ khi có)",
                "not_yet": "Chưa đến giai đoạn này"}


def _matches(item: ChecklistItem, paper: PaperLike, how: str) -> bool:
    if how == "mark":
        return paper.dossier_item == item.key
    if how == "template":
        return paper.template is not None and paper.template in item.templates
    title = fold(paper.title or "").lower()
    return any(re.search(pattern, title) for pattern in item.patterns)


def match_items(papers: list[PaperLike], profile: RuleProfile) -> list[ChecklistItem | None]:
    """For each paper, the checklist item it is (an explicit mark first, then its template, then its title)."""
    items = [item for stage in profile.dossier_checklist for item in stage.items]
    found: list[ChecklistItem | None] = []
    for paper in papers:
        match = None
        for how in ("mark", "template", "title"):
            match = next((item for item in items if _matches(item, paper, how)), None)
            if match is not None:
                break
        found.append(match)
    return found


def stage_of(item: ChecklistItem, profile: RuleProfile) -> str:
    return next(stage.stage for stage in profile.dossier_checklist if item in stage.items)


def checklist(papers: list[PaperLike], member: Member, profile: RuleProfile) -> list[Group]:
    """Each stage's papers: present (with the parts that are it), missing, optional, or not due yet (a
    probationary member's recognition papers). A stage that is not yet expected but has begun — one of its
    papers is in the dossier — expects every paper listed before the last one present (the guide lists them
    in the order they are made); those after it are not due yet."""
    matched = match_items(papers, profile)
    official = member.status is MemberStatus.chinh_thuc or member.official_on is not None
    groups = []
    for stage in profile.dossier_checklist:
        found_by_item = [[i for i, m in enumerate(matched) if m is not None and m.key == item.key]
                         for item in stage.items]
        if stage.expected == "always" or official:
            due_until = len(stage.items)
        else:
            due_until = max((n + 1 for n, found in enumerate(found_by_item) if found), default=0)
        lines = []
        for n, (item, found) in enumerate(zip(stage.items, found_by_item, strict=True)):
            status = ("present" if found else "not_yet" if n >= due_until
                      else "missing" if item.required else "optional")
            lines.append(Line(item.key, item.label, item.required, status, found))
        groups.append(Group(stage.part, stage.label, stage.stage, lines))
    return groups


@dataclass(frozen=True)
class CoverFact:
    label: str
    value: str


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _shown(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "—"


def cover_facts(member: Member, organization_name: str, documents: list[Document]) -> tuple[list[CoverFact],
                                                                                                list[str]]:
    """The cover's facts from the record, a date the record lacks taken from the paper that states it, and
    every disagreement between the record and a paper in the dossier (said on the cover, never hidden)."""
    by_template: dict[str, Document] = {}
    for doc in sorted(documents, key=lambda d: d.date):
        by_template.setdefault(doc.template, doc)
    decision = by_template.get("quyet-dinh-ket-nap")
    recognition = by_template.get("quyet-dinh-cong-nhan-chinh-thuc")
    proposal = by_template.get("nghi-quyet-cong-nhan-chinh-thuc")
    disagreements = []
    decided = member.admission_decided_on
    if decision is not None and decided is not None and decision.date != decided:
        disagreements.append(f"Hồ sơ ghi ngày quyết định kết nạp {_shown(decided)}, Quyết định số {decision.number} "
                             f"ngày {_shown(decision.date)}.")
    decided = decided or (decision.date if decision is not None else None)
    ceremony = member.admitted_on
    stated = _day(proposal.fields.get("admitted_on")) if proposal is not None else None
    if stated is not None and ceremony is not None and stated != ceremony:
        disagreements.append(f"Hồ sơ ghi ngày kết nạp (lễ) {_shown(ceremony)}, Nghị quyết số {proposal.number} ghi "
                             f"{_shown(stated)}.")
    official = member.official_on
    recognised = _day(recognition.fields.get("official_from")) if recognition is not None else None
    if recognised is not None and official is not None and recognised != official:
        disagreements.append(f"Hồ sơ ghi ngày chính thức {_shown(official)}, Quyết định số {recognition.number} ghi "
                             f"{_shown(recognised)}.")
    official = official or recognised
    probationary = member.status is MemberStatus.du_bi
    if probationary and member.card_number:
        disagreements.append("Đảng viên dự bị nhưng hồ sơ có số thẻ đảng viên.")
    facts = [
        CoverFact("Họ và tên", member.full_name),
        CoverFact("Ngày sinh", _shown(member.birth_date)),
        CoverFact("Ngày vào Đảng (quyết định kết nạp)", _shown(decided)),
        CoverFact("Ngày lễ kết nạp", _shown(ceremony or stated)),
        CoverFact("Ngày chính thức", "đảng viên dự bị" if probationary else _shown(official)),
        CoverFact("Số thẻ đảng viên", "chưa cấp" if probationary or not member.card_number else member.card_number),
        CoverFact("Sinh hoạt tại", organization_name),
    ]
    return facts, disagreements
