"""Draw a BPMN diagram as modelled: every shape at its DI bounds, every edge along its waypoints.

No layout happens here: the file's ``BPMNDiagram`` says where everything is, and this module
draws standard BPMN notation there as SVG (pools and lanes with their name bands, activities with
task-type icons and markers, events with their definition symbols, gateways with their markers,
data objects and stores, groups, annotations, connections). Elements without a shape or edge in
the diagram are not drawn. A file with no diagram at all, and any process no diagram shows, is
drawn with the automatic graphviz layout of :func:`diagrams.graph.to_digraph` instead.

Every drawn element is ``<g id="<BPMN id>" data-bpmn-kind="<element name>">``; the shape that
stands for its DI bounds carries ``class="bpmn-shape"``, a connection's polyline
``class="bpmn-path"``, BPMN symbols ``class="bpmn-marker" data-marker="..."``.
"""

from __future__ import annotations

from typing import Final

from lxml import etree

from diagrams.di import Bounds, Diagram, Document, Shape, read_document
from diagrams.flows import EDGE_KINDS, draw_edge
from diagrams.labels import FONT_SIZE, INK, SVG_NS, fmt, text_block, wrap
from diagrams.model import BpmnModel, BpmnSource, _read_source, parse_bpmn
from diagrams.notation import draw_shape, element_name, is_container
from diagrams.output import Format, convert_svg, render
from diagrams.symbols import WHITE, el

MARGIN: Final = 20.0
FALLBACK_GAP: Final = 40.0


def render_modelled(
    source: BpmnSource,
    fmt: Format = "svg",
    *,
    diagram: str | int | None = None,
    zoom: float = 1.0,
    max_width: int | None = None,
) -> bytes:
    """Draw a BPMN file as its modeller drew it.

    Args:
        source: As :func:`diagrams.model.parse_bpmn`.
        fmt: ``"svg"``, ``"pdf"`` or ``"png"`` (PDF and PNG through ``rsvg-convert``).
        diagram: Which ``BPMNDiagram``: its id or 1-based position; the first when omitted.
        zoom: PNG/PDF scale (1 diagram unit = 1 px at zoom 1).
        max_width: PNG/PDF: shrink the zoom so the output is at most this many px wide.

    Returns:
        The drawing. A file without any diagram is drawn with the automatic layout (``dot``).

    Raises:
        BpmnParseError: As ``parse_bpmn``; ``bpmn_no_diagram`` for an unknown ``diagram``.
        DiagramError: Unsupported format, or the converter missing or failing.
    """
    data = _read_source(source)
    model = parse_bpmn(data)
    document = read_document(data)
    if not has_diagram(document):
        from diagrams.graph import to_digraph

        return render(to_digraph(model), fmt)
    svg = modelled_svg(document, document.diagram(diagram), model)
    return svg if fmt == "svg" else convert_svg(svg, fmt, zoom=zoom, max_width=max_width)


def has_diagram(document: Document) -> bool:
    """True when at least one diagram of the document draws something."""
    return any(not d.is_empty for d in document.diagrams)


