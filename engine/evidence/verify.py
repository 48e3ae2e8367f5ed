"""Verification of the whole record against signed checkpoints.

Beyond each case's own chain (engine/audit.py), it checks that every leaf of the transparency log
is still in the database unchanged, that the log hashes to every validly signed checkpoint
(those in the database and those held elsewhere, e.g. the county's daily files), that the
definitions are the ones the cases started on, and that each case's snapshot is the state its
chain ends in. Every finding names its class, the case, the first bad sequence or the missing
range, and the checkpoint that proves it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any
from uuid import UUID

from django.utils.translation import gettext as _

from engine import audit, bpmn
from engine import exceptions as exc
from engine.evidence import keys, merkle
from engine.evidence.log import CASE_CHAIN, checkpoint_dict, leaf_data
from engine.evidence.models import Checkpoint, LogLeaf
from engine.evidence.verify_bundle import checkpoint_signature_ok
from engine.models import AuditEvent, Case, ProcessDefinition

CHAIN_BROKEN = "chain_broken"
EVENT_REWRITTEN = "event_rewritten"
EVENTS_MISSING = "events_missing"
CASE_DELETED = "case_deleted"
DEFINITION_CHANGED = "definition_changed"
SNAPSHOT_CHANGED = "snapshot_changed"
CHECKPOINT_FORGED = "checkpoint_forged"
CHECKPOINTS_INCONSISTENT = "checkpoints_inconsistent"
LOG_REWRITTEN = "log_rewritten"


@dataclass
class Finding:
    kind: str
    message: str
    case: str = ""
    reference: str = ""
    first_sequence: int | None = None
    last_sequence: int | None = None
    checkpoint: dict[str, Any] | None = None

    def line(self) -> str:
        where = f"{self.reference} ({self.case})" if self.case else ""
        seq = ""
        if self.first_sequence is not None:
            seq = f"第 {self.first_sequence} 条" if self.last_sequence in (None, self.first_sequence) else \
                f"第 {self.first_sequence}–{self.last_sequence} 条"  # fmt: skip
        proof = f"；证据：检查点 {self.checkpoint['tree_size']} @ {self.checkpoint['time']}" if self.checkpoint else ""
        return f"[{self.kind}] {where} {seq}：{self.message}{proof}".replace("  ", " ").strip()


@dataclass
class EvidenceReport:
    findings: list[Finding] = field(default_factory=list)
    cases: int = 0
    events: int = 0
    leaves: int = 0
    checkpoints: int = 0
    latest_checkpoint: dict[str, Any] | None = None
    unlogged_events: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"ok": self.ok}

    def for_case(self, case_id: str) -> list[Finding]:
        return [f for f in self.findings if f.case == case_id or not f.case]


def verify_all(
    *, external: Iterable[dict[str, Any]] = (), public_key=None, case_ids: Iterable[str] | None = None,
    snapshots: bool = True,
) -> EvidenceReport:  # fmt: skip
    """Verify chains, log and checkpoints (all cases, or only `case_ids` for the per-case parts).

    `external`: checkpoint dicts or day exports (with their leaves) held outside the database.
    """
    report = EvidenceReport()
    only = {str(c) for c in case_ids} if case_ids is not None else None
    if public_key is None:
        try:
            public_key = keys.public_key()
        except keys.SigningKeyMissing:
            public_key = None  # no key on this machine: no checkpoint can be trusted
    checkpoints, external_leaves = _gather(external)
    checkpoints += [checkpoint_dict(c) for c in Checkpoint.objects.order_by("tree_size", "time")]
    good = _signed(checkpoints, public_key, report)
    rows = list(LogLeaf.objects.order_by("index").values_list(
        "index", "chain", "case_id", "reference", "sequence", "event_hash", "leaf_hash"))  # fmt: skip
    report.leaves = len(rows)
    trusted = _check_log(rows, good, external_leaves, report)
    report.checkpoints = len(good)
    report.latest_checkpoint = max(good, key=lambda c: c["tree_size"], default=None)

    cases = {str(c.pk): c for c in Case.objects.select_related("definition").order_by("started_at", "pk")
             if only is None or str(c.pk) in only}  # fmt: skip
    report.cases = len(cases)
    events = defaultdict(dict)
    query = AuditEvent.objects.values_list("case_id", "sequence", "hash")
    if only is not None:
        query = query.filter(case_id__in=list(cases))
    for case_id, sequence, event_hash in query.iterator(chunk_size=20000):
        events[str(case_id)][sequence] = event_hash
        report.events += 1
    _check_leaves_against_events(trusted, events, set(cases), only, good, report)
    logged = {(leaf["case"], leaf["sequence"]) for leaf in trusted}
    report.unlogged_events = sum(1 for c, seqs in events.items() for s in seqs if (c, s) not in logged)
    first_leaf = {}
    for leaf in trusted:
        first_leaf.setdefault((leaf["case"], leaf["sequence"]), leaf["index"])
    definitions: dict[int, str] = {}
    for case_id, case in cases.items():
        chain = audit.verify_case(case)
        if not chain.ok:
            report.findings.append(Finding(CHAIN_BROKEN, chain.problem, case_id, case.reference, chain.first_bad_sequence))
            continue
        _check_definition(case, definitions, first_leaf, good, report)
        if snapshots:
            _check_snapshot(case, report)
    return report


def _gather(external: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]:
    checkpoints: list[dict[str, Any]] = []
    leaves: dict[int, dict[str, Any]] = {}
    for item in external:
        if "checkpoints" in item:  # a day export
            checkpoints += [c | {"source": item.get("source", "file")} for c in item["checkpoints"]]
            for leaf in item.get("leaves", []):
                leaves[leaf["index"]] = leaf
        else:
            checkpoints.append(dict(item) | {"source": item.get("source", "file")})
    return checkpoints, leaves


def _signed(checkpoints: list[dict[str, Any]], public_key, report: EvidenceReport) -> list[dict[str, Any]]:
    good, seen = [], set()
    for checkpoint in checkpoints:
        key = (checkpoint["tree_size"], checkpoint["root_hash"], checkpoint["time"])
        if key in seen:
            continue
        seen.add(key)
        if public_key is not None and checkpoint_signature_ok(checkpoint, public_key):
            good.append(checkpoint)
        else:
            report.findings.append(Finding(CHECKPOINT_FORGED, _("检查点签名无效（伪造或被改动），不予采信"),
                                           checkpoint=_public(checkpoint)))  # fmt: skip
    return sorted(good, key=lambda c: (c["tree_size"], c["time"]))


def _public(checkpoint: dict[str, Any]) -> dict[str, Any]:
    return {k: checkpoint[k] for k in ("tree_size", "root_hash", "time", "origin") if k in checkpoint} | {
        "source": checkpoint.get("source", "database")}


def _leaf_dict(row) -> dict[str, Any]:
    index, chain, case_id, reference, sequence, event_hash, _leaf = row
    return {"index": index, "chain": chain, "case": str(case_id) if case_id else "", "reference": reference,
            "sequence": sequence, "hash": event_hash}  # fmt: skip


def _hash_of(leaf: dict[str, Any]) -> bytes:
    return merkle.leaf_hash(leaf_data(chain=leaf["chain"], case_id=leaf["case"], reference=leaf["reference"],
                                      sequence=leaf["sequence"], event_hash=leaf["hash"]))  # fmt: skip


def _check_log(rows, good: list[dict[str, Any]], external_leaves, report: EvidenceReport) -> list[dict[str, Any]]:
    """The log's leaves as the checkpoints prove them: the database's rows where they hash to the
    signed roots, else the county's copy (day exports) where one is given. Returns the trusted leaves."""
    leaves = [_leaf_dict(row) for row in rows]
    for position, leaf in enumerate(leaves):
        if leaf["index"] != position:
            leaves = leaves[:position]  # a gap: what follows cannot be placed
            break
    roots = merkle.roots_at((_hash_of(leaf) for leaf in leaves), [c["tree_size"] for c in good])
    matching = [c for c in good if roots.get(c["tree_size"]) == bytes.fromhex(c["root_hash"])]
    failing = [c for c in good if c not in matching]
    for bad in failing:
        later = [c for c in matching if c["tree_size"] >= bad["tree_size"]]
        if later:
            report.findings.append(Finding(CHECKPOINTS_INCONSISTENT,
                _("两个有效签名的检查点互不一致（日志分叉）：检查点 %(a)s 与检查点 %(b)s 所证明的日志不是同一前缀")
                % {"a": bad["tree_size"], "b": later[0]["tree_size"]}, checkpoint=_public(bad)))  # fmt: skip
            continue
        below = max((c["tree_size"] for c in matching if c["tree_size"] < bad["tree_size"]), default=0)
        if len(leaves) < bad["tree_size"]:
            message = _("数据库中的透明日志只有 %(have)s 个叶，检查点签署了 %(size)s 个（日志被截短）")
        else:
            message = _("数据库中的透明日志与检查点不符：第 %(first)s 至 %(size)s 个叶被改动")
        report.findings.append(Finding(LOG_REWRITTEN, message % {"have": len(leaves), "size": bad["tree_size"],
                                       "first": below + 1}, checkpoint=_public(bad)))  # fmt: skip
    if not failing:
        return leaves
    # the database's log is not what was signed: fall back to the county's copy where it is held
    trusted = []
    for position in range(max([len(leaves)] + [i + 1 for i in external_leaves])):
        if position in external_leaves:
            trusted.append(external_leaves[position])
        elif position < len(leaves):
            trusted.append(leaves[position])
    return trusted


