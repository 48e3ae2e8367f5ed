"""Each position against each endpoint: who is let in (any answer but 401/403/404), who is refused
(403 permission_denied), who does not see the case at all (404) and what the public gets (401).

Writes are sent with an empty body: an allowed user then gets a 400 from validation, which proves
the permission check passed without changing anything.
"""

from __future__ import annotations

import pytest

from api import access
from tests.api.conftest import POSITION_USERS, case_counts

pytestmark = pytest.mark.django_db

EVERYONE = "everyone"  # no login needed
STAFF = "staff"  # any position
ANONYMOUS = "anonymous"
POSITIONS = [*POSITION_USERS, ANONYMOUS]

# who sees the demo cases: township posts and station posts see all of them; the village
# committee sees those it worked on (the village evaluation of the two 低保 cases)
SEES_MID_REVIEW = set(POSITION_USERS) - {"village_agent"}

# (method, path template, who may call it, who sees the object when it is a case)
ENDPOINTS: list[tuple[str, str, object, set[str] | None]] = [
    ("GET", "/api/powers/", EVERYONE, None),
    ("GET", "/api/powers/JF-01/", EVERYONE, None),
    ("GET", "/api/categories/", EVERYONE, None),
    ("GET", "/api/responsibilities/", EVERYONE, None),
    ("GET", "/api/public/notices/", EVERYONE, None),
    ("GET", "/api/public/notices/{notice}/", EVERYONE, None),
    ("POST", "/api/public/notices/{notice}/objections/", EVERYONE, None),
    ("POST", "/api/public/complaints/", EVERYONE, None),
    ("GET", "/api/schema/", EVERYONE, None),
    ("GET", "/api/me/", STAFF, None),
    ("GET", "/api/organizations/", STAFF, None),
    ("GET", "/api/definitions/", STAFF, None),
    ("GET", "/api/definitions/{definition}/", STAFF, None),
    ("GET", "/api/cases/", STAFF, None),
    ("POST", "/api/cases/", access.STARTERS, None),
    ("GET", "/api/cases/{case}/", STAFF, SEES_MID_REVIEW),
    ("GET", "/api/cases/{case}/history/", STAFF, SEES_MID_REVIEW),
    ("GET", "/api/cases/{case}/replay/?step=2", access.REPLAYERS, SEES_MID_REVIEW),
    ("GET", "/api/cases/{case}/verify/", access.REPLAYERS, SEES_MID_REVIEW),
    ("GET", "/api/cases/{case}/evidence/", access.REPLAYERS, SEES_MID_REVIEW),
    ("GET", "/api/cases/{case}/bundle.zip", access.REPLAYERS, SEES_MID_REVIEW),
    ("GET", "/api/cases/{case}/dossier.pdf", STAFF, SEES_MID_REVIEW),
    ("GET", "/api/public/transparency/", EVERYONE, None),
    ("GET", "/api/public/transparency/checkpoints/", EVERYONE, None),
    ("POST", "/api/cases/{case}/cancel/", access.CANCELLERS, SEES_MID_REVIEW),
    ("POST", "/api/cases/{case}/conflicts/", access.CONFLICT_RECORDERS, SEES_MID_REVIEW),
    ("GET", "/api/cases/{case}/tasks/{task}/form/", STAFF, SEES_MID_REVIEW),
    ("POST", "/api/cases/{case}/tasks/{task}/complete/", STAFF, SEES_MID_REVIEW),
    ("GET", "/api/tasks/", STAFF, None),
    ("GET", "/api/complaints/", access.LEADERS_AND_INSPECTOR, None),
    ("GET", "/api/complaints/{complaint}/", access.LEADERS_AND_INSPECTOR, None),
    ("POST", "/api/complaints/{complaint}/reply/", access.INSPECTORS, None),
    ("GET", "/api/objections/", access.INSPECTORS, None),
    ("GET", "/api/accountability/", access.LEADERS_AND_INSPECTOR, None),
]


def expected(position: str, allowed: object, sees: set[str] | None) -> str:
    if allowed == EVERYONE:
        return "ok"
    if position == ANONYMOUS:
        return "401"
    if allowed != STAFF and position not in allowed:
        return "403"
    if sees is not None and position not in sees:
        return "404"
    return "ok"


CASES = [
    pytest.param(position, method, path, expected(position, allowed, sees), id=f"{position}-{method}-{path}")
    for method, path, allowed, sees in ENDPOINTS
    for position in POSITIONS
]


@pytest.mark.parametrize(("position", "method", "path", "outcome"), CASES)
def test_permission_matrix(demo, position, method, path, outcome):
    mid = demo.cases["mid_review"]
    from engine.models import ProcessDefinition

    url = path.format(
        case=mid.pk,
        task=mid.work_items.get(bpmn_id="station_head_review").task_id,
        notice=demo.cases["notice_period"].pk,
        complaint=demo.complaint.pk,
        definition=ProcessDefinition.objects.filter(is_current=True).values_list("pk", flat=True).first(),
    )
    client = demo.client(None if position == ANONYMOUS else POSITION_USERS[position])
    before = case_counts()
    response = client.get(url) if method == "GET" else client.post(url, {}, format="json")
    code = (
        response.json().get("code")
        if response["Content-Type"].startswith("application/json") and isinstance(response.json(), dict)
        else None
    )
    if outcome == "ok":
        assert response.status_code not in (401, 403, 404), (response.status_code, response.content[:300])
    elif outcome == "401":
        assert (response.status_code, code) == (401, "not_authenticated")
    elif outcome == "403":
        assert (response.status_code, code) == (403, "permission_denied")
    else:
        assert (response.status_code, code) == (404, "case_not_found")
    if method == "POST":
        assert case_counts() == before  # an empty body never writes
