#!/usr/bin/env python
"""Benchmark: inboxes, case lists and the public notice board at county scale, against a trivial
request measured in the same run.

The demo township (load_catalog, seed_demo: real cases at every stage, two townships) is cloned
until the database holds N cases: each clone copies a demo case's row (its snapshot included),
work items, pending timers and audit events under a new id, reference and start time (spread over
the past year); about one clone in 300 of a case in its notice period keeps its notice up (the
county's board then holds a few hundred notices at 100k cases). Each request is served through
the project's WSGI application in this process (DEBUG off, token auth, no network) and timed; the
baseline is GET /api/list-version/ (one small read through the same stack).

Targets (issue 15, PostgreSQL at 100k cases): every inbox p95 ≤ 20 ms, case lists with filters
p95 ≤ 50 ms, the public notice board p95 ≤ 20 ms; the statements of one request do not grow with N.

    .venv/bin/python benchmarks/list_scale.py [--cases 3000] [--requests 20]
    .venv/bin/python benchmarks/list_scale.py --cases 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/township_list_bench   # dropped and recreated
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--cases", type=int, default=3000)
parser.add_argument("--requests", type=int, default=20, help="requests per endpoint")
parser.add_argument("--database-url", default="", help="PostgreSQL (dropped and recreated); SQLite when empty")
args = parser.parse_args()

if args.database_url:
    import psycopg

    _admin, _name = args.database_url.rsplit("/", 1)
    with psycopg.connect(_admin + "/postgres", autocommit=True) as _conn:
        _conn.execute(f'DROP DATABASE IF EXISTS "{_name}" WITH (FORCE)')
        _conn.execute(f'CREATE DATABASE "{_name}"')
    os.environ["DATABASE_URL"] = args.database_url
else:
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = os.path.join(tempfile.mkdtemp(prefix="bench-lists-"), "bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + os.urandom(24).hex())

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from engine import clock  # noqa: E402
from engine.models import AuditEvent, Case, Organization, Timer, WorkItem  # noqa: E402
from engine.names import NOTICE_TIMER_ID  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
logging.disable(logging.WARNING)
USERS = ["window_clerk", "handler", "station_head", "deputy", "chief", "committee_member_1", "recorder",
         "discipline_inspector", "archivist", "village_agent", "village_committee"]  # fmt: skip
BATCH = 500


def _columns(model, skip=("id",)) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if f.column not in skip]


def clone_in_postgresql(n: int) -> None:
    """`clone` done by the server (INSERT … SELECT): the same rows, 100k cases in minutes."""
    made = Case.objects.count()
    if made >= n:
        return
    case_cols = _columns(Case)
    select_case = ", ".join(
        "m.new_id" if c == "id" else
        "left(c.reference, 24) || '-' || upper(substr(replace(m.new_id::text, '-', ''), 1, 12))" if c == "reference" else
        "least(c.started_at, %(now)s) - make_interval(mins => m.shift)" if c == "started_at" else f"c.{c}"
        for c in ["id", *case_cols]
    )  # fmt: skip
    item_cols, timer_cols, event_cols = _columns(WorkItem), _columns(Timer), _columns(AuditEvent)

    def cols(names, replace):
        return ", ".join(replace.get(c, f"x.{c}") for c in names)

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_sources AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id "
                       "FROM engine_case")  # fmt: skip
        cursor.execute("SELECT setseed(0.15)")
        cursor.execute(
            "CREATE TEMP TABLE bench_clones AS SELECT gen_random_uuid() AS new_id, s.id AS src_id, "
            "(random() * 525599)::int AS shift, random() AS r FROM "
            "(SELECT floor(random() * (SELECT count(*) FROM bench_sources))::int AS k "
            " FROM generate_series(1, %(k)s)) g JOIN bench_sources s ON s.k = g.k",
            {"k": n - made},
        )  # fmt: skip
        cursor.execute(f'INSERT INTO engine_case ("id", {", ".join(case_cols)}) SELECT {select_case} '
                       "FROM bench_clones m JOIN engine_case c ON c.id = m.src_id", {"now": clock.now()})  # fmt: skip
        cursor.execute(f"INSERT INTO engine_workitem ({', '.join(item_cols)}) SELECT "
                       f"{cols(item_cols, {'case_id': 'm.new_id', 'task_id': 'gen_random_uuid()'})} "
                       "FROM bench_clones m JOIN engine_workitem x ON x.case_id = m.src_id")  # fmt: skip
        cursor.execute(f"INSERT INTO engine_timer ({', '.join(timer_cols)}) SELECT "
                       f"{cols(timer_cols, {'case_id': 'm.new_id'})} "
                       "FROM bench_clones m JOIN engine_timer x ON x.case_id = m.src_id "
                       "WHERE x.status = %(pending)s AND (x.bpmn_id <> %(notice)s OR m.r < 1.0 / 300)",
                       {"pending": Timer.Status.PENDING, "notice": NOTICE_TIMER_ID})  # fmt: skip
        cursor.execute(f"INSERT INTO engine_auditevent ({', '.join(event_cols)}) SELECT "
                       f"{cols(event_cols, {'case_id': 'm.new_id'})} "
                       "FROM bench_clones m JOIN engine_auditevent x ON x.case_id = m.src_id")  # fmt: skip
        cursor.execute("DROP TABLE bench_clones, bench_sources")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def clone(n: int) -> None:
    """Copy demo cases (with their rows) until the database holds `n` cases."""
    if connection.vendor == "postgresql":
        return clone_in_postgresql(n)
    sources = list(Case.objects.all())
    items = {c.pk: list(WorkItem.objects.filter(case=c)) for c in sources}
    timers = {c.pk: list(Timer.objects.filter(case=c, status=Timer.Status.PENDING)) for c in sources}
    events = {c.pk: list(AuditEvent.objects.filter(case=c).order_by("sequence")) for c in sources}
    rng = random.Random(15)
    now = clock.now()
    made = len(sources)
    while made < n:
        size = min(BATCH, n - made)
        cases, rows_items, rows_timers, rows_events = [], [], [], []
        for _ in range(size):
            source = rng.choice(sources)
            shift = timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
            copy = Case(**{f.attname: getattr(source, f.attname) for f in Case._meta.concrete_fields})
            copy.id = uuid.uuid4()
            copy.reference = f"{source.reference[:24]}-{copy.id.hex[:12].upper()}"
            copy.started_at = min(source.started_at, now) - shift
            cases.append(copy)
            for item in items[source.pk]:
                rows_items.append(WorkItem(**{f.attname: getattr(item, f.attname) for f in WorkItem._meta.concrete_fields
                                              if f.attname != "id"} | {"case_id": copy.id, "task_id": uuid.uuid4()}))
            for timer in timers[source.pk]:
                if timer.bpmn_id == NOTICE_TIMER_ID and rng.random() > 1 / 300:
                    continue  # most clones' notices are over: a county's board holds a few hundred
                rows_timers.append(Timer(case_id=copy.id, bpmn_id=timer.bpmn_id, due_at=timer.due_at))
            for event in events[source.pk]:
                rows_events.append(AuditEvent(**{f.attname: getattr(event, f.attname)
                                                 for f in AuditEvent._meta.concrete_fields if f.attname != "id"}
                                              | {"case_id": copy.id}))  # fmt: skip
        with transaction.atomic():
            Case.objects.bulk_create(cases)
            WorkItem.objects.bulk_create(rows_items, batch_size=BATCH)
            Timer.objects.bulk_create(rows_timers, batch_size=BATCH)
            AuditEvent.objects.bulk_create(rows_events, batch_size=BATCH)
        made += size
        print(f"\r{made} cases", end="", file=sys.stderr)
    print(file=sys.stderr)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def timed(client: Client, url: str, user: str | None, n: int) -> tuple[list[float], int]:
    headers = {"HTTP_AUTHORIZATION": f"Token demo-{user}"} if user else {}
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url, **headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, user, response.content[:300])
    with CaptureQueriesContext(connection) as queries:
        client.get(url, **headers)
    return times, len(queries)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_catalog", stdout=io.StringIO())
    call_command("seed_demo", allow_production=True, stdout=io.StringIO())
    start = time.perf_counter()
    clone(args.cases)
    build_s = time.perf_counter() - start
    client = Client()
    station = Organization.objects.filter(kind=Organization.Kind.STATION).values_list("code", flat=True).first()
    rows: list[tuple[str, str, float]] = []  # (kind, label, target ms)
    checks = [("inbox", f"/api/tasks/ ({u})", "/api/tasks/", u, 20) for u in USERS]
    checks += [
        ("cases", "/api/cases/ (chief)", "/api/cases/", "chief", 50),
        ("cases", "/api/cases/?offset=1000 (chief)", "/api/cases/?offset=1000", "chief", 50),
        ("cases", "/api/cases/?status=running", "/api/cases/?status=running", "chief", 50),
        ("cases", "/api/cases/?power=JF-01", "/api/cases/?power=JF-01", "chief", 50),
        ("cases", "/api/cases/?light=red", "/api/cases/?light=red", "chief", 50),
        ("cases", f"/api/cases/?organization={station}", f"/api/cases/?organization={station}", "chief", 50),
        ("cases", "/api/cases/ (handler)", "/api/cases/", "handler", 50),
        ("public", "/api/public/notices/", "/api/public/notices/", None, 20),
    ]
    timed(client, "/api/list-version/", None, 3)
    base, base_statements = timed(client, "/api/list-version/", None, args.requests)
    base_p50 = statistics.median(base)
    vendor = connection.vendor
    print(f"{Case.objects.count()} cases, {WorkItem.objects.count()} open tasks, "
          f"{Timer.objects.filter(bpmn_id=NOTICE_TIMER_ID, status='pending').count()} notices up; {vendor}; "
          f"built in {build_s:.0f} s; {args.requests} requests each, server time in ms (WSGI in process)")
    print(f"baseline GET /api/list-version/: p50 {base_p50:.2f} ms, {base_statements} statements")
    print(f"{'request':<40} {'p50':>7} {'p95':>7} {'p95/base':>9} {'SQL':>4} {'target p95':>11}")
    missed = []
    for kind, label, url, user, target in checks:
        times, statements = timed(client, url, user, args.requests)
        print(f"{label:<40} {statistics.median(times):7.2f} {p95(times):7.2f} {p95(times) / base_p50:8.1f}x "
              f"{statements:4d} {'≤ ' + str(target) + ' ms':>11}")
        if p95(times) > target:
            missed.append(label)
    print(f"targets missed: {', '.join(missed) if missed else 'none'}"
          + ("" if vendor == "postgresql" else " (the targets are for PostgreSQL at 100k cases)"))


if __name__ == "__main__":
    main()
