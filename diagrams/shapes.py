"""How each BPMN element looks: colours, symbols, labels and graphviz node attributes.

Symbols are limited to glyphs Noto Sans CJK SC has (no emoji); event and task types are spelled
out in Chinese (定时, 消息, 系统自动, ...) so nothing prints as a blank box.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from diagrams.model import BpmnModel, FlowNode, Process
from diagrams.overlay import LEGEND, CaseOverlay
from diagrams.sheet import RiskPoint
from diagrams.steps import describe_step
from diagrams.text import circled, html, html_lines, shorten, wrap

# Colours -------------------------------------------------------------------------------------
INK: Final = "#263238"
ACTIVITY_LINE: Final = "#1F4E79"
ACTIVITY_FILL: Final = "#FFFFFF"
START_FILL: Final = "#E8F5E9"
START_LINE: Final = "#2E7D32"
END_FILL: Final = "#FDECEA"
END_LINE: Final = "#B71C1C"
EVENT_FILL: Final = "#FFFDE7"
EVENT_LINE: Final = "#6D4C41"
GATEWAY_FILL: Final = "#FFF8E1"
GATEWAY_LINE: Final = "#E65100"
LANE_FILL: Final = "#F5F8FC"
LINK_FILL: Final = "#E3F2FD"
LINK_LINE: Final = "#1565C0"
LANE_LINE: Final = "#90A4AE"
POOL_LINE: Final = "#37474F"
MUTED: Final = "#546E7A"

RISK_LINE: Final = {"高": "#D32F2F", "中": "#F9A825", "低": "#1565C0"}
RISK_FILL: Final = {"高": "#FFEBEE", "中": "#FFF8E1", "低": "#E3F2FD"}
RISK_ORDER: Final = {"高": 0, "中": 1, "低": 2}

GATEWAY_SYMBOL: Final = {
    "exclusiveGateway": "×",
    "parallelGateway": "＋",
    "inclusiveGateway": "○",
    "eventBasedGateway": "◎",
    "complexGateway": "＊",
}
EVENT_TAG: Final = {
    "timer": "定时",
    "message": "消息",
    "error": "错误",
    "signal": "信号",
    "escalation": "升级",
    "conditional": "条件",
    "compensate": "补偿",
    "link": "链接",
    "terminate": "终止",
    "cancel": "取消",
}
TASK_TAG: Final = {
    "serviceTask": "系统服务",
    "scriptTask": "系统自动",
    "sendTask": "发送",
    "receiveTask": "接收",
    "manualTask": "线下办理",
    "businessRuleTask": "规则判断",
}

# Secondary text (tags, timers, notes) is 86 % of the label size: at the posters' minimum print
# scale (10/14) it still prints at 8 pt, like every other text on a wall chart.
SMALL_TEXT: Final = 0.86  # 12 pt: graphviz truncates HTML font sizes to whole points
NAME_WIDTH: Final = 9.0  # em per line in an activity box
EVENT_WIDTH: Final = 4.0
GATEWAY_WIDTH: Final = 6.0
EDGE_WIDTH: Final = 10.0

_UNSAFE: Final = re.compile(r'[:\\<>"\s]')


@dataclass(frozen=True, slots=True)
class FlowOptions:
    """Rendering options shared by :func:`to_digraph` and the posters.

    Attributes:
        expand_call_activities: Draw a call activity as a cluster holding the called process.
        called_models: Process id -> model holding that process, for expansion and names.
        labels: Node id -> text of the line under the name (replaces position/time limit).
        position_names: Position code -> display name, for ``position`` task properties that
            hold a code (``handler`` -> ``经办人``).
        overlay: The case-status overlay, or ``None``.
        risk_levels: Node id -> highest risk level on that node.
        risk_numbers: Node id -> the numbers of its risk points (1-based, in given order).
        risk_points: The risk points, in order, for callouts.
        risk_callouts: Draw each risk point as a coloured note beside its node.
        font_size: Base font size of node labels in points.
        lanes: Draw lanes as clusters; when False the lane name moves into each box's
            second line (the wall-poster layout: one clean top-down flow).
        fold: Top-level node id -> sheet (1, 2, ...) when a flow too tall for one sheet at the
            minimum print size is split; flows between sheets become numbered connectors
            (转第 n 页 / 接第 n 页). Used only with ``process_id`` and without lanes.
        page: The sheet to draw when ``fold`` is given.
    """

    expand_call_activities: bool = False
    called_models: Mapping[str, BpmnModel] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    position_names: Mapping[str, str] = field(default_factory=dict)
    overlay: CaseOverlay | None = None
    risk_levels: Mapping[str, str] = field(default_factory=dict)
    risk_numbers: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    risk_points: tuple[RiskPoint, ...] = ()
    risk_callouts: bool = False
    font_size: float = 14.0
    lanes: bool = True
    fold: Mapping[str, int] = field(default_factory=dict)
    page: int = 1


def risk_options(risk: Mapping[str, str] | Iterable[RiskPoint] | None) -> dict[str, object]:
    """Normalise the ``risk`` argument into :class:`FlowOptions` fields.

    Args:
        risk: Node id -> level, or risk points (numbered 1.. in the given order), or ``None``.

    Returns:
        Keyword arguments ``risk_levels``, ``risk_numbers``, ``risk_points``.
    """
    levels: dict[str, str] = {}
    numbers: dict[str, tuple[int, ...]] = {}
    points: tuple[RiskPoint, ...] = ()
    if risk is None:
        pass
    elif isinstance(risk, Mapping):
        for node_id, level in risk.items():
            levels[node_id] = RiskPoint(node_id=node_id, description="", level=level).level
    else:
        points = tuple(risk)
        for number, point in enumerate(points, start=1):
            old = levels.get(point.node_id)
            if old is None or RISK_ORDER[point.level] < RISK_ORDER[old]:
                levels[point.node_id] = point.level
            numbers[point.node_id] = (*numbers.get(point.node_id, ()), number)
    return {"risk_levels": levels, "risk_numbers": numbers, "risk_points": points}


def overlay_legend() -> str:
    """The legend of the case overlay colours, as an HTML-like label."""
    cells = "".join(
        f'<TD BGCOLOR="{fill}" COLOR="{line}" BORDER="2" CELLPADDING="4">{html(text)}</TD>'
        for text, fill, line in LEGEND
    )
    return f'<<TABLE BORDER="0" CELLSPACING="6"><TR><TD>图例：</TD>{cells}</TR></TABLE>>'


def number_text(value: float) -> str:
    """A number as graphviz wants it in an attribute (``14``, ``10.5``)."""
    return f"{value:g}"


def risk_callout_id(number: int, node_id: str) -> str:
    """The SVG id of the callout of risk point ``number`` (1-based) at ``node_id``."""
    return svg_id(f"risk_{number}_{node_id}")


def svg_id(identifier: str) -> str:
    """The graphviz node name and SVG id for a BPMN id (BPMN ids are XML NCNames: usually itself)."""
    return _UNSAFE.sub("_", identifier)


def markers(node: FlowNode) -> str:
    """BPMN activity markers in text: ``|||`` parallel and ``≡`` sequential multi-instance,
    循环 for a loop, ◀◀ for compensation, ``~`` for ad hoc."""
    found = []
    if node.multi_instance == "parallel":
        found.append("|||")
    elif node.multi_instance == "sequential":
        found.append("≡")
    if node.loop:
        found.append("循环")
    if node.is_for_compensation:
        found.append("◀◀")
    if node.kind == "adHocSubProcess":
        found.append("~")
    return " ".join(found)


class NodeStyler:
    """Builds the attributes of plain nodes from the rendering options.

    Args:
        options: The rendering options.
        lane_name: Full node id -> its lane name (filled while drawing).
        called_process: Process id -> the called process, when known.
    """

    def __init__(
        self,
        options: FlowOptions,
        lane_name: Mapping[str, str],
        called_process: Callable[[str], Process | None],
    ) -> None:
        self.options = options
        self.lane_name = lane_name
        self.called_process = called_process

    def node_attrs(self, node: FlowNode, full: str) -> dict[str, str]:
        """Graphviz attributes of a plain node (event, gateway, activity drawn as one box)."""
        size = self.options.font_size
        if node.is_event:
            attrs = self._event_attrs(node, full, size)
        elif node.is_gateway:
            attrs = self._gateway_attrs(node, full, size)
        else:
            attrs = self._activity_attrs(node, full, size)
        attrs["id"] = svg_id(full)
        tooltip = node.name or node.id
        attrs["tooltip"] = tooltip.replace("\\", "/")
        level = self.options.risk_levels.get(full)
        if level:
            attrs["color"] = RISK_LINE[level]
            attrs["penwidth"] = "3"
            attrs["fillcolor"] = RISK_FILL[level]
        if self.options.overlay is not None:
            attrs.update(self.options.overlay.node_style(full))
            if self.options.overlay.state(full) == "current":
                attrs["style"] = attrs.get("style", "filled") + ",bold"
        return attrs

    def _risk_prefix(self, full: str) -> str:
        numbers = self.options.risk_numbers.get(full)
        level = self.options.risk_levels.get(full)
        if not level:
            return ""
        marks = "".join(circled(n) for n in numbers) if numbers else ""
        return f'<FONT COLOR="{RISK_LINE[level]}"><B>★{marks}</B></FONT> '

    def _event_attrs(self, node: FlowNode, full: str, size: float) -> dict[str, str]:
        tags = [EVENT_TAG[d] for d in node.event_definitions if d in EVENT_TAG]
        tag = "多重" if len(tags) > 1 else (tags[0] if tags else "")
        throwing = node.kind in ("intermediateThrowEvent",) and tag
        if throwing:
            tag = "发出" + tag
        full_label_parts: list[str] = []
        if tag:
            full_label_parts.append(
                f'<FONT POINT-SIZE="{number_text(size * SMALL_TEXT)}" COLOR="{MUTED}">{html(tag)}</FONT>'
            )
        if node.name:
            full_label_parts.append(self._risk_prefix(full) + html_lines(wrap(node.name, EVENT_WIDTH)))
        elif self._risk_prefix(full):
            full_label_parts.append(self._risk_prefix(full))
        if node.timer and not node.name:
            full_label_parts.append(
                f'<FONT POINT-SIZE="{number_text(size * SMALL_TEXT)}">'
                f"{html(shorten(node.timer.split(': ', 1)[-1], 8))}</FONT>"
            )
        label = "<BR/>".join(full_label_parts) if full_label_parts else " "
        attrs = {
            "shape": "circle",
            "label": f"<{label}>",
            "style": "filled",
            "width": "0.55",
            "margin": "0.02",
            "fontsize": number_text(size * 0.85),
        }
        if node.kind == "startEvent":
            attrs.update(fillcolor=START_FILL, color=START_LINE, penwidth="1.6")
        elif node.kind == "endEvent":
            attrs.update(
                fillcolor=END_FILL,
                color=END_LINE,
                penwidth="3.5" if "terminate" in node.event_definitions else "3",
            )
        else:
            attrs.update(shape="doublecircle", fillcolor=EVENT_FILL, color=EVENT_LINE, penwidth="1.4")
        if node.kind == "boundaryEvent" and not node.cancel_activity:
            attrs["style"] = "filled,dashed"
        return attrs

    def _gateway_attrs(self, node: FlowNode, full: str, size: float) -> dict[str, str]:
        symbol = GATEWAY_SYMBOL.get(node.kind, "◇")
        parts = [
            self._risk_prefix(full)
            + f'<FONT POINT-SIZE="{number_text(size * 1.4)}"><B>{html(symbol)}</B></FONT>'
        ]
        if node.name:
            parts.append(html_lines(wrap(node.name, GATEWAY_WIDTH)))
        return {
            "shape": "diamond",
            "label": "<" + "<BR/>".join(parts) + ">",
            "style": "filled",
            "fillcolor": GATEWAY_FILL,
            "color": GATEWAY_LINE,
            "width": "0.7",
            "height": "0.7",
            "margin": "0.02",
            "fontsize": number_text(size * 0.85),
        }

    def _activity_attrs(self, node: FlowNode, full: str, size: float) -> dict[str, str]:
        parts: list[str] = []
        tag = TASK_TAG.get(node.kind)
        if node.kind == "callActivity":
            called = node.called_element or ""
            process = self.called_process(called) if called else None
            tag = "调用：" + shorten(process.name or process.id, 12) if process else "调用活动"
        elif node.is_subprocess:
            tag = {"transaction": "事务", "adHocSubProcess": "自由子流程"}.get(node.kind, "子流程")
            if node.triggered_by_event:
                tag = "事件子流程"
        if tag:
            parts.append(
                f'<FONT POINT-SIZE="{number_text(size * SMALL_TEXT)}" COLOR="{MUTED}">〔{html(tag)}〕</FONT>'
            )
        name = node.name or node.id
        parts.append(self._risk_prefix(full) + html_lines(wrap(name, NAME_WIDTH)))
        detail = self._detail_line(node, full)
        if detail:
            parts.append(
                f'<FONT POINT-SIZE="{number_text(size * SMALL_TEXT)}" COLOR="{ACTIVITY_LINE}">'
                f"{html_lines(wrap(detail, NAME_WIDTH * 1.6))}</FONT>"
            )
        documents = describe_step(node).documents
        if documents and full not in self.options.labels:
            parts.append(
                f'<FONT POINT-SIZE="{number_text(size * SMALL_TEXT)}" COLOR="{MUTED}">'
                f"{html_lines(wrap('文书：' + documents, NAME_WIDTH * 1.6))}</FONT>"
            )
        markers_text = markers(node)
        if node.is_subprocess:
            markers_text = (markers_text + " [+]").strip()
        if markers_text:
            parts.append(f'<FONT POINT-SIZE="{number_text(size * SMALL_TEXT)}">{html(markers_text)}</FONT>')
        attrs = {
            "shape": "box",
            "label": "<" + "<BR/>".join(parts) + ">",
            "style": "rounded,filled",
            "fillcolor": ACTIVITY_FILL,
            "color": ACTIVITY_LINE,
            "margin": "0.15,0.08",
        }
        if node.kind == "callActivity":
            attrs["penwidth"] = "3.5"
        if node.kind == "transaction":
            attrs["peripheries"] = "2"
        if node.triggered_by_event:
            attrs["style"] = "rounded,filled,dashed"
        return attrs

    def _detail_line(self, node: FlowNode, full: str) -> str:
        if full in self.options.labels:
            return self.options.labels[full]
        step = describe_step(
            node, lane=self.lane_name.get(full, ""), position_names=self.options.position_names
        )
        position = step.position
        if not position and (step.time_limit or not self.options.lanes):
            # The lane is already the cluster around the box; repeat it only to complete
            # "who, within what time", or when lanes are not drawn.
            position = step.lane
        return " · ".join(part for part in (position, step.time_limit) if part)
