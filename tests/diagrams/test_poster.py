"""The wall charts: title, header and footer fields, risk legend, QR code, paper sizes."""

from __future__ import annotations

import re
import struct
from dataclasses import replace

import pytest

from diagrams import (
    BpmnModel,
    InvalidSheet,
    PowerSheet,
    RiskPoint,
    build_flow_poster,
    build_risk_map,
    chart_title,
    render_flow_poster,
)
from diagrams.measure import printed_texts
from diagrams.paging import MIN_SCALE
from diagrams.qr import module_size, qr_matrix
from tests.diagrams.helpers import SVG_NS, cjk_charset, merged_svg, svg_group, svg_ids, svg_text

A3_PT = (841.89, 1190.55)
A4_PT = (595.28, 841.89)


@pytest.fixture(scope="module")
def flow_poster(
    sheet: PowerSheet, sample_model: BpmnModel, risks: list[RiskPoint], positions: dict[str, str]
):
    return build_flow_poster(sheet, sample_model, paper="A3", risks=risks, position_names=positions)


@pytest.fixture(scope="module")
def risk_map(sheet: PowerSheet, sample_model: BpmnModel, risks: list[RiskPoint], positions: dict[str, str]):
    return build_risk_map(sheet, sample_model, risks, paper="A3", position_names=positions)


@pytest.fixture(scope="module")
def flow_svg(flow_poster) -> bytes:
    return merged_svg(flow_poster.render_pages("svg"))


@pytest.fixture(scope="module")
def risk_svg(risk_map) -> bytes:
    return merged_svg(risk_map.render_pages("svg"))


def test_titles(sheet: PowerSheet, flow_svg: bytes, risk_svg: bytes) -> None:
    assert chart_title(sheet, "flow") == "示范乡〈最低生活保障审核〉运行流程图"
    assert chart_title(sheet, "risk") == "示范乡〈最低生活保障审核〉廉政风险防控图"
    assert chart_title(sheet, "flow") in svg_text(flow_svg)
    assert chart_title(sheet, "risk") in svg_text(risk_svg)


@pytest.mark.parametrize("chart", ["flow_svg", "risk_svg"])
def test_header_and_footer_fields(chart: str, sheet: PowerSheet, request: pytest.FixtureRequest) -> None:
    text = "".join(svg_text(request.getfixturevalue(chart)).split())  # cells wrap long text
    for value in (
        sheet.code,
        sheet.category,
        sheet.implementing_subject,
        sheet.handling_unit,
        sheet.supervising_leader,
        sheet.legal_limit,
        sheet.promised_limit,
        sheet.fee,
        *sheet.legal_bases,
        *sheet.materials,
        sheet.supervision_phone,
        sheet.complaint_phone,
        "2026年3月1日",
        sheet.version,
    ):
        assert "".join(value.split()) in text, value
    for label in (
        "权力编码",
        "权力类型",
        "实施依据",
        "实施主体",
        "承办机构",
        "责任人/分管领导",
        "法定时限",
        "承诺时限",
        "申请材料",
        "监督电话",
        "投诉举报",
        "救济途径",
    ):
        assert label in text, label
    # Remedies: 行政复议 within 60 days, 行政诉讼 within 6 months.
    assert "60日内" in text
    assert "行政复议" in text
    assert "6个月内" in text
    assert "行政诉讼" in text


def test_flow_is_on_the_poster(flow_svg: bytes, sample_model: BpmnModel) -> None:
    ids = svg_ids(flow_svg)
    assert {node.id for node in sample_model.main_process().iter_nodes()} <= ids
    assert "★②" in svg_text(flow_svg)  # risk cross-reference on the flow poster


def test_risk_map_legend_rows_and_callouts(risk_svg: bytes, risks: list[RiskPoint]) -> None:
    text = "".join(svg_text(risk_svg).split())  # cells wrap long text over several lines
    assert "廉政风险点及防控措施" in text
    ids = svg_ids(risk_svg)
    for number, point in enumerate(risks, start=1):
        assert f"a_risk_row_{number}" in ids  # the legend row (links to its callout)
        assert f"risk_{number}_{point.node_id}" in ids  # the callout at its node
        assert point.description in text
        for measure in point.measures:
            assert measure in text
        assert point.responsible in text
        assert point.supervisor in text
    for level in ("高风险", "中风险", "低风险"):
        assert level in text


def test_qr_code_encodes_the_public_url(risk_svg: bytes, sheet: PowerSheet) -> None:
    group = svg_group(risk_svg, "a_qr")
    link = group.find(f"{{{SVG_NS}}}a")
    assert link is not None
    assert link.get("{http://www.w3.org/1999/xlink}href") == sheet.public_url
    # Rebuild the module matrix from the black rectangles and compare with the QR encoder's.
    boxes = []
    for polygon in group.iter(f"{{{SVG_NS}}}polygon"):
        if polygon.get("fill") == "black":
            points = [tuple(map(float, pair.split(","))) for pair in polygon.get("points").split()]
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            boxes.append((min(xs), max(xs), min(ys), max(ys)))
    expected = qr_matrix(sheet.public_url)
    border = next(i for i, row in enumerate(expected) if any(row))
    x0, y0 = min(b[0] for b in boxes), min(b[2] for b in boxes)
    module = module_size(sheet.public_url, 168)
    assert module == 4
    rebuilt = [[False] * len(expected) for _ in expected]
    for left, right, top, bottom in boxes:
        for row in range(round((top - y0) / module), round((bottom - y0) / module)):
            for col in range(round((left - x0) / module), round((right - x0) / module)):
                rebuilt[row + border][col + border] = True
    assert rebuilt == expected


