#!/usr/bin/env python
"""Benchmark: signing checkpoints over, and verifying, 100k audit events, against a baseline
measured in the same run (recomputing every event's chain hash, which verify_audit always did).

Synthetic history on SQLite: C cases × E events each, written with real chain hashes (RFC 8785)
straight into the table (the services would take hours for 100k events). Measures, in events/s:
  baseline    recompute all chain hashes (audit.verify_case over every case)
  checkpoint  first checkpoint: sequence 100k leaves, Merkle root, Ed25519 signature
  increment   a checkpoint after 1% more events
  verify      verify_audit's evidence check (chains + log vs every checkpoint + leaves vs events
              + definitions; snapshots off: the synthetic cases have no workflow to load)
    .venv/bin/python benchmarks/evidence.py [--cases 1000 --events 100]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import fresh_sqlite_django  # noqa: E402

fresh_sqlite_django("bench-evidence-", signing_key=True)

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from engine import audit, services  # noqa: E402
from engine.evidence import keys, log  # noqa: E402
from engine.evidence.verify import verify_all  # noqa: E402
from engine.models import AuditEvent, Case, Organization  # noqa: E402
from tests.conftest import sample_sources  # noqa: E402

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def make_history(cases: int, events: int, start: int = 0) -> None:
    definition, _ = services.register_definition(process_id="sample_approval", sources=sample_sources())
    org = Organization.objects.get_or_create(code="bench", defaults={"name": "示范乡", "kind": "township"})[0]
    for c in range(start, start + cases):
        with transaction.atomic():
            case = Case.objects.create(reference=f"BENCH-{c:06d}", definition=definition, organization=org,
                                       township=org, workflow_json="{}", state_hash="s" * 64, started_at=T0,
                                       updated_at=T0)
            rows, prev = [], audit.GENESIS_HASH
            for n in range(1, events + 1):
                at = T0 + timedelta(minutes=n)
                payload = {"data": {"opinion": f"第 {n} 步意见", "amount": 200.0 + n}, "nth": 0} if n > 1 else \
                    {"data": {"applicant": "张三"}, "definition_sha256": definition.sha256}
                body = audit.event_body(sequence=n, kind="task_completed" if n > 1 else "case_started", actor_name="handler",
                                        at=at, bpmn_id="review", mi_index="", payload=payload, state_hash="s" * 64)
                digest = audit.chain_hash(prev, body)
                rows.append(AuditEvent(case=case, sequence=n, kind=body["kind"], actor_name="handler", at=at,
                                       bpmn_id="review", payload=payload, state_hash="s" * 64, prev_hash=prev,
                                       hash=digest, hash_scheme=audit.HASH_SCHEME))
                prev = digest
            AuditEvent.objects.bulk_create(rows)
            Case.objects.filter(pk=case.pk).update(last_sequence=events, last_hash=prev)


def timed(label: str, count: int, fn):
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"{label:<12} {count:>8} events  {seconds:8.2f} s  {count / seconds:>10.0f} events/s")
    return seconds, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--events", type=int, default=100)
    args = parser.parse_args()
    total = args.cases * args.events
    call_command("migrate", verbosity=0)
    keys.generate()
    print(f"writing {total} events ({args.cases} cases × {args.events}) …")
    make_history(args.cases, args.events)
    now = T0 + timedelta(days=1)
    base, _ = timed("baseline", total, lambda: [audit.verify_case(c) for c in Case.objects.all()])
    first, checkpoint = timed("checkpoint", total, lambda: log.make_checkpoint(now=now))
    extra = max(1, args.cases // 100)
    make_history(extra, args.events, start=args.cases)
    inc, _ = timed("increment", extra * args.events, lambda: log.make_checkpoint(now=now + timedelta(hours=1)))
    ver, report = timed("verify", total + extra * args.events, lambda: verify_all(snapshots=False))
    assert report.ok, [f.line() for f in report.findings[:5]]
    print(f"checkpoint of {checkpoint.tree_size} leaves: root {checkpoint.root_hash[:16]}…")
    print(f"ratios vs baseline (same run): checkpoint {first / base:.2f}×, verify {ver / (base * (total + extra * args.events) / total):.2f}×"
          f" (increment of {extra * args.events} events: {inc:.2f} s, the full tree root is recomputed)")


if __name__ == "__main__":
    main()
