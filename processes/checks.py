"""Checks of every power on the list: legal basis, process, lanes and forms, paths, timers.

The path check moves a token through the process graph (sequence flows, boundary events,
call activities into their blocks, event subprocesses) and explores every gateway outcome: each
must be able to reach an end event, and every flow node must be reachable from a start.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from diagrams import BpmnParseError, parse_bpmn
from engine import bpmn
from engine import exceptions as exc
from processes.bpmn_build.sources import definition_sources, power_file
from processes.models import Position, Power, Responsibility
from processes.procedures import Procedure, procedures

PROCEDURE_CATEGORY = "制度程序"

# stages the law does not count against the time limit (行政许可法 art. 45; DOMAIN.md §7): the
# form of the task that waits, or the timer, of each; each must pause the clock (pauses_clock)
UNCOUNTED_FORMS = {
    "acceptance_resubmission": "等待补正材料", "review_supplement": "等待补充材料", "hearing_record": "听证",
    "county_result": "县级审批", "correction_check": "当事人限期改正", "self_demolition_check": "当事人限期自行拆除",
}  # fmt: skip
UNCOUNTED_TIMERS = {"notice_period": "公示期", "remedy_period": "复议、诉讼期限"}
# values the rules compute (engine/computed.py): a form may show them read-only, never ask for them
COMPUTED_FIELDS = ("notice_start", "notice_end", "expected_members", "quorum_fraction", "pass_fraction",
                   "first_responder", "host", "received_at", "correction_notice_deadline")  # fmt: skip
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
SAMPLE_VALUES = {"date-time": "2026-10-08T09:00:00+08:00", "date": "2026-10-08"}


@dataclass
class PowerCheck:
    code: str
    name: str
    category: str
    problems: list[str] = field(default_factory=list)
    user_tasks: int = 0
    gateways: int = 0
    outcomes: int = 0
    timers: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def check_power(power: Power) -> PowerCheck:
    result = PowerCheck(power.code, power.name, power.category.name)
    if not power.legal_bases.exists():
        result.problems.append("缺少实施依据")
    return _check_process(power.process_id, result)


def check_procedure(procedure: Procedure) -> PowerCheck:
    """The same checks for a procedure of the institutions (三重一大, 四议两公开, 问责, 四谈话), plus
    its catalog entry: legal bases, starting positions, responsibility items, risk-point nodes."""
    result = PowerCheck(procedure.code, procedure.name, PROCEDURE_CATEGORY)
    if not procedure.legal_bases:
        result.problems.append("缺少依据")
    codes = set(Position.objects.values_list("code", flat=True))
    unknown = [p for p in procedure.starters if p not in codes]
    if not procedure.starters or unknown:
        result.problems.append(f"发起岗位缺失或不存在：{unknown or '无'}")
    unlisted = [c for c in procedure.serves_powers if not Power.objects.filter(code=c, is_active=True).exists()]
    if unlisted:
        result.problems.append(f"serves_powers 中的权力不在现行清单：{unlisted}")
    missing = [c for c in procedure.responsibilities if not Responsibility.objects.filter(code=c).exists()]
    if missing:
        result.problems.append(f"责任事项不存在：{missing}")
    _check_process(procedure.process_id, result)
    try:
        model = parse_bpmn(power_file(procedure.process_id).read_text(encoding="utf-8"))
        nodes = {n.id for n in model.process(procedure.process_id).nodes}
    except (OSError, KeyError, BpmnParseError):
        return result
    for risk in procedure.risk_points:
        if risk.get("node") not in nodes:
            result.problems.append(f"风险点的环节 {risk.get('node')} 不在流程中")
    return result


def _check_process(process_id: str, result: PowerCheck) -> PowerCheck:
    try:
        sources = definition_sources(process_id)
    except (OSError, KeyError) as error:
        result.problems.append(f"找不到流程文件：{error}")
        return result
    try:
        parsed = bpmn.parse_definition(sources, process_id)
    except exc.DefinitionInvalid as error:
        result.problems.append(str(error))
        return result
    _check_tasks(parsed, result)
    _check_clock(parsed, result)
    _check_computed_fields(parsed, result)
    _check_paths(sources, process_id, result)
    _check_timers(parsed, result)
    return result


def _check_tasks(parsed: bpmn.ParsedDefinition, result: PowerCheck) -> None:
    positions = set(Position.objects.values_list("name", flat=True)) | set(Position.objects.values_list("code", flat=True))
    result.user_tasks = len(parsed.user_tasks)
    for info in parsed.user_tasks.values():
        if not info.lane:
            result.problems.append(f"用户任务 {info.bpmn_id} 不在任何泳道")
        elif info.lane not in positions:
            result.problems.append(f"用户任务 {info.bpmn_id} 的泳道“{info.lane}”没有对应岗位")
        if not info.form:
            result.problems.append(f"用户任务 {info.bpmn_id} 没有表单")


def _check_clock(parsed: bpmn.ParsedDefinition, result: PowerCheck) -> None:
    """Every stage the law does not count pauses the clock, through the stage's own property."""
    for info in parsed.user_tasks.values():
        if info.form in UNCOUNTED_FORMS and info.properties.get("pauses_clock") != "true":
            result.problems.append(f"用户任务 {info.bpmn_id}（{UNCOUNTED_FORMS[info.form]}）不计入办理时限，但没有暂停计时")
    for bpmn_id, _expression in parsed.timer_expressions:
        if bpmn_id in UNCOUNTED_TIMERS and bpmn_id not in parsed.clock_pausing_timers:
            result.problems.append(f"定时器 {bpmn_id}（{UNCOUNTED_TIMERS[bpmn_id]}）不计入办理时限，但没有暂停计时")


