"""BPMN shapes of the "as modelled" drawing, one function per element family.

Each shape is drawn exactly at its DI bounds: the element's main outline (``class="bpmn-shape"``)
is a ``rect`` (activities, pools, lanes, groups, annotations), a ``circle`` (events), a
``polygon`` (gateways) or an absolute ``M/L/C/Z`` path (data objects, data stores) whose
corners and control points span the bounds exactly.
"""

from __future__ import annotations

from typing import Final, Protocol

from lxml import etree

from diagrams.di import Bounds, Shape
from diagrams.labels import FONT_SIZE, INK, block_height, text_block, wrap
from diagrams.labels import width as text_width
from diagrams.symbols import (
    WHITE,
    activity_markers,
    collection_marker,
    data_arrow,
    el,
    event_symbol,
    gateway_marker,
    points,
    task_icon,
)

TASK_ICONS: Final = {
    "task": None,
    "userTask": "user",
    "serviceTask": "service",
    "scriptTask": "script",
    "sendTask": "send",
    "receiveTask": "receive",
    "manualTask": "manual",
    "businessRuleTask": "businessRule",
}
GLOBAL_TASK_ICONS: Final = {
    "globalUserTask": "user",
    "globalScriptTask": "script",
    "globalManualTask": "manual",
    "globalBusinessRuleTask": "businessRule",
}
EXPANDABLE: Final = frozenset({"subProcess", "transaction", "adHocSubProcess", "callActivity"})
EVENTS: Final = frozenset(
    {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
)
GATEWAY_MARKERS: Final = {
    "exclusiveGateway": "exclusive",
    "parallelGateway": "parallel",
    "inclusiveGateway": "inclusive",
    "complexGateway": "complex",
    "eventBasedGateway": "eventBased",
}
DEFINITIONS: Final = {
    "messageEventDefinition": "message",
    "timerEventDefinition": "timer",
    "signalEventDefinition": "signal",
    "errorEventDefinition": "error",
    "escalationEventDefinition": "escalation",
    "compensateEventDefinition": "compensate",
    "conditionalEventDefinition": "conditional",
    "linkEventDefinition": "link",
    "terminateEventDefinition": "terminate",
    "cancelEventDefinition": "cancel",
}
DATA_OBJECTS: Final = frozenset({"dataObject", "dataObjectReference", "dataInput", "dataOutput"})
DATA_STORES: Final = frozenset({"dataStore", "dataStoreReference"})
BAND: Final = 30.0
EXTERNAL_LABEL_WIDTH: Final = 90.0
KAPPA: Final = 0.5523


class Context(Protocol):
    """What a shape needs from the drawing: the document's elements and the diagram's shapes."""

    doc: object

    def has_shape(self, element_id: str) -> bool: ...

    def children_drawn(self, element_id: str) -> bool: ...


def local(element: etree._Element | None) -> str:
    return etree.QName(element).localname if element is not None else ""


def bpmn_children(element: etree._Element) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str)]


def element_name(element: etree._Element) -> str:
    """The ``name`` of an element, spaces normalised; explicit line breaks are kept."""
    name = (element.get("name") or "").replace("\r", "")
    return "\n".join(" ".join(line.split()) for line in name.split("\n")).strip()


def is_expanded(kind: str, element: etree._Element, shape: Shape, ctx: Context) -> bool:
    if kind not in EXPANDABLE:
        return False
    if shape.is_expanded is not None:
        return shape.is_expanded
    return ctx.children_drawn(shape.element)


def is_container(kind: str, element: etree._Element, shape: Shape, ctx: Context) -> bool:
    """Pools, lanes and expanded subprocesses: drawn first, under everything they hold."""
    return kind in ("participant", "lane") or is_expanded(kind, element, shape, ctx)


