"""Chinese working days: statutory holidays and make-up working days (调休).

Sources, in order: the admin-edited `CalendarDay` table (always wins), the `chinesecalendar`
package for the years it covers, and for other years the statutory holidays computed by law
(engine/holidays.py) with weekends; a system check and an admin banner warn from 1 November
while next year's 调休 notice is missing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

from engine import holidays


WORKING_DAY = "working_day"
CALENDAR_DAY = "calendar_day"


def _local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _overrides(start: date, end: date) -> dict[date, bool]:
    from engine.models import CalendarDay

    return dict(CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_workday"))


def _packaged_is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # no State Council notice packaged: the holidays the law fixes (engine/holidays.py); the
        # notice's 调休 days come from the admin table, and a system check warns until entered
        return holidays.is_workday_by_law(day)


class WorkCalendar:
    """Answers working-day questions for a span of dates with one query for the overrides."""

    def __init__(self, start: date, end: date) -> None:
        self.start, self.end = start, end
        self._overrides = _overrides(start, end)

    def covers(self, start: date, end: date) -> bool:
        return self.start <= start and end <= self.end

    def is_workday(self, day: date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        return _packaged_is_workday(day)


def is_workday(day: date) -> bool:
    return WorkCalendar(day, day).is_workday(day)


def local_date(moment: datetime) -> date:
    """The township's calendar day of a moment."""
    return moment.astimezone(_local_tz()).date()


def end_of_day(day: date) -> datetime:
    return _end_of_day(day)


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=_local_tz())


def add_limit(start: datetime, amount: int, unit: str, calendar: WorkCalendar | None = None) -> datetime:
    """The deadline `amount` units after `start`: the end of the last day counted.

    Working days count from the day after `start` and skip holidays (make-up weekends count);
    `amount == 0` is due the same day (即办件). Calendar days count every day.
    """
    local_day = start.astimezone(_local_tz()).date()
    if unit == CALENDAR_DAY:
        return _end_of_day(local_day + timedelta(days=amount))
    if amount <= 0:
        return _end_of_day(local_day)
    if calendar is None:
        calendar = WorkCalendar(local_day, local_day + timedelta(days=amount * 3 + 30))
    day, counted = local_day, 0
    while counted < amount:
        day += timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    return _end_of_day(day)


def working_days_between(start: datetime, end: datetime, calendar: WorkCalendar | None = None) -> int:
    """Working days strictly after `start`'s day up to and including `end`'s day. `calendar`, when
    given, must cover those days."""
    first = start.astimezone(_local_tz()).date()
    last = end.astimezone(_local_tz()).date()
    if last <= first:
        return 0
    if calendar is None:
        calendar = WorkCalendar(first, last)
    return sum(1 for n in range(1, (last - first).days + 1) if calendar.is_workday(first + timedelta(days=n)))


def parse_limit(text: str | None) -> tuple[int, str] | None:
    """`3WD` → (3, working days); `7D` → (7, calendar days); anything else → None."""
    if not text:
        return None
    text = text.strip().upper()
    for suffix, unit in (("WD", WORKING_DAY), ("D", CALENDAR_DAY)):
        if text.endswith(suffix) and text[: -len(suffix)].isdigit():
            return int(text[: -len(suffix)]), unit
    return None
