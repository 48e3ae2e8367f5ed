"""BPMN notation symbols drawn as SVG: event definitions, gateway markers, task-type icons,
activity markers and data markers.

Every symbol is a ``<g class="bpmn-marker" data-marker="...">`` group, so a test (or a style
sheet) can find the clock of a timer event or the plus of a parallel gateway. Symbols are designed
at a reference size (an event of radius 18, a gateway 50 wide, a 16-unit task icon) and scaled
to the shape they sit in.
"""

from __future__ import annotations

import math
from typing import Final

from lxml import etree

from diagrams.labels import INK, SVG_NS, fmt

WHITE: Final = "#ffffff"
EVENT_SYMBOLS: Final = frozenset(
    {
        "message",
        "timer",
        "signal",
        "error",
        "escalation",
        "compensate",
        "conditional",
        "link",
        "terminate",
        "cancel",
        "multiple",
        "parallelMultiple",
    }
)


def el(parent: etree._Element, tag: str, **attrs: object) -> etree._Element:
    """Append an SVG element; ``stroke_width`` becomes ``stroke-width``, floats are shortened."""
    element = etree.SubElement(parent, f"{{{SVG_NS}}}{tag}")
    for name, value in attrs.items():
        if value is None:
            continue
        key = "class" if name == "cls" else name.replace("_", "-")
        element.set(key, fmt(value) if isinstance(value, float) else str(value))
    return element


def points(pairs: list[tuple[float, float]]) -> str:
    return " ".join(f"{fmt(x)},{fmt(y)}" for x, y in pairs)


def marker_group(parent: etree._Element, marker: str, x: float, y: float, scale: float = 1.0) -> etree._Element:
    transform = f"translate({fmt(x)} {fmt(y)})" + (f" scale({scale:.4g})" if abs(scale - 1) > 1e-3 else "")
    return el(parent, "g", cls="bpmn-marker", data_marker=marker, transform=transform)


def _polygon(g: etree._Element, pairs: list[tuple[float, float]], filled: bool, width: float = 1.2) -> None:
    el(g, "polygon", points=points(pairs), fill=INK if filled else WHITE, stroke=INK, stroke_width=width,
       stroke_linejoin="round")


def _cross(arm: float, half: float, angle: float) -> list[tuple[float, float]]:
    """A plus sign outline (arms ``arm`` long, ``half`` thick), rotated by ``angle`` degrees."""
    base = [(-half, -arm), (half, -arm), (half, -half), (arm, -half), (arm, half), (half, half), (half, arm),
            (-half, arm), (-half, half), (-arm, half), (-arm, -half), (-half, -half)]
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return [(x * c - y * s, x * s + y * c) for x, y in base]


def _regular(n: int, radius: float, start: float = -90.0) -> list[tuple[float, float]]:
    return [(radius * math.cos(math.radians(start + 360 * i / n)), radius * math.sin(math.radians(start + 360 * i / n)))
            for i in range(n)]


def envelope(g: etree._Element, x: float, y: float, w: float, h: float, filled: bool) -> None:
    el(g, "rect", x=x, y=y, width=w, height=h, fill=INK if filled else WHITE, stroke=INK, stroke_width=1.1)
    el(g, "polyline", points=points([(x, y), (x + w / 2, y + h * 0.55), (x + w, y)]), fill="none",
       stroke=WHITE if filled else INK, stroke_width=1.1)


