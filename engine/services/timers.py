"""The timer worker's services: BPMN timers and deadline escalation, each case in its own
transaction, taken with SKIP LOCKED so several workers can share one PostgreSQL."""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

from django.db import transaction

from engine import audit, bpmn, computed, rules, steps, workdays
from engine import exceptions as exc
from engine.models import AccountabilityRecord, AuditEvent, Case, WorkItem
from engine.services._case_io import SYSTEM_ACTOR, _check_clock, _load_state, _locked_case_or_none, _record, _work_items

logger = logging.getLogger(__name__)

def fire_due_timers(*, now: datetime, limit: int | None = None) -> int:
    """Fire the timers of every case with a timer due at `now`; each case in its own transaction.

    Returns how many cases advanced. A case that fails is logged and skipped, never half-written.
    """
    fired = 0
    due = Case.objects.filter(status=Case.Status.RUNNING, next_timer_due__lte=now).order_by("next_timer_due")
    for case_id in list(due.values_list("pk", flat=True)[:limit] if limit else due.values_list("pk", flat=True)):
        try:
            if fire_case_timers(case_id, now=now):
                fired += 1
        except exc.EngineError:
            logger.exception("timers of case %s failed to fire", case_id)
    return fired


@transaction.atomic
def fire_case_timers(case_id: UUID | str, *, now: datetime) -> bool:
    """Fire the due timers of one case. Idempotent: returns False when nothing was due any more."""
    case = _locked_case_or_none(case_id)
    if case is None or case.next_timer_due is None or case.next_timer_due > now:
        return False
    now = _check_clock(case, now)
    items = _work_items(case)
    state = _load_state(case, items)
    due = [t.bpmn_id for t in bpmn.pending_timers(state.workflow) if t.due_at <= now]
    steps.timers(state, at=now)
    _record(case, state, kind=AuditEvent.Kind.TIMER_FIRED, actor=None, now=now, payload={"due": due}, items=items)
    if computed.CORRECTION_TIMER_ID in due:
        _correction_late(case, state, now=now)
    return True


def _correction_late(case: Case, state: steps.CaseState, *, now: datetime) -> None:
    """No one-time notice within 5 working days: the application counts as accepted from receipt
    (the process goes on to the receipt), and the clerk who registered it answers for it."""
    registered = AuditEvent.objects.filter(case=case, kind=AuditEvent.Kind.TASK_COMPLETED,
                                           bpmn_id__in=("register_application", "resubmission"))
    data = registered.order_by("-sequence").values_list("payload__data", flat=True).first() or {}
    first = AuditEvent.objects.filter(case=case, bpmn_id="register_application").values_list("payload__data", flat=True)
    clerk = str((first.first() or {}).get("first_responder") or "")
    AccountabilityRecord.objects.get_or_create(
        case=case, bpmn_id="one_time_notice", level=1, due_at=datetime.fromisoformat(data.get("correction_notice_deadline") or now.isoformat()),
        defaults={"kind": AccountabilityRecord.Kind.CORRECTION_LATE, "township_id": case.township_id, "task_name": "一次性告知补正",
                  "responsibility_code": rules.responsibility_for(case), "handler_name": clerk,
                  "station_head_name": "、".join(rules.holders_of("station_head", case, station_only=True)),
                  "notified": [clerk], "created_at": now},
    )  # fmt: skip


@transaction.atomic
def escalate_case(case_id: UUID | str, *, now: datetime) -> int:
    """Raise the deadline escalations now due on one case (SKIP LOCKED; idempotent).

    Ladder per overdue work item: level 1 reminds the handler, level 2 the station head (one
    working day later), level 3 the discipline inspector (two working days later). Each level
    is one audit event and one accountability record (超时, and 久拖不办 at level 3).
    Returns how many escalations were raised.
    """
    case = _locked_case_or_none(case_id)
    if case is None:
        return 0
    now = _check_clock(case, now)
    raised = 0
    audit.recorded_head(case)  # refuses an edited state hash (SnapshotTampered)
    items = _work_items(case)
    for item in items:
        if item.due_at is None or item.due_at >= now:
            continue
        for level in range(item.escalation_level + 1, ESCALATION_LEVELS + 1):
            if now <= workdays.add_limit(item.due_at, level - 1, workdays.WORKING_DAY) and level > 1:
                break
            _escalate(case, item, level=level, now=now, items=items)
            raised += 1
    return raised


ESCALATION_LEVELS = 3


def _escalate(case: Case, item: WorkItem, *, level: int, now: datetime, items: list[WorkItem]) -> None:
    handler = [item.claimant] if getattr(item, "claimant", None) else rules.holders_of(item.lane, case)
    station_heads = rules.holders_of("station_head", case, station_only=True)
    notified = {1: handler, 2: station_heads, 3: rules.holders_of("discipline_inspector", case)}[level]
    record = AccountabilityRecord.objects.create(
        case=case, township_id=case.township_id, kind=AccountabilityRecord.Kind.LONG_DELAY if level == ESCALATION_LEVELS else AccountabilityRecord.Kind.OVERDUE,
        level=level, bpmn_id=item.bpmn_id, task_name=item.name, responsibility_code=rules.responsibility_for(case),
        handler_name="、".join(handler), station_head_name="、".join(station_heads), notified=notified,
        due_at=item.due_at, created_at=now,
    )  # fmt: skip
    WorkItem.objects.filter(pk=item.pk).update(escalation_level=level)
    item.escalation_level = level
    audit.append_event(
        case, kind=AuditEvent.Kind.DEADLINE_ESCALATED, actor=None, actor_name=SYSTEM_ACTOR, at=now,
        bpmn_id=item.bpmn_id, mi_index=item.mi_index or None,
        payload={"level": level, "notified": notified, "record": record.pk, "due_at": audit.canonical_time(item.due_at)},
        state_hash=case.state_hash,
    )  # fmt: skip
    case.save(update_fields=["last_sequence", "last_hash", "last_event_at"])


def escalate_overdue(*, now: datetime) -> int:
    """Escalate every case with an overdue work item; each case in its own transaction."""
    case_ids = (
        WorkItem.objects.filter(due_at__lt=now, escalation_level__lt=ESCALATION_LEVELS, case__status=Case.Status.RUNNING)
        .values_list("case_id", flat=True)
        .distinct()
    )
    raised = 0
    for case_id in list(case_ids):
        try:
            raised += escalate_case(case_id, now=now)
        except exc.EngineError:
            logger.exception("escalation of case %s failed", case_id)
    return raised
