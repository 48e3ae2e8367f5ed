"""BPMN 2.0 -> graphviz: flowcharts, wall posters, risk maps and case overlays.

Pure functions, no Django. Typical use::

    from diagrams import parse_bpmn, to_digraph, render, build_flow_poster, PowerSheet

    model = parse_bpmn(path)                       # BpmnParseError on bad or hostile XML
    svg = render(to_digraph(model), "svg")         # any BPMN, lanes and pools as clusters
    svg = render_modelled(path)                    # as drawn in the file (its BPMN DI)
    poster = build_flow_poster(sheet, model, paper="A3")
    pdf = poster.render("pdf")                     # 权力运行流程图, exactly A3 portrait

See ``docs/diagrams/README.md`` for the task properties the posters read.
"""

from diagrams.di import Document, read_document
from diagrams.errors import BpmnParseError, DiagramError, InvalidSheet, ProcessNotFound
from diagrams.graph import FlowOptions, to_digraph
from diagrams.model import (
    Association,
    BpmnModel,
    DataAssociation,
    DataItem,
    FlowNode,
    Lane,
    MessageFlow,
    Participant,
    Process,
    SequenceFlow,
    TextAnnotation,
    parse_bpmn,
)
from diagrams.modelled import render_modelled
from diagrams.output import render, render_laid_out, render_svg
from diagrams.overlay import CaseOverlay
from diagrams.poster import (
    PAPER_MM,
    Poster,
    build_flow_poster,
    build_risk_map,
    render_flow_poster,
    render_risk_map,
)
from diagrams.sheet import DEFAULT_REMEDY, RISK_LEVELS, PowerSheet, RiskPoint
from diagrams.steps import Step, list_steps
from diagrams.tables import chart_title

__all__ = [
    "DEFAULT_REMEDY",
    "PAPER_MM",
    "RISK_LEVELS",
    "Association",
    "BpmnModel",
    "BpmnParseError",
    "CaseOverlay",
    "DataAssociation",
    "DataItem",
    "DiagramError",
    "Document",
    "FlowNode",
    "FlowOptions",
    "InvalidSheet",
    "Lane",
    "MessageFlow",
    "Participant",
    "Poster",
    "PowerSheet",
    "Process",
    "ProcessNotFound",
    "RiskPoint",
    "SequenceFlow",
    "Step",
    "TextAnnotation",
    "build_flow_poster",
    "build_risk_map",
    "chart_title",
    "list_steps",
    "parse_bpmn",
    "read_document",
    "render",
    "render_flow_poster",
    "render_laid_out",
    "render_modelled",
    "render_risk_map",
    "render_svg",
    "to_digraph",
]
