"""A change to the holiday table (CalendarDay) recomputes the deadlines of running cases, in the
same transaction as the change (engine/services/deadlines.py)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from engine.models import CalendarDay


@receiver(post_save, sender=CalendarDay, dispatch_uid="calendar_day_saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="calendar_day_deleted")
def _holidays_changed(sender: Any, instance: CalendarDay, **kwargs: Any) -> None:
    from engine import clock
    from engine.services.deadlines import recompute_deadlines

    if kwargs.get("raw"):  # fixtures load rows as they are
        return
    kind = "工作日" if instance.is_workday else "休息日"
    recompute_deadlines(now=clock.now(), reason=f"节假日表变更：{instance.date.isoformat()} {kind} {instance.name}".strip())
