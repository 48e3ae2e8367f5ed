#!/usr/bin/env python
"""Benchmark: a task completed over HTTP (the API's complete endpoint) against the raw SpiffWorkflow
step, measured in the same run.

The sample process, N cases, SQLite with durable commits (WAL, synchronous=FULL), DEBUG off. Each
user task is completed three ways, each on its own cases:

- raw: SpiffWorkflow in memory with an instance-only JSON dump and load around the step (the floor,
  as in engine_steps.py);
- service: `engine.services.complete_task` (lock, load, rules, step, work items, audit, commit);
- HTTP: `POST /api/cases/<id>/tasks/<task>/complete/` through the project's WSGI application
  in this process (the middleware, token authentication, visibility, the service, the response,
  a new database connection per request as in production; no network), the time a production
  worker spends serving the request.

Prints p50/p95 per kind in ms, the ratios against the floor (targets: HTTP ≤ 5x, service ≤ 3x) and
the SQL statements per completion.

    .venv/bin/python benchmarks/http_steps.py [--cases 30]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from _setup import fresh_sqlite_django  # noqa: E402

fresh_sqlite_django("bench-http-")

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from engine import clock, services  # noqa: E402
from engine.models import Organization, WorkItem  # noqa: E402
from engine_steps import MEMBERS, percentile, raw_run  # noqa: E402
from tests.conftest import sample_sources  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
logging.disable(logging.WARNING)  # one log line per request is not what is measured here
# the user tasks, in order: (step, user, bpmn_id, data); the objection and the timer come from outside
TASKS = [
    ("accept", "clerk", "accept", {"materials_complete": True, "applicant": "张三"}),
    ("review", "handler", "review", {"review_ok": True, "opinion": "符合"}),
    *[("vote×3", m, "vote", {"stance": "agree", "reason": ""}) for m in MEMBERS],
    ("chief", "chief", "chief_decision", {"approved": True}),
    ("assess", "archivist", "assess_objection", {"upheld": False, "finding": "不成立"}),
    ("file", "archivist", "file_it", {"archive_number": "A", "retention": "永久"}),
]
USER_STEPS = ["accept", "review", "vote×3", "chief", "assess", "file"]


def setup() -> tuple[dict, Organization]:
    call_command("migrate", verbosity=0)
    call_command("seed_sample", verbosity=0)
    services.register_definition(process_id="sample_approval", sources=sample_sources())
    users = {user.username: user for user in get_user_model().objects.all()}
    for user in users.values():
        Token.objects.get_or_create(user=user)
    return users, Organization.objects.get(kind=Organization.Kind.TOWNSHIP)


class BenchClock:
    """The time the API reads (engine.clock.now, patched in this process: DEBUG off cannot move it)."""

    at = datetime(2026, 3, 2, 1, tzinfo=timezone.utc)

    @classmethod
    def now(cls) -> datetime:
        return cls.at


clock.now = BenchClock.now


def run_case(i: int, users: dict, org: Organization, complete, t0: datetime) -> None:
    """One sample case from start to filing; every user task through `complete(step, case, item, user, data)`."""
    now = t0 + timedelta(hours=i)
    BenchClock.at = now
    case = services.start_case(process_id="sample_approval", actor=users["clerk"], organization=org, now=now,
                               data={"members": MEMBERS})  # fmt: skip
    for step, who, bpmn_id, data in TASKS:
        if step == "assess":
            BenchClock.at = now + timedelta(days=1)
            services.send_message(case.pk, name="objection", data={"text": "异议"}, actor=None, now=BenchClock.at)
        if step == "file":
            BenchClock.at = now + timedelta(days=8)
            services.fire_case_timers(case.pk, now=BenchClock.at)
        filters = {"member": who} if bpmn_id == "vote" else {}
        item = WorkItem.objects.get(case=case, bpmn_id=bpmn_id, **filters)
        complete(step, case, item, users[who], data)


def commit_floor(n: int = 30) -> float:
    """Median wall time of a transaction that rewrites one case's snapshot and commits (fsync, synchronous=FULL)."""
    from django.db import transaction

    from engine.models import Case

    pk, snapshot = Case.objects.values_list("pk", "workflow_json").first()
    times = []
    for i in range(n):
        start = time.perf_counter()
        with transaction.atomic():
            Case.objects.filter(pk=pk).update(workflow_json=snapshot + " " * (i % 2))
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=30)
    args = parser.parse_args()
    users, org = setup()
    t0 = datetime(2026, 3, 2, 1, tzinfo=timezone.utc)
    client = Client()
    tokens = {u: f"Token {Token.objects.get(user=users[u]).key}" for u in users}
    service_ms: dict[str, list[float]] = defaultdict(list)
    http_ms: dict[str, list[float]] = defaultdict(list)
    service_cpu: dict[str, list[float]] = defaultdict(list)
    http_cpu: dict[str, list[float]] = defaultdict(list)
    statements: dict[str, list[int]] = defaultdict(list)
    body_bytes: list[int] = []

    def by_service(step, case, item, user, data):
        start, cpu = time.perf_counter(), time.process_time()
        services.complete_task(case.pk, task_id=item.task_id, actor=user, data=data, now=clock.now())
        service_ms[step].append((time.perf_counter() - start) * 1000)
        service_cpu[step].append((time.process_time() - cpu) * 1000)

    def by_http(step, case, item, user, data, *, sink=http_ms, cpu_sink=http_cpu):
        start, cpu = time.perf_counter(), time.process_time()
        response = client.post(f"/api/cases/{case.pk}/tasks/{item.task_id}/complete/", json.dumps({"data": data}),
                               content_type="application/json", HTTP_AUTHORIZATION=tokens[user.username])  # fmt: skip
        sink[step].append((time.perf_counter() - start) * 1000)
        cpu_sink[step].append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, response.content
        body_bytes.append(len(response.content))

    def counted(step, case, item, user, data):
        with CaptureQueriesContext(connection) as queries:
            by_http(step, case, item, user, data, sink=defaultdict(list), cpu_sink=defaultdict(list))
        statements[step].append(len(queries))

    t_api = t0
    raw_run(3)
    for i in range(3):  # warm both paths
        run_case(i, users, org, lambda *a: by_http(*a, sink=defaultdict(list), cpu_sink=defaultdict(list)), t_api)
    raw = raw_run(args.cases)
    for i in range(args.cases):
        run_case(i, users, org, by_service, t_api)
        run_case(i, users, org, by_http, t_api)
    run_case(0, users, org, counted, t_api)

    print(f"{args.cases} cases of the sample process over HTTP (WSGI in process, DEBUG off, token auth); "
          f"SQLite WAL synchronous=FULL; ms per completion")  # fmt: skip
    print(f"{'step':<8} {'raw p50':>8} {'service p50':>11} {'HTTP p50':>9} {'p95':>7} {'HTTP/raw':>9} "
          f"{'svc/raw':>8} {'SQL/HTTP':>9}")  # fmt: skip
    all_raw, all_service, all_http = [], [], []
    for step in USER_STEPS:
        r, s, h = raw[step], service_ms[step], http_ms[step]
        all_raw += r
        all_service += s
        all_http += h
        print(f"{step:<8} {statistics.median(r):8.2f} {statistics.median(s):11.2f} {statistics.median(h):9.2f} "
              f"{percentile(h, .95):7.2f} {statistics.median(h) / statistics.median(r):8.1f}x "
              f"{statistics.median(s) / statistics.median(r):7.1f}x {statistics.median(statements[step]):9.0f}")
    floor = statistics.median(all_raw)
    http_ratio = statistics.median(all_http) / floor
    service_ratio = statistics.median(all_service) / floor
    print(f"{'all':<8} {floor:8.2f} {statistics.median(all_service):11.2f} {statistics.median(all_http):9.2f} "
          f"{percentile(all_http, .95):7.2f} {http_ratio:8.1f}x {service_ratio:7.1f}x "
          f"{statistics.median([n for v in statements.values() for n in v]):9.0f}")
    print(f"CPU ms per completion (p50): service {statistics.median(sum(service_cpu.values(), [])):.2f}, "
          f"HTTP {statistics.median(sum(http_cpu.values(), [])):.2f}; a durable commit of one snapshot alone: "
          f"{commit_floor():.2f} ms wall (the disk's share of every step)")
    print(f"response body median {statistics.median(body_bytes):.0f} bytes")
    print(f"target HTTP ≤ 5x raw: {'met' if http_ratio <= 5 else 'NOT met'} ({http_ratio:.1f}x); "
          f"service ≤ 3x raw: {'met' if service_ratio <= 3 else 'NOT met'} ({service_ratio:.1f}x)")


if __name__ == "__main__":
    main()
