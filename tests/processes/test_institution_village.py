"""四议两公开: proposal → 两委 → 党员大会 → 村民(代表)会议 with the law's quorum and majority →
决议公开 and 实施结果公开 on the public notice board; a resolution without the attendance is refused."""

from __future__ import annotations

import pytest

from engine import public
from engine.institutions import errors
from tests.processes.conftest import assert_closed
from tests.processes.institutions import counts, procedure_driver

pytestmark = pytest.mark.django_db
START = {"village": "东村", "matter": "修建村文化广场"}


def test_four_deliberations_and_two_publications_end_to_end(staff, township, t0):
    seen = []
    driver = procedure_driver("SY-01", staff, township, t0, start=START, hooks={
        "post_notice": lambda d: seen.append([n.title for n in public.list_notices(now=d.now)])})  # fmt: skip
    data = assert_closed(driver.run(), approved=True)
    order = ["party_proposal", "committees_deliberation", "party_members_review", "villagers_resolution",
             "post_notice", "implementation", "post_notice", "archive_case"]
    assert [b for b in driver.completed_ids() if b in order] == order
    assert seen == [["公示"], ["公示"]]  # both public steps were on the board during their period
    assert driver.timers_fired == ["notice_period", "notice_period"]
    resolution = driver.computed("villagers_resolution")
    assert resolution["resolution_quorum_met"] and resolution["resolution_passed"]
    assert "第二十六条" in resolution["resolution_rule"]
    assert data["notice_period"] == {"value": 7, "unit": "calendar_day", "setting": "notice_days.sy_01"}


@pytest.mark.parametrize(("basis", "base", "present"), [
    ("representatives", 45, 29),  # 29/45 < 2/3 (村民委员会组织法 art. 26)
    ("adults", 1000, 500),  # exactly half is not 过半数 (art. 22)
    ("households", 300, 199),  # 199/300 < 2/3 of the households (art. 22)
])  # fmt: skip
def test_a_village_resolution_without_the_required_attendance_is_refused(staff, township, t0, basis, base, present):
    driver = procedure_driver("SY-01", staff, township, t0, start=START)
    item = driver.run_until("villagers_resolution")
    before = counts()
    with pytest.raises(errors.VillageQuorumNotMet) as refused:
        driver.complete(item, {**driver.answer(item), "attendance_basis": basis, "base_total": base,
                               "present_count": present, "agree_count": present, "disagree_count": 0,
                               "abstain_count": 0})  # fmt: skip
    assert refused.value.code == "village_quorum_not_met" and counts() == before
    driver.complete(item, {**driver.answer(item), "attendance_basis": basis, "base_total": base,
                           "present_count": present + 1, "agree_count": (present + 1) // 2 + 1, "disagree_count": 0,
                           "abstain_count": 0})  # fmt: skip  # one more person: the meeting may decide
    assert driver.computed("villagers_resolution")["resolution_passed"] is True


def test_half_of_those_present_is_not_a_majority_and_the_matter_stops(staff, township, t0):
    driver = procedure_driver("SY-01", staff, township, t0, start=START, villagers_resolution={
        "present_count": 32, "agree_count": 16, "disagree_count": 16, "abstain_count": 0})  # fmt: skip
    assert_closed(driver.run(), approved=False)
    assert "post_notice" not in driver.completed_ids()


def test_counts_that_do_not_add_up_are_refused(staff, township, t0):
    driver = procedure_driver("SY-01", staff, township, t0, start=START)
    item = driver.run_until("party_members_review")
    before = counts()
    with pytest.raises(errors.VillageCountsInvalid):
        driver.complete(item, {**driver.answer(item), "party_members_present": 31})
    assert counts() == before


def test_comments_during_the_publication_are_registered_and_answered(staff, township, t0):
    objected = []

    def comment(driver):
        if not objected:
            objected.append(driver.object("广场选址占用了耕地"))

    driver = procedure_driver("SY-01", staff, township, t0, start=START, hooks={"post_notice": comment})
    assert_closed(driver.run(), approved=True)
    assert driver.count("examine_objection") == 1
    assert [s[0] for s in driver.submitted].index("examine_objection") > [s[0] for s in driver.submitted].index(
        "post_notice")


def test_a_village_matter_of_a_power_is_voted_through_the_four_deliberations(loaded, staff, township, t0):
    from engine import services
    from tests.processes.conftest import CaseDriver, register_power

    register_power("power_xk_03")
    power = CaseDriver("power_xk_03", staff, township, t0)
    power.case = services.start_case(process_id="power_xk_03", power_code="XK-03", actor=staff["clerk"],
                                     organization=township, now=power.tick(), data={"applicant": "某合作社"})  # fmt: skip
    item = power.run_until("village_meeting")
    before = counts()
    with pytest.raises(errors.SiyiResolutionRequired):
        power.complete(item)
    siyi = procedure_driver("SY-01", staff, township, power.now, start={"village": "东村", "matter": "集体土地对外发包"})
    siyi.run_until("post_notice")  # the villagers' meeting has resolved; the resolution is being published
    with pytest.raises(errors.SiyiResolutionRequired):  # an SY-01 case still before its resolution does not count
        early = procedure_driver("SY-01", staff, township, power.now, start={"village": "东村", "matter": "另一事项"})
        power.complete(item, {**power.answer(item), "siyi_case": early.case.reference})
    assert counts()[2] == before[2]
    power.now = siyi.now
    power.complete(item, {**power.answer(item), "siyi_case": siyi.case.reference})
    assert power.computed("village_meeting")["siyi_case"] == siyi.case.reference
