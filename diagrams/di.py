"""Read the diagram interchange (BPMN DI) of a BPMN 2.0 document: where the modeller drew what.

A document may hold several ``BPMNDiagram`` elements; each has one ``BPMNPlane`` with
``BPMNShape`` (bounds of an element, optional label bounds, ``isHorizontal``, ``isExpanded``,
``isMarkerVisible``) and ``BPMNEdge`` (waypoints of a connection, optional label bounds). This
module reads them as they are, in the file's own coordinates, without any layout of its own.

The XML is read with the same hardened parser as :func:`diagrams.model.parse_bpmn` (no DTD, no
entities, no network, size limit). Coordinates that are not finite numbers are refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from lxml import etree

from diagrams.errors import BpmnParseError
from diagrams.model import BPMN_NS, BpmnSource, _local, _parse_xml, _read_source

BPMNDI_NS: Final = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS: Final = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS: Final = "http://www.omg.org/spec/DD/20100524/DI"
MAX_COORDINATE: Final = 1_000_000.0


@dataclass(frozen=True, slots=True)
class Bounds:
    """A rectangle in diagram units (``dc:Bounds``)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2

    @property
    def area(self) -> float:
        return self.width * self.height


@dataclass(frozen=True, slots=True)
class Shape:
    """A ``BPMNShape``.

    Attributes:
        id: The shape's own id (may be empty).
        element: The id of the BPMN element it draws (``bpmnElement``).
        bounds: Where the element is drawn.
        label: Bounds of its ``BPMNLabel``, when the file gives them.
        is_horizontal: Pools and lanes: ``True``/``False`` as written, ``None`` when absent.
        is_expanded: Subprocesses and call activities: as written, ``None`` when absent.
        is_marker_visible: Exclusive gateways: ``True`` only when the file says so.
        order: Position of the shape in its plane (document order).
    """

    id: str
    element: str
    bounds: Bounds
    label: Bounds | None = None
    is_horizontal: bool | None = None
    is_expanded: bool | None = None
    is_marker_visible: bool = False
    order: int = 0


@dataclass(frozen=True, slots=True)
class Edge:
    """A ``BPMNEdge``: the waypoints of a flow or association, in drawing order.

    Attributes:
        message_visible: ``"initiating"`` or ``"non_initiating"`` when a message flow shows its
            message envelope (``messageVisibleKind``), else ``None``.
    """

    id: str
    element: str
    waypoints: tuple[tuple[float, float], ...]
    label: Bounds | None = None
    message_visible: str | None = None
    order: int = 0


@dataclass(frozen=True, slots=True)
class Diagram:
    """One ``BPMNDiagram`` with its plane.

    Attributes:
        plane_element: The ``bpmnElement`` of the plane (a collaboration, process or subprocess).
        shapes: Every shape, in document order.
        edges: Every edge, in document order.
    """

    id: str
    name: str
    plane_element: str
    shapes: tuple[Shape, ...]
    edges: tuple[Edge, ...]

    def bounds(self) -> Bounds | None:
        """The smallest rectangle holding every shape, label and waypoint; ``None`` when empty."""
        xs: list[float] = []
        ys: list[float] = []
        for shape in self.shapes:
            for box in (shape.bounds, shape.label):
                if box is not None:
                    xs += [box.x, box.right]
                    ys += [box.y, box.bottom]
        for edge in self.edges:
            xs += [x for x, _ in edge.waypoints]
            ys += [y for _, y in edge.waypoints]
            if edge.label is not None:
                xs += [edge.label.x, edge.label.right]
                ys += [edge.label.y, edge.label.bottom]
        if not xs:
            return None
        return Bounds(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))

    @property
    def is_empty(self) -> bool:
        return not self.shapes and not self.edges


@dataclass(frozen=True, slots=True)
class Document:
    """A BPMN document's semantic elements by id, and its diagrams.

    Attributes:
        root: The ``definitions`` element.
        elements: Every BPMN-namespace element that has an id, by id (the first wins).
        parents: For each of those ids, the id of the nearest enclosing element with an id.
        diagrams: The diagrams in document order.
    """

    root: etree._Element
    elements: dict[str, etree._Element]
    parents: dict[str, str]
    diagrams: tuple[Diagram, ...]

    def kind(self, element_id: str) -> str | None:
        """The BPMN element name (``userTask``, ``lane`` ...) of an id, ``None`` when unknown."""
        element = self.elements.get(element_id)
        return _local(element) if element is not None else None

    def diagram(self, which: str | int | None = None) -> Diagram:
        """A diagram by id, by 1-based position, or the first one.

        Raises:
            BpmnParseError: No such diagram (code ``bpmn_no_diagram``).
        """
        if not self.diagrams:
            raise BpmnParseError("BPMN 文件没有图形信息（BPMNDiagram）", code="bpmn_no_diagram")
        if which is None:
            return self.diagrams[0]
        if isinstance(which, int) or (isinstance(which, str) and which.isdigit()):
            index = int(which)
            if 1 <= index <= len(self.diagrams):
                return self.diagrams[index - 1]
        for diagram in self.diagrams:
            if diagram.id == which:
                return diagram
        names = "、".join(d.id or str(i + 1) for i, d in enumerate(self.diagrams))
        raise BpmnParseError(f"没有图 {which!r}（可选：{names}）", code="bpmn_no_diagram")

    def drawn_ids(self) -> set[str]:
        """Every element id that has a shape or an edge in any diagram."""
        return {s.element for d in self.diagrams for s in d.shapes} | {
            e.element for d in self.diagrams for e in d.edges
        }


