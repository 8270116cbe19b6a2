"""Party rules a document's fields must satisfy, beyond their types (applied to every template).

Checks are keyed by field names, so any template (built-in or uploaded) that uses the same names
gets the same rules: a vote reported on a member must be consistent and must have passed; a
probationary member can only be reprimanded or warned.
"""

from __future__ import annotations

from typing import Any

from docservice.errors import RuleViolation, ValidationFailed
from docservice.meetings.arithmetic import percent
from docservice.rules import RuleProfile

PROBATIONARY_FORMS = ("khiển trách", "cảnh cáo")  # Điều lệ Đảng Điều 35


def _vote(values: dict[str, Any], profile: RuleProfile) -> None:
    total, present, votes_for = values["members_total"], values["members_present"], values["votes_for"]
    errors = {}
    if present > total:
        errors["fields.members_present"] = "Số có mặt không thể lớn hơn số đảng viên được tính để biểu quyết."
    if votes_for > present:
        errors["fields.votes_for"] = "Số tán thành không thể lớn hơn số đảng viên có mặt."
    if errors:
        raise ValidationFailed("Số liệu biểu quyết không khớp nhau.", errors=errors)
    if not profile.passes(votes_for, total):
        raise RuleViolation(
            f"Nghị quyết không được thông qua: {votes_for}/{total} đồng chí tán thành ({percent(votes_for, total)}), "
            f"cần hơn một nửa, tức ít nhất {total // 2 + 1} đồng chí.",
            errors={"fields.votes_for": f"Cần ít nhất {total // 2 + 1} đồng chí tán thành."})


def _discipline(values: dict[str, Any]) -> None:
    if values["member_status"] == "dự bị" and values["discipline"] not in PROBATIONARY_FORMS:
        raise RuleViolation(
            "Đảng viên dự bị chỉ bị kỷ luật khiển trách hoặc cảnh cáo (Điều lệ Đảng, Điều 35).",
            errors={"fields.discipline": "Chọn khiển trách hoặc cảnh cáo cho đảng viên dự bị."})


def check_rules(values: dict[str, Any], profile: RuleProfile) -> None:
    """Raise ``ValidationFailed``/``RuleViolation`` when the fields break a party rule."""
    if {"members_total", "members_present", "votes_for"} <= values.keys():
        _vote(values, profile)
    if {"member_status", "discipline"} <= values.keys():
        _discipline(values)
