"""Safe retries under concurrency: two requests with one Idempotency-Key at once over real HTTP.
(A module of its own: the other idempotency tests share a module-wide demo transaction, which a
live server's thread cannot see.)"""

from __future__ import annotations

import pytest

from engine.models import AuditEvent


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_do_the_work_once(live_server):
    """Two starts sent at once with one key over real HTTP: one runs, the other waits for its
    transaction and gets the same answer; one case, one case_started event."""
    import io
    import json
    import threading
    import urllib.request

    from django.core.management import call_command

    from engine.models import Case
    from tests.api.conftest import load_demo

    call_command("load_catalog", stdout=io.StringIO())
    load_demo()
    before = Case.objects.count()
    body = json.dumps({"power_code": "JF-01", "data": {"applicant": "郑大妈"}}).encode()
    barrier, answers = threading.Barrier(2), []

    def post() -> None:
        request = urllib.request.Request(
            live_server.url + "/api/cases/",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": "Token demo-window_clerk",
                "Idempotency-Key": "same",
            },
        )
        barrier.wait()
        with urllib.request.urlopen(request, timeout=60) as response:
            answers.append(
                (response.status, json.loads(response.read())["id"], response.headers.get("Idempotent-Replayed"))
            )

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 2
    assert {(status, case_id) for status, case_id, _ in answers} == {(201, answers[0][1])}
    assert sorted(str(replayed) for _, _, replayed in answers) == ["None", "true"]
    assert Case.objects.count() == before + 1
    assert AuditEvent.objects.filter(case_id=answers[0][1], kind="case_started").count() == 1
