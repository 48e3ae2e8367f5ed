#!/usr/bin/env python
"""Benchmark: per-step cost of the service layer vs raw SpiffWorkflow, measured in the same run.

Service layer: N cases of the sample process through engine.services on SQLite with durable
commits (WAL, synchronous=FULL): lock, load, validate, step, work items, timers, state hash,
audit event, commit. Baseline: the same steps by raw SpiffWorkflow in memory, with an
instance-only JSON dump and load per step. Prints median and p95 per step (ms) and the ratio.

    .venv/bin/python benchmarks/engine_steps.py [--cases 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="bench-")
os.environ["SQLITE_PATH"] = os.path.join(_tmp, "bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.pop("DATABASE_URL", None)
os.environ["DJANGO_DEBUG"] = "0"  # no per-query logging, as in production
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + os.urandom(24).hex())  # DEBUG off needs a key

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow  # noqa: E402
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

from engine import bpmn, services  # noqa: E402
from engine.models import Organization, WorkItem  # noqa: E402
from tests.conftest import sample_sources  # noqa: E402

MEMBERS = ["alice", "bob", "carol"]
STEPS = ["start", "accept", "review", "vote×3", "chief", "objection", "assess", "timer", "file"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def service_run(n: int) -> dict[str, list[float]]:
    call_command("migrate", verbosity=0)
    call_command("seed_sample", verbosity=0)  # the sample's users, each holding his lane's position
    users = {user.username: user for user in get_user_model().objects.all()}
    org = Organization.objects.filter(kind=Organization.Kind.TOWNSHIP).order_by("pk").first()  # seed_sample's
    services.register_definition(process_id="sample_approval", sources=sample_sources())
    times: dict[str, list[float]] = defaultdict(list)
    t0 = datetime(2026, 3, 2, 1, tzinfo=timezone.utc)

    def timed(step: str, fn):
        start = time.perf_counter()
        result = fn()
        times[step].append((time.perf_counter() - start) * 1000)
        return result

    def item(case, bpmn_id, **filters):
        return WorkItem.objects.get(case=case, bpmn_id=bpmn_id, **filters).task_id

    for i in range(n):
        now = t0 + timedelta(hours=i)
        case = timed("start", lambda: services.start_case(process_id="sample_approval", actor=users["clerk"],
                                                          organization=org, now=now, data={"members": MEMBERS}))
        for step, who, bpmn_id, data in [
            ("accept", "clerk", "accept", {"materials_complete": True, "applicant": "张三"}),
            ("review", "handler", "review", {"review_ok": True, "opinion": "符合"}),
        ]:
            tid = item(case, bpmn_id)
            timed(step, lambda: services.complete_task(case.pk, task_id=tid, actor=users[who], data=data, now=now))
        for member in MEMBERS:
            tid = item(case, "vote", member=member)
            timed("vote×3", lambda: services.complete_task(case.pk, task_id=tid, actor=users[member],
                                                           data={"stance": "agree", "reason": ""}, now=now))
        tid = item(case, "chief_decision")
        timed("chief", lambda: services.complete_task(case.pk, task_id=tid, actor=users["chief"],
                                                      data={"approved": True}, now=now))
        timed("objection", lambda: services.send_message(case.pk, name="objection", data={"text": "异议"},
                                                         actor=None, now=now + timedelta(days=1)))
        tid = item(case, "assess_objection")
        timed("assess", lambda: services.complete_task(case.pk, task_id=tid, actor=users["archivist"],
                                                       data={"upheld": False, "finding": "不成立"},
                                                       now=now + timedelta(days=1)))  # after the objection
        timed("timer", lambda: services.fire_case_timers(case.pk, now=now + timedelta(days=8)))
        tid = item(case, "file_it")
        timed("file", lambda: services.complete_task(case.pk, task_id=tid, actor=users["archivist"],
                                                     data={"archive_number": f"A-{i}", "retention": "永久"},
                                                     now=now + timedelta(days=8)))
    return times


def raw_run(n: int) -> dict[str, list[float]]:
    """The floor: SpiffWorkflow in memory, instance-only JSON dump + load around every step."""
    parsed = bpmn.parse_definition(sample_sources(), "sample_approval")
    times: dict[str, list[float]] = defaultdict(list)
    t0 = datetime(2026, 3, 2, 1, tzinfo=timezone.utc)

    def ready(wf, bpmn_id, member=None):
        for t in wf.get_tasks(state=TaskState.READY, manual=True):
            spec_id = t.task_spec.bpmn_id or t.parent.task_spec.bpmn_id
            if spec_id == bpmn_id and (member is None or t.data.get("member") == member):
                return t
        raise LookupError(bpmn_id)

    def step(name, saved, action):
        start = time.perf_counter()
        wf = bpmn.loads(saved, parsed) if saved is not None else None
        wf = action(wf)
        out = bpmn.dumps(wf)
        times[name].append((time.perf_counter() - start) * 1000)
        return out

    def complete(bpmn_id, data, member=None):
        def action(wf):
            task = ready(wf, bpmn_id, member)
            task.set_data(**data)
            task.run()
            wf.do_engine_steps()
            return wf
        return action

    for i in range(n):
        now = t0 + timedelta(hours=i)
        with bpmn.clock(now):
            def start(_):
                wf = BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=bpmn.SCRIPT_ENGINE)
                wf.spec_sha256 = parsed.sha256
                wf.get_next_task(state=TaskState.READY).set_data(members=MEMBERS)
                wf.do_engine_steps()
                return wf
            saved = step("start", None, start)
            saved = step("accept", saved, complete("accept", {"materials_complete": True, "applicant": "张三"}))
            saved = step("review", saved, complete("review", {"review_ok": True, "opinion": "符合"}))
            for member in MEMBERS:
                saved = step("vote×3", saved, complete("vote", {"stance": "agree", "reason": "",
                                                                 "ballot": {"member": member, "stance": "agree"}}, member))
            saved = step("chief", saved, complete("chief_decision", {"approved": True}))

            def objection(wf):
                wf.send_event(BpmnEvent(MessageEventDefinition("objection"), payload={"text": "异议"}))
                wf.do_engine_steps()
                return wf
            saved = step("objection", saved, objection)
            saved = step("assess", saved, complete("assess_objection", {"upheld": False, "finding": "不成立"}))
        with bpmn.clock(now + timedelta(days=8)):
            def fire(wf):
                wf.refresh_timers()
                wf.do_engine_steps()
                return wf
            saved = step("timer", saved, fire)
            saved = step("file", saved, complete("file_it", {"archive_number": f"A-{i}", "retention": "永久"}))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50)
    args = parser.parse_args()
    raw_run(5)  # warm caches and imports for both
    raw = raw_run(args.cases)
    service = service_run(args.cases)
    print(f"{args.cases} cases of the sample process; SQLite WAL synchronous=FULL; times in ms per step")
    print(f"{'step':<10} {'service p50':>11} {'p95':>7} {'raw p50':>8} {'p95':>7} {'ratio p50':>9}")
    all_service, all_raw = [], []
    for name in STEPS:
        s, r = service[name], raw[name]
        all_service += s
        all_raw += r
        print(f"{name:<10} {statistics.median(s):11.2f} {percentile(s, .95):7.2f} {statistics.median(r):8.2f} "
              f"{percentile(r, .95):7.2f} {statistics.median(s) / statistics.median(r):9.1f}x")
    ratio = statistics.median(all_service) / statistics.median(all_raw)
    print(f"{'all steps':<10} {statistics.median(all_service):11.2f} {percentile(all_service, .95):7.2f} "
          f"{statistics.median(all_raw):8.2f} {percentile(all_raw, .95):7.2f} {ratio:9.1f}x")


if __name__ == "__main__":
    main()