def _check_leaves_against_events(trusted, events, existing_cases, only, good, report: EvidenceReport) -> None:
    by_case: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for leaf in trusted:
        if leaf["chain"] == CASE_CHAIN and (only is None or leaf["case"] in only):
            by_case[leaf["case"]].append(leaf)
    for case_id, leaves in by_case.items():
        leaves.sort(key=lambda leaf: leaf["sequence"])
        reference = leaves[0]["reference"]
        have = events.get(case_id, {})
        proof = _covering(good, leaves[0]["index"])
        if case_id not in existing_cases and not have:
            report.findings.append(Finding(
                CASE_DELETED, _("整个案件（含其全部审计事件）已从数据库中删除"), case_id, reference,
                leaves[0]["sequence"], leaves[-1]["sequence"], proof))  # fmt: skip
            continue
        missing = [leaf for leaf in leaves if leaf["sequence"] not in have]
        changed = [leaf for leaf in leaves if leaf["sequence"] in have and have[leaf["sequence"]] != leaf["hash"]]
        if changed:
            first = changed[0]
            report.findings.append(Finding(
                EVENT_REWRITTEN, _("审计事件与透明日志记录的哈希不符（历史被改写，哈希被重算）"), case_id, reference,
                first["sequence"], None, _covering(good, first["index"])))  # fmt: skip
        if missing:
            tail = min(leaf["sequence"] for leaf in missing) > max(have, default=0)
            message = _("审计事件被删除（删去链尾并回退案件记录）") if tail else _("审计事件被删除")
            report.findings.append(Finding(
                EVENTS_MISSING, message, case_id, reference, missing[0]["sequence"], missing[-1]["sequence"],
                _covering(good, missing[0]["index"])))  # fmt: skip