def mediabox(pdf: bytes) -> tuple[float, float]:
    match = re.search(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", pdf)
    assert match, "no MediaBox in the PDF"
    x0, y0, x1, y1 = (float(v) for v in match.groups())
    return x1 - x0, y1 - y0


@pytest.mark.parametrize(("paper", "size"), [("A3", A3_PT), ("A4", A4_PT)])
@pytest.mark.parametrize("kind", ["flow", "risk"])
def test_pdf_page_size(
    paper: str,
    size: tuple[float, float],
    kind: str,
    sheet: PowerSheet,
    sample_model: BpmnModel,
    risks: list[RiskPoint],
) -> None:
    if kind == "flow":
        poster = build_flow_poster(sheet, sample_model, paper=paper)  # type: ignore[arg-type]
    else:
        poster = build_risk_map(sheet, sample_model, risks, paper=paper)  # type: ignore[arg-type]
    pdf = poster.render("pdf")
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type/Page") >= 1
    width, height = mediabox(pdf)
    assert width == pytest.approx(size[0], abs=1.5)
    assert height == pytest.approx(size[1], abs=1.5)
    svg = poster.render("svg")
    svg_size = re.search(rb'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    assert svg_size is not None
    assert float(svg_size.group(1)) == pytest.approx(size[0], abs=1.5)
    assert float(svg_size.group(2)) == pytest.approx(size[1], abs=1.5)


def test_png_resolution(flow_poster) -> None:
    png = flow_poster.render("png")  # 150 dpi on A3
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width == pytest.approx(11.69 * 150, abs=3)
    assert height == pytest.approx(16.54 * 150, abs=3)


def test_poster_text_is_readable_on_a3(flow_poster, risk_map) -> None:
    # The 14 pt step text prints at 10 pt or more, every other text at 8 pt or more.
    for poster in (flow_poster, risk_map):
        assert poster.scale * 14 >= 10
        assert min(t.points for t in printed_texts(poster.render("svg"))) >= 8


def test_poster_glyphs_are_in_the_cjk_font(flow_svg: bytes, risk_svg: bytes) -> None:
    text = svg_text(flow_svg) + svg_text(risk_svg)
    missing = sorted({c for c in text if not c.isspace() and ord(c) not in cjk_charset()})
    assert not missing, f"glyphs the CJK font lacks (would print as boxes): {missing}"


def test_poster_is_deterministic(sheet: PowerSheet, sample_model: BpmnModel, risks: list[RiskPoint]) -> None:
    first = build_risk_map(sheet, sample_model, risks, paper="A4").render("svg")
    second = build_risk_map(sheet, sample_model, risks, paper="A4").render("svg")
    assert first == second


def test_render_shortcut(sheet: PowerSheet, sample_model: BpmnModel) -> None:
    assert render_flow_poster(sheet, sample_model, fmt="svg", paper="A4").startswith(b"<?xml")


def test_risk_point_validation(sheet: PowerSheet, sample_model: BpmnModel) -> None:
    with pytest.raises(InvalidSheet) as excinfo:
        RiskPoint("acceptance", "x", "很高")
    assert excinfo.value.code == "invalid_risk_level"
    assert RiskPoint("acceptance", "x", "一级").level == "高"
    with pytest.raises(InvalidSheet) as excinfo:
        build_risk_map(sheet, sample_model, [RiskPoint("no_such_step", "x", "高")])
    assert excinfo.value.code == "unknown_risk_node"
    with pytest.raises(InvalidSheet):
        build_risk_map(sheet, sample_model, [])


def test_long_names_wrap_and_the_legend_stays_inside_the_page(
    sheet: PowerSheet, sample_model: BpmnModel, risks: list[RiskPoint]
) -> None:
    from dataclasses import replace

    long_sheet = replace(
        sheet,
        name="对乡、村庄规划区内未取得或未按乡村建设规划许可证建设的责令停止建设、限期改正，逾期不改正的强制拆除",
        legal_bases=["城乡规划法 第65条", "行政强制法 第35–38条(催告、陈述申辩、决定)、第43条、第44条" * 3],
    )
    poster = build_risk_map(long_sheet, sample_model, risks, paper="A4")
    text = svg_text(poster.render("svg"))
    assert chart_title(long_sheet, "risk") in text
    width, height = mediabox(poster.render("pdf"))
    assert (width, height) == (pytest.approx(A4_PT[0], abs=1.5), pytest.approx(A4_PT[1], abs=1.5))


def long_process(steps: int) -> bytes:
    """A straight procedure of ``steps`` tasks with a rework loop, tall enough to fold."""
    bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL"
    nodes = ['<startEvent id="start" name="申请"/>']
    flows = []
    previous = "start"
    for index in range(1, steps + 1):
        nodes.append(f'<userTask id="step_{index}" name="第{index}步办理"/>')
        flows.append(f'<sequenceFlow id="f_{index}" sourceRef="{previous}" targetRef="step_{index}"/>')
        previous = f"step_{index}"
    nodes.append('<exclusiveGateway id="check" name="合格？" default="f_redo"/>')
    nodes.append('<endEvent id="end" name="办结"/>')
    flows.append(f'<sequenceFlow id="f_check" sourceRef="{previous}" targetRef="check"/>')
    flows.append(
        '<sequenceFlow id="f_ok" name="合格" sourceRef="check" targetRef="end">'
        "<conditionExpression>ok</conditionExpression></sequenceFlow>"
    )
    flows.append('<sequenceFlow id="f_redo" name="重办" sourceRef="check" targetRef="step_2"/>')
    body = "".join(nodes + flows)
    process = f'<process id="long_p" name="长流程">{body}</process>'
    return f'<definitions xmlns="{bpmn}" id="long">{process}</definitions>'.encode()


def node_x(svg: bytes, node_id: str) -> float:
    texts = list(svg_group(svg, node_id).iter(f"{{{SVG_NS}}}text"))
    return float(texts[0].get("x"))


@pytest.mark.parametrize("paper", ["A3", "A4"])
def test_a_tall_flow_continues_on_numbered_sheets_never_smaller(paper: str, sheet: PowerSheet) -> None:
    from diagrams import parse_bpmn

    model = parse_bpmn(long_process(24))
    poster = build_flow_poster(sheet, model, paper=paper)  # type: ignore[arg-type]
    assert poster.pages >= 2
    assert poster.scale >= MIN_SCALE
    sheets = poster.render_pages("svg")
    drawn: set[str] = set()
    outs: dict[str, str] = {}
    ins: dict[str, str] = {}
    for number, svg in enumerate(sheets, start=1):
        ids = svg_ids(svg)
        drawn |= ids
        assert f"第 {number} 页／共 {poster.pages} 页" in svg_text(svg)
        assert min(t.points for t in printed_texts(svg)) >= 8.0
        outs.update({i.removesuffix("#out"): svg_text_of(svg, i) for i in ids if i.endswith("#out")})
        ins.update({i.removesuffix("#in"): svg_text_of(svg, i) for i in ids if i.endswith("#in")})
        text = svg_text(svg)
        assert not sorted({c for c in text if not c.isspace() and ord(c) not in cjk_charset()})
    assert {node.id for node in model.iter_nodes()} <= drawn
    # Every flow to another sheet leaves through a connector naming that sheet, and enters there
    # through its twin naming the sheet it came from.
    assert outs
    assert outs.keys() == ins.keys()
    for target, label in outs.items():
        page = next(n for n, svg in enumerate(sheets, start=1) if target in svg_ids(svg))
        assert f"转第{page}页" in label
        assert label[0] == ins[target][0]  # the same circled letter
    # One PDF holds every sheet, each exactly the paper size.
    pdf = poster.render("pdf")
    assert len(re.findall(rb"/MediaBox", pdf)) == poster.pages


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_every_sheet_rendered_in_one_run_is_the_sheet_rendered_alone(fmt: str, sheet: PowerSheet) -> None:
    from diagrams import parse_bpmn

    def undated(data: bytes) -> bytes:  # a PDF carries the second it was made
        return re.sub(rb"/CreationDate \(D:[^)]*\)", b"", data)

    poster = build_flow_poster(sheet, parse_bpmn(long_process(24)), paper="A4")  # type: ignore[arg-type]
    assert poster.pages >= 2
    together = [undated(page) for page in poster.render_pages(fmt)]  # type: ignore[arg-type]
    alone = [undated(poster.render(fmt, page=n)) for n in range(1, poster.pages + 1)]  # type: ignore[arg-type]
    assert together == alone
    assert len(set(together)) == poster.pages  # each sheet its own


def test_a_short_flow_stays_on_one_sheet(sheet: PowerSheet, collective_model: BpmnModel) -> None:
    poster = build_flow_poster(sheet, collective_model, paper="A3")
    assert poster.pages == 1
    svg = poster.render("svg")
    assert not any(i.endswith("#out") for i in svg_ids(svg))
    assert "页／共" not in svg_text(svg)


def test_editorial_markers_are_not_printed(sheet: PowerSheet, sample_model: BpmnModel) -> None:
    marked = replace(sheet, legal_limit="[各地规定] 例：审核10个工作日", promised_limit="[各地规定]")
    text = svg_text(build_flow_poster(marked, sample_model, paper="A4").render("svg"))
    assert "[" not in text and "各地规定" not in text
    assert "按本地规定" in "".join(text.split())


def svg_text_of(svg: bytes, group_id: str) -> str:
    return "".join(el.text or "" for el in svg_group(svg, group_id).iter(f"{{{SVG_NS}}}text"))
