"""BPMN 2.0 -> graphviz: flowcharts, wall posters, risk maps and case overlays.

Pure functions, no Django. Typical use::

    from diagrams import parse_bpmn, to_digraph, render

    model = parse_bpmn(path)                       # BpmnParseError on bad or hostile XML
    svg = render(to_digraph(model), "svg")         # any BPMN, lanes and pools as clusters

See ``docs/diagrams/README.md`` for the task properties the posters read.
"""

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
from diagrams.output import render, render_laid_out, render_svg
from diagrams.overlay import CaseOverlay
from diagrams.sheet import DEFAULT_REMEDY, RISK_LEVELS, PowerSheet, RiskPoint
from diagrams.steps import Step, list_steps

__all__ = [
    "DEFAULT_REMEDY",
    "RISK_LEVELS",
    "Association",
    "BpmnModel",
    "BpmnParseError",
    "CaseOverlay",
    "DataAssociation",
    "DataItem",
    "DiagramError",
    "FlowNode",
    "FlowOptions",
    "InvalidSheet",
    "Lane",
    "MessageFlow",
    "Participant",
    "PowerSheet",
    "Process",
    "ProcessNotFound",
    "RiskPoint",
    "SequenceFlow",
    "Step",
    "TextAnnotation",
    "list_steps",
    "parse_bpmn",
    "render",
    "render_laid_out",
    "render_svg",
    "to_digraph",
]
