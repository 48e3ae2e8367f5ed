"""Safe retries: a POST sent again with the same Idempotency-Key (same caller, same body) gets the
first answer back and does nothing more; another body under that key is refused; keys expire."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import clock
from engine.idempotency_models import IdempotencyKey
from engine.models import AuditEvent
from tests.api.conftest import case_counts
from tests.api.test_task_views import STATION_HEAD_OK, review_task

pytestmark = pytest.mark.django_db


def complete(client, case_id, task_id, data, key, **extra):
    return client.post(f"/api/cases/{case_id}/tasks/{task_id}/complete/", {"data": data}, format="json",
                       HTTP_IDEMPOTENCY_KEY=key, **extra)  # fmt: skip


def test_a_retry_with_the_same_key_gets_the_first_answer_and_writes_nothing(demo):
    case_id, task_id = review_task(demo)
    client = demo.client("station_head")
    first = complete(client, case_id, task_id, STATION_HEAD_OK, "retry-1")
    assert first.status_code == 200, first.content
    after_first = case_counts()
    events = AuditEvent.objects.filter(case_id=case_id, kind="task_completed", bpmn_id="station_head_review")
    assert events.count() == 1
    again = complete(client, case_id, task_id, STATION_HEAD_OK, "retry-1")
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert again["Idempotent-Replayed"] == "true"
    assert case_counts() == after_first
    assert events.count() == 1


def test_without_a_key_the_second_post_is_a_conflict_as_before(demo):
    case_id, task_id = review_task(demo)
    client = demo.client("station_head")
    complete(client, case_id, task_id, STATION_HEAD_OK, "first")
    response = client.post(f"/api/cases/{case_id}/tasks/{task_id}/complete/", {"data": STATION_HEAD_OK}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "task_not_ready")


@pytest.mark.parametrize(("language", "detail"), [
    ("zh-hans", "该 Idempotency-Key 已用于另一请求，请换用新的键"),
    ("en", "This Idempotency-Key was used for a different request; use a new key"),
])  # fmt: skip
def test_the_same_key_with_another_body_is_refused_and_writes_nothing(demo, language, detail):
    case_id, task_id = review_task(demo)
    client = demo.client("station_head")
    complete(client, case_id, task_id, STATION_HEAD_OK, "reused")
    before = case_counts()
    other = {**STATION_HEAD_OK, "station_head_opinion": "另一意见"}
    response = complete(client, case_id, task_id, other, "reused", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 422
    assert response.json() == {"code": "idempotency_key_reused", "detail": detail, "fields": {}}
    assert case_counts() == before


def test_keys_belong_to_their_caller(demo):
    case_id, task_id = review_task(demo)
    complete(demo.client("station_head"), case_id, task_id, STATION_HEAD_OK, "shared-key")
    before = case_counts()
    response = complete(demo.client("handler"), case_id, task_id, STATION_HEAD_OK, "shared-key")
    assert (response.status_code, response.json()["code"]) == (409, "task_not_ready")  # ran, not replayed
    assert "Idempotent-Replayed" not in response
    assert case_counts() == before


def test_a_key_expires_after_its_time(demo, settings):
    settings.DEBUG = True  # the clock may be moved only with DEBUG on
    settings.ENGINE_CLOCK_OFFSET = timedelta(0)
    case_id, task_id = review_task(demo)
    client = demo.client("station_head")
    assert complete(client, case_id, task_id, STATION_HEAD_OK, "old-key").status_code == 200
    settings.ENGINE_CLOCK_OFFSET = timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS, minutes=1)
    before = case_counts()
    response = complete(client, case_id, task_id, STATION_HEAD_OK, "old-key")
    assert (response.status_code, response.json()["code"]) == (409, "task_not_ready")  # the request ran again
    assert case_counts() == before
    assert IdempotencyKey.objects.filter(key="old-key").get().status == 409


def test_a_key_whose_first_request_still_runs_is_a_conflict(demo):
    """A concurrent retry waits for the first request's transaction; one that finds the key
    unanswered is told to come back (409 idempotency_key_in_progress)."""
    case_id, task_id = review_task(demo)
    client = demo.client("station_head")
    complete(client, case_id, task_id, STATION_HEAD_OK, "probe")  # the stored fingerprint of this body
    row = IdempotencyKey.objects.get(key="probe")
    IdempotencyKey.objects.create(caller=row.caller, key="running", fingerprint=row.fingerprint, created_at=clock.now())
    before = case_counts()
    response = complete(client, case_id, task_id, STATION_HEAD_OK, "running")
    assert (response.status_code, response.json()["code"]) == (409, "idempotency_key_in_progress")
    assert case_counts() == before


def test_a_blank_or_overlong_key_is_refused(demo):
    case_id, task_id = review_task(demo)
    before = case_counts()
    for key in (" ", "k" * 256):
        response = complete(demo.client("station_head"), case_id, task_id, STATION_HEAD_OK, key)
        assert (response.status_code, response.json()["code"]) == (400, "idempotency_key_invalid")
    assert case_counts() == before