def draw_shape(layer: etree._Element, shape: Shape, kind: str, element: etree._Element, ctx: Context) -> None:
    """Draw one BPMN shape as ``<g id=... data-bpmn-kind=...>``."""
    g = el(layer, "g", id=shape.element, data_bpmn_kind=kind, cls="bpmn-element")
    box = shape.bounds
    name = element_name(element)
    if kind in ("participant", "lane"):
        _pool_or_lane(g, shape, kind, element, name)
    elif kind in TASK_ICONS or kind in EXPANDABLE:
        _activity(g, shape, kind, element, name, ctx)
    elif kind in EVENTS:
        _event(g, box, kind, element)
        external_label(g, shape, name)
    elif kind in GATEWAY_MARKERS:
        _diamond(g, box, kind, element, shape)
        external_label(g, shape, name)
    elif kind in DATA_OBJECTS:
        _data_object(g, box, kind, element, ctx)
        state = next((element_name(c) for c in bpmn_children(element) if local(c) == "dataState"), "")
        shown = state and f"[{state}]" not in name  # some tools already put the state in the name
        external_label(g, shape, f"{name}\n[{state}]" if shown else name)
    elif kind in DATA_STORES:
        _data_store(g, box)
        external_label(g, shape, name)
    elif kind == "textAnnotation":
        el(g, "rect", cls="bpmn-shape", x=box.x, y=box.y, width=box.width, height=box.height, fill="none",
           stroke="none")
        el(g, "path", d=f"M{box.x + 10:g},{box.y:g} L{box.x:g},{box.y:g} L{box.x:g},{box.bottom:g} "
           f"L{box.x + 10:g},{box.bottom:g}", fill="none", stroke=INK, stroke_width=1.2)
        text = "\n".join("".join(c.itertext()) for c in bpmn_children(element) if local(c) == "text")
        text_block(g, wrap(text, max(box.width - 8, 20)), 0, 0, x=box.x + 5, top=box.y + 3, anchor="start")
    elif kind == "group":
        el(g, "rect", cls="bpmn-shape", x=box.x, y=box.y, width=box.width, height=box.height, rx=10, fill="none",
           stroke=INK, stroke_width=1.3, stroke_dasharray="10 4 2 4")
        ref = (element.get("categoryValueRef") or "").rsplit(":", 1)[-1]
        value = getattr(ctx.doc, "elements", {}).get(ref) if ref else None
        label = element_name(value) if value is not None and value.get("value") is None else (
            " ".join((value.get("value") or "").split()) if value is not None else name)
        if shape.label is not None:
            external_label(g, shape, label or name)
        else:
            text_block(g, wrap(label or name, box.width - 10), box.cx, 0, top=box.y + 4)
    else:
        el(g, "rect", cls="bpmn-shape", x=box.x, y=box.y, width=box.width, height=box.height, fill="none",
           stroke=INK, stroke_dasharray="3 3")
        text_block(g, wrap(name or kind, box.width - 6), box.cx, box.cy)


def _pool_or_lane(g: etree._Element, shape: Shape, kind: str, element: etree._Element, name: str) -> None:
    box = shape.bounds
    horizontal = shape.is_horizontal if shape.is_horizontal is not None else box.width >= box.height
    el(g, "rect", cls="bpmn-shape", x=box.x, y=box.y, width=box.width, height=box.height,
       fill=WHITE if kind == "participant" else "none", stroke=INK, stroke_width=1.5 if kind == "participant" else 1)
    black_box = kind == "participant" and not element.get("processRef")
    if black_box:
        length = box.width if horizontal else box.height
        text = text_block(g, wrap(name, length - 20), box.cx, box.cy, css_class="bpmn-label bpmn-band")
        if text is not None and not horizontal:
            text.set("transform", f"rotate(-90 {box.cx:g} {box.cy:g})")
        return
    if horizontal:
        el(g, "line", x1=box.x + BAND, y1=box.y, x2=box.x + BAND, y2=box.bottom, stroke=INK, stroke_width=1)
        cx, cy = box.x + BAND / 2, box.cy
        text = text_block(g, wrap(name, box.height - 10), cx, cy, css_class="bpmn-label bpmn-band")
        if text is not None:
            text.set("transform", f"rotate(-90 {cx:g} {cy:g})")
    else:
        el(g, "line", x1=box.x, y1=box.y + BAND, x2=box.right, y2=box.y + BAND, stroke=INK, stroke_width=1)
        text_block(g, wrap(name, box.width - 10), box.cx, box.y + BAND / 2, css_class="bpmn-label bpmn-band")


