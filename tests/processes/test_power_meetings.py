"""The collective decision block: quorum (with the reschedule path), each member's stance, the
chief last with reasons, the tally against 应到会, 缓议 to a later meeting, minutes with dissent
verbatim and every attendee's signature."""

from __future__ import annotations

import pytest

from engine import exceptions as exc
from engine import services
from engine.models import WorkItem
from tests.processes.conftest import MEMBERS, assert_closed

pytestmark = pytest.mark.django_db

# CJ-02 (林权争议处理): acceptance → investigation → mediation (fails) → review → 集体研究 → decision → service
POWER = "power_cj_02"
MEDIATION_FAILS = {"mediation": {"mediation_result": "failed"}}
FULL = {"attendees": list(MEMBERS)}


def stance_of(stances: dict[str, tuple[str, str]]):
    """member_stance answers per member: {member: (stance, reason)}, agree for the others."""

    def answer(driver, item):
        stance, reason = stances.get(item.member, ("agree", ""))
        return {"stance": stance, "reason": reason}

    return answer


def test_a_meeting_without_quorum_is_rescheduled_and_held_again(drive):
    driver = drive(POWER, **MEDIATION_FAILS, meeting_attendance=[
        {"attendees": ["chief", "alice"], "absentees": [{"member": "bob", "reason": "出差"},
                                                          {"member": "carol", "reason": "病假"}]},
        FULL,
    ])  # fmt: skip
    driver.run_until("reschedule_meeting")
    assert not WorkItem.objects.filter(case=driver.case, bpmn_id="member_stance").exists()
    driver.run()
    assert driver.completed_ids().count("meeting_attendance") == 2
    assert driver.completed_ids().index("reschedule_meeting") < driver.completed_ids().index("member_stance")
    data = assert_closed(driver.case, approved=True)
    assert data["quorum_met"] is True and data["meeting_round"] == 2
    assert [r["round"] for r in data["meeting_records"]] == [2]  # the meeting that was not held has no minutes


@pytest.mark.parametrize(("major", "present", "held"), [
    (False, ["chief", "alice", "bob"], True),           # 3 of 5 > 1/2
    (True, ["chief", "alice", "bob"], False),           # 3 of 5 < 2/3
    (True, ["chief", "alice", "bob", "carol"], True),   # 4 of 5 >= 2/3
])  # fmt: skip
def test_the_quorum_depends_on_the_matter(drive, major, present, held):
    expected = [*MEMBERS, "dave"]  # dave has no account here: he is only 应到会
    driver = drive(POWER, start={"expected_members": expected}, **MEDIATION_FAILS,
                   meeting_attendance=[{"attendees": present, "major_matter": major}, {**FULL, "major_matter": major}])
    driver.run_until("member_stance" if held else "reschedule_meeting")
    driver.run()
    assert ("reschedule_meeting" in driver.completed_ids()) is (not held)
    # the tally counts against 应到会 (5): three agreeing votes pass, whoever attended
    assert_closed(driver.case, approved=True)


def test_the_quorum_fraction_comes_from_the_case_data(drive):
    driver = drive(POWER, start={"quorum_fraction": {"numerator": 3, "denominator": 4, "comparison": "gte"}},
                   **MEDIATION_FAILS, meeting_attendance=[{"attendees": ["chief", "alice"]}, FULL])
    driver.run()
    assert "reschedule_meeting" in driver.completed_ids()  # 2 of 4 < 3/4
    assert_closed(driver.case, approved=True)


def test_a_majority_deferring_sends_the_matter_to_a_later_meeting(drive):
    defer = stance_of({"alice": ("defer", "关键事实不清，建议补充调查"), "bob": ("defer", "需听取村委会意见"),
                       "carol": ("defer", "待林业站复核")})
    driver = drive(POWER, **MEDIATION_FAILS, member_stance=[defer, defer, defer, stance_of({})],
                   chief_stance=[{"chief_stance": "defer", "chief_reason": "同意缓议，补充调查后再议"}, {}])
    driver.run_until("prepare_next_meeting")
    assert driver.count("sign_minutes") == len(MEMBERS)  # the deferred meeting has minutes, signed
    driver.run()
    assert driver.completed_ids().count("meeting_attendance") == 2
    data = assert_closed(driver.case, approved=True)
    assert [r["outcome"] for r in data["meeting_records"]] == ["deferred", "passed"]
    assert data["collective_passed"] is True


