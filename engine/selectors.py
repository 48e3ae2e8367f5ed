"""Reads: status lights (green/yellow/red/black) for cases and work items, and filters by light."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from engine import workdays

GREEN, YELLOW, RED, BLACK = "green", "yellow", "red", "black"
LIGHTS = (GREEN, YELLOW, RED, BLACK)


def light(*, due_at: datetime | None, legal_due_at: datetime | None, now: datetime) -> str:
    """Black past the legal limit, red past the promised limit, yellow with one working day or
    less left, else green."""
    if legal_due_at is not None and now > legal_due_at:
        return BLACK
    if due_at is None:
        return GREEN
    if now > due_at:
        return RED
    if due_at <= workdays.add_limit(now, 1, workdays.WORKING_DAY):
        return YELLOW
    return GREEN


def filter_by_light(queryset: QuerySet, wanted: str, *, now: datetime, legal_field: str | None = "legal_due_at") -> QuerySet:
    """Filter cases (or work items, with `legal_field=None` or a case__ path) by light at `now`."""
    yellow_until = workdays.add_limit(now, 1, workdays.WORKING_DAY)
    black = Q(**{f"{legal_field}__lt": now}) if legal_field else Q(pk__in=[])
    if wanted == BLACK:
        return queryset.filter(black)
    queryset = queryset.exclude(black)
    if wanted == RED:
        return queryset.filter(due_at__lt=now)
    if wanted == YELLOW:
        return queryset.filter(due_at__gte=now, due_at__lte=yellow_until)
    if wanted == GREEN:
        return queryset.filter(Q(due_at__isnull=True) | Q(due_at__gt=yellow_until))
    raise ValueError(wanted)
