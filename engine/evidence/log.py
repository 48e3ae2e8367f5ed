"""The transparency log: every committed audit event becomes a leaf, in commit order, and the
tree head is signed into checkpoints (at intervals by the timer worker, and on demand).

Leaf data is the RFC 8785 form of ``{"chain", "case", "reference", "sequence", "hash"}``: it
names the event and commits to its chain hash (which commits to the event and all before it).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from engine import audit
from engine.evidence import keys, merkle
from engine.evidence.models import Checkpoint, LogLeaf
from engine.evidence.verify_bundle import checkpoint_text
from engine.models import AuditEvent

CASE_CHAIN = "case"


def leaf_data(*, chain: str, case_id: Any, reference: str, sequence: int, event_hash: str) -> bytes:
    return audit.canonical_bytes({
        "chain": chain, "case": str(case_id) if case_id else "", "reference": reference,
        "sequence": sequence, "hash": event_hash,
    })  # fmt: skip


def leaf_of(row: LogLeaf) -> bytes:
    return leaf_data(chain=row.chain, case_id=row.case_id, reference=row.reference, sequence=row.sequence,
                     event_hash=row.event_hash)  # fmt: skip


def append_new_leaves(*, now: datetime) -> int:
    """Append every committed case event that is not yet in the log, in commit (id) order.

    One sequencer at a time: a concurrent one loses on the leaf index and appends nothing.
    """
    unlogged = AuditEvent.objects.filter(
        ~Exists(LogLeaf.objects.filter(chain=CASE_CHAIN, case_id=OuterRef("case_id"), sequence=OuterRef("sequence")))
    ).order_by("id")
    try:
        with transaction.atomic():
            size = LogLeaf.objects.count()
            rows = []
            for case_id, reference, sequence, event_hash in unlogged.values_list(
                "case_id", "case__reference", "sequence", "hash"
            ).iterator(chunk_size=5000):
                data = leaf_data(chain=CASE_CHAIN, case_id=case_id, reference=reference, sequence=sequence,
                                 event_hash=event_hash)  # fmt: skip
                rows.append(LogLeaf(index=size + len(rows), chain=CASE_CHAIN, case_id=case_id, reference=reference,
                                    sequence=sequence, event_hash=event_hash,
                                    leaf_hash=merkle.leaf_hash(data).hex(), logged_at=now))  # fmt: skip
            LogLeaf.objects.bulk_create(rows, batch_size=2000)
    except IntegrityError:
        return 0
    return len(rows)


def leaf_hashes(upto: int | None = None) -> list[bytes]:
    query = LogLeaf.objects.order_by("index").values_list("leaf_hash", flat=True)
    if upto is not None:
        query = query.filter(index__lt=upto)
    return [bytes.fromhex(value) for value in query.iterator(chunk_size=20000)]


def make_checkpoint(*, now: datetime, force: bool = True) -> Checkpoint | None:
    """Append the new leaves and sign the tree head. Without `force`, only when the log grew
    since the last checkpoint and that one is older than EVIDENCE_CHECKPOINT_SECONDS."""
    append_new_leaves(now=now)
    last = Checkpoint.objects.order_by("-tree_size", "-time").first()
    size = LogLeaf.objects.count()
    if not force and last is not None:
        fresh = now - last.time < timedelta(seconds=settings.EVIDENCE_CHECKPOINT_SECONDS)
        if last.tree_size == size or fresh:
            return None
    root_hex = merkle.root(leaf_hashes(size)).hex()
    origin = settings.EVIDENCE_LOG_ORIGIN
    key_id, signature = keys.sign(checkpoint_text(origin, size, root_hex, audit.canonical_time(now)))
    return Checkpoint.objects.create(tree_size=size, root_hash=root_hex, origin=origin, time=now, key_id=key_id,
                                     signature=signature)  # fmt: skip


def checkpoint_dict(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "origin": checkpoint.origin, "tree_size": checkpoint.tree_size, "root_hash": checkpoint.root_hash,
        "time": audit.canonical_time(checkpoint.time), "key_id": checkpoint.key_id, "signature": checkpoint.signature,
    }  # fmt: skip


def public_key_info() -> dict[str, str]:
    key = keys.public_key()
    return {"algorithm": "Ed25519", "key_id": keys.key_id(key), "pem": keys.public_pem(key).decode("ascii")}


def inclusion(index: int, size: int, hashes: list[bytes] | None = None) -> list[str]:
    hashes = hashes if hashes is not None else leaf_hashes(size)
    return [p.hex() for p in merkle.inclusion_proof(index, hashes[:size])]


def consistency(first: int, second: int, hashes: list[bytes] | None = None) -> list[str]:
    hashes = hashes if hashes is not None else leaf_hashes(second)
    return [p.hex() for p in merkle.consistency_proof(first, hashes[:second])]


def leaf_dict(row: LogLeaf) -> dict[str, Any]:
    return {"index": row.index, "chain": row.chain, "case": str(row.case_id) if row.case_id else "",
            "reference": row.reference, "sequence": row.sequence, "hash": row.event_hash,
            "leaf_hash": row.leaf_hash}  # fmt: skip


def day_export(day: date) -> dict[str, Any]:
    """The file the county keeps for one day: that day's checkpoints, every leaf they added, and
    the consistency proof from the last checkpoint before the day (so the files chain)."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=settings_tz())
    end = start + timedelta(days=1)
    todays = list(Checkpoint.objects.filter(time__gte=start, time__lt=end).order_by("tree_size", "time"))
    before = Checkpoint.objects.filter(time__lt=start).order_by("-tree_size", "-time").first()
    first = before.tree_size if before else 0
    last = todays[-1].tree_size if todays else first
    hashes = leaf_hashes(last)
    proofs = []
    previous = before
    for checkpoint in todays:
        if previous is not None:
            proofs.append({"from": previous.tree_size, "to": checkpoint.tree_size,
                           "proof": consistency(previous.tree_size, checkpoint.tree_size, hashes)})  # fmt: skip
        previous = checkpoint
    leaves = LogLeaf.objects.filter(index__gte=first, index__lt=last).order_by("index")
    return {
        "format": "township-transparency-day/1", "day": day.isoformat(), "public_key": public_key_info(),
        "previous_checkpoint": checkpoint_dict(before) if before else None,
        "checkpoints": [checkpoint_dict(c) for c in todays], "consistency": proofs,
        "leaves": [leaf_dict(row) for row in leaves],
    }  # fmt: skip


def settings_tz():
    from django.utils import timezone

    return timezone.get_default_timezone()


def signature_bytes(checkpoint: dict[str, Any]) -> bytes:
    return base64.b64decode(checkpoint["signature"])


def covering(checkpoints: Iterable[dict[str, Any]], index: int) -> dict[str, Any] | None:
    """The earliest checkpoint that includes leaf `index`."""
    return min((c for c in checkpoints if c["tree_size"] > index), key=lambda c: c["tree_size"], default=None)
