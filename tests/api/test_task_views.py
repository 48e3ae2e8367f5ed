"""Tasks over the API: the inbox, claim and unclaim, complete with form data, the task's form."""

from __future__ import annotations

import pytest
from django.utils import timezone

from engine.management.commands.seed_demo import COMMITTEE, Answers
from engine.models import AuditEvent, WorkItem
from tests.api.conftest import case_counts
from tests.api.test_exception_handler import assert_error

pytestmark = pytest.mark.django_db

STATION_HEAD_OK = {
    "station_head_action": "forward",
    "station_head_opinion": "同意经办意见",
    "station_head_recommendation": "approve",
}


def inbox(demo, username: str) -> set[tuple[str, str]]:
    response = demo.client(username).get("/api/tasks/")
    assert response.status_code == 200, response.content
    return {(t["case"]["reference"], t["bpmn_id"]) for t in response.json()["results"]}


def review_task(demo) -> tuple[str, str]:
    case = demo.cases["mid_review"]
    return str(case.pk), str(case.work_items.get(bpmn_id="station_head_review").task_id)


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("window_clerk", {("just_started", "register_application"), ("overdue", "register_application")}),
        ("station_head", {("mid_review", "station_head_review")}),
        ("handler", set()),
        ("village_agent", set()),
    ],
)
def test_inbox_holds_the_tasks_of_ones_lanes(demo, username, expected):
    assert inbox(demo, username) == {(demo.cases[k].reference, bpmn_id) for k, bpmn_id in expected}


def test_inbox_items_carry_light_and_case(demo):
    item = demo.client("window_clerk").get("/api/tasks/").json()["results"][0]
    assert item["case"]["reference"] == demo.cases["overdue"].reference  # the most overdue first
    assert item["light"] == "red"
    assert item["case"]["power_name"] == "高龄津贴（80周岁以上）申请审核"


def test_claim_then_only_the_claimant_sees_it_and_others_get_a_conflict(demo):
    case_id, task_id = review_task(demo)
    response = demo.client("station_head").post(f"/api/cases/{case_id}/tasks/{task_id}/claim/")
    assert response.status_code == 200, response.content
    assert [t["claimed_by"] for t in response.json()["tasks"]] == ["station_head"]
    before = case_counts()
    assert_error(
        demo.client("station_head").post(f"/api/cases/{case_id}/tasks/{task_id}/claim/"),
        409,
        "task_claimed_by_other",
    )
    assert case_counts() == before


def test_unclaim_gives_the_task_back(demo):
    case_id, task_id = review_task(demo)
    client = demo.client("station_head")
    client.post(f"/api/cases/{case_id}/tasks/{task_id}/claim/")
    response = client.post(f"/api/cases/{case_id}/tasks/{task_id}/unclaim/")
    assert response.status_code == 200, response.content
    assert [t["claimed_by"] for t in response.json()["tasks"]] == [None]
    kinds = list(AuditEvent.objects.filter(case_id=case_id).order_by("-sequence").values_list("kind", flat=True)[:2])
    assert kinds == ["task_unclaimed", "task_claimed"]


def test_unclaim_a_task_one_did_not_claim_is_a_conflict(demo):
    case_id, task_id = review_task(demo)
    before = case_counts()
    assert_error(
        demo.client("station_head").post(f"/api/cases/{case_id}/tasks/{task_id}/unclaim/"),
        409,
        "task_not_claimed",
    )
    assert case_counts() == before


def test_complete_task_advances_the_case(demo):
    case_id, task_id = review_task(demo)
    response = demo.client("station_head").post(
        f"/api/cases/{case_id}/tasks/{task_id}/complete/", {"data": STATION_HEAD_OK}, format="json"
    )
    assert response.status_code == 200, response.content
    assert [t["bpmn_id"] for t in response.json()["tasks"]] == ["deputy_review"]
    event = AuditEvent.objects.filter(case_id=case_id).latest("sequence")
    assert (event.kind, event.bpmn_id, event.actor_name, event.payload["data"]) == (
        "task_completed",
        "station_head_review",
        "station_head",
        STATION_HEAD_OK,
    )


def test_complete_task_outside_ones_lane_is_forbidden_and_writes_nothing(demo):
    case_id, task_id = review_task(demo)
    before = case_counts()
    response = demo.client("handler").post(
        f"/api/cases/{case_id}/tasks/{task_id}/complete/", {"data": STATION_HEAD_OK}, format="json"
    )
    assert_error(response, 403, "not_in_lane")
    assert case_counts() == before