def _covering(good: list[dict[str, Any]], index: int) -> dict[str, Any] | None:
    found = next((c for c in good if c["tree_size"] > index), None)
    return _public(found) if found else None


def _check_definition(case: Case, definitions: dict[int, str], first_leaf, good, report: EvidenceReport) -> None:
    definition: ProcessDefinition = case.definition
    if definition.pk not in definitions:
        definitions[definition.pk] = bpmn.sources_sha256(definition.sources)
    actual = definitions[definition.pk]
    started = case.audit_events.filter(sequence=1).values_list("payload", flat=True).first() or {}
    pinned = started.get("definition_sha256") or definition.sha256
    if actual != pinned or actual != definition.sha256:
        index = first_leaf.get((str(case.pk), 1))
        report.findings.append(Finding(
            DEFINITION_CHANGED,
            _("流程定义被改动：源文件摘要为 %(actual)s，案件立案时绑定的是 %(pinned)s")
            % {"actual": actual[:16], "pinned": pinned[:16]},
            str(case.pk), case.reference, 1, None, _covering(good, index) if index is not None else None))  # fmt: skip


def _check_snapshot(case: Case, report: EvidenceReport) -> None:
    from engine.services._case_io import _load_state, _work_items

    try:
        _load_state(case, _work_items(case))
    except exc.SnapshotTampered as error:
        report.findings.append(Finding(SNAPSHOT_CHANGED, _("流程快照或状态摘要与审计链最后一条事件记录的状态不符（快照被改动）"),
                                       str(case.pk), case.reference, error.details["sequence"]))  # fmt: skip
    except exc.EngineError as error:
        report.findings.append(Finding(SNAPSHOT_CHANGED, str(error), str(case.pk), case.reference, case.last_sequence))


def case_findings(case_id: UUID | str) -> EvidenceReport:
    return verify_all(case_ids=[str(case_id)])
