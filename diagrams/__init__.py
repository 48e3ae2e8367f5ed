"""BPMN 2.0 -> graphviz: flowcharts, wall posters, risk maps and case overlays.

Pure functions, no Django. This first part reads BPMN::

    from diagrams import parse_bpmn

    model = parse_bpmn(path)  # BpmnParseError on bad or hostile XML
"""

from diagrams.errors import BpmnParseError, DiagramError, InvalidSheet, ProcessNotFound
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

__all__ = [
    "Association",
    "BpmnModel",
    "BpmnParseError",
    "DataAssociation",
    "DataItem",
    "DiagramError",
    "FlowNode",
    "InvalidSheet",
    "Lane",
    "MessageFlow",
    "Participant",
    "Process",
    "ProcessNotFound",
    "SequenceFlow",
    "TextAnnotation",
    "parse_bpmn",
]