def event_symbol(parent: etree._Element, kind: str, cx: float, cy: float, radius: float, filled: bool) -> None:
    """The symbol of an event definition inside an event circle of ``radius`` at (cx, cy)."""
    g = marker_group(parent, kind, cx, cy, radius / 18)
    if kind == "message":
        envelope(g, -8.5, -6, 17, 12, filled)
    elif kind == "timer":
        el(g, "circle", cx=0, cy=0, r=10.5, fill=WHITE, stroke=INK, stroke_width=1.5)
        for i in range(12):
            a = math.radians(30 * i)
            el(g, "line", x1=8.2 * math.cos(a), y1=8.2 * math.sin(a), x2=10.5 * math.cos(a), y2=10.5 * math.sin(a),
               stroke=INK, stroke_width=1)
        el(g, "polyline", points="5.5,-3 0,0 2,-8", fill="none", stroke=INK, stroke_width=1.3)
    elif kind == "signal":
        _polygon(g, [(0, -10.5), (9.5, 6.5), (-9.5, 6.5)], filled)
    elif kind == "error":
        _polygon(g, [(-9, 9), (-4, -8), (1.5, 1.5), (7, -9), (3.5, 8.5), (-1.5, -1)], filled)
    elif kind == "escalation":
        _polygon(g, [(0, -10), (7.5, 9), (0, 1.5), (-7.5, 9)], filled)
    elif kind == "compensate":
        _polygon(g, [(-10.5, 0), (-1, -6.5), (-1, 6.5)], filled)
        _polygon(g, [(-1, 0), (8.5, -6.5), (8.5, 6.5)], filled)
    elif kind == "conditional":
        el(g, "rect", x=-7, y=-9, width=14, height=18, fill=WHITE, stroke=INK, stroke_width=1.2)
        for line_y in (-5, -1.5, 2, 5.5):
            el(g, "line", x1=-4.5, y1=line_y, x2=4.5, y2=line_y, stroke=INK, stroke_width=1)
    elif kind == "link":
        _polygon(g, [(-9, -3.5), (1.5, -3.5), (1.5, -8.5), (9.5, 0), (1.5, 8.5), (1.5, 3.5), (-9, 3.5)], filled)
    elif kind == "terminate":
        el(g, "circle", cx=0, cy=0, r=11, fill=INK, stroke=INK)
    elif kind == "cancel":
        _polygon(g, _cross(10, 2.8, 45), filled)
    elif kind == "multiple":
        _polygon(g, _regular(5, 10.5), filled)
    elif kind == "parallelMultiple":
        _polygon(g, _cross(10, 3, 0), filled)


def gateway_marker(parent: etree._Element, kind: str, cx: float, cy: float, size: float, *,
                   instantiate: bool = False, parallel: bool = False) -> None:
    """The marker inside a gateway diamond ``size`` wide (smaller of width and height)."""
    g = marker_group(parent, kind, cx, cy, size / 50)
    if kind == "exclusive":
        el(g, "polygon", points=points(_cross(11, 2.6, 45)), fill=INK, stroke="none")
    elif kind == "parallel":
        el(g, "polygon", points=points(_cross(12.5, 2.4, 0)), fill=INK, stroke="none")
    elif kind == "inclusive":
        el(g, "circle", cx=0, cy=0, r=10.5, fill="none", stroke=INK, stroke_width=2.6)
    elif kind == "complex":
        for angle in (0, 45, 90, 135):
            a = math.radians(angle)
            el(g, "line", x1=-12 * math.cos(a), y1=-12 * math.sin(a), x2=12 * math.cos(a), y2=12 * math.sin(a),
               stroke=INK, stroke_width=3.6)
    elif kind == "eventBased":
        el(g, "circle", cx=0, cy=0, r=13, fill="none", stroke=INK, stroke_width=1.1)
        if not instantiate:
            el(g, "circle", cx=0, cy=0, r=10.5, fill="none", stroke=INK, stroke_width=1.1)
        if parallel:
            _polygon(g, _cross(7.5, 2.2, 0), False, 1.1)
        else:
            _polygon(g, _regular(5, 6.5), False, 1.1)


