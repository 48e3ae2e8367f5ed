"""Controls: lanes, separation of duties, conflicts, 五不直接分管, 末位表态, quorum. Each refusal
has its own code and writes nothing."""

from __future__ import annotations

import pytest

from engine import exceptions as exc
from engine import services
from engine.models import Assignment, Case, ConflictDeclaration, Organization
from tests.conftest import grant
from tests.engine.conftest import member_index, task_id
from tests.engine.test_refusals import snapshot

pytestmark = pytest.mark.django_db

ACCEPT = {"materials_complete": True, "applicant": "张三"}
REVIEW = {"review_ok": True, "opinion": "符合条件"}


def refused(driver, error_class, code, who, bpmn_id, data, mi_index=None):
    before = snapshot(driver.case)
    with pytest.raises(error_class) as raised:
        services.complete_task(driver.case.pk, task_id=task_id(driver.case, bpmn_id, mi_index),
                               actor=driver.people[who], data=data, now=driver.tick())
    assert raised.value.code == code
    assert snapshot(driver.case) == before
    return raised.value


def test_a_user_without_the_lanes_position_is_refused(driver):
    refused(driver, exc.NotInLane, "not_in_lane", "outsider", "accept", ACCEPT)
    before = snapshot(driver.case)
    with pytest.raises(exc.NotInLane):
        services.claim_task(driver.case.pk, task_id=task_id(driver.case, "accept"), actor=driver.people["outsider"],
                            now=driver.tick())
    assert snapshot(driver.case) == before


def test_a_position_in_a_station_below_the_township_counts(driver, make_user, township):
    station = Organization.objects.create(code="mz", name="民政所", kind=Organization.Kind.STATION, parent=township)
    clerk2 = make_user("clerk2")
    grant(clerk2, "window_clerk", station)
    driver.people["clerk2"] = clerk2
    driver.complete("clerk2", "accept", ACCEPT)
    assert driver.case.last_sequence == 2


def test_the_applicant_never_acts_on_his_own_case(sample_definition, township, people, t0):
    case = services.start_case(process_id="sample_approval", actor=people["handler"], organization=township, now=t0,
                               data={"members": ["alice"]}, applicant_user=people["clerk"])  # fmt: skip
    from tests.engine.conftest import Driver

    refused(Driver(case, people, t0), exc.SeparationOfDuties, "separation_of_duties", "clerk", "accept", ACCEPT)


def test_the_agent_never_acts_on_a_case_he_filed(sample_definition, township, people, t0):
    case = services.start_case(process_id="sample_approval", actor=people["handler"], organization=township, now=t0,
                               data={"members": ["alice"]}, agent_user=people["clerk"])  # fmt: skip
    from tests.engine.conftest import Driver

    error = refused(Driver(case, people, t0), exc.SeparationOfDuties, "separation_of_duties", "clerk", "accept", ACCEPT)
    assert error.details["rule"] == "agent_never_acts"


def test_the_acceptor_does_not_review(driver, township):
    grant(driver.people["clerk"], "handler", township)
    driver.complete("clerk", "accept", ACCEPT)
    error = refused(driver, exc.SeparationOfDuties, "separation_of_duties", "clerk", "review", REVIEW)
    assert error.details["rule"] == "acceptor_not_reviewer"


def test_the_reviewer_does_not_approve(driver, township):
    grant(driver.people["handler"], "chief", township)
    driver.to_chief()
    error = refused(driver, exc.SeparationOfDuties, "separation_of_duties", "handler", "chief_decision",
                    {"approved": True})
    assert error.details["rule"] == "reviewer_not_approver"


def test_a_declared_conflict_recuses_the_member_and_marks_separate_filing(driver):
    driver.complete("clerk", "accept", ACCEPT)
    driver.complete("handler", "review", REVIEW)
    driver.case = services.declare_conflict(driver.case.pk, user=driver.people["alice"], relation="relative",
                                            note="申请人之子", actor=driver.people["chief"], now=driver.tick())
    assert driver.case.separate_filing is True
    assert ConflictDeclaration.objects.filter(case=driver.case).count() == 1
    refused(driver, exc.ConflictOfInterest, "conflict_of_interest", "alice", "vote",
            {"stance": "agree", "reason": ""}, member_index(driver.case, "alice"))


