"""The audit chain: canonical events, their hashes, appending and verification.

Per case, ``hash = sha256(prev_hash + canonical(event))``; the first event's prev_hash is
64 zeros. The canonical event holds sequence, kind, actor, time (UTC ISO-8601), BPMN id and
multi-instance index of the task, the submitted data and the hash of the case state after it.

The canonical form is versioned per event (``AuditEvent.hash_scheme``, see docs/evidence.md):

* scheme 1 (events written before RFC 8785): Python's ``json.dumps`` with sorted keys and
  compact separators; kept only so that existing chains keep verifying.
* scheme 2 (every new event): RFC 8785, the JSON Canonicalization Scheme, so that a verifier in
  any language computes the same bytes (``200.0`` and ``200`` are the same number). The body
  then also names its scheme, so an event cannot be passed off under the other one.

``canonical_bytes`` and ``chain_hash`` are the one canonical form and hash function of every
hash chain in the system. Nothing here updates or deletes a row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import rfc8785
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from engine import exceptions as exc
from engine.bpmn import canonical_json
from engine.models import AuditEvent, Case

GENESIS_HASH = "0" * 64
HASH_SCHEME_LEGACY = 1
HASH_SCHEME_JCS = 2
HASH_SCHEME = HASH_SCHEME_JCS  # what new events are written with


_JCS_INT_MAX = 2**53 - 1


def _jcs_plain(value: Any) -> bool:
    """True when RFC 8785's bytes of `value` are exactly those of the standard library's JSON
    encoder with sorted keys and no whitespace: no floats (JCS writes ``200.0`` as ``200``), no
    integers beyond 2**53 - 1 (JCS refuses them), only exact dicts, lists, strings, ints, bools and
    None, and no key with a character at or above U+D800 (where JCS's UTF-16 key order and the
    code point order can differ). Strings escape the same characters the same way in both."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if -_JCS_INT_MAX <= item <= _JCS_INT_MAX:
                continue
            return False
        if kind is dict:
            try:
                keys = "".join(item)
            except TypeError:  # a key that is not a string
                return False
            if keys and max(keys) >= "\ud800":
                return False
            stack.extend(item.values())
            continue
        if kind is list or kind is tuple:
            stack.extend(item)
            continue
        return False  # floats and anything else: the reference implementation
    return True


def canonical_bytes(value: Any, scheme: int = HASH_SCHEME) -> bytes:
    """The canonical bytes of a JSON value under a hash scheme (RFC 8785 for scheme 2; values
    without floats take the standard library's C encoder, byte for byte the same)."""
    if scheme == HASH_SCHEME_JCS:
        if _jcs_plain(value):
            try:
                return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
            except UnicodeEncodeError:
                pass  # a lone surrogate: the reference implementation refuses it
        return rfc8785.dumps(value)
    if scheme == HASH_SCHEME_LEGACY:
        return canonical_json(value).encode("utf-8")
    raise ValueError(f"unknown hash scheme {scheme!r}")


def chain_hash(prev_hash: str, body: Mapping[str, Any], scheme: int = HASH_SCHEME) -> str:
    """sha256(prev_hash as ASCII hex || canonical bytes of body): one link of a hash chain."""
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_bytes(body, scheme)).hexdigest()


def canonical_time(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def normalize_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload exactly as it will be stored and hashed (JSON types only)."""
    return json.loads(canonical_json(dict(payload)))


def event_body(
    *, sequence: int, kind: str, actor_name: str, at: datetime, bpmn_id: str, mi_index: str,
    payload: Mapping[str, Any], state_hash: str, scheme: int = HASH_SCHEME,
) -> dict[str, Any]:  # fmt: skip
    body = {
        "sequence": sequence, "kind": kind, "actor": actor_name, "at": canonical_time(at),
        "bpmn_id": bpmn_id, "mi_index": mi_index, "payload": payload, "state_hash": state_hash,
    }  # fmt: skip
    if scheme != HASH_SCHEME_LEGACY:
        body["hash_scheme"] = scheme
    return body


def append_event(
    case: Case, *, kind: str, actor: AbstractBaseUser | None, actor_name: str, at: datetime,
    bpmn_id: str = "", mi_index: str | None = None, payload: Mapping[str, Any], state_hash: str,
) -> AuditEvent:  # fmt: skip
    """Append the next event of `case` (the caller holds the case lock) and advance its head."""
    sequence = case.last_sequence + 1
    prev_hash = case.last_hash or GENESIS_HASH
    stored_payload = normalize_payload(payload)
    body = event_body(
        sequence=sequence, kind=kind, actor_name=actor_name, at=at, bpmn_id=bpmn_id,
        mi_index=mi_index or "", payload=stored_payload, state_hash=state_hash,
    )  # fmt: skip
    event = AuditEvent.objects.create(
        case=case, sequence=sequence, kind=kind, actor=actor, actor_name=actor_name, at=at, bpmn_id=bpmn_id,
        mi_index=mi_index or "", payload=stored_payload, state_hash=state_hash, prev_hash=prev_hash,
        hash=chain_hash(prev_hash, body), hash_scheme=HASH_SCHEME,
    )  # fmt: skip
    case.last_sequence = sequence
    case.last_hash = event.hash
    case.last_event_at = at
    return event


def recorded_head(case: Case) -> tuple[int, str]:
    """The sequence and state hash the audit chain says `case` is in, checked against the case
    row's head and state hash; raises SnapshotTampered / AuditChainBroken when they disagree."""
    if not case.last_sequence:
        return 0, case.state_hash
    row = AuditEvent.objects.filter(case_id=case.pk, sequence=case.last_sequence).values_list("state_hash", "hash").first()
    if row is None or row[1] != case.last_hash:
        raise exc.AuditChainBroken(case_id=case.pk, sequence=case.last_sequence, problem=_("案件记录的最新哈希与链不符"))
    if row[0] != case.state_hash:
        raise exc.SnapshotTampered(case_id=case.pk, sequence=case.last_sequence, expected=row[0], actual=case.state_hash)
    return case.last_sequence, row[0]


def check_snapshot(case: Case, actual_state_hash: str) -> None:
    """Refuse a case whose stored snapshot does not hash to the state its last event recorded."""
    sequence, recorded = recorded_head(case)
    if sequence and actual_state_hash != recorded:
        raise exc.SnapshotTampered(case_id=case.pk, sequence=sequence, expected=recorded, actual=actual_state_hash)


@dataclass(frozen=True)
class ChainReport:
    case_id: str
    ok: bool
    events: int
    first_bad_sequence: int | None = None
    problem: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"case": self.case_id, "ok": self.ok, "events": self.events,
                "first_bad_sequence": self.first_bad_sequence, "problem": self.problem}  # fmt: skip