def _check_computed_fields(parsed: bpmn.ParsedDefinition, result: PowerCheck) -> None:
    """No form asks for a value the rules compute (read-only display is allowed)."""
    for name, schema in sorted(parsed.forms.items()):
        props, required = schema.get("properties") or {}, set(schema.get("required") or ())
        for field_name in COMPUTED_FIELDS:
            if field_name in props and (not props[field_name].get("readOnly") or field_name in required):
                result.problems.append(f"表单 {name} 要求填写由规则计算的 {field_name}")


def _check_timers(parsed: bpmn.ParsedDefinition, result: PowerCheck) -> None:
    context = _form_fields_sample(parsed.forms.values())
    result.timers = len(parsed.timer_expressions)
    for bpmn_id, expression in parsed.timer_expressions:
        try:
            bpmn.check_timer_expression(expression, context)
        except ValueError as error:
            result.problems.append(f"定时器 {bpmn_id}：{error}")


def _form_fields_sample(forms: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A value for every top-level form field, so timer expressions naming them can resolve."""
    sample: dict[str, Any] = {}
    for schema in forms:
        for name, prop in (schema.get("properties") or {}).items():
            if prop.get("format") in SAMPLE_VALUES:
                sample[name] = SAMPLE_VALUES[prop["format"]]
            else:
                sample.setdefault(name, prop.get("default", ""))
    return sample


# --- token flow ------------------------------------------------------------------------------


@dataclass
class _Graph:
    nodes: dict[str, Any]
    successors: dict[str, list[str]]
    starts: list[str]
    ends: set[str]


def _graph_of(nodes: Iterable[Any], flows: Iterable[Any]) -> _Graph:
    graph = _Graph({}, {}, [], set())
    for node in nodes:
        graph.nodes[node.id] = node
        graph.successors.setdefault(node.id, [])
    for flow in flows:
        graph.successors.setdefault(flow.source, []).append(flow.target)
    for node in graph.nodes.values():
        if node.kind == "boundaryEvent" and node.attached_to:
            graph.successors.setdefault(node.attached_to, []).append(node.id)
        if node.kind == "startEvent":
            graph.starts.append(node.id)
        if node.kind == "endEvent":
            graph.ends.add(node.id)
    return graph


def _reaches_end(graph: _Graph, origin: str) -> bool:
    seen, stack = set(), [origin]
    while stack:
        current = stack.pop()
        if current in graph.ends:
            return True
        if current in seen:
            continue
        seen.add(current)
        stack.extend(graph.successors.get(current, []))
    return False


def _reachable(graph: _Graph) -> set[str]:
    seen, stack = set(), list(graph.starts)
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(graph.successors.get(current, []))
    return seen


def _check_paths(sources: Mapping[str, str], process_id: str, result: PowerCheck) -> None:
    processes = {}
    for name, text in sources.items():
        if not name.endswith(".bpmn"):
            continue
        try:
            model = parse_bpmn(text)
        except BpmnParseError as error:
            result.problems.append(f"{name}：{error}")
            return
        processes.update({p.id: p for p in model.processes})
    for proc in processes.values():
        _check_scope(proc.id, proc.nodes, proc.flows, processes, result)


def _check_scope(scope: str, nodes: tuple, flows: tuple, processes: Mapping[str, Any], result: PowerCheck) -> None:
    graph = _graph_of(nodes, flows)
    if not graph.starts:
        result.problems.append(f"{scope}：没有开始事件")
    if not graph.ends:
        result.problems.append(f"{scope}：没有结束事件")
    reachable = _reachable(graph)
    for node in graph.nodes.values():
        if node.kind in ("boundaryEvent",) or node.triggered_by_event:
            pass
        elif node.id not in reachable:
            result.problems.append(f"{scope}：{node.id} 从开始事件不可达")
        if node.kind in GATEWAYS:
            result.gateways += 1
            for target in graph.successors.get(node.id, []):
                result.outcomes += 1
                if not _reaches_end(graph, target):
                    result.problems.append(f"{scope}：网关 {node.id} 的出口 → {target} 走不到结束事件")
        elif node.id not in graph.ends and not node.triggered_by_event and not _reaches_end(graph, node.id):
            result.problems.append(f"{scope}：{node.id} 走不到结束事件")
        if node.kind == "callActivity" and node.called_element not in processes:
            result.problems.append(f"{scope}：调用的环节 {node.called_element} 不存在")
        if node.children:  # embedded and event subprocesses are scopes of their own
            _check_scope(f"{scope}/{node.id}", node.children, node.flows, processes, result)


def check_all() -> list[PowerCheck]:
    return [check_power(power) for power in Power.objects.filter(is_active=True).select_related("category")
            .order_by("category__order", "sequence")]  # fmt: skip


def check_procedures() -> list[PowerCheck]:
    return [check_procedure(procedure) for procedure in procedures()]
