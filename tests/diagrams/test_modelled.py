"""The "as modelled" drawing: every MIWG reference model drawn at its own DI coordinates."""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from diagrams import BpmnParseError, parse_bpmn, read_document, render, render_modelled, to_digraph
from diagrams.di import Document
from diagrams.labels import wrap
from diagrams.modelled import modelled_svg, undrawn_processes
from tests.diagrams.helpers import MIWG_DIR, SVG_NS, miwg_files

TOLERANCE = 0.5
G = f"{{{SVG_NS}}}g"


def diagram_cases() -> list[tuple[Path, int]]:
    return [(path, i + 1) for path in miwg_files() for i in range(len(read_document(path).diagrams))]


@cache
def drawing(path: Path, which: int = 1) -> tuple[Document, etree._Element]:
    document = read_document(path)
    svg = modelled_svg(document, document.diagram(which), parse_bpmn(path))
    return document, etree.fromstring(svg)


def groups(root: etree._Element) -> dict[str, etree._Element]:
    return {g.get("id"): g for g in root.iter(G) if g.get("data-bpmn-kind")}


def numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def bbox(shape: etree._Element) -> tuple[float, float, float, float]:
    """x, y, width, height of a rect, circle, polygon or absolute M/L/C/Z path."""
    tag = etree.QName(shape).localname
    if tag == "rect":
        return tuple(float(shape.get(a)) for a in ("x", "y", "width", "height"))  # type: ignore[return-value]
    if tag == "circle":
        cx, cy, r = (float(shape.get(a)) for a in ("cx", "cy", "r"))
        return cx - r, cy - r, 2 * r, 2 * r
    if tag == "path":
        assert not re.search(r"[a-zA-Z]", re.sub(r"[MLCZ]", "", shape.get("d"))), "only absolute M/L/C/Z"
        values = numbers(shape.get("d"))
    else:
        values = numbers(shape.get("points"))
    xs, ys = values[0::2], values[1::2]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def main_shape(group: etree._Element) -> etree._Element:
    found = [child for child in group if "bpmn-shape" in (child.get("class") or "").split()]
    assert len(found) == 1, f"{group.get('id')}: {len(found)} main shapes"
    return found[0]


def label_lines(group: etree._Element) -> list[list[str]]:
    return [
        [span.text or "" for span in text.iter(f"{{{SVG_NS}}}tspan")]
        for text in group.iter(f"{{{SVG_NS}}}text")
        if "bpmn-label" in (text.get("class") or "")
    ]


def named(document: Document, name: str, kind: str | None = None) -> str:
    for element_id, element in document.elements.items():
        same_kind = kind is None or document.kind(element_id) == kind
        if " ".join((element.get("name") or "").split()) == name and same_kind:
            return element_id
    raise AssertionError(f"no element named {name!r}")


def markers(group: etree._Element) -> set[str]:
    return {m.get("data-marker") for m in group.iter() if m.get("data-marker")}


@pytest.mark.parametrize(("path", "which"), diagram_cases(), ids=lambda v: v.name if isinstance(v, Path) else str(v))
def test_every_shape_is_drawn_at_its_bounds(path: Path, which: int) -> None:
    document, root = drawing(path, which)
    diagram = document.diagram(which)
    drawn = groups(root)
    checked = 0
    for shape in diagram.shapes:
        if shape.element not in document.elements or drawn[shape.element].get("data-bpmn-kind") == "process":
            continue
        group = drawn[shape.element]
        if group.get("data-checked"):
            continue  # an element drawn twice in one plane: the first shape wins
        group.set("data-checked", "1")
        x, y, w, h = bbox(main_shape(group))
        b = shape.bounds
        if (document.kind(shape.element) or "").endswith("Event") and b.width != b.height:
            assert w == pytest.approx(min(b.width, b.height), abs=TOLERANCE)
            assert (x + w / 2, y + h / 2) == pytest.approx((b.cx, b.cy), abs=TOLERANCE)
        else:
            assert (x, y, w, h) == pytest.approx((b.x, b.y, b.width, b.height), abs=TOLERANCE), shape.element
        checked += 1
    assert checked > 0


@pytest.mark.parametrize(("path", "which"), diagram_cases(), ids=lambda v: v.name if isinstance(v, Path) else str(v))
def test_every_edge_follows_its_waypoints(path: Path, which: int) -> None:
    document, root = drawing(path, which)
    drawn = groups(root)
    seen: set[str] = set()
    for edge in document.diagram(which).edges:
        if edge.element not in document.elements or edge.element in seen:
            continue
        seen.add(edge.element)
        lines = [c for c in drawn[edge.element] if c.get("class") == "bpmn-path"]
        assert len(lines) == 1
        values = numbers(lines[0].get("points"))
        expected = [v for point in edge.waypoints for v in point]
        assert values == pytest.approx(expected, abs=TOLERANCE), edge.element


