#!/usr/bin/env python
"""Benchmark: replay and chain verification rates, and storage per case, with same-run baselines.

Builds the demo township (load_catalog, seed_demo: cases of several real powers at every stage)
plus N finished cases of the sample process on SQLite, then on one core:

- replay: every case rebuilt from its definition and audit events (engine.replay.replay_case,
  which also checks the chain and the state hash after every event): events per second;
  baseline: the same steps by raw SpiffWorkflow (engine_steps.raw_run) in events per second;
- chain verification, hashes only (engine.audit.verify_events over events already read):
  events per second; baseline: sha256 over the same canonical bodies without the checks;
- `verify_audit` over all cases (reads included), events per second;
- storage per case by power: the snapshot and the audit events, in bytes.

Targets (issue 15): replay ≥ 2,000 events/s, chain verification ≥ 50,000 events/s.

    .venv/bin/python benchmarks/replay_rate.py [--cases 100]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from _setup import fresh_sqlite_django  # noqa: E402

fresh_sqlite_django("bench-replay-")

from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.db.models.functions import Length  # noqa: E402

from engine import audit  # noqa: E402
from engine.models import AuditEvent, Case  # noqa: E402
from engine.replay import replay_case  # noqa: E402
from engine_steps import raw_run, service_run  # noqa: E402


def build(n: int) -> None:
    call_command("migrate", verbosity=0)
    call_command("load_catalog", stdout=io.StringIO())
    call_command("seed_demo", allow_production=True, stdout=io.StringIO())
    service_run(n)  # N sample cases from start to filing (10 events each)


def storage() -> None:
    rows = defaultdict(lambda: [0, 0, 0])  # cases, snapshot bytes, events
    kinds = {}
    for pk, power, process, snapshot, n in Case.objects.annotate(
        snapshot=Length("workflow_json"), n=Count("audit_events")
    ).values_list("pk", "power_code", "definition__process_id", "snapshot", "n"):
        kinds[pk] = power or process
        rows[kinds[pk]][0] += 1
        rows[kinds[pk]][1] += snapshot
        rows[kinds[pk]][2] += n
    events_bytes = defaultdict(int)
    for event in AuditEvent.objects.iterator():
        events_bytes[kinds[event.case_id]] += len(audit.canonical_bytes(audit.body_of(event))) + 3 * 64
    print("storage per case (bytes; an event as its canonical body plus its three hashes)")
    print(f"{'kind':<24} {'cases':>5} {'snapshot':>9} {'events':>7} {'events/case':>11}")
    for key, (cases, snapshot, events) in sorted(rows.items()):
        print(f"{key:<24} {cases:5d} {snapshot / cases:9.0f} {events_bytes[key] / cases:7.0f} {events / cases:11.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100, help="sample cases besides the demo township")
    args = parser.parse_args()
    build(args.cases)
    cases = list(Case.objects.select_related("definition").order_by("started_at", "pk"))
    events_by_case = {case.pk: list(case.audit_events.order_by("sequence")) for case in cases}
    total = sum(len(v) for v in events_by_case.values())

    # replay (reads and parses included, as an inspector runs it)
    replay_case(cases[0])  # the definitions' parse is cached per process
    start = time.perf_counter()
    bad = [c.reference for c in cases if not replay_case(c).ok]
    replay_s = time.perf_counter() - start
    # the floor: raw SpiffWorkflow steps with a JSON dump and load each, per event
    raw = raw_run(max(10, args.cases // 5))
    raw_events = sum(len(v) for v in raw.values())
    raw_rate = raw_events / (sum(sum(v) for v in raw.values()) / 1000)

    # chain verification, hashes only, events in memory
    start = time.perf_counter()
    chain_bad = [c.reference for c in cases if not audit.verify_events(c, events_by_case[c.pk]).ok]
    chain_s = time.perf_counter() - start
    bodies = [audit.canonical_bytes(audit.body_of(e), e.hash_scheme) for v in events_by_case.values() for e in v]
    start = time.perf_counter()
    for body in bodies:
        hashlib.sha256(body).hexdigest()
    sha_s = time.perf_counter() - start

    # verify_audit as shipped (reads included), and without the snapshot checks
    start = time.perf_counter()
    call_command("verify_audit", stdout=io.StringIO(), stderr=io.StringIO())
    verify_s = time.perf_counter() - start
    start = time.perf_counter()
    try:
        call_command("verify_audit", "--no-snapshots", stdout=io.StringIO(), stderr=io.StringIO())
        chain_only_s = time.perf_counter() - start
    except TypeError:  # a verify_audit without the option
        chain_only_s = None

    per_case = [len(v) for v in events_by_case.values()]
    print(f"{len(cases)} cases, {total} audit events (median {statistics.median(per_case):.0f} per case); SQLite; one core")
    print(f"{'what':<36} {'events/s':>10} {'baseline/s':>11} {'ratio':>7} {'target':>9}")
    print(f"{'replay (replay_case, all checks)':<36} {total / replay_s:10.0f} {raw_rate:11.0f} "
          f"{raw_rate / (total / replay_s):6.1f}x {'≥ 2000':>9}")
    print(f"{'chain verification (hashes only)':<36} {total / chain_s:10.0f} {len(bodies) / sha_s:11.0f} "
          f"{(len(bodies) / sha_s) / (total / chain_s):6.1f}x {'≥ 50000':>9}")
    print(f"{'verify_audit (with reads)':<36} {total / verify_s:10.0f} {'':>11} {'':>7} {'':>9}")
    if chain_only_s is not None:
        print(f"{'verify_audit --no-snapshots':<36} {total / chain_only_s:10.0f} {'':>11} {'':>7} {'':>9}")
    print("(baselines: raw SpiffWorkflow steps with a JSON dump and load each; sha256 of the canonical bodies)")
    if bad or chain_bad:
        print(f"NOT OK: replay {bad[:5]}, chain {chain_bad[:5]}")
    storage()


if __name__ == "__main__":
    main()
