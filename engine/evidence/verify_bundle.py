#!/usr/bin/env python3
"""Verify a township inspector bundle offline: python verify_bundle.py bundle.zip [--public-key FILE]

Needs Python 3.11+ and the `cryptography` package; nothing of the township's system. Checks:
the case's hash chain (every event's hash, link and sequence), the definition sources against
the sha256 the case started on, each event's inclusion proof against the latest signed
checkpoint, every checkpoint's Ed25519 signature, and the consistency proofs between the
checkpoints. With SpiffWorkflow installed it also replays the case (see README.md in the bundle).
Prints the verdict; exits 0 when everything holds, 1 on any failure, 2 on unreadable input.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import sys
import zipfile
import zlib
from decimal import Decimal
from typing import Any

from engine.evidence.merkle import leaf_hash, verify_consistency, verify_inclusion  # bundle: inline merkle.py

GENESIS_HASH = "0" * 64
BUNDLE_FORMAT = "township-inspector-bundle/1"


# ----------------------------------------------------------------------------- canonical forms


def jcs(value: Any) -> bytes:
    """RFC 8785 (JSON Canonicalization Scheme) for JSON data, standard library only."""
    return _jcs(value).encode("utf-8")


def _jcs(value: Any) -> str:
    if value is None or value is True or value is False:
        return json.dumps(value)
    if isinstance(value, int):
        if abs(value) > 2**53 - 1:
            raise ValueError(f"integer outside the I-JSON range: {value}")
        return str(value)
    if isinstance(value, float):
        return _es_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ",".join(_jcs(item) for item in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: key.encode("utf-16-be"))
        return "{" + ",".join(json.dumps(key, ensure_ascii=False) + ":" + _jcs(value[key]) for key in keys) + "}"
    raise TypeError(f"not JSON data: {type(value).__name__}")


def _es_number(value: float) -> str:
    """ECMAScript Number::toString, as RFC 8785 section 3.2.2.3 requires."""
    if not math.isfinite(value):
        raise ValueError("NaN and Infinity are not JSON")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    digits_tuple = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digits_tuple.digits))
    k, n = len(digits), len(digits) + digits_tuple.exponent  # value = 0.digits * 10**n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        exponent = n - 1
        text = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if exponent > 0 else "-") + str(abs(exponent))
    return sign + text


def legacy_canonical(value: Any) -> bytes:
    """Hash scheme 1 (events written before RFC 8785): sorted keys, compact, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def canonical(value: Any, scheme: int) -> bytes:
    if scheme == 2:
        return jcs(value)
    if scheme == 1:
        return legacy_canonical(value)
    raise ValueError(f"unknown hash scheme {scheme!r}")


def checkpoint_text(origin: str, tree_size: int, root_hash: str, time: str) -> bytes:
    """The bytes a checkpoint's Ed25519 signature covers."""
    return f"{origin}\n{tree_size}\n{root_hash}\n{time}\n".encode()


def leaf_data(chain: str, case: str, reference: str, sequence: int, event_hash: str) -> bytes:
    return jcs({"chain": chain, "case": case, "reference": reference, "sequence": sequence, "hash": event_hash})


def event_body(event: dict[str, Any]) -> dict[str, Any]:
    body = {key: event[key] for key in ("sequence", "kind", "actor", "at", "bpmn_id", "mi_index", "payload", "state_hash")}
    if event["hash_scheme"] != 1:
        body["hash_scheme"] = event["hash_scheme"]
    return body