@pytest.mark.parametrize(("path", "which"), diagram_cases(), ids=lambda v: v.name if isinstance(v, Path) else str(v))
def test_only_elements_with_di_are_drawn(path: Path, which: int) -> None:
    document, root = drawing(path, which)
    diagram = document.diagram(which)
    expected = {s.element for s in diagram.shapes} | {e.element for e in diagram.edges}
    drawn = {i for i, g in groups(root).items() if g.get("data-layout") != "auto"}
    assert drawn <= expected
    assert {i for i in expected if i in document.elements} <= drawn


@pytest.mark.parametrize(("path", "which"), diagram_cases(), ids=lambda v: v.name if isinstance(v, Path) else str(v))
def test_no_latin_word_is_split(path: Path, which: int) -> None:
    document, root = drawing(path, which)
    for element_id, group in groups(root).items():
        element = document.elements.get(element_id)
        if element is None:
            continue
        texts = [e.get("name") or "" for e in element.iter()] + ["".join(element.itertext())]
        category = document.elements.get((element.get("categoryValueRef") or "").rsplit(":", 1)[-1])
        if category is not None:
            texts.append(category.get("value") or "")
        texts += [f"[{e.get('name')}]" for e in element.iter() if etree.QName(e).localname == "dataState"]
        source = " ".join(" ".join(texts).split())
        words = set(re.split(r"\s+|(?<=-)", source))
        for lines in label_lines(group):
            for line in lines:
                for word in re.split(r"\s+|(?<=-)", line):
                    assert not word or word in words, f"{path.name} {element_id}: {word!r} is not a word of {source!r}"


@pytest.mark.parametrize(("path", "which"), diagram_cases(), ids=lambda v: v.name if isinstance(v, Path) else str(v))
def test_boundary_events_keep_their_labels(path: Path, which: int) -> None:
    document, root = drawing(path, which)
    for element_id, group in groups(root).items():
        name = " ".join((document.elements[element_id].get("name") or "").split()) if element_id in document.elements \
            else ""
        if document.kind(element_id) == "boundaryEvent" and name:
            assert [" ".join(" ".join(lines).split()) for lines in label_lines(group)] == [name]


def test_markers_follow_the_notation() -> None:
    document, root = drawing(MIWG_DIR / "B.2.0.bpmn")
    drawn = groups(root)

    def of(name: str, kind: str | None = None) -> etree._Element:
        return drawn[named(document, name, kind)]

    assert "timer" in markers(of("Start Event 1 Timer"))
    assert "parallel" in markers(of("Parallel Gateway 2"))
    assert "inclusive" in markers(of("Inclusive Gateway 1"))
    assert "eventBased" in markers(of("Event Base Gateway 3"))
    assert "exclusive" in markers(of("Exclusive Gateway 4"))  # isMarkerVisible="true"
    assert markers(of("Send Task 2")) == {"send"}
    assert markers(of("User Task 3")) == {"user"}
    assert markers(of("Receive Task 16")) == {"receive"}
    assert "sequentialMultiInstance" in markers(of("User Task 12 Muti-Inst. Seq."))
    assert "loop" in markers(of("User Task 7 Standard Loop"))
    assert "subProcess" in markers(of("Collapsed Sub-Process 2"))
    assert "terminate" in markers(of("End Event 5 Terminate"))
    assert "error" in markers(of("End Event 13 Error"))
    assert "escalation" in markers(of("End Event 11 Escalation"))
    assert "link" in markers(of("Intermediate Event Link", "intermediateCatchEvent"))
    assert "conditional" in markers(of("Start Event 4 Conditional"))
    assert "signal" in markers(of("Start Event 6 Signal"))
    # catch outlined, throw filled
    catch = next(g for g in of("Intermediate Event Message Catch").iter(G) if g.get("data-marker") == "message")
    throw = next(g for g in of("Intermediate Event Message Throw").iter(G) if g.get("data-marker") == "message")
    assert catch[0].get("fill") == "#ffffff"
    assert throw[0].get("fill") != "#ffffff"
    # non-interrupting boundary events are dashed, interrupting ones are not
    assert main_shape(of("Boundary Intermediate Event Non-Interrupting Timer")).get("stroke-dasharray")
    assert not main_shape(of("Boundary Intermediate Event Interrupting Timer")).get("stroke-dasharray")
    assert main_shape(of("Collapsed Call Activity")).get("stroke-width") == "4"
    end = float(main_shape(of("End Event 7 None")).get("stroke-width"))
    start = float(main_shape(of("Start Event 2")).get("stroke-width"))
    assert end >= 2 * start  # end thick, start thin
    intermediate = of("Intermediate Event Message Catch")
    assert len([c for c in intermediate if etree.QName(c).localname == "circle"]) == 2  # double ring
    kinds = {g.get("data-bpmn-kind") for g in drawn.values()}
    assert {"group", "dataObjectReference", "dataStoreReference", "textAnnotation", "messageFlow",
            "association", "lane", "participant"} <= kinds
    default_flow = document.elements[named(document, "Exclusive Gateway 4")].get("default")
    assert markers(drawn[default_flow]) == {"default"}
    assert "messageStart" in markers(drawn[named(document, "Message Flow 1")])
    assert drawn[named(document, "Message Flow 1")][0].get("stroke-dasharray")


