"""The timer worker's loop outlives faults: it logs, backs off, retries, and keeps its heartbeat."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError

from ops.models import WorkerHeartbeat
from ops.worker import TimerWorker

pytestmark = pytest.mark.django_db(transaction=True)


def test_database_errors_are_retried_and_logged_and_the_heartbeat_kept(caplog):
    calls = []

    def round_fn(now):
        calls.append(now)
        if len(calls) <= 2:
            raise OperationalError("terminating connection due to administrator command")
        if len(calls) == 4:
            worker.stop.set()
        return {"fired": 1}

    worker = TimerWorker(round_fn=round_fn, interval=0, retry_base=0.01, retry_max=0.02, name="test:1")
    with caplog.at_level(logging.INFO, logger="ops.worker"):
        assert worker.run() is True
    assert len(calls) == 4
    failures = [r for r in caplog.records if r.getMessage() == "timer round failed; retrying"]
    assert [r.attempt for r in failures] == [1, 2]
    assert "OperationalError" in failures[0].error
    assert any(r.getMessage() == "timer worker recovered" for r in caplog.records)
    assert worker.rounds == 4 - 2 and worker.errors == 2
    assert not WorkerHeartbeat.objects.filter(name="test:1").exists()  # a stopped worker retires its row


def test_once_gives_up_after_the_configured_retries():
    def round_fn(now):
        raise OperationalError("the database is gone")

    worker = TimerWorker(round_fn=round_fn, interval=0, retry_base=0.001, retry_max=0.001, max_retries=2, name="t:2")
    assert worker.run(once=True) is False
    row = WorkerHeartbeat.objects.get(name="t:2")
    assert row.errors == 3 and "the database is gone" in row.last_error
    assert row.beat_at == row.started_at  # never beat: no successful round


def test_a_successful_round_writes_the_heartbeat():
    worker = TimerWorker(round_fn=lambda now: {"fired": 0}, name="t:3")
    assert worker.run(once=True) is True
    row = WorkerHeartbeat.objects.get(name="t:3")
    assert row.rounds == 1 and row.errors == 0 and row.beat_at >= row.started_at
