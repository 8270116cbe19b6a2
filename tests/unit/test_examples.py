"""A template's own example is a paper a secretary could have produced: it passes the same rule checks
as real input, and the minutes' figures are those a real roll call gives."""

import datetime as dt
from pathlib import Path

import pytest

from docservice.db.models import Meeting, MeetingAttendance, MemberStatus, Organization, OrgKind, Position
from docservice.generation.catalogue import TemplateCatalogue
from docservice.generation.checks import check_rules
from docservice.generation.member_papers import check_decision_dates, derived_dates
from docservice.generation.service import validate_fields
from docservice.meetings.arithmetic import Votes, attendance_summary, quorum, vote_base, vote_result
from docservice.meetings.documents import composition, vote_lines
from docservice.meetings.service import attendees_of
from docservice.oversight.calendar import add_months
from docservice.rules import default_rules

TEMPLATES = TemplateCatalogue(Path(__file__).resolve().parents[2] / "templates_docx")


@pytest.mark.parametrize("template", TEMPLATES.all(), ids=lambda t: t.key)
def test_every_example_passes_the_rule_checks_of_real_input(template):
    """The dates a real request derives (end of probation, taking effect), the decision-date check, the rule
    checks — and no warning: an example is a paper made in time and in order."""
    example = dict(template.manifest.example)
    profile = default_rules().for_date(dt.date.fromisoformat(example["date"]))
    example.update(derived_dates(example, profile, set(template.manifest.fields)))
    fields = validate_fields(template, example, "Đảng ủy phường An Phú")
    values = fields.model_dump()
    check_decision_dates(values, template.manifest.member_event)
    assert check_rules(values, profile, template.manifest.vote_rule) == []
    if "official_from" in template.manifest.fields and values.get("admitted_on"):
        assert values["official_from"] == add_months(values["admitted_on"], profile.oversight.probation_months)


def _row(i, name, attendance="present", reason=None, status=MemberStatus.chinh_thuc):
    return MeetingAttendance(member_id=i, full_name=name, attendance=attendance, reason=reason, status=status,
                             exempted=False, temporary=None, suspended=False, position=Position.dang_vien)


def test_the_minutes_example_is_what_its_roll_call_gives():
    """28 members (25 official, 3 probationary); 24 present; 3 excused by name; Đỗ Văn Bảy without a reason;
    the resolution 20 for, 1 abstaining."""
    rows = [_row(i, f"Đảng viên {i}") for i in range(21)]
    rows += [_row(30 + i, f"Dự bị {i}", status=MemberStatus.du_bi) for i in range(3)]
    rows += [_row(40, "Lê Văn Tư", "absent_excused", "Ốm"), _row(41, "Phạm Thị Năm", "absent_excused", "Đi công tác"),
             _row(42, "Hoàng Văn Sáu", "absent_excused", "Việc gia đình"), _row(43, "Đỗ Văn Bảy", "absent_unexcused")]
    meeting = Meeting(attendance=rows, date=dt.date(2026, 2, 5), organization=Organization(kind=OrgKind.chi_bo))
    profile = default_rules().for_date(meeting.date)
    people = attendees_of(meeting)
    voting = vote_base(people)
    meeting.figures = {"attendance_summary": attendance_summary(people), "quorum": quorum(people, profile),
                       "vote_base": voting, "vote": vote_result(voting["base"], Votes(20, 0, 1), profile),
                       "other_votes": []}
    example = TEMPLATES.get("bien-ban-sinh-hoat-chi-bo").manifest.example
    assert composition(meeting) == example["composition"].split("\n")
    assert "\n".join(vote_lines(meeting)) == example["votes"]
    assert TEMPLATES.get("bien-ban-sinh-hoat-chuyen-de").manifest.example["composition"] == example["composition"]
