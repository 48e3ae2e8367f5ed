"""Every service refuses bad input with a domain error and writes nothing."""

from __future__ import annotations

import uuid

import pytest

from engine import exceptions as exc
from engine import services
from engine.models import AuditEvent, Case, Timer, WorkItem
from tests.engine.conftest import member_index, task_id

pytestmark = pytest.mark.django_db


def snapshot(case: Case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    items = sorted(WorkItem.objects.filter(case=case).values_list("bpmn_id", "mi_index", "claimed_by_id"))
    timers = sorted(Timer.objects.filter(case=case).values_list("bpmn_id", "status"))
    return (case.workflow_json, case.state_hash, case.last_sequence, case.status,
            AuditEvent.objects.filter(case=case).count(), tuple(items), tuple(timers))


def test_second_submit_of_the_same_task_is_not_ready_and_changes_nothing(driver):
    accept = task_id(driver.case, "accept")
    driver.complete("clerk", "accept", {"materials_complete": True, "applicant": "张三"})
    before = snapshot(driver.case)
    with pytest.raises(exc.TaskNotReady):
        services.complete_task(driver.case.pk, task_id=accept, actor=driver.people["clerk"],
                               data={"materials_complete": True, "applicant": "张三"}, now=driver.tick())
    assert snapshot(driver.case) == before


def test_invalid_form_data_names_the_fields_and_changes_nothing(driver):
    before = snapshot(driver.case)
    with pytest.raises(exc.InvalidTaskData) as raised:
        services.complete_task(driver.case.pk, task_id=task_id(driver.case, "accept"), actor=driver.people["clerk"],
                               data={"materials_complete": "yes", "extra": 1}, now=driver.tick())
    # each problem under its field path, named by the form's title
    assert raised.value.fields == {
        "data.applicant": ["“申请人”为必填项"],
        "data.extra": ["表单中没有“extra”这一项"],
        "data.materials_complete": ["“材料齐全”应为是或否"],
    }
    assert snapshot(driver.case) == before


def test_data_that_is_not_an_object_is_refused(driver):
    before = snapshot(driver.case)
    with pytest.raises(exc.InvalidTaskData):
        services.complete_task(driver.case.pk, task_id=task_id(driver.case, "accept"), actor=driver.people["clerk"],
                               data=["not", "an", "object"], now=driver.tick())
    assert snapshot(driver.case) == before


@pytest.mark.parametrize("bad_id", [uuid.uuid4(), "not-a-uuid"])
def test_unknown_task_is_refused(driver, bad_id):
    before = snapshot(driver.case)
    with pytest.raises(exc.TaskNotFound):
        services.complete_task(driver.case.pk, task_id=bad_id, actor=driver.people["clerk"], data={}, now=driver.tick())
    assert snapshot(driver.case) == before


@pytest.mark.parametrize("bad_id", [uuid.uuid4(), "nope"])
def test_unknown_case_is_refused(driver, bad_id):
    with pytest.raises(exc.CaseNotFound):
        services.complete_task(bad_id, task_id=uuid.uuid4(), actor=driver.people["clerk"], data={}, now=driver.tick())
    assert AuditEvent.objects.count() == 1


def test_a_claimed_task_can_only_be_completed_by_its_claimant(driver):
    accept = task_id(driver.case, "accept")
    services.claim_task(driver.case.pk, task_id=accept, actor=driver.people["clerk"], now=driver.tick())
    assert WorkItem.objects.get(case=driver.case, bpmn_id="accept").claimed_by == driver.people["clerk"]
    before = snapshot(driver.case)
    with pytest.raises(exc.TaskClaimedByOther):
        services.complete_task(driver.case.pk, task_id=accept, actor=driver.people["handler"],
                               data={"materials_complete": True, "applicant": "x"}, now=driver.tick())
    with pytest.raises(exc.TaskClaimedByOther):
        services.claim_task(driver.case.pk, task_id=accept, actor=driver.people["handler"], now=driver.tick())
    with pytest.raises(exc.TaskNotClaimed):
        services.unclaim_task(driver.case.pk, task_id=accept, actor=driver.people["handler"], now=driver.tick())
    assert snapshot(driver.case) == before


def test_unclaim_returns_the_task_to_the_pool(driver):
    accept = task_id(driver.case, "accept")
    services.claim_task(driver.case.pk, task_id=accept, actor=driver.people["clerk"], now=driver.tick())
    case = services.unclaim_task(driver.case.pk, task_id=accept, actor=driver.people["clerk"], now=driver.tick())
    assert WorkItem.objects.get(case=case, bpmn_id="accept").claimed_by is None
    assert list(case.audit_events.values_list("kind", flat=True).order_by("sequence")) == [
        "case_started", "task_claimed", "task_unclaimed"]


def test_a_member_cannot_state_another_members_stance(driver):
    driver.complete("clerk", "accept", {"materials_complete": True, "applicant": "张三"})
    driver.complete("handler", "review", {"review_ok": True, "opinion": "ok"})
    before = snapshot(driver.case)
    with pytest.raises(exc.NotAssignedMember):
        services.complete_task(driver.case.pk, task_id=task_id(driver.case, "vote", member_index(driver.case, "bob")),
                               actor=driver.people["alice"], data={"stance": "agree", "reason": ""}, now=driver.tick())
    assert snapshot(driver.case) == before


def test_a_reason_is_required_for_anything_but_agree(driver):
    driver.complete("clerk", "accept", {"materials_complete": True, "applicant": "张三"})
    driver.complete("handler", "review", {"review_ok": True, "opinion": "ok"})
    with pytest.raises(exc.InvalidTaskData) as raised:
        driver.vote("alice", "disagree", "")
    assert "data.reason" in raised.value.fields


def test_cancel_needs_a_reason_and_closes_the_case(driver):
    before = snapshot(driver.case)
    with pytest.raises(exc.ReasonRequired):
        services.cancel_case(driver.case.pk, actor=driver.people["chief"], reason="  ", now=driver.tick())
    assert snapshot(driver.case) == before
    case = services.cancel_case(driver.case.pk, actor=driver.people["chief"], reason="申请人撤回申请", now=driver.tick())
    assert case.status == Case.Status.CANCELLED
    assert not WorkItem.objects.filter(case=case).exists()
    closed = snapshot(case)
    with pytest.raises(exc.CaseClosed):
        services.complete_task(case.pk, task_id=uuid.uuid4(), actor=driver.people["clerk"], data={}, now=driver.tick())
    with pytest.raises(exc.CaseClosed):
        services.cancel_case(case.pk, actor=driver.people["chief"], reason="again", now=driver.tick())
    assert snapshot(case) == closed


def test_cancel_withdraws_pending_timers(driver):
    driver.to_notice()
    case = services.cancel_case(driver.case.pk, actor=driver.people["chief"], reason="撤销", now=driver.tick())
    assert list(Timer.objects.filter(case=case).values_list("status", flat=True)) == [Timer.Status.CANCELLED]
    assert case.next_timer_due is None


def test_an_objection_outside_a_notice_period_is_refused(driver):
    before = snapshot(driver.case)
    with pytest.raises(exc.MessageNotExpected):
        services.send_message(driver.case.pk, name="objection", data={"text": "x"}, actor=None, now=driver.tick())
    assert snapshot(driver.case) == before


def test_any_number_of_objections_are_taken_during_the_notice_period(driver):
    driver.to_notice()
    for text in ["一", "二", "三"]:
        driver.case = services.send_message(driver.case.pk, name="objection", data={"text": text}, actor=None,
                                            now=driver.tick())
    assert WorkItem.objects.filter(case=driver.case, bpmn_id="assess_objection").count() == 3


def test_an_upheld_objection_interrupts_the_notice_and_returns_to_review(driver):
    driver.to_notice()
    driver.case = services.send_message(driver.case.pk, name="objection", data={"text": "x"}, actor=None, now=driver.tick())
    driver.complete("archivist", "assess_objection", {"upheld": True, "finding": "属实"})
    assert list(WorkItem.objects.filter(case=driver.case).values_list("bpmn_id", flat=True)) == ["review"]
    assert Timer.objects.get(case=driver.case).status == Timer.Status.CANCELLED


def test_start_of_an_unknown_process_is_refused(township, people, t0):
    with pytest.raises(exc.DefinitionNotFound):
        services.start_case(process_id="nope", actor=people["clerk"], organization=township, now=t0)
    assert not Case.objects.exists()
