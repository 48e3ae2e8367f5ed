#!/usr/bin/env python
"""Benchmark: a step's cost against the case's history. One case of the sample process takes K
objections during its notice period (each one examined); then the same steps (an objection and
its examination) are timed on that case and on a case with none, in the same run.

Prints per step: service time (ms), the snapshot's size, and the share of load, dump and state
hash; the ratio K objections / none (target ≤ 1.5x) and the snapshot growth (target: bounded).

    .venv/bin/python benchmarks/objections.py [--objections 200] [--repeat 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["SQLITE_PATH"] = os.path.join(tempfile.mkdtemp(prefix="bench-objections-"), "bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.pop("DATABASE_URL", None)
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + os.urandom(24).hex())

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from engine import bpmn, services, steps  # noqa: E402
from engine.models import Case, Organization, WorkItem  # noqa: E402
from tests.conftest import sample_sources  # noqa: E402

MEMBERS = ["alice", "bob", "carol"]
T0 = datetime(2026, 3, 2, 1, tzinfo=timezone.utc)


def to_notice(users, org, i: int) -> Case:
    """A sample case in its notice period (after the chief's decision)."""
    now = T0 + timedelta(hours=i)
    case = services.start_case(process_id="sample_approval", actor=users["clerk"], organization=org, now=now,
                               data={"members": MEMBERS})  # fmt: skip
    for who, bpmn_id, data in [("clerk", "accept", {"materials_complete": True, "applicant": "张三"}),
                               ("handler", "review", {"review_ok": True, "opinion": "符合"}),
                               *[(m, "vote", {"stance": "agree", "reason": ""}) for m in MEMBERS],
                               ("chief", "chief_decision", {"approved": True})]:  # fmt: skip
        filters = {"member": who} if bpmn_id == "vote" else {}
        item = WorkItem.objects.get(case=case, bpmn_id=bpmn_id, **filters)
        services.complete_task(case.pk, task_id=item.task_id, actor=users[who], data=data, now=now)
    return case


def objection(case: Case, users, now: datetime) -> tuple[float, float]:
    """One objection and its examination; (ms for the message, ms for the examination)."""
    start = time.perf_counter()
    services.send_message(case.pk, name="objection", data={"text": "异议"}, actor=None, now=now)
    middle = time.perf_counter()
    item = WorkItem.objects.get(case=case, bpmn_id="assess_objection")
    services.complete_task(case.pk, task_id=item.task_id, actor=users["archivist"],
                           data={"upheld": False, "finding": "不成立"}, now=now)  # fmt: skip
    return (middle - start) * 1000, (time.perf_counter() - middle) * 1000


def anatomy(case: Case) -> dict[str, float]:
    """The snapshot's size and the time to load, dump and hash it (ms)."""
    case.refresh_from_db()
    parsed = services.parsed_definition(case.definition)
    start = time.perf_counter()
    workflow = bpmn.loads(case.workflow_json, parsed)
    loaded = time.perf_counter()
    bpmn.dumps(workflow)
    dumped = time.perf_counter()
    steps.CaseState(parsed=parsed, workflow=workflow, status=case.status, claims={}).state_hash()
    hashed = time.perf_counter()
    return {"bytes": len(case.workflow_json), "tasks": len(workflow.tasks), "load": (loaded - start) * 1000,
            "dump": (dumped - loaded) * 1000, "hash": (hashed - dumped) * 1000}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objections", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=10, help="timed objections on each case")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("seed_sample", verbosity=0)
    services.register_definition(process_id="sample_approval", sources=sample_sources())
    users = {user.username: user for user in get_user_model().objects.all()}
    org = Organization.objects.filter(kind=Organization.Kind.TOWNSHIP).order_by("pk").first()
    fresh, loaded = to_notice(users, org, 0), to_notice(users, org, 1)
    now = T0 + timedelta(days=1)
    start = time.perf_counter()
    for _ in range(args.objections):
        objection(loaded, users, now)
    build_s = time.perf_counter() - start
    rows = {}
    for label, case in (("none", fresh), (f"{args.objections}", loaded)):
        shape = anatomy(case)
        timings = [objection(case, users, now + timedelta(hours=1)) for _ in range(args.repeat)]
        rows[label] = (statistics.median(t[0] for t in timings), statistics.median(t[1] for t in timings), shape)
    print(f"one sample case with {args.objections} objections (each examined; {build_s:.1f} s to build) against one "
          f"with none; SQLite; median of {args.repeat}")  # fmt: skip
    print(f"{'objections':<11} {'objection ms':>12} {'examine ms':>10} {'snapshot B':>11} {'tasks':>6} "
          f"{'load':>6} {'dump':>6} {'hash':>6}")
    for label, (message_ms, examine_ms, shape) in rows.items():
        print(f"{label:<11} {message_ms:12.2f} {examine_ms:10.2f} {shape['bytes']:11d} {shape['tasks']:6d} "
              f"{shape['load']:6.2f} {shape['dump']:6.2f} {shape['hash']:6.2f}")
    (m0, e0, s0), (m1, e1, s1) = rows["none"], rows[f"{args.objections}"]
    ratio = (m1 + e1) / (m0 + e0)
    print(f"step cost with {args.objections} objections / none: {ratio:.1f}x (target ≤ 1.5x: "
          f"{'met' if ratio <= 1.5 else 'NOT met'}); snapshot {s1['bytes'] / s0['bytes']:.1f}x")


if __name__ == "__main__":
    main()
