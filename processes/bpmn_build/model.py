"""A small in-memory BPMN model that writes standard BPMN 2.0 XML with diagram interchange.

A `Process` is built with one call per node (`user`, `script`, `call`, `gateway`, ...) and one
per sequence flow; `to_xml()` lays it out automatically: lanes are horizontal bands inside one
pool, nodes go left to right by their distance from the start, back edges (rework loops) are
routed below the nodes. The result validates against the BPMN 2.0 XSD and opens in a modeler.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NSMAP = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "xsi": XSI, "spiffworkflow": SPIFF}
TARGET_NAMESPACE = "http://example.org/township/powers"

# lane code -> the Chinese position name the engine maps back to the code (docs/bpmn-conventions.md)
POSITIONS: dict[str, str] = {
    "window_clerk": "窗口受理员",
    "handler": "经办人",
    "station_head": "站所负责人",
    "deputy": "分管领导",
    "chief": "主要负责人",
    "committee_member": "班子成员",
    "recorder": "记录人",
    "discipline_inspector": "纪检委员",
    "archivist": "档案管理员",
    "village_agent": "代办员",
    "village_committee": "村委会",
    "administrator": "系统管理员",
}

OBJECTION_MESSAGE = ("msg_objection", "objection", "objection")  # id, name, message variable
UPHELD_SIGNAL = ("sig_objection_upheld", "objection_upheld")  # id, name

# sizes and spacing of the automatic layout (pixels)
SIZES = {"task": (100, 80), "gateway": (50, 50), "event": (36, 36)}
COL_W = 150
ROW_H = 120
POOL_HEADER = 30
LANE_HEADER = 30
LEFT_PAD = 40
LANE_PAD_BOTTOM = 36  # corridor below the nodes of a lane for back edges


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


@dataclass
class Node:
    id: str
    kind: str  # start, message_start, end, user, script, call, gateway, timer, signal_throw, boundary, event_sub
    name: str
    lane: str | None
    props: dict = field(default_factory=dict)
    incoming: list[str] = field(default_factory=list)
    outgoing: list[str] = field(default_factory=list)

    @property
    def shape(self) -> str:
        if self.kind in ("user", "script", "call"):
            return "task"
        if self.kind in ("gateway", "parallel"):
            return "gateway"
        if self.kind == "event_sub":
            return "event_sub"
        return "event"


@dataclass
class Flow:
    id: str
    source: str
    target: str
    name: str | None = None
    condition: str | None = None


class Container:
    """Nodes and flows of a process or of an embedded (event) subprocess."""

    def __init__(self, owner: Process | None = None) -> None:
        self.nodes: dict[str, Node] = {}
        self.flows: list[Flow] = []
        self.owner = owner if owner is not None else self  # the process holding the id registry

    # ------------------------------------------------------------------ nodes
    def _add(self, node: Node) -> Node:
        self.owner._register(node.id)
        self.nodes[node.id] = node
        return node

    def start(self, id: str, name: str = "", lane: str | None = None) -> Node:
        return self._add(Node(id, "start", name, lane))

    def message_start(self, id: str, name: str, message: str, lane: str | None = None) -> Node:
        return self._add(Node(id, "message_start", name, lane, {"message": message}))

    def end(self, id: str, name: str = "", lane: str | None = None) -> Node:
        return self._add(Node(id, "end", name, lane))

    def user(
        self, id: str, name: str, lane: str, form: str, *, time_limit: str | None = None,
        tags: Iterable[str] = (), duty: str | None = None, mi: dict | None = None, doc: str | None = None,
        documents: str | None = None, stance: bool = False, presider: bool = False, pauses_clock: bool = False,
        concerned: bool = False,
    ) -> Node:  # fmt: skip
        props = {"form": form, "time_limit": time_limit, "tags": ",".join(tags) or None, "duty": duty,
                 "mi": mi, "doc": doc, "documents": documents, "stance": "true" if stance else None,
                 "presider": "true" if presider else None,
                 "pauses_clock": "true" if pauses_clock else None,
                 "concerned": "true" if concerned else None}  # fmt: skip
        return self._add(Node(id, "user", name, lane, props))

    def script(self, id: str, name: str, lane: str, script: str) -> Node:
        return self._add(Node(id, "script", name, lane, {"script": script.strip("\n")}))

    def call(self, id: str, name: str, lane: str, called: str, *, documents: str | None = None) -> Node:
        return self._add(Node(id, "call", name, lane, {"called": called, "documents": documents}))

    def gateway(self, id: str, name: str, lane: str, default: str | None = None) -> Node:
        return self._add(Node(id, "gateway", name, lane, {"default": default}))

    def parallel(self, id: str, name: str, lane: str) -> Node:
        """A parallel gateway (split or join): every outgoing flow is taken; a join waits for all."""
        return self._add(Node(id, "parallel", name, lane))

    def timer(self, id: str, name: str, lane: str, *, time_date: str | None = None, duration: str | None = None,
              pauses_clock: bool = False) -> Node:  # fmt: skip
        return self._add(Node(id, "timer", name, lane, {"time_date": time_date, "duration": duration,
                                                         "pauses_clock": "true" if pauses_clock else None}))

    def signal_throw(self, id: str, name: str, lane: str | None, signal: str) -> Node:
        return self._add(Node(id, "signal_throw", name, lane, {"signal": signal}))

    def boundary_signal(self, id: str, name: str, attached_to: str, signal: str) -> Node:
        lane = self.nodes[attached_to].lane
        return self._add(Node(id, "boundary", name, lane, {"attached": attached_to, "signal": signal}))

    def boundary_timer(self, id: str, name: str, attached_to: str, *, time_date: str) -> Node:
        """An interrupting timer on an activity (e.g. the deadline of a task the law fixes)."""
        lane = self.nodes[attached_to].lane
        return self._add(Node(id, "boundary", name, lane, {"attached": attached_to, "time_date": time_date}))

    def event_subprocess(self, id: str, name: str, lane: str) -> Container:
        sub = Container(self.owner)
        node = self._add(Node(id, "event_sub", name, lane, {"container": sub}))
        sub.node = node  # type: ignore[attr-defined]
        return sub

    # ------------------------------------------------------------------ flows
    def flow(self, source: str, target: str, name: str | None = None, condition: str | None = None,
             *, default: bool = False, id: str | None = None) -> Flow:  # fmt: skip
        if source not in self.nodes or target not in self.nodes:
            raise KeyError(f"flow {source} -> {target}: unknown node")
        fid = id or f"f_{source}__{target}"
        base, n = fid, 2
        while fid in self.owner._ids:
            fid = f"{base}_{n}"
            n += 1
        self.owner._register(fid)
        flow = Flow(fid, source, target, name, condition)
        self.flows.append(flow)
        self.nodes[source].outgoing.append(fid)
        self.nodes[target].incoming.append(fid)
        if default:
            self.nodes[source].props["default"] = fid
        return flow

    def chain(self, *ids: str) -> None:
        for a, b in zip(ids, ids[1:], strict=False):
            self.flow(a, b)


class Process(Container):
    """One executable BPMN process in its own file (a power or a stage block)."""

    def __init__(self, id: str, name: str, lanes: Iterable[str], documentation: str = "") -> None:
        self._ids: set[str] = set()
        super().__init__(None)
        self.owner = self
        self.id = id
        self.name = name
        self.lanes = list(lanes)  # lane codes, top to bottom
        self.documentation = documentation
        self.uses_objection = False
        for code in self.lanes:
            if code not in POSITIONS:
                raise ValueError(f"unknown position {code}")

    def _register(self, id: str) -> None:
        if id in self._ids:
            raise ValueError(f"{self.id}: duplicate id {id}")
        self._ids.add(id)

    def all_nodes(self) -> Iterable[Node]:
        for node in self.nodes.values():
            yield node
            if node.kind == "event_sub":
                yield from node.props["container"].nodes.values()

    def called_elements(self) -> list[str]:
        return sorted({n.props["called"] for n in self.all_nodes() if n.kind == "call"})

    def collections(self) -> list[str]:
        """The task data variables the multi-instance tasks read (loop input) and fill (loop output)."""
        seen: dict[str, None] = {}
        for node in self.all_nodes():
            if node.kind == "user" and node.props.get("mi"):
                seen.setdefault(node.props["mi"]["input"])
                seen.setdefault(node.props["mi"]["output"])
        return list(seen)

    def forms(self) -> list[str]:
        return sorted({n.props["form"] for n in self.all_nodes() if n.kind == "user"})

    # ------------------------------------------------------------------ checks
    def check(self) -> None:
        for container in [self, *[n.props["container"] for n in self.nodes.values() if n.kind == "event_sub"]]:
            for node in container.nodes.values():
                if node.kind in ("start", "message_start", "boundary") and not node.outgoing:
                    raise ValueError(f"{self.id}: {node.id} has no outgoing flow")
                if node.kind not in ("start", "message_start", "boundary", "event_sub") and not node.incoming:
                    raise ValueError(f"{self.id}: {node.id} has no incoming flow")
                if node.kind not in ("end", "event_sub") and not node.outgoing:
                    raise ValueError(f"{self.id}: {node.id} has no outgoing flow")
                if node.kind == "gateway" and len(node.outgoing) > 1 and not node.props.get("default"):
                    raise ValueError(f"{self.id}: gateway {node.id} needs a default flow")
                if container is self and node.kind != "event_sub" and node.lane is None:
                    raise ValueError(f"{self.id}: {node.id} has no lane")
                if node.lane is not None and node.lane not in self.lanes:
                    raise ValueError(f"{self.id}: {node.id} is in lane {node.lane}, not in the lane set")

    # ------------------------------------------------------------------ XML
    def to_xml(self) -> bytes:
        self.check()
        root = etree.Element(_q(BPMN, "definitions"), nsmap=NSMAP)
        root.set("id", f"{self.id}_definitions")
        root.set("targetNamespace", TARGET_NAMESPACE)
        root.set("exporter", "processes.bpmn_build")
        root.set("exporterVersion", "1")
        collab = etree.SubElement(root, _q(BPMN, "collaboration"), id=f"{self.id}_collaboration")
        etree.SubElement(collab, _q(BPMN, "participant"), id=f"{self.id}_pool", name=self.name, processRef=self.id)
        kinds = {n.kind for n in self.all_nodes()}
        if "message_start" in kinds:
            mid, mname, _ = OBJECTION_MESSAGE
            etree.SubElement(root, _q(BPMN, "message"), id=mid, name=mname)
        if "signal_throw" in kinds or any(n.kind == "boundary" and n.props.get("signal") for n in self.all_nodes()):
            sid, sname = UPHELD_SIGNAL
            etree.SubElement(root, _q(BPMN, "signal"), id=sid, name=sname)
        proc = etree.SubElement(root, _q(BPMN, "process"), id=self.id, name=self.name, isExecutable="true")
        if self.documentation:
            etree.SubElement(proc, _q(BPMN, "documentation")).text = self.documentation
        # the collections of the multi-instance tasks as process properties: loopDataInputRef and
        # loopDataOutputRef name them by id, so a modeler (bpmn-moddle) resolves and keeps them, and
        # SpiffWorkflow reads the task data variable of the same name (docs/bpmn-conventions.md)
        for var in self.collections():
            etree.SubElement(proc, _q(BPMN, "property"), id=var, name=var)
        lane_set = etree.SubElement(proc, _q(BPMN, "laneSet"), id=f"{self.id}_lanes")
        for code in self.lanes:
            lane = etree.SubElement(lane_set, _q(BPMN, "lane"), id=f"lane_{code}", name=POSITIONS[code])
            for node in self.nodes.values():
                if node.lane == code:
                    etree.SubElement(lane, _q(BPMN, "flowNodeRef")).text = node.id
        self._emit_container(proc, self)
        layout = Layout(self)
        layout.run()
        layout.emit(root)
        etree.indent(root, space="  ")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def _emit_container(self, parent: etree._Element, container: Container) -> None:
        for node in container.nodes.values():
            self._emit_node(parent, node)
        for flow in container.flows:
            el = etree.SubElement(parent, _q(BPMN, "sequenceFlow"), id=flow.id, sourceRef=flow.source,
                                  targetRef=flow.target)  # fmt: skip
            if flow.name:
                el.set("name", flow.name)
            if flow.condition:
                cond = etree.SubElement(el, _q(BPMN, "conditionExpression"))
                cond.set(_q(XSI, "type"), "bpmn:tFormalExpression")
                cond.text = flow.condition

    def _emit_node(self, parent: etree._Element, node: Node) -> None:
        tag = {
            "start": "startEvent", "message_start": "startEvent", "end": "endEvent", "user": "userTask",
            "script": "scriptTask", "call": "callActivity", "gateway": "exclusiveGateway", "parallel": "parallelGateway",
            "timer": "intermediateCatchEvent", "signal_throw": "intermediateThrowEvent", "boundary": "boundaryEvent",
            "event_sub": "subProcess",
        }[node.kind]  # fmt: skip
        el = etree.SubElement(parent, _q(BPMN, tag), id=node.id)
        if node.name:
            el.set("name", node.name)
        p = node.props
        if node.kind == "message_start":
            el.set("isInterrupting", "false")
        if node.kind == "gateway" and p.get("default"):
            el.set("default", p["default"])
        if node.kind == "call":
            el.set("calledElement", p["called"])
        if node.kind == "boundary":
            el.set("attachedToRef", p["attached"])
            el.set("cancelActivity", "true")
        if node.kind == "event_sub":
            el.set("triggeredByEvent", "true")
        if node.kind == "script":
            el.set("scriptFormat", "python")
        if node.kind == "user" and p.get("doc"):
            etree.SubElement(el, _q(BPMN, "documentation")).text = p["doc"]
        # spiffworkflow:properties: form/time_limit/tags/duty (docs/bpmn-conventions.md) and the
        # documents (文书) the wall poster prints under the step
        keys = {"user": ("form", "time_limit", "tags", "duty", "stance", "presider", "pauses_clock", "concerned",
                         "documents"),
                "timer": ("pauses_clock",)}.get(node.kind, ("documents",))  # fmt: skip
        if node.kind in ("user", "call", "timer") and any(p.get(k) for k in keys):
            ext = etree.SubElement(el, _q(BPMN, "extensionElements"))
            props = etree.SubElement(ext, _q(SPIFF, "properties"))
            for key in keys:
                if p.get(key):
                    etree.SubElement(props, _q(SPIFF, "property"), name=key, value=p[key])
        for fid in node.incoming:
            etree.SubElement(el, _q(BPMN, "incoming")).text = fid
        for fid in node.outgoing:
            etree.SubElement(el, _q(BPMN, "outgoing")).text = fid
        if node.kind == "user" and p.get("mi"):
            mi = p["mi"]
            loop = etree.SubElement(el, _q(BPMN, "multiInstanceLoopCharacteristics"), isSequential="false")
            etree.SubElement(loop, _q(BPMN, "loopDataInputRef")).text = mi["input"]
            etree.SubElement(loop, _q(BPMN, "loopDataOutputRef")).text = mi["output"]
            etree.SubElement(loop, _q(BPMN, "inputDataItem"), id=mi["item"], name=mi["item"])
            etree.SubElement(loop, _q(BPMN, "outputDataItem"), id=mi["output_item"], name=mi["output_item"])
        if node.kind == "script":
            etree.SubElement(el, _q(BPMN, "script")).text = p["script"]
        if node.kind == "message_start":
            # the message variable sits on the event definition (SpiffWorkflow deprecates it on bpmn:message)
            med = etree.SubElement(el, _q(BPMN, "messageEventDefinition"), messageRef=OBJECTION_MESSAGE[0])
            ext = etree.SubElement(med, _q(BPMN, "extensionElements"))
            etree.SubElement(ext, _q(SPIFF, "messageVariable")).text = OBJECTION_MESSAGE[2]
        if node.kind == "signal_throw" or (node.kind == "boundary" and p.get("signal")):
            etree.SubElement(el, _q(BPMN, "signalEventDefinition"), signalRef=UPHELD_SIGNAL[0])
        if node.kind == "timer" or (node.kind == "boundary" and p.get("time_date")):
            ted = etree.SubElement(el, _q(BPMN, "timerEventDefinition"))
            if p.get("time_date"):
                t = etree.SubElement(ted, _q(BPMN, "timeDate"))
                t.text = p["time_date"]
            else:
                t = etree.SubElement(ted, _q(BPMN, "timeDuration"))
                t.text = p["duration"]
            t.set(_q(XSI, "type"), "bpmn:tFormalExpression")
        if node.kind == "event_sub":
            self._emit_container(el, p["container"])


# ---------------------------------------------------------------------------------------------
# Automatic layout
# ---------------------------------------------------------------------------------------------


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


def _layers(nodes: dict[str, Node], flows: list[Flow], anchors: dict[str, str]) -> tuple[dict[str, int], set[str]]:
    """Longest-path layers over the flows minus the back edges found by a DFS from the starts.

    `anchors` maps a boundary event to its activity: the event shares the activity's layer.
    """
    succ: dict[str, list[Flow]] = {nid: [] for nid in nodes}
    for f in flows:
        succ[anchors.get(f.source, f.source)].append(f)
    back: set[str] = set()
    state: dict[str, int] = {}
    order: list[str] = []

    def dfs(nid: str) -> None:
        state[nid] = 1
        for f in succ[nid]:
            t = anchors.get(f.target, f.target)
            if state.get(t) == 1:
                back.add(f.id)
            elif t not in state:
                dfs(t)
        state[nid] = 2
        order.append(nid)

    starts = [n.id for n in nodes.values() if n.kind in ("start", "message_start")]
    for s in starts:
        if s not in state:
            dfs(s)
    for nid in nodes:
        if nid not in state and nid not in anchors:
            dfs(nid)
    layer: dict[str, int] = {nid: 0 for nid in nodes}
    for nid in reversed(order):  # topological order
        for f in succ[nid]:
            if f.id in back:
                continue
            t = anchors.get(f.target, f.target)
            layer[t] = max(layer[t], layer[nid] + 1)
    for b, a in anchors.items():
        layer[b] = layer[a]
    return layer, back


class Layout:
    """Places lanes, nodes, the event subprocess and edges; writes the BPMNDiagram."""

    def __init__(self, process: Process) -> None:
        self.p = process
        self.boxes: dict[str, Box] = {}
        self.edges: dict[str, list[tuple[float, float]]] = {}
        self.lane_boxes: dict[str, Box] = {}
        self.pool: Box | None = None

    def run(self) -> None:
        p = self.p
        top = {nid: n for nid, n in p.nodes.items() if n.kind not in ("event_sub",)}
        anchors = {n.id: n.props["attached"] for n in top.values() if n.kind == "boundary"}
        placed = {nid: n for nid, n in top.items() if n.kind != "boundary"}
        layer, back = _layers(top, p.flows, anchors)
        self.back = back
        # rows within each lane: nodes sharing a lane and a layer are stacked
        slots: dict[tuple[str, int], list[str]] = {}
        for nid, n in placed.items():
            slots.setdefault((n.lane, layer[nid]), []).append(nid)
        rows_per_lane = {code: 1 for code in p.lanes}
        row_of: dict[str, int] = {}
        for (lane, _), ids in slots.items():
            for i, nid in enumerate(ids):
                row_of[nid] = i
            rows_per_lane[lane] = max(rows_per_lane[lane], len(ids))
        subs = [n for n in p.nodes.values() if n.kind == "event_sub"]
        sub_layout: dict[str, tuple[dict[str, Box], float, float]] = {}
        for sub in subs:
            sub_layout[sub.id] = self._layout_sub(sub)
        max_layer = max(layer.values(), default=0)
        x0 = POOL_HEADER + LANE_HEADER + LEFT_PAD
        width = x0 + (max_layer + 1) * COL_W + LEFT_PAD
        for sub in subs:
            width = max(width, x0 + sub_layout[sub.id][1] + LEFT_PAD)
        y = 0.0
        lane_top: dict[str, float] = {}
        for code in p.lanes:
            h = rows_per_lane[code] * ROW_H + LANE_PAD_BOTTOM
            for sub in subs:
                if sub.lane == code:
                    h += sub_layout[sub.id][2] + 30
            lane_top[code] = y
            self.lane_boxes[code] = Box(POOL_HEADER, y, width - POOL_HEADER, h)
            y += h
        self.pool = Box(0, 0, width, y)
        for nid, n in placed.items():
            w, h = SIZES[n.shape]
            cx = x0 + layer[nid] * COL_W + SIZES["task"][0] / 2
            cy = lane_top[n.lane] + 10 + row_of[nid] * ROW_H + ROW_H / 2
            self.boxes[nid] = Box(cx - w / 2, cy - h / 2, w, h)
        for bid, aid in anchors.items():
            a = self.boxes[aid]
            w, h = SIZES["event"]
            self.boxes[bid] = Box(a.right - w - 8, a.bottom - h / 2, w, h)
        for sub in subs:
            inner, sw, sh = sub_layout[sub.id]
            sx = x0 - 20
            sy = lane_top[sub.lane] + rows_per_lane[sub.lane] * ROW_H + 20
            self.boxes[sub.id] = Box(sx, sy, sw, sh)
            for nid, b in inner.items():
                self.boxes[nid] = Box(b.x + sx, b.y + sy, b.w, b.h)
        self._back_slot: dict[str, int] = {}
        self._flow_ends = {f.id: (f.source, f.target) for f in p.flows}
        for sub in subs:
            self._flow_ends.update({f.id: (f.source, f.target) for f in sub.props["container"].flows})
        for sub in subs:
            for f in sub.props["container"].flows:
                self.edges[f.id] = self._route(f, set(), lane_bottom=None)
        lane_bottom = {code: self.lane_boxes[code].bottom for code in p.lanes}
        for f in p.flows:
            self.edges[f.id] = self._route(f, back, lane_bottom=lane_bottom)

    def _layout_sub(self, sub: Node) -> tuple[dict[str, Box], float, float]:
        c: Container = sub.props["container"]
        layer, _ = _layers(c.nodes, c.flows, {})
        slots: dict[int, int] = {}
        boxes: dict[str, Box] = {}
        for nid, n in c.nodes.items():
            row = slots.get(layer[nid], 0)
            slots[layer[nid]] = row + 1
            w, h = SIZES[n.shape]
            cx = 30 + layer[nid] * COL_W + SIZES["task"][0] / 2
            cy = 20 + row * ROW_H + ROW_H / 2
            boxes[nid] = Box(cx - w / 2, cy - h / 2, w, h)
        cols = max(layer.values(), default=0) + 1
        rows = max(slots.values(), default=1)
        return boxes, 30 + cols * COL_W + 10, 20 + rows * ROW_H + 20

    def _route(self, f: Flow, back: set[str], lane_bottom: dict[str, float] | None) -> list[tuple[float, float]]:
        """Orthogonal waypoints: the first candidate route that crosses no other node wins; routes
        that would cross nodes run through the corridor kept free below the nodes of the source lane."""
        s, t = self.boxes[f.source], self.boxes[f.target]
        src = self.p.nodes.get(f.source)
        obstacles = self._obstacles(f)
        cands: list[list[tuple[float, float]]] = []
        yc = None
        if lane_bottom is not None and src is not None:
            k = self._back_slot.get(src.lane, 0)
            self._back_slot[src.lane] = k + 1
            yc = lane_bottom[src.lane] - 8 - (k % 5) * 6
        boundary = src is not None and src.kind == "boundary"
        gateway = src is not None and src.kind in ("gateway", "parallel")
        exits = [(s.cx, s.bottom, "down")] if boundary else [(s.right, s.cy, "right"), (s.cx, s.bottom, "down")]
        if gateway:
            exits.append((s.cx, s.y, "up"))
        forward = t.x > s.right and f.id not in back
        if forward and not boundary:
            if abs(s.cy - t.cy) < 1:
                cands.append([(s.right, s.cy), (t.x, t.cy)])
            if gateway:
                sy = s.y if t.cy < s.cy else s.bottom
                cands.append([(s.cx, sy), (s.cx, t.cy), (t.x, t.cy)])
            cands.append([(s.right, s.cy), (t.x - 15, s.cy), (t.x - 15, t.cy), (t.x, t.cy)])
            cands.append([(s.right, s.cy), (s.right + 15, s.cy), (s.right + 15, t.cy), (t.x, t.cy)])
            if abs(s.cy - t.cy) >= 1:
                # through the gap between the rows, into the target's top or bottom
                up = t.cy < s.cy
                sy, ty = (s.y, t.bottom) if up else (s.bottom, t.y)
                for ym in ((sy + ty) / 2, (sy + ty) / 2 - 6, (sy + ty) / 2 + 6):
                    cands.append([(s.cx, sy), (s.cx, ym), (t.cx, ym), (t.cx, ty)])
                    cands.append([(s.right, s.cy), (s.right + 15, s.cy), (s.right + 15, ym), (t.cx, ym), (t.cx, ty)])
        if boundary and t.x > s.right:
            cands.append([(s.cx, s.bottom), (s.cx, t.cy), (t.x, t.cy)])
            # just below the event, then across: clear of a node right under the task
            cands.append([(s.cx, s.bottom), (s.cx, s.bottom + 12), (t.x - 15, s.bottom + 12), (t.x - 15, t.cy),
                          (t.x, t.cy)])  # fmt: skip
            if t.bottom < s.bottom + 12:
                cands.append([(s.cx, s.bottom), (s.cx, s.bottom + 12), (t.cx, s.bottom + 12), (t.cx, t.bottom)])
        if yc is not None:
            # the corridor's level and the approach column vary so unrelated flows need not share a segment
            k = self._back_slot[src.lane] - 1
            for yk in [yc] + [lane_bottom[src.lane] - 8 - ((k + j) % 5) * 6 for j in range(1, 5)]:
                for x0, y0, how in exits:
                    lead = [(x0, y0)] if how == "down" else [(x0, y0), (x0 + 15, y0)] if how == "right" else None
                    if lead is None:
                        continue
                    lx = lead[-1][0]
                    if t.bottom < yk:
                        cands.append([*lead, (lx, yk), (t.cx, yk), (t.cx, t.bottom)])
                    elif t.y > yk:
                        cands.append([*lead, (lx, yk), (t.cx, yk), (t.cx, t.y)])
                    for dx in (15, 25, 35):
                        cands.append([*lead, (lx, yk), (t.x - dx, yk), (t.x - dx, t.cy), (t.x, t.cy)])
        if yc is None and forward and not boundary:
            # inside an event subprocess there is no lane corridor: a flow that would run through the
            # nodes between its ends (不成立 past 中止公示) goes round below them
            yd = max(s.bottom, t.bottom, *(b.bottom for b in obstacles if s.right <= b.cx <= t.x)) + 15
            cands.append([(s.cx, s.bottom), (s.cx, yd), (t.cx, yd), (t.cx, t.bottom)])
        if not cands:
            cands.append([(s.right, s.cy), (t.x, t.cy)])
        scored = [(self._crossings(c, obstacles), self._shared(c, f), i, c) for i, c in enumerate(cands)]
        return min(scored)[3]

    def _shared(self, points: list[tuple[float, float]], f: Flow) -> int:
        """How many segments of the flows routed so far, other than those sharing an end with `f`,
        this route runs along (a shared line reads as one flow leading somewhere else)."""
        ends = {f.source, f.target}
        count = 0
        for other, route in self.edges.items():
            o = self._flow_ends[other]
            if ends & set(o):
                continue
            for a in zip(points, points[1:], strict=False):
                for b in zip(route, route[1:], strict=False):
                    if _collinear_overlap(a, b):
                        count += 1
        return count

    def _obstacles(self, f: Flow) -> list[Box]:
        inner = {n.id for sub in self.p.nodes.values() if sub.kind == "event_sub"
                 for n in sub.props["container"].nodes.values()}  # fmt: skip
        in_sub = f.source in inner
        result = []
        for nid, box in self.boxes.items():
            if nid in (f.source, f.target) or (in_sub and nid not in inner):  # flows outside see the nodes inside
                continue
            node = self.p.nodes.get(nid)
            if node is not None and node.kind == "boundary" and node.props["attached"] in (f.source, f.target):
                continue
            if node is not None and node.kind == "boundary" and f.source == nid:
                continue
            result.append(box)
        return result

    @staticmethod
    def _crossings(points: list[tuple[float, float]], obstacles: list[Box]) -> int:
        count = 0
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            lo_x, hi_x, lo_y, hi_y = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
            for b in obstacles:
                if lo_x < b.right + 3 and hi_x > b.x - 3 and lo_y < b.bottom + 3 and hi_y > b.y - 3:
                    count += 1
        return count

    def emit(self, root: etree._Element) -> None:
        p = self.p
        diagram = etree.SubElement(root, _q(BPMNDI, "BPMNDiagram"), id=f"{p.id}_diagram")
        plane = etree.SubElement(diagram, _q(BPMNDI, "BPMNPlane"), id=f"{p.id}_plane",
                                 bpmnElement=f"{p.id}_collaboration")  # fmt: skip
        self._shape(plane, f"{p.id}_pool", self.pool, horizontal=True)
        for code in p.lanes:
            self._shape(plane, f"lane_{code}", self.lane_boxes[code], horizontal=True)
        for node in p.all_nodes():
            self._shape(plane, node.id, self.boxes[node.id], expanded=node.kind == "event_sub")
        flows = list(p.flows)
        for n in p.nodes.values():
            if n.kind == "event_sub":
                flows.extend(n.props["container"].flows)
        for f in flows:
            edge = etree.SubElement(plane, _q(BPMNDI, "BPMNEdge"), id=f"{f.id}_di", bpmnElement=f.id)
            for x, y in self.edges[f.id]:
                etree.SubElement(edge, _q(DI, "waypoint"), x=_n(x), y=_n(y))

    @staticmethod
    def _shape(plane: etree._Element, element: str, box: Box, *, horizontal: bool = False,
               expanded: bool = False) -> None:  # fmt: skip
        shape = etree.SubElement(plane, _q(BPMNDI, "BPMNShape"), id=f"{element}_di", bpmnElement=element)
        if horizontal:
            shape.set("isHorizontal", "true")
        if expanded:
            shape.set("isExpanded", "true")
        etree.SubElement(shape, _q(DC, "Bounds"), x=_n(box.x), y=_n(box.y), width=_n(box.w), height=_n(box.h))


def _collinear_overlap(a: tuple[tuple[float, float], ...], b: tuple[tuple[float, float], ...]) -> bool:
    (ax1, ay1), (ax2, ay2) = a
    (bx1, by1), (bx2, by2) = b
    if ay1 == ay2 == by1 == by2:
        return min(max(ax1, ax2), max(bx1, bx2)) - max(min(ax1, ax2), min(bx1, bx2)) > 2
    if ax1 == ax2 == bx1 == bx2:
        return min(max(ay1, ay2), max(by1, by2)) - max(min(ay1, ay2), min(by1, by2)) > 2
    return False


def _n(v: float) -> str:
    return str(int(round(v)))
