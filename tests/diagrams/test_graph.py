"""to_digraph: every reference model renders, output is deterministic, shapes and labels."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from diagrams import BpmnModel, CaseOverlay, parse_bpmn, render, to_digraph
from diagrams.overlay import COMPLETED_FILL, CURRENT_FILL, CURRENT_LINE, PATH_LINE, PENDING_FILL
from diagrams.shapes import RISK_LINE
from tests.diagrams.helpers import (
    CJK_FAMILY,
    MIWG_DIR,
    SVG_NS,
    cjk_charset,
    miwg_files,
    svg_group,
    svg_ids,
    svg_text,
    svg_tree,
)


def fills(svg: bytes, group_id: str) -> set[str]:
    """Fill colours of the shapes drawn for one node (upper-case hex)."""
    shapes = svg_group(svg, group_id).iter(
        f"{{{SVG_NS}}}polygon", f"{{{SVG_NS}}}path", f"{{{SVG_NS}}}ellipse"
    )
    return {(shape.get("fill") or "").upper() for shape in shapes}


def strokes(svg: bytes, group_id: str) -> set[tuple[str, str]]:
    shapes = svg_group(svg, group_id).iter(f"{{{SVG_NS}}}path", f"{{{SVG_NS}}}polygon")
    return {((s.get("stroke") or "").upper(), s.get("stroke-width") or "1") for s in shapes}


@pytest.mark.parametrize("path", miwg_files(), ids=lambda p: p.name)
def test_miwg_model_renders_every_flow_node(path: Path) -> None:
    model = parse_bpmn(path)
    svg = render(to_digraph(model), "svg")
    ids = svg_ids(svg)
    missing = [node.id for node in model.iter_nodes() if node.id not in ids]
    assert not missing, f"{path.name}: flow nodes without an SVG element: {missing}"
    # The <title> is the BPMN id too: the node name, or "cluster_<id>" for an expanded subprocess.
    titles = {el.text for el in svg_tree(svg).iter(f"{{{SVG_NS}}}title")}
    for node in model.iter_nodes():
        assert node.id in titles or f"cluster_{node.id}" in titles, node.id


@pytest.mark.parametrize("name", ["B.2.0.bpmn", "C.4.0.bpmn", "A.4.1.bpmn"])
def test_rendering_twice_gives_identical_svg(name: str) -> None:
    model = parse_bpmn(MIWG_DIR / name)
    first = render(to_digraph(model), "svg")
    second = render(to_digraph(parse_bpmn(MIWG_DIR / name)), "svg")
    assert first == second


def test_identical_svg_across_interpreters(sample_model: BpmnModel, tmp_path: Path) -> None:
    # A fresh interpreter with another hash seed must produce the same bytes.
    script = (
        "import sys; from diagrams import parse_bpmn, render, to_digraph;"
        "m = parse_bpmn(sys.argv[1]); sys.stdout.buffer.write(render(to_digraph(m), 'svg'))"
    )
    fixture = Path(__file__).parent / "fixtures" / "sample_dibao.bpmn"
    root = Path(__file__).resolve().parents[2]
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script, str(fixture)],
            capture_output=True,
            check=True,
            cwd=root,
            env={"PYTHONHASHSEED": seed, "PYTHONPATH": str(root), "PATH": os.environ["PATH"]},
        ).stdout
        for seed in ("1", "2")
    ]
    assert outputs[0] == outputs[1] == render(to_digraph(sample_model), "svg")


def test_chinese_labels_use_the_cjk_font(sample_model: BpmnModel) -> None:
    svg = render(to_digraph(sample_model), "svg")
    assert f'font-family="{CJK_FAMILY}"'.encode() in svg
    assert "受理登记" in svg_text(svg)
    assert "材料齐全？" in svg_text(svg)


def test_cjk_font_is_installed() -> None:
    result = subprocess.run(
        ["fc-match", CJK_FAMILY, "--format=%{family}|%{file}"], capture_output=True, text=True
    )
    family, _, path = result.stdout.partition("|")
    hint = (
        f"fc-match {CJK_FAMILY!r} resolved to {result.stdout!r}: install the fonts-noto-cjk package "
        "(apt-get install fonts-noto-cjk) so Chinese text renders"
    )
    assert "Noto Sans CJK" in family, hint
    assert "NotoSansCJK" in path.replace(" ", ""), hint


def test_every_glyph_of_the_sample_is_in_the_cjk_font(
    sample_model: BpmnModel, collective_model: BpmnModel
) -> None:
    graph = to_digraph(
        sample_model,
        expand_call_activities=True,
        called_models={"stage_collective_decision": collective_model},
        risk={"investigation": "高"},
        overlay=CaseOverlay.build(completed=["start"]),
    )
    text = svg_text(render(graph, "svg"))
    missing = sorted({c for c in text if not c.isspace() and ord(c) not in cjk_charset()})
    assert not missing, f"glyphs the CJK font lacks (would print as boxes): {missing}"


def test_gateway_conditions_and_default_flow(sample_model: BpmnModel) -> None:
    svg = render(to_digraph(sample_model), "svg")
    assert "齐全" in svg_text_of(svg, "flow_materials_ok")
    default = svg_text_of(svg, "flow_materials_missing")
    assert "默认" in default
    assert "不齐全" in default
    # A flow without a name shows its condition expression.
    assert "approved == True" in svg_text_of(svg, "flow_approved")
    assert "默认" in svg_text_of(svg, "flow_no_objection")
    assert "默认" not in svg_text_of(svg, "flow_objection")
    # The default flow has the tee ("slash") marker at its source end.
    source = to_digraph(sample_model).source
    line = next(line for line in source.splitlines() if "flow_materials_missing" in line)
    assert "arrowtail=tee" in line


def svg_text_of(svg: bytes, group_id: str) -> str:
    return "".join(el.text or "" for el in svg_group(svg, group_id).iter(f"{{{SVG_NS}}}text"))


def test_shapes(sample_model: BpmnModel) -> None:
    source = to_digraph(sample_model).source
    assert "shape=circle" in _node_line(source, "start")
    assert "penwidth=3" in _node_line(source, "end")
    assert "shape=doublecircle" in _node_line(source, "notice_period")
    assert "定时" in _node_line(source, "notice_period")
    assert "消息" in _node_line(source, "county_result")
    assert "shape=diamond" in _node_line(source, "materials_complete")
    assert "×" in _node_line(source, "materials_complete")
    assert "rounded" in _node_line(source, "acceptance")
    assert "penwidth=3.5" in _node_line(source, "collective_decision")  # call activity: bold border
    # Position (code mapped to a name) and time limit on the second line.
    named = to_digraph(sample_model, position_names={"window_clerk": "窗口受理员"}).source
    assert "窗口受理员 · 1个工作日" in _node_line(named, "acceptance")
    assert "经办人 · 3个工作日" in _node_line(
        to_digraph(sample_model, labels={"review": "经办人 · 3个工作日"}).source, "review"
    )


def _node_line(source: str, node_id: str) -> str:
    for line in source.splitlines():
        if line.strip().startswith(f"{node_id} [") or line.strip().startswith(f'"{node_id}" ['):
            return line
    raise AssertionError(f"node {node_id} not in DOT source")


def test_boundary_event_is_attached_to_its_host(sample_model: BpmnModel) -> None:
    source = to_digraph(sample_model).source
    assert any(
        line.strip().startswith("investigation -> investigation_overdue") and "dashed" in line
        for line in source.splitlines()
    )
    assert 'style="filled,dashed"' in _node_line(source, "investigation_overdue")  # non-interrupting


def test_lanes_and_pools_become_clusters(sample_model: BpmnModel) -> None:
    svg = render(to_digraph(sample_model), "svg")
    for lane_id, name in [
        ("lane_window", "便民服务中心窗口"),
        ("lane_station", "民政所"),
        ("lane_village", "村委会"),
    ]:
        group = svg_group(svg, lane_id)
        assert group.get("class") == "cluster"
        assert name in "".join(t.text or "" for t in group.iter(f"{{{SVG_NS}}}text"))
    pooled = parse_bpmn(MIWG_DIR / "A.4.0.bpmn")
    svg = render(to_digraph(pooled), "svg")
    assert svg_group(svg, "_046bff4f-cea3-4512-a6b1-30517fb29f2c").get("class") == "cluster"  # pool "Pool"
    assert "Pool" in svg_text(svg)


def test_subprocess_children_inside_its_cluster() -> None:
    model = parse_bpmn(MIWG_DIR / "A.4.0.bpmn")
    source = to_digraph(model).source
    subprocesses = [n for n in model.iter_nodes() if n.is_subprocess and n.children]
    assert subprocesses
    for sub in subprocesses:
        block = _subgraph_block(source, f"cluster_{sub.id}")
        for child in sub.children:
            assert f'"{child.id}" [' in block or f"{child.id} [" in block, (sub.id, child.id)


def _subgraph_block(source: str, name: str) -> str:
    """The body of ``subgraph name { ... }`` in DOT source, found by brace matching."""
    start = (
        source.index(f'subgraph "{name}" {{')
        if f'subgraph "{name}"' in source
        else source.index(f"subgraph {name} {{")
    )
    depth = 0
    for index in range(source.index("{", start), len(source)):
        depth += {"{": 1, "}": -1}.get(source[index], 0)
        if depth == 0:
            return source[start:index]
    raise AssertionError(f"unbalanced subgraph {name}")


def test_call_activity_box_or_expanded(sample_model: BpmnModel, collective_model: BpmnModel) -> None:
    plain = render(to_digraph(sample_model), "svg")
    assert svg_group(plain, "collective_decision").get("class") == "node"
    assert "member_votes" not in svg_ids(plain)

    expanded = render(
        to_digraph(
            sample_model,
            expand_call_activities=True,
            called_models={"stage_collective_decision": collective_model},
        ),
        "svg",
    )
    assert svg_group(expanded, "collective_decision").get("class") == "cluster"
    ids = svg_ids(expanded)
    for inner in ("meeting_start", "member_votes", "chief_vote", "passed_gateway", "meeting_end"):
        assert f"collective_decision/{inner}" in ids
    assert "|||" in svg_text_of(expanded, "collective_decision/member_votes")  # multi-instance marker
    assert "调用" in svg_text_of(expanded, "collective_decision")


def test_overlay_colours(sample_model: BpmnModel) -> None:
    overlay = CaseOverlay.build(
        completed=["start", "acceptance", "materials_complete"],
        current=["investigation"],
        pending=["review", "filing"],
        path=["start", "acceptance", "materials_complete", "investigation"],
    )
    svg = render(to_digraph(sample_model, overlay=overlay), "svg")
    assert COMPLETED_FILL in fills(svg, "acceptance")
    assert COMPLETED_FILL in fills(svg, "materials_complete")
    assert CURRENT_FILL in fills(svg, "investigation")
    assert (CURRENT_LINE, "3.5") in strokes(svg, "investigation")
    assert PENDING_FILL in fills(svg, "review")
    assert {COMPLETED_FILL, CURRENT_FILL, PENDING_FILL}.isdisjoint(fills(svg, "village_evaluation"))
    for flow_id in ("flow_start", "flow_to_materials", "flow_materials_ok"):
        assert (PATH_LINE, "3.5") in strokes(svg, flow_id), flow_id
    assert (PATH_LINE, "3.5") not in strokes(svg, "flow_materials_missing")
    assert "已完成" in svg_text(svg)
    assert "当前环节" in svg_text(svg)


def test_risk_marks(sample_model: BpmnModel, risks: list) -> None:
    svg = render(to_digraph(sample_model, risk=risks, risk_callouts=True), "svg")
    assert "★②" in svg_text_of(svg, "investigation")
    assert (RISK_LINE["高"].upper(), "3") in strokes(svg, "investigation")
    assert "高风险" in svg_text_of(svg, "risk_2_investigation")
    assert "优亲厚友" in svg_text_of(svg, "risk_2_investigation")


def test_lr_layout_and_single_process(sample_model: BpmnModel) -> None:
    graph = to_digraph(sample_model, process_id="power_jf_99", rankdir="LR")
    assert "rankdir=LR" in graph.source
    assert "acceptance" in svg_ids(render(graph, "svg"))
