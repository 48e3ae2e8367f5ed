"""Inputs for the `diagrams` package from the catalog and the stored definitions: a power's wall
posters (权力运行流程图, 廉政风险防控图) and the live chart of a case.

Posters are deterministic for the same inputs, so a rendered file is cached under the hash of
everything it is drawn from (definition content, the power's sheet and risk points, kind, paper,
format).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache

import diagrams
from engine.models import Case, ProcessDefinition
from engine.replay import replay_case
from engine.services import current_definition
from processes.models import Position, Power, TownshipSetting

CACHE_SECONDS = 24 * 3600
CONTENT_TYPES = {"svg": "image/svg+xml", "pdf": "application/pdf", "png": "image/png"}


def main_file(definition: ProcessDefinition) -> str:
    """The BPMN file that defines the definition's own process (the others are called blocks)."""
    marker = f'id="{definition.process_id}"'
    bpmn_files = sorted(name for name in definition.sources if name.endswith(".bpmn"))
    return next(
        (name for name in bpmn_files if marker in definition.sources[name]),
        bpmn_files[0] if bpmn_files else "",
    )


def _models(definition: ProcessDefinition) -> tuple[diagrams.BpmnModel, dict[str, diagrams.BpmnModel]]:
    """The main model and, per process id, the models of the blocks it calls."""
    main = main_file(definition)
    called: dict[str, diagrams.BpmnModel] = {}
    for name, text in sorted(definition.sources.items()):
        if name.endswith(".bpmn") and name != main:
            model = diagrams.parse_bpmn(text.encode("utf-8"))
            for process in model.processes:
                called[process.id] = model
    return diagrams.parse_bpmn(definition.sources[main].encode("utf-8")), called


def _setting(key: str, default: Any = "") -> Any:
    value = TownshipSetting.objects.filter(key=key).values_list("value", flat=True).first()
    return default if value is None else value


def _limit_text(value: int | None, unit: str, note: str) -> str:
    if value is None:
        return note.split("；")[0].split("。")[0][:40] or "——"
    if value == 0:
        return "即办"
    return f"{value}{'个工作日' if unit == 'working_day' else '日'}"


def power_sheet(power: Power, definition: ProcessDefinition, *, public_url: str) -> diagrams.PowerSheet:
    return diagrams.PowerSheet(
        township=str(_setting("township_name", "示范乡")),
        code=power.code,
        name=power.name,
        category=power.category.name,
        legal_bases=[f"{b.law} {b.article}".strip() for b in power.legal_bases.order_by("position")],
        implementing_subject=power.implementing_subject,
        handling_unit=power.handling_unit,
        supervising_leader=power.supervising_leader,
        legal_limit=_limit_text(power.legal_limit_value, power.legal_limit_unit, power.legal_limit_note),
        promised_limit=_limit_text(
            power.promised_limit_value, power.promised_limit_unit, power.promised_limit_note
        ),
        fee=power.fee_basis or "不收费",
        materials=list(power.materials or []),
        supervision_phone=str(power.supervision_phone_setting.value),
        complaint_phone=str(_setting("complaint_phone")),
        issue_date=definition.created_at.date(),
        version=f"V{definition.version}",
        public_url=public_url,
        remedy=power.remedies or diagrams.DEFAULT_REMEDY,
    )


def risk_points(power: Power) -> list[diagrams.RiskPoint]:
    return [
        diagrams.RiskPoint(
            node_id=r.node,
            description=r.description,
            level=r.level,
            measures=list(r.measures),
            responsible=r.responsible.name,
            supervisor=r.supervisor.name,
        )
        for r in power.risk_points.select_related("responsible", "supervisor").order_by("position")
    ]


def render_poster(power: Power, *, kind: str, fmt: str, paper: str, public_url: str) -> bytes:
    """The flow poster (`kind="flow"`) or risk map (`kind="risk"`) of a power on the current list.

    Raises:
        DefinitionNotFound: the power's process is not loaded.
        DiagramError: the definition and the catalog do not fit (e.g. a risk point on a step not drawn).
    """
    definition = current_definition(power.process_id)
    sheet = power_sheet(power, definition, public_url=public_url)
    risks = risk_points(power)
    key = (
        "poster:"
        + hashlib.sha256(repr((definition.sha256, sheet, risks, kind, fmt, paper)).encode()).hexdigest()
    )
    cached = cache.get(key)
    if cached is not None:
        return cached
    model, called = _models(definition)
    options = {
        "paper": paper,
        "position_names": dict(Position.objects.values_list("code", "name")),
        "called_models": called,
    }
    if kind == "risk":
        poster = diagrams.build_risk_map(sheet, model, risks, **options)
    else:
        poster = diagrams.build_flow_poster(sheet, model, risks=risks, **options)
    content = poster.render(fmt)
    cache.set(key, content, CACHE_SECONDS)
    return content


def render_case_chart(case: Case, *, expand: bool) -> bytes:
    """The case's process drawn with what is done (green), current (orange) and still to come (grey).

    The state comes from replaying the case's audit trail, so the chart shows what the record proves.
    """
    model, called = _models(case.definition)
    states = replay_case(case).node_states
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
    overlay = diagrams.CaseOverlay.build(
        completed=[i for i, s in state_of.items() if s == "completed"],
        current=[i for i, s in state_of.items() if s == "current"],
        pending=[i for i, s in state_of.items() if s == "pending"],
        executed_flows=executed,
    )
    graph = diagrams.to_digraph(
        model,
        process_id=process.id,
        expand_call_activities=expand,
        called_models=called,
        overlay=overlay,
        position_names=dict(Position.objects.values_list("code", "name")),
    )
    return diagrams.render(graph, "svg")
