"""Read any BPMN 2.0 XML document into frozen dataclasses that the renderers draw.

The parser is hardened: no network, no DTD, no entity expansion, no huge trees. A document that
carries a DOCTYPE is refused outright (BPMN never needs one; billion-laughs and external-entity
attacks need one). Every lxml error becomes a :class:`~diagrams.errors.BpmnParseError`.

Only elements in the BPMN 2.0 model namespace are read; vendor extensions are ignored, except the
``spiffworkflow:properties`` of our own files, which become :attr:`FlowNode.properties`.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import IO, Final

from lxml import etree

from diagrams.errors import BpmnParseError, ProcessNotFound

BPMN_NS: Final = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS: Final = "http://spiffworkflow.org/bpmn/schema/1.0/core"
MAX_BYTES: Final = 20 * 1024 * 1024

BpmnSource = bytes | bytearray | str | os.PathLike[str] | IO[bytes]

EVENT_KINDS: Final = frozenset(
    {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
)
TASK_KINDS: Final = frozenset(
    {
        "task",
        "userTask",
        "serviceTask",
        "scriptTask",
        "manualTask",
        "sendTask",
        "receiveTask",
        "businessRuleTask",
    }
)
SUBPROCESS_KINDS: Final = frozenset({"subProcess", "transaction", "adHocSubProcess"})
ACTIVITY_KINDS: Final = TASK_KINDS | SUBPROCESS_KINDS | {"callActivity"}
GATEWAY_KINDS: Final = frozenset(
    {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
)
FLOW_NODE_KINDS: Final = EVENT_KINDS | ACTIVITY_KINDS | GATEWAY_KINDS
DATA_KINDS: Final = frozenset({"dataObject", "dataObjectReference", "dataStoreReference"})

EVENT_DEFINITIONS: Final = {
    "timerEventDefinition": "timer",
    "messageEventDefinition": "message",
    "errorEventDefinition": "error",
    "signalEventDefinition": "signal",
    "escalationEventDefinition": "escalation",
    "conditionalEventDefinition": "conditional",
    "compensateEventDefinition": "compensate",
    "linkEventDefinition": "link",
    "terminateEventDefinition": "terminate",
    "cancelEventDefinition": "cancel",
}


@dataclass(frozen=True, slots=True)
class SequenceFlow:
    """A sequence flow between two flow nodes of the same process or subprocess.

    Attributes:
        condition: The text of ``conditionExpression``, stripped; ``None`` when absent.
        is_default: True when the source node names this flow as its ``default``.
    """

    id: str
    name: str
    source: str
    target: str
    condition: str | None = None
    is_default: bool = False


@dataclass(frozen=True, slots=True)
class Lane:
    """A lane of a process (or subprocess) lane set, with its nested child lanes."""

    id: str
    name: str
    flow_node_refs: tuple[str, ...] = ()
    lanes: tuple[Lane, ...] = ()


@dataclass(frozen=True, slots=True)
class DataItem:
    """A data object, data object reference or data store reference.

    Attributes:
        kind: ``dataObject``, ``dataObjectReference`` or ``dataStoreReference``.
        state: The ``dataState`` name, when given.
        ref: The referenced data object or data store id, for references.
    """

    id: str
    name: str
    kind: str
    state: str | None = None
    ref: str | None = None
    is_collection: bool = False


@dataclass(frozen=True, slots=True)
class DataAssociation:
    """A data input/output association drawn between a data item and a flow node."""

    id: str
    source: str
    target: str


@dataclass(frozen=True, slots=True)
class TextAnnotation:
    """A free-text annotation."""

    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Association:
    """An association (dotted line), usually between an annotation and an element."""

    id: str
    source: str
    target: str
    direction: str = "None"


@dataclass(frozen=True, slots=True)
class FlowNode:
    """An event, activity or gateway.

    Attributes:
        kind: The BPMN element name, e.g. ``userTask``, ``exclusiveGateway``, ``transaction``.
        process_id: The process this node belongs to (also for nodes inside subprocesses).
        parent_id: The enclosing subprocess id, ``None`` at the top level of a process.
        event_definitions: Event definition kinds, e.g. ``("timer",)``; empty for a none event.
        timer: The timer expression, e.g. ``"timeDuration: P7D"``.
        attached_to: Host activity id of a boundary event.
        cancel_activity: False for a non-interrupting boundary event.
        called_element: The process id a call activity calls (namespace prefix removed).
        default_flow: Id of the default outgoing sequence flow.
        multi_instance: ``"parallel"``, ``"sequential"`` or ``None``.
        loop: True when the activity has standard loop characteristics.
        is_for_compensation: True for a compensation activity.
        triggered_by_event: True for an event subprocess.
        children: The flow nodes directly inside a subprocess.
        flows: The sequence flows directly inside a subprocess.
        lanes: Lanes of a subprocess lane set (rare).
        data_items: Data objects and references directly inside a subprocess.
        properties: ``spiffworkflow:properties`` as name -> value.
        documentation: Concatenated ``documentation`` text.
    """

    id: str
    name: str
    kind: str
    process_id: str
    parent_id: str | None = None
    event_definitions: tuple[str, ...] = ()
    timer: str | None = None
    attached_to: str | None = None
    cancel_activity: bool = True
    called_element: str | None = None
    default_flow: str | None = None
    multi_instance: str | None = None
    loop: bool = False
    is_for_compensation: bool = False
    triggered_by_event: bool = False
    children: tuple[FlowNode, ...] = ()
    flows: tuple[SequenceFlow, ...] = ()
    lanes: tuple[Lane, ...] = ()
    data_items: tuple[DataItem, ...] = ()
    properties: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    documentation: str = ""

    @property
    def is_event(self) -> bool:
        """True for start, end, intermediate and boundary events."""
        return self.kind in EVENT_KINDS

    @property
    def is_gateway(self) -> bool:
        """True for every gateway kind."""
        return self.kind in GATEWAY_KINDS

    @property
    def is_activity(self) -> bool:
        """True for tasks, subprocesses and call activities."""
        return self.kind in ACTIVITY_KINDS

    @property
    def is_subprocess(self) -> bool:
        """True for subProcess, transaction and adHocSubProcess."""
        return self.kind in SUBPROCESS_KINDS


@dataclass(frozen=True, slots=True)
class Process:
    """A BPMN process: its top-level nodes, flows, lanes, data and annotations."""

    id: str
    name: str
    is_executable: bool = False
    nodes: tuple[FlowNode, ...] = ()
    flows: tuple[SequenceFlow, ...] = ()
    lanes: tuple[Lane, ...] = ()
    data_items: tuple[DataItem, ...] = ()
    annotations: tuple[TextAnnotation, ...] = ()
    associations: tuple[Association, ...] = ()
    data_associations: tuple[DataAssociation, ...] = ()

    def iter_nodes(self) -> Iterator[FlowNode]:
        """Yield every flow node of the process, depth first, in document order."""
        yield from _walk(self.nodes)

    def iter_flows(self) -> Iterator[SequenceFlow]:
        """Yield every sequence flow of the process, including those inside subprocesses."""
        yield from self.flows
        for node in self.iter_nodes():
            yield from node.flows

    def iter_data_items(self) -> Iterator[DataItem]:
        """Yield every data item of the process, including those inside subprocesses."""
        yield from self.data_items
        for node in self.iter_nodes():
            yield from node.data_items


@dataclass(frozen=True, slots=True)
class Participant:
    """A pool of a collaboration; ``process_ref`` is ``None`` for a black-box pool."""

    id: str
    name: str
    process_ref: str | None = None


@dataclass(frozen=True, slots=True)
class MessageFlow:
    """A message flow between nodes or pools of different participants."""

    id: str
    name: str
    source: str
    target: str


@dataclass(frozen=True, slots=True)
class BpmnModel:
    """A parsed BPMN document.

    Attributes:
        id: The ``definitions`` id.
        name: The ``definitions`` name.
        processes: Every process, in document order.
        participants: Pools of every collaboration, in document order.
        message_flows: Message flows of every collaboration.
        annotations: Text annotations placed in a collaboration.
        associations: Associations placed in a collaboration.
    """

    id: str
    name: str
    processes: tuple[Process, ...]
    participants: tuple[Participant, ...] = ()
    message_flows: tuple[MessageFlow, ...] = ()
    annotations: tuple[TextAnnotation, ...] = ()
    associations: tuple[Association, ...] = ()
    _index: Mapping[str, FlowNode] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        index: dict[str, FlowNode] = {}
        for process in self.processes:
            for node in process.iter_nodes():
                index.setdefault(node.id, node)
        object.__setattr__(self, "_index", MappingProxyType(index))

    def process(self, process_id: str) -> Process:
        """Return the process with this id.

        Raises:
            ProcessNotFound: No process has this id.
        """
        for process in self.processes:
            if process.id == process_id:
                return process
        raise ProcessNotFound(f"流程 {process_id!r} 不在此 BPMN 文件中", code="process_not_found")

    def node(self, node_id: str) -> FlowNode:
        """Return the flow node with this id, from any process.

        Raises:
            KeyError: No flow node has this id.
        """
        return self._index[node_id]

    def iter_nodes(self) -> Iterator[FlowNode]:
        """Yield every flow node of every process, depth first, in document order."""
        for process in self.processes:
            yield from process.iter_nodes()

    def main_process(self) -> Process:
        """The process a single-process poster draws: the first executable one with nodes.

        Falls back to the first process with nodes, then to the first process.
        """
        with_nodes = [p for p in self.processes if p.nodes]
        for process in with_nodes:
            if process.is_executable:
                return process
        return (with_nodes or list(self.processes))[0]


def _walk(nodes: tuple[FlowNode, ...]) -> Iterator[FlowNode]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


# --------------------------------------------------------------------------------------------
# Reading the XML
# --------------------------------------------------------------------------------------------

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _hardened_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _read_source(source: BpmnSource) -> bytes | str:
    """Return the raw document (bytes, or str without its XML declaration)."""
    if isinstance(source, (bytes, bytearray)):
        data: bytes | str = bytes(source)
    elif isinstance(source, str) and source.lstrip().startswith("<"):
        data = _XML_DECLARATION.sub("", source, count=1)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise BpmnParseError(f"BPMN 文件过大（超过 {MAX_BYTES} 字节）: {path}", code="bpmn_malformed")
            data = path.read_bytes()
        except OSError as exc:
            raise BpmnParseError(
                f"无法读取 BPMN 文件 {path}: {exc.strerror}", code="bpmn_unreadable"
            ) from exc
    elif hasattr(source, "read"):
        raw = source.read(MAX_BYTES + 1)
        data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    else:
        raise BpmnParseError(f"不支持的 BPMN 输入类型: {type(source).__name__}", code="bpmn_unreadable")
    if len(data) > MAX_BYTES:
        raise BpmnParseError(f"BPMN 文档过大（超过 {MAX_BYTES} 字节）", code="bpmn_malformed")
    return data


def _parse_xml(data: bytes | str) -> etree._Element:
    if isinstance(data, bytes):
        head = data[:4096]
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise BpmnParseError("BPMN 文档不得包含 DOCTYPE 或实体声明", code="bpmn_malformed")
    elif "<!DOCTYPE" in data[:4096] or "<!ENTITY" in data[:4096]:
        raise BpmnParseError("BPMN 文档不得包含 DOCTYPE 或实体声明", code="bpmn_malformed")
    try:
        if isinstance(data, bytes):
            tree = etree.parse(io.BytesIO(data), _hardened_parser())
        else:
            tree = etree.parse(io.StringIO(data), _hardened_parser())
    except etree.XMLSyntaxError as exc:
        raise BpmnParseError(f"不是格式正确的 XML: {exc.msg}", code="bpmn_malformed") from exc
    except (etree.LxmlError, ValueError) as exc:
        raise BpmnParseError(f"无法解析 XML: {exc}", code="bpmn_malformed") from exc
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise BpmnParseError("BPMN 文档不得包含 DOCTYPE 或实体声明", code="bpmn_malformed")
    root = tree.getroot()
    for element in root.iter(etree.Entity):
        raise BpmnParseError(f"BPMN 文档不得包含实体引用: {element}", code="bpmn_malformed")
    return root


def _local(element: etree._Element) -> str | None:
    """The local name of a BPMN-namespace element, else ``None``."""
    tag = element.tag
    if isinstance(tag, str) and tag.startswith("{" + BPMN_NS + "}"):
        return tag[len(BPMN_NS) + 2 :]
    return None


def _bpmn_children(element: etree._Element, name: str | None = None) -> Iterator[etree._Element]:
    for child in element:
        local = _local(child)
        if local is not None and (name is None or local == name):
            yield child


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return "".join(element.itertext()).strip()


def _name(element: etree._Element) -> str:
    return " ".join((element.get("name") or "").split())


def _strip_prefix(qname: str | None) -> str | None:
    if not qname:
        return None
    return qname.rsplit(":", 1)[-1].strip() or None


def _bool(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() == "true"


class _Reader:
    """Turns one parsed ``definitions`` element into a :class:`BpmnModel`."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.globals: dict[str, etree._Element] = {}
        for child in _bpmn_children(root):
            if child.get("id"):
                self.globals[child.get("id")] = child

    def read(self) -> BpmnModel:
        processes = tuple(self._process(el) for el in _bpmn_children(self.root, "process"))
        participants: list[Participant] = []
        message_flows: list[MessageFlow] = []
        annotations: list[TextAnnotation] = []
        associations: list[Association] = []
        for collaboration in _bpmn_children(self.root):
            if _local(collaboration) not in ("collaboration", "choreography"):
                continue
            for child in _bpmn_children(collaboration):
                local = _local(child)
                if local == "participant":
                    participants.append(
                        Participant(
                            id=child.get("id", ""),
                            name=_name(child),
                            process_ref=_strip_prefix(child.get("processRef")),
                        )
                    )
                elif local == "messageFlow":
                    message_flows.append(
                        MessageFlow(
                            id=child.get("id", ""),
                            name=_name(child),
                            source=_strip_prefix(child.get("sourceRef")) or "",
                            target=_strip_prefix(child.get("targetRef")) or "",
                        )
                    )
                elif local == "textAnnotation":
                    annotations.append(self._annotation(child))
                elif local == "association":
                    associations.append(self._association(child))
        if not processes:
            raise BpmnParseError("BPMN 文档中没有任何流程（process）", code="bpmn_no_process")
        return BpmnModel(
            id=self.root.get("id", ""),
            name=_name(self.root),
            processes=processes,
            participants=tuple(participants),
            message_flows=tuple(message_flows),
            annotations=tuple(annotations),
            associations=tuple(associations),
        )

    # ---- containers -------------------------------------------------------------------------

    def _container(
        self, element: etree._Element, process_id: str, parent_id: str | None
    ) -> tuple[
        tuple[FlowNode, ...],
        tuple[SequenceFlow, ...],
        tuple[Lane, ...],
        tuple[DataItem, ...],
        list[TextAnnotation],
        list[Association],
        list[DataAssociation],
    ]:
        nodes: list[FlowNode] = []
        flow_elements: list[etree._Element] = []
        lanes: list[Lane] = []
        data: list[DataItem] = []
        annotations: list[TextAnnotation] = []
        associations: list[Association] = []
        data_associations: list[DataAssociation] = []
        defaults: dict[str, str] = {}
        for child in _bpmn_children(element):
            local = _local(child)
            if local in FLOW_NODE_KINDS:
                node, node_data_assocs = self._node(child, local, process_id, parent_id)
                nodes.append(node)
                data_associations.extend(node_data_assocs)
                if node.default_flow:
                    defaults[node.id] = node.default_flow
            elif local == "sequenceFlow":
                flow_elements.append(child)
            elif local == "laneSet":
                lanes.extend(self._lanes(child))
            elif local in DATA_KINDS:
                data.append(self._data_item(child, local))
            elif local == "textAnnotation":
                annotations.append(self._annotation(child))
            elif local == "association":
                associations.append(self._association(child))
        flows = tuple(self._flow(el, defaults) for el in flow_elements)
        return tuple(nodes), flows, tuple(lanes), tuple(data), annotations, associations, data_associations

    def _process(self, element: etree._Element) -> Process:
        process_id = element.get("id", "")
        nodes, flows, lanes, data, annotations, associations, data_assocs = self._container(
            element, process_id, None
        )
        # Annotations, associations and data associations inside subprocesses are drawn at
        # process level: the renderer connects them by id wherever the ends are drawn.
        sub_annotations, sub_associations = self._nested_annotations(element)
        return Process(
            id=process_id,
            name=_name(element),
            is_executable=_bool(element.get("isExecutable"), False),
            nodes=nodes,
            flows=flows,
            lanes=lanes,
            data_items=data,
            annotations=tuple(annotations + sub_annotations),
            associations=tuple(associations + sub_associations),
            data_associations=tuple(data_assocs),
        )

    def _nested_annotations(self, element: etree._Element) -> tuple[list[TextAnnotation], list[Association]]:
        annotations: list[TextAnnotation] = []
        associations: list[Association] = []
        for child in _bpmn_children(element):
            if _local(child) in SUBPROCESS_KINDS:
                for grandchild in _bpmn_children(child):
                    if _local(grandchild) == "textAnnotation":
                        annotations.append(self._annotation(grandchild))
                    elif _local(grandchild) == "association":
                        associations.append(self._association(grandchild))
                more_annotations, more_associations = self._nested_annotations(child)
                annotations += more_annotations
                associations += more_associations
        return annotations, associations

    # ---- elements ---------------------------------------------------------------------------

    def _node(
        self, element: etree._Element, kind: str, process_id: str, parent_id: str | None
    ) -> tuple[FlowNode, list[DataAssociation]]:
        node_id = element.get("id", "")
        definitions: list[str] = []
        timer: str | None = None
        multi_instance: str | None = None
        loop = False
        documentation: list[str] = []
        for child in _bpmn_children(element):
            local = _local(child) or ""
            if local in EVENT_DEFINITIONS:
                definitions.append(EVENT_DEFINITIONS[local])
                if local == "timerEventDefinition":
                    timer = timer or self._timer(child)
            elif local == "eventDefinitionRef":
                target = self.globals.get(_strip_prefix(_text(child)) or "")
                target_local = _local(target) if target is not None else None
                if target_local in EVENT_DEFINITIONS:
                    definitions.append(EVENT_DEFINITIONS[target_local])
            elif local == "multiInstanceLoopCharacteristics":
                multi_instance = "sequential" if _bool(child.get("isSequential"), False) else "parallel"
            elif local == "standardLoopCharacteristics":
                loop = True
            elif local == "documentation":
                text = _text(child)
                if text:
                    documentation.append(text)

        children: tuple[FlowNode, ...] = ()
        flows: tuple[SequenceFlow, ...] = ()
        lanes: tuple[Lane, ...] = ()
        data: tuple[DataItem, ...] = ()
        data_associations = self._data_associations(element, node_id)
        if kind in SUBPROCESS_KINDS:
            children, flows, lanes, data, _, _, inner = self._container(element, process_id, node_id)
            data_associations.extend(inner)

        node = FlowNode(
            id=node_id,
            name=_name(element),
            kind=kind,
            process_id=process_id,
            parent_id=parent_id,
            event_definitions=tuple(definitions),
            timer=timer,
            attached_to=_strip_prefix(element.get("attachedToRef")),
            cancel_activity=_bool(element.get("cancelActivity"), True),
            called_element=_strip_prefix(element.get("calledElement")),
            default_flow=element.get("default") or None,
            multi_instance=multi_instance,
            loop=loop,
            is_for_compensation=_bool(element.get("isForCompensation"), False),
            triggered_by_event=_bool(element.get("triggeredByEvent"), False),
            children=children,
            flows=flows,
            lanes=lanes,
            data_items=data,
            properties=MappingProxyType(self._spiff_properties(element)),
            documentation="\n".join(documentation),
        )
        return node, data_associations

    @staticmethod
    def _timer(element: etree._Element) -> str | None:
        for child in _bpmn_children(element):
            local = _local(child)
            if local in ("timeDate", "timeDuration", "timeCycle"):
                text = _text(child)
                return f"{local}: {text}" if text else local
        return None

    @staticmethod
    def _spiff_properties(element: etree._Element) -> dict[str, str]:
        properties: dict[str, str] = {}
        for extension in _bpmn_children(element, "extensionElements"):
            for holder in extension.iter(f"{{{SPIFF_NS}}}properties"):
                for prop in holder.iter(f"{{{SPIFF_NS}}}property"):
                    name = prop.get("name")
                    if name:
                        properties[name] = prop.get("value") or _text(prop)
        return properties

    @staticmethod
    def _data_associations(element: etree._Element, node_id: str) -> list[DataAssociation]:
        found: list[DataAssociation] = []
        for child in _bpmn_children(element):
            local = _local(child)
            if local == "dataInputAssociation":
                for source in _bpmn_children(child, "sourceRef"):
                    ref = _text(source)
                    if ref:
                        found.append(DataAssociation(id=child.get("id", ""), source=ref, target=node_id))
            elif local == "dataOutputAssociation":
                for target in _bpmn_children(child, "targetRef"):
                    ref = _text(target)
                    if ref:
                        found.append(DataAssociation(id=child.get("id", ""), source=node_id, target=ref))
        return found

    @staticmethod
    def _flow(element: etree._Element, defaults: Mapping[str, str]) -> SequenceFlow:
        flow_id = element.get("id", "")
        source = element.get("sourceRef", "")
        condition: str | None = None
        for child in _bpmn_children(element, "conditionExpression"):
            condition = _text(child) or None
        return SequenceFlow(
            id=flow_id,
            name=_name(element),
            source=source,
            target=element.get("targetRef", ""),
            condition=condition,
            is_default=bool(flow_id) and defaults.get(source) == flow_id,
        )

    def _lanes(self, lane_set: etree._Element) -> list[Lane]:
        lanes: list[Lane] = []
        for lane in _bpmn_children(lane_set, "lane"):
            refs = tuple(_text(ref) for ref in _bpmn_children(lane, "flowNodeRef") if _text(ref))
            children: list[Lane] = []
            for child_set in _bpmn_children(lane, "childLaneSet"):
                children.extend(self._lanes(child_set))
            lanes.append(
                Lane(id=lane.get("id", ""), name=_name(lane), flow_node_refs=refs, lanes=tuple(children))
            )
        return lanes

    @staticmethod
    def _data_item(element: etree._Element, kind: str) -> DataItem:
        state = None
        for child in _bpmn_children(element, "dataState"):
            state = _name(child) or None
        ref = element.get("dataObjectRef") or element.get("dataStoreRef")
        return DataItem(
            id=element.get("id", ""),
            name=_name(element),
            kind=kind,
            state=state,
            ref=_strip_prefix(ref),
            is_collection=_bool(element.get("isCollection"), False),
        )

    @staticmethod
    def _annotation(element: etree._Element) -> TextAnnotation:
        text = ""
        for child in _bpmn_children(element, "text"):
            text = _text(child)
        return TextAnnotation(id=element.get("id", ""), text=text)

    @staticmethod
    def _association(element: etree._Element) -> Association:
        return Association(
            id=element.get("id", ""),
            source=_strip_prefix(element.get("sourceRef")) or "",
            target=_strip_prefix(element.get("targetRef")) or "",
            direction=element.get("associationDirection") or "None",
        )


def parse_bpmn(source: BpmnSource) -> BpmnModel:
    """Parse a BPMN 2.0 document.

    Args:
        source: XML as bytes, XML text as ``str`` (anything starting with ``<``), a path
            (``str`` or ``PathLike``), or a binary file object.

    Returns:
        The parsed model.

    Raises:
        BpmnParseError: The input cannot be read (``bpmn_unreadable``), is not well-formed or is
            hostile XML (``bpmn_malformed``), is not a BPMN ``definitions`` document
            (``bpmn_invalid``), or has no process (``bpmn_no_process``).
    """
    root = _parse_xml(_read_source(source))
    if _local(root) != "definitions":
        raise BpmnParseError(
            f"根元素不是 BPMN 2.0 的 definitions（命名空间 {BPMN_NS}）: {root.tag}",
            code="bpmn_invalid",
        )
    return _Reader(root).read()
