"""parse_bpmn: the OMG MIWG reference models, our own sample, and every input form."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from diagrams import BpmnModel, ProcessNotFound, parse_bpmn
from diagrams.model import FLOW_NODE_KINDS
from tests.diagrams.helpers import FIXTURES, MIWG_DIR, miwg_files


@pytest.mark.parametrize("path", miwg_files(), ids=lambda p: p.name)
def test_parse_miwg_reference_model(path: Path) -> None:
    from lxml import etree

    model = parse_bpmn(path)

    # Every BPMN flow node of the file is in the model, with its kind.
    tree = etree.parse(str(path))
    ns = "http://www.omg.org/spec/BPMN/20100524/MODEL"
    expected = {
        el.get("id"): etree.QName(el).localname
        for el in tree.iter()
        if isinstance(el.tag, str)
        and el.tag.startswith(f"{{{ns}}}")
        and etree.QName(el).localname in FLOW_NODE_KINDS
        # flow nodes live in processes and subprocesses, never in extension elements
        and etree.QName(el.getparent()).localname
        in ("process", "subProcess", "transaction", "adHocSubProcess")
    }
    parsed = {node.id: node.kind for node in model.iter_nodes()}
    assert parsed == expected


def test_sample_model_structure(sample_model: BpmnModel) -> None:
    process = sample_model.process("power_jf_99")
    assert process.name == "农村最低生活保障申请审核（示例）"
    assert process.is_executable
    assert [lane.name for lane in process.lanes] == ["便民服务中心窗口", "民政所", "村委会", "乡党政班子"]
    assert "investigation" in process.lanes[1].flow_node_refs

    gateway = sample_model.node("materials_complete")
    assert gateway.kind == "exclusiveGateway"
    assert gateway.default_flow == "flow_materials_missing"
    flows = {flow.id: flow for flow in process.flows}
    assert flows["flow_materials_missing"].is_default
    assert not flows["flow_materials_ok"].is_default
    assert flows["flow_materials_ok"].condition == "materials_complete == True"
    assert flows["flow_approved"].name == ""

    timer = sample_model.node("notice_period")
    assert timer.kind == "intermediateCatchEvent"
    assert timer.event_definitions == ("timer",)
    assert timer.timer == "timeDuration: P7D"
    assert sample_model.node("county_result").event_definitions == ("message",)

    boundary = sample_model.node("investigation_overdue")
    assert boundary.attached_to == "investigation"
    assert boundary.cancel_activity is False

    call = sample_model.node("collective_decision")
    assert call.kind == "callActivity"
    assert call.called_element == "stage_collective_decision"

    props = sample_model.node("acceptance").properties
    assert props == {
        "position": "window_clerk",
        "time_limit": "1",
        "time_unit": "working_day",
        "documents": "受理通知书、一次性告知书",
    }
    with pytest.raises(TypeError):
        props["position"] = "changed"  # type: ignore[index]


def test_multi_instance_marker(collective_model: BpmnModel) -> None:
    assert collective_model.node("member_votes").multi_instance == "parallel"
    assert collective_model.node("chief_vote").multi_instance is None


def test_collaboration_pools_lanes_and_message_flows() -> None:
    model = parse_bpmn(MIWG_DIR / "A.4.0.bpmn")
    assert [p.name for p in model.participants] == ["Pool"]
    assert model.participants[0].process_ref == "WFP-6-1"
    assert len(model.message_flows) == 2
    lanes = model.process("WFP-6-2").lanes
    assert [lane.name for lane in lanes] == ["Lane 1", "Lane 2"]


def test_nested_subprocesses_boundary_events_and_data() -> None:
    model = parse_bpmn(MIWG_DIR / "B.2.0.bpmn")
    subprocesses = [n for n in model.iter_nodes() if n.is_subprocess and n.children]
    assert subprocesses, "B.2.0 has expanded subprocesses"
    for sub in subprocesses:
        for child in sub.children:
            assert child.parent_id == sub.id
    boundaries = [n for n in model.iter_nodes() if n.kind == "boundaryEvent"]
    assert boundaries
    assert all(b.attached_to for b in boundaries)
    kinds = {d for b in boundaries for d in b.event_definitions}
    assert {"timer", "message", "error", "escalation", "signal", "conditional"} <= kinds
    assert any(not b.cancel_activity for b in boundaries)
    data = [item for process in model.processes for item in process.iter_data_items()]
    assert {"dataObjectReference", "dataStoreReference"} <= {item.kind for item in data}
    assert any(process.data_associations for process in model.processes)
    assert any(process.annotations for process in model.processes) or model.annotations


@pytest.mark.parametrize("form", ["path", "str_path", "bytes", "text", "file"])
def test_every_input_form(form: str) -> None:
    path = FIXTURES / "sample_dibao.bpmn"
    source: object = {
        "path": path,
        "str_path": str(path),
        "bytes": path.read_bytes(),
        "text": path.read_text(encoding="utf-8"),
        "file": io.BytesIO(path.read_bytes()),
    }[form]
    model = parse_bpmn(source)  # type: ignore[arg-type]
    assert model.main_process().id == "power_jf_99"


def test_latin1_encoded_miwg_file_as_text() -> None:
    # A.1.0 declares ISO-8859-1; read as text, the declaration must not trip lxml.
    text = (MIWG_DIR / "A.1.0.bpmn").read_text(encoding="iso-8859-1")
    assert parse_bpmn(text).processes


def test_unknown_process_id(sample_model: BpmnModel) -> None:
    with pytest.raises(ProcessNotFound) as excinfo:
        sample_model.process("nope")
    assert excinfo.value.code == "process_not_found"