def test_the_chief_is_never_the_direct_handler_of_an_approval_task(driver, township):
    grant(driver.people["chief"], "window_clerk", township)
    error = refused(driver, exc.ChiefNotDirectHandler, "chief_not_direct_handler", "chief", "accept", ACCEPT)
    assert error.details["areas"] == ["行政审批"]


def test_the_chief_cannot_be_made_supervising_leader_of_the_five_areas(people, township, t0):
    before = Assignment.objects.count()
    with pytest.raises(exc.ChiefNotDirectHandler) as raised:
        services.assign_position(user=people["chief"], position_code="deputy", organization=township, areas=["财务"],
                                 actor=None, reason="分工调整", now=t0)
    assert raised.value.code == "chief_not_direct_handler"
    assert Assignment.objects.count() == before


def test_one_deputy_holding_all_five_areas_raises_a_warning(people, township, make_user, t0):
    deputy = make_user("deputy")
    grant(deputy, "committee_member", township)  # the position rows exist
    grant(people["alice"], "deputy", township)
    _, warnings = services.assign_position(user=deputy, position_code="deputy", organization=township,
                                           areas=["财务", "人事", "工程项目"], actor=None, reason="分工", now=t0)  # fmt: skip
    assert warnings == []
    other = Organization.objects.create(code="s2", name="财政所", kind=Organization.Kind.STATION, parent=township)
    _, warnings = services.assign_position(user=deputy, position_code="deputy", organization=other,
                                           areas=["行政审批", "物资采购"], actor=None, reason="分工", now=t0)  # fmt: skip
    assert len(warnings) == 1 and "五个领域" in warnings[0]


def test_the_chief_states_his_stance_last(sample_definition, township, people, t0):
    from tests.engine.conftest import Driver

    case = services.start_case(process_id="sample_approval", actor=people["clerk"], organization=township, now=t0,
                               data={"members": ["alice", "bob", "chief"]})  # fmt: skip
    driver = Driver(case, people, t0)
    driver.complete("clerk", "accept", ACCEPT)
    driver.complete("handler", "review", REVIEW)
    driver.vote("alice")
    refused(driver, exc.ChiefMustSpeakLast, "chief_must_speak_last", "chief", "vote",
            {"stance": "agree", "reason": ""}, member_index(driver.case, "chief"))
    driver.vote("bob")
    driver.vote("chief")
    assert Case.objects.get(pk=case.pk).last_sequence == 6


MEETING = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="m" targetNamespace="t">
  <bpmn:process id="meeting_check" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="记录人"><bpmn:flowNodeRef>attendance</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="attendance" name="会议签到">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="form" value="attendance"/>
        <spiffworkflow:property name="attendance" value="true"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="attendance"/>
    <bpmn:sequenceFlow id="f2" sourceRef="attendance" targetRef="e"/>
  </bpmn:process>