def test_complete_task_twice_is_a_conflict(demo):
    case_id, task_id = review_task(demo)
    client = demo.client("station_head")
    client.post(f"/api/cases/{case_id}/tasks/{task_id}/complete/", {"data": STATION_HEAD_OK}, format="json")
    before = case_counts()
    response = client.post(f"/api/cases/{case_id}/tasks/{task_id}/complete/", {"data": STATION_HEAD_OK}, format="json")
    assert_error(response, 409, "task_not_ready")
    assert case_counts() == before


def test_complete_task_needs_data_as_an_object(demo):
    case_id, task_id = review_task(demo)
    body = assert_error(
        demo.client("station_head").post(
            f"/api/cases/{case_id}/tasks/{task_id}/complete/", {"data": "同意"}, format="json"
        ),
        400,
        "invalid",
    )
    assert list(body["fields"]) == ["data"]


def test_a_task_of_a_case_one_cannot_see_is_not_found(demo):
    case_id, task_id = review_task(demo)
    before = case_counts()
    assert_error(
        demo.client("village_agent").post(f"/api/cases/{case_id}/tasks/{task_id}/claim/"),
        404,
        "case_not_found",
    )
    assert case_counts() == before


def test_an_unknown_task_is_not_found(demo):
    case_id, _ = review_task(demo)
    response = demo.client("station_head").post(
        f"/api/cases/{case_id}/tasks/00000000-0000-0000-0000-000000000000/claim/"
    )
    assert_error(response, 404, "task_not_found")


def test_task_form_is_the_json_schema_of_the_pinned_definition(demo):
    case_id, task_id = review_task(demo)
    body = demo.client("station_head").get(f"/api/cases/{case_id}/tasks/{task_id}/form/").json()
    assert (body["bpmn_id"], body["form"], body["lane"]) == (
        "station_head_review",
        "review_station_head",
        "站所负责人",
    )
    assert body["schema"]["type"] == "object"
    assert set(body["schema"]["required"]) == set(STATION_HEAD_OK)


def test_multi_instance_stances_go_to_the_named_members(demo):
    case_id, task_id = review_task(demo)
    demo.client("station_head").post(
        f"/api/cases/{case_id}/tasks/{task_id}/complete/", {"data": STATION_HEAD_OK}, format="json"
    )
    deputy_task = WorkItem.objects.get(case_id=case_id, bpmn_id="deputy_review").task_id
    demo.client("deputy").post(
        f"/api/cases/{case_id}/tasks/{deputy_task}/complete/",
        format="json",
        data={"data": {"deputy_action": "conclude", "deputy_opinion": "同意", "deputy_conclusion": "approve"}},
    )
    attendance = WorkItem.objects.get(case_id=case_id, bpmn_id="meeting_attendance")
    data = Answers(now=timezone.now()).for_form("meeting_attendance", "meeting_attendance")
    response = demo.client("recorder").post(
        f"/api/cases/{case_id}/tasks/{attendance.task_id}/complete/", {"data": data}, format="json"
    )
    assert response.status_code == 200, response.content
    members = sorted(t["member"] for t in response.json()["tasks"])
    assert members == sorted(m for m in COMMITTEE if m != "chief")
    assert inbox(demo, "committee_member_2") == {(demo.cases["mid_review"].reference, "member_stance")}
    assert inbox(demo, "chief") == set()  # the chief speaks last: his own task comes after the members'


def test_a_step_answers_with_its_result_and_the_case_detail_stays_on_get(demo):
    case_id, task_id = review_task(demo)
    body = demo.client("station_head").post(
        f"/api/cases/{case_id}/tasks/{task_id}/complete/", {"data": STATION_HEAD_OK}, format="json"
    ).json()
    assert set(body) == {"id", "reference", "status", "status_display", "events", "due_at", "legal_due_at",
                         "paused", "light", "closed_at", "tasks", "closed_tasks"}  # fmt: skip
    assert (body["id"], body["status"], body["closed_tasks"]) == (case_id, "running", [task_id])
    detail = demo.client("station_head").get(f"/api/cases/{case_id}/").json()
    assert body["events"] == detail["events"]
    assert [t["task_id"] for t in body["tasks"]] == [t["task_id"] for t in detail["tasks"]]
    assert "start_data" in detail and "timers" in detail


def test_a_step_is_answered_with_few_statements(demo, django_assert_max_num_queries):
    case_id, task_id = review_task(demo)
    client = demo.client("station_head")
    with django_assert_max_num_queries(19):  # a step's writes and checks; no second visibility check, no case detail
        response = client.post(f"/api/cases/{case_id}/tasks/{task_id}/claim/")
    assert response.status_code == 200, response.content
