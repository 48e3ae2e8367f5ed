"""A case's snapshot bounded by what is live, not by what has happened.

Every message-started event subprocess instance (an objection during a notice period, say) stays
in SpiffWorkflow's task tree after it ends: one task under the start task of the (sub)workflow it
ran in, and a finished subworkflow of its own. Two hundred objections made the snapshot 55x
larger and every later step 14x slower (load, dump and state hash are each linear in the tree).

What an ended instance did is already in the audit trail (the message, the examination, who and
when), and nothing later in the workflow reads it: its tokens ended inside it. So a case started
with ``prune_history`` drops such an instance once it has ended, keeping

* the instance its workflow completed last (``last_task`` and the data it carries), and
* in the start task's ``internal_data``, how many instances were dropped and which BPMN ids they
  completed, so the chart overlay still draws those steps as done (`completed_ids`).

Pruning is a pure function of the workflow state and runs after every engine step, live and in
replay alike, so replay reproduces every recorded state hash. A case started before this existed
keeps its full tree (its snapshot has no ``prune_history`` flag and its start event no
``state_format``); replay follows the case's own start event.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

STATE_FORMAT = 2  # written into a case's start event; 1 (absent) = full history kept
PRUNED_KEY = "pruned_event_subprocesses"


def enabled(workflow: BpmnWorkflow) -> bool:
    return bool(getattr(workflow, "prune_history", False))


def _workflows(top: BpmnWorkflow) -> Iterator[Any]:
    yield top
    yield from list(top.subprocesses.values())


def _ended_instances(top: BpmnWorkflow, workflow: Any) -> list[Any]:
    """Ended event-subprocess instances under the start task of `workflow`, oldest first."""
    start = workflow.task_tree
    start_spec = getattr(workflow.spec, "start", None)
    triggers = set(getattr(start_spec, "trigger_specs", ()) or ())
    if start is None or not triggers:
        return []
    ended = []
    for child in start.children:
        if child.task_spec.name not in triggers or child.children:
            continue
        sub = top.subprocesses.get(child.id)
        if child.has_state(TaskState.COMPLETED) and (sub is None or sub.is_completed()):
            ended.append(child)
    return ended


def prune(top: BpmnWorkflow) -> int:
    """Drop ended event-subprocess instances (see the module's docstring); returns how many."""
    if not enabled(top):
        return 0
    dropped = 0
    for workflow in list(_workflows(top)):
        if workflow is not top and top.subprocesses.get(workflow.parent_task_id) is not workflow:
            continue  # inside an instance dropped earlier in this pass
        ended = _ended_instances(top, workflow)
        if len(ended) < 2 and (not ended or ended[0] is workflow.last_task):
            continue
        keep = workflow.last_task if workflow.last_task in ended else ended[-1]
        record = workflow.task_tree.internal_data.setdefault(PRUNED_KEY, {"count": 0, "completed": []})
        completed = set(record["completed"])
        for task in ended:
            if task is keep:
                continue
            completed.update(_drop(top, workflow, task))
            dropped += 1
        record["count"] += len(ended) - 1
        record["completed"] = sorted(completed)
    return dropped


def _drop(top: BpmnWorkflow, workflow: Any, task: Any) -> set[str]:
    """Remove one ended instance and its subworkflows; the BPMN ids it completed."""
    completed: set[str] = set()
    removed: Iterable[Any] = top.delete_subprocess(task) if task.id in top.subprocesses else []
    for spiff_task in removed:
        if spiff_task.task_spec.bpmn_id and spiff_task.has_state(TaskState.COMPLETED):
            completed.add(spiff_task.task_spec.bpmn_id)
    if task.task_spec.bpmn_id:
        completed.add(task.task_spec.bpmn_id)
    task.parent._children.remove(task.id)  # `children` is a view built from these ids
    workflow.tasks.pop(task.id, None)
    return completed


def completed_ids(top: BpmnWorkflow) -> set[str]:
    """BPMN ids completed by instances pruned from any (sub)workflow of `top`."""
    ids: set[str] = set()
    for workflow in _workflows(top):
        if workflow.task_tree is not None:
            ids.update(workflow.task_tree.internal_data.get(PRUNED_KEY, {}).get("completed", ()))
    return ids
