"""Townships are tenants: every endpoint, as every position of township A, against every object of
township B (same station names and codes as A) answers exactly what it answers for an object that
does not exist (404, or the 403 of a position refused before any lookup), lists never show B's
objects, and nothing of B changes (rows and audit events compared before and after each request).

The county's discipline inspector, by contrast, sees both townships.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from engine import public
from engine.models import (
    AccountabilityRecord,
    AuditEvent,
    Case,
    Complaint,
    ConflictDeclaration,
    ObjectionReceipt,
    Organization,
    WorkItem,
)
from tests.api.conftest import POSITION_USERS

pytestmark = pytest.mark.django_db

B = "township-b"
B_CASES = ("mid_review", "notice_period", "overdue")
MISSING_ID = 999_999_999

# per case: (method, path, body); {task} is one of the case's work items
CASE_ENDPOINTS: list[tuple[str, str, dict | None]] = [
    ("GET", "/api/cases/{case}/", None),
    ("GET", "/api/cases/{case}/history/", None),
    ("GET", "/api/cases/{case}/replay/?step=1", None),
    ("GET", "/api/cases/{case}/verify/", None),
    ("GET", "/api/cases/{case}/chart.svg", None),
    ("GET", "/api/cases/{case}/evidence/", None),
    ("GET", "/api/cases/{case}/bundle.zip", None),
    ("GET", "/api/cases/{case}/dossier.pdf", None),
    ("GET", "/api/cases/{case}/rating-code/", None),
    ("POST", "/api/cases/{case}/cancel/", {"reason": "撤销"}),
    ("POST", "/api/cases/{case}/conflicts/", {"user": "b_handler", "relation": "relative"}),
]
TASK_ENDPOINTS: list[tuple[str, str, dict | None]] = [
    ("GET", "/api/cases/{case}/tasks/{task}/form/", None),
    ("POST", "/api/cases/{case}/tasks/{task}/claim/", {}),
    ("POST", "/api/cases/{case}/tasks/{task}/unclaim/", {}),
    ("POST", "/api/cases/{case}/tasks/{task}/complete/", {"data": {}}),
]
COMPLAINT_ENDPOINTS: list[tuple[str, str, dict | None]] = [
    ("GET", "/api/complaints/{complaint}/", None),
    ("POST", "/api/complaints/{complaint}/reply/", {"finding": "核实", "reply": "答复"}),
]
# lists, each with the filters that name B's objects (the station code exists in both townships)
LISTS = [
    "/api/cases/",
    "/api/cases/?organization=station-09",
    "/api/cases/?organization=township-b",
    "/api/cases/?power=JF-01",
    "/api/tasks/?limit=500",
    "/api/complaints/",
    "/api/complaints/?number={complaint_number}",
    "/api/objections/",
    "/api/objections/?case={case}",
    "/api/accountability/",
    "/api/accountability/?case={overdue}",
    "/api/organizations/",
]

# (kind, object key): the objects of B each endpoint is tried against
OBJECTS = (
    [("case", key, endpoint) for key in B_CASES for endpoint in CASE_ENDPOINTS]
    + [("task", key, endpoint) for key in ("mid_review", "overdue") for endpoint in TASK_ENDPOINTS]
    + [("complaint", key, endpoint) for key in ("with_case", "without_case") for endpoint in COMPLAINT_ENDPOINTS]
)


@pytest.fixture(scope="module")
def other(demo, django_db_blocker) -> dict[str, Any]:
    """B's objects: its seeded cases and complaint, plus an objection and a complaint without a case."""
    with django_db_blocker.unblock():
        now = timezone.now()
        township = Organization.objects.get(code=B)
        notice = demo.other_cases["notice_period"]
        objection = public.file_objection(notice.pk, content="收入不实", objector_name="B村民", now=now)
        loose = public.file_complaint(kind="report", subject="东岭乡某站所", content="吃拿卡要", township=township,
                                      complainant_name="B举报人", now=now)  # fmt: skip
        return {
            "township": township,
            "cases": {key: Case.objects.get(pk=demo.other_cases[key].pk) for key in B_CASES},
            "complaints": {"with_case": Complaint.objects.get(township=township, case__isnull=False),
                           "without_case": loose},  # fmt: skip
            "objection": objection,
        }


def footprint(township: Organization) -> dict[str, Any]:
    """Everything of one township that a request could change."""
    cases = Case.objects.filter(township=township)
    return {
        "cases": list(cases.order_by("pk").values_list("pk", "status", "last_sequence", "last_hash", "updated_at",
                                                       "separate_filing")),  # fmt: skip
        "events": AuditEvent.objects.filter(case__in=cases).count(),
        "work_items": list(WorkItem.objects.filter(case__in=cases).order_by("pk").values_list("pk", "claimed_by_id")),
        "conflicts": ConflictDeclaration.objects.filter(case__in=cases).count(),
        "complaints": list(Complaint.objects.filter(township=township).order_by("pk")
                           .values_list("pk", "status", "reply", "handled_by_id")),  # fmt: skip
        "objections": ObjectionReceipt.objects.filter(township=township).count(),
        "accountability": AccountabilityRecord.objects.filter(township=township).count(),
    }


def call(client, method: str, url: str, body: dict | None):
    return client.get(url) if method == "GET" else client.post(url, body or {}, format="json")


def shape(response) -> tuple[int, str | None]:
    is_json = response["Content-Type"].startswith("application/json")
    return response.status_code, (response.json().get("code") if is_json else None)


