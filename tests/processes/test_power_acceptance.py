"""一次性告知 (行政许可法 art. 32): the notice of everything missing is due within 5 working days of
receipt. The system computes the deadline; a later notice is refused (nothing written); at the
deadline the application counts as accepted from the day of receipt, and the clerk answers for it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine import computed, rule_errors, services, workdays
from engine.models import AccountabilityRecord, AuditEvent, Timer
from tests.processes.conftest import assert_closed

pytestmark = pytest.mark.django_db

POWER = "power_qr_03"
INCOMPLETE = {"check_materials": [{"materials_complete": False, "conditions_met": True}, {}]}


def test_the_receipt_day_first_responder_and_deadline_are_recorded_by_the_system(drive):
    driver = drive(POWER, **INCOMPLETE)
    driver.run_until("check_materials")
    registered = driver.computed("register_application")
    event = AuditEvent.objects.get(case=driver.case, bpmn_id="register_application")
    assert registered["first_responder"] == "clerk"
    assert registered["received_at"] == workdays.local_date(event.at).isoformat()
    assert datetime.fromisoformat(registered["correction_notice_deadline"]) == workdays.add_limit(
        event.at, 5, workdays.WORKING_DAY)


def test_a_notice_thirty_days_after_receipt_is_refused_and_the_application_counts_as_accepted(drive):
    driver = drive(POWER, **INCOMPLETE)
    item = driver.run_until("one_time_notice")
    deadline = datetime.fromisoformat(driver.computed("register_application")["correction_notice_deadline"])
    driver.now = driver.now + timedelta(days=30)
    before = (AuditEvent.objects.count(), driver.refresh().last_sequence)
    with pytest.raises(rule_errors.CorrectionNoticeLate) as caught:
        services.complete_task(driver.case.pk, task_id=item.task_id, actor=driver.staff["clerk"],
                               data=driver.answer(item), now=driver.tick())
    assert caught.value.code == "correction_notice_late"
    assert (AuditEvent.objects.count(), driver.refresh().last_sequence) == before
    # the consequence: the timer at the deadline takes the case on as accepted from receipt
    timer = Timer.objects.get(case=driver.case, bpmn_id=computed.CORRECTION_TIMER_ID)
    assert timer.due_at == deadline
    assert services.fire_due_timers(now=driver.tick()) == 1
    assert [i.bpmn_id for i in driver.ready()] == ["issue_receipt"]
    [record] = AccountabilityRecord.objects.filter(case=driver.case)
    assert (record.kind, record.handler_name, record.bpmn_id, record.due_at) == (
        AccountabilityRecord.Kind.CORRECTION_LATE, "clerk", "one_time_notice", deadline)
    driver.run()
    data = assert_closed(driver.case, approved=True)
    assert data["deemed_accepted"] is True and data["accepted"] is True
    assert data["accepted_as_of"] == driver.computed("register_application")["received_at"]
    assert "one_time_notice" not in driver.completed_ids()


def test_a_notice_in_time_cancels_the_deadline_and_records_its_date(drive):
    driver = drive(POWER, **INCOMPLETE)
    driver.run_until("resubmission")
    assert not Timer.objects.filter(case=driver.case, bpmn_id=computed.CORRECTION_TIMER_ID,
                                    status=Timer.Status.PENDING).exists()
    driver.run()
    data = assert_closed(driver.case, approved=True)
    assert data["deemed_accepted"] is False and not AccountabilityRecord.objects.filter(case=driver.case).exists()


def test_the_receipt_day_cannot_be_typed(drive):
    driver = drive(POWER)
    item = driver.run_until("register_application")
    before = AuditEvent.objects.count()
    with pytest.raises(rule_errors.ComputedField) as caught:
        services.complete_task(driver.case.pk, task_id=item.task_id, actor=driver.staff["clerk"],
                               data={**driver.answer(item), "received_at": "2020-01-01", "first_responder": "x"},
                               now=driver.tick())
    assert set(caught.value.fields) == {"data.received_at", "data.first_responder"}
    assert AuditEvent.objects.count() == before
