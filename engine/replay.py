"""Replay: rebuild a case from its pinned definition and its audit events alone, through the same
step functions as live work, comparing the state hash after every event."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils import timezone

from engine import audit, bpmn, steps
from engine import exceptions as exc
from engine.models import AuditEvent, Case


@dataclass(frozen=True)
class Divergence:
    sequence: int
    expected: str
    actual: str
    error: str = ""


@dataclass
class ReplayReport:
    """The verification result and the state of the case as of `step`."""

    case_id: str
    reference: str
    ok: bool
    step: int
    events: int
    definition_intact: bool
    chain: dict[str, Any]
    divergence: Divergence | None
    status: str = ""
    ready_tasks: list[dict[str, Any]] = field(default_factory=list)
    completed_tasks: list[dict[str, Any]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    node_states: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        result = asdict(self)
        return result


def replay_case(case: Case, upto: int | None = None) -> ReplayReport:
    """Replay `case` up to event `upto` (all events when None) and verify every step.

    The report is ok when the definition content still matches its sha256, the hash chain is
    intact, and every replayed event reproduces the state hash recorded with it.
    """
    definition = case.definition
    events = list(case.audit_events.order_by("sequence"))
    chain = audit.verify_events(case, events)
    try:
        parsed = bpmn.parse_definition(definition.sources, definition.process_id)
    except exc.DefinitionInvalid as error:
        return ReplayReport(str(case.pk), case.reference, False, 0, len(events), False, chain.as_dict(),
                            Divergence(events[0].sequence if events else 0, "", "", str(error)))  # fmt: skip
    definition_intact = parsed.sha256 == definition.sha256
    state: steps.CaseState | None = None
    divergence: Divergence | None = None
    step = 0
    completed: list[dict[str, Any]] = []
    for event in events:
        if upto is not None and event.sequence > upto:
            break
        try:
            state = steps.apply_event(state, parsed, event)
        except exc.EngineError as error:
            divergence = Divergence(event.sequence, event.state_hash, "", f"{error.code}: {error}")
            break
        actual = state.state_hash()
        step = event.sequence
        if event.kind == AuditEvent.Kind.TASK_COMPLETED:
            completed.append({
                "sequence": event.sequence, "bpmn_id": event.bpmn_id, "mi_index": event.mi_index or None,
                "name": parsed.user_tasks[event.bpmn_id].name if event.bpmn_id in parsed.user_tasks else event.bpmn_id,
                "actor": event.actor_name, "at": timezone.localtime(event.at).isoformat(),
                "data": event.payload.get("data", {}),
            })  # fmt: skip
        if actual != event.state_hash:
            divergence = Divergence(event.sequence, event.state_hash, actual)
            break
    report = ReplayReport(
        case_id=str(case.pk), reference=case.reference,
        ok=definition_intact and chain.ok and divergence is None, step=step, events=len(events),
        definition_intact=definition_intact, chain=chain.as_dict(), divergence=divergence, completed_tasks=completed,
    )  # fmt: skip
    if state is not None:
        report.status = state.status
        report.ready_tasks = [
            {"bpmn_id": t.bpmn_id, "name": t.name, "lane": t.lane, "mi_index": t.mi_index, "member": t.member,
             "claimed_by": state.claims.get(t.id)}
            for t in (state.ready_tasks() if state.status == Case.Status.RUNNING else [])
        ]  # fmt: skip
        report.data = bpmn.workflow_data(state.workflow)
        report.node_states = bpmn.node_states(state.workflow)
    return report
