"""政务服务“好差评”: a one-time code per case, a 差评 opens a follow-up for the station head that
escalates when overdue, reports for the leaders and the inspector, aggregates for the public."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import exceptions as exc
from engine import public_deadlines, public_errors, ratings
from engine.models import Case
from engine.public_models import PublicEscalation, RatingFollowUp
from tests.conftest import grant
from tests.processes.conftest import assert_closed
from tests.processes.public_side import counts, power_driver

pytestmark = pytest.mark.django_db


def test_the_applicant_rates_once_with_the_code_of_the_receipt(loaded, staff, township, t0):
    driver = power_driver("JF-07", staff, township, t0)
    code = ratings.code_for(driver.case)
    assert len(code) == 10
    assert_closed(driver.run(), approved=True)
    rating = ratings.rate_service(code=code.lower(), level=5, comment="办事快", channel="qr", now=driver.tick())
    assert rating.case_stage == Case.Status.COMPLETED and rating.staff and "clerk" in rating.staff
    assert not RatingFollowUp.objects.exists()
    before = counts()
    with pytest.raises(public_errors.RatingCodeInvalid):  # used up
        ratings.rate_service(code=code, level=1, reasons=["态度差"], now=driver.tick())
    with pytest.raises(public_errors.RatingCodeInvalid):
        ratings.rate_service(code="NOSUCHCODE", level=5, now=driver.tick())
    assert counts() == before
    assert ratings.lookup_rating(code)["level"] == 5


def test_a_bad_rating_needs_reasons_and_opens_a_followup_that_escalates_when_overdue(loaded, staff, township, t0):
    driver = power_driver("JF-07", staff, township, t0)
    driver.run()
    code = ratings.code_for(driver.case)
    before = counts()
    with pytest.raises(public_errors.RatingReasonRequired):
        ratings.rate_service(code=code, level=1, reasons=["  "], now=driver.tick())
    with pytest.raises(public_errors.RatingLevelInvalid):
        ratings.rate_service(code=code, level=6, now=driver.tick())
    assert counts() == before
    rating = ratings.rate_service(code=code, level=1, reasons=["多次跑腿"], comment="电话13812345678打不通",
                                  now=driver.tick())  # fmt: skip
    followup = rating.followup
    assert followup.owners == ["station_head"]
    # 15 working days by default: from Monday 2 March 2026 (plus the case's days) well into late March
    assert followup.due_at.date() > (driver.now + timedelta(days=20)).date()
    assert public_deadlines.escalate_public_overdue(now=followup.due_at - timedelta(minutes=1)) == 0
    later = followup.due_at + timedelta(minutes=1)
    assert public_deadlines.escalate_public_overdue(now=later) == 1
    assert public_deadlines.escalate_public_overdue(now=later) == 0  # idempotent
    rungs = public_deadlines.escalate_public_overdue(now=later + timedelta(days=7))
    assert rungs == 2
    ladder = PublicEscalation.objects.filter(kind="rating_followup", object_id=followup.pk).order_by("level")
    assert [(e.level, e.notified) for e in ladder] == [(1, ["station_head"]), (2, ["chief", "deputy"]),
                                                       (3, ["inspector"])]  # fmt: skip
    # the station head answers; others are refused and nothing is written
    before = counts()
    with pytest.raises(exc.NotAuthorized):
        ratings.close_followup(followup.pk, actor=staff["clerk"], founded=True, rectification="x", reply="y",
                               now=later)  # fmt: skip
    with pytest.raises(public_errors.TextRequired):
        ratings.close_followup(followup.pk, actor=staff["station_head"], founded=True, rectification=" ", reply="已整改",
                               now=later)  # fmt: skip
    assert counts() == before
    ratings.close_followup(followup.pk, actor=staff["station_head"], founded=True, rectification="公开办事指南",
                           reply="已整改并电话回访", now=later)  # fmt: skip
    seen = ratings.lookup_rating(code)
    assert seen["reply"] == "已整改并电话回访"
    with pytest.raises(public_errors.FollowUpClosed):
        ratings.close_followup(followup.pk, actor=staff["station_head"], founded=True, rectification="x", reply="y",
                               now=later)  # fmt: skip


def test_reports_per_station_person_and_power_for_leaders_and_the_inspector_only(loaded, staff, township, t0):
    first = power_driver("JF-07", staff, township, t0)
    first.run()
    second = power_driver("JF-07", staff, township, first.now)
    second.run()
    ratings.rate_service(code=ratings.code_for(first.case), level=4, now=second.tick())
    ratings.rate_service(code=ratings.code_for(second.case), level=2, reasons=["态度生硬"], now=second.tick())
    for user in ("chief", "inspector", "deputy"):
        report = ratings.report(actor=staff[user], township_id=township.pk, now=second.now)
        power = report["power"][0]
        assert power["key"] == "JF-07" and power["total"] == 2 and power["satisfaction"] == 0.5 and power["bad"] == 1
        assert power["followups_open"] == 1
        assert {p["key"] for p in report["person"]} >= {"clerk", "handler"}
    for user in ("clerk", "handler", "station_head"):
        with pytest.raises(exc.NotAuthorized):
            ratings.report(actor=staff[user], township_id=township.pk, now=second.now)
    public = ratings.public_figures(township_id=township.pk, now=second.now)
    assert public == [{"key": "JF-07", "label": public[0]["label"], "total": 2, "satisfaction": 0.5,
                       "levels": {"5": 0, "4": 1, "3": 0, "2": 1, "1": 0}, "bad": 1, "followups_open": 1,
                       "bad_answered": 0}]  # fmt: skip


def test_a_county_inspector_sees_the_report_of_his_townships(loaded, staff, township, t0, make_user):
    inspector = make_user("county_inspector")
    grant(inspector, "discipline_inspector", township.parent)
    assert ratings.report(actor=inspector, township_id=township.pk, now=t0) == {"station": [], "person": [], "power": []}


def test_procedures_get_no_rating_code(loaded, staff, township, t0):
    from tests.processes.test_institution_sanzhong import sanzhong

    fund = sanzhong("SZ-04", staff, township, t0, start={"topic": "大额资金", "fund_amount": 50000})
    assert ratings.code_for(fund.case) == ""


def test_the_station_head_of_another_township_never_reaches_a_followup(loaded, staff, township, t0, make_user):
    from engine.models import Organization

    driver = power_driver("JF-07", staff, township, t0)
    driver.run()
    rating = ratings.rate_service(code=ratings.code_for(driver.case), level=1, reasons=["推诿"], now=driver.tick())
    other = Organization.objects.create(code="other", name="东岭乡", kind="township", parent=township.parent)
    outsider = make_user("b_station_head")
    grant(outsider, "station_head", other)
    before = counts()
    with pytest.raises(public_errors.FollowUpNotFound):
        ratings.close_followup(rating.followup.pk, actor=outsider, founded=False, rectification="", reply="不属实",
                               now=driver.tick())  # fmt: skip
    with pytest.raises(exc.NotAuthorized):
        ratings.report(actor=outsider, township_id=township.pk, now=driver.now)
    assert counts() == before


def test_the_station_head_is_notified_of_the_followup_and_of_its_escalations(loaded, staff, township, t0):
    from ops import notify
    from ops.models import Notification

    driver = power_driver("JF-07", staff, township, t0)
    driver.run()
    rating = ratings.rate_service(code=ratings.code_for(driver.case), level=2, reasons=["推诿"], now=driver.tick())
    notify.collect(now=driver.now)
    task = Notification.objects.get(user=staff["station_head"], kind="task", key__startswith="followup:")
    assert "差评整改" in task.subject and driver.case.reference in task.subject
    late = rating.followup.due_at + timedelta(days=5)
    public_deadlines.escalate_public_overdue(now=late)
    notify.collect(now=late)
    escalations = Notification.objects.filter(kind="escalation", key__startswith="public-escalation:")
    assert {(n.user.username, n.payload["level"]) for n in escalations} == {
        ("station_head", 1), ("chief", 2), ("deputy", 2), ("inspector", 3)}
    assert notify.collect(now=late) == 0  # once
