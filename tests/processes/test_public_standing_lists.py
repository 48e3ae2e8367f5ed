"""Standing public lists (长期公示): approved cases of the listed powers, only the rule's fields,
masked, minors never, with start and end dates, removed when the benefit ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from engine import exceptions as exc
from engine import public_errors, standing_lists
from engine.public_models import StandingListEntry
from tests.processes.conftest import assert_closed
from tests.processes.public_side import counts, power_driver

pytestmark = pytest.mark.django_db

NOTICE = {"post_notice": {"notice_content": "户主：王五，身份证号 140102199001011234，电话 138 1234 5678"}}


def test_an_approved_dibao_case_stays_on_the_list_with_only_the_named_fields_masked(loaded, staff, township, t0):
    start = {"applicant": "王五", "applicant_id_number": "140102199001011234", "matter": "低保申请"}
    # the name as the window registered it (with a phone number typed into it)
    driver = power_driver("JF-01", staff, township, t0, start=start, register_application={"applicant": "王五 13812345678"},
                          **NOTICE)
    assert_closed(driver.run(), approved=True)
    entry = StandingListEntry.objects.get(case=driver.case)
    assert entry.list_title == "农村最低生活保障对象" and entry.place.startswith("申请人所在村公示栏")
    assert entry.fields == [["户主姓名", "王五 138****5678"], ["保障人数（人）", "3"], ["保障金额（元/月）", "1200"]]
    assert "1401" not in str(entry.fields) and "低保申请" not in str(entry.fields)  # nothing the rule does not name
    today = timezone.localdate(driver.now)
    assert entry.starts_on == today and entry.ends_on == today.replace(year=today.year + 1) - timedelta(days=1)
    assert list(standing_lists.current(township_id=township.pk, on=today)) == [entry]
    assert list(standing_lists.current(township_id=township.pk, on=entry.ends_on)) == [entry]
    assert list(standing_lists.current(township_id=township.pk, on=entry.ends_on + timedelta(days=1))) == []  # review date


def test_a_minor_a_rejected_case_and_an_unlisted_power_never_reach_the_list(loaded, staff, township, t0):
    minor = power_driver("JF-02", staff, township, t0, start={"applicant": "小明", "applicant_birth_date": "2015-06-01"},
                         register_application={"applicant": "小明"})
    assert_closed(minor.run(), approved=True)
    # the start form says nothing; the minor is found from the ID number typed with the name
    by_id = power_driver("JF-01", staff, township, minor.now, start={"applicant": "小红"},
                         register_application={"applicant": "小红 140102201501011234"})  # fmt: skip
    assert_closed(by_id.run(), approved=True)
    rejected = power_driver("JF-01", staff, township, by_id.now,
                            investigation={"household_eligible": False, "ineligible_reason": "收入超标"})  # fmt: skip
    assert_closed(rejected.run(), approved=False)
    unlisted = power_driver("JF-07", staff, township, rejected.now)
    assert_closed(unlisted.run(), approved=True)
    assert StandingListEntry.objects.filter(case=minor.case).count() == 0
    assert StandingListEntry.objects.filter(case=by_id.case).count() == 0
    assert StandingListEntry.objects.filter(case=rejected.case).count() == 0
    assert StandingListEntry.objects.filter(case=unlisted.case).count() == 0


def test_the_line_leaves_the_list_when_the_benefit_ends(loaded, staff, township, t0):
    driver = power_driver("JF-01", staff, township, t0)
    driver.run()
    entry = StandingListEntry.objects.get(case=driver.case)
    later = driver.now + timedelta(days=40)
    before = counts()
    with pytest.raises(exc.NotAuthorized):
        standing_lists.end_entry(entry.pk, actor=staff["clerk"], reason="家庭收入超过标准，停保", now=later)
    with pytest.raises(public_errors.TextRequired):
        standing_lists.end_entry(entry.pk, actor=staff["handler"], reason=" ", now=later)
    assert counts() == before
    standing_lists.end_entry(entry.pk, actor=staff["handler"], reason="家庭收入超过标准，停保", now=later)
    assert list(standing_lists.current(township_id=township.pk, on=timezone.localdate(later))) == []
    with pytest.raises(public_errors.StandingEntryEnded):
        standing_lists.end_entry(entry.pk, actor=staff["handler"], reason="再次", now=later)