</bpmn:definitions>"""
ATTENDANCE_FORM = """{"type": "object", "additionalProperties": false,
 "required": ["expected_members", "present_members", "proceed"],
 "properties": {"expected_members": {"type": "array", "items": {"type": "string"}},
                "present_members": {"type": "array", "items": {"type": "string"}},
                "proceed": {"type": "boolean"}}}"""


@pytest.fixture
def meeting(db, township, people, make_user, t0):
    recorder = make_user("recorder")
    grant(recorder, "recorder", township)
    people["recorder"] = recorder
    services.register_definition(process_id="meeting_check",
                                 sources={"meeting.bpmn": MEETING, "attendance.schema.json": ATTENDANCE_FORM})
    case = services.start_case(process_id="meeting_check", actor=people["clerk"], organization=township, now=t0)
    from tests.engine.conftest import Driver

    return Driver(case, people, t0)


def test_a_meeting_without_quorum_cannot_proceed_to_a_vote(meeting):
    data = {"expected_members": ["alice", "bob", "carol", "chief"], "present_members": ["alice", "chief"],
            "proceed": True}
    error = refused(meeting, exc.QuorumNotMet, "quorum_not_met", "recorder", "attendance", data)
    assert (error.details["present"], error.details["expected"]) == (2, 4)
    meeting.complete("recorder", "attendance", {**data, "present_members": ["alice", "bob", "chief"]})
    assert Case.objects.get(pk=meeting.case.pk).status == Case.Status.COMPLETED


@pytest.mark.parametrize(("present", "rule", "ok"), [
    (6, {"numerator": 2, "denominator": 3, "comparison": "gte"}, True),   # 2/3 以上: exactly 6 of 9 holds
    (6, {"numerator": 2, "denominator": 3, "comparison": "gt"}, False),
    (5, 0.5, True), (4, 0.5, False),                                        # 过半数 of 9
])  # fmt: skip
def test_quorum_fractions_follow_the_catalogs_form(meeting, present, rule, ok):
    from engine.rules import _meets

    assert _meets(present, 9, rule) is ok


def test_a_recused_member_may_not_be_counted_as_voting(meeting):
    meeting.case = services.declare_conflict(meeting.case.pk, user=meeting.people["bob"], relation="relative",
                                             actor=meeting.people["chief"], now=meeting.tick())
    data = {"expected_members": ["alice", "bob", "carol"], "present_members": ["alice", "bob", "carol"], "proceed": True}
    refused(meeting, exc.ConflictOfInterest, "conflict_of_interest", "recorder", "attendance", data)


def test_the_speaking_order_binds_stances_only(sample_definition, township, people, t0):
    """Without the stance property (e.g. signing the minutes) the chief may act in any order."""
    from engine import services as svc
    from tests.conftest import sample_sources

    sources = sample_sources()
    sources["sample_approval.bpmn"] = sources["sample_approval.bpmn"].replace(
        '<spiffworkflow:property name="stance" value="true"/>', "")
    svc.register_definition(process_id="sample_approval", sources=sources)
    from tests.engine.conftest import Driver

    case = svc.start_case(process_id="sample_approval", actor=people["clerk"], organization=township, now=t0,
                          data={"members": ["alice", "chief"]})  # fmt: skip
    driver = Driver(case, people, t0)
    driver.complete("clerk", "accept", ACCEPT)
    driver.complete("handler", "review", REVIEW)
    driver.vote("chief")
    assert Case.objects.get(pk=case.pk).last_sequence == 4


RECORD_FORM = """{"type": "object", "additionalProperties": false, "required": ["attendees"],
 "properties": {"attendees": {"type": "array", "items": {"type": "string"}},
                "recused": {"type": "array", "items": {"type": "object", "required": ["member", "reason"],
                            "properties": {"member": {"type": "string"}, "reason": {"type": "string"}}}}}}"""


def test_an_attendee_with_a_declared_conflict_must_be_listed_as_recused(db, township, people, make_user, t0):
    recorder = make_user("recorder")
    grant(recorder, "recorder", township)
    people["recorder"] = recorder
    bpmn_text = MEETING.replace('value="attendance"/>', 'value="record"/>').replace(
        '<spiffworkflow:property name="attendance" value="true"/>', "")
    services.register_definition(process_id="meeting_check",
                                 sources={"meeting.bpmn": bpmn_text, "record.schema.json": RECORD_FORM})
    case = services.start_case(process_id="meeting_check", actor=people["clerk"], organization=township, now=t0)
    from tests.engine.conftest import Driver

    driver = Driver(case, people, t0)
    driver.case = services.declare_conflict(case.pk, user=people["bob"], relation="relative",
                                            actor=people["chief"], now=driver.tick())
    refused(driver, exc.ConflictOfInterest, "conflict_of_interest", "recorder", "attendance",
            {"attendees": ["alice", "bob", "carol"]})
    driver.complete("recorder", "attendance",
                    {"attendees": ["alice", "bob", "carol"], "recused": [{"member": "bob", "reason": "申请人之子"}]})
    assert Case.objects.get(pk=case.pk).status == Case.Status.COMPLETED