def test_the_chief_deferring_alone_also_defers(drive):
    driver = drive(POWER, **MEDIATION_FAILS,
                   chief_stance=[{"chief_stance": "defer", "chief_reason": "待林业站复核四至"}, {}])
    driver.run()
    data = assert_closed(driver.case, approved=True)
    assert [r["outcome"] for r in data["meeting_records"]] == ["deferred", "passed"]


def test_dissent_is_recorded_verbatim_in_the_minutes(drive):
    reason = "争议林地有1982年林权证为据，调查未予采信，不同意"
    driver = drive(POWER, **MEDIATION_FAILS, member_stance=stance_of({"bob": ("disagree", reason)}))
    driver.run()
    data = assert_closed(driver.case, approved=True)  # 3 of 应到会 4 agree
    assert data["vote_counts"] == {"agree": 3, "disagree": 1, "defer": 0, "abstain": 0}
    assert data["dissents"] == [{"member": "bob", "stance": "disagree", "reason": reason}]
    minutes = data["meeting_records"][-1]["minutes"]
    assert {"member": "bob", "opinion": reason} in minutes["dissent"]
    assert {"member": "bob", "stance": "disagree", "opinion": reason} in minutes["member_opinions"]
    for field in ("meeting_time", "place", "host", "present", "absent", "nonvoting", "recorder", "topic", "matters",
                  "member_opinions", "dissent", "result", "decision"):
        assert field in minutes
    assert sorted(s["member"] for s in data["signatures"]) == sorted(MEMBERS)  # attendees and the host


def test_minutes_that_leave_out_a_dissent_go_back_to_the_recorder(drive):
    reason = "补偿标准偏低，不同意"

    def minutes_without_dissent(driver, item):
        from tests.processes.conftest import POWER_FORM_DATA

        minutes = POWER_FORM_DATA["meeting_minutes"](driver, item)["minutes"]
        return {"minutes": {**minutes, "dissent": []}}

    driver = drive(POWER, **MEDIATION_FAILS, member_stance=stance_of({"carol": ("disagree", reason)}),
                   record_minutes=[minutes_without_dissent, {}])
    driver.run()
    assert driver.completed_ids().count("record_minutes") == 2
    data = assert_closed(driver.case, approved=True)
    assert data["minutes"]["dissent"] == [{"member": "carol", "opinion": reason}]


def test_the_chief_differing_from_the_majority_must_give_reasons(drive):
    no = stance_of({m: ("disagree", f"{m}：证据不足") for m in ("alice", "bob", "carol")})
    driver = drive(POWER, **MEDIATION_FAILS, member_stance=no,
                   chief_stance=[{"chief_stance": "agree", "chief_reason": ""},
                                 {"chief_stance": "agree", "chief_reason": "调解笔录已证明双方认可四至"}])
    driver.run()
    assert driver.completed_ids().count("chief_stance") == 2
    data = assert_closed(driver.case, approved=False)  # one agreeing vote of four does not pass
    assert data["majority_stance"] == "disagree" and data["chief_reason_required"] is True
    assert data["vote_counts"]["agree"] == 1 and data["collective_passed"] is False


def test_a_stance_other_than_agree_needs_a_reason(drive):
    driver = drive(POWER, **MEDIATION_FAILS)
    item = driver.run_until("member_stance")
    with pytest.raises(exc.InvalidTaskData):
        services.complete_task(driver.case.pk, task_id=item.task_id, actor=driver.staff[item.member],
                               data={"stance": "disagree"}, now=driver.tick())
    driver.run()
    assert_closed(driver.case, approved=True)


def test_only_the_present_members_state_stances_and_the_host_speaks_last(drive):
    driver = drive(POWER, **MEDIATION_FAILS, meeting_attendance={
        "attendees": list(MEMBERS), "recused": [{"member": "carol", "reason": "系当事人近亲属"}]})
    driver.run_until("member_stance")
    assert sorted(WorkItem.objects.filter(case=driver.case, bpmn_id="member_stance").values_list("member", flat=True)) \
        == ["alice", "bob"]  # the host (chief) speaks in his own task, the recused member not at all
    driver.run()
    data = assert_closed(driver.case, approved=True)
    assert data["present_members"] == ["alice", "bob"] and data["recused_members"] == ["carol"]
    assert data["vote_counts"]["agree"] == 3  # alice, bob and the chief: more than half of 应到会 (4)


def test_the_expected_members_can_be_recorded_at_the_meeting(drive):
    driver = drive(POWER, start={"expected_members": None}, **MEDIATION_FAILS,
                   meeting_attendance={"expected_members": list(MEMBERS)})
    driver.run()
    data = assert_closed(driver.case, approved=True)
    assert data["expected_count"] == len(MEMBERS)