def test_exclusive_marker_only_when_the_file_asks_for_it() -> None:
    document, root = drawing(MIWG_DIR / "A.2.0.bpmn")
    gateways = [g for g in groups(root).values() if g.get("data-bpmn-kind") == "exclusiveGateway"]
    assert gateways
    assert all("exclusive" not in markers(g) for g in gateways)


def test_group_data_input_and_output_are_drawn() -> None:
    document, root = drawing(MIWG_DIR / "C.8.0.bpmn")
    by_kind: dict[str, list[etree._Element]] = {}
    for group in groups(root).values():
        by_kind.setdefault(group.get("data-bpmn-kind"), []).append(group)
    assert len(by_kind["dataInput"]) == 3
    assert len(by_kind["dataOutput"]) == 2
    assert all(markers(g) >= {"dataInput"} for g in by_kind["dataInput"])
    assert all(markers(g) >= {"dataOutput"} for g in by_kind["dataOutput"])
    document, root = drawing(MIWG_DIR / "B.1.0.bpmn")
    group = next(g for g in groups(root).values() if g.get("data-bpmn-kind") == "group")
    assert main_shape(group).get("stroke-dasharray") == "10 4 2 4"
    store = next(g for g in groups(root).values() if g.get("data-bpmn-kind") == "dataStoreReference")
    assert etree.QName(main_shape(store)).localname == "path"


def test_a_file_without_di_falls_back_to_the_automatic_layout(tmp_path: Path) -> None:
    source = etree.parse(str(MIWG_DIR / "A.1.0.bpmn"))
    for diagram in source.getroot().findall("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNDiagram"):
        source.getroot().remove(diagram)
    bare = tmp_path / "bare.bpmn"
    source.write(str(bare))
    assert render_modelled(bare) == render(to_digraph(parse_bpmn(bare)), "svg")
    assert render_modelled(MIWG_DIR / "A.1.0.bpmn") != render(to_digraph(parse_bpmn(MIWG_DIR / "A.1.0.bpmn")), "svg")


def test_a_process_without_di_is_laid_out_below_the_diagram() -> None:
    path = MIWG_DIR / "B.2.0.bpmn"
    document, root = drawing(path)
    missing = undrawn_processes(document, parse_bpmn(path))
    assert missing  # the process the collapsed call activity calls has no shapes
    for process_id in missing:
        group = groups(root)[f"auto-layout-{process_id}"]
        assert group.get("data-layout") == "auto"
        assert group.find(f"{{{SVG_NS}}}svg") is not None
    first = document.diagram(1)
    top = float(root.get("viewBox").split()[1]) + float(root.get("viewBox").split()[3])
    assert top > first.bounds().bottom + 100


def test_wrapping_never_splits_a_latin_word_and_breaks_chinese_per_character() -> None:
    lines = wrap("Boundary Intermediate Event Non-Interrupting Escalation", 60)
    assert " ".join(lines).replace("- ", "-") == "Boundary Intermediate Event Non-Interrupting Escalation"
    assert wrap("Supercalifragilistic", 20) == ["Supercalifragilistic"]
    chinese = wrap("受理申请并一次性告知", 33)
    assert "".join(chinese) == "受理申请并一次性告知"
    assert all(len(line) <= 3 for line in chinese)
    assert wrap("审核（复核）。", 22)[-1].endswith("。")


def test_ids_in_the_svg_are_the_bpmn_ids() -> None:
    document, root = drawing(MIWG_DIR / "A.1.0.bpmn")
    ids = set(groups(root))
    assert {s.element for s in document.diagram().shapes} <= ids


def test_hostile_or_broken_di_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BpmnParseError) as excinfo:
        render_modelled(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]><x>&a;</x>')
    assert excinfo.value.code == "bpmn_malformed"
    text = (MIWG_DIR / "A.1.0.bpmn").read_text(encoding="utf-8")
    broken = re.sub(r'(<(?:\w+:)?Bounds [^>]*?x=")[^"]*"', r'\1NaN"', text, count=1)
    assert broken != text
    with pytest.raises(BpmnParseError) as excinfo:
        render_modelled(broken.encode())
    assert excinfo.value.code == "bpmn_invalid"
    with pytest.raises(BpmnParseError) as excinfo:
        render_modelled(MIWG_DIR / "A.1.0.bpmn", diagram="nope")
    assert excinfo.value.code == "bpmn_no_diagram"


@pytest.mark.skipif(not shutil.which("rsvg-convert"), reason="make system-deps installs librsvg2-bin")
def test_png_and_pdf_through_rsvg() -> None:
    png = render_modelled(MIWG_DIR / "C.4.0.bpmn", "png", max_width=800)
    assert png.startswith(b"\x89PNG")
    assert 799 <= int.from_bytes(png[16:20], "big") <= 800
    assert render_modelled(MIWG_DIR / "A.1.0.bpmn", "pdf").startswith(b"%PDF")


def test_rendering_twice_gives_identical_svg() -> None:
    assert render_modelled(MIWG_DIR / "C.5.0.bpmn", diagram=2) == render_modelled(MIWG_DIR / "C.5.0.bpmn", diagram=2)
