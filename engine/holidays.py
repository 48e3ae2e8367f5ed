"""Statutory holidays computed by law for any year, and the check that next year's 调休 notice
has been entered.

全国年节及纪念日放假办法 (as amended in 2024, in force 2025) fixes the holidays of all citizens:
元旦 1 day (1 Jan); 春节 4 days (lunar New Year's Eve and days 1-3 of the first lunar month);
清明 1 day (the Qingming solar term); 劳动节 2 days (1-2 May); 端午 1 day (5th day of the 5th lunar
month); 中秋 1 day (15th day of the 8th lunar month); 国庆 3 days (1-3 Oct). The lunar dates and
the solar term come from the `lunar_python` library. What the law leaves to the State Council's
yearly notice (the bridging days and the make-up working weekends, 调休) cannot be computed: an
administrator enters them in the holiday table (CalendarDay).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache

import chinese_calendar
from django.core.checks import Warning, register
from lunar_python import Lunar, Solar

NOTICE_WARNING_FROM = (11, 1)  # from 1 November, next year's notice is expected


def _solar(value: Solar) -> date:
    return date(value.getYear(), value.getMonth(), value.getDay())


@cache
def statutory_holidays(year: int) -> dict[date, str]:
    """{day: name} of the statutory holidays of `year` (without the notice's bridging days)."""
    new_year = _solar(Lunar.fromYmd(year, 1, 1).getSolar())
    days = {date(year, 1, 1): "元旦", new_year - timedelta(days=1): "春节（除夕）"}
    days.update({new_year + timedelta(days=n): "春节" for n in range(3)})
    days[_solar(Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"])] = "清明节"
    days.update({date(year, 5, 1): "劳动节", date(year, 5, 2): "劳动节"})
    days[_solar(Lunar.fromYmd(year, 5, 5).getSolar())] = "端午节"
    days[_solar(Lunar.fromYmd(year, 8, 15).getSolar())] = "中秋节"
    days.update({date(year, 10, n): "国庆节" for n in (1, 2, 3)})
    return {day: name for day, name in days.items() if day.year == year}


def is_workday_by_law(day: date) -> bool:
    """Weekdays that are not statutory holidays (for years without the State Council's notice)."""
    return day.weekday() < 5 and day not in statutory_holidays(day.year)


def packaged_years() -> set[int]:
    """Years whose notice ships with the chinesecalendar package."""
    years = set()
    for year in range(2004, 2100):
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            continue
        years.add(year)
    return years


def notice_entered(year: int) -> bool:
    """The year's notice is known: packaged, or entered by an administrator (any row of that year)."""
    from engine.models import CalendarDay

    return year in packaged_years() or CalendarDay.objects.filter(date__year=year).exists()


def missing_notice_year(now: datetime) -> int | None:
    """Next year, from 1 November on, when its notice has not been entered; else None."""
    today = now.date()
    if (today.month, today.day) < NOTICE_WARNING_FROM:
        return None
    return None if notice_entered(today.year + 1) else today.year + 1


@register()
def check_holiday_notice(app_configs=None, **kwargs) -> list[Warning]:
    """engine.W010: warn administrators that next year's 调休 notice is missing."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError
    from django.utils.translation import gettext as _

    from engine import clock

    try:
        year = missing_notice_year(clock.now())
    except (DatabaseError, ImproperlyConfigured):  # not migrated yet; a moved clock is engine.E001's
        return []
    if year is None:
        return []
    return [Warning(_("尚未录入 %(year)s 年国务院办公厅节假日安排通知（调休上班日和连休日）；在此之前只按法定节日计算工作日")
                    % {"year": year}, hint=_("在管理后台“节假日”中录入该年的调休安排"), id="engine.W010")]  # fmt: skip
