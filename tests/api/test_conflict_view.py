"""Declaring a conflict of interest over the API recuses the member and marks separate filing."""

from __future__ import annotations

import pytest

from engine.models import AuditEvent, Case, ConflictDeclaration

pytestmark = pytest.mark.django_db


def test_a_leader_declares_a_conflict(demo):
    case = demo.cases["mid_review"]
    response = demo.client("chief").post(f"/api/cases/{case.pk}/conflicts/",
                                        {"user": "committee_member_1", "relation": "relative", "note": "申请人之女"},
                                        format="json")  # fmt: skip
    assert response.status_code == 200, response.json()
    assert Case.objects.get(pk=case.pk).separate_filing is True
    assert ConflictDeclaration.objects.get(case=case).user.username == "committee_member_1"
    assert AuditEvent.objects.filter(case=case, kind=AuditEvent.Kind.CONFLICT_DECLARED).count() == 1


@pytest.mark.parametrize(("body", "code"), [({"user": "nobody", "relation": "relative"}, "invalid"),
                                            ({"user": "committee_member_1", "relation": "friend"}, "invalid")])  # fmt: skip
def test_bad_declarations_are_refused_and_write_nothing(demo, body, code):
    case = demo.cases["mid_review"]
    before = AuditEvent.objects.filter(case=case).count()
    response = demo.client("chief").post(f"/api/cases/{case.pk}/conflicts/", body, format="json")
    assert (response.status_code, response.json()["code"]) == (400, code)
    assert AuditEvent.objects.filter(case=case).count() == before
    assert not ConflictDeclaration.objects.filter(case=case).exists()
