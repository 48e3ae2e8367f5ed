"""The offline inspector bundle of one case: one zip with its events, the definition sources, the
inclusion proofs of its events in the latest checkpoint, the checkpoints with consistency proofs
between them, the township's public key, and a standalone verifier with its README."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from engine import audit
from engine.evidence import keys, log
from engine.evidence.models import Checkpoint, LogLeaf
from engine.evidence.verify_bundle import BUNDLE_FORMAT
from engine.models import Case

HERE = Path(__file__).resolve().parent
INLINE_MARK = "# bundle: inline merkle.py"
MAX_CHECKPOINTS = 24  # the first covering the case, the latest, and evenly spaced ones between


def standalone_verifier() -> str:
    """verify_bundle.py with merkle.py inlined: one file needing only Python and `cryptography`."""
    merkle = [line for line in (HERE / "merkle.py").read_text(encoding="utf-8").splitlines()
              if not line.startswith("from __future__")]  # fmt: skip
    lines = []
    for line in (HERE / "verify_bundle.py").read_text(encoding="utf-8").splitlines():
        lines += ["# ---- merkle.py (RFC 9162), inlined ----", *merkle, "# ---- end of merkle.py ----"] \
            if INLINE_MARK in line else [line]  # fmt: skip
    return "\n".join(lines) + "\n"


def event_dict(event) -> dict[str, Any]:
    return {"sequence": event.sequence, "kind": event.kind, "actor": event.actor_name,
            "at": audit.canonical_time(event.at), "bpmn_id": event.bpmn_id, "mi_index": event.mi_index,
            "payload": event.payload, "state_hash": event.state_hash, "prev_hash": event.prev_hash,
            "hash": event.hash, "hash_scheme": event.hash_scheme}  # fmt: skip


def _chosen_checkpoints(first_index: int | None) -> list[Checkpoint]:
    query = Checkpoint.objects.order_by("tree_size", "time")
    if first_index is not None:
        first = query.filter(tree_size__gt=first_index).first()
        if first is not None:
            query = query.filter(tree_size__gte=first.tree_size)
    chosen = list(query)
    if len(chosen) > MAX_CHECKPOINTS:
        step = (len(chosen) - 1) / (MAX_CHECKPOINTS - 1)
        chosen = [chosen[round(i * step)] for i in range(MAX_CHECKPOINTS)]
    return chosen


def build_bundle(case: Case) -> bytes:
    events = list(case.audit_events.order_by("sequence"))
    leaves = {row.sequence: row for row in LogLeaf.objects.filter(chain=log.CASE_CHAIN, case_id=case.pk)}
    first_index = min((row.index for row in leaves.values()), default=None)
    checkpoints = _chosen_checkpoints(first_index)
    latest = checkpoints[-1] if checkpoints else None
    hashes = log.leaf_hashes(latest.tree_size) if latest else []
    proofs: dict[str, Any] = {"tree_size": latest.tree_size if latest else None, "events": [], "consistency": []}
    if latest is not None:
        for sequence, row in sorted(leaves.items()):
            if row.index < latest.tree_size:
                proofs["events"].append({"sequence": sequence, "leaf_index": row.index,
                                         "proof": log.inclusion(row.index, latest.tree_size, hashes)})  # fmt: skip
        for first, second in zip(checkpoints, checkpoints[1:], strict=False):
            proofs["consistency"].append({"from": first.tree_size, "to": second.tree_size,
                                          "proof": log.consistency(first.tree_size, second.tree_size, hashes)})  # fmt: skip
    definition = case.definition
    manifest = {
        "format": BUNDLE_FORMAT,
        "case": {"id": str(case.pk), "reference": case.reference, "power_code": case.power_code,
                 "status": case.status, "last_sequence": case.last_sequence, "last_hash": case.last_hash,
                 "state_hash": case.state_hash,
                 "definition": {"process_id": definition.process_id, "version": definition.version,
                                "sha256": definition.sha256, "spiff_version": definition.spiff_version}},
        "origin": latest.origin if latest else "",
    }  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        _put(bundle, "manifest.json", manifest)
        _put(bundle, "events.json", [event_dict(e) for e in events])
        _put(bundle, "checkpoints.json", [log.checkpoint_dict(c) for c in checkpoints])
        _put(bundle, "proofs.json", proofs)
        for name, text in sorted(definition.sources.items()):
            bundle.writestr(f"definition/{name}", text)
        bundle.writestr("public_key.pem", keys.public_pem(keys.public_key()))
        bundle.writestr("verify_bundle.py", standalone_verifier())
        bundle.writestr("README.md", (HERE / "BUNDLE_README.md").read_text(encoding="utf-8"))
    return buffer.getvalue()


def _put(bundle: zipfile.ZipFile, name: str, value: Any) -> None:
    bundle.writestr(name, json.dumps(value, ensure_ascii=False, indent=1))
