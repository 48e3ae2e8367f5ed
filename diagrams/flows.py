"""Connections of the "as modelled" drawing, along the waypoints the file gives.

Sequence flows are solid with a filled arrowhead (a slash at the start of a default flow, an open
mini-diamond at the start of a conditional flow leaving an activity); message flows are dashed,
start in an open circle and end in an open arrowhead; associations and data associations are
dotted. The polyline of every connection goes through exactly the file's waypoints; end markers
are drawn on top of it.
"""

from __future__ import annotations

import math
from typing import Final

from lxml import etree

from diagrams.di import Edge
from diagrams.labels import FONT_SIZE, INK, text_block, wrap
from diagrams.labels import width as text_width
from diagrams.symbols import WHITE, el, envelope, marker_group, points

Point = tuple[float, float]

EDGE_KINDS: Final = frozenset(
    {"sequenceFlow", "messageFlow", "association", "dataInputAssociation", "dataOutputAssociation",
     "conversationLink"}
)
GATEWAYS: Final = frozenset(
    {"exclusiveGateway", "inclusiveGateway", "parallelGateway", "complexGateway", "eventBasedGateway"}
)
EDGE_LABEL_SIZE: Final = FONT_SIZE * 0.95


def _direction(a: Point, b: Point) -> tuple[float, float]:
    length = math.hypot(b[0] - a[0], b[1] - a[1])
    if length < 1e-9:
        return (1.0, 0.0)
    return ((b[0] - a[0]) / length, (b[1] - a[1]) / length)


def _end_segment(waypoints: tuple[Point, ...], at_start: bool) -> tuple[Point, tuple[float, float]]:
    """The end point and the unit direction pointing *into* it (from the previous distinct point)."""
    seq = list(reversed(waypoints)) if at_start else list(waypoints)
    tip = seq[-1]
    previous = next((p for p in reversed(seq[:-1]) if math.dist(p, tip) > 1e-6), seq[0])
    return tip, _direction(previous, tip)


def _arrow(g: etree._Element, waypoints: tuple[Point, ...], *, at_start: bool = False, style: str = "filled",
           length: float = 11.0, spread: float = 4.0) -> None:
    tip, (dx, dy) = _end_segment(waypoints, at_start)
    base = (tip[0] - dx * length, tip[1] - dy * length)
    left = (base[0] - dy * spread, base[1] + dx * spread)
    right = (base[0] + dy * spread, base[1] - dx * spread)
    if style == "line":
        el(g, "polyline", cls="bpmn-arrow", points=points([left, tip, right]), fill="none", stroke=INK,
           stroke_width=1.2)
    else:
        el(g, "polygon", cls="bpmn-arrow", points=points([left, tip, right]),
           fill=INK if style == "filled" else WHITE, stroke=INK, stroke_width=1, stroke_linejoin="round")


def midpoint(waypoints: tuple[Point, ...]) -> tuple[Point, tuple[float, float]]:
    """The point halfway along the polyline and the direction of the segment holding it."""
    lengths = [math.dist(a, b) for a, b in zip(waypoints, waypoints[1:], strict=False)]
    half = sum(lengths) / 2
    for (a, b), length in zip(zip(waypoints, waypoints[1:], strict=False), lengths, strict=False):
        if half <= length and length > 0:
            t = half / length
            return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t), _direction(a, b)
        half -= length
    return waypoints[0], (1.0, 0.0)


def draw_edge(parent: etree._Element, edge: Edge, element: etree._Element, kind: str, *,
              source_kind: str | None, is_default: bool, name: str) -> etree._Element:
    """Draw one connection as ``<g id=... data-bpmn-kind=...>`` and return the group."""
    g = el(parent, "g", id=edge.element, data_bpmn_kind=kind, cls="bpmn-edge")
    line = el(g, "polyline", cls="bpmn-path", points=points(list(edge.waypoints)), fill="none", stroke=INK,
              stroke_linejoin="round")
    waypoints = edge.waypoints
    if kind == "sequenceFlow":
        line.set("stroke-width", "1.5")
        _arrow(g, waypoints)
        start, (dx, dy) = _end_segment(waypoints, at_start=True)
        dx, dy = -dx, -dy  # pointing away from the source
        if is_default and source_kind is not None:
            c = (start[0] + dx * 9, start[1] + dy * 9)
            # a slash across the flow, halfway between its normal and its direction
            sx, sy = (dx - dy) / math.sqrt(2), (dy + dx) / math.sqrt(2)
            el(g, "line", cls="bpmn-marker", data_marker="default", x1=c[0] - sx * 6, y1=c[1] - sy * 6,
               x2=c[0] + sx * 6, y2=c[1] + sy * 6, stroke=INK, stroke_width=1.5)
        elif _is_conditional(element) and source_kind is not None and source_kind not in GATEWAYS \
                and not source_kind.endswith("Event"):
            far = (start[0] + dx * 16, start[1] + dy * 16)
            mid = (start[0] + dx * 8, start[1] + dy * 8)
            diamond = [start, (mid[0] - dy * 5, mid[1] + dx * 5), far, (mid[0] + dy * 5, mid[1] - dx * 5)]
            el(g, "polygon", cls="bpmn-marker", data_marker="conditional", points=points(diamond), fill=WHITE,
               stroke=INK, stroke_width=1.2)
    elif kind == "messageFlow":
        line.set("stroke-width", "1.3")
        line.set("stroke-dasharray", "7 4")
        start = waypoints[0]
        el(g, "circle", cls="bpmn-marker", data_marker="messageStart", cx=start[0], cy=start[1], r=4.5,
           fill=WHITE, stroke=INK, stroke_width=1.2)
        _arrow(g, waypoints, style="open")
        if edge.message_visible:
            (mx, my), _ = midpoint(waypoints)
            box = marker_group(g, "message", mx - 10, my - 7)
            envelope(box, 0, 0, 20, 14, False)
            if edge.message_visible == "non_initiating":
                box[0].set("fill", "#d0d0d0")
    elif kind in ("association", "dataInputAssociation", "dataOutputAssociation"):
        line.set("stroke-width", "1.2")
        line.set("stroke-dasharray", "2 3")
        direction = element.get("associationDirection", "None")
        if kind != "association" or direction in ("One", "Both"):
            _arrow(g, waypoints, style="line", length=10, spread=5)
        if kind == "association" and direction == "Both":
            _arrow(g, waypoints, at_start=True, style="line", length=10, spread=5)
    else:
        line.set("stroke-width", "1.2")
    if name:
        edge_label(g, edge, name)
    return g


def edge_label(g: etree._Element, edge: Edge, name: str) -> None:
    """The name of a connection at its label bounds, else just above its midpoint."""
    size = EDGE_LABEL_SIZE
    if edge.label is not None and edge.label.width > 1:
        box = edge.label
        lines = wrap(name, max(box.width * 1.15, 30.0), size)
        text_block(g, lines, box.cx, box.cy, size=size, halo=True)
        return
    (mx, my), (dx, dy) = midpoint(edge.waypoints)
    lines = wrap(name, 110.0, size)
    height = len(lines) * size * 1.2
    if abs(dx) >= abs(dy):  # horizontal segment: label above it
        text_block(g, lines, mx, my - 4 - height / 2, size=size, halo=True)
    else:  # vertical segment: label to the right
        widest = max(text_width(line, size) for line in lines)
        text_block(g, lines, mx + 6 + widest / 2, my, size=size, halo=True)


def _is_conditional(element: etree._Element) -> bool:
    return any(
        isinstance(child.tag, str) and child.tag.endswith("}conditionExpression") for child in element
    )