def modelled_svg(document: Document, diagram: Diagram, model: BpmnModel | None = None) -> bytes:
    """The SVG of one diagram (UTF-8 bytes).

    Args:
        model: When given, processes that no diagram of the document shows are drawn below the
            diagram with the automatic layout.
    """
    painter = _Painter(document, diagram)
    root = painter.paint()
    if model is not None:
        _append_undrawn(root, document, model)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class _Painter:
    def __init__(self, document: Document, diagram: Diagram) -> None:
        self.doc = document
        self.diagram = diagram
        self.shapes: dict[str, Shape] = {}
        for shape in diagram.shapes:
            self.shapes.setdefault(shape.element, shape)

    def paint(self) -> etree._Element:
        box = self.diagram.bounds() or Bounds(0, 0, 100, 100)
        root = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS})
        _set_viewbox(root, Bounds(box.x - MARGIN, box.y - MARGIN, box.width + 2 * MARGIN, box.height + 2 * MARGIN))
        root.set("data-bpmn-diagram", self.diagram.id)
        title = el(root, "title")
        title.text = self.diagram.name or self.diagram.id or "BPMN"
        el(root, "rect", id="background", x=box.x - MARGIN, y=box.y - MARGIN, width=box.width + 2 * MARGIN,
           height=box.height + 2 * MARGIN, fill=WHITE)
        layers = {name: el(root, "g", cls=f"layer-{name}") for name in ("containers", "nodes", "edges", "boundary",
                                                                        "groups")}
        containers: list[tuple[Shape, str, etree._Element]] = []
        drawn: set[str] = set()
        for shape in self.diagram.shapes:
            element = self.doc.elements.get(shape.element)
            if element is None or shape.element in drawn:
                continue
            drawn.add(shape.element)
            kind = etree.QName(element).localname
            if is_container(kind, element, shape, self):
                containers.append((shape, kind, element))
                continue
            layer = "boundary" if kind == "boundaryEvent" else "groups" if kind == "group" else "nodes"
            draw_shape(layers[layer], shape, kind, element, self)
        for shape, kind, element in sorted(containers, key=lambda c: (-c[0].bounds.area, c[0].order)):
            draw_shape(layers["containers"], shape, kind, element, self)
        for edge in self.diagram.edges:
            element = self.doc.elements.get(edge.element)
            if element is None or edge.element in drawn:
                continue
            drawn.add(edge.element)
            kind = etree.QName(element).localname
            source_id = element.get("sourceRef")
            source = self.doc.elements.get(source_id) if source_id else None
            source_kind = etree.QName(source).localname if source is not None else None
            is_default = source is not None and source.get("default") == edge.element
            draw_edge(layers["edges"], edge, element, kind if kind in EDGE_KINDS else kind, source_kind=source_kind,
                      is_default=is_default, name=element_name(element))
        return root

    def has_shape(self, element_id: str) -> bool:
        return element_id in self.shapes

    def children_drawn(self, element_id: str) -> bool:
        """True when an element directly inside ``element_id`` has a shape in this diagram."""
        return any(self.doc.parents.get(child) == element_id for child in self.shapes)


def _set_viewbox(root: etree._Element, box: Bounds) -> None:
    root.set("viewBox", f"{fmt(box.x)} {fmt(box.y)} {fmt(box.width)} {fmt(box.height)}")
    root.set("width", fmt(box.width))
    root.set("height", fmt(box.height))


def undrawn_processes(document: Document, model: BpmnModel) -> list[str]:
    """Ids of the processes with flow nodes of which no diagram of the document draws anything."""
    shown: set[str] = {d.plane_element for d in document.diagrams}
    for element_id in document.drawn_ids():
        current: str | None = element_id
        while current and current not in shown:
            shown.add(current)
            current = document.parents.get(current)
    return [p.id for p in model.processes if p.nodes and p.id not in shown]


def _append_undrawn(root: etree._Element, document: Document, model: BpmnModel) -> None:
    """Draw each process no diagram shows below the diagram, laid out by graphviz."""
    missing = undrawn_processes(document, model)
    if not missing:
        return
    from diagrams.graph import to_digraph

    x, y, width, height = (float(v) for v in root.get("viewBox", "0 0 0 0").split())
    top = y + height
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    for process_id in missing:
        graph = etree.fromstring(render(to_digraph(model, process_id=process_id), "svg"), parser)
        gw, gh = (float(v) for v in (graph.get("viewBox") or "0 0 100 100").split()[2:])
        g = el(root, "g", id=f"auto-layout-{process_id}", data_bpmn_kind="process", data_layout="auto")
        name = model.process(process_id).name or process_id
        text_block(g, wrap(f"{name}（文件中没有此流程的图形，自动布局）", max(width - 2 * MARGIN, 200)),
                   0, 0, x=x + MARGIN, top=top, anchor="start", size=FONT_SIZE * 1.2, weight="bold")
        top += FONT_SIZE * 2.2
        nested = el(g, "svg", x=x + MARGIN, y=top, width=gw, height=gh, viewBox=graph.get("viewBox"))
        nested.extend(list(graph))
        el(g, "rect", x=x + MARGIN / 2, y=top - FONT_SIZE * 2.5, width=gw + MARGIN, height=gh + FONT_SIZE * 3,
           fill="none", stroke=INK, stroke_width=0.6, stroke_dasharray="4 4")
        top += gh + FALLBACK_GAP
        width = max(width, gw + 2 * MARGIN)
    _set_viewbox(root, Bounds(x, y, width, top - y))
    background = root.find(f"{{{SVG_NS}}}rect")
    if background is not None:
        background.set("width", fmt(width))
        background.set("height", fmt(top - y))