def _url(kind: str, path: str, target: Any) -> str:
    if kind == "complaint":
        return path.format(complaint=target)
    case_id, task_id = target
    return path.format(case=case_id, task=task_id)


def _target(kind: str, key: str, other: dict) -> Any:
    if kind == "complaint":
        return other["complaints"][key].pk
    case = other["cases"][key]
    task = case.work_items.order_by("pk").first()
    return case.pk, (task.task_id if task is not None else uuid.uuid4())


def _missing(kind: str) -> Any:
    return MISSING_ID if kind == "complaint" else (uuid.uuid4(), uuid.uuid4())


MATRIX = [
    pytest.param(position, kind, key, endpoint, id=f"{position}-{endpoint[0]}-{endpoint[1]}-{key}")
    for kind, key, endpoint in OBJECTS
    for position in POSITION_USERS
]


@pytest.mark.parametrize(("position", "kind", "key", "endpoint"), MATRIX)
def test_an_object_of_another_township_does_not_exist_for_any_position(demo, other, position, kind, key, endpoint):
    method, path, body = endpoint
    client = demo.client(POSITION_USERS[position])
    with transaction.atomic():  # the control request must not leave anything behind
        expected = shape(call(client, method, _url(kind, path, _missing(kind)), body))
        transaction.set_rollback(True)
    assert expected[0] in (403, 404), expected
    before = footprint(other["township"])
    response = call(client, method, _url(kind, path, _target(kind, key, other)), body)
    assert shape(response) == expected, response.content[:300]
    assert footprint(other["township"]) == before


def _ids_in(response) -> str:
    assert response.status_code in (200, 400, 403), response.content[:300]
    return response.content.decode() if response.status_code == 200 else ""


@pytest.mark.parametrize("position", list(POSITION_USERS))
@pytest.mark.parametrize("path", LISTS)
def test_lists_never_show_another_townships_objects(demo, other, position, path):
    url = path.format(
        complaint_number=other["complaints"]["with_case"].number,
        case=other["cases"]["notice_period"].pk,
        overdue=other["cases"]["overdue"].pk,
    )
    before = footprint(other["township"])
    text = _ids_in(demo.client(POSITION_USERS[position]).get(url))
    secrets = [str(case.pk) for case in other["cases"].values()] + [case.reference for case in other["cases"].values()]
    secrets += [c.number for c in other["complaints"].values()] + [other["objection"].number, B, "东岭乡", "B举报人"]
    assert [s for s in secrets if s in text] == []
    assert footprint(other["township"]) == before


@pytest.mark.parametrize("position", ["window_clerk", "handler", "station_head", "village_agent"])
def test_no_position_of_a_starts_a_case_in_b(demo, other, position):
    client = demo.client(POSITION_USERS[position])
    before, cases = footprint(other["township"]), Case.objects.count()
    for organization in (B, "no-such-organization"):
        response = client.post("/api/cases/", {"power_code": "JF-01", "organization": organization}, format="json")
        assert shape(response) == (400, "organization_not_found")
    assert (footprint(other["township"]), Case.objects.count()) == (before, cases)


def test_the_same_station_code_resolves_to_ones_own_township(demo, other):
    body = demo.client("window_clerk").post(
        "/api/cases/", {"power_code": "JF-01", "organization": "station-09"}, format="json"
    ).json()
    case = Case.objects.select_related("organization__parent", "handling_unit__parent").get(pk=body["id"])
    assert (case.township.code, case.organization.parent.code, case.handling_unit.parent.code) == ("township",) * 3


def test_the_county_inspector_sees_every_township_and_a_township_inspector_only_his(demo, other):
    ours = {c.reference for c in demo.cases.values()}
    theirs = {c.reference for c in other["cases"].values()}
    county = demo.client("county_inspector")
    listed = {c["reference"] for c in county.get("/api/cases/?limit=500").json()["results"]}
    assert ours | theirs <= listed
    assert county.get(f"/api/cases/{other['cases']['mid_review'].pk}/").status_code == 200
    complaints = {c["number"] for c in county.get("/api/complaints/").json()["results"]}
    assert {c.number for c in other["complaints"].values()} <= complaints
    assert other["objection"].number in {o["number"] for o in county.get("/api/objections/").json()["results"]}
    township_b = demo.client("b_discipline_inspector")
    listed_b = {c["reference"] for c in township_b.get("/api/cases/?limit=500").json()["results"]}
    assert theirs <= listed_b and not (ours & listed_b)
    assert township_b.get(f"/api/cases/{demo.cases['mid_review'].pk}/").status_code == 404


def test_the_matrix_covers_every_case_and_complaint_endpoint():
    """A new endpoint under /api/cases/ or /api/complaints/ must join the matrix above."""
    from django.urls import get_resolver

    resolver = get_resolver("api.urls")
    routes = {str(p.pattern) for p in resolver.url_patterns}
    object_routes = {r for r in routes if r.startswith(("cases/<uuid:case_id>/", "complaints/<id:complaint_id>/"))}
    covered = {path for _, path, _ in CASE_ENDPOINTS + TASK_ENDPOINTS + COMPLAINT_ENDPOINTS}
    normalized = {
        r.replace("<uuid:case_id>", "{case}").replace("<uuid:task_id>", "{task}").replace("<id:complaint_id>", "{complaint}")
        for r in object_routes
    }
    assert normalized == {c.removeprefix("/api/").split("?")[0] for c in covered}
