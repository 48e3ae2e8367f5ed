"""End to end over real HTTP: a 低保 application (JF-01) from the window through the village
evaluation, the three-level review, the collective decision, a public notice with one objection
from the public, to the county result, the payment and filing.

Each step is taken by the demo user who holds its post, found in that user's own inbox; the
public objects without logging in; the timer worker (`run_timers`) closes the notice period.
Nobody waits for the 7-day notice period: the test moves the server clock (engine/clock.py, a
DEBUG-only setting read by the live server's thread and by the timer worker alike).
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from engine import clock
from engine.management.commands.seed_demo import COMMITTEE, Answers
from tests.api.conftest import load_demo

pytestmark = pytest.mark.django_db(transaction=True)

NOTICE_DAYS = 7


class Api:
    def __init__(self, base: str) -> None:
        self.base = base

    def call(self, method: str, path: str, *, user: str | None = None, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if user is not None:
            request.add_header("Authorization", f"Token demo-{user}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        status, body = self.call(method, path, **kwargs)
        assert status in (200, 201), (method, path, status, body)
        return body


class Applicant:
    """Works a case through the API, each task by the user whose inbox it lands in."""

    def __init__(self, api: Api, case_id: str) -> None:
        self.api, self.case_id = api, case_id
        self.answers = Answers(now=clock.now(), applicant="郑大妈")
        self.done: list[tuple[str, str]] = []  # (bpmn_id, user)

    def my_task(self, user: str, bpmn_id: str) -> dict:
        inbox = self.api.ok("GET", "/api/tasks/?limit=500", user=user)["results"]
        mine = [t for t in inbox if t["case"]["id"] == self.case_id and t["bpmn_id"] == bpmn_id]
        assert mine, f"{bpmn_id} is not in {user}'s inbox: {[(t['case']['reference'], t['bpmn_id']) for t in inbox]}"
        return mine[0]

    def do(self, user: str, bpmn_id: str, **overrides: Any) -> dict:
        task = self.my_task(user, bpmn_id)
        self.answers.now = clock.now()
        data = {**self.answers.for_form(task["form"], bpmn_id), **overrides}
        if bpmn_id == "meeting_attendance":
            self.answers.stances, self.answers.attendance = [], data
        case = self.api.ok(
            "POST",
            f"/api/cases/{self.case_id}/tasks/{task['task_id']}/complete/",
            user=user,
            body={"data": data},
        )
        if bpmn_id == "member_stance":
            self.answers.stances.append({"member": user, "stance": data["stance"]})
        if bpmn_id == "chief_stance":
            self.answers.stances.append({"member": user, "stance": data["chief_stance"]})
        self.done.append((bpmn_id, user))
        return case


def test_a_dibao_case_runs_from_application_to_filing_over_http(live_server, settings):
    settings.DEBUG = True  # the clock may be moved only with DEBUG on
    settings.ENGINE_CLOCK_OFFSET = timedelta(0)
    call_command("load_catalog", stdout=io.StringIO())
    demo = load_demo()
    api = Api(live_server.url)
    members = [m for m in COMMITTEE if m != "chief"]

    # the applicant applies at the window; the clerk starts the case by its power code
    case = api.ok(
        "POST",
        "/api/cases/",
        user="window_clerk",
        body={
            "power_code": "JF-01",
            "data": {
                "applicant": "郑大妈",
                "applicant_id_number": "140121195003031234",
            },
        },
    )
    flow = Applicant(api, case["id"])
    for step in ("register_application", "check_materials", "issue_receipt"):
        flow.do("window_clerk", step)
    flow.do("handler", "investigation")
    flow.do("village_committee", "village_meeting")
    flow.do("handler", "handler_review")

    # the station head claims the review before doing it; nobody else may then take it
    task = flow.my_task("station_head", "station_head_review")
    api.ok("POST", f"/api/cases/{case['id']}/tasks/{task['task_id']}/claim/", user="station_head")
    status, body = api.call(
        "POST",
        f"/api/cases/{case['id']}/tasks/{task['task_id']}/complete/",
        user="handler",
        body={"data": {}},
    )
    assert (status, body["code"]) == (409, "task_claimed_by_other")
    flow.do("station_head", "station_head_review")
    flow.do("deputy", "deputy_review")

    # collective decision: sign-in, each member's stance, the chief last, minutes, signatures
    flow.do("recorder", "meeting_attendance")
    status, body = api.call("GET", "/api/tasks/", user="chief")
    assert [t for t in body["results"] if t["case"]["id"] == case["id"]] == []  # 末位表态: not yet
    for member in members:
        flow.do(member, "member_stance")
    flow.do("chief", "chief_stance")
    flow.do("recorder", "record_minutes")
    for member in [*members, "chief"]:  # the engine holds the chief to last on every per-member task
        flow.do(member, "sign_minutes")

    # the notice goes up; the public sees it (masked) and one villager objects
    # (its start is the server time, its end computed from the township's 7-day period)
    posted = clock.now()
    flow.do("handler", "post_notice", notice_content="户主：郑大妈，身份证号 140121195003031234，拟保障人数 2 人")
    board = api.ok("GET", "/api/public/notices/")["results"]
    [notice] = [n for n in board if n["case_id"] == case["id"]]
    notice_end = datetime.fromisoformat(notice["notice_end"])
    assert notice_end - posted >= timedelta(days=NOTICE_DAYS)
    assert notice["content"] == "户主：郑大妈，身份证号 1401**********1234，拟保障人数 2 人"
    receipt = api.ok(
        "POST",
        f"/api/public/notices/{case['id']}/objections/",
        body={"content": "申请人儿子在县城有商品房", "name": "邻居老王", "contact": "13600001234"},
    )
    assert receipt["number"].startswith("YY-")
    flow.do(
        "station_head",
        "examine_objection",
        objection_register_no=receipt["number"],
        objection_finding="经重新入户调查，房屋登记在其儿子名下且已分户，异议不成立",
    )

    # before its end the timer worker leaves the notice up
    call_command("run_timers", "--once", stdout=io.StringIO())
    assert [n["case_id"] for n in api.ok("GET", "/api/public/notices/")["results"] if n["case_id"] == case["id"]] == [case["id"]]

    # the notice period ends (the server clock moves past it): the timer worker moves the case on
    settings.ENGINE_CLOCK_OFFSET = notice_end - clock.wall() + timedelta(minutes=1)
    assert clock.now() > notice_end
    call_command("run_timers", "--once", stdout=io.StringIO())
    assert all(n["case_id"] != case["id"] for n in api.ok("GET", "/api/public/notices/")["results"])

    flow.do("deputy", "decision")
    flow.do("handler", "county_result")
    flow.do("handler", "disbursement")
    flow.do("archivist", "archive_case")

    final = api.ok("GET", f"/api/cases/{case['id']}/", user="chief")
    assert (final["status"], final["tasks"], final["timers"]) == ("completed", [], [])
    users = {user for _, user in flow.done}
    assert users == {
        "window_clerk",
        "handler",
        "village_committee",
        "station_head",
        "deputy",
        "recorder",
        "chief",
        "committee_member_1",
        "committee_member_2",
        "committee_member_3",
        "archivist",
    }

    history = api.ok("GET", f"/api/cases/{case['id']}/history/", user="discipline_inspector")
    kinds = [e["kind"] for e in history]
    assert kinds.count("task_completed") == len(flow.done)
    assert (kinds.count("message_received"), kinds.count("timer_fired")) == (1, 1)
    assert [e["payload"]["data"]["receipt_number"] for e in history if e["kind"] == "message_received"] == [
        receipt["number"]
    ]
    assert "邻居老王" not in json.dumps(history, ensure_ascii=False)  # the objector stays confidential
    [objection] = api.ok("GET", f"/api/objections/?case={case['id']}", user="discipline_inspector")["results"]
    assert objection["objector_name"] == "邻居老王"

    report = api.ok("GET", f"/api/cases/{case['id']}/verify/", user="discipline_inspector")
    assert (report["ok"], report["status"], report["events"]) == (True, "completed", len(history))
    assert report["data"]["outcome"] == "approved"
    assert demo.users["window_clerk"].username == "window_clerk"
