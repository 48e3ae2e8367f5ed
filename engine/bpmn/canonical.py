"""Canonical state: the form of a workflow hashed into the audit chain and compared by replay."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow


def _jsonable(value: Any) -> Any:
    return json.loads(canonical_json(value))


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """Sorted keys, compact separators, UTF-8 text: the one canonical form used for hashing."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def canonical_state(workflow: BpmnWorkflow) -> list[dict[str, Any]]:
    """The canonical state as data (see `canonical_state_text`)."""
    return json.loads(canonical_state_text(workflow)[0])


def canonical_state_text(workflow: BpmnWorkflow) -> tuple[str, dict[UUID, str]]:
    """The workflow state with runtime task ids replaced by tree positions and timestamps dropped.

    Two runs that did the same things in the same order give equal canonical states, although
    SpiffWorkflow gives their tasks different random ids.
    """
    positions: dict[UUID, str] = {}
    entries: list[dict[str, Any]] = []
    queue: list[tuple[str, Any]] = [("0", workflow)]
    while queue:
        prefix, wf = queue.pop(0)
        ordered: list[Any] = []
        stack = [wf.task_tree]
        while stack:
            node = stack.pop()
            positions[node.id] = f"{prefix}.{len(ordered)}"
            ordered.append(node)
            stack.extend(reversed(node.children))
        tasks = []
        for node in ordered:
            tasks.append([
                node.task_spec.name, node.state, node.triggered, node.data, node.internal_data,
                positions.get(node.parent.id) if node.parent is not None else None,
            ])  # fmt: skip
            sub = workflow.subprocesses.get(node.id)
            if sub is not None:
                queue.append((positions[node.id], sub))
        entries.append({"at": prefix, "spec": wf.spec.name, "data": wf.data, "completed": wf.completed, "tasks": tasks})
    text = canonical_json(entries)
    # every task id in the text becomes its tree position (one C-level scan per id that occurs,
    # instead of a regular expression over the whole text: the same text, the same hashes)
    for task_id, position in positions.items():
        key = str(task_id)
        if key in text:
            text = text.replace(key, f"@{position}")
    return text, positions


def state_hash(workflow: BpmnWorkflow, *, status: str, claims: Mapping[UUID, str]) -> str:
    """sha256 over the canonical state, the case status and who has claimed which task."""
    text, positions = canonical_state_text(workflow)
    claimed = sorted([positions[task_id], user] for task_id, user in claims.items() if task_id in positions)
    text += "\n" + canonical_json({"status": status, "claims": claimed})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
