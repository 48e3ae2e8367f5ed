"""The one package that imports SpiffWorkflow: parses specs, runs tasks, (de)serializes workflows.

Everything else in the project sees only the small typed facade below. Three rules hold here:

* no wall clock: every function that can run the engine takes ``now`` and installs it as the
  clock SpiffWorkflow's timer code reads (a context variable, so threads do not share it);
* scripts and conditions inside BPMN run under RestrictedPython, re-attached after every load;
* the workflow is serialized without its spec (the spec is cached by the sha256 of its sources).

The modules: `scripting` (clock and sandbox), `parsing` (sources to spec, forms), `running`
(steps and what is read back), `canonical` (state hashing), `standard` and `expressions` (standard
executable BPMN from other modelers normalised before parsing: ISO 8601 timers, JUEL and FEEL);
serialization stays here.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.version import __version__ as _spiff_version

from engine import exceptions as exc
from engine import history, sandbox
from engine.bpmn.canonical import canonical_json, canonical_state, canonical_state_text, state_hash
from engine.bpmn.parsing import (
    _SPEC_CACHE,
    _SPEC_LOCK,
    FORM_SUFFIX,
    START_FORM_PREFIX,
    ParsedDefinition,
    TaskInfo,
    clear_spec_cache,
    parse_definition,
    parse_xml,
    sources_sha256,
    validate_form_data,
    validate_start_data,
)
from engine.bpmn.running import (
    CompletedTask,
    PendingTimer,
    ReadyTask,
    TaskKey,
    cancel,
    complete_user_task,
    completed_tasks,
    describe_task,
    find_ready_task,
    is_completed,
    node_states,
    pending_timers,
    ready_user_tasks,
    refresh_timers,
    send_message,
    start_workflow,
    task_data,
    task_key,
    workflow_data,
)
from engine.bpmn.scripting import SCRIPT_ENGINE, check_timer_expression, clock, evaluate_expression

SPIFF_VERSION: str = _spiff_version

__all__ = [
    "DATA_MAX_CHARS", "FORM_SUFFIX", "SCRIPT_ENGINE", "SERIALIZER_VERSION", "SNAPSHOT_MAX_CHARS", "SPIFF_VERSION",
    "START_FORM_PREFIX", "CompletedTask", "ParsedDefinition", "PendingTimer", "ReadyTask", "TaskInfo", "TaskKey",
    "canonical_json", "canonical_state", "canonical_state_text", "cancel", "check_data_size", "check_timer_expression",
    "clear_spec_cache", "clock", "complete_user_task", "completed_tasks", "describe_task", "dumps",
    "evaluate_expression", "find_ready_task", "is_completed", "loads", "node_states", "parse_definition", "parse_xml",
    "pending_timers", "ready_user_tasks", "refresh_timers", "send_message", "sources_sha256", "start_workflow",
    "state_hash", "task_data", "task_key", "validate_form_data", "validate_start_data", "workflow_data",
]  # fmt: skip

# --------------------------------------------------------------------------------------------
# Serialization: instance only; the spec comes from the cache by sha256
# --------------------------------------------------------------------------------------------


class _InstanceOnlyConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["spec_ref"] = workflow.spec_sha256
        if history.enabled(workflow):
            dct["prune_history"] = True
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        parsed = _SPEC_CACHE[dct.pop("spec_ref")]
        workflow = self.target_class(parsed.spec, parsed.subprocess_specs, deserializing=True)
        workflow.spec_sha256 = parsed.sha256
        workflow.prune_history = bool(dct.pop("prune_history", False))
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_config = dict(SPIFF_CONFIG)
_config[BpmnWorkflow] = _InstanceOnlyConverter
_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config))
SERIALIZER_VERSION: str = _SERIALIZER.VERSION
_SERIALIZER.registry.register(Decimal, lambda v: {"value": str(v)}, lambda d: Decimal(d["value"]))
_SERIALIZER.registry.register(date, lambda v: {"value": v.isoformat()}, lambda d: date.fromisoformat(d["value"]))


SNAPSHOT_MAX_CHARS = 16_000_000  # one case's saved workflow state
DATA_MAX_CHARS = 1_000_000  # data submitted with one input (a form, the start, a message)


def dumps(workflow: BpmnWorkflow) -> str:
    """Serialize a workflow's instance state (no spec) to JSON.

    Raises:
        SnapshotTooLarge: the state is above the cap; nothing may save it.
    """
    text = _SERIALIZER.serialize_json(workflow)
    if len(text) > SNAPSHOT_MAX_CHARS:
        raise exc.SnapshotTooLarge(size=len(text), limit=SNAPSHOT_MAX_CHARS)
    return text


def check_data_size(data: Any) -> None:
    """Refuse submitted data above the cap, before anything parses, runs or saves it.

    Raises:
        DataTooLarge.
    """
    size = sandbox.estimate_size(data, DATA_MAX_CHARS)
    if size > DATA_MAX_CHARS:
        raise exc.DataTooLarge(size=size, limit=DATA_MAX_CHARS)


def loads(workflow_json: str, parsed: ParsedDefinition) -> BpmnWorkflow:
    """Restore a workflow saved by `dumps`, with the sandboxed script engine re-attached."""
    with _SPEC_LOCK:
        _SPEC_CACHE.setdefault(parsed.sha256, parsed)
    dct = json.loads(workflow_json)
    if dct.get("spec_ref") != parsed.sha256:
        raise exc.DefinitionMismatch(expected=parsed.sha256, actual=str(dct.get("spec_ref")))
    _SERIALIZER.migrate(dct)
    workflow = _SERIALIZER.from_dict(dct)
    workflow.script_engine = SCRIPT_ENGINE  # not serialized; re-attach on every load
    return workflow
