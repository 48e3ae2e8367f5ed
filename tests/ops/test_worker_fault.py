"""The timer worker survives its database connection being terminated (pg_terminate_backend) in
the middle of a run, several times: it logs, reconnects, carries on, and every due timer fires
exactly once; its heartbeat stays fresh."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from engine import audit, services
from engine.models import AuditEvent, Case, Timer
from ops.models import WorkerHeartbeat
from tests.engine.test_timer_workers import drive_to_notice

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]
ROOT = Path(__file__).resolve().parents[2]
CASES = 80
APP_NAME = "township_fault_test_worker"


def fired_count() -> int:
    return AuditEvent.objects.filter(kind=AuditEvent.Kind.TIMER_FIRED).count()


def terminate_worker_connection() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
                       [APP_NAME])  # fmt: skip
        return cursor.fetchone()[0]


def wait_for(predicate, timeout: float = 300, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_terminated_connections_mid_run_fire_every_timer_exactly_once(sample_definition, township, people, t0):
    for i in range(CASES):
        case = services.start_case(process_id="sample_approval", actor=people["clerk"], organization=township,
                                   now=t0 + timedelta(minutes=i), data={"members": ["alice"]})  # fmt: skip
        drive_to_notice(case, people, t0 + timedelta(minutes=i))
    assert Timer.objects.filter(status=Timer.Status.PENDING).count() == CASES

    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "PGAPPNAME": APP_NAME, "DJANGO_DEBUG": "0",
           "DJANGO_SECRET_KEY": "fault-test-" + "k" * 50, "DJANGO_LOG_FORMAT": "json"}  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_timers", "--interval", "0.2", "--retry-base", "0.2", "--retry-max", "1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    kills = []
    try:
        for target in (1, CASES // 3, 2 * CASES // 3):  # three times, in the middle of the run
            wait_for(lambda t=target: fired_count() >= t, what=f"{target} timers fired")
            at = fired_count()
            killed = terminate_worker_connection()
            kills.append((at, killed))
        wait_for(lambda: fired_count() >= CASES, what="every timer fired")
        assert worker.poll() is None, "the worker died"
        killed_idle = terminate_worker_connection()  # and once more while it sleeps between rounds
        since = timezone.now()
        wait_for(lambda: WorkerHeartbeat.objects.filter(beat_at__gt=since).exists(), timeout=60,
                 what="a heartbeat after the last termination")  # fmt: skip
        assert worker.poll() is None, "the worker died"
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err

    assert all(at < CASES for at, _ in kills), kills  # each termination hit a run in progress
    assert all(killed == 1 for _, killed in kills) and killed_idle == 1, (kills, killed_idle)
    assert err.count("timer round failed; retrying") >= 3
    assert "OperationalError" in err and "timer worker recovered" in err

    fired = Counter(AuditEvent.objects.filter(kind=AuditEvent.Kind.TIMER_FIRED).values_list("case_id", flat=True))
    assert len(fired) == CASES and set(fired.values()) == {1}
    assert Timer.objects.filter(status=Timer.Status.FIRED).count() == CASES
    assert not Timer.objects.filter(status=Timer.Status.PENDING).exists()
    assert all(audit.verify_case(case).ok for case in Case.objects.all())
    assert not WorkerHeartbeat.objects.exists()  # it retired its heartbeat when told to stop
