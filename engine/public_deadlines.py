"""Deadlines of the public's side and their escalation, like a task's: a 差评 follow-up, a
complaint's reply, a petition's acceptance and handling. Each period is a township setting;
an overdue item climbs one rung per working day: level 1 its owners, level 2 the leaders,
level 3 the discipline inspector (the county's, for a complaint the township inspector owns).
Each rung is one `PublicEscalation` row; run by the timer worker with the case timers."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from engine import workdays
from engine.models import Assignment, Complaint, Organization
from engine.public_models import Petition, PublicEscalation, RatingFollowUp

logger = logging.getLogger(__name__)

LEVELS = 3
LEADERS = ("deputy", "chief")
INSPECTOR = "discipline_inspector"

# setting key -> the default (used when neither the township nor the template has a value)
DEFAULTS: dict[str, dict[str, Any]] = {
    "rating.followup_limit": {"value": 15, "unit": workdays.WORKING_DAY},  # 国办发〔2019〕51号
    "complaint.reply_limit": {"value": 10, "unit": workdays.WORKING_DAY},
    "petition.accept_limit": {"value": 15, "unit": workdays.WORKING_DAY},
    "petition.handle_limit": {"value": 60, "unit": workdays.WORKING_DAY},
    "petition.extension_max": {"value": 30, "unit": workdays.WORKING_DAY},
}


def limit(key: str, township_id: int) -> Mapping[str, Any]:
    """A period setting as the township has it, else the template's, else the default."""
    from engine.townships import setting_value

    value = setting_value(key, township_id)
    units = (workdays.WORKING_DAY, workdays.CALENDAR_DAY)
    if isinstance(value, dict) and isinstance(value.get("value"), int) and value.get("unit") in units:
        return value
    return DEFAULTS[key]


def due(key: str, township_id: int, start: datetime, *, extra: int = 0) -> datetime:
    """The end of the period: working days skip rest days; calendar days follow 民法典 arts. 201 and
    203 (the start day not counted, a last day on a rest day moved to the next working day)."""
    from engine.computed import period_end

    period = limit(key, township_id)
    return period_end(start, period["value"] + extra, period["unit"])


def holders(township_id: int, positions: Iterable[str], *, organization_id: int | None = None) -> list[str]:
    """User names holding one of the positions in the township (or in one of its organizations)."""
    query = Assignment.objects.filter(township_id=township_id, position__code__in=list(positions))
    if organization_id is not None:
        query = query.filter(organization_id=organization_id)
    return sorted(set(query.values_list("user__username", flat=True)))


def county_inspectors(township_id: int) -> list[str]:
    county = Organization.objects.filter(pk=township_id).values_list("parent_id", flat=True).first()
    query = Assignment.objects.filter(organization_id=county, position__code=INSPECTOR)
    return sorted(set(query.values_list("user__username", flat=True)))


def _ladder(kind: str, obj: Any) -> dict[int, list[str]]:
    township = obj.township_id
    leaders, inspectors = holders(township, LEADERS), holders(township, (INSPECTOR,))
    if kind == PublicEscalation.Kind.RATING_FOLLOWUP:
        return {1: list(obj.owners), 2: leaders, 3: inspectors}
    if kind == PublicEscalation.Kind.COMPLAINT:
        return {1: inspectors, 2: holders(township, ("chief",)), 3: county_inspectors(township) or inspectors}
    owners = [obj.registered_by.get_username()] if obj.registered_by_id else holders(township, ("recorder",))
    return {1: owners, 2: leaders, 3: inspectors}


def _open_items(now: datetime) -> list[tuple[str, Any, datetime]]:
    items: list[tuple[str, Any, datetime]] = []
    for f in RatingFollowUp.objects.filter(closed_at__isnull=True, due_at__lt=now, escalation_level__lt=LEVELS):
        items.append((PublicEscalation.Kind.RATING_FOLLOWUP, f, f.due_at))
    for c in Complaint.objects.filter(status=Complaint.Status.REGISTERED, reply_due_at__lt=now,
                                      escalation_level__lt=LEVELS):  # fmt: skip
        items.append((PublicEscalation.Kind.COMPLAINT, c, c.reply_due_at))
    petitions = Petition.objects.filter(escalation_level__lt=LEVELS).select_related("registered_by")
    for p in petitions.filter(status=Petition.Status.REGISTERED, accept_due_at__lt=now):
        items.append((PublicEscalation.Kind.PETITION_ACCEPT, p, p.accept_due_at))
    for p in petitions.filter(status=Petition.Status.ACCEPTED, handle_due_at__lt=now):
        items.append((PublicEscalation.Kind.PETITION_HANDLE, p, p.handle_due_at))
    return items


def _number(obj: Any) -> str:
    return getattr(obj, "number", "") or getattr(getattr(obj, "rating", None), "code", "")


@transaction.atomic
def _escalate_one(kind: str, obj: Any, due_at: datetime, *, now: datetime) -> int:
    model = type(obj)
    row = model.objects.select_for_update().filter(pk=obj.pk).first()
    if row is None:
        return 0
    raised = 0
    # a petition's level restarts for its handling period (the acceptance rungs were for another deadline)
    done = set(PublicEscalation.objects.filter(kind=kind, object_id=row.pk, due_at=due_at).values_list("level", flat=True))
    ladder = None
    for level in range(1, LEVELS + 1):
        if level in done:
            continue
        if level > 1 and now <= workdays.add_limit(due_at, level - 1, workdays.WORKING_DAY):
            break
        ladder = ladder or _ladder(kind, row)
        PublicEscalation.objects.create(township_id=row.township_id, kind=kind, object_id=row.pk, number=_number(row),
                                        level=level, notified=ladder[level], due_at=due_at, created_at=now)  # fmt: skip
        raised += 1
        model.objects.filter(pk=row.pk).update(escalation_level=level)
    return raised


def escalate_public_overdue(*, now: datetime) -> int:
    """Raise every rung now due on overdue follow-ups, complaints and petitions (idempotent)."""
    raised = 0
    for kind, obj, due_at in _open_items(now):
        try:
            raised += _escalate_one(kind, obj, due_at, now=now)
        except Exception:  # one bad row never stops the others
            logger.exception("escalation of %s %s failed", kind, obj.pk)
    return raised


def escalations_of(kind: str, object_id: int) -> list[PublicEscalation]:
    return list(PublicEscalation.objects.filter(kind=kind, object_id=object_id).order_by("due_at", "level"))
