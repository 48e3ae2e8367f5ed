"""Running a workflow: start, human tasks, messages, timers, and what the rest of the system
reads back (ready tasks, node states, data). No SpiffWorkflow object leaves this module."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException, WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine import exceptions as exc
from engine import history, sandbox
from engine.bpmn.canonical import _jsonable
from engine.bpmn.parsing import ParsedDefinition
from engine.bpmn.scripting import SCRIPT_ENGINE, clock


@dataclass(frozen=True, slots=True)
class ReadyTask:
    """A READY human task, built here so no SpiffWorkflow object leaves this module."""

    id: UUID
    bpmn_id: str
    name: str
    lane: str | None
    mi_index: str | None
    form: str | None
    properties: Mapping[str, str]
    member: str | None


@dataclass(frozen=True, slots=True)
class CompletedTask:
    bpmn_id: str
    name: str
    mi_index: str | None


@dataclass(frozen=True, slots=True)
class PendingTimer:
    bpmn_id: str
    due_at: datetime


def _run(workflow: BpmnWorkflow, step: Any) -> None:
    try:
        step()
        workflow.do_engine_steps()
        history.prune(workflow)
    except sandbox.Exceeded as stopped:
        raise exc.ScriptBudgetExceeded(kind=stopped.kind, detail=stopped.detail) from None
    except exc.EngineError:
        raise
    except (SpiffWorkflowException, SyntaxError, NameError, TypeError, ValueError, KeyError) as error:
        raise exc.ProcessError(message=_describe(error)) from error


def _describe(error: Exception) -> str:
    parts = [str(error)]
    parts.extend(getattr(error, "__notes__", []) or [])
    return " | ".join(p for p in parts if p)


def start_workflow(
    parsed: ParsedDefinition, *, data: Mapping[str, Any], now: datetime, prune_history: bool = True
) -> BpmnWorkflow:
    """Create a workflow for the definition, seed its data, and run it to its first wait state.

    `prune_history` drops ended event-subprocess instances after every step (engine.history);
    replay passes False for a case started before that existed."""
    workflow = BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=SCRIPT_ENGINE)
    workflow.spec_sha256 = parsed.sha256
    workflow.prune_history = prune_history
    with clock(now):
        start = workflow.get_next_task(state=TaskState.READY)
        _run(workflow, lambda: start.set_data(**dict(data)))
    return workflow


def _mi_index(spiff_task: Any) -> str | None:
    if "key_or_index" in spiff_task.internal_data:
        return str(spiff_task.internal_data["key_or_index"])
    return None


def _bpmn_id(spiff_task: Any) -> str:
    spec = spiff_task.task_spec
    if spec.bpmn_id is not None:
        return spec.bpmn_id
    parent = spiff_task.parent
    return parent.task_spec.bpmn_id if parent is not None else spec.name


def _ready_manual(workflow: BpmnWorkflow) -> list[Any]:
    return [t for t in workflow.get_tasks(state=TaskState.READY, manual=True)]


def ready_user_tasks(workflow: BpmnWorkflow, parsed: ParsedDefinition) -> list[ReadyTask]:
    """READY human tasks in task-tree order."""
    result = []
    for spiff_task in _ready_manual(workflow):
        bpmn_id = _bpmn_id(spiff_task)
        info = parsed.user_tasks.get(bpmn_id)
        mi_index = _mi_index(spiff_task)
        member = spiff_task.data.get("member") if mi_index is not None else None
        result.append(
            ReadyTask(
                id=spiff_task.id, bpmn_id=bpmn_id, name=info.name if info else bpmn_id,
                lane=spiff_task.task_spec.lane if spiff_task.task_spec.lane else (info.lane if info else None),
                mi_index=mi_index, form=info.form if info else None,
                properties=info.properties if info else {}, member=member if isinstance(member, str) else None,
            )
        )  # fmt: skip
    return result


@dataclass(frozen=True, slots=True)
class TaskKey:
    """How events name a task: BPMN id, multi-instance index, and the ordinal among READY tasks
    with the same two (several objections can be examined at once). Runtime ids are random."""

    bpmn_id: str
    mi_index: str | None
    nth: int = 0


def _matching_ready(workflow: BpmnWorkflow, bpmn_id: str, mi_index: str | None) -> list[Any]:
    return [t for t in _ready_manual(workflow) if _bpmn_id(t) == bpmn_id and _mi_index(t) == mi_index]


def task_key(workflow: BpmnWorkflow, task_id: UUID) -> TaskKey:
    """The key of a READY human task.

    Raises:
        TaskNotFound, TaskNotReady.
    """
    spiff_task = _get_task(workflow, task_id)
    if not (spiff_task.task_spec.manual and spiff_task.has_state(TaskState.READY)):
        raise exc.TaskNotReady(task=str(task_id), state=TaskState.get_name(spiff_task.state))
    bpmn_id, mi_index = _bpmn_id(spiff_task), _mi_index(spiff_task)
    ids = [t.id for t in _matching_ready(workflow, bpmn_id, mi_index)]
    return TaskKey(bpmn_id, mi_index, ids.index(spiff_task.id))


def find_ready_task(workflow: BpmnWorkflow, key: TaskKey) -> UUID:
    """The runtime id of the READY human task named by `key`.

    Raises:
        TaskNotReady: no such task is ready.
    """
    matches = _matching_ready(workflow, key.bpmn_id, key.mi_index)
    if key.nth >= len(matches):
        label = key.bpmn_id if key.mi_index is None else f"{key.bpmn_id}[{key.mi_index}]"
        raise exc.TaskNotReady(task=label, state="NOT_READY")
    return matches[key.nth].id


def describe_task(workflow: BpmnWorkflow, task_id: UUID) -> tuple[str, str | None, str]:
    """(bpmn_id, mi_index, state name) of a runtime task.

    Raises:
        TaskNotFound: no task has that id.
    """
    spiff_task = _get_task(workflow, task_id)
    return _bpmn_id(spiff_task), _mi_index(spiff_task), TaskState.get_name(spiff_task.state)


def _get_task(workflow: BpmnWorkflow, task_id: UUID) -> Any:
    try:
        spiff_task = workflow.get_task_from_id(task_id)
    except TaskNotFoundException as error:
        raise exc.TaskNotFound(task=str(task_id)) from error
    if spiff_task is None:
        raise exc.TaskNotFound(task=str(task_id))
    return spiff_task


def complete_user_task(workflow: BpmnWorkflow, *, task_id: UUID, data: Mapping[str, Any], now: datetime) -> None:
    """Complete a READY human task with data and run the engine to the next wait state.

    Raises:
        TaskNotFound, TaskNotReady, ProcessError.
    """
    spiff_task = _get_task(workflow, task_id)
    if not (spiff_task.task_spec.manual and spiff_task.has_state(TaskState.READY)):
        raise exc.TaskNotReady(task=str(task_id), state=TaskState.get_name(spiff_task.state))

    submitted = dict(data)
    parent_spec = spiff_task.parent.task_spec if spiff_task.parent is not None else None
    if isinstance(parent_spec, MultiInstanceTask) and parent_spec.output_item is not None:
        # A multi-instance instance's output item is its form together with its input item,
        # so the collected list keeps who said what (outputs arrive in completion order).
        output_name = parent_spec.output_item.bpmn_id
        if output_name not in submitted:
            item = dict(submitted)
            if parent_spec.input_item is not None:
                input_name = parent_spec.input_item.bpmn_id
                item[input_name] = spiff_task.data.get(input_name)
            submitted[output_name] = item

    def step() -> None:
        spiff_task.set_data(**submitted)
        spiff_task.run()

    with clock(now):
        _run(workflow, step)


def send_message(workflow: BpmnWorkflow, *, name: str, payload: Mapping[str, Any], now: datetime) -> None:
    """Deliver a message event (for example an objection during a notice period).

    Raises:
        MessageNotExpected: nothing in the workflow is waiting for this message now.
    """
    event = BpmnEvent(MessageEventDefinition(name), payload=dict(payload))
    with clock(now):
        try:
            workflow.send_event(event)
        except sandbox.Exceeded as stopped:
            raise exc.ScriptBudgetExceeded(kind=stopped.kind, detail=stopped.detail) from None
        except WorkflowException as error:
            if "not waiting" in str(error):
                raise exc.MessageNotExpected(name=name) from error
            raise exc.ProcessError(message=_describe(error)) from error
        _run(workflow, lambda: None)


def refresh_timers(workflow: BpmnWorkflow, *, now: datetime) -> None:
    """Fire every timer due at `now` and run the engine on."""
    with clock(now):
        _run(workflow, workflow.refresh_timers)


def pending_timers(workflow: BpmnWorkflow) -> list[PendingTimer]:
    """Timers the workflow is waiting on, with their fire times."""
    result = []
    # the event manager holds exactly the catching tasks that wait; no walk of the whole tree
    for spiff_task in list(workflow.event_manager.tasks.values()):
        if not spiff_task.has_state(TaskState.WAITING):
            continue
        definition = getattr(spiff_task.task_spec, "event_definition", None)
        if not isinstance(definition, TimerEventDefinition):
            continue
        value = spiff_task.internal_data.get("event_value")
        if isinstance(value, dict):
            value = value.get("next")
        if not value:
            continue
        due = datetime.fromisoformat(value)
        if due.tzinfo is None:
            due = due.replace(tzinfo=UTC)
        result.append(PendingTimer(bpmn_id=_bpmn_id(spiff_task), due_at=due))
    return sorted(result, key=lambda t: (t.due_at, t.bpmn_id))


def cancel(workflow: BpmnWorkflow) -> None:
    """Cancel the workflow (all unfinished tasks)."""
    workflow.cancel()


def is_completed(workflow: BpmnWorkflow) -> bool:
    return bool(workflow.is_completed())


def task_data(workflow: BpmnWorkflow, task_id: UUID) -> dict[str, Any]:
    """The data a ready task sees (what the process holds at that step)."""
    return _jsonable(_get_task(workflow, task_id).data)


def workflow_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The data of the workflow: its final data when completed, else the data of the latest task."""
    if workflow.is_completed():
        return _jsonable(workflow.data)
    last = workflow.last_task
    return _jsonable(last.data if last is not None else workflow.data)


