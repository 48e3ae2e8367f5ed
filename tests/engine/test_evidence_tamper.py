"""Tampering by someone with write access to the database, which the per-case chain alone lets
through, is caught against the signed checkpoints and named: the class, the case, the first bad
sequence or missing range, and the checkpoint that proves it."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError

from engine import audit, bpmn
from engine.evidence import keys, log, merkle
from engine.evidence import verify as ev
from engine.evidence.models import Checkpoint, LogLeaf
from engine.evidence.verify_bundle import checkpoint_text
from engine.models import AuditEvent, Case, ConflictDeclaration, ProcessDefinition, Timer, WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(driver):
    """A case with six events; its snapshot after event 4 kept (what a tail-cutter restores); a checkpoint."""
    driver.complete("clerk", "accept", {"materials_complete": True, "applicant": "张三"})
    driver.complete("handler", "review", {"review_ok": True, "opinion": "符合条件"})
    driver.vote("alice")
    at_four = Case.objects.values("workflow_json", "state_hash", "last_hash").get(pk=driver.case.pk)
    driver.vote("bob")
    driver.vote("carol")
    checkpoint = log.make_checkpoint(now=driver.tick())
    assert checkpoint.tree_size == 6
    case = Case.objects.get(pk=driver.case.pk)
    return case, at_four, checkpoint


def _only(report, kind):
    found = [f for f in report.findings if f.kind == kind]
    assert found, [f.line() for f in report.findings]
    return found[0]


def _rewrite_from(case, sequence, change):
    """Edit event `sequence` and recompute every hash after it, and the case head (a whole rewrite)."""
    prev = AuditEvent.objects.get(case=case, sequence=sequence - 1).hash if sequence > 1 else audit.GENESIS_HASH
    for event in AuditEvent.objects.filter(case=case, sequence__gte=sequence).order_by("sequence"):
        if event.sequence == sequence:
            change(event)
        digest = audit.chain_hash(prev, audit.body_of(event), event.hash_scheme)
        AuditEvent.objects.filter(pk=event.pk).update(payload=event.payload, actor_name=event.actor_name,
                                                      prev_hash=prev, hash=digest)  # fmt: skip
        prev = digest
    Case.objects.filter(pk=case.pk).update(last_hash=prev)


def test_an_untouched_record_verifies_against_its_checkpoint(record, capsys):
    assert ev.verify_all().ok
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "全部通过" in out and "6 个叶与 1 个签名检查点一致" in out


def test_whole_history_rewrite_with_recomputed_hashes(record):
    case, _, checkpoint = record

    def change(event):
        event.payload = {**event.payload, "data": {"review_ok": True, "opinion": "改过的意见"}}

    _rewrite_from(case, 3, change)
    assert audit.verify_case(Case.objects.get(pk=case.pk)).ok  # the chain alone is fooled
    finding = _only(ev.verify_all(), ev.EVENT_REWRITTEN)
    assert (finding.case, finding.reference, finding.first_sequence) == (str(case.pk), case.reference, 3)
    assert (finding.checkpoint["tree_size"], finding.checkpoint["root_hash"]) == (6, checkpoint.root_hash)


def test_tail_cut_with_the_case_head_moved_back(record):
    case, at_four, _ = record
    AuditEvent.objects.filter(case=case, sequence__gt=4).delete()
    Case.objects.filter(pk=case.pk).update(last_sequence=4, **at_four)
    assert audit.verify_case(Case.objects.get(pk=case.pk)).ok
    report = ev.verify_all()
    finding = _only(report, ev.EVENTS_MISSING)
    assert (finding.case, finding.first_sequence, finding.last_sequence) == (str(case.pk), 5, 6)
    assert finding.checkpoint["tree_size"] == 6 and "链尾" in finding.message
    assert [f.kind for f in report.findings] == [ev.EVENTS_MISSING]  # nothing else to blame


def test_deleting_a_whole_case(record):
    case, _, _ = record
    for model in (WorkItem, Timer, ConflictDeclaration, AuditEvent):
        model.objects.filter(case_id=case.pk).delete()
    Case.objects.filter(pk=case.pk).delete()
    finding = _only(ev.verify_all(), ev.CASE_DELETED)
    assert (finding.case, finding.reference, finding.first_sequence, finding.last_sequence) == (
        str(case.pk), case.reference, 1, 6)
    assert finding.checkpoint["tree_size"] == 6


def test_editing_a_definition_together_with_its_sha256(record):
    case, _, _ = record
    definition = case.definition
    sources = dict(definition.sources)
    name = "sample_approval.bpmn"
    sources[name] = sources[name].replace("review_ok == True", "review_ok == False")
    assert sources != definition.sources
    ProcessDefinition.objects.filter(pk=definition.pk).update(sources=sources, sha256=bpmn.sources_sha256(sources))
    finding = _only(ev.verify_all(), ev.DEFINITION_CHANGED)
    assert (finding.case, finding.first_sequence, finding.checkpoint["tree_size"]) == (str(case.pk), 1, 6)


@pytest.mark.parametrize("field", ["workflow_json", "state_hash"])
def test_editing_the_snapshot_or_state_hash_is_named_as_such(record, field):
    case, at_four, _ = record
    Case.objects.filter(pk=case.pk).update(**{field: at_four[field]})  # an older state, in place of the current
    report = ev.verify_all()
    finding = _only(report, ev.SNAPSHOT_CHANGED)
    assert (finding.case, finding.first_sequence) == (str(case.pk), 6)
    assert [f.kind for f in report.findings] == [ev.SNAPSHOT_CHANGED]


def test_a_forged_checkpoint_is_refused_by_name(record, tmp_path, capsys):
    _, _, checkpoint = record
    forged = log.checkpoint_dict(checkpoint) | {"tree_size": 7}
    other = Ed25519PrivateKey.generate()
    by_other_key = log.checkpoint_dict(checkpoint) | {"signature": base64.b64encode(other.sign(b"x")).decode()}
    path = tmp_path / "cp.json"
    path.write_text(json.dumps([forged, by_other_key]))
    report = ev.verify_all(external=[forged, by_other_key])
    assert [f.kind for f in report.findings] == [ev.CHECKPOINT_FORGED, ev.CHECKPOINT_FORGED]
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit", "--checkpoint", str(path))
    assert raised.value.returncode == 2
    assert "checkpoint_forged" in capsys.readouterr().err


def _sign(size: int, root: bytes, time: str) -> dict:
    origin = "township-powers/audit-log"
    key_id, signature = keys.sign(checkpoint_text(origin, size, root.hex(), time))
    return {"origin": origin, "tree_size": size, "root_hash": root.hex(), "time": time, "key_id": key_id,
            "signature": signature}


def test_an_inconsistent_pair_of_checkpoints_is_named(record, tmp_path, capsys):
    _, _, checkpoint = record
    leaves = log.leaf_hashes()
    fork = leaves[:2] + [merkle.leaf_hash(b"another history")] + leaves[3:4]
    split_view = _sign(4, merkle.root(fork), "2026-01-05T00:00:00.000000+00:00")  # validly signed, a fork
    finding = _only(ev.verify_all(external=[split_view]), ev.CHECKPOINTS_INCONSISTENT)
    assert finding.checkpoint["tree_size"] == 4 and "6" in finding.message
    # the RFC 9162 consistency proof from the real log does not connect the two either
    proof = merkle.consistency_proof(4, leaves)
    assert merkle.verify_consistency(4, 6, merkle.root(leaves[:4]), bytes.fromhex(checkpoint.root_hash), proof)
    assert not merkle.verify_consistency(4, 6, merkle.root(fork), bytes.fromhex(checkpoint.root_hash), proof)
    path = tmp_path / "split.json"
    path.write_text(json.dumps(split_view))
    with pytest.raises(CommandError):
        call_command("verify_audit", "--checkpoint", str(path))
    assert "checkpoints_inconsistent" in capsys.readouterr().err


def test_rewriting_the_log_too_is_caught_by_the_checkpoint_and_named_by_the_countys_file(record, tmp_path, capsys):
    case, _, checkpoint = record
    day = log.day_export(checkpoint.time.astimezone(log.settings_tz()).date())
    assert len(day["leaves"]) == 6 and day["checkpoints"][0]["root_hash"] == checkpoint.root_hash

    def change(event):
        event.actor_name = "someone_else"

    _rewrite_from(case, 2, change)
    for event in AuditEvent.objects.filter(case=case, sequence__gte=2):  # the attacker fixes the log rows as well
        data = log.leaf_data(chain="case", case_id=case.pk, reference=case.reference, sequence=event.sequence,
                             event_hash=event.hash)
        LogLeaf.objects.filter(case_id=case.pk, sequence=event.sequence).update(
            event_hash=event.hash, leaf_hash=merkle.leaf_hash(data).hex())
    report = ev.verify_all()
    finding = _only(report, ev.LOG_REWRITTEN)
    assert finding.checkpoint["tree_size"] == 6 and "1 至 6" in finding.message
    path = tmp_path / "county.json"
    path.write_text(json.dumps(day))
    named = _only(ev.verify_all(external=[day]), ev.EVENT_REWRITTEN)
    assert (named.case, named.first_sequence) == (str(case.pk), 2)
    with pytest.raises(CommandError):
        call_command("verify_audit", "--checkpoint", str(path))
    err = capsys.readouterr().err
    assert case.reference in err and "第 2 条" in err and "event_rewritten" in err


def test_the_timer_worker_signs_when_the_log_grew_and_the_interval_passed(record, driver, settings):
    settings.EVIDENCE_CHECKPOINT_SECONDS = 600
    _, _, first = record
    assert log.make_checkpoint(now=first.time + timedelta(hours=1), force=False) is None  # nothing new
    driver.complete("chief", "chief_decision", {"approved": True})
    assert log.make_checkpoint(now=first.time + timedelta(seconds=60), force=False) is None  # too soon
    second = log.make_checkpoint(now=first.time + timedelta(hours=1), force=False)
    assert (second.tree_size, Checkpoint.objects.count()) == (7, 2)
    assert merkle.verify_consistency(6, 7, bytes.fromhex(first.root_hash), bytes.fromhex(second.root_hash),
                                     [bytes.fromhex(p) for p in log.consistency(6, 7)])
