#!/usr/bin/env python
"""Benchmark: server time of the inbox (我的待办) and the case page at 10,000 cases, against the
same pages at the demo's few cases measured in the same run.

A fresh SQLite database (WAL, as served): the catalog and the demo township (seed_demo), then
copies of the demo's running cases (case rows, their audit events and work items, each with its
own reference and task ids) until there are `--cases`. Each page is requested `--requests` times
through Django's test client as the station head (whose inbox grows with the cases) with DEBUG
off; prints p50 and p95 in ms and the ratio to the baseline.

    .venv/bin/python benchmarks/web_pages.py [--cases 10000] [--requests 40]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="bench-web-")
os.environ["SQLITE_PATH"] = os.path.join(_tmp, "bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.pop("DATABASE_URL", None)
os.environ["DJANGO_DEBUG"] = "1"  # seed_demo runs in demo mode only; switched off before measuring

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from engine.management.commands.seed_demo import demo_password  # noqa: E402
from engine.models import AuditEvent, Case, WorkItem  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def grow(total: int) -> None:
    """Copy the running demo cases (with their events and work items) until there are `total` cases."""
    templates = list(Case.objects.filter(status=Case.Status.RUNNING))
    events = {c.pk: list(AuditEvent.objects.filter(case=c)) for c in templates}
    items = {c.pk: list(WorkItem.objects.filter(case=c)) for c in templates}
    count, batch = Case.objects.count(), 0
    while count < total:
        with transaction.atomic():
            for _ in range(min(500, total - count)):
                source = templates[batch % len(templates)]
                batch += 1
                copy = Case.objects.get(pk=source.pk)
                copy.pk, copy.reference = uuid.uuid4(), f"{source.power_code}-BENCH-{batch:06d}"
                copy.save(force_insert=True)
                new_events = []
                for event in events[source.pk]:
                    event.pk, event.case_id = None, copy.pk
                    new_events.append(event)
                AuditEvent.objects.bulk_create(new_events)
                new_items = []
                for item in items[source.pk]:
                    item.pk, item.case_id, item.task_id = None, copy.pk, uuid.uuid4()
                    new_items.append(item)
                WorkItem.objects.bulk_create(new_items)
                count += 1


def measure(client: Client, path: str, requests: int) -> tuple[float, float]:
    client.get(path)  # warm the caches (parsed definitions, templates)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return percentile(times, 0.5), percentile(times, 0.95)


def pages(requests: int) -> dict[str, tuple[float, float]]:
    client = Client()
    assert client.login(username="station_head", password=demo_password("station_head"))
    case = Case.objects.filter(work_items__bpmn_id="station_head_review").order_by("started_at").first()
    return {
        "inbox": measure(client, "/work/", requests),
        "inbox, one light": measure(client, "/work/?light=green", requests),
        "case page": measure(client, f"/work/cases/{case.pk}/", requests),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("load_catalog", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    base_cases = Case.objects.count()
    baseline = pages(args.requests)
    grow(args.cases)
    inbox_size = WorkItem.objects.filter(bpmn_id="station_head_review").count()
    large = pages(args.requests)
    print(f"Web pages, server time (Django test client, SQLite), {args.requests} requests each")
    print(f"baseline: {base_cases} cases; measured: {Case.objects.count()} cases "
          f"(the station head's inbox holds {inbox_size} tasks, 50 per page)")
    print(f"{'page':<18}{'base p50':>10}{'base p95':>10}{'p50':>10}{'p95':>10}{'p50 ratio':>11}")
    for name, (p50, p95) in large.items():
        b50, b95 = baseline[name]
        print(f"{name:<18}{b50:>9.1f} {b95:>9.1f} {p50:>9.1f} {p95:>9.1f} {p50 / b50:>10.1f}x")


if __name__ == "__main__":
    main()
