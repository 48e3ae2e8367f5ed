"""The collective decision block: quorum (with the reschedule path), each member's stance, the
chief last with reasons, the tally against 应到会, 缓议 to a later meeting, minutes with dissent
verbatim and every attendee's signature."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import exceptions as exc
from engine import rule_errors, services
from engine.models import AuditEvent, WorkItem
from tests.conftest import grant
from tests.processes.conftest import LANE_USERS, MEMBERS, assert_closed

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


def refused(driver, item, data: dict, error: type, user=None):
    """Completing `item` with `data` is refused with `error`, and nothing is written."""
    case = driver.refresh()
    events, sequence, items = AuditEvent.objects.count(), case.last_sequence, WorkItem.objects.count()
    user = user or (driver.staff[item.member] if item.member else driver.staff[LANE_USERS[item.lane]])
    with pytest.raises(error) as caught:
        services.complete_task(case.pk, task_id=item.task_id, actor=user, data=data, now=driver.tick())
    assert (AuditEvent.objects.count(), driver.refresh().last_sequence, WorkItem.objects.count()) == (
        events, sequence, items)
    return caught.value


def attendance(driver, item, **changes) -> dict:
    from tests.processes.conftest import POWER_FORM_DATA

    return {**POWER_FORM_DATA["meeting_attendance"](driver, item), **changes}


@pytest.mark.parametrize(("matter", "present", "held"), [
    ("ordinary", ["chief", "alice", "bob"], True),        # 3 of 5 > 1/2
    ("major", ["chief", "alice", "bob"], False),          # 3 of 5 < 2/3
    ("appointment", ["chief", "alice", "bob"], False),    # 干部任免: 2/3 as well
    ("major", ["chief", "alice", "bob", "carol"], True),  # 4 of 5 >= 2/3
])  # fmt: skip
def test_the_quorum_depends_on_the_matter_type(drive, make_user, township, matter, present, held):
    grant(make_user("dave"), "committee_member", township)  # 应到会 is the 班子: now five
    everyone = [*MEMBERS, "dave"]
    driver = drive(POWER, **MEDIATION_FAILS, meeting_attendance=[
        {"attendees": present, "matter_type": matter,
         "absentees": [{"member": m, "reason": "出差"} for m in everyone if m not in present]},
        {"attendees": list(MEMBERS), "matter_type": matter, "absentees": [{"member": "dave", "reason": "病假"}]},
    ])  # fmt: skip
    driver.run_until("member_stance" if held else "reschedule_meeting")
    driver.run()
    assert ("reschedule_meeting" in driver.completed_ids()) is (not held)
    assert driver.computed("meeting_attendance")["expected_members"] == sorted(everyone)
    # the tally counts against 应到会 (5): three agreeing votes pass, whoever attended
    assert_closed(driver.case, approved=True)


def test_the_quorum_fraction_comes_from_the_township_settings(drive):
    from processes.models import TownshipSetting

    TownshipSetting.objects.create(key="meeting.quorum_hold", label="会议举行的法定人数",
                                   value={"numerator": 3, "denominator": 4, "comparison": "gte", "base": "expected"})
    half = {"attendees": ["chief", "alice"], "absentees": [{"member": "bob", "reason": "出差"},
                                                          {"member": "carol", "reason": "病假"}]}  # fmt: skip
    driver = drive(POWER, **MEDIATION_FAILS, meeting_attendance=[half, FULL])
    driver.run()
    assert "reschedule_meeting" in driver.completed_ids()  # 2 of 4 < 3/4
    assert driver.computed("meeting_attendance")["quorum_fraction"]["numerator"] == 3
    assert_closed(driver.case, approved=True)


def test_the_roster_is_the_board_on_the_meeting_day(drive, make_user, township, t0):
    left = grant(make_user("erin"), "committee_member", township)
    left.ended_on = (t0 - timedelta(days=30)).date()  # transferred out a month ago
    left.save()
    driver = drive(POWER, **MEDIATION_FAILS)
    item = driver.run_until("meeting_attendance")
    error = refused(driver, item, attendance(driver, item, attendees=[*MEMBERS, "erin"]), rule_errors.NotAMember)
    assert error.details["members"] == ["erin"]
    driver.run()
    assert driver.computed("meeting_attendance")["expected_members"] == sorted(MEMBERS)


def test_the_recorder_cannot_shrink_the_roster_or_list_a_stranger(drive):
    driver = drive(POWER, **MEDIATION_FAILS)
    item = driver.run_until("meeting_attendance")
    # two names only: the other members are neither present nor absent
    error = refused(driver, item, attendance(driver, item, attendees=["chief", "alice"]), rule_errors.RosterIncomplete)
    assert error.details["members"] == ["bob", "carol"]
    # a non-member as attendee: he would get a stance task nobody may complete
    error = refused(driver, item, attendance(driver, item, attendees=[*MEMBERS, "handler"]), rule_errors.NotAMember)
    assert error.code == "not_a_member" and error.details["members"] == ["handler"]
    # the roster itself is computed
    refused(driver, item, attendance(driver, item, expected_members=["chief", "alice"]), rule_errors.ComputedField)
    refused(driver, item, attendance(driver, item, pass_fraction={"numerator": 1, "denominator": 5,
                                                                  "comparison": "gt"}), rule_errors.ComputedField)
    # an absence needs a reason that is more than spaces
    refused(driver, item, attendance(driver, item, attendees=["chief", "alice", "bob"],
                                     absentees=[{"member": "carol", "reason": "  "}]), exc.InvalidTaskData)
    driver.run()
    assert_closed(driver.case, approved=True)


def test_with_the_chief_absent_the_designated_deputy_presides_and_speaks_last(drive, make_user, township):
    grant(driver_deputy := make_user("dora"), "deputy", township)
    grant(driver_deputy, "committee_member", township)
    members = ["alice", "bob", "carol", "dora"]
    absent_chief = {"attendees": members, "absentees": [{"member": "chief", "reason": "赴县开会"}]}
    driver = drive(POWER, **MEDIATION_FAILS)
    driver.staff["dora"] = driver_deputy
    item = driver.run_until("meeting_attendance")
    # without a designation the meeting has no presider
    refused(driver, item, attendance(driver, item, **absent_chief), rule_errors.PresiderNotDesignated)
    # a member who is not a deputy cannot be designated
    refused(driver, item, attendance(driver, item, **absent_chief, designated_presider="alice",
                                     presider_designation="书记口头委托"), rule_errors.PresiderNotDesignated)
    driver.complete(item, attendance(driver, item, **absent_chief, designated_presider="dora",
                                     presider_designation="书记委托，委托书 WT-001"))
    recorded = driver.computed("meeting_attendance")
    assert recorded["host"] == "dora" and recorded["presider_designated_by"] == "chief"
    stances = sorted(WorkItem.objects.filter(case=driver.case, bpmn_id="member_stance").values_list("member", flat=True))
    assert stances == ["alice", "bob", "carol"]
    for stance in list(WorkItem.objects.filter(case=driver.case, bpmn_id="member_stance")):
        driver.complete(stance)
    final = driver.run_until("chief_stance")
    # the absent chief may not give the final stance; the presiding deputy does
    error = refused(driver, final, {"chief_stance": "agree", "chief_reason": ""}, rule_errors.NotThePresider,
                    user=driver.staff["chief"])
    assert error.details["presider"] == "dora"
    driver.case = services.complete_task(driver.case.pk, task_id=final.task_id, actor=driver_deputy,
                                         data={"chief_stance": "agree", "chief_reason": ""}, now=driver.tick())
    driver.submitted.append(("chief_stance", "", {"chief_stance": "agree", "chief_reason": ""}))
    driver.run()
    data = assert_closed(driver.case, approved=True)
    assert data["host"] == "dora" and data["vote_counts"]["agree"] == 4


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


def test_minutes_that_leave_out_a_dissent_or_the_presiders_reasons_are_refused(drive):
    from tests.processes.conftest import POWER_FORM_DATA

    reason = "补偿标准偏低，不同意"
    chief_reason = "调解笔录已证明双方认可四至，应予支持"
    no = stance_of({m: ("disagree", f"{m}：{reason}") for m in ("alice", "bob", "carol")})
    driver = drive(POWER, **MEDIATION_FAILS, member_stance=no,
                   chief_stance={"chief_stance": "agree", "chief_reason": chief_reason})
    item = driver.run_until("record_minutes")
    full = POWER_FORM_DATA["meeting_minutes"](driver, item)["minutes"]
    error = refused(driver, item, {"minutes": {**full, "dissent": full["dissent"][1:]}}, rule_errors.MinutesIncomplete)
    assert error.code == "minutes_incomplete" and any("不同意见" in p for p in error.details["problems"])
    no_reason = [{**o, "opinion": "同意"} if o["member"] == "chief" else o for o in full["member_opinions"]]
    error = refused(driver, item, {"minutes": {**full, "member_opinions": no_reason}}, rule_errors.MinutesIncomplete)
    assert any("主持人的理由" in p for p in error.details["problems"])
    no_stance = [o for o in full["member_opinions"] if o["member"] != "bob"]
    refused(driver, item, {"minutes": {**full, "member_opinions": no_stance}}, rule_errors.MinutesIncomplete)
    driver.run()
    data = assert_closed(driver.case, approved=False)
    assert driver.completed_ids().count("record_minutes") == 1
    assert {"member": "chief", "stance": "agree", "opinion": chief_reason} in data["minutes"]["member_opinions"]


def test_the_chief_differing_from_the_majority_without_reasons_is_refused(drive):
    no = stance_of({m: ("disagree", f"{m}：证据不足") for m in ("alice", "bob", "carol")})
    driver = drive(POWER, **MEDIATION_FAILS, member_stance=no,
                   chief_stance={"chief_stance": "agree", "chief_reason": "调解笔录已证明双方认可四至"})
    item = driver.run_until("chief_stance")
    for blank in ("", "   \n\t"):
        error = refused(driver, item, {"chief_stance": "agree", "chief_reason": blank}, rule_errors.PresiderReasonRequired)
        assert error.code == "presider_reason_required" and error.details["majority"] == "disagree"
    driver.run()
    assert driver.completed_ids().count("chief_stance") == 1
    data = assert_closed(driver.case, approved=False)  # one agreeing vote of four does not pass
    assert data["majority_stance"] == "disagree" and data["chief_reason_required"] is False
    assert data["vote_counts"]["agree"] == 1 and data["collective_passed"] is False


def test_five_of_five_disagreeing_never_passes(drive, make_user, township):
    grant(dave := make_user("dave"), "committee_member", township)
    no = stance_of({m: ("disagree", "不同意") for m in ("alice", "bob", "carol", "dave")})
    driver = drive(POWER, **MEDIATION_FAILS, member_stance=no,
                   meeting_attendance={"attendees": [*MEMBERS, "dave"]},
                   chief_stance={"chief_stance": "disagree", "chief_reason": "不同意"})
    driver.staff["dave"] = dave
    driver.run()
    data = assert_closed(driver.case, approved=False)
    assert data["vote_counts"]["disagree"] == 5 and data["pass_fraction"]["numerator"] == 1


def test_a_stance_other_than_agree_needs_a_reason(drive):
    driver = drive(POWER, **MEDIATION_FAILS)
    item = driver.run_until("member_stance")
    with pytest.raises(exc.InvalidTaskData):
        services.complete_task(driver.case.pk, task_id=item.task_id, actor=driver.staff[item.member],
                               data={"stance": "disagree"}, now=driver.tick())
    # a reason of only blank spaces is not a reason
    error = refused(driver, item, {"stance": "disagree", "reason": "   "}, rule_errors.StanceReasonRequired)
    assert error.code == "stance_reason_required"
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


def test_the_expected_members_cannot_be_typed_at_the_meeting(drive):
    driver = drive(POWER, **MEDIATION_FAILS)
    item = driver.run_until("meeting_attendance")
    error = refused(driver, item, attendance(driver, item, expected_members=["chief"], host="alice"),
                    rule_errors.ComputedField)
    assert set(error.fields) == {"data.expected_members", "data.host"}
    driver.run()
    data = assert_closed(driver.case, approved=True)
    assert data["expected_count"] == len(MEMBERS)