def sources_sha256(sources: dict[str, str]) -> str:
    text = json.dumps(dict(sorted(sources.items())), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------- checks


def load_public_key(pem: bytes):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def key_id(public_key) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def checkpoint_signature_ok(checkpoint: dict[str, Any], public_key) -> bool:
    from cryptography.exceptions import InvalidSignature

    if checkpoint.get("key_id") != key_id(public_key):
        return False
    message = checkpoint_text(checkpoint["origin"], checkpoint["tree_size"], checkpoint["root_hash"], checkpoint["time"])
    try:
        public_key.verify(base64.b64decode(checkpoint["signature"], validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def chain_problems(events: list[dict[str, Any]], head: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    prev, floor = GENESIS_HASH, 1
    for expected, event in enumerate(events, start=1):
        where = f"event {event.get('sequence')}"
        if event["sequence"] != expected:
            return problems + [f"{where}: expected sequence {expected} (missing or reordered events)"]
        if event["prev_hash"] != prev:
            return problems + [f"{where}: does not link to the event before it"]
        if event["hash_scheme"] not in (1, 2) or event["hash_scheme"] < floor:
            return problems + [f"{where}: invalid or downgraded hash scheme"]
        floor = event["hash_scheme"]
        digest = hashlib.sha256(prev.encode("ascii") + canonical(event_body(event), event["hash_scheme"])).hexdigest()
        if digest != event["hash"]:
            return problems + [f"{where}: content does not match its hash (edited)"]
        prev = event["hash"]
    if head["last_sequence"] != len(events) or (events and head["last_hash"] != prev):
        problems.append(f"case head says {head['last_sequence']} events, the bundle holds {len(events)}")
    return problems


def verify(bundle: zipfile.ZipFile, trusted_key_pem: bytes | None = None) -> tuple[bool, list[str]]:
    """(ok, lines of the report)."""
    lines: list[str] = []
    failures: list[str] = []
    corrupt = bundle.testzip()
    if corrupt is not None:
        raise ValueError(f"{corrupt} is damaged (its checksum does not match)")
    manifest = json.loads(bundle.read("manifest.json"))
    if manifest.get("format") != BUNDLE_FORMAT:
        raise ValueError(f"not a {BUNDLE_FORMAT} bundle")
    case = manifest["case"]
    events = json.loads(bundle.read("events.json"))
    checkpoints = json.loads(bundle.read("checkpoints.json"))
    proofs = json.loads(bundle.read("proofs.json"))
    bundled_pem = bundle.read("public_key.pem")
    public_key = load_public_key(trusted_key_pem or bundled_pem)
    lines.append(f"case {case['reference']} ({case['id']}), {len(events)} events; signing key {key_id(public_key)}"
                 + (" (pinned)" if trusted_key_pem else " (from the bundle: compare with the county's copy)"))

    failures += [f"chain: {p}" for p in chain_problems(events, case)]

    definition = case["definition"]
    sources = {name[len("definition/"):]: bundle.read(name).decode("utf-8")
               for name in bundle.namelist() if name.startswith("definition/") and not name.endswith("/")}
    actual = sources_sha256(sources)
    started = next((e for e in events if e["kind"] == "case_started"), None)
    pinned = (started or {}).get("payload", {}).get("definition_sha256")
    if actual != definition["sha256"] or (pinned and pinned != actual):
        failures.append(f"definition: sources hash to {actual}, the case started on {pinned or definition['sha256']}")

    good = []
    for checkpoint in checkpoints:
        if checkpoint_signature_ok(checkpoint, public_key):
            good.append(checkpoint)
        else:
            failures.append(f"checkpoint {checkpoint['tree_size']} @ {checkpoint['time']}: bad signature (forged)")
    by_size = {c["tree_size"]: c for c in good}
    for link in proofs.get("consistency", []):
        first, second = by_size.get(link["from"]), by_size.get(link["to"])
        if first is None or second is None:
            continue
        ok = verify_consistency(first["tree_size"], second["tree_size"], bytes.fromhex(first["root_hash"]),
                                bytes.fromhex(second["root_hash"]), [bytes.fromhex(p) for p in link["proof"]])
        if not ok:
            failures.append(f"checkpoints {link['from']} and {link['to']} are inconsistent (the log was rewritten)")
    anchor = by_size.get(proofs.get("tree_size"))
    covered = 0
    if anchor is None:
        failures.append("inclusion: the checkpoint the proofs refer to is missing or not validly signed")
    else:
        by_sequence = {e["sequence"]: e for e in events}
        for item in proofs["events"]:
            event = by_sequence.get(item["sequence"])
            if event is None:
                failures.append(f"inclusion: event {item['sequence']} is in the log but missing from the bundle")
                continue
            leaf = leaf_hash(leaf_data("case", case["id"], case["reference"], event["sequence"], event["hash"]))
            ok = verify_inclusion(item["leaf_index"], anchor["tree_size"], leaf,
                                  [bytes.fromhex(p) for p in item["proof"]], bytes.fromhex(anchor["root_hash"]))
            if not ok:
                failures.append(f"inclusion: event {item['sequence']} is not the event checkpoint "
                                f"{anchor['tree_size']} @ {anchor['time']} includes")
            else:
                covered += 1
        lines.append(f"{covered} of {len(events)} events proven included in checkpoint {anchor['tree_size']} @ "
                     f"{anchor['time']} (root {anchor['root_hash']})")
        if covered < len(events):
            lines.append(f"{len(events) - covered} later events are not yet covered by a checkpoint")

    replay = replay_if_possible(bundle, events, sources, definition)
    if replay:
        lines.append(replay[0])
        failures += replay[1:]
    lines += [f"FAIL {f}" for f in failures]
    return not failures, lines


def replay_if_possible(bundle, events, sources, definition) -> list[str]:
    """With SpiffWorkflow and the township's engine importable, replay and compare state hashes."""
    try:
        import SpiffWorkflow  # noqa: F401
    except ImportError:
        return ["replay: skipped (SpiffWorkflow is not installed)"]
    try:
        from engine.evidence.offline_replay import replay_events
    except ImportError:
        return ["replay: skipped (needs the township's engine package beside SpiffWorkflow)"]
    return replay_events(events, sources, definition)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a township inspector bundle offline.")
    parser.add_argument("bundle")
    parser.add_argument("--public-key", help="the township's public key (PEM) as the county holds it")
    args = parser.parse_args(argv)
    try:
        trusted = open(args.public_key, "rb").read() if args.public_key else None
        with zipfile.ZipFile(args.bundle) as bundle:
            ok, lines = verify(bundle, trusted)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, zlib.error) as error:
        print(f"UNREADABLE: {error}")
        return 2
    for line in lines:
        print(line)
    print("VERIFIED: the record is intact and included in the signed log" if ok else "REFUSED: the record fails verification")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