def _activity(g: etree._Element, shape: Shape, kind: str, element: etree._Element, name: str, ctx: Context) -> None:
    box = shape.bounds
    expanded = is_expanded(kind, element, shape, ctx)
    width = 4.0 if kind == "callActivity" else 1.5
    rect = el(g, "rect", cls="bpmn-shape", x=box.x, y=box.y, width=box.width, height=box.height, rx=10,
              fill=WHITE, stroke=INK, stroke_width=width)
    if element.get("triggeredByEvent") == "true":
        rect.set("stroke-dasharray", "2 3")
        rect.set("stroke-width", "1.3")
    if kind == "transaction":
        el(g, "rect", x=box.x + 4, y=box.y + 4, width=max(box.width - 8, 0), height=max(box.height - 8, 0), rx=7,
           fill="none", stroke=INK, stroke_width=1.2)
    icon = TASK_ICONS.get(kind)
    called_kind = None
    if kind == "callActivity":
        called = getattr(ctx.doc, "elements", {}).get((element.get("calledElement") or "").rsplit(":", 1)[-1])
        called_kind = local(called)
        icon = GLOBAL_TASK_ICONS.get(called_kind)
    if icon:
        task_icon(g, icon, box.x + 6, box.y + 5)
    markers: list[str] = []
    for child in bpmn_children(element):
        if local(child) == "standardLoopCharacteristics":
            markers.append("loop")
        elif local(child) == "multiInstanceLoopCharacteristics":
            sequential = (child.get("isSequential") or "").lower() == "true"
            markers.append("sequentialMultiInstance" if sequential else "parallelMultiInstance")
    if element.get("isForCompensation") == "true":
        markers.append("compensation")
    if kind == "adHocSubProcess":
        markers.append("adHoc")
    if not expanded and (kind in ("subProcess", "transaction", "adHocSubProcess")
                         or (kind == "callActivity" and not called_kind.startswith("global"))):
        markers.insert(0, "subProcess")
    if markers:
        activity_markers(g, markers, box.cx, box.bottom)
    if expanded:
        text_block(g, wrap(name, box.width - 16), 0, 0, x=box.x + 8, top=box.y + 4, anchor="start")
    else:
        bottom = box.bottom - (18 if markers else 0)
        lines = wrap(name, box.width - 10)
        height = block_height(lines)
        top = (box.y + bottom - height) / 2
        widest = max((text_width(line) for line in lines), default=0.0)
        if icon and top < box.y + 22 and widest / 2 > box.width / 2 - 26 and box.y + 22 + height <= bottom:
            top = box.y + 22  # the first line would run into the icon: start below it
        text_block(g, lines, box.cx, 0, top=top)


def _event(g: etree._Element, box: Bounds, kind: str, element: etree._Element) -> None:
    radius = min(box.width, box.height) / 2
    definitions = [DEFINITIONS[local(c)] for c in bpmn_children(element) if local(c) in DEFINITIONS]
    definitions += ["ref"] * sum(1 for c in bpmn_children(element) if local(c) == "eventDefinitionRef")
    dashed = (kind == "boundaryEvent" and element.get("cancelActivity") == "false") or (
        kind == "startEvent" and element.get("isInterrupting") == "false")
    dash = "5 3" if dashed else None
    thin = min(max(radius / 18, 0.5), 1.0)  # small events get proportionally thinner lines
    width = round({"startEvent": 1.6, "endEvent": 4.0}.get(kind, 1.2) * thin, 2)
    el(g, "circle", cls="bpmn-shape", cx=box.cx, cy=box.cy, r=radius, fill=WHITE, stroke=INK, stroke_width=width,
       stroke_dasharray=dash)
    if kind not in ("startEvent", "endEvent"):
        el(g, "circle", cx=box.cx, cy=box.cy, r=max(radius - 3, 1), fill="none", stroke=INK, stroke_width=1.2,
           stroke_dasharray=dash)
    if not definitions:
        return
    if len(definitions) > 1:
        symbol = "parallelMultiple" if element.get("parallelMultiple") == "true" else "multiple"
    else:
        symbol = definitions[0]
    if symbol == "ref":
        return
    throw = kind in ("endEvent", "intermediateThrowEvent")
    event_symbol(g, symbol, box.cx, box.cy, radius, filled=throw)


