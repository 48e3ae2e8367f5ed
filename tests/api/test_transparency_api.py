"""The transparency log as published: checkpoints, proofs that check, the county's day file, the
printable digest, and the inspector's per-case evidence report."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from engine.evidence import log, merkle
from engine.evidence.models import LogLeaf
from engine.evidence.verify_bundle import checkpoint_signature_ok, load_public_key
from engine.models import AuditEvent, Case
from tests.engine.conftest import driver, sample_case  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(driver):
    driver.to_chief()
    first = log.make_checkpoint(now=driver.tick())
    driver.complete("chief", "chief_decision", {"approved": True})
    second = log.make_checkpoint(now=driver.tick())
    return driver.case, first, second


def test_checkpoints_and_proofs_are_public_and_check(signed):
    case, first, second = signed
    anon = APIClient()
    overview = anon.get("/api/public/transparency/").json()
    assert overview["latest"]["root_hash"] == second.root_hash and overview["checkpoints"] == 2
    key = load_public_key(overview["public_key"]["pem"].encode())
    listed = anon.get("/api/public/transparency/checkpoints/").json()
    assert [c["tree_size"] for c in listed] == [6, 7] and all(checkpoint_signature_ok(c, key) for c in listed)
    proof = anon.get("/api/public/transparency/consistency/?first=6&second=7").json()["proof"]
    assert merkle.verify_consistency(6, 7, bytes.fromhex(first.root_hash), bytes.fromhex(second.root_hash),
                                     [bytes.fromhex(p) for p in proof])
    body = anon.get(f"/api/public/transparency/inclusion/?case={case.pk}&sequence=3").json()
    event = AuditEvent.objects.get(case=case, sequence=3)
    leaf = merkle.leaf_hash(log.leaf_data(chain="case", case_id=case.pk, reference=case.reference, sequence=3,
                                          event_hash=event.hash))
    assert merkle.verify_inclusion(body["leaf"]["index"], 7, leaf, [bytes.fromhex(p) for p in body["proof"]],
                                   bytes.fromhex(second.root_hash))
    assert anon.get("/api/public/transparency/consistency/?first=6&second=99").status_code == 404
    assert anon.get("/api/public/transparency/consistency/?first=x&second=7").status_code == 400


def test_the_day_file_and_the_printable_digest(signed):
    _, _, second = signed
    day = second.time.astimezone(log.settings_tz()).date().isoformat()
    anon = APIClient()
    export = anon.get(f"/api/public/transparency/days/{day}.json")
    assert export["Content-Disposition"].endswith(f'transparency-{day}.json"')
    data = export.json()
    assert len(data["leaves"]) == LogLeaf.objects.count() == 7 and len(data["consistency"]) == 1
    page = anon.get(f"/api/public/transparency/days/{day}/digest/").content.decode()
    assert second.root_hash in page and "<svg" in page and "审计透明日志每日摘要" in page


def test_the_inspector_sees_the_named_findings_of_a_case(signed, people):
    case, _, _ = signed
    AuditEvent.objects.filter(case=case, sequence__gt=5).delete()
    Case.objects.filter(pk=case.pk).update(last_sequence=5, last_hash=AuditEvent.objects.get(case=case, sequence=5).hash)
    client = APIClient()
    client.force_authenticate(people["chief"])
    report = client.get(f"/api/cases/{case.pk}/evidence/").json()
    assert report["ok"] is False
    missing = [f for f in report["findings"] if f["kind"] == "events_missing"][0]
    assert (missing["first_sequence"], missing["last_sequence"], missing["checkpoint"]["tree_size"]) == (6, 7, 6)


def test_the_inspector_downloads_the_offline_bundle(signed, people):
    import io
    import zipfile

    from engine.evidence.verify_bundle import verify

    case, _, _ = signed
    client = APIClient()
    client.force_authenticate(people["chief"])
    response = client.get(f"/api/cases/{case.pk}/bundle.zip")
    assert response["Content-Type"] == "application/zip" and case.reference in response["Content-Disposition"]
    ok, lines = verify(zipfile.ZipFile(io.BytesIO(response.content)))
    assert ok, lines
