"""Applying one recorded input to a case's in-memory state: the single code path shared by the
live services and by replay, so replay proves what the services did."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from engine import bpmn, history
from engine import exceptions as exc
from engine.models import AuditEvent, Case


@dataclass
class CaseState:
    """What a case is between two inputs: the workflow, its status and the open claims."""

    parsed: bpmn.ParsedDefinition
    workflow: Any
    status: str = Case.Status.RUNNING
    claims: dict[UUID, str] = field(default_factory=dict)
    _ready: list[bpmn.ReadyTask] | None = None  # cached between mutations

    def state_hash(self) -> str:
        return bpmn.state_hash(self.workflow, status=self.status, claims=self.claims)

    def ready_tasks(self) -> list[bpmn.ReadyTask]:
        if self._ready is None:
            self._ready = bpmn.ready_user_tasks(self.workflow, self.parsed)
        return self._ready

    def changed(self) -> None:
        self._ready = None


def key_from_event(bpmn_id: str, mi_index: str, payload: Mapping[str, Any]) -> bpmn.TaskKey:
    return bpmn.TaskKey(bpmn_id, mi_index or None, int(payload.get("nth", 0)))


def start(
    parsed: bpmn.ParsedDefinition, *, data: Mapping[str, Any], at: datetime, state_format: int = history.STATE_FORMAT
) -> CaseState:
    """A new case's state; `state_format` 1 keeps every ended event subprocess in the tree (the
    cases started before engine.history), 2 prunes them."""
    workflow = bpmn.start_workflow(parsed, data=data, now=at, prune_history=state_format >= 2)
    return CaseState(parsed=parsed, workflow=workflow)


def claim(state: CaseState, key: bpmn.TaskKey, *, user: str) -> UUID:
    task_id = bpmn.find_ready_task(state.workflow, key)
    state.claims[task_id] = user
    return task_id


def unclaim(state: CaseState, key: bpmn.TaskKey) -> UUID:
    task_id = bpmn.find_ready_task(state.workflow, key)
    state.claims.pop(task_id, None)
    return task_id


def complete(
    state: CaseState, key: bpmn.TaskKey, *, data: Mapping[str, Any], at: datetime, task_id: UUID | None = None
) -> UUID:
    """Complete the task named by `key`; live work passes the `task_id` it already resolved from
    that key (skipping a second search of the task tree), replay resolves it here."""
    if task_id is None:
        task_id = bpmn.find_ready_task(state.workflow, key)
    bpmn.validate_form_data(state.parsed, key.bpmn_id, data)
    bpmn.complete_user_task(state.workflow, task_id=task_id, data=data, now=at)
    state.claims.pop(task_id, None)
    _settle(state)
    return task_id


def message(state: CaseState, *, name: str, payload: Mapping[str, Any], at: datetime) -> None:
    bpmn.send_message(state.workflow, name=name, payload=payload, now=at)
    _settle(state)


def timers(state: CaseState, *, at: datetime) -> None:
    bpmn.refresh_timers(state.workflow, now=at)
    _settle(state)


def cancel(state: CaseState) -> None:
    bpmn.cancel(state.workflow)
    state.changed()
    state.status = Case.Status.CANCELLED
    state.claims.clear()


def _settle(state: CaseState) -> None:
    state.changed()
    if state.claims:  # claims on tasks that are no longer ready lapse
        live = {t.id for t in state.ready_tasks()}
        state.claims = {task_id: user for task_id, user in state.claims.items() if task_id in live}
    if bpmn.is_completed(state.workflow):
        state.status = Case.Status.COMPLETED


def apply_event(state: CaseState | None, parsed: bpmn.ParsedDefinition, event: AuditEvent) -> CaseState:
    """Re-apply one stored event (replay). Events that do not change the workflow pass through."""
    kind, payload = event.kind, event.payload
    if kind == AuditEvent.Kind.CASE_STARTED:
        return start(parsed, data=payload.get("data", {}), at=event.at, state_format=int(payload.get("state_format", 1)))
    if state is None:
        raise exc.ProcessError(message=f"event {event.sequence} ({kind}) before the case started")
    key = key_from_event(event.bpmn_id, event.mi_index, payload)
    if kind == AuditEvent.Kind.TASK_CLAIMED:
        claim(state, key, user=event.actor_name)
    elif kind == AuditEvent.Kind.TASK_UNCLAIMED:
        unclaim(state, key)
    elif kind == AuditEvent.Kind.TASK_COMPLETED:
        complete(state, key, data=payload.get("data", {}), at=event.at)
    elif kind == AuditEvent.Kind.MESSAGE_RECEIVED:
        message(state, name=payload["name"], payload=payload.get("data", {}), at=event.at)
    elif kind == AuditEvent.Kind.TIMER_FIRED:
        timers(state, at=event.at)
    elif kind == AuditEvent.Kind.CASE_CANCELLED:
        cancel(state)
    return state
