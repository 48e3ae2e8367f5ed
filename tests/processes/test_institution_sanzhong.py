"""三重一大: the four kinds end to end on the collective-decision block; no meeting before the
circulation period ends; a fund use at or above the township's 大额 threshold cannot be decided as
an ordinary power; 任前廉政谈话 before an appointment takes effect."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine import services
from engine.institutions import errors
from engine.models import Case
from tests.processes.conftest import MEMBERS, CaseDriver, assert_closed, register_power
from tests.processes.institutions import after_circulation, complete_as, counts, meeting, procedure_driver

pytestmark = pytest.mark.django_db
CIRCULATED = {"circulate_materials": after_circulation}


def sanzhong(code, staff, township, t0, start=None, **overrides):
    overrides.setdefault("meeting_attendance", meeting())
    return procedure_driver(code, staff, township, t0, start=start or {"topic": "议题"}, hooks=CIRCULATED, **overrides)


@pytest.mark.parametrize("code", ["SZ-01", "SZ-03"])
def test_a_policy_or_project_passes_legality_review_meeting_document_publication_and_report(code, staff, township, t0):
    driver = sanzhong(code, staff, township, t0)
    data = assert_closed(driver.run(), approved=True)
    done = driver.completed_ids()
    order = ["proposal", "circulate_materials", "legal_review", "meeting_attendance", "chief_stance",
             "record_minutes", "decision_document", "publish_decision", "implementation_report", "archive_case"]
    assert [b for b in done if b in order] == order
    assert data["expected_members"] == sorted(MEMBERS) and data["sanzhong_matter_type"] == "major"
    circulated = driver.computed("circulate_materials")
    assert circulated["circulated_to"] == sorted(MEMBERS) and circulated["circulation_days"] == 3


def test_the_meeting_cannot_open_before_the_circulation_period_ends(staff, township, t0):
    driver = procedure_driver("SZ-01", staff, township, t0, start={"topic": "议题"}, meeting_attendance=meeting())
    item = driver.run_until("meeting_attendance")
    earliest = driver.computed("circulate_materials")["earliest_meeting_at"]
    assert earliest == "2026-03-05T00:00:00+08:00"  # circulated Monday: three working days
    before = counts()
    with pytest.raises(errors.MeetingBeforeCirculation):
        driver.complete(item)
    assert counts() == before
    driver.now = datetime.fromisoformat(earliest).replace(hour=9)
    driver.complete(item)  # the same record once the period has run
    assert driver.computed("meeting_attendance")["host"] == "chief"


def test_a_three_important_matter_is_never_decided_as_an_ordinary_matter(staff, township, t0):
    driver = sanzhong("SZ-01", staff, township, t0, meeting_attendance=meeting("ordinary"))
    item = driver.run_until("meeting_attendance")
    before = counts()
    with pytest.raises(errors.MatterTypeMismatch):
        driver.complete(item)
    assert counts() == before


def test_a_fund_use_above_the_threshold_started_as_an_ordinary_power_is_refused_until_decided(
    loaded, staff, township, t0
):  # fmt: skip
    register_power("power_jf_03")
    start = {"applicant": "张三", "fund_amount": 50000}
    before = counts()
    with pytest.raises(errors.LargeAmountRequiresSanzhong) as refused:
        services.start_case(process_id="power_jf_03", power_code="JF-03", actor=staff["clerk"], organization=township,
                            now=t0, data=start)  # fmt: skip
    assert refused.value.code == "large_amount_requires_sanzhong" and refused.value.details["threshold"] == "30000"
    assert counts() == before
    # the 大额资金 procedure decides it; the power may then name the decision
    fund = sanzhong("SZ-04", staff, township, t0, start={"topic": "临时救助大额资金", "fund_amount": 50000})
    assert_closed(fund.run(), approved=True)
    assert "legal_review" not in fund.completed_ids()  # the proposer said no legality review is needed
    with pytest.raises(errors.SanzhongDecisionNotFound):  # a decision for less than the amount does not cover it
        services.start_case(process_id="power_jf_03", power_code="JF-03", actor=staff["clerk"], organization=township,
                            now=fund.now, data={**start, "fund_amount": 60000, "sanzhong_decision": fund.case.reference})
    case = services.start_case(process_id="power_jf_03", power_code="JF-03", actor=staff["clerk"],
                               organization=township, now=fund.now,
                               data={**start, "sanzhong_decision": fund.case.reference})  # fmt: skip
    assert case.status == Case.Status.RUNNING


def test_below_the_threshold_a_fund_use_is_an_ordinary_matter(staff, township, t0):
    from engine.institutions.services import start_procedure

    register_power("proc_sz_04")
    before = counts()
    with pytest.raises(errors.NotASanzhongMatter):
        start_procedure("SZ-04", actor=staff["recorder"], organization=township, now=t0,
                        data={"topic": "小额", "fund_amount": 29999})  # fmt: skip
    assert counts() == before


def test_a_disbursement_above_the_threshold_needs_the_collective_decision(loaded, staff, township, t0):
    driver = CaseDriver("power_jf_07", staff, township, t0, overrides={"disbursement": {"disbursed_amount": 30000}})
    register_power("power_jf_07")
    driver.case = services.start_case(process_id="power_jf_07", power_code="JF-07", actor=staff["clerk"],
                                      organization=township, now=driver.tick(), data={"applicant": "张三",
                                                                                      "fund_amount": 1200})
    item = driver.run_until("disbursement")
    before = counts()
    with pytest.raises(errors.LargeAmountRequiresSanzhong):
        driver.complete(item)
    assert counts() == before
    driver.complete(item, {**driver.answer(item), "disbursed_amount": 29999})  # below it: an ordinary payment
    assert_closed(driver.run(), approved=True)


def test_only_the_office_or_a_deputy_starts_a_three_important_matter(staff, township, t0):
    from engine.institutions.services import start_procedure

    register_power("proc_sz_01")
    before = counts()
    with pytest.raises(errors.ProcedureStarterRequired):
        start_procedure("SZ-01", actor=staff["clerk"], organization=township, now=t0, data={"topic": "议题"})
    assert counts() == before


def test_an_appointment_takes_effect_only_after_the_pre_appointment_talk(staff, township, t0):
    driver = sanzhong("SZ-02", staff, township, t0, meeting_attendance=meeting("appointment"))
    item = driver.run_until("appointment_effective")
    assert "legal_review" not in driver.completed_ids()
    assert driver.computed("meeting_attendance")["quorum_fraction"]["denominator"] == 3  # 干部任免: 2/3 到会
    before = counts()
    with pytest.raises(errors.PreAppointmentTalkRequired) as refused:
        driver.complete(item)
    assert refused.value.details["persons"] == ["handler"] and counts() == before
    talk = procedure_driver("TH-01", staff, township, driver.now, start={"talk_kind": "pre_appointment",
                                                                          "persons": ["handler"]})  # fmt: skip
    assert_closed(talk.run(), approved=True)
    driver.now = talk.now
    driver.complete(item)
    assert driver.computed("appointment_effective")["pre_appointment_talks"] == [talk.case.reference]
    assert_closed(driver.run(), approved=True)


def test_the_kinds_come_from_the_township_settings(loaded, staff, township, t0):
    from engine.institutions.services import start_procedure
    from engine.township_models import TownshipSettingValue
    from processes.models import TownshipSetting

    register_power("proc_sz_03")
    setting = TownshipSetting.objects.get(key="sanzhong_kinds")
    assert [k["code"] for k in setting.value] == ["policy", "personnel", "project", "fund"]
    TownshipSettingValue.objects.create(township=township, setting=setting,
                                        value=[k for k in setting.value if k["code"] != "project"])  # fmt: skip
    before = counts()
    with pytest.raises(errors.SanzhongKindNotListed):
        start_procedure("SZ-03", actor=staff["recorder"], organization=township, now=t0, data={"topic": "项目"})
    assert counts() == before


def test_the_threshold_is_the_townships_own(loaded, staff, township, t0):
    from engine.township_models import TownshipSettingValue
    from processes.models import TownshipSetting

    register_power("power_jf_03")
    TownshipSettingValue.objects.create(township=township, setting=TownshipSetting.objects.get(
        key="large_amount_threshold"), value=100000)  # fmt: skip
    case = services.start_case(process_id="power_jf_03", power_code="JF-03", actor=staff["clerk"],
                               organization=township, now=t0, data={"applicant": "张三", "fund_amount": 50000})
    assert case.status == Case.Status.RUNNING  # below this township's 10万: an ordinary matter
