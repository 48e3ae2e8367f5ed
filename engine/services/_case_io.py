"""Loading and storing a case under its lock, shared by the services (not a public API)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from engine import audit, bpmn, rules, steps
from engine import exceptions as exc
from engine.models import Case, Timer, WorkItem
from engine.services.definitions import parsed_definition

from engine.names import NOTICE_TIMER_ID, OBJECTION_MESSAGE, SYSTEM_ACTOR  # noqa: F401 (re-exported)


def _actor_name(actor: AbstractBaseUser | None) -> str:
    return actor.get_username() if actor is not None else SYSTEM_ACTOR


def _check_clock_start(now: datetime) -> None:
    if now is None or now.tzinfo is None:
        raise exc.ClockNotSet()


# Inputs read the clock before they wait for the case's lock: one that waited behind another
# input may hold a time a little earlier than the event just recorded. It is recorded at that
# event's time (times never decrease); a larger gap is refused.
CLOCK_SKEW_ALLOWED = timedelta(seconds=60)


def _check_clock(case: Case, now: datetime) -> datetime:
    """The time to record the input at: per case, event times never decrease and never precede the
    case's start (the caller holds the lock).

    Raises:
        ClockNotSet (no aware time), ClockBehindRecord (more than CLOCK_SKEW_ALLOWED behind the record).
    """
    _check_clock_start(now)
    last = case.last_event_at or case.started_at
    if last is None or now >= last:
        return now
    if last - now > CLOCK_SKEW_ALLOWED:
        raise exc.ClockBehindRecord(at=audit.canonical_time(now), last=audit.canonical_time(last))
    return last


def _locked_case(case_id: UUID | str, *, running: bool = True, skip_locked: bool = False) -> Case:
    try:
        # the definition's sources are only needed on a spec-cache miss: don't decode them per step
        # of=("self",): lock the case row only, not the definition row every case of a process
        # shares (which would serialize unrelated cases, and make SKIP LOCKED skip them)
        query = Case.objects.select_for_update(skip_locked=skip_locked, of=("self",)).select_related("definition")
        case = query.defer("definition__sources").get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError, ValidationError) as error:
        raise exc.CaseNotFound(case_id=case_id) from error
    if running and case.status != Case.Status.RUNNING:
        raise exc.CaseClosed(case_id=case.pk, status=case.status)
    return case


def _work_items(case: Case) -> list[WorkItem]:
    """The case's work items, each with the claimant's user name as `claimant` (or None)."""
    items = list(WorkItem.objects.filter(case_id=case.pk))
    claimed = {wi.claimed_by_id for wi in items if wi.claimed_by_id is not None}
    names = dict(get_user_model().objects.filter(pk__in=claimed).values_list("pk", "username")) if claimed else {}
    for wi in items:
        wi.claimant = names.get(wi.claimed_by_id)
    return items


def _load_state(case: Case, items: list[WorkItem]) -> steps.CaseState:
    """The case's state from its snapshot, refused (SnapshotTampered) unless it is exactly the
    state the audit chain ends in: an edited snapshot or state hash stops the case here, before
    anyone's step is applied on top of it."""
    parsed = parsed_definition(case.definition)
    try:
        workflow = bpmn.loads(case.workflow_json, parsed)
    except exc.DefinitionMismatch:
        raise
    except Exception as error:  # an unreadable snapshot is an edited one
        raise exc.SnapshotTampered(case_id=case.pk, sequence=case.last_sequence, expected=case.state_hash,
                                   actual="") from error  # fmt: skip
    claims = {wi.task_id: wi.claimant for wi in items if wi.claimed_by_id is not None}
    state = steps.CaseState(parsed=parsed, workflow=workflow, status=case.status, claims=claims)
    audit.check_snapshot(case, state.state_hash())
    return state


