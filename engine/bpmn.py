"""The one module that imports SpiffWorkflow: parses specs, runs tasks, (de)serializes workflows.

Everything else in the project sees only the small typed facade below. Three rules hold here:

* no wall clock: every function that can run the engine takes ``now`` and installs it as the
  clock SpiffWorkflow's timer code reads (a context variable, so threads do not share it);
* scripts and conditions inside BPMN run under RestrictedPython, re-attached after every load;
* the workflow is serialized without its spec (the spec is cached by the sha256 of its sources).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from uuid import UUID

import jsonschema
from django.utils.translation import gettext as _
import SpiffWorkflow.bpmn.specs.event_definitions.timer as _timer_module
from lxml import etree
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask as _UserTaskMixin
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException, WorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from SpiffWorkflow.version import __version__ as _spiff_version

from engine import exceptions as exc
from engine import form_messages, history, sandbox

SPIFF_VERSION: str = _spiff_version
FORM_SUFFIX = ".schema.json"

# --------------------------------------------------------------------------------------------
# Clock: SpiffWorkflow's timer module calls datetime.now(); we answer with the injected time.
# --------------------------------------------------------------------------------------------

_NOW: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("engine_now", default=None)


class _InjectedDatetime(datetime):
    """`datetime` whose now() is the clock installed by `clock()`; never the wall clock."""

    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        current = _NOW.get()
        if current is None:
            raise exc.ClockNotSet()
        return current if tz is None else current.astimezone(tz)


_timer_module.datetime = _InjectedDatetime  # type: ignore[attr-defined]


@contextlib.contextmanager
def clock(now: datetime) -> Iterator[None]:
    """Run the engine as of `now` (an aware datetime)."""
    if now.tzinfo is None:
        raise ValueError("the engine clock needs an aware datetime")
    token = _NOW.set(now.astimezone(UTC))
    try:
        yield
    finally:
        _NOW.reset(token)


# --------------------------------------------------------------------------------------------
# Script sandbox: RestrictedPython plus the load-time policy and run-time budgets (engine/sandbox)
# --------------------------------------------------------------------------------------------


def _compile(source: str, mode: str) -> Any:
    try:
        return sandbox.compile_checked(source, mode)
    except sandbox.PolicyError as error:
        raise SyntaxError(str(error)) from error


class _RestrictedEnvironment(TaskDataEnvironment):
    """Evaluates BPMN expressions and scripts compiled by RestrictedPython with guarded access,
    each under the sandbox's step, time and memory budgets."""

    def evaluate(self, expression, context, external_context=None):
        code = _compile(expression, "eval")
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        with sandbox.bounded():
            return eval(code, scope)  # noqa: S307 - restricted bytecode

    def execute(self, script, context, external_context=None):
        code = _compile(script, "exec")
        self.check_for_overwrite(context, external_context or {})
        context.update(self.globals)
        context.update(external_context or {})
        try:
            with sandbox.bounded():
                exec(code, context)  # noqa: S102 - restricted bytecode
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        size = sandbox.estimate_size(context, sandbox.LIMITS.data_chars)
        if size > sandbox.LIMITS.data_chars:
            raise sandbox.Exceeded("size", f"task data of about {size} characters (at most {sandbox.LIMITS.data_chars})")
        return True


SCRIPT_ENGINE = PythonScriptEngine(environment=_RestrictedEnvironment(sandbox.sandbox_globals()))


def evaluate_expression(expression: str, data: Mapping[str, Any]) -> Any:
    """Evaluate a BPMN expression in the sandbox (used by checks; the engine uses it implicitly).

    Raises:
        ScriptBudgetExceeded: it ran out of a budget; SyntaxError: the policy refuses it.
    """
    try:
        return SCRIPT_ENGINE.environment.evaluate(expression, dict(data))
    except sandbox.Exceeded as stopped:
        raise exc.ScriptBudgetExceeded(kind=stopped.kind, detail=stopped.detail) from None


# --------------------------------------------------------------------------------------------
# Definitions: sources -> parsed spec (cached by sha256)
# --------------------------------------------------------------------------------------------


