"""The two charts of a power from the catalog: 权力运行流程图 (poster) and 廉政风险防控图 (risk map).

Builds the pure `diagrams` inputs (PowerSheet, RiskPoint, BPMN models) from the catalog rows and
the power's current process definition, so the command line and the API draw the same thing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from diagrams import BpmnModel, PowerSheet, RiskPoint, build_flow_poster, build_risk_map, parse_bpmn
from diagrams.poster import Poster
from engine.models import ProcessDefinition
from processes.models import Position, Power, TownshipSetting

logger = logging.getLogger(__name__)

POSTER, RISK = "poster", "risk"
KINDS = (POSTER, RISK)
PAPERS = ("A3", "A4")
FORMATS = ("pdf", "svg", "png")
UNIT_TEXT = {"working_day": "个工作日", "calendar_day": "日"}
PUBLIC_PAGE = "public/powers/{code}/"  # the power's public 办事指南 page on the web site


class RelativeQrRefused(ValueError):
    """The QR code would hold a path a phone cannot open (no absolute PUBLIC_BASE_URL)."""

    code = "public_base_url_required"


def public_page_url(code: str, base: str | None = None, *, allow_relative: bool = False) -> str:
    """The absolute address of a power's public 办事指南 page, for the QR code on its posters.

    Args:
        code: The power code (``JF-01``).
        base: The site's public address (``https://xx.gov.cn/``); ``settings.PUBLIC_BASE_URL``
            when omitted.
        allow_relative: Accept a missing base and return the path alone (for drafts only).

    Raises:
        RelativeQrRefused: No absolute ``http(s)://host/`` base and ``allow_relative`` is off.
    """
    return absolute_url(PUBLIC_PAGE.format(code=code), base, allow_relative=allow_relative)


def absolute_url(path: str, base: str | None = None, *, allow_relative: bool = False) -> str:
    """`path` (no leading slash) under the site's public address; see :func:`public_page_url`."""
    base = settings.PUBLIC_BASE_URL if base is None else base
    parts = urlsplit(base or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return base.rstrip("/") + "/" + path
    if allow_relative:
        return "/" + path
    raise RelativeQrRefused(
        f"二维码需要完整的公开网址（PUBLIC_BASE_URL，如 https://xx.gov.cn/），当前为 {base!r}"
        f" / The QR code needs an absolute public address (PUBLIC_BASE_URL), got {base!r}"
    )


THIRTY_DAY_REMEDY = "当事人对处理决定不服的，可以自接到处理决定通知之日起 30 日内向人民法院提起诉讼。"


@dataclass(frozen=True)
class PowerCharts:
    """Everything needed to draw a power's charts."""

    power: Power | None  # None for a procedure of the institutions
    definition: ProcessDefinition
    sheet: PowerSheet
    model: BpmnModel
    called_models: dict[str, BpmnModel]
    risks: tuple[RiskPoint, ...]
    position_names: dict[str, str]

    def build(self, kind: str, *, paper: str = "A3") -> Poster:
        options: dict[str, Any] = {"paper": paper, "process_id": self.definition.process_id,
                                   "position_names": self.position_names}  # fmt: skip
        if kind == RISK:
            return build_risk_map(self.sheet, self.model, self.risks, **options)
        return build_flow_poster(self.sheet, self.model, **options)


def _setting(key: str, default: str = "") -> str:
    row = TownshipSetting.objects.filter(key=key).first()
    return str(row.value) if row is not None else default


def _limit(value: int | None, unit: str, note: str) -> str:
    if value is None:
        return note or "无统一时限"
    if value == 0:
        return "即时办结"
    return f"{value}{UNIT_TEXT.get(unit, '日')}"


def power_sheet(power: Power, definition: ProcessDefinition, *, public_url: str = "") -> PowerSheet:
    township = _setting("township_name", "示范乡")
    bases = [f"《{b.law}》{b.article}".strip() for b in power.legal_bases.order_by("position")
             if b.effective_to is None]  # fmt: skip
    remedy = THIRTY_DAY_REMEDY if power.category.code == "CJ" else None
    extra = {"remedy": remedy} if remedy else {}
    return PowerSheet(
        township=township, code=power.code, name=power.name, category=power.category.name,
        legal_bases=tuple(bases), implementing_subject=power.implementing_subject, handling_unit=power.handling_unit,
        supervising_leader=power.supervising_leader,
        legal_limit=_limit(power.legal_limit_value, power.legal_limit_unit, power.legal_limit_note),
        promised_limit=_limit(power.promised_limit_value, power.promised_limit_unit, power.promised_limit_note),
        fee=power.fee_basis or "不收费", materials=tuple(power.materials or ()),
        supervision_phone=str(power.supervision_phone_setting.value), complaint_phone=_setting("complaint_phone"),
        issue_date=definition.created_at.date(), version=f"V{definition.version}",
        public_url=public_url,
        **extra,
    )  # fmt: skip


def main_file(definition: ProcessDefinition) -> str:
    """The BPMN file that defines the definition's own process (the others are called blocks)."""
    marker = f'id="{definition.process_id}"'
    bpmn_files = sorted(name for name in definition.sources if name.endswith(".bpmn"))
    return next((name for name in bpmn_files if marker in definition.sources[name]), bpmn_files[0] if bpmn_files else "")


def definition_models(definition: ProcessDefinition) -> tuple[BpmnModel, dict[str, BpmnModel]]:
    """The model of the definition's own process and, per process id, the models of the blocks it calls."""
    models: dict[str, BpmnModel] = {}
    for name, text in sorted(definition.sources.items()):
        if name.endswith(".bpmn"):
            parsed = parse_bpmn(text.encode("utf-8"))
            models.update({process.id: parsed for process in parsed.processes})
    main = models[definition.process_id]
    return main, {k: v for k, v in models.items() if v is not main}


def power_charts(power: Power, *, public_base: str | None = None, allow_relative: bool = False) -> PowerCharts:
    """The charts of a power on its current process definition, the QR code holding
    :func:`public_page_url` (``RelativeQrRefused`` without an absolute base, unless allowed)."""
    public_url = public_page_url(power.code, public_base, allow_relative=allow_relative)
    definition = ProcessDefinition.objects.get(process_id=power.process_id, is_current=True)
    model, called = definition_models(definition)
    drawn = {node.id for node in model.process(definition.process_id).nodes}
    positions = dict(Position.objects.values_list("code", "name"))
    risks = []
    for risk in power.risk_points.order_by("position"):
        if risk.node not in drawn:
            logger.warning("%s: risk point on %s, which the flow does not draw", power.code, risk.node)
            continue
        risks.append(RiskPoint(node_id=risk.node, description=risk.description, level=risk.level,
                               measures=tuple(risk.measures or ()), responsible=positions.get(risk.responsible_id, ""),
                               supervisor=positions.get(risk.supervisor_id, "")))  # fmt: skip
    return PowerCharts(
        power=power, definition=definition, sheet=power_sheet(power, definition, public_url=public_url), model=model,
        called_models=called, risks=tuple(risks),
        position_names=positions,
    )  # fmt: skip



IMPLEMENTING = {"sanzhong": "乡党委、乡人民政府", "siyi": "村党组织、村民委员会", "wenze": "乡纪委", "talk": "乡纪委"}
PROCEDURE_REMEDY = {
    "wenze": "被问责人对问责决定不服的，可以自收到决定之日起一个月内向作出决定的党组织申请复查（中国共产党问责条例，条号待核）。",
    "talk": "谈话对象对谈话内容有异议的，可以向乡纪委说明或向县纪委监委反映。",
}  # fmt: skip
OPEN_REMEDY = "对决策和执行有意见的，可以向乡纪委反映或拨打监督电话；村级事项也可以向乡人民政府反映。"


def procedure_charts(procedure: Any, *, public_base: str | None = None, allow_relative: bool = False) -> PowerCharts:
    """The charts of a procedure of the institutions (processes/catalog/procedures.yaml): the same
    poster and risk map as a power's, its header from the procedure's catalog entry."""
    definition = ProcessDefinition.objects.get(process_id=procedure.process_id, is_current=True)
    model, called = definition_models(definition)
    drawn = {node.id for node in model.process(definition.process_id).nodes}
    positions = dict(Position.objects.values_list("code", "name"))
    limit = procedure.promised_limit or {}
    public_url = absolute_url(f"api/procedures/{procedure.code}/", public_base, allow_relative=allow_relative)
    sheet = PowerSheet(
        township=_setting("township_name", "示范乡"), code=procedure.code, name=procedure.name, category="制度程序",
        legal_bases=tuple(b.label for b in procedure.legal_bases), implementing_subject=IMPLEMENTING[procedure.kind],
        handling_unit=procedure.handling_unit, supervising_leader=procedure.supervising_leader,
        legal_limit="无统一时限", promised_limit=_limit(limit.get("value"), limit.get("unit", ""), ""),
        fee="不收费", supervision_phone=_setting("supervision_phone"), complaint_phone=_setting("complaint_phone"),
        issue_date=definition.created_at.date(), version=f"V{definition.version}",
        public_url=public_url,
        remedy=PROCEDURE_REMEDY.get(procedure.kind, OPEN_REMEDY),
    )  # fmt: skip
    risks = tuple(
        RiskPoint(node_id=r["node"], description=r["description"], level=r["level"], measures=tuple(r["measures"]),
                  responsible=positions.get(r["responsible"], ""), supervisor=positions.get(r["supervisor"], ""))
        for r in procedure.risk_points if r["node"] in drawn
    )  # fmt: skip
    return PowerCharts(power=None, definition=definition, sheet=sheet, model=model, called_models=called,
                       risks=risks, position_names=positions)  # fmt: skip


def case_chart(case: Any, *, expand: bool = False, step: int | None = None, fmt: str = "svg") -> bytes:
    """The case's process drawn with what is done (green), current (orange) and still to come (grey),
    now or as of audit event `step`, optionally with the called blocks expanded.

    The state comes from replaying the case's audit trail, so the chart shows what the record proves.
    """
    from diagrams import CaseOverlay, render, to_digraph
    from engine.replay import replay_case

    model, called = definition_models(case.definition)
    states = replay_case(case, upto=step).node_states
    process = model.process(case.definition.process_id)
    ids: dict[str, str] = {}  # drawn id -> BPMN id whose state it shows
    for node in process.iter_nodes():
        ids[node.id] = node.id
        if expand and node.called_element and node.called_element in called:
            for inner in called[node.called_element].process(node.called_element).iter_nodes():
                ids[f"{node.id}/{inner.id}"] = inner.id
    state_of = {drawn: states.get(bpmn_id, "pending") for drawn, bpmn_id in ids.items()}
    executed = [
        flow.id
        for flow in process.iter_flows()
        if state_of.get(flow.source) == "completed" and state_of.get(flow.target) in ("completed", "current")
    ]
    overlay = CaseOverlay.build(
        completed=[i for i, s in state_of.items() if s == "completed"],
        current=[i for i, s in state_of.items() if s == "current"],
        pending=[i for i, s in state_of.items() if s == "pending"],
        executed_flows=executed,
    )
    graph = to_digraph(model, process_id=process.id, expand_call_activities=expand, called_models=called,
                       overlay=overlay, position_names=dict(Position.objects.values_list("code", "name")))  # fmt: skip
    return render(graph, fmt)