def body_of(event: AuditEvent) -> dict[str, Any]:
    return event_body(
        sequence=event.sequence, kind=event.kind, actor_name=event.actor_name, at=event.at, bpmn_id=event.bpmn_id,
        mi_index=event.mi_index, payload=event.payload, state_hash=event.state_hash, scheme=event.hash_scheme,
    )  # fmt: skip


def verify_events(case: Case, events: Iterable[AuditEvent]) -> ChainReport:
    """Check one case's chain: contiguous sequences from 1, each link's hash, the case head, and
    time: per case, event times never decrease and never precede the case's start.

    Detects a changed event (its hash no longer matches), a deleted event (a gap, or a head that
    points past the end), an inserted event (a repeated sequence, or more events than the head
    records), swapped events (sequence order or links no longer match) and a time going back.
    """
    prev_hash = GENESIS_HASH
    expected_sequence = 1
    count = 0
    scheme_floor = HASH_SCHEME_LEGACY  # a chain never goes back to an older scheme
    prev_at = case.started_at
    for event in events:
        count += 1
        if event.sequence < expected_sequence:
            return ChainReport(str(case.pk), False, count, event.sequence,
                               _("第 %(seq)s 条重复出现（事件被插入）") % {"seq": event.sequence})  # fmt: skip
        if event.sequence != expected_sequence:
            return ChainReport(str(case.pk), False, count, expected_sequence,
                               _("应为第 %(expected)s 条，实为第 %(found)s 条（缺失或顺序被改）") % {"expected": expected_sequence, "found": event.sequence})  # fmt: skip
        if event.prev_hash != prev_hash:
            return ChainReport(str(case.pk), False, count, event.sequence, _("前一哈希与上一条事件不衔接"))
        if event.hash_scheme not in (HASH_SCHEME_LEGACY, HASH_SCHEME_JCS) or event.hash_scheme < scheme_floor:
            return ChainReport(str(case.pk), False, count, event.sequence, _("事件的哈希方案无效或被降级"))
        scheme_floor = event.hash_scheme
        if chain_hash(prev_hash, body_of(event), event.hash_scheme) != event.hash:
            return ChainReport(str(case.pk), False, count, event.sequence, _("事件内容与其哈希不符（内容被改动）"))
        if prev_at is not None and event.at < prev_at:
            return ChainReport(str(case.pk), False, count, event.sequence,
                               _("事件时间早于上一条事件或案件发起时间（时间倒退）"))  # fmt: skip
        prev_at = event.at
        prev_hash = event.hash
        expected_sequence += 1
    found = expected_sequence - 1
    if case.last_sequence > found:
        return ChainReport(str(case.pk), False, count, expected_sequence,
                           _("案件记录应有 %(head)s 条事件，链上只有 %(found)s 条（事件被删除）") % {"head": case.last_sequence, "found": found})  # fmt: skip
    if case.last_sequence < found:
        return ChainReport(str(case.pk), False, count, case.last_sequence + 1,
                           _("案件记录只有 %(head)s 条事件，链上却有 %(found)s 条（事件被插入）") % {"head": case.last_sequence, "found": found})  # fmt: skip
    if case.last_sequence and case.last_hash != prev_hash:
        return ChainReport(str(case.pk), False, count, case.last_sequence, _("案件记录的最新哈希与链不符"))
    return ChainReport(str(case.pk), True, count)


def verify_case(case: Case) -> ChainReport:
    return verify_events(case, case.audit_events.order_by("sequence").iterator())


def iter_reports(cases: Iterable[Case]) -> Iterator[ChainReport]:
    for case in cases:
        yield verify_case(case)
