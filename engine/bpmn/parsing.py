"""Definitions: sources -> parsed spec (cached by the sha256 of the sources), and forms."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import jsonschema
from django.utils.translation import gettext as _
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask as _UserTaskMixin
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine import exceptions as exc
from engine import form_messages, sandbox

FORM_SUFFIX = ".schema.json"


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
        raise exc.DefinitionInvalid(
            filename=filename, line=getattr(error, "lineno", None), message=str(error)
        ) from error
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
