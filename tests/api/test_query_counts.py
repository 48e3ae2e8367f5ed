"""No list's statement count grows with the rows it shows or with the posts its user holds: each
list endpoint is read at the demo's size and again with more rows (or more posts), and both reads
run the same number of SQL statements."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engine import clock
from engine.models import Assignment, Case, Organization, Timer, WorkItem
from engine.names import NOTICE_TIMER_ID
from processes.models import Position

pytestmark = pytest.mark.django_db


def statements(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def start_cases(demo, n: int) -> list[str]:
    ids = []
    for i in range(n):
        response = demo.client("window_clerk").post(
            "/api/cases/",
            {"power_code": "JF-01", "data": {"applicant": f"申请人{i}", "applicant_id_number": "140121195003031234"}},
            format="json",
        )
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
    return ids


def test_the_inbox_and_the_case_list_cost_the_same_at_any_size(demo):
    clerk = demo.client("window_clerk")
    urls = ["/api/tasks/", "/api/cases/", "/api/cases/?status=running", "/api/cases/?light=green",
            "/api/cases/?power=JF-01"]  # fmt: skip
    before = {url: statements(clerk, url) for url in urls}
    start_cases(demo, 4)
    Case.objects.filter(pk=demo.cases["mid_review"].pk).update(paused_since=clock.now() - timedelta(days=9))
    after = {url: statements(clerk, url) for url in urls}
    assert after == before
    assert len(clerk.get("/api/tasks/").json()["results"]) >= 4


def test_a_user_holding_many_posts_costs_no_more_statements(demo):
    user = demo.users["handler"]
    client = demo.client("handler")
    urls = ["/api/tasks/", "/api/cases/", "/api/me/"]
    before = {url: statements(client, url) for url in urls}
    township = Organization.objects.get(code="township")
    units = Organization.objects.filter(parent=township)
    positions = Position.objects.filter(code__in=["handler", "village_agent", "recorder", "archivist"])
    for unit in units:
        for position in positions:
            Assignment.objects.get_or_create(user=user, position=position, organization=unit)
    assert Assignment.objects.filter(user=user).count() >= 10
    # (a new request builds the user's scope afresh)
    assert {url: statements(demo.client("handler"), url) for url in urls} == before


def test_the_public_notice_board_is_paged_and_costs_the_same_at_any_size(demo, anon):
    before = statements(anon, "/api/public/notices/")
    running = Case.objects.filter(status=Case.Status.RUNNING).exclude(timers__bpmn_id=NOTICE_TIMER_ID)[:5]
    Timer.objects.bulk_create([Timer(case=case, bpmn_id=NOTICE_TIMER_ID, due_at=clock.now() + timedelta(days=5))
                               for case in running])  # fmt: skip
    assert statements(anon, "/api/public/notices/") == before
    page = anon.get("/api/public/notices/?limit=2").json()
    assert (page["count"] >= 6, len(page["results"]), page["next"] is not None) == (True, 2, True)


def test_a_case_page_costs_the_same_with_many_open_tasks(demo):
    case = demo.cases["mid_review"]
    client = demo.client("station_head")
    url = f"/api/cases/{case.pk}/"
    before = statements(client, url)
    model = WorkItem.objects.filter(case=case).first()
    WorkItem.objects.bulk_create([
        WorkItem(case=case, township_id=case.township_id, task_id=f"00000000-0000-0000-0000-{i:012d}", bpmn_id=model.bpmn_id, name=model.name,
                 lane=model.lane, member="", mi_index=str(i), form=model.form, created_at=model.created_at,
                 due_at=model.due_at)
        for i in range(1, 30)
    ])  # fmt: skip
    assert statements(client, url) == before
    assert len(client.get(url).json()["tasks"]) >= 30


@pytest.mark.parametrize("username", ["chief", "discipline_inspector"])
def test_oversight_lists_cost_the_same_at_any_size(demo, username):
    client = demo.client(username)
    urls = ["/api/complaints/", "/api/accountability/", "/api/accountability/outcomes/", "/api/powers/",
            "/api/responsibilities/", "/api/definitions/", "/api/organizations/"]  # fmt: skip
    if username == "discipline_inspector":
        urls.append("/api/objections/")
    before = {url: statements(client, url) for url in urls}
    anon = demo.client()
    for i in range(3):
        response = anon.post("/api/public/complaints/", {"subject": f"某站所{i}", "content": "办事拖拉",
                                                          "township": "township"}, format="json")  # fmt: skip
        assert response.status_code == 201, response.content
    assert {url: statements(client, url) for url in urls} == before


def test_a_page_counts_only_so_far_past_itself(demo, settings):
    from api.pagination import BoundedLimitOffsetPagination

    clerk = demo.client("window_clerk")
    start_cases(demo, 3)
    exact = clerk.get("/api/cases/?limit=1").json()
    assert exact["count_capped"] is False
    BoundedLimitOffsetPagination.count_ahead, ahead = 1, BoundedLimitOffsetPagination.count_ahead
    try:
        page = clerk.get("/api/cases/?limit=1&offset=1").json()
    finally:
        BoundedLimitOffsetPagination.count_ahead = ahead
    assert (page["count"], page["count_capped"], len(page["results"])) == (3, True, 1)
    assert page["next"] is not None and exact["count"] > 3
