"""Party rules a document's fields must satisfy, beyond their types (applied to every template).

Checks are keyed by field names, so any template (built-in or uploaded) that uses the same names
gets the same rules: a vote reported on a member must be consistent and must have carried — by the
threshold of its kind when the template names one (``vote_rule``: admission needs 2/3 of the official
members); a candidate for admission is 18 to 60 on the day the chi bộ considers them; a recognition
comes after the probation and on the date it ends; a probationary member can only be reprimanded or warned.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from docservice.errors import RuleViolation, ValidationFailed
from docservice.oversight.calendar import add_months, add_working_days
from docservice.rules import RuleProfile
from docservice.text import percent

PROBATIONARY_FORMS = ("khiển trách", "cảnh cáo")  # Điều lệ Đảng Điều 35


def _vote(values: dict[str, Any], profile: RuleProfile, rule: str | None) -> None:
    total, present, votes_for = values["members_total"], values["members_present"], values["votes_for"]
    errors = {}
    if present > total:
        errors["fields.members_present"] = "Số có mặt không thể lớn hơn số đảng viên được tính để biểu quyết."
    if votes_for > present:
        errors["fields.votes_for"] = "Số tán thành không thể lớn hơn số đảng viên có mặt."
    if errors:
        raise ValidationFailed("Số liệu biểu quyết không khớp nhau.", errors=errors)
    needed = profile.votes_needed(total, rule)
    if votes_for < needed:
        share = profile.personnel_votes.get(rule or "")
        what = (f"cần ít nhất {share.text} {share.of_whom} ({_cited(share.source)}), tức {needed} đồng chí"
                if share else f"cần hơn một nửa, tức ít nhất {needed} đồng chí")
        raise RuleViolation(
            f"Nghị quyết không được thông qua: {votes_for}/{total} đồng chí tán thành ({percent(votes_for, total)}), "
            f"{what}.", errors={"fields.votes_for": f"Cần ít nhất {needed} đồng chí tán thành."})


def _months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def _admission_age(values: dict[str, Any], profile: RuleProfile) -> list[str]:
    """From full 18 to full 60, in months, on the day the chi bộ considers the admission: younger is refused;
    older is for a committee directly under the Central Committee to decide, so the paper is made with a
    warning saying so (party-records.md §9)."""
    rule, born, considered = profile.admission_age, values["birth_date"], values["meeting_date"]
    months = _months_between(born, considered)
    years, rest = divmod(months, 12)
    if months < rule.min_years * 12:
        raise RuleViolation(
            f"Người vào Đảng phải từ đủ {rule.min_years} đến đủ {rule.max_years} tuổi (tính theo tháng) vào ngày "
            f"chi bộ xét ({_cited(rule.source)}); ngày {considered:%d/%m/%Y} quần chúng {years} tuổi {rest} "
            "tháng.", errors={"fields.birth_date": f"{years} tuổi {rest} tháng vào ngày chi bộ xét."})
    if months > rule.max_years * 12:
        return [f"Ngày {considered:%d/%m/%Y} quần chúng {years} tuổi {rest} tháng, quá {rule.max_years} tuổi "
                f"({_cited(rule.source)}): việc kết nạp do cấp ủy trực thuộc Trung ương xem xét, quyết định; "
                "chi bộ và đảng ủy cơ sở báo cáo lên."]
    return []


def _recognition(values: dict[str, Any], profile: RuleProfile) -> None:
    """Probation runs from the admission ceremony; the member is official on the day it ends; the chi bộ
    considers recognition only after that day (party-records.md §5.3)."""
    ends = add_months(values["admitted_on"], profile.oversight.probation_months)
    if values["official_from"] != ends:
        raise RuleViolation(
            f"Ngày chính thức là ngày hết {profile.oversight.probation_months} tháng dự bị kể từ ngày kết nạp "
            f"({values['admitted_on']:%d/%m/%Y}), tức {ends:%d/%m/%Y}.",
            errors={"fields.official_from": f"Phải là {ends:%d/%m/%Y}."})
    considered = values.get("meeting_date") or values["date"]
    if considered < ends:
        raise RuleViolation(
            f"Chi bộ chỉ xét công nhận đảng viên chính thức sau khi hết thời gian dự bị ({ends:%d/%m/%Y}); "
            f"ngày {considered:%d/%m/%Y} còn trong thời gian dự bị.",
            errors={"fields.meeting_date" if "meeting_date" in values else "fields.date": "Trước ngày hết dự bị."})


def _discipline(values: dict[str, Any]) -> None:
    if values["member_status"] == "dự bị" and values["discipline"] not in PROBATIONARY_FORMS:
        raise RuleViolation(
            "Đảng viên dự bị chỉ bị kỷ luật khiển trách hoặc cảnh cáo (Điều lệ Đảng, Điều 35).",
            errors={"fields.discipline": "Chọn khiển trách hoặc cảnh cáo cho đảng viên dự bị."})


def _cited(source: str) -> str:
    """The citation of a profile's source, without the paraphrase after the colon (the message says it)."""
    return source.split(":", 1)[0].strip()