def _diamond(g: etree._Element, box: Bounds, kind: str, element: etree._Element, shape: Shape) -> None:
    corners = [(box.cx, box.y), (box.right, box.cy), (box.cx, box.bottom), (box.x, box.cy)]
    el(g, "polygon", cls="bpmn-shape", points=points(corners), fill=WHITE, stroke=INK, stroke_width=1.5,
       stroke_linejoin="round")
    marker = GATEWAY_MARKERS[kind]
    if marker == "exclusive" and not shape.is_marker_visible:
        return
    gateway_marker(g, marker, box.cx, box.cy, min(box.width, box.height),
                   instantiate=element.get("instantiate") == "true",
                   parallel=element.get("eventGatewayType") == "Parallel")


def _data_object(g: etree._Element, box: Bounds, kind: str, element: etree._Element, ctx: Context) -> None:
    fold = min(box.width, box.height) * 0.3
    x, y, r, b = box.x, box.y, box.right, box.bottom
    el(g, "path", cls="bpmn-shape", d=f"M{x:g},{y:g} L{r - fold:g},{y:g} L{r:g},{y + fold:g} L{r:g},{b:g} "
       f"L{x:g},{b:g} Z", fill=WHITE, stroke=INK, stroke_width=1.2, stroke_linejoin="round")
    el(g, "polyline", points=points([(r - fold, y), (r - fold, y + fold), (r, y + fold)]), fill="none", stroke=INK,
       stroke_width=1.2)
    if kind in ("dataInput", "dataOutput"):
        data_arrow(g, x + 4, y + 4, kind == "dataOutput")
    target = element
    if kind == "dataObjectReference":
        ref = (element.get("dataObjectRef") or "").rsplit(":", 1)[-1]
        target = getattr(ctx.doc, "elements", {}).get(ref, element)
    if (target.get("isCollection") or "").lower() == "true":
        collection_marker(g, box.cx, b)


def _data_store(g: etree._Element, box: Bounds) -> None:
    x, y, w, h = box.x, box.y, box.width, box.height
    ry = min(h * 0.15, 10.0)
    cx, r, b = x + w / 2, x + w, y + h
    kx = KAPPA * w / 2

    def half(y0: float, sweep_y: float, start_x: float, end_x: float) -> str:
        """Two quarter arcs from (start_x, y0) through (cx, sweep_y) to (end_x, y0)."""
        sx = 1 if end_x > start_x else -1
        return (f"C{start_x:g},{y0 + (sweep_y - y0) * KAPPA:g} {cx - sx * kx:g},{sweep_y:g} {cx:g},{sweep_y:g} "
                f"C{cx + sx * kx:g},{sweep_y:g} {end_x:g},{y0 + (sweep_y - y0) * KAPPA:g} {end_x:g},{y0:g}")

    outline = f"M{x:g},{y + ry:g} {half(y + ry, y, x, r)} L{r:g},{b - ry:g} {half(b - ry, b, r, x)} Z"
    el(g, "path", cls="bpmn-shape", d=outline, fill=WHITE, stroke=INK, stroke_width=1.2)
    for offset in (0.0, 5.0, 10.0):
        if y + ry + offset + ry < b - ry:
            el(g, "path", d=f"M{x:g},{y + ry + offset:g} {half(y + ry + offset, y + 2 * ry + offset, x, r)}",
               fill="none", stroke=INK, stroke_width=1.2)


def external_label(g: etree._Element, shape: Shape, name: str) -> None:
    """The label of an event, gateway or data element: in its BPMNLabel bounds, else below it."""
    if not name:
        return
    label = shape.label
    if label is not None and label.width > 1:
        lines = wrap(name, max(label.width * 1.15, 40.0))
        text_block(g, lines, label.cx, label.cy, css_class="bpmn-label bpmn-external", halo=True)
        return
    box = shape.bounds
    lines = wrap(name, max(EXTERNAL_LABEL_WIDTH, box.width))
    text_block(g, lines, box.cx, 0, top=box.bottom + 3, css_class="bpmn-label bpmn-external", size=FONT_SIZE, halo=True)
