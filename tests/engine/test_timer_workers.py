"""Two `run_timers` worker processes on one PostgreSQL fire 200 due timers, each exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection

from engine import audit, services
from engine.models import AuditEvent, Case, Timer, WorkItem

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]
ROOT = Path(__file__).resolve().parents[2]
CASES = 200


def drive_to_notice(case, people, now):
    steps = [("clerk", "accept", {"materials_complete": True, "applicant": "张三"}),
             ("handler", "review", {"review_ok": True, "opinion": "符合"}),
             ("alice", "vote", {"stance": "agree", "reason": ""}),
             ("chief", "chief_decision", {"approved": True})]  # fmt: skip
    for who, bpmn_id, data in steps:
        now += timedelta(seconds=1)
        item = WorkItem.objects.get(case=case, bpmn_id=bpmn_id)
        case = services.complete_task(case.pk, task_id=item.task_id, actor=people[who], data=data, now=now)
    return case


def test_two_workers_fire_every_due_timer_exactly_once(sample_definition, township, people, t0):
    for i in range(CASES):
        case = services.start_case(process_id="sample_approval", actor=people["clerk"], organization=township,
                                   now=t0 + timedelta(minutes=i), data={"members": ["alice"]})  # fmt: skip
        drive_to_notice(case, people, t0 + timedelta(minutes=i))
    assert Timer.objects.filter(status=Timer.Status.PENDING).count() == CASES

    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "timer-test-" + "k" * 50}
    workers = [
        subprocess.Popen([sys.executable, "manage.py", "run_timers", "--once"], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [w.communicate(timeout=300) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs

    fired = Counter(AuditEvent.objects.filter(kind=AuditEvent.Kind.TIMER_FIRED).values_list("case_id", flat=True))
    assert len(fired) == CASES and set(fired.values()) == {1}
    assert Timer.objects.filter(status=Timer.Status.FIRED).count() == CASES
    assert not Timer.objects.filter(status=Timer.Status.PENDING).exists()
    assert all(audit.verify_case(case).ok for case in Case.objects.all())
    assert WorkItem.objects.filter(bpmn_id="file_it").count() == CASES
