"""GET /api/health/: database, cache and timer-worker heartbeats; a stalled worker is reported."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.utils import timezone

from ops.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def beat(name: str, age_seconds: float) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(name=name, started_at=now - timedelta(hours=1),
                                          beat_at=now - timedelta(seconds=age_seconds), rounds=7)  # fmt: skip


def get_health():
    response = Client(raise_request_exception=False).get("/api/health/")
    return response.status_code, response.json()


def test_healthy_with_a_fresh_worker():
    beat("host:1", 5)
    status, body = get_health()
    assert status == 200 and body["status"] == "ok"
    assert body["database"]["ok"] and body["cache"]["ok"]
    assert body["timer_workers"]["fresh"] == 1 and body["timer_workers"]["workers"][0]["rounds"] == 7


def test_no_timer_worker_is_unhealthy():
    status, body = get_health()
    assert status == 503 and body["status"] == "unavailable"
    assert body["timer_workers"] == {"ok": False, "fresh": 0, "stale": 0, "stale_after_seconds": 120.0,
                                     "workers": []}  # fmt: skip


@override_settings(HEARTBEAT_STALE_SECONDS=60)
def test_a_stalled_worker_is_shown_and_makes_health_fail():
    beat("host:1", 5)
    beat("host:2", 61)
    status, body = get_health()
    assert status == 503
    workers = {w["name"]: w for w in body["timer_workers"]["workers"]}
    assert workers["host:2"]["stale"] is True and workers["host:1"]["stale"] is False
    assert body["timer_workers"]["stale"] == 1


def test_an_unreachable_database_is_a_503_in_json(monkeypatch):
    beat("host:1", 5)

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", broken)
    status, body = get_health()
    monkeypatch.undo()
    assert status == 503
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert body["timer_workers"]["ok"] is False
