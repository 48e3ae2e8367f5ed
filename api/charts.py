"""Charts for the API: a power's wall posters (权力运行流程图, 廉政风险防控图) and a case's chart.

Posters come from `processes.charts` and are deterministic for the same inputs, so a rendered file
is cached under the hash of everything it is drawn from (definition content, the power's sheet and
risk points, kind, paper, format). A case's chart is drawn here from its replayed state.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

import diagrams
from engine.models import Case, ProcessDefinition
from engine.replay import replay_case
from engine.services import current_definition
from processes.charts import POSTER, RISK, power_charts
from processes.models import Position, Power

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


def render_poster(power: Power, *, kind: str, fmt: str, paper: str, public_base: str) -> bytes:
    """The flow poster (`kind="flow"`) or risk map (`kind="risk"`) of a power on the current list,
    drawn by `processes.charts` (the same charts as `manage.py render_flowcharts`).

    Raises:
        DefinitionNotFound: the power's process is not loaded.
        NotFound: a risk map was asked for a power without risk points on its drawn steps.
        DiagramError: graphviz failed.
    """
    definition = current_definition(power.process_id)
    charts = power_charts(power, public_base=public_base)
    if kind == "risk" and not charts.risks:
        raise NotFound(_("该权力没有廉政风险点，无风险防控图"))
    fingerprint = repr((definition.sha256, charts.sheet, charts.risks, kind, fmt, paper))
    key = "poster:" + hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    content = charts.build(RISK if kind == "risk" else POSTER, paper=paper).render(fmt)
    cache.set(key, content, CACHE_SECONDS)
    return content


def render_case_chart(case: Case, *, expand: bool, step: int | None = None) -> bytes:
    """The case's process drawn with what is done (green), current (orange) and still to come (grey),
    now or as of audit event `step`.

    The state comes from replaying the case's audit trail, so the chart shows what the record proves.
    """
    model, called = _models(case.definition)
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
