"""The BPMN files themselves: XSD-valid and parseable by the engine, complete diagram interchange,
lanes, forms, the conventions of docs/bpmn-conventions.md, agreement with the catalog, and the
generator's output equal to the committed files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from lxml import etree

from engine import bpmn
from processes.bpmn_build.__main__ import outputs
from processes.bpmn_build.model import POSITIONS
from processes.bpmn_build.powers import POWERS
from processes.bpmn_build.sources import BLOCKS_DIR, FORMS_DIR, POWERS_DIR, definition_sources, power_process_ids

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC", "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}  # fmt: skip
FLOW_NODES = {
    "startEvent", "endEvent", "userTask", "scriptTask", "callActivity", "exclusiveGateway", "parallelGateway",
    "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "subProcess", "task", "serviceTask",
    "manualTask",
}  # fmt: skip
CATALOG = Path(__file__).resolve().parents[2] / "processes" / "catalog" / "powers.yaml"
BPMN_FILES = sorted(POWERS_DIR.glob("*.bpmn")) + sorted(BLOCKS_DIR.glob("*.bpmn"))
ALL_BPMN_FILES = BPMN_FILES + sorted((POWERS_DIR.parent / "procedures").glob("*.bpmn"))
VOCABULARY = {
    "acceptance", "case_registration", "investigation", "village_evaluation", "site_inspection", "review",
    "legal_review", "hearing_notice", "collective_decision", "decision", "public_notice", "service", "disbursement",
    "execution", "mediation", "demand_notice", "filing",
}  # fmt: skip


def local(el) -> str:
    return etree.QName(el).localname


def tree(path: Path):
    return etree.parse(str(path))


def flow_nodes(t) -> list:
    return [el for el in t.iterfind(".//bpmn:process//*", NS) if local(el) in FLOW_NODES]


def top_nodes(t) -> list:
    return [el for el in t.find(".//bpmn:process", NS) if local(el) in FLOW_NODES]


def test_there_is_one_file_per_power():
    assert len(power_process_ids()) == 31
    assert sorted(p.process_id for p in POWERS) == power_process_ids()


@pytest.mark.parametrize("process_id", power_process_ids())
def test_each_power_parses_with_its_blocks_and_forms(process_id):
    parsed = bpmn.parse_definition(definition_sources(process_id), process_id)  # XSD-validated
    assert parsed.spec.name == process_id
    assert all(info.form for info in parsed.user_tasks.values())


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.stem)
def test_every_flow_node_lane_and_flow_has_diagram_interchange(path):
    t = tree(path)
    shapes = {s.get("bpmnElement"): s for s in t.iterfind(".//bpmndi:BPMNShape", NS)}
    edges = {e.get("bpmnElement"): e for e in t.iterfind(".//bpmndi:BPMNEdge", NS)}
    nodes = flow_nodes(t)
    assert nodes
    for el in nodes:
        assert el.get("id") in shapes, f"{path.name}: no shape for {el.get('id')}"
    for lane in t.iterfind(".//bpmn:lane", NS):
        assert lane.get("id") in shapes, f"{path.name}: no shape for lane {lane.get('id')}"
    for flow in t.iterfind(".//bpmn:sequenceFlow", NS):
        edge = edges.get(flow.get("id"))
        assert edge is not None, f"{path.name}: no edge for {flow.get('id')}"
        assert len(edge.findall("di:waypoint", NS)) >= 2
    # a sensible layout: shapes of flow nodes do not overlap (boundary events sit on their activity)
    boxes = []
    for el in nodes:
        if local(el) in ("boundaryEvent", "subProcess"):
            continue
        b = shapes[el.get("id")].find("dc:Bounds", NS)
        boxes.append((el.get("id"), *(float(b.get(k)) for k in ("x", "y", "width", "height"))))
    for i, (a, ax, ay, aw, ah) in enumerate(boxes):
        for b, bx, by, bw, bh in boxes[i + 1:]:
            assert not (ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah), f"{a} overlaps {b}"
    # lanes are horizontal bands, nodes inside their lane
    lane_of = {ref.text: lane.get("id") for lane in t.iterfind(".//bpmn:lane", NS)
               for ref in lane.iterfind("bpmn:flowNodeRef", NS)}  # fmt: skip
    for el in top_nodes(t):
        lane = shapes[lane_of[el.get("id")]].find("dc:Bounds", NS)
        node = shapes[el.get("id")].find("dc:Bounds", NS)
        ly, lh, ny = float(lane.get("y")), float(lane.get("height")), float(node.get("y"))
        assert ly <= ny <= ly + lh, f"{path.name}: {el.get('id')} drawn outside its lane"


@pytest.mark.parametrize("path", ALL_BPMN_FILES, ids=lambda p: p.stem)
def test_no_flow_is_drawn_through_a_shape_other_than_its_ends(path):
    """In a modeler a flow drawn through a node reads as passing it (不成立 through 中止公示)."""
    t = tree(path)
    flows = {f.get("id"): (f.get("sourceRef"), f.get("targetRef")) for f in t.iterfind(".//bpmn:sequenceFlow", NS)}
    attached = {b.get("id"): b.get("attachedToRef") for b in t.iterfind(".//bpmn:boundaryEvent", NS)}
    nodes = {el.get("id") for el in flow_nodes(t) if local(el) != "subProcess"}
    boxes = {}
    for shape in t.iterfind(".//bpmndi:BPMNShape", NS):
        if shape.get("bpmnElement") in nodes:
            b = shape.find("dc:Bounds", NS)
            boxes[shape.get("bpmnElement")] = tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))
    through = []
    for edge in t.iterfind(".//bpmndi:BPMNEdge", NS):
        fid = edge.get("bpmnElement")
        ends = set(flows[fid])
        points = [(float(w.get("x")), float(w.get("y"))) for w in edge.iterfind("di:waypoint", NS)]
        for node, (x, y, w, h) in boxes.items():
            if node in ends or attached.get(node) in ends or attached.get(flows[fid][0]) == node:
                continue
            if any(min(x1, x2) < x + w and max(x1, x2) > x and min(y1, y2) < y + h and max(y1, y2) > y
                   for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False)):  # fmt: skip
                through.append((fid, node))
    assert through == []


# unrelated flows the generated layout still draws along one line (was 37 pairs before the router
# counted shared segments)
KNOWN_SHARED = {
    ("qz_01", "f_gw_corrected__written_rejection", "f_notice_interrupted__review"),
    ("qz_01", "f_gw_registered__written_rejection", "f_gw_self_demolished__conclude_approved"),
    ("xk_02", "f_gw_accepted__conclude_rejected", "f_public_notice__service"),
}


def _collinear(a, b) -> bool:
    (ax1, ay1), (ax2, ay2) = a
    (bx1, by1), (bx2, by2) = b
    if ay1 == ay2 == by1 == by2:
        return min(max(ax1, ax2), max(bx1, bx2)) - max(min(ax1, ax2), min(bx1, bx2)) > 2
    if ax1 == ax2 == bx1 == bx2:
        return min(max(ay1, ay2), max(by1, by2)) - max(min(ay1, ay2), min(by1, by2)) > 2
    return False


def test_unrelated_flows_do_not_share_a_line():
    """Two flows without a common end drawn along one segment read as one flow going elsewhere."""
    shared = set()
    for path in ALL_BPMN_FILES:
        t = tree(path)
        ends = {f.get("id"): {f.get("sourceRef"), f.get("targetRef")} for f in t.iterfind(".//bpmn:sequenceFlow", NS)}
        routes = {e.get("bpmnElement"): [(float(w.get("x")), float(w.get("y"))) for w in e.iterfind("di:waypoint", NS)]
                  for e in t.iterfind(".//bpmndi:BPMNEdge", NS)}  # fmt: skip
        ids = sorted(routes)
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                if ends[a] & ends[b]:
                    continue
                if any(_collinear(x, y) for x in zip(routes[a], routes[a][1:], strict=False)
                       for y in zip(routes[b], routes[b][1:], strict=False)):  # fmt: skip
                    shared.add((path.stem, a, b))
    assert shared <= KNOWN_SHARED


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.stem)
def test_lanes_are_positions_and_every_top_level_node_is_in_exactly_one(path):
    t = tree(path)
    lanes = t.findall(".//bpmn:lane", NS)
    assert {lane.get("name") for lane in lanes} <= set(POSITIONS.values())
    refs = [ref.text for lane in lanes for ref in lane.iterfind("bpmn:flowNodeRef", NS)]
    assert sorted(refs) == sorted(el.get("id") for el in top_nodes(t))
    for task in t.iterfind(".//bpmn:userTask", NS):
        props = {p.get("name"): p.get("value") for p in task.iterfind(".//spiffworkflow:property", NS)}
        assert (FORMS_DIR / f"{props['form']}.schema.json").exists()
        assert set(props) <= {"form", "time_limit", "tags", "duty", "stance", "presider", "pauses_clock", "documents"}
        if "presider" in props:  # only the final stance (末位表态) belongs to the meeting's presider
            assert (props["presider"], props["form"]) == ("true", "chief_stance")
        if "stance" in props:
            assert (props["stance"], mi_of(task) is not None) == ("true", True)
        if "time_limit" in props:
            assert re.fullmatch(r"\d+(WD|D)", props["time_limit"])
        if "duty" in props:
            assert props["duty"] in ("accept", "review", "approve")
        mi = task.find("bpmn:multiInstanceLoopCharacteristics", NS)
        if mi is not None:
            assert mi.find("bpmn:inputDataItem", NS).get("id") == "member"


def mi_of(task):
    return task.find("bpmn:multiInstanceLoopCharacteristics", NS)


@pytest.mark.parametrize("path", sorted(POWERS_DIR.glob("*.bpmn")), ids=lambda p: p.stem)
def test_power_conventions(path):
    t = tree(path)
    process = t.find(".//bpmn:process", NS)
    assert process.get("id") == f"power_{path.stem}"
    ids = {el.get("id") for el in top_nodes(t)}
    assert {"start", "filing", "end_approved", "end_rejected"} <= ids
    calls = {c.get("id"): c.get("calledElement") for c in t.iterfind(".//bpmn:callActivity", NS)}
    if "block_public_notice" in calls.values():
        assert calls["public_notice"] == "block_public_notice"
        boundary = t.find(".//bpmn:boundaryEvent[@id='notice_interrupted']", NS)
        assert boundary.get("attachedToRef") == "public_notice" and boundary.get("cancelActivity") == "true"
        sub = t.find(".//bpmn:subProcess[@id='objections']", NS)
        assert sub.get("triggeredByEvent") == "true"
        start = sub.find("bpmn:startEvent", NS)
        assert start.get("isInterrupting") == "false"
        assert t.find(".//bpmn:message[@id='msg_objection']", NS).get("name") == "objection"
        assert t.find(".//bpmn:signal", NS).get("name") == "objection_upheld"
        assert sub.find(".//bpmn:userTask[@id='examine_objection']", NS) is not None
    else:
        assert t.find(".//bpmn:subProcess", NS) is None
    # both outcomes reach an end event
    succ: dict[str, set[str]] = {}
    for f in process.iterfind("bpmn:sequenceFlow", NS):
        succ.setdefault(f.get("sourceRef"), set()).add(f.get("targetRef"))
    seen, todo = set(), ["start"]
    while todo:
        n = todo.pop()
        if n not in seen:
            seen.add(n)
            todo.extend(succ.get(n, ()))
    assert {"end_approved", "end_rejected"} <= seen


def test_the_notice_block_waits_until_notice_end():
    t = tree(BLOCKS_DIR / "block_public_notice.bpmn")
    timer = t.find(".//bpmn:intermediateCatchEvent[@id='notice_period']", NS)
    assert timer.find(".//bpmn:timeDate", NS).text == "notice_end"


@pytest.mark.parametrize("path", sorted(FORMS_DIR.glob("*.schema.json")), ids=lambda p: p.name.split(".")[0])
def test_forms_are_closed_json_schemas_with_chinese_titles(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert re.search(r"[\u4e00-\u9fff]", schema["title"])

    def walk(node):
        if node.get("type") == "object" or "properties" in node:
            assert node.get("additionalProperties") is False
            for name, prop in node.get("properties", {}).items():
                assert re.search(r"[\u4e00-\u9fff]", prop.get("title", "")), f"{path.name}: {name} has no Chinese title"
                walk(prop)
        if isinstance(node.get("items"), dict):
            walk(node["items"])

    walk(schema)


def test_the_generated_files_are_up_to_date():
    stale = [str(p) for p, data in outputs().items() if not p.exists() or p.read_bytes() != data]
    assert stale == [], "run: python -m processes.bpmn_build"


@pytest.mark.skipif(not CATALOG.exists(), reason="the catalog is not there yet")
@pytest.mark.parametrize("power", POWERS, ids=lambda p: p.code)
def test_each_power_agrees_with_the_catalog(power):
    catalog = {p["code"]: p for p in yaml.safe_load(CATALOG.read_text(encoding="utf-8"))["powers"]}[power.code]
    t = tree(POWERS_DIR / f"{power.slug}.bpmn")
    process = t.find(".//bpmn:process", NS)
    assert catalog["process_id"] == process.get("id")
    assert catalog["name"] == process.get("name")
    ids = {el.get("id") for el in top_nodes(t)}
    calls = {c.get("id"): c.get("calledElement") for c in t.iterfind(".//bpmn:callActivity", NS)}
    kinds = set(catalog["collective_decisions"])
    leaders = bool(kinds & {"leaders_meeting", "sanzhong", "penalty_collective"})
    village = bool(kinds & {"village_eval", "village_2_3"})
    assert (calls.get("collective_decision") == "block_collective_decision") is leaders
    assert (calls.get("village_evaluation") == "block_village_evaluation") is village
    notice = catalog["notice"]
    if notice is None:
        assert "public_notice" not in ids
    elif notice.get("period") is None:  # published only (执法决定公示): a task, no objection period
        assert "public_notice" in ids and "public_notice" not in calls
    else:
        assert calls.get("public_notice") == "block_public_notice"
    assert ("county_result" in ids) is catalog["ends_in_transfer"]
    for risk in catalog["risk_points"]:
        assert risk["node"] in ids, f"risk point at {risk['node']} has no step in the process"
    assert ids & VOCABULARY >= {r["node"] for r in catalog["risk_points"]}
    decision = t.find(".//bpmn:userTask[@id='decision']", NS)
    if decision is not None and catalog["five_areas"]:
        tags = {p.get("value") for p in decision.iterfind(".//spiffworkflow:property[@name='tags']", NS)}
        assert set(",".join(tags).split(",")) == set(catalog["five_areas"])
