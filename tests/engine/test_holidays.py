"""Statutory holidays by law for any year (全国年节及纪念日放假办法, 2024 amendment), the admin's
调休 entries, and the warning from 1 November while next year's notice is missing."""

from __future__ import annotations

from datetime import date, datetime

import chinese_calendar
import pytest
from django.contrib.auth import get_user_model

from engine import holidays, workdays
from engine.models import CalendarDay
from tests.conftest import TZ

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_computed_holidays_match_the_state_councils_notices(year):
    computed = holidays.statutory_holidays(year)
    assert len(computed) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3 days (2024 amendment)
    assert all(chinese_calendar.is_holiday(day) for day in computed)


def test_2027_is_computed_from_the_lunar_calendar():
    days = holidays.statutory_holidays(2027)
    assert [d for d, name in days.items() if name.startswith("春节")] == [
        date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8)]
    assert {days[date(2027, 4, 5)], days[date(2027, 6, 9)], days[date(2027, 9, 15)]} == {"清明节", "端午节", "中秋节"}
    assert not workdays.is_workday(date(2027, 6, 9)) and workdays.is_workday(date(2027, 6, 10))


def test_only_the_make_up_days_need_the_administrator():
    assert not workdays.is_workday(date(2027, 2, 20))  # a Saturday
    CalendarDay.objects.create(date=date(2027, 2, 20), is_workday=True, name="春节调休上班")
    assert workdays.is_workday(date(2027, 2, 20))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def test_the_missing_notice_is_reported_from_the_first_of_november():
    assert holidays.missing_notice_year(at("2026-10-31T12:00")) is None
    assert holidays.missing_notice_year(at("2026-11-01T08:00")) == 2027
    CalendarDay.objects.create(date=date(2027, 2, 20), is_workday=True, name="春节调休上班")
    assert holidays.missing_notice_year(at("2026-11-01T08:00")) is None
    assert holidays.missing_notice_year(at("2025-11-15T08:00")) is None  # 2026 ships with the package


def test_a_system_check_and_an_admin_banner_warn_administrators(settings, client):
    settings.DEBUG = True  # the clock may be frozen only with DEBUG on
    settings.ENGINE_CLOCK_FROZEN = at("2026-11-02T09:00")
    [warning] = holidays.check_holiday_notice()
    assert warning.id == "engine.W010" and "2027" in warning.msg
    admin = get_user_model().objects.create_superuser("admin", password="pw-admin")
    client.force_login(admin)
    page = client.get("/admin/").content.decode()
    assert "尚未录入 2027 年国务院办公厅节假日安排通知" in page
    settings.ENGINE_CLOCK_FROZEN = at("2026-10-02T09:00")
    assert holidays.check_holiday_notice() == []
    assert "尚未录入" not in client.get("/admin/").content.decode()
