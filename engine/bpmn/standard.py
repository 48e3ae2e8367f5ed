"""Standard executable BPMN from other modelers (Camunda 7/8, bpmn.io, MIWG exports), normalised
into the form SpiffWorkflow evaluates before it parses the XML, with a report per element.

What is rewritten (each listed in the report as ``translated_expression`` or ``external_task``):

* timers written as literal ISO 8601 (timeDate ``2026-12-01T09:00:00Z``, timeDuration ``P7D``,
  timeCycle ``R6/P1D``, ``R/PT1H``, ``R3/2026-12-01T09:00:00Z/P1D``) become Python string literals,
  which is what SpiffWorkflow evaluates; the engine's own timers (Python expressions such as
  ``notice_end`` or ``"P7D"``) are left as they are;
* JUEL (``${...}``, ``#{...}``) and FEEL (``= ...``) conditions, timers, cardinalities and completion
  conditions become Python through engine/bpmn/expressions.py (a safe subset, then the script policy);
* service, send and business-rule tasks left to an external job worker (``camunda:type="external"``,
  ``camunda:class``/``expression``/``delegateExpression``, ``zeebe:taskDefinition``) or with no
  implementation at all become manual tasks: the engine calls no outside system, so the step shows
  up as a work item and a person does it (sends the mail, calls the service) and completes it;
* data store references (no data store is implemented) are dropped with their associations.

What is refused (severity ``error``; nothing is stored): processes marked ``isExecutable="false"``
(``not_executable``), sources without any executable process (``no_executable_process``),
expressions outside the subset or in another language (``unsupported_expression``), events nothing
can deliver (``unsupported_event``), and tasks that need a DMN engine, another script language or
a multi-instance input the engine does not read (``unsupported_task``).

A file nothing changes in keeps its exact text, so the engine's own definitions keep their sha256.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine import exceptions as exc
from engine import sandbox
from engine.bpmn import expressions
from engine.bpmn.parsing import parse_xml
from engine.bpmn.scripting import clock

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
ZEEBE = "http://camunda.org/schema/zeebe/1.0"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"

ERROR, WARNING, INFO = "error", "warning", "info"

# code -> severity and the reason (Chinese source, English in locale/en/LC_MESSAGES/django.po)
REASONS: dict[str, tuple[str, str]] = {
    "not_executable": (ERROR, gettext_noop("流程标记为 isExecutable=\"false\"（仅供记录的模型），不载入")),
    "no_executable_process": (
        ERROR, gettext_noop("源文件中没有可执行的流程（每个流程都标记为 isExecutable=\"false\"）")
    ),
    "unsupported_expression": (ERROR, gettext_noop("表达式无法在本引擎运行：%(expression)s（%(why)s）")),
    "unsupported_event": (ERROR, gettext_noop("事件无法在本引擎触发：%(why)s")),
    "unsupported_task": (ERROR, gettext_noop("任务无法在本引擎执行：%(why)s")),
    "external_task": (WARNING, gettext_noop(
        "由外部作业执行的任务（%(how)s）：本引擎不调用外部系统，该环节作为人工环节载入，由办理人在系统外完成后办结"
    )),
    "ignored_extension": (WARNING, gettext_noop("扩展 %(extension)s 不被执行（变量映射不生效）")),
    "data_store_ignored": (WARNING, gettext_noop("数据存储引用“%(name)s”未实现，已连同其数据关联一并忽略")),
    "translated_expression": (INFO, gettext_noop("表达式 %(expression)s 按 %(dialect)s 转换为 %(python)s")),
}  # fmt: skip


@dataclass(frozen=True)
class Finding:
    """One element the engine runs differently or cannot run."""

    code: str
    severity: str
    bpmn_id: str
    kind: str  # the element's BPMN name, e.g. sequenceFlow, boundaryEvent, sendTask
    process_id: str
    filename: str
    reason_zh: str
    reason_en: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Normalised:
    sources: dict[str, str]
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    def raise_for_errors(self) -> None:
        """Raises: DefinitionNotRunnable, listing every error finding."""
        errors = self.errors
        if errors:
            files = sorted({f.filename for f in errors})
            raise exc.DefinitionNotRunnable(filename="、".join(files), findings=[f.as_dict() for f in errors])


def _reason(code: str, params: Mapping[str, Any], language: str) -> str:
    with translation.override(language):
        text = _(REASONS[code][1])
        return text % dict(params) if params else text


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


_PARTS = {"timeDate", "timeDuration", "timeCycle", "condition", "loopCardinality", "completionCondition",
          "extensionElements"}  # fmt: skip


def _is_part(element: Any) -> bool:
    local = _local(element)
    return local in _PARTS or local.endswith(("EventDefinition", "Expression", "LoopCharacteristics"))


def _q(name: str, ns: str = BPMN) -> str:
    return f"{{{ns}}}{name}"


# --------------------------------------------------------------------------------------------
# ISO 8601 timer literals, as SpiffWorkflow 3.2.0 parses them (event_definitions/timer.py)
# --------------------------------------------------------------------------------------------

_DATE = r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DURATION = r"P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:[.,]\d+)?S)?)?"
_ISO = {
    "timeDate": re.compile(rf"^{_DATE}$"),
    "timeDuration": re.compile(rf"^{_DURATION}$"),
    "timeCycle": re.compile(rf"^R\d*/(?:{_DATE}|{_DURATION})(?:/(?:{_DATE}|{_DURATION}))?$"),
}
_ANY_ISO = re.compile(rf"^(?:R\d*/.*|{_DURATION}|{_DATE})$")
_PROBE_TIME = datetime(2026, 1, 1, tzinfo=UTC)  # cycles of a bare duration start "now": any fixed time


def iso_timer_literal(kind: str, text: str) -> bool:
    """Whether `text` is a literal ISO 8601 value of the timer kind (timeDate, timeDuration,
    timeCycle) that SpiffWorkflow parses."""
    if not _ISO[kind].match(text):
        return False
    try:
        with clock(_PROBE_TIME):
            if kind == "timeDate":
                TimerEventDefinition.get_datetime(text)
            elif kind == "timeDuration":
                TimerEventDefinition.parse_iso_duration(text)
            else:
                TimerEventDefinition.parse_iso_recurring_interval(text)
    except Exception:  # noqa: BLE001 - SpiffWorkflow raises bare Exception for bad values
        return False
    return True


# --------------------------------------------------------------------------------------------
# The walk
# --------------------------------------------------------------------------------------------

_PYTHON_LANGUAGES = {"", "python", "python3", "text/x-python"}
_EL_LANGUAGES = {"juel", "feel", "http://www.omg.org/spec/feel/20140401", "https://www.omg.org/spec/dmn/20191111/feel/"}
_TASKS_FOR_WORKERS = {"serviceTask", "sendTask", "businessRuleTask"}
_DROP_ON_MANUAL = ("implementation", "messageRef", "operationRef")


class _Walk:
    def __init__(self, filename: str, process_id: str) -> None:
        self.filename, self.process_id = filename, process_id
        self.findings: list[Finding] = []
        self.changed = False

    def add(self, code: str, element: Any, **params: Any) -> None:
        owner = element  # the flow element the part belongs to (a sequence flow, an event, a task)
        while owner is not None and (owner.get("id") is None or _is_part(owner)):
            owner = owner.getparent()
        self.findings.append(Finding(
            code=code, severity=REASONS[code][0], bpmn_id=(owner.get("id") if owner is not None else "") or "",
            kind=_local(owner) if owner is not None else _local(element), process_id=self.process_id,
            filename=self.filename, reason_zh=_reason(code, params, "zh-hans"), reason_en=_reason(code, params, "en"),
        ))  # fmt: skip

    # ---- expressions

    def expression(self, element: Any, *, timer: str | None = None) -> None:
        """Normalise one expression element (a condition, timer, cardinality, completion condition)."""
        text = (element.text or "").strip()
        if not text:
            return
        if timer is not None and iso_timer_literal(timer, text):  # a literal, whatever the language
            self.rewrite(element, json.dumps(text), text, "ISO 8601")
            return
        language = (element.get("language") or "").strip().lower()
        if language and language not in _PYTHON_LANGUAGES | _EL_LANGUAGES:
            self.add("unsupported_expression", element, expression=text, why=f"language {language!r}")
            return
        if timer is not None and _ANY_ISO.match(text):
            self.add("unsupported_expression", element, expression=text, why=f"not an ISO 8601 value for {timer}")
            return
        found = expressions.dialect_of(text)
        if found is not None:
            try:
                python = expressions.translate(text)
            except expressions.Untranslatable as error:
                self.add("unsupported_expression", element, expression=text, why=str(error))
                return
            self.rewrite(element, python, text, found[0].upper())
            return
        try:
            sandbox.compile_checked(text, "eval")
        except sandbox.PolicyError as error:
            self.add("unsupported_expression", element, expression=text, why="; ".join(error.problems))

    def rewrite(self, element: Any, python: str, original: str, dialect: str) -> None:
        element.text = python
        self.changed = True
        self.add("translated_expression", element, expression=original, dialect=dialect, python=python)

    def timer(self, definition: Any) -> None:
        for kind in ("timeDate", "timeDuration", "timeCycle"):
            child = definition.find(_q(kind))
            if child is not None and (child.text or "").strip():
                self.expression(child, timer=kind)
                return
        self.add("unsupported_event", definition, why="timer without timeDate, timeDuration or timeCycle")

    # ---- tasks

    @staticmethod
    def worker(task: Any) -> str | None:
        """How an external system runs the task, or None."""
        said = [f"camunda:{a}={task.get(_q(a, CAMUNDA))}" for a in ("type", "topic", "class", "expression",
                "delegateExpression") if task.get(_q(a, CAMUNDA))]  # fmt: skip
        if said:
            return " ".join(said)
        definition = task.find(f"{_q('extensionElements')}/{_q('taskDefinition', ZEEBE)}")
        if definition is not None:
            return f"zeebe:taskDefinition type={definition.get('type', '')}"
        return None

    def task(self, task: Any) -> None:
        local, worker = _local(task), self.worker(task)
        if local == "scriptTask":
            language = (task.get("scriptFormat") or "").strip().lower()
            if language not in _PYTHON_LANGUAGES:
                self.add("unsupported_task", task, why=f"script language {language!r} (only Python scripts run)")
            elif task.find(f"{_q('extensionElements')}/{_q('script', ZEEBE)}") is not None:
                self.add("unsupported_task", task, why="zeebe:script (a FEEL script) is not run")
            return
        if local not in _TASKS_FOR_WORKERS:
            return
        if task.find(f"{_q('extensionElements')}/{_q('serviceTaskOperator', SPIFF)}") is not None:
            return  # SpiffWorkflow's own service task
        if local == "sendTask" and task.get("messageRef") and worker is None:
            return  # the message is thrown inside the engine
        if local == "businessRuleTask" and worker is None:
            decision = task.get(_q("decisionRef", CAMUNDA)) or task.find(
                f"{_q('extensionElements')}/{_q('calledDecision', ZEEBE)}"
            )
            if decision is not None:
                self.add("unsupported_task", task, why="a DMN decision (no decision engine is loaded)")
                return
        self.add("external_task", task, how=worker or f"{local} without implementation")
        task.tag = _q("manualTask")
        for attribute in _DROP_ON_MANUAL:
            task.attrib.pop(attribute, None)
        self.changed = True

    def loop(self, loop: Any) -> None:
        for child in (loop.find(_q("loopCardinality")), loop.find(_q("completionCondition"))):
            if child is not None:
                self.expression(child)
        if (
            loop.find(_q("loopCardinality")) is None
            and loop.find(_q("loopDataInputRef")) is None
            and _local(loop) == "multiInstanceLoopCharacteristics"
        ):
            self.add("unsupported_task", loop, why="multi-instance without loopCardinality or loopDataInputRef")

    # ---- the process

    def process(self, process: Any) -> None:
        stores = {e.get("id"): e for e in process.iter(_q("dataStoreReference"))}
        for element in list(process.iter()):
            local = _local(element)
            if local in ("conditionExpression", "condition"):
                self.expression(element)
            elif local == "timerEventDefinition":
                self.timer(element)
            elif local.endswith("LoopCharacteristics"):
                self.loop(element)
            elif local.endswith("Task"):
                self.task(element)
            elif local == "messageEventDefinition" and not element.get("messageRef"):
                parent = element.getparent()
                if _local(parent) in ("startEvent", "intermediateCatchEvent", "boundaryEvent"):
                    self.add("unsupported_event", element, why="message event without messageRef")
            elif local == "receiveTask" and not element.get("messageRef"):
                self.add("unsupported_event", element, why="receive task without messageRef")
            elif local == "callActivity" and not element.get("calledElement"):
                self.called_element(element)
            elif element.tag in (_q("ioMapping", ZEEBE), _q("inputOutput", CAMUNDA)):
                self.add("ignored_extension", element.getparent(), extension=etree.QName(element).localname)
        if stores:
            self.drop_data_stores(process, stores)

    def called_element(self, call: Any) -> None:
        target = call.find(f"{_q('extensionElements')}/{_q('calledElement', ZEEBE)}")
        process_id = (target.get("processId") or "").strip() if target is not None else ""
        if process_id and not process_id.startswith("="):
            call.set("calledElement", process_id)
            self.changed = True
            self.add("translated_expression", call, expression=f"zeebe:calledElement {process_id}", dialect="Zeebe",
                     python=f'calledElement="{process_id}"')  # fmt: skip
        else:
            self.add("unsupported_task", call, why="call activity without calledElement")

    def drop_data_stores(self, process: Any, stores: Mapping[str, Any]) -> None:
        for association in list(process.iter(_q("dataInputAssociation"), _q("dataOutputAssociation"))):
            ends = {(e.text or "").strip() for e in association if _local(e) in ("sourceRef", "targetRef")}
            if ends & set(stores):
                association.getparent().remove(association)
        for store in stores.values():
            self.add("data_store_ignored", store, name=store.get("name") or store.get("id"))
            store.getparent().remove(store)
        self.changed = True


def _processes(tree: Any) -> Iterator[Any]:
    yield from tree.iter(_q("process"))


def normalise(sources: Mapping[str, str], process_id: str | None = None) -> Normalised:
    """Rewrite the standard parts of the .bpmn `sources` the engine can run and report the rest.

    `process_id`: the process to be loaded (a non-executable one among others is a warning only;
    the one asked for is an error). Files with nothing to rewrite keep their exact text.

    Raises:
        DefinitionInvalid: a file is not well-formed XML or carries a DTD.
    """
    result = Normalised(sources=dict(sources))
    executable = 0
    definitions_seen: list[tuple[str, Any]] = []
    for filename, text in sorted(sources.items()):
        if not filename.endswith(".bpmn"):
            continue
        tree = parse_xml(text, filename=filename)
        definitions_seen.append((filename, tree))
        changed = False
        for process in _processes(tree):
            walk = _Walk(filename, process.get("id") or "")
            if (process.get("isExecutable") or "").strip().lower() == "false":
                walk.add("not_executable", process)
                if process.get("id") != process_id:
                    walk.findings[-1] = _as_warning(walk.findings[-1])
            else:
                executable += 1
                walk.process(process)
            result.findings.extend(walk.findings)
            changed = changed or walk.changed
        if changed:
            rewritten = etree.tostring(tree.getroottree(), xml_declaration=True, encoding="UTF-8")
            result.sources[filename] = rewritten.decode("utf-8")
    if definitions_seen and not executable:
        filename, tree = definitions_seen[0]
        walk = _Walk(filename, process_id or "")
        walk.add("no_executable_process", tree)
        result.findings.extend(walk.findings)
    return result


def _as_warning(finding: Finding) -> Finding:
    data = finding.as_dict()
    data["severity"] = WARNING
    return Finding(**data)
