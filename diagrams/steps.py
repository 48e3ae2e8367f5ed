"""The steps of a process as a poster lists them: post, time limit and documents per step.

Task properties (``spiffworkflow:properties``) carry what a wall chart prints under each box:

- ``position``: the responsible post, as a name (``经办人``) or a code mapped by
  ``position_names`` (``handler``); without it, the step's lane name is used;
- ``time_limit`` with optional ``time_unit`` (``working_day``/``WD``, ``calendar_day``/``d``,
  ``h``), or free text such as ``即办``;
- ``documents``: the key documents of the step (受理通知书, 调查表, ...).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from diagrams.model import FlowNode, Lane, Process
from diagrams.text import format_time_limit


@dataclass(frozen=True, slots=True)
class Step:
    """One activity of a process with what the poster prints for it.

    Attributes:
        node_id: The BPMN id.
        name: The step name.
        position: The responsible post, or ``""``.
        time_limit: The formatted limit (``3个工作日``, ``即办``), or ``""``.
        documents: The key documents, or ``""``.
        lane: The lane name, or ``""``.
    """

    node_id: str
    name: str
    position: str
    time_limit: str
    documents: str
    lane: str


def lane_names(lanes: tuple[Lane, ...]) -> dict[str, str]:
    """Flow node id -> name of the innermost lane that lists it."""
    names: dict[str, str] = {}

    def visit(lane_list: tuple[Lane, ...]) -> None:
        for lane in lane_list:
            for ref in lane.flow_node_refs:
                names[ref] = lane.name
            visit(lane.lanes)

    visit(lanes)
    return names


def describe_step(node: FlowNode, *, lane: str = "", position_names: Mapping[str, str] | None = None) -> Step:
    """Read a node's post, time limit and documents from its properties.

    Args:
        node: The flow node.
        lane: Its lane name, used when no ``position`` property is given.
        position_names: Position code -> display name.

    Returns:
        The step.
    """
    props = node.properties
    position = props.get("position") or props.get("岗位") or ""
    position = (position_names or {}).get(position, position)
    limit = format_time_limit(
        props.get("time_limit") or props.get("时限"), props.get("time_unit") or props.get("time_limit_unit")
    )
    documents = props.get("documents") or props.get("文书") or ""
    return Step(
        node_id=node.id,
        name=node.name or node.id,
        position=position,
        time_limit=limit,
        documents=documents,
        lane=lane,
    )


def list_steps(process: Process, *, position_names: Mapping[str, str] | None = None) -> list[Step]:
    """The top-level activities of a process in reading order.

    Reading order is breadth-first from the start events along sequence flows (document order
    breaks ties); activities not reachable that way follow in document order. Boundary-event
    branches come after the main path because they are reached only through their event.

    Args:
        process: The process.
        position_names: Position code -> display name.

    Returns:
        One step per task, call activity or subprocess.
    """
    by_id = {node.id: node for node in process.nodes}
    outgoing: dict[str, list[str]] = {}
    for flow in process.flows:
        outgoing.setdefault(flow.source, []).append(flow.target)
    attached: dict[str, list[str]] = {}
    for node in process.nodes:
        if node.kind == "boundaryEvent" and node.attached_to:
            attached.setdefault(node.attached_to, []).append(node.id)

    order: list[str] = []
    seen: set[str] = set()
    queue: deque[str] = deque(n.id for n in process.nodes if n.kind == "startEvent")
    later: deque[str] = deque()
    while queue or later:
        node_id = queue.popleft() if queue else later.popleft()
        if node_id in seen or node_id not in by_id:
            continue
        seen.add(node_id)
        order.append(node_id)
        queue.extend(outgoing.get(node_id, ()))
        later.extend(attached.get(node_id, ()))
    order.extend(n.id for n in process.nodes if n.id not in seen)

    lanes = lane_names(process.lanes)
    return [
        describe_step(by_id[node_id], lane=lanes.get(node_id, ""), position_names=position_names)
        for node_id in order
        if by_id[node_id].is_activity
    ]