def read_document(source: BpmnSource) -> Document:
    """Read a BPMN document's elements and diagrams.

    Raises:
        BpmnParseError: As :func:`diagrams.model.parse_bpmn` (unreadable, hostile, not BPMN), or
            ``bpmn_invalid`` for a coordinate that is not a finite number.
    """
    root = _parse_xml(_read_source(source))
    if _local(root) != "definitions":
        raise BpmnParseError(
            f"根元素不是 BPMN 2.0 的 definitions（命名空间 {BPMN_NS}）: {root.tag}", code="bpmn_invalid"
        )
    elements: dict[str, etree._Element] = {}
    parents: dict[str, str] = {}
    _index(root, None, elements, parents)
    diagrams = tuple(_diagram(el) for el in root.iter(f"{{{BPMNDI_NS}}}BPMNDiagram"))
    return Document(root=root, elements=elements, parents=parents, diagrams=diagrams)


def _index(
    element: etree._Element, parent: str | None, elements: dict[str, etree._Element], parents: dict[str, str]
) -> None:
    for child in element:
        if not isinstance(child.tag, str) or _local(child) is None:
            continue
        child_id = child.get("id")
        if child_id and child_id not in elements:
            elements[child_id] = child
            if parent:
                parents[child_id] = parent
        _index(child, child_id or parent, elements, parents)


def _diagram(element: etree._Element) -> Diagram:
    plane = element.find(f"{{{BPMNDI_NS}}}BPMNPlane")
    shapes: list[Shape] = []
    edges: list[Edge] = []
    if plane is not None:
        # Shapes and edges are direct children of the plane; some tools nest them deeper.
        for order, child in enumerate(plane.iter(f"{{{BPMNDI_NS}}}BPMNShape", f"{{{BPMNDI_NS}}}BPMNEdge")):
            target = _qname_local(child.get("bpmnElement"))
            if not target:
                continue
            if child.tag == f"{{{BPMNDI_NS}}}BPMNShape":
                bounds = _bounds(child.find(f"{{{DC_NS}}}Bounds"))
                if bounds is None:
                    continue
                shapes.append(
                    Shape(
                        id=child.get("id", ""),
                        element=target,
                        bounds=bounds,
                        label=_label(child),
                        is_horizontal=_optional_bool(child.get("isHorizontal")),
                        is_expanded=_optional_bool(child.get("isExpanded")),
                        is_marker_visible=_optional_bool(child.get("isMarkerVisible")) is True,
                        order=order,
                    )
                )
            else:
                points = tuple(
                    (_number(p.get("x")), _number(p.get("y"))) for p in child.iter(f"{{{DI_NS}}}waypoint")
                )
                if len(points) < 2:
                    continue
                kind = child.get("messageVisibleKind")
                edges.append(
                    Edge(
                        id=child.get("id", ""),
                        element=target,
                        waypoints=points,
                        label=_label(child),
                        message_visible=kind if kind in ("initiating", "non_initiating") else None,
                        order=order,
                    )
                )
    return Diagram(
        id=element.get("id", ""),
        name=" ".join((element.get("name") or "").split()),
        plane_element=_qname_local(plane.get("bpmnElement") if plane is not None else None) or "",
        shapes=tuple(shapes),
        edges=tuple(edges),
    )


def _label(element: etree._Element) -> Bounds | None:
    label = element.find(f"{{{BPMNDI_NS}}}BPMNLabel")
    if label is None:
        return None
    return _bounds(label.find(f"{{{DC_NS}}}Bounds"))


def _bounds(element: etree._Element | None) -> Bounds | None:
    if element is None:
        return None
    width, height = _number(element.get("width")), _number(element.get("height"))
    if width < 0 or height < 0:
        raise BpmnParseError("BPMN 图形的宽或高为负数", code="bpmn_invalid")
    return Bounds(_number(element.get("x")), _number(element.get("y")), width, height)


def _number(text: str | None) -> float:
    try:
        value = float(text) if text is not None else 0.0
    except ValueError as exc:
        raise BpmnParseError(f"BPMN 图形坐标不是数字: {text[:40]!r}", code="bpmn_invalid") from exc
    if not math.isfinite(value) or abs(value) > MAX_COORDINATE:
        raise BpmnParseError(f"BPMN 图形坐标超出范围: {text[:40]!r}", code="bpmn_invalid")
    return value


def _optional_bool(text: str | None) -> bool | None:
    if text is None:
        return None
    return text.strip().lower() in ("true", "1")


def _qname_local(qname: str | None) -> str | None:
    if not qname:
        return None
    return qname.rsplit(":", 1)[-1].strip() or None