def task_icon(parent: etree._Element, kind: str, x: float, y: float) -> None:
    """The task-type icon in the top-left corner of a task at (x, y) (16 units square)."""
    g = marker_group(parent, kind, x, y)
    if kind == "user":
        el(g, "path", d="M1,16 C1,9.5 15,9.5 15,16 Z", fill=WHITE, stroke=INK, stroke_width=1.1)
        el(g, "circle", cx=8, cy=5, r=4, fill=WHITE, stroke=INK, stroke_width=1.1)
        el(g, "path", d="M4.3,4.4 C6,2 10,2 11.7,4.4 C9,3.3 7,3.3 4.3,4.4 Z", fill=INK)
    elif kind == "service":
        for center, radius in (((7, 7), 6.5), ((11, 11), 5.0)):
            teeth = [
                (center[0] + (radius if (i // 2) % 2 == 0 else radius * 0.68) * math.cos(math.radians(i * 22.5 - 5)),
                 center[1] + (radius if (i // 2) % 2 == 0 else radius * 0.68) * math.sin(math.radians(i * 22.5 - 5)))
                for i in range(16)
            ]
            el(g, "polygon", points=points(teeth), fill=WHITE, stroke=INK, stroke_width=1)
            el(g, "circle", cx=center[0], cy=center[1], r=radius * 0.3, fill=WHITE, stroke=INK, stroke_width=1)
    elif kind == "script":
        el(g, "path", d="M4,1 L15,1 C11,5 15,11 12,15 L1,15 C4.5,11 0.5,5 4,1 Z", fill=WHITE, stroke=INK,
           stroke_width=1.1)
        for line_y in (4.5, 8, 11.5):
            el(g, "line", x1=4.5, y1=line_y, x2=11, y2=line_y, stroke=INK, stroke_width=1)
    elif kind in ("send", "receive"):
        envelope(g, 0, 2, 17, 12, kind == "send")
    elif kind == "manual":
        el(g, "path", d="M1,7 L5,2.5 L13.5,2.5 M7,5.5 L16,5.5 M7,8.5 L16,8.5 M7,11.5 L14.5,11.5 "
           "M1,7 L1,12.5 L3.5,14.5 L13,14.5", fill="none", stroke=INK, stroke_width=1.1, stroke_linejoin="round")
    elif kind == "businessRule":
        el(g, "rect", x=0, y=2, width=17, height=12, fill=WHITE, stroke=INK, stroke_width=1)
        el(g, "rect", x=0, y=2, width=17, height=3.5, fill="#777777", stroke=INK, stroke_width=1)
        el(g, "line", x1=0, y1=9.8, x2=17, y2=9.8, stroke=INK, stroke_width=1)
        el(g, "line", x1=5, y1=5.5, x2=5, y2=14, stroke=INK, stroke_width=1)


MARKER_SIZE: Final = 14.0


def activity_markers(parent: etree._Element, markers: list[str], cx: float, bottom: float) -> None:
    """The markers at the bottom centre of an activity, left to right.

    ``markers`` holds any of ``loop``, ``parallelMultiInstance``, ``sequentialMultiInstance``,
    ``compensation``, ``adHoc``, ``subProcess`` (the collapsed [+]).
    """
    gap = 3.0
    total = len(markers) * MARKER_SIZE + (len(markers) - 1) * gap
    x = cx - total / 2
    y = bottom - MARKER_SIZE - 3
    for marker in markers:
        g = marker_group(parent, marker, x, y)
        x += MARKER_SIZE + gap
        if marker == "loop":
            el(g, "path", d="M4,12 A5.5,5.5 0 1 1 10,12", fill="none", stroke=INK, stroke_width=1.4)
            el(g, "polyline", points="1,10 4,12.4 6,9.5", fill="none", stroke=INK, stroke_width=1.4)
        elif marker == "parallelMultiInstance":
            for line_x in (3, 7, 11):
                el(g, "line", x1=line_x, y1=1, x2=line_x, y2=13, stroke=INK, stroke_width=2)
        elif marker == "sequentialMultiInstance":
            for line_y in (3, 7, 11):
                el(g, "line", x1=1, y1=line_y, x2=13, y2=line_y, stroke=INK, stroke_width=2)
        elif marker == "compensation":
            _polygon(g, [(0, 7), (7, 2), (7, 12)], False, 1)
            _polygon(g, [(7, 7), (14, 2), (14, 12)], False, 1)
        elif marker == "adHoc":
            el(g, "path", d="M1,9 C3.5,4 6.5,4 7,7 C7.5,10 10.5,10 13,5", fill="none", stroke=INK, stroke_width=1.6)
        elif marker == "subProcess":
            el(g, "rect", x=0.5, y=0.5, width=13, height=13, fill=WHITE, stroke=INK, stroke_width=1)
            el(g, "path", d="M7,3 L7,11 M3,7 L11,7", stroke=INK, stroke_width=1.6)


def data_arrow(parent: etree._Element, x: float, y: float, output: bool) -> None:
    """The arrow of a data input (outlined) or data output (filled) at the top left."""
    g = marker_group(parent, "dataOutput" if output else "dataInput", x, y)
    _polygon(g, [(0, 3), (7, 3), (7, 0), (12, 5), (7, 10), (7, 7), (0, 7)], output, 1)


def collection_marker(parent: etree._Element, cx: float, bottom: float) -> None:
    g = marker_group(parent, "collection", cx - 6, bottom - 13)
    for line_x in (2, 6, 10):
        el(g, "line", x1=line_x, y1=0, x2=line_x, y2=10, stroke=INK, stroke_width=1.8)
