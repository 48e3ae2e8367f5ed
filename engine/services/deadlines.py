"""Deadlines follow the holiday table: when an administrator enters or changes a holiday or a
make-up working day, every running case's deadlines are computed again from its start, its
limits and its paused working days (the stored due dates are a cache of that computation).
Each case whose deadline moves gets one audit event (`deadlines_recomputed`) with the old and
new values; cases whose deadlines do not move are left untouched.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from engine import audit, rules
from engine.models import AuditEvent, Case, WorkItem
from engine.services._case_io import _actor_name, _locked_case


def _text(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@transaction.atomic
def recompute_deadlines(*, now: datetime, reason: str, actor: AbstractBaseUser | None = None) -> int:
    """Recompute the deadlines of running cases; returns how many changed."""
    changed = 0
    for case_id in Case.objects.filter(status=Case.Status.RUNNING).order_by("pk").values_list("pk", flat=True):
        case = _locked_case(case_id)
        before = (case.due_at, case.legal_due_at)
        rules.set_deadlines(case)
        if (case.due_at, case.legal_due_at) == before:
            continue
        # work items that follow the case's deadline follow it again
        WorkItem.objects.filter(case=case, due_at=before[0]).update(due_at=case.due_at)
        audit.append_event(
            case, kind=AuditEvent.Kind.DEADLINES_RECOMPUTED, actor=actor, actor_name=_actor_name(actor), at=now,
            payload={"reason": reason, "due_at": [_text(before[0]), _text(case.due_at)],
                     "legal_due_at": [_text(before[1]), _text(case.legal_due_at)]},
            state_hash=case.state_hash,
        )  # fmt: skip
        case.save(update_fields=["due_at", "legal_due_at", "last_sequence", "last_hash"])
        changed += 1
    return changed