def completed_tasks(workflow: BpmnWorkflow) -> list[CompletedTask]:
    """Completed human tasks in tree order."""
    result = []
    for spiff_task in workflow.get_tasks(state=TaskState.COMPLETED, manual=True):
        result.append(CompletedTask(bpmn_id=_bpmn_id(spiff_task), name=spiff_task.task_spec.bpmn_name or "",
                                    mi_index=_mi_index(spiff_task)))  # fmt: skip
    return result


def node_states(workflow: BpmnWorkflow) -> dict[str, str]:
    """State per BPMN id over all (sub)workflows: 'completed', 'current' or 'pending'.

    A node reached several times (rework loops) counts as current if any instance is live.
    """
    states: dict[str, str] = {}
    rank = {"pending": 0, "completed": 1, "current": 2}
    for spiff_task in workflow.get_tasks(state=TaskState.ANY_MASK):
        bpmn_id = spiff_task.task_spec.bpmn_id
        if bpmn_id is None:
            continue
        if spiff_task.has_state(TaskState.READY | TaskState.WAITING | TaskState.STARTED):
            state = "current"
        elif spiff_task.has_state(TaskState.COMPLETED):
            state = "completed"
        else:
            state = "pending"
        if rank[state] > rank.get(states.get(bpmn_id, "pending"), -1) or bpmn_id not in states:
            states[bpmn_id] = state
    for bpmn_id in history.completed_ids(workflow):  # done in instances no longer in the tree
        if states.get(bpmn_id, "pending") == "pending":
            states[bpmn_id] = "completed"
    return states
