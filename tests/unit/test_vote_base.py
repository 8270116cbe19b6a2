"""The vote base, quorum and vote: the worked example, a table of real cases, and properties."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docservice.db.models import MemberStatus, Temporary
from docservice.meetings.arithmetic import (
    Attendance,
    Attendee,
    Votes,
    attendance_summary,
    exclusion,
    official_presence,
    quorum,
    vote_base,
    vote_result,
)
from docservice.rules import default_rules
from docservice.text import percent

PROFILE = default_rules().for_date(dt.date(2026, 2, 5))
P, X, U = Attendance.present, Attendance.absent_excused, Attendance.absent_unexcused
OFFICIAL, PROBATIONARY = MemberStatus.chinh_thuc, MemberStatus.du_bi


def member(i, attendance=P, status=OFFICIAL, exempted=False, temporary=None, suspended=False):
    return Attendee(i, f"Đảng viên {i}", status, exempted, temporary, suspended, attendance)


def worked_example():
    people = [member(1, P, exempted=True), member(2, U, exempted=True), member(3, U, temporary=Temporary.di)]
    people += [member(10 + i, P) for i in range(19)] + [member(40, X), member(41, X), member(42, U)]
    people += [member(50 + i, P, status=PROBATIONARY) for i in range(3)]
    people += [member(60 + i, P, temporary=Temporary.den) for i in range(2)]
    return people


def test_the_worked_example_of_the_contract_comes_out_exactly():
    people = worked_example()
    assert vote_base(people) == {"base": 21, "present": 20}
    # The quorum counts the two excused members too (issue 18): 23 called, 20 present, 16 needed.
    assert quorum(people, PROFILE) == {"base": 23, "present": 20, "required": 16, "met": True, "threshold": "2/3",
                                       "of": "members_called", "unconfirmed": True}
    as_before = PROFILE.model_copy(update={"quorum": PROFILE.quorum.model_copy(update={"of": "vote_base"})})
    assert quorum(people, as_before)["base"] == 21 and quorum(people, as_before)["required"] == 14
    assert vote_result(21, Votes(11, 10, 0), PROFILE)["passed"] is True
    assert vote_result(21, Votes(10, 11, 0), PROFILE)["passed"] is False
    assert vote_result(21, Votes(11, 0, 0), PROFILE)["needed"] == 11
    summary = attendance_summary(people)
    assert (summary["members"], summary["official"], summary["probationary"], summary["attached"]) == (28, 25, 3, 2)
    assert (summary["exempted"], summary["away"]) == (2, 1)


CASES = [
    # (what, attendees, base, present in base)
    ("exempted member who attends is counted", [member(1), member(2), member(3, exempted=True)], 3, 3),
    ("exempted member absent with reason is left out", [member(1), member(2), member(3, X, exempted=True)], 2, 2),
    ("exempted member absent without reason is left out", [member(1), member(2, U, exempted=True)], 1, 1),
    ("probationary members never count", [member(1), member(2, status=PROBATIONARY)], 1, 1),
    ("attached (den) members are another cell's", [member(1), member(2, temporary=Temporary.den)], 1, 1),
    ("members away (di) are left out even when present", [member(1), member(2, P, temporary=Temporary.di)], 1, 1),
    ("suspended members are left out even when present", [member(1), member(2, P, suspended=True)], 1, 1),
    ("approved absence is left out", [member(1), member(2, X)], 1, 1),
    ("unexcused absence stays in the base", [member(1), member(2, U)], 2, 1),
    ("one member in several excluded states counts once",
     [member(1), member(2, X, exempted=True, temporary=Temporary.di, suspended=True)], 1, 1),
    ("nobody to count", [member(1, X), member(2, status=PROBATIONARY)], 0, 0),
]


@pytest.mark.parametrize(("what", "people", "base", "present"), CASES, ids=[c[0] for c in CASES])
def test_real_cases(what, people, base, present):
    assert (vote_base(people)["base"], vote_base(people)["present"]) == (base, present), what


def test_excused_absences_do_not_make_a_meeting_easier_to_hold():
    # 9 official members, 3 excused: the vote base is 6 but the quorum still asks for 6 of 9 present.
    people = [member(i, P) for i in range(5)] + [member(5, U)] + [member(6 + i, X) for i in range(3)]
    assert vote_base(people) == {"base": 6, "present": 5}
    figures = quorum(people, PROFILE)
    assert (figures["base"], figures["present"], figures["required"], figures["met"]) == (9, 5, 6, False)
    # those away, suspended or exempted-and-absent are not called, excused or not
    others = [member(20, X, temporary=Temporary.di), member(21, X, suspended=True), member(22, X, exempted=True)]
    assert quorum(people + others, PROFILE)["base"] == 9


def test_fewer_than_half_of_the_official_members_is_counted_for_the_warning():
    people = [member(i, P) for i in range(4)] + [member(10 + i, X) for i in range(5)]
    people += [member(30, P, status=PROBATIONARY), member(31, P, temporary=Temporary.den)]
    assert official_presence(people) == (4, 9)


def test_quorum_is_two_thirds_of_the_base_rounded_up():
    people = [member(i, P if i < 6 else U) for i in range(9)]
    assert quorum(people, PROFILE) == {"base": 9, "present": 6, "required": 6, "met": True, "threshold": "2/3",
                                       "of": "members_called", "unconfirmed": True}
    people[5] = member(5, U)
    assert quorum(people, PROFILE)["met"] is False
    assert quorum([member(1, X)], PROFILE)["met"] is False


def test_exclusions_are_explained_in_vietnamese():
    assert exclusion(member(1, P, temporary=Temporary.di)) == "sinh hoạt tạm thời nơi khác"
    assert "vắng mặt" in exclusion(member(1, U, exempted=True))
    assert exclusion(member(1, U)) is None


def test_percentages_use_a_decimal_comma():
    assert percent(25, 28) == "89,3%" and percent(19, 21) == "90,5%" and percent(20, 20) == "100%"
    assert percent(185, 180, decimals=2) == "102,78%" and percent(1, 0) == "0%"


# An independent statement of the rule (Quy định 24-QĐ/TW 9.3.2), written with sets.
def oracle(people):
    official = {a.member_id for a in people if a.status is OFFICIAL and a.temporary is not Temporary.den}
    away = {a.member_id for a in people if a.temporary is Temporary.di}
    exempted_absent = {a.member_id for a in people if a.exempted and a.attendance is not P}
    suspended = {a.member_id for a in people if a.suspended}
    excused = {a.member_id for a in people if a.attendance is X}
    base = official - away - exempted_absent - suspended - excused
    present = {a.member_id for a in people if a.attendance is P} & base
    return len(base), len(present)


attendees = st.builds(
    lambda i, att, status, exempted, temporary, suspended: Attendee(i, "x", status, exempted, temporary,
                                                                    suspended, att),
    st.integers(), st.sampled_from(list(Attendance)),
    st.sampled_from([OFFICIAL, OFFICIAL, OFFICIAL, PROBATIONARY]), st.booleans(),
    st.sampled_from([None, None, None, Temporary.den, Temporary.di]), st.booleans(),
)


@given(st.lists(attendees, max_size=60, unique_by=lambda a: a.member_id))
def test_vote_base_matches_the_rule_as_stated(people):
    base, present = oracle(people)
    assert vote_base(people) == {"base": base, "present": present}
    called = base + len({a.member_id for a in people if a.attendance is X and a.status is OFFICIAL and not (
        a.temporary in (Temporary.den, Temporary.di) or a.suspended or a.exempted)})
    figures = quorum(people, PROFILE)
    assert (figures["base"], figures["present"]) == (called, present)
    assert figures["required"] == -(-2 * called // 3)
    assert figures["met"] == (called > 0 and 3 * present >= 2 * called)


@given(st.integers(0, 500).flatmap(lambda base: st.tuples(st.just(base), st.integers(0, base))))
def test_a_resolution_passes_exactly_when_more_than_half_of_the_base_votes_for(case):
    base, votes_for = case  # votes cast never exceed the base (the service refuses that)
    assert vote_result(base, Votes(votes_for, 0, 0), PROFILE)["passed"] == (votes_for * 2 > base)
