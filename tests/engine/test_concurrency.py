"""Concurrent submits on one case: the per-case lock lets exactly the right ones through."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

from engine import audit, exceptions as exc, services
from engine.models import AuditEvent, Case, WorkItem
from tests.conftest import grant

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]

VOTERS = [f"member{i}" for i in range(8)]


def run_threads(jobs) -> list:
    """Run every job at once (released together by a barrier); return each result or exception."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # collected and asserted by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def voting_case(sample_definition, township, people, make_user, t0):
    voters = {name: make_user(name) for name in VOTERS}
    for user in voters.values():
        grant(user, "committee_member", township)
    case = services.start_case(process_id="sample_approval", actor=people["clerk"], organization=township, now=t0,
                               data={"members": VOTERS})  # fmt: skip
    now = t0
    for who, bpmn_id, data in [
        ("clerk", "accept", {"materials_complete": True, "applicant": "张三"}),
        ("handler", "review", {"review_ok": True, "opinion": "符合"}),
    ]:
        now += timedelta(minutes=1)
        item = WorkItem.objects.get(case=case, bpmn_id=bpmn_id)
        case = services.complete_task(case.pk, task_id=item.task_id, actor=people[who], data=data, now=now)
    return case, voters, now


def test_eight_submits_of_one_task_let_exactly_one_through(sample_case, people, t0):
    item = WorkItem.objects.get(case=sample_case, bpmn_id="accept")
    data = {"materials_complete": True, "applicant": "张三"}
    jobs = [
        (lambda i=i: services.complete_task(sample_case.pk, task_id=item.task_id, actor=people["clerk"], data=data,
                                            now=t0 + timedelta(seconds=i + 1)))
        for i in range(8)
    ]
    results = run_threads(jobs)
    successes = [r for r in results if isinstance(r, Case)]
    refusals = [r for r in results if isinstance(r, exc.TaskNotReady)]
    assert (len(successes), len(refusals)) == (1, 7), results
    case = Case.objects.get(pk=sample_case.pk)
    assert list(case.audit_events.order_by("sequence").values_list("kind", flat=True)) == [
        AuditEvent.Kind.CASE_STARTED, AuditEvent.Kind.TASK_COMPLETED]
    assert audit.verify_case(case).ok


def test_eight_members_voting_at_once_are_all_recorded(voting_case):
    case, voters, now = voting_case
    items = {wi.member: wi.task_id for wi in WorkItem.objects.filter(case=case, bpmn_id="vote")}
    assert sorted(items) == sorted(VOTERS)
    jobs = [
        (lambda name=name, i=i: services.complete_task(case.pk, task_id=items[name], actor=voters[name],
                                                       data={"stance": "agree", "reason": ""},
                                                       now=now + timedelta(seconds=i + 1)))
        for i, name in enumerate(VOTERS)
    ]
    results = run_threads(jobs)
    assert all(isinstance(r, Case) for r in results), results
    case = Case.objects.get(pk=case.pk)
    from engine.replay import replay_case

    report = replay_case(case)
    assert report.ok, report.divergence
    assert sorted(b["member"] for b in report.data["ballots"]) == sorted(VOTERS)
    assert case.audit_events.filter(kind=AuditEvent.Kind.TASK_COMPLETED, bpmn_id="vote").count() == 8
    assert list(WorkItem.objects.filter(case=case).values_list("bpmn_id", flat=True)) == ["chief_decision"]
    assert audit.verify_case(case).ok
