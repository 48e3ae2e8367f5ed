"""The sample process driven end to end through the services, then replayed and verified."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import audit, services
from engine.models import AuditEvent, Case, Timer, WorkItem
from engine.replay import replay_case

pytestmark = pytest.mark.django_db


def kinds(case: Case) -> list[str]:
    return list(case.audit_events.order_by("sequence").values_list("kind", flat=True))


def test_start_case_runs_to_the_first_user_task_and_records_one_event(sample_case):
    assert list(WorkItem.objects.filter(case=sample_case).values_list("bpmn_id", "lane")) == [("accept", "窗口受理员")]
    assert kinds(sample_case) == [AuditEvent.Kind.CASE_STARTED]
    assert sample_case.last_sequence == 1
    assert sample_case.status == Case.Status.RUNNING


def test_vote_creates_one_work_item_per_member(driver):
    driver.complete("clerk", "accept", {"materials_complete": True, "applicant": "张三"})
    driver.complete("handler", "review", {"review_ok": True, "opinion": "ok"})
    members = sorted(WorkItem.objects.filter(case=driver.case, bpmn_id="vote").values_list("member", flat=True))
    assert members == ["alice", "bob", "carol"]


def test_the_whole_case_runs_to_filing_and_replays_identically(driver):
    driver.to_notice()
    assert list(WorkItem.objects.filter(case=driver.case).values_list("bpmn_id", flat=True)) == []
    timer = Timer.objects.get(case=driver.case, status=Timer.Status.PENDING)
    assert timer.bpmn_id == "notice_period"
    assert timer.due_at == driver.now + timedelta(days=7)

    objection_at = driver.tick(60 * 24)
    case = services.send_message(driver.case.pk, name="objection", data={"text": "收入不实"}, actor=None, now=objection_at)
    driver.case = case
    driver.complete("archivist", "assess_objection", {"upheld": False, "finding": "经核查不成立"})
    assert services.fire_due_timers(now=timer.due_at - timedelta(seconds=1)) == 0
    assert services.fire_due_timers(now=timer.due_at + timedelta(seconds=1)) == 1
    driver.case = Case.objects.get(pk=driver.case.pk)
    driver.now = timer.due_at + timedelta(minutes=5)
    driver.complete("archivist", "file_it", {"archive_number": "WS-2026-001", "retention": "永久"})

    case = Case.objects.get(pk=driver.case.pk)
    assert case.status == Case.Status.COMPLETED
    assert kinds(case)[-3:] == [AuditEvent.Kind.TASK_COMPLETED, AuditEvent.Kind.TIMER_FIRED, AuditEvent.Kind.TASK_COMPLETED]
    assert audit.verify_case(case).ok
    report = replay_case(case)
    assert report.ok, (report.divergence, report.chain, report.definition_intact, report.step)
    assert report.status == Case.Status.COMPLETED
    assert [t["bpmn_id"] for t in report.completed_tasks] == [
        "accept", "review", "vote", "vote", "vote", "chief_decision", "assess_objection", "file_it"
    ]
    assert [b["member"] for b in report.data["ballots"]] == ["alice", "bob", "carol"]


def test_replay_as_of_a_step_shows_the_tasks_ready_then(driver):
    driver.to_chief()
    report = replay_case(driver.case, upto=3)  # started, accepted, reviewed
    assert report.ok
    assert report.step == 3
    assert sorted(t["member"] for t in report.ready_tasks) == ["alice", "bob", "carol"]
    assert [t["actor"] for t in report.completed_tasks] == ["clerk", "handler"]