def _late_vote(values: dict[str, Any], profile: RuleProfile) -> list[str]:
    """The chi bộ considers recognition within the working days the rule gives after probation ends; later
    is allowed (the member is official from that day all the same) but worth saying."""
    ends, considered = values["official_from"], values.get("meeting_date") or values["date"]
    limit = profile.oversight.recognition_working_days
    deadline = add_working_days(ends, limit)
    if considered > deadline:
        return [f"Chi bộ xét công nhận chậm: thời gian dự bị kết thúc ngày {ends:%d/%m/%Y}, hạn xét là "
                f"{limit} ngày làm việc (đến {deadline:%d/%m/%Y}), chi bộ xét ngày {considered:%d/%m/%Y}. "
                f"Đảng viên vẫn là chính thức từ ngày {ends:%d/%m/%Y}."]
    return []


def check_rules(values: dict[str, Any], profile: RuleProfile, vote_rule: str | None = None) -> list[str]:
    """Raise ``ValidationFailed``/``RuleViolation`` when the fields break a party rule (``vote_rule``: the
    kind of decision the template records, which sets the vote's threshold and the admission checks);
    return the warnings (allowed but worth saying, e.g. a recognition considered late)."""
    warnings: list[str] = []
    if {"members_total", "members_present", "votes_for"} <= values.keys():
        _vote(values, profile, vote_rule)
    if vote_rule == "admission" and {"birth_date", "meeting_date"} <= values.keys():
        warnings += _admission_age(values, profile)
    if {"admitted_on", "official_from"} <= values.keys() and values["admitted_on"] and values["official_from"]:
        _recognition(values, profile)
        if vote_rule == "recognition":  # the chi bộ's own consideration; the committee's papers follow it
            warnings += _late_vote(values, profile)
    if {"member_status", "discipline"} <= values.keys():
        _discipline(values)
    _dates_in_order(values)
    return warnings


def _dates_in_order(values: dict[str, Any]) -> None:
    """A paper is not valid only until before it was made, nor about a meeting held after it."""
    day = values.get("date")
    if not isinstance(day, dt.date):
        return
    errors = {}
    until = values.get("valid_until")
    if isinstance(until, dt.date) and until < day:
        errors["fields.valid_until"] = f"Hạn phải từ ngày của văn bản ({day:%d/%m/%Y}) trở đi."
    meeting = values.get("meeting_date")
    if isinstance(meeting, dt.date) and meeting > day:
        errors["fields.meeting_date"] = f"Cuộc họp không thể sau ngày của văn bản ({day:%d/%m/%Y})."
    if errors:
        raise ValidationFailed("Các ngày trong văn bản không theo thứ tự.", errors=errors)
