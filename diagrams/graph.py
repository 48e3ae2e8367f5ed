"""Turn a parsed BPMN model into a ``graphviz.Digraph``.

Shapes follow BPMN as far as graphviz allows: events are circles (end events bold, intermediate
events double), activities rounded boxes, gateways diamonds with the BPMN symbol, lanes and pools
clusters, expanded subprocesses clusters holding their children. Every element is drawn with its
BPMN id as the graphviz node name and as the SVG ``id``, so ``<g id="review">`` finds a step.

Layout is deterministic: elements are emitted in document order, never in hash order, so the same
input gives the same DOT source and the same SVG bytes.

Labels use the Noto Sans CJK SC font; how each element looks is in :mod:`diagrams.shapes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import graphviz

from diagrams.model import (
    Association,
    BpmnModel,
    DataAssociation,
    DataItem,
    FlowNode,
    Lane,
    MessageFlow,
    Process,
    SequenceFlow,
    TextAnnotation,
)
from diagrams.overlay import CaseOverlay
from diagrams.shapes import (
    ACTIVITY_LINE,
    EDGE_WIDTH,
    INK,
    LANE_FILL,
    LANE_LINE,
    LINK_FILL,
    LINK_LINE,
    MUTED,
    POOL_LINE,
    RISK_FILL,
    RISK_LINE,
    SMALL_TEXT,
    FlowOptions,
    NodeStyler,
    markers,
    number_text,
    overlay_legend,
    risk_callout_id,
    risk_options,
    svg_id,
)
from diagrams.sheet import RiskPoint
from diagrams.text import FONT, circled, html, html_lines, shorten, wrap

__all__ = [
    "FlowOptions",
    "draw_flow",
    "new_digraph",
    "risk_callout_id",
    "risk_options",
    "svg_id",
    "to_digraph",
]


def new_digraph(
    name: str, *, rankdir: str = "TB", font_size: float = 14.0, ranksep: float = 0.45, nodesep: float = 0.35
) -> graphviz.Digraph:
    """A digraph with the package's common attributes (CJK font, compound edges).

    Args:
        name: The graph name (also the SVG id of the root group).
        rankdir: ``"TB"`` or ``"LR"``.
        font_size: Node font size in points; edge labels are 86 % of it.
        ranksep: Minimum distance between ranks, inches.
        nodesep: Minimum distance between nodes of a rank, inches.
    """
    g = graphviz.Digraph(name=name, engine="dot")
    g.attr(
        "graph",
        fontname=FONT,
        fontsize="14",
        rankdir=rankdir,
        compound="true",
        nodesep=number_text(nodesep),
        ranksep=number_text(ranksep),
        bgcolor="white",
        pad="0.2",
        id=svg_id(name),
    )
    g.attr("node", fontname=FONT, fontsize=number_text(font_size), color=INK, fontcolor=INK, penwidth="1.4")
    g.attr(
        "edge",
        fontname=FONT,
        fontsize=number_text(font_size * SMALL_TEXT),
        color=INK,
        fontcolor=INK,
        arrowsize="0.8",
    )
    return g


def to_digraph(
    model: BpmnModel,
    *,
    process_id: str | None = None,
    expand_call_activities: bool = False,
    called_models: Mapping[str, BpmnModel] | None = None,
    labels: Mapping[str, str] | None = None,
    overlay: CaseOverlay | None = None,
    risk: Mapping[str, str] | Iterable[RiskPoint] | None = None,
    risk_callouts: bool = False,
    position_names: Mapping[str, str] | None = None,
    rankdir: str = "TB",
) -> graphviz.Digraph:
    """Draw a BPMN model as a graphviz digraph.

    Args:
        model: The parsed BPMN document.
        process_id: Draw only this process; ``None`` draws every process of the document, each
            pool of a collaboration as a cluster, with the message flows between them.
        expand_call_activities: Draw each call activity whose called process is known as a
            cluster holding that process (node ids become ``"<call id>/<node id>"``).
        called_models: Process id -> model holding it, for call activities; the document's own
            processes are found without it.
        labels: Node id -> the second line of its box (e.g. ``"经办人 · 3个工作日"``); without it
            the line comes from the task's ``position`` (else its lane) and ``time_limit``
            properties.
        overlay: Case status to draw over the process.
        risk: Node id -> level (高/中/低), or :class:`RiskPoint` objects: risky nodes get a
            coloured border and ★ with the risk numbers.
        risk_callouts: Also draw each risk point as a coloured note beside its node.
        position_names: Position code -> display name for ``position`` properties.
        rankdir: ``"TB"`` (top-down, the poster layout) or ``"LR"``.

    Returns:
        The digraph; render it with :func:`diagrams.output.render`.

    Raises:
        ProcessNotFound: ``process_id`` is not a process of the model.
    """
    options = FlowOptions(
        expand_call_activities=expand_call_activities,
        called_models=dict(called_models or {}),
        labels=dict(labels or {}),
        position_names=dict(position_names or {}),
        overlay=overlay,
        risk_callouts=risk_callouts,
        **risk_options(risk),  # type: ignore[arg-type]
    )
    name = process_id or model.id or model.name or "bpmn"
    g = new_digraph(name, rankdir=rankdir, font_size=options.font_size)
    draw_flow(g, model, process_id=process_id, options=options)
    if overlay is not None:
        g.attr("graph", label=overlay_legend(), labelloc="b", labeljust="l")
    return g


def draw_flow(g: graphviz.Digraph, model: BpmnModel, *, process_id: str | None, options: FlowOptions) -> None:
    """Draw the flow of ``model`` into ``g`` (a root graph or a subgraph).

    Args:
        g: Where to draw.
        model: The parsed BPMN document.
        process_id: As in :func:`to_digraph`.
        options: Rendering options.
    """
    _Drawer(model, options).draw(g, process_id)


class _Drawer:
    """Emits one model into a graph: nodes inside their clusters first, then every edge."""

    def __init__(self, model: BpmnModel, options: FlowOptions) -> None:
        self.model = model
        self.options = options
        self.used: set[str] = set()
        self.anonymous = 0
        self.node_name: dict[str, str] = {}  # full id -> graphviz node name (plain nodes)
        self.entry: dict[str, tuple[str, str | None]] = {}  # full id -> (node, lhead cluster)
        self.exit: dict[str, tuple[str, str | None]] = {}  # full id -> (node, ltail cluster)
        self.clusters_of: dict[str, tuple[str, ...]] = {}  # node name -> enclosing clusters
        self.edges: list[tuple[str, str, dict[str, str]]] = []
        self.pending_flows: list[tuple[SequenceFlow, str]] = []  # (flow, id prefix)
        self.pending_attachments: list[tuple[str, str]] = []  # (host full id, event full id)
        self.pending_data: list[tuple[DataAssociation, str]] = []
        self.used_data: set[str] = set()
        for process in model.processes:
            for association in process.data_associations:
                self.used_data.update((association.source, association.target))
        self.lane_name: dict[str, str] = {}  # full node id -> lane name
        self.styler = NodeStyler(options, self.lane_name, self._called_process)
        self.pool_anchor: dict[str, tuple[str, str | None]] = {}
        self.expanding: list[str] = []
        self.draw_messages = False
        self.link_letter: dict[str, str] = {}  # target id of a flow that crosses sheets -> letter
        self.link_flows: list[SequenceFlow] = []  # flows that cross sheets, document order
        self.crossing: set[str] = set()  # their ids
        self.linked_in: set[str] = set()  # targets whose incoming connector edge is drawn

    # ---- identities -----------------------------------------------------------------------

    def _gv(self, full_id: str) -> str:
        if not full_id:
            self.anonymous += 1
            full_id = f"_anonymous{self.anonymous}"
        name = svg_id(full_id)
        if name in self.used:
            suffix = 2
            while f"{name}~{suffix}" in self.used:
                suffix += 1
            name = f"{name}~{suffix}"
        self.used.add(name)
        return name

    def _cluster(self, full_id: str) -> str:
        return "cluster_" + self._gv(full_id)

    # ---- top level ------------------------------------------------------------------------

    def draw(self, g: graphviz.Digraph, process_id: str | None) -> None:
        if process_id is not None:
            process = self.model.process(process_id)
            if self.options.fold and not self.options.lanes:
                self._plan_pages(process)
            self._process_body(g, process, prefix="", stack=())
        else:
            self.draw_messages = True
            self._all_processes(g)
        self._resolve_edges()
        self._associations()
        for tail, head, attrs in self.edges:
            g.edge(tail, head, **attrs)

    def _all_processes(self, g: graphviz.Digraph) -> None:
        model = self.model
        pooled: set[str] = set()
        if not model.participants and len(model.processes) == 1:
            process = model.processes[0]
            self._process_body(g, process, prefix="", stack=())
        else:
            by_id = {p.id: p for p in model.processes}
            for participant in model.participants:
                process = by_id.get(participant.process_ref or "")
                if process is not None and process.id in pooled:
                    process = None  # a second pool on the same process: draw it as a black box
                if process is None or not (process.nodes or process.data_items):
                    name = self._gv(participant.id)
                    label = html(participant.name or participant.id)
                    g.node(
                        name,
                        label=f"<<B>{label}</B>>",
                        id=name,
                        shape="box",
                        style="filled",
                        fillcolor="#ECEFF1",
                        color=POOL_LINE,
                        width="3",
                        height="0.6",
                    )
                    self.pool_anchor[participant.id] = (name, None)
                    self.entry[participant.id] = self.exit[participant.id] = (name, None)
                    if process is not None:
                        pooled.add(process.id)
                    continue
                pooled.add(process.id)
                cluster = self._cluster(participant.id)
                with g.subgraph(name=cluster) as pool:
                    pool.attr(
                        label=f"<<B>{html(participant.name or process.name or participant.id)}</B>>",
                        id=cluster.removeprefix("cluster_"),
                        style="filled",
                        fillcolor="white",
                        color=POOL_LINE,
                        penwidth="2",
                        labelloc="t",
                        labeljust="l",
                        fontsize="16",
                    )
                    self._process_body(pool, process, prefix="", stack=(cluster,))
                first = self._first_drawn(process.nodes, "")
                if first is not None:
                    self.pool_anchor[participant.id] = (first, cluster)
            for process in model.processes:
                if process.id in pooled or not (process.nodes or process.data_items):
                    continue
                cluster = self._cluster(process.id)
                with g.subgraph(name=cluster) as box:
                    box.attr(
                        label=f"<<B>{html('流程：' + (process.name or process.id))}</B>>",
                        id=cluster.removeprefix("cluster_"),
                        style="dashed",
                        color=POOL_LINE,
                        labelloc="t",
                        labeljust="l",
                    )
                    self._process_body(box, process, prefix="", stack=(cluster,))
            for annotation in model.annotations:
                self._annotation(g, annotation, ())

    def _plan_pages(self, process: Process) -> None:
        """Letter the flows that cross between sheets, one letter per target."""
        pages = self.options.fold
        for flow in process.flows:
            source, target = pages.get(flow.source, 1), pages.get(flow.target, 1)
            if source != target:
                self.link_flows.append(flow)
                self.crossing.add(flow.id)
                if flow.target not in self.link_letter:
                    self.link_letter[flow.target] = _letter(len(self.link_letter))

    def _page_of(self, element_id: str, process: Process) -> int:
        """The sheet of a node, or of the node a data item or annotation is linked to."""
        pages = self.options.fold
        if element_id in pages:
            return pages[element_id]
        for link in (*process.data_associations, *process.associations):
            if link.source == element_id and link.target in pages:
                return pages[link.target]
            if link.target == element_id and link.source in pages:
                return pages[link.source]
        return 1

    def _paged_body(self, g: graphviz.Digraph, process: Process, stack: tuple[str, ...]) -> None:
        """Draw the part of a process on one sheet; numbered connectors stand for the flows that
        continue on another sheet (转第 n 页 / 接第 n 页)."""
        page = self.options.page
        for node in process.nodes:
            if self._page_of(node.id, process) == page:
                self._node(g, node, "", stack)
        for item in process.data_items:
            if self._page_of(item.id, process) == page and (item.kind != "dataObject" or item.id in self.used_data):
                self._data_item(g, item, "", stack)
        for annotation in process.annotations:
            if self._page_of(annotation.id, process) == page:
                self._annotation(g, annotation, stack)
        for target, letter in self.link_letter.items():
            if any(self._page_of(f.source, process) == page for f in self.link_flows if f.target == target):
                there = self._page_of(target, process)
                self._connector(g, f"{target}#out", letter, f"转第{there}页", stack)
        for target, letter in self.link_letter.items():
            if self._page_of(target, process) == page:
                sources = sorted({self._page_of(f.source, process) for f in self.link_flows if f.target == target})
                self._connector(g, f"{target}#in", letter, "接第" + "、".join(map(str, sources)) + "页", stack)
        self.pending_flows.extend((flow, "") for flow in process.flows)
        self.pending_data.extend((association, "") for association in process.data_associations)

    def _connector(self, g: graphviz.Digraph, key: str, letter: str, where: str, stack: tuple[str, ...]) -> None:
        name = self._gv(key)
        g.node(
            name,
            label=f"<<B>{html(circled_letter(letter))} {html(where)}</B>>",
            id=name,
            tooltip=f"{where}（{letter}）",
            shape="box",
            style="rounded,filled",
            fillcolor=LINK_FILL,
            color=LINK_LINE,
            fontcolor=LINK_LINE,
            penwidth="2",
            margin="0.12,0.04",
        )
        self.node_name[key] = name
        self.entry[key] = self.exit[key] = (name, None)
        self.clusters_of[name] = stack

    def _process_body(self, g: graphviz.Digraph, process: Process, *, prefix: str, stack: tuple[str, ...]) -> None:
        if self.options.fold and not prefix:
            self._paged_body(g, process, stack)
            return
        self._container(
            g,
            nodes=process.nodes,
            flows=process.flows,
            lanes=process.lanes,
            data=process.data_items,
            prefix=prefix,
            stack=stack,
        )
        if not prefix:  # annotations of an expanded called process are left out
            for annotation in process.annotations:
                self._annotation(g, annotation, stack)
        self.pending_data.extend((association, prefix) for association in process.data_associations)

    # ---- containers and lanes -------------------------------------------------------------

    def _container(
        self,
        g: graphviz.Digraph,
        *,
        nodes: tuple[FlowNode, ...],
        flows: tuple[SequenceFlow, ...],
        lanes: tuple[Lane, ...],
        data: tuple[DataItem, ...],
        prefix: str,
        stack: tuple[str, ...],
    ) -> None:
        ids = {node.id for node in nodes}
        assigned: dict[str, str] = {}  # node id -> deepest lane id
        lane_names: dict[str, str] = {}

        def assign(lane_list: tuple[Lane, ...]) -> None:
            for lane in lane_list:
                lane_names[lane.id] = lane.name
                for ref in lane.flow_node_refs:
                    if ref in ids:
                        assigned[ref] = lane.id  # deeper lanes are visited later and win
                assign(lane.lanes)

        assign(lanes)
        for node_id, lane_id in assigned.items():
            self.lane_name[prefix + node_id] = lane_names.get(lane_id, "")
        if not self.options.lanes:
            assigned = {}
            lanes = ()
        for lane in lanes:
            self._lane(g, lane, nodes, assigned, prefix, stack)
        for node in nodes:
            if node.id not in assigned:
                self._node(g, node, prefix, stack)
        for item in data:
            if item.kind == "dataObject" and item.id not in self.used_data:
                continue  # a data object is drawn through its references unless linked directly
            self._data_item(g, item, prefix, stack)
        self.pending_flows.extend((flow, prefix) for flow in flows)

    def _lane(
        self,
        g: graphviz.Digraph,
        lane: Lane,
        nodes: tuple[FlowNode, ...],
        assigned: Mapping[str, str],
        prefix: str,
        stack: tuple[str, ...],
    ) -> None:
        cluster = self._cluster(prefix + lane.id)
        with g.subgraph(name=cluster) as sg:
            sg.attr(
                label=f"<<B>{html(lane.name or lane.id)}</B>>",
                id=cluster.removeprefix("cluster_"),
                style="filled",
                fillcolor=LANE_FILL,
                color=LANE_LINE,
                penwidth="1",
                labelloc="t",
                labeljust="l",
                fontsize="15",
            )
            own = [n for n in nodes if assigned.get(n.id) == lane.id]
            inner = stack + (cluster,)
            for node in own:
                self._node(sg, node, prefix, inner)
            for child in lane.lanes:
                self._lane(sg, child, nodes, assigned, prefix, inner)
            if not own and not _lane_has_nodes(lane, assigned):
                placeholder = self._gv(prefix + lane.id + "#empty")
                sg.node(placeholder, label="", shape="point", style="invis", width="1.2")

    # ---- nodes ----------------------------------------------------------------------------

    def _node(self, g: graphviz.Digraph, node: FlowNode, prefix: str, stack: tuple[str, ...]) -> None:
        full = prefix + node.id
        if node.is_subprocess and (node.children or node.data_items):
            self._subprocess_cluster(g, node, prefix, stack)
        elif node.kind == "callActivity" and self._expandable(node):
            self._call_cluster(g, node, prefix, stack)
        else:
            name = self._gv(full)
            attrs = self.styler.node_attrs(node, full)
            g.node(name, **attrs)
            self.node_name[full] = name
            self.entry[full] = self.exit[full] = (name, None)
            self.clusters_of[name] = stack
        self._risk_callouts(g, full, stack)
        if node.kind == "boundaryEvent" and node.attached_to:
            self.pending_attachments.append((prefix + node.attached_to, full))

    def _subprocess_cluster(self, g: graphviz.Digraph, node: FlowNode, prefix: str, stack: tuple[str, ...]) -> None:
        full = prefix + node.id
        cluster = self._cluster(full)
        tags = []
        if node.kind == "transaction":
            tags.append("事务")
        if node.triggered_by_event:
            tags.append("事件子流程")
        if node.kind == "adHocSubProcess":
            tags.append("自由子流程")
        label = "".join(f"〔{t}〕" for t in tags) + (node.name or "子流程")
        markers_text = markers(node)
        style = "rounded,dashed" if node.triggered_by_event else "rounded"
        attrs = {
            "label": f"<<B>{html(label)}</B>{('  ' + html(markers_text)) if markers_text else ''}>",
            "id": cluster.removeprefix("cluster_"),
            "style": style,
            "color": ACTIVITY_LINE,
            "penwidth": "3" if node.kind == "transaction" else "1.6",
            "labelloc": "t",
            "labeljust": "l",
            "bgcolor": "white",
        }
        if self.options.overlay is not None:
            attrs.update(self.options.overlay.cluster_style(full))
        level = self.options.risk_levels.get(full)
        if level:
            attrs.update({"color": RISK_LINE[level], "penwidth": "3"})
        with g.subgraph(name=cluster) as sg:
            sg.attr(**attrs)
            self._container(
                sg,
                nodes=node.children,
                flows=node.flows,
                lanes=node.lanes,
                data=node.data_items,
                prefix=prefix,
                stack=stack + (cluster,),
            )
        self._cluster_anchors(full, node.children, node.flows, prefix, cluster)

    def _expandable(self, node: FlowNode) -> bool:
        if not self.options.expand_call_activities or not node.called_element:
            return False
        if node.called_element in self.expanding or len(self.expanding) >= 8:
            return False  # recursive call: draw it as a box
        return self._called_process(node.called_element) is not None

    def _called_process(self, process_id: str) -> Process | None:
        called = self.options.called_models.get(process_id)
        for model in (called, self.model):
            if model is None:
                continue
            for process in model.processes:
                if process.id == process_id:
                    return process
        return None

    def _call_cluster(self, g: graphviz.Digraph, node: FlowNode, prefix: str, stack: tuple[str, ...]) -> None:
        full = prefix + node.id
        process = self._called_process(node.called_element or "")
        assert process is not None  # checked by _expandable
        cluster = self._cluster(full)
        title = node.name or process.name or process.id
        attrs = {
            "label": f'<<B>{html(title)}</B><FONT POINT-SIZE="{number_text(self.options.font_size * SMALL_TEXT)}" COLOR="{MUTED}">'
            f"  调用：{html(process.name or process.id)}</FONT>>",
            "id": cluster.removeprefix("cluster_"),
            "style": "rounded,bold",
            "color": ACTIVITY_LINE,
            "penwidth": "3",
            "labelloc": "t",
            "labeljust": "l",
            "bgcolor": "white",
        }
        if self.options.overlay is not None:
            attrs.update(self.options.overlay.cluster_style(full))
        inner_prefix = full + "/"
        self.expanding.append(node.called_element or "")
        try:
            with g.subgraph(name=cluster) as sg:
                sg.attr(**attrs)
                self._process_body(sg, process, prefix=inner_prefix, stack=stack + (cluster,))
        finally:
            self.expanding.pop()
        self._cluster_anchors(full, process.nodes, process.flows, inner_prefix, cluster)

    def _cluster_anchors(
        self,
        full: str,
        children: tuple[FlowNode, ...],
        flows: tuple[SequenceFlow, ...],
        prefix: str,
        cluster: str,
    ) -> None:
        """Choose the nodes that edges into and out of a cluster attach to."""
        drawn = [
            c
            for c in children
            if prefix + c.id in self.entry and c.kind != "boundaryEvent" and not c.triggered_by_event
        ]
        if not drawn:
            drawn = [c for c in children if prefix + c.id in self.entry]
        if not drawn:
            return
        inner_targets = {f.target for f in flows}
        inner_sources = {f.source for f in flows}
        starts = [c for c in drawn if c.kind == "startEvent"] or [c for c in drawn if c.id not in inner_targets]
        ends = [c for c in drawn if c.kind == "endEvent"] or [c for c in drawn if c.id not in inner_sources]
        first = (starts or drawn)[0]
        last = (ends or drawn)[-1]
        self.entry[full] = (self.entry[prefix + first.id][0], cluster)
        self.exit[full] = (self.exit[prefix + last.id][0], cluster)

    def _first_drawn(self, nodes: tuple[FlowNode, ...], prefix: str) -> str | None:
        for node in nodes:
            if prefix + node.id in self.entry:
                return self.entry[prefix + node.id][0]
        return None

    # ---- risk callouts --------------------------------------------------------------------

    def _risk_callouts(self, g: graphviz.Digraph, full: str, stack: tuple[str, ...]) -> None:
        """Draw the risk points of a node as coloured notes beside it (same rank for a box)."""
        if not self.options.risk_callouts or full not in self.entry:
            return
        anchor, cluster = self.entry[full]
        numbered = [
            (number, point) for number, point in enumerate(self.options.risk_points, start=1) if point.node_id == full
        ]
        for number, point in numbered:
            callout = self._gv(risk_callout_id(number, full))
            text = html_lines(wrap(shorten(point.description, 40), 9))
            g.node(
                callout,
                label=(
                    f'<<FONT COLOR="{RISK_LINE[point.level]}">'
                    f"<B>★{circled(number)} {point.level}风险</B></FONT>"
                    f'<BR/><FONT POINT-SIZE="{number_text(self.options.font_size * SMALL_TEXT)}">{text}</FONT>>'
                ),
                id=callout,
                shape="box",
                style="filled",
                fillcolor=RISK_FILL[point.level],
                color=RISK_LINE[point.level],
                penwidth="1.5",
                margin="0.1,0.05",
            )
            self.clusters_of[callout] = stack
            style = {
                "style": "dashed",
                "arrowhead": "none",
                "color": RISK_LINE[point.level],
                "penwidth": "1.5",
            }
            if cluster is None:
                with g.subgraph() as same:
                    same.attr(rank="same")
                    same.node(anchor)
                    same.node(callout)
                self._add_edge((anchor, None), (callout, None), style)
            else:
                self._add_edge((callout, None), (anchor, cluster), style)

    # ---- data and annotations -------------------------------------------------------------

    def _data_item(self, g: graphviz.Digraph, item: DataItem, prefix: str, stack: tuple[str, ...]) -> None:
        full = prefix + item.id
        name = self._gv(full)
        text = item.name or ("数据存储" if item.kind == "dataStoreReference" else "数据对象")
        if item.state:
            text += f"\n[{item.state}]"
        g.node(
            name,
            label=f"<{html_lines(wrap(text, 7))}>",
            id=name,
            shape="cylinder" if item.kind == "dataStoreReference" else "note",
            style="filled",
            fillcolor="#FAFAFA",
            color=MUTED,
            fontsize=number_text(self.options.font_size * SMALL_TEXT),
            fontcolor=MUTED,
            peripheries="2" if item.is_collection else "1",
        )
        self.node_name[full] = name
        self.entry[full] = self.exit[full] = (name, None)
        self.clusters_of[name] = stack

    def _annotation(self, g: graphviz.Digraph, annotation: TextAnnotation, stack: tuple[str, ...]) -> None:
        name = self._gv(annotation.id)
        g.node(
            name,
            label=f"<{html_lines(wrap(annotation.text or ' ', 12), align='LEFT')}>",
            id=name,
            shape="box",
            style="dashed",
            color=MUTED,
            fontcolor=MUTED,
            fontsize=number_text(self.options.font_size * SMALL_TEXT),
        )
        self.node_name[annotation.id] = name
        self.entry[annotation.id] = self.exit[annotation.id] = (name, None)
        self.clusters_of[name] = stack

    def _associations(self) -> None:
        associations: list[Association] = list(self.model.associations)
        for process in self.model.processes:
            associations.extend(process.associations)
        for association in associations:
            tail = self.exit.get(association.source)
            head = self.entry.get(association.target)
            if tail is None or head is None:
                continue
            attrs = {
                "style": "dotted",
                "color": MUTED,
                "id": svg_id(association.id) if association.id else "",
                "arrowhead": "vee" if association.direction in ("One", "Both") else "none",
            }
            if association.direction == "Both":
                attrs.update(dir="both", arrowtail="vee")
            self._add_edge(tail, head, {k: v for k, v in attrs.items() if v})

    # ---- edges ----------------------------------------------------------------------------

    def _resolve_edges(self) -> None:
        """Turn the flows collected while drawing nodes into edges between drawn anchors."""
        for flow, prefix in self.pending_flows:
            self._emit_sequence_flow(flow, prefix)
        for host, event in self.pending_attachments:
            host_end = self.exit.get(host)
            event_end = self.entry.get(event)
            if host_end is not None and event_end is not None:
                self._add_edge(
                    host_end,
                    event_end,
                    {"style": "dashed", "arrowhead": "none", "color": MUTED, "weight": "4"},
                )
        for association, prefix in self.pending_data:
            tail = self.exit.get(prefix + association.source)
            head = self.entry.get(prefix + association.target)
            if tail is not None and head is not None:
                self._add_edge(tail, head, {"style": "dotted", "color": MUTED, "arrowhead": "vee"})
        if self.draw_messages:
            for message in self.model.message_flows:
                self._emit_message_flow(message)

    def _emit_sequence_flow(self, flow: SequenceFlow, prefix: str) -> None:
        if not prefix and flow.id in self.crossing:
            # The flow continues on another sheet: target <- in-connector here, source -> out-connector.
            target = self.entry.get(flow.target)
            if target is not None and flow.target not in self.linked_in:
                self.linked_in.add(flow.target)
                self._add_edge(self.exit[f"{flow.target}#in"], target, {"id": svg_id(f"{flow.target}#in-edge")})
            if f"{flow.target}#out" not in self.entry:
                return
        tail = self.exit.get(prefix + flow.source)
        head = self.entry.get(prefix + flow.target)
        if not prefix and flow.id in self.crossing:
            head = self.entry[f"{flow.target}#out"]
        if tail is None or head is None:
            return
        full = prefix + flow.id
        attrs: dict[str, str] = {"id": svg_id(full)} if flow.id else {}
        source = self._source_node(prefix + flow.source)
        text = flow.name or (shorten(flow.condition, 24) if flow.condition else "")
        label_parts = []
        if flow.is_default:
            label_parts.append(f'<FONT COLOR="{MUTED}">〔默认〕</FONT>')
            attrs.update(dir="both", arrowtail="tee")
        elif flow.condition and source is not None and not source.is_gateway:
            attrs.update(dir="both", arrowtail="odiamond")
        if text:
            label_parts.append(html_lines(wrap(text, EDGE_WIDTH)))
        if label_parts:
            attrs["label"] = "<" + "<BR/>".join(label_parts) + ">"
        if self.options.overlay is not None:
            attrs.update(self.options.overlay.edge_style(full, prefix + flow.source, prefix + flow.target))
        self._add_edge(tail, head, attrs)

    def _source_node(self, full: str) -> FlowNode | None:
        node_id = full.rsplit("/", 1)[-1]
        try:
            return self.model.node(node_id)
        except KeyError:
            for model in self.options.called_models.values():
                try:
                    return model.node(node_id)
                except KeyError:
                    continue
        return None

    def _emit_message_flow(self, message: MessageFlow) -> None:
        tail = self.exit.get(message.source) or self.pool_anchor.get(message.source)
        head = self.entry.get(message.target) or self.pool_anchor.get(message.target)
        if tail is None or head is None:
            return
        edge: dict[str, str] = {
            "style": "dashed",
            "color": MUTED,
            "dir": "both",
            "arrowtail": "odot",
            "arrowhead": "empty",
            "constraint": "false",
        }
        if message.id:
            edge["id"] = svg_id(message.id)
        if message.name:
            edge["label"] = f"<{html_lines(wrap(message.name, EDGE_WIDTH))}>"
            edge["fontcolor"] = MUTED
        self._add_edge(tail, head, edge)

    def _add_edge(self, tail: tuple[str, str | None], head: tuple[str, str | None], attrs: dict[str, str]) -> None:
        tail_node, ltail = tail
        head_node, lhead = head
        attrs = dict(attrs)
        if ltail and ltail in self.clusters_of.get(head_node, ()):
            ltail = None
        if lhead and lhead in self.clusters_of.get(tail_node, ()):
            lhead = None
        if ltail:
            attrs["ltail"] = ltail
        if lhead:
            attrs["lhead"] = lhead
        self.edges.append((tail_node, head_node, attrs))


def circled_letter(letter: str) -> str:
    """Ⓐ for A (Ⓐ2 for A2): the connector's mark."""
    return chr(ord("Ⓐ") + ord(letter[0]) - ord("A")) + letter[1:]


def _letter(index: int) -> str:
    """A, B, ..., Z, A2, B2, ... for connector labels."""
    letter = chr(ord("A") + index % 26)
    return letter if index < 26 else f"{letter}{index // 26 + 1}"


def _lane_has_nodes(lane: Lane, assigned: Mapping[str, str]) -> bool:
    if any(lane_id == lane.id for lane_id in assigned.values()):
        return True
    return any(_lane_has_nodes(child, assigned) for child in lane.lanes)