def sources_sha256(sources: Mapping[str, str]) -> str:
    """sha256 of a definition's sources (file name -> text), independent of dict order."""
    canonical = json.dumps(dict(sorted(sources.items())), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TaskInfo:
    """What the rest of the system needs to know about one user task of a definition."""

    bpmn_id: str
    name: str
    lane: str | None
    process_id: str
    form: str | None
    properties: Mapping[str, str]
    multi_instance: bool


@dataclass(frozen=True)
class ParsedDefinition:
    sha256: str
    process_id: str
    spec: Any
    subprocess_specs: Mapping[str, Any]
    forms: Mapping[str, Mapping[str, Any]]
    user_tasks: Mapping[str, TaskInfo]
    timer_expressions: tuple[tuple[str, str], ...] = field(default=())
    clock_pausing_timers: frozenset[str] = field(default=frozenset())  # timers with property pauses_clock


_SPEC_CACHE: dict[str, ParsedDefinition] = {}
_SPEC_LOCK = threading.Lock()

_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
    remove_comments=False,
)  # fmt: skip


def parse_xml(text: str | bytes, *, filename: str) -> Any:
    """Parse BPMN XML with a hardened parser: no DTD, no entities, no network."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    try:
        tree = etree.fromstring(raw, parser=_XML_PARSER)
    except etree.XMLSyntaxError as error:
        raise exc.DefinitionInvalid(filename=filename, line=error.lineno, message=str(error)) from error
    docinfo = tree.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise exc.DefinitionInvalid(filename=filename, line=1, message="DOCTYPE/DTD is not allowed in BPMN files")
    return tree


def parse_definition(sources: Mapping[str, str], process_id: str) -> ParsedDefinition:
    """Parse (or fetch from the cache) the spec of `process_id` from its sources.

    Raises:
        DefinitionInvalid: a file is not well-formed, fails the BPMN 2.0 XSD, a form is not a
            valid JSON Schema, a task names a missing form, or the process is missing.
    """
    sha = sources_sha256(sources)
    cached = _SPEC_CACHE.get(sha)
    if cached is not None and cached.process_id == process_id:
        return cached
    parsed = _parse_uncached(sources, process_id, sha)
    with _SPEC_LOCK:
        _SPEC_CACHE[sha] = parsed
    return parsed


def clear_spec_cache() -> None:
    """Forget every parsed spec."""
    with _SPEC_LOCK:
        _SPEC_CACHE.clear()
    _VALIDATORS.clear()


def _parse_uncached(sources: Mapping[str, str], process_id: str, sha: str) -> ParsedDefinition:
    parser = SpiffBpmnParser(validator=VALIDATOR)
    forms: dict[str, Mapping[str, Any]] = {}
    for filename, text in sorted(sources.items()):
        if filename.endswith(FORM_SUFFIX):
            forms[filename.rsplit("/", 1)[-1][: -len(FORM_SUFFIX)]] = _load_form(filename, text)
        elif filename.endswith(".bpmn"):
            tree = parse_xml(text, filename=filename)
            try:
                parser.add_bpmn_xml(tree, filename=filename)
            except ValidationException as error:
                raise exc.DefinitionInvalid(
                    filename=error.file_name or filename, line=error.line_number or None, message=str(error)
                ) from error
        else:
            raise exc.DefinitionInvalid(filename=filename, line=None, message="unknown kind of source file")
    try:
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except ValidationException as error:
        raise exc.DefinitionInvalid(
            filename=error.file_name or "", line=error.line_number or None, message=str(error)
        ) from error
    except (SpiffWorkflowException, KeyError) as error:
        raise exc.DefinitionInvalid(filename="", line=None, message=str(error)) from error
    user_tasks: dict[str, TaskInfo] = {}
    timers: list[tuple[str, str]] = []
    pausing: set[str] = set()
    for proc_spec in [spec, *subprocess_specs.values()]:
        _check_scripts(proc_spec)
        _prewire_event_subprocesses(proc_spec)
        _prewire_multi_instance(proc_spec)
        for task_spec in proc_spec.task_specs.values():
            event_definition = getattr(task_spec, "event_definition", None)
            expression = getattr(event_definition, "expression", None)
            if expression is not None and isinstance(event_definition, TimerEventDefinition):
                timers.append((task_spec.bpmn_id or task_spec.name, expression))
                if (task_spec.extensions.get("properties") or {}).get("pauses_clock") == "true":
                    pausing.add(task_spec.bpmn_id or task_spec.name)
            if not isinstance(task_spec, _UserTaskMixin) or task_spec.bpmn_id is None:
                continue
            properties = dict(task_spec.extensions.get("properties", {}) or {})
            form = properties.get("form")
            if form is not None and form not in forms:
                raise exc.DefinitionInvalid(
                    filename=proc_spec.file or "", line=None,
                    message=f"user task {task_spec.bpmn_id} names form {form!r}, which is not among the sources",
                )  # fmt: skip
            user_tasks.setdefault(
                task_spec.bpmn_id,
                TaskInfo(
                    bpmn_id=task_spec.bpmn_id, name=task_spec.bpmn_name or task_spec.bpmn_id, lane=task_spec.lane,
                    process_id=proc_spec.name, form=form, properties=properties,
                    multi_instance=isinstance(task_spec, MultiInstanceTask),
                ),
            )  # fmt: skip
    return ParsedDefinition(
        sha256=sha, process_id=process_id, spec=spec, subprocess_specs=subprocess_specs, forms=forms,
        user_tasks=user_tasks, timer_expressions=tuple(sorted(timers)), clock_pausing_timers=frozenset(pausing),
    )  # fmt: skip


def _script_sources(proc_spec: Any) -> Iterator[tuple[str, str, str]]:
    """(BPMN id, source, mode) of every script and condition the spec can evaluate."""
    completion = getattr(proc_spec, "completion_condition", None)
    if isinstance(completion, str) and completion.strip():
        yield proc_spec.name, completion, "eval"
    for task_spec in proc_spec.task_specs.values():
        where = task_spec.bpmn_id or task_spec.name
        for name in ("script", "prescript", "postscript"):
            text = getattr(task_spec, name, None)
            if isinstance(text, str) and text.strip():
                yield where, text, "exec"
        for condition, _output in getattr(task_spec, "cond_task_specs", None) or []:
            if condition is not None and condition.args and isinstance(condition.args[0], str):
                yield where, condition.args[0], "eval"
        for name in ("condition", "cardinality"):  # multi-instance and standard loops
            text = getattr(task_spec, name, None)
            if isinstance(text, str) and text.strip():
                yield where, text, "eval"
        definition = getattr(task_spec, "event_definition", None)
        for event in [definition, *(getattr(definition, "event_definitions", None) or [])]:
            text = getattr(event, "expression", None)
            if isinstance(text, str) and text.strip():
                yield where, text, "eval"
            for prop in getattr(event, "correlation_properties", None) or []:
                text = getattr(prop, "retrieval_expression", None)
                if isinstance(text, str) and text.strip():
                    yield where, text, "eval"


def _check_scripts(proc_spec: Any) -> None:
    """Compile every script and condition against the sandbox's policy (docs/script-policy.md).

    Raises:
        ScriptNotAllowed: one does not compile or breaks the policy.
    """
    for where, source, mode in _script_sources(proc_spec):
        try:
            sandbox.compile_checked(source, mode)
        except sandbox.PolicyError as error:
            raise exc.ScriptNotAllowed(filename=proc_spec.file or "", task=where, problems=error.problems) from error


def _prewire_event_subprocesses(proc_spec: Any) -> None:
    """Wire message-started event subprocesses into the spec once, at parse time.

    SpiffWorkflow connects such a subprocess to the start task the first time its message
    arrives (``BpmnStartTask.trigger_wf``), mutating the shared, cached spec: every workflow
    created afterwards would then predict a different task tree, and replay in a fresh process
    would diverge. Marking the start task as an input (without adding an output, so nothing is
    predicted; the parser already joins the subprocess to the end) makes that branch a no-op.
    """
    start = getattr(proc_spec, "start", None)
    for name in getattr(start, "trigger_specs", []):
        trigger = proc_spec.task_specs[name]
        if start not in trigger.inputs:
            trigger.inputs = [*trigger.inputs, start]  # a property over names; assign, don't append


def _prewire_multi_instance(proc_spec: Any) -> None:
    """Connect each multi-instance task's child spec to its merge handler once, at parse time.

    SpiffWorkflow connects it when it creates the first child (``create_child``): state kept on
    the spec, not in the serialized workflow. A workflow loaded into a freshly parsed spec (a new
    process, a worker, replay) would then never merge its instances and stall in the vote.
    """
    for task_spec in list(proc_spec.task_specs.values()):
        if isinstance(task_spec, MultiInstanceTask):
            child = proc_spec.task_specs[task_spec.task_spec]
            if not child.completed_event.is_connected(task_spec.merge_child):
                child.completed_event.connect(task_spec.merge_child)


def _load_form(filename: str, text: str) -> Mapping[str, Any]:
    try:
        schema = json.loads(text)
        jsonschema.Draft202012Validator.check_schema(schema)
    except (ValueError, jsonschema.SchemaError) as error:
        raise exc.DefinitionInvalid(filename=filename, line=getattr(error, "lineno", None), message=str(error)) from error
    return schema


def validate_form_data(parsed: ParsedDefinition, bpmn_id: str, data: Mapping[str, Any]) -> None:
    """Check submitted data against the task's JSON Schema form.

    Raises:
        InvalidTaskData: with one message per offending field.
    """
    info = parsed.user_tasks.get(bpmn_id)
    if info is None or info.form is None:
        if data:
            raise exc.InvalidTaskData(fields={form_messages.ROOT: [_("该环节不填写表单数据")]})
        return
    _check_form(parsed, info.form, data)


START_FORM_PREFIX = "start_"


def validate_start_data(parsed: ParsedDefinition, data: Mapping[str, Any]) -> None:
    """Check a case's start data against its process's start form (`start_<process id>`), if any.

    Raises:
        InvalidTaskData: with one message per offending field.
    """
    if START_FORM_PREFIX + parsed.process_id in parsed.forms:
        _check_form(parsed, START_FORM_PREFIX + parsed.process_id, data)


def _check_form(parsed: ParsedDefinition, form: str, data: Mapping[str, Any]) -> None:
    validator = _validator_for(parsed.sha256, form, parsed.forms[form])
    errors = form_messages.field_errors(validator.iter_errors(dict(data)), root=parsed.forms[form])
    if errors:
        raise exc.InvalidTaskData(fields=errors)


_VALIDATORS: dict[tuple[str, str], jsonschema.protocols.Validator] = {}


def _validator_for(sha: str, form: str, schema: Mapping[str, Any]) -> Any:
    key = (sha, form)
    validator = _VALIDATORS.get(key)
    if validator is None:
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        _VALIDATORS[key] = validator
    return validator


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


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Canonical state (for the audit chain's state hash and replay comparison)
# --------------------------------------------------------------------------------------------


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


def check_timer_expression(expression: str, context: Mapping[str, Any]) -> str:
    """Evaluate a timer expression in the sandbox with `context` and parse it as SpiffWorkflow
    would (ISO 8601 date, duration or cycle). Returns the value; raises ValueError if it does not
    resolve."""
    try:
        value = SCRIPT_ENGINE.environment.evaluate(expression, dict(context))
    except (Exception, sandbox.Exceeded) as error:  # any failure means: does not resolve
        raise ValueError(f"{expression!r} does not evaluate: {error}") from error
    if isinstance(value, datetime):
        return value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"{expression!r} gives {type(value).__name__}, not an ISO 8601 string")
    try:
        if value.upper().startswith("R"):
            TimerEventDefinition.parse_iso_recurring_interval(value)
        elif value.upper().startswith("P"):
            TimerEventDefinition.parse_iso_duration(value)
        else:
            TimerEventDefinition.get_datetime(value)
    except (ValueError, TypeError, AttributeError) as error:
        raise ValueError(f"{expression!r} gives {value!r}, not ISO 8601: {error}") from error
    return value
