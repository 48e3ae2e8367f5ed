"""公示 and objections: an upheld objection stops the notice, sends the case back to review and
restarts the period on re-publication; an objection that is not upheld leaves the period running."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from engine import exceptions as exc
from engine.models import Timer
from tests.processes.conftest import assert_closed

pytestmark = pytest.mark.django_db

# JF-07 (义务兵家庭优待金): acceptance → investigation → review → 公示 → decision → disbursement → filing
POWER = "power_jf_07"


def object_once(driver):
    if driver.count("post_notice") == 1:
        driver.object("该户子女已退伍，不应享受优待")


def test_an_upheld_objection_sends_the_case_back_to_review_and_restarts_the_period(drive):
    driver = drive(POWER, hooks={"post_notice": object_once},
                   examine_objection={"objection_upheld": True, "objection_finding": "经重新入户调查，异议属实"})
    driver.run_until("examine_objection")
    first_timer = Timer.objects.get(case=driver.case, bpmn_id="notice_period")
    first = driver.computed("post_notice")
    first_end = first["notice_end"]
    # the period is computed, never typed: 7 calendar days (the township's setting for JF-07), the
    # day of posting not counted, ending at the end of its last day
    posted = datetime.fromisoformat(first["notice_start"])
    assert datetime.fromisoformat(first_end) == datetime.combine(posted.date() + timedelta(days=7),
                                                                 time(23, 59, 59), tzinfo=posted.tzinfo)
    assert first_timer.due_at == datetime.fromisoformat(first_end)
    assert first["notice_period"] == {"value": 7, "unit": "calendar_day", "setting": "notice_days.jf_07"}
    assert first_timer.status == Timer.Status.PENDING

    driver.step()  # the objection is upheld: the notice is interrupted, the case is back at review
    assert [i.bpmn_id for i in driver.ready()] == ["handler_review"]
    first_timer.refresh_from_db()
    assert first_timer.status == Timer.Status.CANCELLED

    driver.tick(60 * 24 * 2)  # re-review two days later, then publish again
    driver.run_until("decision")
    assert driver.count("handler_review") == 2
    assert driver.count("post_notice") == 2
    timers = list(Timer.objects.filter(case=driver.case, bpmn_id="notice_period").order_by("due_at"))
    assert [t.status for t in timers] == [Timer.Status.CANCELLED, Timer.Status.FIRED]
    second = driver.computed("post_notice")
    second_end = second["notice_end"]
    assert second_end > first_end
    # every round is kept, the interrupted one too
    assert [(r["round"], r["status"], r["end"]) for r in second["notice_history"]] == [
        (1, "interrupted", first_end), (2, "running", second_end)]
    assert timers[1].due_at == datetime.fromisoformat(second_end)  # the period restarted from the re-publication
    assert timers[1].due_at - timers[0].due_at >= timedelta(days=2)

    driver.run()
    assert_closed(driver.case, approved=True)


def test_an_objection_not_upheld_leaves_the_period_running_and_the_case_completes(drive):
    driver = drive(POWER, hooks={"post_notice": object_once})
    driver.run_until("examine_objection")
    due = driver.refresh().next_timer_due
    driver.step()  # not upheld
    assert driver.refresh().next_timer_due == due
    assert driver.ready() == []
    driver.run()
    timer = Timer.objects.get(case=driver.case, bpmn_id="notice_period")
    assert (timer.status, timer.due_at) == (Timer.Status.FIRED, due)
    assert driver.count("post_notice") == 1 and driver.count("handler_review") == 1
    assert driver.last("examine_objection")["objection_upheld"] is False
    assert_closed(driver.case, approved=True)


def test_several_objections_are_examined_each_and_one_upheld_is_enough(drive):
    def two_objections(driver):
        if driver.count("post_notice") == 1:
            driver.object("第一条异议")
            driver.object("第二条异议")

    driver = drive(POWER, hooks={"post_notice": two_objections},
                   examine_objection=[{"objection_upheld": False}, {"objection_upheld": True}])
    driver.run_until("examine_objection")
    assert [i.bpmn_id for i in driver.ready()] == ["examine_objection", "examine_objection"]
    driver.run()
    assert driver.count("examine_objection") == 2 and driver.count("post_notice") == 2
    assert_closed(driver.case, approved=True)


def test_an_upheld_objection_can_end_in_rejection_after_re_review(drive):
    driver = drive(POWER, hooks={"post_notice": object_once}, examine_objection={"objection_upheld": True},
                   deputy_review=[{}, {"deputy_conclusion": "reject", "deputy_reason": "异议属实，不符合优待条件"}])
    driver.run()
    assert driver.count("post_notice") == 1 and driver.count("deputy_review") == 2
    assert "written_rejection" in driver.completed_ids()
    assert_closed(driver.case, approved=False)


def test_objections_are_refused_outside_the_notice_period(drive):
    driver = drive(POWER)
    with pytest.raises(exc.MessageNotExpected):
        driver.object()
    driver.run()
    assert_closed(driver.case, approved=True)


def test_the_notice_records_place_period_and_photo(drive):
    driver = drive("power_jf_01")
    driver.run()
    data = assert_closed(driver.case, approved=True)
    post = driver.computed("post_notice")
    assert (data["notice_place"], data["notice_start"], data["notice_end"], data["photo_ref"]) == (
        post["notice_place"], post["notice_start"], post["notice_end"], post["photo_ref"])
    assert data["notice_completed"] is True
    assert data["notice_history"] == [{**post["notice_history"][0], "status": "completed"}]
    assert data["notice_history"][-1]["end"] == post["notice_end"]


def test_after_an_upheld_objection_the_matter_goes_through_review_and_the_meeting_again(drive):
    driver = drive("power_jf_01", hooks={"post_notice": object_once}, examine_objection={"objection_upheld": True})
    driver.run()
    ids = driver.completed_ids()
    assert ids.count("deputy_review") == 2 and ids.count("meeting_attendance") == 2 and ids.count("post_notice") == 2
    data = assert_closed(driver.case, approved=True)
    assert [r["outcome"] for r in data["meeting_records"]] == ["passed", "passed"]
    assert len(data["signatures"]) == len(data["present_members"]) + 1
