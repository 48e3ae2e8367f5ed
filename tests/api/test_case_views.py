"""Cases over the API: start by power code, list with filters and lights, detail, cancel, history,
replay and verification; a case outside one's visibility answers 404."""

from __future__ import annotations

import pytest
from django.utils import timezone

from engine.models import AuditEvent, Case, WorkItem
from tests.api.conftest import case_counts
from tests.api.test_exception_handler import assert_error

pytestmark = pytest.mark.django_db


def references(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {c["reference"] for c in response.json()["results"]}


def test_start_case_by_power_code_runs_to_the_first_task(demo):
    response = demo.client("window_clerk").post(
        "/api/cases/",
        {"power_code": "JF-01", "data": {"applicant": "郑十一"}},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["power_code"] == "JF-01"
    assert body["status"] == "running"
    assert body["organization"] == "township"
    assert body["handling_unit"] == "民政所（社会事务办）"
    assert [t["bpmn_id"] for t in body["tasks"]] == ["register_application"]
    assert body["start_data"]["applicant"] == "郑十一"
    assert AuditEvent.objects.filter(case_id=body["id"]).count() == 1


@pytest.mark.parametrize(("data", "fields"), [
    # a rule value typed by the window clerk: the meeting would pass with 5 of 5 disagreeing
    ({"applicant": "郑十一", "pass_fraction": {"numerator": 0, "denominator": 5, "comparison": "gte"}},
     {"data.pass_fraction"}),
    ({"quorum_fraction": {"numerator": 1, "denominator": 5, "comparison": "gt"}, "expected_members": ["chief"]},
     {"data.quorum_fraction", "data.expected_members"}),
    ({"notice_end": "2026-01-01T00:00:00+08:00"}, {"data.notice_end"}),
    ({"applicant": 42}, {"data.applicant"}),
    ({"applicant_id_number": "1401211950"}, {"data.applicant_id_number"}),
    ({"anything": "else"}, {"data.anything"}),  # the start form is closed
])  # fmt: skip
def test_bad_start_data_is_refused_with_field_errors_and_nothing_written(demo, data, fields):
    before = (Case.objects.count(), AuditEvent.objects.count())
    response = demo.client("window_clerk").post("/api/cases/", {"power_code": "JF-01", "data": data}, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid_task_data" and set(body["fields"]) == fields
    assert (Case.objects.count(), AuditEvent.objects.count()) == before


def test_start_case_by_a_village_agent_marks_him_as_the_agent(demo):
    response = demo.client("village_agent").post("/api/cases/", {"power_code": "JF-03"}, format="json")
    assert response.status_code == 201, response.content
    assert Case.objects.get(pk=response.json()["id"]).agent_user == demo.users["village_agent"]


def test_start_case_of_a_power_off_the_list_is_refused_and_writes_nothing(demo):
    before = case_counts()
    response = demo.client("window_clerk").post("/api/cases/", {"power_code": "ZS-01"}, format="json")
    assert_error(response, 400, "power_not_listed")
    assert case_counts() == before


def test_start_case_in_an_organization_outside_ones_posts_is_refused(demo):
    before = case_counts()
    response = demo.client("village_agent").post(
        "/api/cases/", {"power_code": "JF-03", "organization": "village-xi"}, format="json"
    )
    assert_error(response, 400, "organization_not_found")
    assert case_counts() == before


def test_case_list_shows_the_township_to_a_township_post(demo):
    assert references(demo.client("chief").get("/api/cases/")) == {c.reference for c in demo.cases.values()}


def test_case_list_is_empty_for_a_post_that_sees_no_case(demo):
    assert references(demo.client("village_agent").get("/api/cases/")) == set()


def test_case_list_shows_a_village_committee_the_cases_it_worked_on(demo):
    seen = references(demo.client("village_committee").get("/api/cases/"))
    assert seen == {demo.cases[k].reference for k in ("mid_review", "notice_period", "minor_notice")}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("power=JF-01", {"mid_review", "notice_period"}),
        ("status=completed", {"completed"}),
        ("status=cancelled", {"cancelled"}),
        ("light=red", {"overdue"}),
        ("power=JF-08&light=green", set()),
        ("organization=station-01", {"just_started"}),
    ],
)
def test_case_list_filters(demo, query, expected):
    got = references(demo.client("discipline_inspector").get(f"/api/cases/?{query}"))
    assert got == {demo.cases[k].reference for k in expected}


def test_case_list_filters_by_start_date(demo):
    today = timezone.localdate().isoformat()
    got = references(demo.client("chief").get(f"/api/cases/?started_from={today}&started_to={today}"))
    assert demo.cases["just_started"].reference in got
    assert demo.cases["overdue"].reference not in got


@pytest.mark.parametrize("query", ["light=purple", "status=done", "started_from=yesterday", "organization=nowhere"])
def test_case_list_rejects_bad_filters(demo, query):
    body = assert_error(demo.client("chief").get(f"/api/cases/?{query}"), 400, "invalid")
    assert set(body["fields"]) == {query.split("=")[0]}


def test_case_detail_has_tasks_deadlines_and_lights(demo):
    case = demo.cases["overdue"]
    body = demo.client("handler").get(f"/api/cases/{case.pk}/").json()
    assert body["light"] == "red"
    assert body["due_at"] is not None
    assert [(t["bpmn_id"], t["light"], t["escalation_level"]) for t in body["tasks"]] == [
        ("register_application", "red", 3)
    ]


def test_case_detail_of_a_closed_case_has_no_light(demo):
    body = demo.client("chief").get(f"/api/cases/{demo.cases['completed'].pk}/").json()
    assert (body["status"], body["light"], body["tasks"]) == ("completed", None, [])


def test_case_detail_shows_the_pending_notice_period(demo):
    body = demo.client("handler").get(f"/api/cases/{demo.cases['notice_period'].pk}/").json()
    assert [t["bpmn_id"] for t in body["timers"]] == ["notice_period"]
    assert body["paused"] is True


def test_a_case_outside_ones_visibility_is_not_found(demo):
    assert_error(demo.client("village_agent").get(f"/api/cases/{demo.cases['mid_review'].pk}/"), 404, "case_not_found")


def test_an_unknown_case_is_not_found(demo):
    assert_error(demo.client("chief").get("/api/cases/00000000-0000-0000-0000-000000000000/"), 404, "case_not_found")


def test_cancel_case_with_a_reason_closes_it_and_withdraws_its_tasks(demo):
    case = demo.cases["just_started"]
    response = demo.client("chief").post(f"/api/cases/{case.pk}/cancel/", {"reason": "申请人撤回"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["tasks"]) == ("cancelled", [])
    event = AuditEvent.objects.filter(case=case).latest("sequence")
    assert (event.kind, event.payload, event.actor_name) == (
        "case_cancelled",
        {"reason": "申请人撤回"},
        "chief",
    )


def test_cancel_case_without_a_reason_is_refused_and_writes_nothing(demo):
    case = demo.cases["just_started"]
    before = case_counts()
    response = demo.client("chief").post(f"/api/cases/{case.pk}/cancel/", {"reason": "  "}, format="json")
    assert_error(response, 400, "reason_required")
    assert case_counts() == before
    assert Case.objects.get(pk=case.pk).status == "running"


def test_cancel_a_closed_case_is_a_conflict(demo):
    case = demo.cases["completed"]
    before = case_counts()
    response = demo.client("deputy").post(f"/api/cases/{case.pk}/cancel/", {"reason": "误办"}, format="json")
    assert_error(response, 409, "case_closed")
    assert case_counts() == before


def test_history_lists_the_audit_chain_with_task_names(demo):
    case = demo.cases["completed"]
    events = demo.client("archivist").get(f"/api/cases/{case.pk}/history/").json()
    assert [e["sequence"] for e in events] == list(range(1, case.last_sequence + 1))
    assert events[0]["kind"] == "case_started"
    assert events[1]["task_name"] == "登记申请（首问负责）"
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(events, events[1:], strict=False))


def test_replay_as_of_a_step_shows_the_tasks_ready_then(demo):
    case = demo.cases["mid_review"]
    body = demo.client("discipline_inspector").get(f"/api/cases/{case.pk}/replay/?step=1").json()
    assert (body["ok"], body["step"], body["events"]) == (True, 1, case.last_sequence)
    assert [t["bpmn_id"] for t in body["ready_tasks"]] == ["register_application"]


def test_verify_reports_an_intact_case(demo):
    body = demo.client("discipline_inspector").get(f"/api/cases/{demo.cases['completed'].pk}/verify/").json()
    assert body["ok"] is True
    assert body["chain"]["ok"] is True
    assert body["definition_intact"] is True
    assert body["status"] == "completed"


def test_verify_finds_a_tampered_event(demo):
    case = demo.cases["completed"]
    AuditEvent.objects.filter(case=case, sequence=2).update(payload={"data": {"applicant": "冒名"}})
    body = demo.client("discipline_inspector").get(f"/api/cases/{case.pk}/verify/").json()
    assert body["ok"] is False
    assert body["chain"]["first_bad_sequence"] == 2


def test_replay_rejects_a_negative_step(demo):
    case = demo.cases["mid_review"]
    body = assert_error(demo.client("chief").get(f"/api/cases/{case.pk}/replay/?step=-1"), 400, "invalid")
    assert list(body["fields"]) == ["step"]


def test_work_items_are_untouched_by_reads(demo):
    before = list(WorkItem.objects.order_by("pk").values_list("pk", "claimed_by_id"))
    demo.client("chief").get("/api/cases/")
    demo.client("handler").get("/api/tasks/")
    assert list(WorkItem.objects.order_by("pk").values_list("pk", "claimed_by_id")) == before