def _store(
    case: Case, state: steps.CaseState, *, now: datetime, items: list[WorkItem],
    claimed_by: dict[UUID, Any] | None = None,
) -> None:  # fmt: skip
    """Write the snapshot, work items and timers of `state` to `case` (caller saves the case)."""
    ready = state.ready_tasks() if state.status == Case.Status.RUNNING else []
    ready_ids = {t.id for t in ready}
    existing = {wi.task_id: wi for wi in items}
    stale = [task_id for task_id in existing if task_id not in ready_ids]
    if stale:
        WorkItem.objects.filter(case=case, task_id__in=stale).delete()
    new_items = [
        WorkItem(
            case=case, township_id=case.township_id, task_id=t.id, bpmn_id=t.bpmn_id, name=t.name, mi_index=t.mi_index or "",
            member=t.member or "", lane=t.lane or "", form=t.form or "", created_at=now,
            due_at=rules.task_due_at(case, t, now=now),
        )  # fmt: skip
        for t in ready
        if t.id not in existing
    ]
    if new_items:
        WorkItem.objects.bulk_create(new_items)
    changed = list(new_items)
    for task_id, user in (claimed_by or {}).items():
        WorkItem.objects.filter(case=case, task_id=task_id).update(claimed_by=user)
        if task_id in existing and task_id in ready_ids:
            item = existing[task_id]
            item.claimed_by, item.case = user, case
            changed.append(item)
    # what this step changed, for a caller that answers with it (the API's lean step response)
    case.changed_work_items, case.closed_task_ids = changed, stale

    pending = bpmn.pending_timers(state.workflow) if state.status == Case.Status.RUNNING else []
    wanted = {(t.bpmn_id, t.due_at) for t in pending}
    had_timers = case.next_timer_due is not None  # no pending rows otherwise: skip the query
    have = {(t.bpmn_id, t.due_at): t for t in case.timers.filter(status=Timer.Status.PENDING)} if had_timers else {}
    for key, row in have.items():
        if key not in wanted:
            fired = row.due_at <= now and state.status != Case.Status.CANCELLED
            row.status = Timer.Status.FIRED if fired else Timer.Status.CANCELLED
            row.fired_at = now if fired else None
            row.save(update_fields=["status", "fired_at"])
    new_timers = [Timer(case=case, bpmn_id=b, due_at=d) for (b, d) in sorted(wanted) if (b, d) not in have]
    if new_timers:
        Timer.objects.bulk_create(new_timers)

    if state.status == Case.Status.RUNNING:
        paused = rules.is_clock_paused(ready, (t.bpmn_id for t in pending), state.parsed)
        rules.update_clock(case, paused=paused, now=now)
    case.status = state.status
    case.next_timer_due = min((t.due_at for t in pending), default=None)
    case.workflow_json = bpmn.dumps(state.workflow)
    case.state_hash = state.state_hash()
    case.updated_at = now
    if state.status != Case.Status.RUNNING and case.closed_at is None:
        case.closed_at = now


_CASE_FIELDS = ["status", "next_timer_due", "workflow_json", "state_hash", "updated_at", "closed_at",
                "last_sequence", "last_hash", "last_event_at", "first_responder", "paused_since", "paused_working_days", "due_at", "legal_due_at"]  # fmt: skip


def _record(
    case: Case, state: steps.CaseState, *, kind: str, actor: AbstractBaseUser | None, now: datetime,
    items: list[WorkItem], key: bpmn.TaskKey | None = None, payload: Mapping[str, Any],
    claimed_by: dict[UUID, Any] | None = None,
) -> Case:  # fmt: skip
    now = _check_clock(case, now)
    was_running = case.status == Case.Status.RUNNING
    _store(case, state, now=now, items=items, claimed_by=claimed_by)
    body = dict(payload)
    if key is not None:
        body["nth"] = key.nth
    audit.append_event(
        case, kind=kind, actor=actor, actor_name=_actor_name(actor), at=now,
        bpmn_id=key.bpmn_id if key else "", mi_index=key.mi_index if key else None,
        payload=body, state_hash=case.state_hash,
    )  # fmt: skip
    case.save(update_fields=_CASE_FIELDS)
    if was_running and case.status == Case.Status.COMPLETED:
        from engine import public_side  # standing lists, petitions waiting for the case

        public_side.case_completed(case, bpmn.workflow_data(state.workflow), now=now)
    return case


def _locked_case_or_none(case_id: UUID | str) -> Case | None:
    """The case, locked, or None when it is closed, gone, or locked by another worker (SKIP LOCKED)."""
    try:
        return _locked_case(case_id, skip_locked=True)
    except (exc.CaseNotFound, exc.CaseClosed):
        return None
