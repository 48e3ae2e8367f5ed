"""Branches inside the stages and categories: 一次性告知补正, review returns, enforcement options,
强制执行 timing, mediation agreements."""

from __future__ import annotations

import pytest

from engine.models import Timer
from tests.processes.conftest import assert_closed

pytestmark = pytest.mark.django_db


def test_incomplete_materials_get_one_notice_of_everything_missing_then_the_resubmission_is_checked(drive):
    driver = drive("power_qr_03", check_materials=[{"materials_complete": False, "conditions_met": True}, {}])
    driver.run()
    ids = driver.completed_ids()
    assert ids[:6] == ["register_application", "check_materials", "one_time_notice", "resubmission",
                       "check_materials", "issue_receipt"]  # fmt: skip
    data = assert_closed(driver.case, approved=True)
    assert data["correction_rounds"] == 1
    assert data["correction_notices"][0]["missing_items"] == ["户口簿复印件", "收入证明"]
    assert data["correction_notices"][0]["notice_date"] == driver.computed("one_time_notice")["notice_date"]
    assert data["first_responder"] == "clerk" and data["receipt_number"] and data["promised_date"]


def test_the_acceptance_register_needs_the_agent_when_an_agent_applies(drive):
    from engine import exceptions as exc
    from engine import services

    driver = drive("power_qr_03")
    item = driver.run_until("register_application")
    data = {**driver.answer(item), "application_channel": "代办员代办"}
    with pytest.raises(exc.InvalidTaskData):
        services.complete_task(driver.case.pk, task_id=item.task_id, actor=driver.staff["clerk"], data=data,
                               now=driver.tick())
    driver.complete(item, {**data, "agent": "村代办员赵八"})
    driver.run()
    assert_closed(driver.case, approved=True)


def test_each_reviewer_can_send_the_case_back(drive):
    driver = drive("power_qt_03",
                   handler_review=[{"handler_action": "request_supplement", "handler_reason": "缺医院证明",
                                    "supplement_items": ["医院证明"]}, {}],
                   station_head_review=[{"station_head_action": "return_to_handler", "station_head_reason": "意见不明确"},
                                        {}],
                   deputy_review=[{"deputy_action": "return_to_station_head", "deputy_reason": "请核实"},
                                  {"deputy_action": "return_to_handler", "deputy_reason": "补充说明"}, {}])
    driver.run()
    ids = driver.completed_ids()
    assert ids.count("collect_supplement") == 1
    assert ids.count("handler_review") == 4 and ids.count("station_head_review") == 4
    assert ids.count("deputy_review") == 3
    data = assert_closed(driver.case, approved=True)
    assert data["review_approved"] is True and data["review_rounds"] == 1


def test_a_simple_penalty_skips_legal_review_hearing_and_collective_discussion(drive):
    driver = drive("power_cf_02", investigation={"major_case": False},
                   hearing_notice={"hearing_requested": False, "statement_received": False})
    driver.run()
    ids = driver.completed_ids()
    assert not {"legal_review", "hearing", "meeting_attendance"} & set(ids)
    assert ids[-4:] == ["service", "execution", "public_notice", "archive_case"]
    assert_closed(driver.case, approved=True)


def test_a_major_penalty_has_legal_review_hearing_and_collective_discussion(drive):
    driver = drive("power_cf_01", legal_review=[{"legal_review_passed": False, "legal_review_issues": ["缺少现场勘验"]},
                                                {}])
    driver.run()
    ids = driver.completed_ids()
    assert ids.count("investigation") == 2  # legal review sent it back for more investigation
    assert ids.index("legal_review") < ids.index("hearing_notice") < ids.index("hearing") < ids.index("member_stance")
    assert ids.index("member_stance") < ids.index("decision")
    data = assert_closed(driver.case, approved=True)
    assert data["execution_method"] == "银行代收罚款" and data["payment_receipt_no"]  # 罚缴分离


def test_demolition_waits_for_the_remedy_periods_and_never_runs_at_night(drive):
    night = {"execution_start": None, "execution_end": None}

    def at_night(driver, item):
        day = (driver.now.replace(hour=22, minute=30, second=0, microsecond=0)).isoformat()
        end = (driver.now.replace(hour=23, minute=30, second=0, microsecond=0)).isoformat()
        return {**night, "execution_start": day, "execution_end": end}

    driver = drive("power_qz_01", execution=[at_night, {}])
    driver.run_until("remedy_check")
    remedy = Timer.objects.get(case=driver.case, bpmn_id="remedy_period")
    assert remedy.status == Timer.Status.FIRED
    assert remedy.due_at.isoformat()[:10] == driver.last("decision")["remedy_period_end"][:10]
    assert driver.timers_fired == ["notice_period", "remedy_period"]
    driver.run()
    assert driver.completed_ids().count("execution") == 2  # the night-time record was sent back
    data = assert_closed(driver.case, approved=True)
    assert data["execution_time_ok"] is True and data["not_night_or_holiday"] is True


def test_a_self_demolition_within_the_announced_period_ends_the_case_without_enforcement(drive):
    driver = drive("power_qz_01", self_demolition_check={"self_demolished": True})
    driver.run()
    assert "execution" not in driver.completed_ids() and driver.timers_fired == ["notice_period"]
    assert_closed(driver.case, approved=True)


def test_a_revoked_decision_is_not_enforced(drive):
    driver = drive("power_qz_01", remedy_check={"remedy_outcome": "revoked"})
    driver.run()
    assert "execution" not in driver.completed_ids()
    assert_closed(driver.case, approved=False)


def test_an_adjudication_can_end_in_a_mediation_agreement(drive):
    driver = drive("power_cj_01")
    driver.run()
    ids = driver.completed_ids()
    assert "agreement_signing" in ids and "meeting_attendance" not in ids and "decision" not in ids
    assert_closed(driver.case, approved=True)


def test_an_adjudication_decision_is_served_with_the_30_day_suit_notice(drive):
    driver = drive("power_cj_01", mediation={"mediation_result": "failed"})
    driver.run()
    data = assert_closed(driver.case, approved=True)
    assert data["suit_notice_given"] is True and data["suit_deadline"]


def test_an_emergency_measure_is_ratified_afterwards_and_compensated(drive):
    driver = drive("power_qz_02")
    driver.run()
    ids = driver.completed_ids()
    assert ids.index("execution") < ids.index("member_stance") < ids.index("post_notice") < ids.index("disbursement")
    assert_closed(driver.case, approved=True)
