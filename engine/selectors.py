"""Reads: status lights (green/yellow/red/black) for cases and work items, and filters by light."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from engine import workdays

GREEN, YELLOW, RED, BLACK = "green", "yellow", "red", "black"
LIGHTS = (GREEN, YELLOW, RED, BLACK)


def light(
    *, due_at: datetime | None, legal_due_at: datetime | None, now: datetime, paused_since: datetime | None = None,
    lights: Lights | None = None,
) -> str:  # fmt: skip
    """Black past the legal limit, red past the promised limit, yellow with one working day or
    less left, else green. While the clock is paused (补正, 公示, ...) time stands still: the
    light is the one it had when the pause began, so paused time never turns a case red.
    `lights`: the request's memo of the holiday table (one read for any number of rows)."""
    if paused_since is not None:
        now = min(now, paused_since)
    if legal_due_at is not None and now > legal_due_at:
        return BLACK
    if due_at is None:
        return GREEN
    if now > due_at:
        return RED
    yellow_until = lights.yellow_until(now) if lights is not None else workdays.add_limit(now, 1, workdays.WORKING_DAY)
    if due_at <= yellow_until:
        return YELLOW
    return GREEN


class Lights:
    """The lights' working-day questions for one request: the holiday table is read once (for the
    span the rows need) however many rows are shown; the table does not change under a request."""

    def __init__(self) -> None:
        self._calendar: workdays.WorkCalendar | None = None

    def calendar(self, start: date, end: date) -> workdays.WorkCalendar:
        have = self._calendar
        if have is None or not have.covers(start, end):
            if have is not None:
                start, end = min(start, have.start), max(end, have.end)
            self._calendar = workdays.WorkCalendar(start - timedelta(days=400), end + timedelta(days=60))
        return self._calendar

    def yellow_until(self, now: datetime) -> datetime:
        day = workdays.local_date(now)
        return workdays.add_limit(now, 1, workdays.WORKING_DAY, calendar=self.calendar(day, day + timedelta(days=33)))

    def working_days_between(self, start: datetime, end: datetime) -> int:
        first, last = workdays.local_date(start), workdays.local_date(end)
        return workdays.working_days_between(start, end, calendar=self.calendar(first, max(first, last)))


def light_condition(
    wanted: str, *, now: datetime, legal_field: str | None = "legal_due_at", lights: Lights | None = None
) -> Q:  # fmt: skip
    """The condition "has light `wanted` at `now`" on running (not paused) cases, or work items with
    a case__ path."""
    yellow_until = (lights or Lights()).yellow_until(now)
    black = Q(**{f"{legal_field}__lt": now}) if legal_field else Q(pk__in=[])
    if wanted == BLACK:
        return black
    if wanted == RED:
        return ~black & Q(due_at__lt=now)
    if wanted == YELLOW:
        return ~black & Q(due_at__gte=now, due_at__lte=yellow_until)
    if wanted == GREEN:
        return ~black & (Q(due_at__isnull=True) | Q(due_at__gt=yellow_until))
    raise ValueError(wanted)


def _paused_lights(
    queryset: QuerySet, *, now: datetime, legal_field: str | None, paused_field: str, lights: Lights
) -> list[tuple[Any, str]]:
    """(pk, light) of the paused rows: their light is the one they had when the clock stopped."""
    paused = queryset.filter(**{f"{paused_field}__isnull": False})
    fields = ["pk", "due_at", legal_field or "due_at", paused_field]
    return [(pk, light(due_at=due, legal_due_at=legal if legal_field else None, now=now, paused_since=since,
                       lights=lights))
            for pk, due, legal, since in paused.values_list(*fields)]  # fmt: skip


def filter_by_light(
    queryset: QuerySet, wanted: str, *, now: datetime, legal_field: str | None = "legal_due_at",
    paused_field: str = "paused_since",
) -> QuerySet:  # fmt: skip
    """Filter cases (or work items, with `legal_field=None` or a case__ path and
    `paused_field="case__paused_since"`) by light at `now`; paused ones by their light when paused."""
    lights = Lights()  # the holiday table once, however many paused rows
    running = queryset.filter(**{f"{paused_field}__isnull": True}).filter(
        light_condition(wanted, now=now, legal_field=legal_field, lights=lights))
    return running | _paused_with_light(queryset, wanted, now=now, legal_field=legal_field, paused_field=paused_field,
                                        lights=lights)  # fmt: skip


# a paused row whose promised time is further than this from now is green whatever the holidays
_SURELY_GREEN_AFTER = timedelta(days=60)


def _paused_with_light(
    queryset: QuerySet, wanted: str, *, now: datetime, legal_field: str | None, paused_field: str, lights: Lights
) -> QuerySet:  # fmt: skip
    """The paused rows with light `wanted`: a paused row's light is the one at min(now, paused
    since). Black and red are decided in SQL; yellow and green too, except for the rows due within
    the next 60 days, whose working days are counted here."""
    since = F(paused_field)
    paused = queryset.filter(**{f"{paused_field}__isnull": False})
    if legal_field:
        black = Q(**{f"{legal_field}__lt": now}) & Q(**{f"{legal_field}__lt": since})
        not_black = Q(**{f"{legal_field}__isnull": True}) | Q(**{f"{legal_field}__gte": now}) | Q(
            **{f"{legal_field}__gte": since})
    else:
        black, not_black = Q(pk__in=[]), Q()
    if wanted == BLACK:
        return paused.filter(black)
    paused = paused.filter(not_black)
    if wanted == RED:
        return paused.filter(due_at__lt=now).filter(due_at__lt=since)
    surely_green = Q(due_at__isnull=True) | Q(due_at__gt=now + _SURELY_GREEN_AFTER)
    band = paused.filter(Q(due_at__gte=now) | Q(due_at__gte=since), due_at__lte=now + _SURELY_GREEN_AFTER)
    fields = ["pk", "due_at", legal_field or "due_at", paused_field]
    matching = [pk for pk, due, legal, paused_at in band.values_list(*fields)
                if light(due_at=due, legal_due_at=legal if legal_field else None, now=now, paused_since=paused_at,
                         lights=lights) == wanted]  # fmt: skip
    if wanted == YELLOW:
        return queryset.filter(pk__in=matching)
    if wanted == GREEN:
        return paused.filter(surely_green) | queryset.filter(pk__in=matching)
    raise ValueError(wanted)


def count_by_light(
    queryset: QuerySet, *, now: datetime, legal_field: str | None = "legal_due_at", paused_field: str = "paused_since",
) -> dict[str, int]:  # fmt: skip
    """How many rows have each light at `now`: the running ones in one query, the paused ones by
    their light when paused."""
    lights = Lights()
    running = queryset.filter(**{f"{paused_field}__isnull": True})
    counts = running.aggregate(**{
        lit: Count("pk", filter=light_condition(lit, now=now, legal_field=legal_field, lights=lights))
        for lit in LIGHTS
    })  # fmt: skip
    result = {lit: counts[lit] or 0 for lit in LIGHTS}
    for _, lit in _paused_lights(queryset, now=now, legal_field=legal_field, paused_field=paused_field, lights=lights):
        result[lit] += 1
    return result
