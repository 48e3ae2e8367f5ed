"""Periods and the processing clock: notice periods computed from the township's setting (民法典
art. 201, 203), every stage the law does not count stopping the clock through the stage blocks,
lights that never turn red for paused time, and deadlines that follow the holiday table."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from engine import audit, computed, rules, selectors, workdays
from engine.models import AuditEvent, CalendarDay, Case
from engine.replay import replay_case
from tests.conftest import TZ
from tests.processes.conftest import assert_closed

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def end_of(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(23, 59, 59), tzinfo=TZ)


@pytest.mark.parametrize(("posted", "days", "unit", "end"), [
    ("2026-03-02T09:00", 7, workdays.CALENDAR_DAY, "2026-03-09"),  # Monday + 7: the posting day not counted
    ("2026-03-02T23:50", 7, workdays.CALENDAR_DAY, "2026-03-09"),  # posted late: still a full 7 days
    ("2026-03-04T10:00", 3, workdays.CALENDAR_DAY, "2026-03-09"),  # ends Saturday 03-07: moves to Monday (art. 203)
    ("2026-09-24T10:00", 7, workdays.CALENDAR_DAY, "2026-10-08"),  # ends 10-01 in the National Day holiday
    ("2026-09-29T09:00", 2, workdays.WORKING_DAY, "2026-10-08"),   # working days skip the holiday
    ("2026-09-18T09:00", 1, workdays.WORKING_DAY, "2026-09-20"),   # Sunday 09-20 is a make-up working day
])  # fmt: skip
def test_a_notice_period_ends_by_the_civil_code(posted, days, unit, end):
    assert computed.period_end(at(posted), days, unit) == end_of(end)


def test_the_notice_period_comes_from_the_township_setting(drive):
    from processes.models import TownshipSetting

    TownshipSetting.objects.create(key="notice_days.jf_07", label="义务兵家庭优待对象公示期",
                                   value={"value": 5, "unit": "working_day"})
    driver = drive("power_jf_07")
    driver.run_until("decision")
    notice = driver.computed("post_notice")
    posted = datetime.fromisoformat(notice["notice_start"])
    assert notice["notice_period"] == {"value": 5, "unit": "working_day", "setting": "notice_days.jf_07"}
    assert datetime.fromisoformat(notice["notice_end"]) == workdays.add_limit(posted, 5, workdays.WORKING_DAY)


def test_the_notice_times_cannot_be_typed(drive):
    from engine import rule_errors, services
    from tests.processes.conftest import POWER_FORM_DATA

    driver = drive("power_jf_07")
    item = driver.run_until("post_notice")
    before = (AuditEvent.objects.count(), driver.refresh().last_sequence)
    data = {**POWER_FORM_DATA["notice_post"](driver, item), "notice_end": driver.now.isoformat()}  # one hour
    with pytest.raises(rule_errors.ComputedField) as caught:
        services.complete_task(driver.case.pk, task_id=item.task_id, actor=driver.staff["handler"], data=data,
                               now=driver.tick())
    assert caught.value.code == "computed_field" and set(caught.value.fields) == {"data.notice_end"}
    assert (AuditEvent.objects.count(), driver.refresh().last_sequence) == before


def with_limit(driver, days: int = 20):
    """Give the case a promised limit (the catalog is not loaded in these tests)."""
    case = driver.refresh()
    case.promised_limit = {"value": days, "unit": workdays.WORKING_DAY}
    rules.set_deadlines(case)
    case.save()
    return driver


def test_a_notice_period_stops_the_clock_and_never_shows_red(drive):
    driver = with_limit(drive("power_jf_07"))
    driver.run_until("post_notice")
    driver.step()  # posted: the notice period runs
    case = driver.refresh()
    assert case.paused_since is not None
    due = case.due_at
    much_later = due + timedelta(days=30)  # far past the promised date, still in the (paused) notice
    assert selectors.light(due_at=case.due_at, legal_due_at=case.legal_due_at, now=much_later,
                           paused_since=case.paused_since) != selectors.RED
    assert not selectors.filter_by_light(Case.objects.filter(pk=case.pk), selectors.RED, now=much_later).exists()
    assert rules.paused_days(case, case.paused_since + timedelta(days=7)) >= 4
    driver.run()
    data = assert_closed(driver.case, approved=True)
    case = driver.refresh()
    # the notice period's working days moved the deadline out
    assert case.paused_working_days >= 4 and case.due_at > due and data["notice_completed"] is True


def test_waiting_for_corrections_stops_the_clock(drive):
    driver = drive("power_jf_07", check_materials=[
        {"materials_complete": False, "conditions_met": False, "check_opinion": "缺户口簿"}, {}])
    driver.run_until("resubmission")
    case = driver.refresh()
    assert case.paused_since is not None  # 补正 waiting is not counted
    driver.tick(60 * 24 * 10)  # the applicant brings the materials ten days later
    driver.step()
    case = driver.refresh()
    assert case.paused_since is None and case.paused_working_days >= 6
    driver.run()
    assert_closed(driver.case, approved=True)


def test_a_holiday_entered_later_moves_running_deadlines_with_one_audit_event_per_case(drive):
    driver = with_limit(drive("power_jf_07"))
    case = driver.refresh()
    due = case.due_at
    events = AuditEvent.objects.filter(case=case).count()
    # the administrator enters a rest day inside the case's period (a working day in the package)
    rest = next(day for day in (workdays.local_date(case.started_at) + timedelta(days=n) for n in range(1, 10))
                if workdays.is_workday(day))
    CalendarDay.objects.create(date=rest, is_workday=False, name="临时调整")
    case = driver.refresh()
    assert case.due_at == workdays.add_limit(case.started_at, case.promised_limit["value"], workdays.WORKING_DAY)
    assert case.due_at > due
    [event] = AuditEvent.objects.filter(case=case, kind=AuditEvent.Kind.DEADLINES_RECOMPUTED)
    assert AuditEvent.objects.filter(case=case).count() == events + 1
    assert [datetime.fromisoformat(t) for t in event.payload["due_at"]] == [due, case.due_at]
    assert audit.verify_case(case).ok and replay_case(case).ok
    # a change that moves nothing writes nothing
    CalendarDay.objects.filter(date=rest).update(name="改名")
    CalendarDay.objects.create(date=date(2031, 1, 1), is_workday=False, name="元旦")
    assert AuditEvent.objects.filter(case=case, kind=AuditEvent.Kind.DEADLINES_RECOMPUTED).count() == 1
