"""Event hashes in RFC 8785 canonical form, versioned per event so older chains keep verifying;
an edited snapshot or state hash stops the case before the next step."""

from __future__ import annotations

import hashlib
import json

import pytest
import rfc8785

from engine import audit, services
from engine import exceptions as exc
from engine.bpmn import canonical_json
from engine.models import AuditEvent, Case
from tests.engine.conftest import task_id

pytestmark = pytest.mark.django_db


def test_canonical_bytes_follow_rfc_8785():
    assert audit.canonical_bytes({"b": 200.0, "a": "中"}) == audit.canonical_bytes({"a": "中", "b": 200})
    assert audit.canonical_bytes({"b": 200.0, "a": "中"}) == '{"a":"中","b":200}'.encode()
    assert audit.canonical_bytes({"x": 1e21}) == b'{"x":1e+21}'
    # the legacy form differs exactly where JCS is needed
    assert audit.canonical_bytes({"b": 200.0}, audit.HASH_SCHEME_LEGACY) == b'{"b":200.0}'


def test_new_events_are_hashed_with_jcs_and_name_their_scheme(driver):
    driver.to_chief()
    events = list(AuditEvent.objects.filter(case=driver.case).order_by("sequence"))
    assert {e.hash_scheme for e in events} == {audit.HASH_SCHEME_JCS}
    event = events[2]
    body = audit.body_of(event)
    assert body["hash_scheme"] == 2
    expected = hashlib.sha256(event.prev_hash.encode() + rfc8785.dumps(body)).hexdigest()
    assert event.hash == expected


def _rewrite_as_legacy(case: Case) -> None:
    """What a chain written before RFC 8785 looks like: scheme 1 bodies and hashes."""
    prev = audit.GENESIS_HASH
    for event in AuditEvent.objects.filter(case=case).order_by("sequence"):
        event.hash_scheme = audit.HASH_SCHEME_LEGACY
        body = audit.body_of(event)
        assert "hash_scheme" not in body
        digest = hashlib.sha256((prev + canonical_json(body)).encode("utf-8")).hexdigest()
        AuditEvent.objects.filter(pk=event.pk).update(hash_scheme=1, prev_hash=prev, hash=digest)
        prev = digest
    Case.objects.filter(pk=case.pk).update(last_hash=prev)


def test_a_chain_written_before_jcs_keeps_verifying_and_grows_in_jcs(driver):
    driver.to_chief()
    _rewrite_as_legacy(driver.case)
    case = Case.objects.get(pk=driver.case.pk)
    assert audit.verify_case(case).ok
    driver.case = case
    driver.complete("chief", "chief_decision", {"approved": True})
    schemes = list(AuditEvent.objects.filter(case=case).order_by("sequence").values_list("hash_scheme", flat=True))
    assert schemes == [1] * 6 + [2]
    assert audit.verify_case(Case.objects.get(pk=case.pk)).ok


def test_downgrading_an_events_scheme_is_caught(driver):
    driver.to_chief()
    AuditEvent.objects.filter(case=driver.case, sequence=3).update(hash_scheme=1)
    report = audit.verify_case(Case.objects.get(pk=driver.case.pk))
    assert (report.ok, report.first_bad_sequence) == (False, 3)


def _refused_step(driver) -> exc.SnapshotTampered:
    before = AuditEvent.objects.filter(case=driver.case).count()
    with pytest.raises(exc.SnapshotTampered) as raised:
        services.complete_task(
            driver.case.pk, task_id=task_id(driver.case, "chief_decision"), actor=driver.people["chief"],
            data={"approved": True}, now=driver.tick(),
        )
    assert AuditEvent.objects.filter(case=driver.case).count() == before
    return raised.value


def test_an_edited_snapshot_stops_the_case_before_the_next_actor(driver):
    driver.to_chief()
    case = Case.objects.get(pk=driver.case.pk)
    snapshot = json.loads(case.workflow_json)
    text = json.dumps(snapshot, ensure_ascii=False).replace('"符合条件"', '"不符合条件"')
    assert text != json.dumps(snapshot, ensure_ascii=False)
    Case.objects.filter(pk=case.pk).update(workflow_json=text)
    error = _refused_step(driver)
    assert error.code == "snapshot_tampered" and error.details["sequence"] == 6


def test_an_edited_state_hash_stops_the_case_and_its_escalations(driver):
    driver.to_chief()
    Case.objects.filter(pk=driver.case.pk).update(state_hash="f" * 64)
    _refused_step(driver)
    before = AuditEvent.objects.filter(case=driver.case).count()
    with pytest.raises(exc.SnapshotTampered):
        services.escalate_case(driver.case.pk, now=driver.tick(60 * 24 * 60))
    assert AuditEvent.objects.filter(case=driver.case).count() == before
