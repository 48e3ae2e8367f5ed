"""The two wall charts of a power: 权力运行流程图 (flow poster) and 廉政风险防控图 (risk map).

A chart is composed in three graphviz runs:

1. ``dot`` lays out the flow alone (``-Tdot``: the DOT source annotated with positions).
2. ``dot -Tplain`` measures the table blocks (header; risk legend; footer with the QR code) at
   the widths a few arrangements would give them.
3. The blocks are added to the laid-out flow at fixed positions and ``neato -n2`` renders the
   result without laying it out again, once per output format.

Two arrangements are tried: *stacked* (header, flow, tables below, all one width) and *side by
side* (header on top, the tables in a column beside the flow, which suits the usual tall, narrow
township flow on portrait paper). The one that prints larger wins. ``size`` with ``!`` and a
computed ``pad`` make the PDF page, the SVG canvas and the PNG image exactly A3 or A4 portrait.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final, Literal

import graphviz

from diagrams.errors import DiagramError, InvalidSheet
from diagrams.graph import (
    RISK_FILL,
    RISK_LINE,
    FlowOptions,
    draw_flow,
    new_digraph,
    risk_callout_id,
    risk_options,
    svg_id,
)
from diagrams.model import BpmnModel, Process
from diagrams.output import (
    Format,
    append_graph_attributes,
    layout_dot,
    layout_json,
    layout_plain,
    render_laid_out,
)
from diagrams.qr import qr_box, qr_table
from diagrams.sheet import RISK_LEVELS, PowerSheet, RiskPoint
from diagrams.steps import Step, list_steps
from diagrams.text import FONT, circled, html, html_lines, text_width, wrap

Paper = Literal["A3", "A4"]
ChartKind = Literal["flow", "risk"]
MM_PER_INCH: Final = 25.4
PAPER_MM: Final[Mapping[str, tuple[float, float]]] = {"A3": (297.0, 420.0), "A4": (210.0, 297.0)}
PAGE_MARGIN_IN: Final = 0.4  # white border on paper, about 10 mm
PNG_DPI: Final[Mapping[str, int]] = {"A3": 150, "A4": 200}

MIN_WIDTH_PT: Final = 820.0  # stacked tables are never narrower than this
SIDE_WIDTHS_PT: Final = (520.0, 640.0, 760.0)  # candidate widths of the side column
SIDE_ADVANTAGE: Final = 1.06  # side by side must print at least this much larger to be chosen
GAP_PT: Final = 24.0
HEADER_SIZE: Final = 15.0
FOOTER_SIZE: Final = 13.0
TITLE_SIZE: Final = 32.0
LABEL_FILL: Final = "#E3ECF5"
LINE: Final = "#37474F"
TITLE_COLOUR: Final = {"flow": "#0D3B66", "risk": "#8E0000"}
KIND_SUFFIX: Final = {"flow": "运行流程图", "risk": "廉政风险防控图"}
SHAPE_LEGEND: Final = (
    "○ 开始／结束",
    "□ 办理环节（责任岗位 · 时限）",
    "◇ 判断",
    "〔默认〕 默认分支",
    "★ 廉政风险点",
)
_BB: Final = re.compile(r'\bbb="([-0-9.e]+),([-0-9.e]+),([-0-9.e]+),([-0-9.e]+)"')


@dataclass(frozen=True, slots=True)
class Poster:
    """A composed wall chart, laid out and fitted to its paper.

    Attributes:
        kind: ``"flow"`` (权力运行流程图) or ``"risk"`` (廉政风险防控图).
        title: The printed title.
        paper: ``"A3"`` or ``"A4"``.
        arrangement: ``"stacked"`` or ``"side"`` (tables beside the flow).
        columns: 1, or 2 when a tall flow was folded into two columns joined by connectors.
        scale: Print scale: 1.0 prints every font at its nominal size (flow text 14 pt).
        source: The laid-out DOT source, rendered with ``neato -n2``.
    """

    kind: str
    title: str
    paper: str
    arrangement: str
    columns: int
    scale: float
    source: str

    def render(self, fmt: Format = "pdf", *, dpi: int | None = None) -> bytes:
        """Render the chart as ``"pdf"``, ``"svg"`` or ``"png"``.

        Args:
            fmt: The output format.
            dpi: PNG pixel density; 150 for A3 and 200 for A4 when omitted.

        Returns:
            The file content; PDF pages and SVG canvases are exactly the paper size.
        """
        return render_laid_out(self.source, fmt, dpi=dpi or PNG_DPI[self.paper])


def paper_size_in(paper: str) -> tuple[float, float]:
    """Portrait paper size in inches.

    Raises:
        DiagramError: Unknown paper name (``unsupported_paper``).
    """
    try:
        width_mm, height_mm = PAPER_MM[paper.upper()]
    except KeyError as exc:
        raise DiagramError(f"不支持的纸张: {paper!r}（可用: A3, A4）", code="unsupported_paper") from exc
    return width_mm / MM_PER_INCH, height_mm / MM_PER_INCH


def chart_title(sheet: PowerSheet, kind: ChartKind = "flow") -> str:
    """``"XX乡〈权力名称〉运行流程图"`` or ``"XX乡〈权力名称〉廉政风险防控图"``."""
    return f"{sheet.township}〈{sheet.name}〉{KIND_SUFFIX[kind]}"


def build_flow_poster(
    sheet: PowerSheet,
    model: BpmnModel,
    *,
    paper: Paper = "A3",
    process_id: str | None = None,
    risks: Sequence[RiskPoint] = (),
    labels: Mapping[str, str] | None = None,
    position_names: Mapping[str, str] | None = None,
    lanes: bool = False,
    expand_call_activities: bool = False,
    called_models: Mapping[str, BpmnModel] | None = None,
) -> Poster:
    """Compose the 权力运行流程图 of one power, fitted to the paper.

    Args:
        sheet: Header and footer data.
        model: The power's BPMN.
        paper: ``"A3"`` or ``"A4"`` (portrait).
        process_id: The process to draw; the model's main process when omitted.
        risks: When given, risky steps get a ★ with the risk numbers (cross-reference to the
            risk map).
        labels: Node id -> second line of its box, overriding the task properties.
        position_names: Position code -> display name for ``position`` task properties.
        lanes: Draw lanes as clusters. Off by default: a poster reads best as one top-down
            flow, with each box naming its post (the ``position`` property, else the lane).
        expand_call_activities: Draw called processes inside their call activity.
        called_models: Process id -> model, for call activities.

    Returns:
        The chart; call :meth:`Poster.render`.

    Raises:
        InvalidSheet: A risk point names a step that is not drawn (``unknown_risk_node``).
        ProcessNotFound: ``process_id`` is not in the model.
    """
    return _compose(
        sheet,
        model,
        kind="flow",
        paper=paper,
        process_id=process_id,
        risks=tuple(risks),
        labels=labels,
        position_names=position_names,
        lanes=lanes,
        expand_call_activities=expand_call_activities,
        called_models=called_models,
    )


def build_risk_map(
    sheet: PowerSheet,
    model: BpmnModel,
    risks: Sequence[RiskPoint],
    *,
    paper: Paper = "A3",
    process_id: str | None = None,
    labels: Mapping[str, str] | None = None,
    position_names: Mapping[str, str] | None = None,
    lanes: bool = False,
    expand_call_activities: bool = False,
    called_models: Mapping[str, BpmnModel] | None = None,
) -> Poster:
    """Compose the 廉政风险防控图: the flow with risk points at their steps and a legend table.

    Args:
        sheet: Header and footer data.
        model: The power's BPMN.
        risks: The risk points, numbered ①②… in this order.
        paper: ``"A3"`` or ``"A4"`` (portrait).
        process_id: The process to draw; the model's main process when omitted.
        labels: Node id -> second line of its box.
        position_names: Position code -> display name for ``position`` task properties.
        lanes: Draw lanes as clusters (off by default, as on the flow poster).
        expand_call_activities: Draw called processes inside their call activity.
        called_models: Process id -> model, for call activities.

    Returns:
        The chart; call :meth:`Poster.render`.

    Raises:
        InvalidSheet: No risk point, or one names a step that is not drawn.
        ProcessNotFound: ``process_id`` is not in the model.
    """
    if not risks:
        raise InvalidSheet("廉政风险防控图至少需要一个风险点", code="no_risk_points")
    return _compose(
        sheet,
        model,
        kind="risk",
        paper=paper,
        process_id=process_id,
        risks=tuple(risks),
        labels=labels,
        position_names=position_names,
        lanes=lanes,
        expand_call_activities=expand_call_activities,
        called_models=called_models,
    )


def render_flow_poster(
    sheet: PowerSheet,
    model: BpmnModel,
    *,
    fmt: Format = "pdf",
    paper: Paper = "A3",
    dpi: int | None = None,
    **options: object,
) -> bytes:
    """Build and render the 权力运行流程图.

    Args:
        sheet: Header and footer data.
        model: The power's BPMN.
        fmt: ``"pdf"``, ``"svg"`` or ``"png"``.
        paper: ``"A3"`` or ``"A4"``.
        dpi: PNG pixel density; 150 for A3 and 200 for A4 when omitted.
        **options: Passed to :func:`build_flow_poster`.

    Returns:
        The file content.
    """
    return build_flow_poster(sheet, model, paper=paper, **options).render(fmt, dpi=dpi)  # type: ignore[arg-type]


def render_risk_map(
    sheet: PowerSheet,
    model: BpmnModel,
    risks: Sequence[RiskPoint],
    *,
    fmt: Format = "pdf",
    paper: Paper = "A3",
    dpi: int | None = None,
    **options: object,
) -> bytes:
    """Build and render the 廉政风险防控图 (arguments as :func:`render_flow_poster`)."""
    poster = build_risk_map(sheet, model, risks, paper=paper, **options)  # type: ignore[arg-type]
    return poster.render(fmt, dpi=dpi)


# --------------------------------------------------------------------------------------------
# Composition
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    arrangement: str
    width: float  # total width, points
    height: float  # total height, points
    side_width: float  # side column width (side arrangement), else the table width
    scale: float


def _compose(
    sheet: PowerSheet,
    model: BpmnModel,
    *,
    kind: ChartKind,
    paper: str,
    process_id: str | None,
    risks: tuple[RiskPoint, ...],
    labels: Mapping[str, str] | None,
    position_names: Mapping[str, str] | None,
    lanes: bool,
    expand_call_activities: bool,
    called_models: Mapping[str, BpmnModel] | None,
) -> Poster:
    page_w, page_h = paper_size_in(paper)
    process = model.process(process_id) if process_id else model.main_process()
    _check_risks(risks, model, process.id, expand_call_activities)
    options = FlowOptions(
        expand_call_activities=expand_call_activities,
        called_models=dict(called_models or {}),
        labels=dict(labels or {}),
        position_names=dict(position_names or {}),
        risk_callouts=kind == "risk",
        lanes=lanes,
        **risk_options(risks or None),  # type: ignore[arg-type]
    )

    # 1. The flow, laid out once; a tall flow is folded into two columns when that prints larger.
    flow = _flow_graph(f"{kind}_{sheet.code}", model, process.id, options)
    laid = layout_dot(flow)
    fx0, fy0, fx1, fy1 = _root_bb(laid)
    rough = {"kind": kind, "risks": len(risks), "page_w": page_w, "page_h": page_h}
    if not lanes and fy1 - fy0 > 1.6 * (fx1 - fx0):
        fold = _choose_fold(process, layout_json(flow), **rough)  # type: ignore[arg-type]
        if fold:
            options = replace(options, fold=fold)
            flow = _flow_graph(f"{kind}_{sheet.code}", model, process.id, options)
            laid = layout_dot(flow)
            if not _first_column_left(laid):
                options = replace(options, fold_swap=True)
                flow = _flow_graph(f"{kind}_{sheet.code}", model, process.id, options)
                laid = layout_dot(flow)
            fx0, fy0, fx1, fy1 = _root_bb(laid)
    flow_w, flow_h = fx1 - fx0, fy1 - fy0

    # 2. The tables, measured at every width an arrangement may give them.
    legend_points = risks if kind == "risk" else ()
    stacked_w = max(flow_w, MIN_WIDTH_PT)
    steps = list_steps(process, position_names=options.position_names) if kind == "flow" else []

    def block(name: str, width: float, *, measuring: bool = False) -> str:
        if name == "header":
            return _header(sheet, kind, width)
        if name == "info":
            return _info_table(sheet, width, qr_placeholder=measuring, folded=bool(options.fold))
        if name == "legend":
            return _risk_legend(legend_points, width, model)
        return _steps_table(steps, options.risk_numbers, options.risk_levels, width)

    wanted = [("header", w) for w in sorted({stacked_w, *(flow_w + GAP_PT + s for s in SIDE_WIDTHS_PT)})]
    for width in (stacked_w, *SIDE_WIDTHS_PT):
        wanted.append(("info", width))
        if legend_points:
            wanted.append(("legend", width))
        if steps and width in SIDE_WIDTHS_PT:
            wanted.append(("steps", width))
    sizes = _measure({_key(name, width): block(name, width, measuring=True) for name, width in wanted})

    def size(block: str, width: float) -> tuple[float, float]:
        return sizes.get(_key(block, width), (0.0, 0.0))

    def column(width: float) -> float:
        legend_h = size("legend", width)[1]
        return (legend_h + GAP_PT if legend_h else 0.0) + size("info", width)[1]

    plans = [
        _plan(
            "stacked",
            stacked_w,
            size("header", stacked_w)[1] + GAP_PT + flow_h + GAP_PT + column(stacked_w),
            stacked_w,
            page_w,
            page_h,
        )
    ]
    for side in SIDE_WIDTHS_PT:
        total_w = flow_w + GAP_PT + side
        plans.append(
            _plan(
                "side",
                total_w,
                size("header", total_w)[1] + GAP_PT + max(flow_h, column(side)),
                side,
                page_w,
                page_h,
            )
        )
    best_side = max(plans[1:], key=lambda p: p.scale)
    plan = best_side if best_side.scale > plans[0].scale * SIDE_ADVANTAGE else plans[0]

    # 3. Place the tables around the laid-out flow (graphviz coordinates: points, y up).
    header_w, header_h = size("header", plan.width)
    placed: list[tuple[str, str, float, float]] = []  # (name, markup, centre x, centre y)
    if plan.arrangement == "stacked":
        centre = (fx0 + fx1) / 2
        col_x, col_w, y = centre, plan.side_width, fy0 - GAP_PT
    else:
        centre = fx0 + plan.width / 2
        col_w = plan.side_width
        col_x, y = fx1 + GAP_PT + col_w / 2, fy1
    placed.append(("poster_header", block("header", plan.width), centre, fy1 + GAP_PT + header_h / 2))
    steps_h = size("steps", col_w)[1]
    if plan.arrangement == "side" and steps_h and column(col_w) + GAP_PT + steps_h <= flow_h:
        # Room to spare beside a tall flow: list the steps with post, limit and documents.
        placed.append(("poster_steps", block("steps", col_w), col_x, y - steps_h / 2))
        y -= steps_h + GAP_PT
    if legend_points:
        legend_h = size("legend", col_w)[1]
        placed.append(("poster_risk_legend", block("legend", col_w), col_x, y - legend_h / 2))
        y -= legend_h + GAP_PT
    placed.append(("poster_footer", block("info", col_w), col_x, y - size("info", col_w)[1] / 2))
    added = "".join(
        f'\t{name} [shape=plain, id={name}, label=<{markup}>, pos="{x:.2f},{yy:.2f}!"];\n'
        for name, markup, x, yy in placed
    )
    source = laid.rstrip()[:-1] + added + "}\n"

    # 4. Fit to paper: the bounding box neato will use, then a pad to the paper's proportions.
    width_in, height_in = _laid_out_size(source)
    scale = min((page_w - 2 * PAGE_MARGIN_IN) / width_in, (page_h - 2 * PAGE_MARGIN_IN) / height_in)
    pad_x = (page_w / scale - width_in) / 2
    pad_y = (page_h / scale - height_in) / 2
    source = append_graph_attributes(
        source,
        {"size": f"{page_w:.4f},{page_h:.4f}!", "pad": f"{pad_x:.4f},{pad_y:.4f}", "margin": "0"},
    )
    return Poster(
        kind=kind,
        title=chart_title(sheet, kind),
        paper=paper.upper(),
        arrangement=plan.arrangement,
        columns=2 if options.fold else 1,
        scale=scale,
        source=source,
    )


def _laid_out_size(source: str) -> tuple[float, float]:
    """Width and height in inches that ``neato -n2`` gives a laid-out source (no pad)."""
    plain = render_laid_out(source, "plain").decode("utf-8")  # type: ignore[arg-type]
    first = plain.split("\n", 1)[0].split()
    if len(first) < 4 or first[0] != "graph":
        raise DiagramError("graphviz 未返回版面尺寸", code="render_failed")
    return float(first[2]), float(first[3])


def _flow_graph(name: str, model: BpmnModel, process_id: str, options: FlowOptions) -> graphviz.Digraph:
    """The flow alone, inside the framed ``办理流程`` cluster."""
    flow = new_digraph(name, ranksep=0.3, nodesep=0.3)
    flow.attr("graph", margin="0", pad="0")
    with flow.subgraph(name="cluster_poster_flow") as frame:
        frame.attr(
            label=f'<<FONT POINT-SIZE="{HEADER_SIZE:g}"><B>办理流程</B></FONT>>',
            labelloc="t",
            labeljust="l",
            color="#B0BEC5",
            style="rounded",
            margin="14",
            id="poster_flow",
        )
        draw_flow(frame, model, process_id=process_id, options=options)
    return flow


def _first_column_left(laid: str) -> bool:
    """True when the folded flow's first column was laid out left of the second."""
    xs = []
    for part in (1, 2):
        match = re.search(rf'"#fold{part}-top"\s*\[[^\]]*?pos="([-0-9.e]+),', laid)
        if match is None:
            return True
        xs.append(float(match.group(1)))
    return xs[0] < xs[1]


def _root_bb(laid: str) -> tuple[float, float, float, float]:
    match = _BB.search(laid)
    if match is None:
        raise DiagramError("graphviz 未返回流程图版面", code="render_failed")
    x0, y0, x1, y1 = (float(v) for v in match.groups())
    return x0, y0, x1, y1


def _rough_scale(
    flow_w: float, flow_h: float, *, kind: str, risks: int, page_w: float, page_h: float
) -> float:
    """The print scale a flow of this size would roughly get (tables estimated, not measured)."""
    usable_w, usable_h = (page_w - 2 * PAGE_MARGIN_IN) * 72, (page_h - 2 * PAGE_MARGIN_IN) * 72
    header_h = 240.0
    column_h = 290.0 + (70.0 + 50.0 * risks if kind == "risk" else 0.0)
    stacked = min(
        usable_w / max(flow_w, MIN_WIDTH_PT), usable_h / (header_h + flow_h + column_h + 2 * GAP_PT)
    )
    side = min(usable_w / (flow_w + GAP_PT + 640.0), usable_h / (header_h + GAP_PT + max(flow_h, column_h)))
    return max(stacked, side)


def _choose_fold(process: Process, layout: Mapping[str, object], **rough: object) -> dict[str, int]:
    """Split a tall flow into two columns at the rank gap that cuts the fewest sequence flows.

    Args:
        process: The drawn process.
        layout: ``dot -Tjson`` output of the unfolded flow.
        **rough: Arguments of :func:`_rough_scale`.

    Returns:
        Top-level node id -> column (1 = left, 2 = right); empty when folding does not print
        at least 12 % larger or no good cut exists.
    """
    x0, y0, x1, y1 = (float(v) for v in str(layout["bb"]).split(","))
    centres: dict[str, float] = {}
    for item in layout.get("objects", []):  # type: ignore[attr-defined]
        name = str(item.get("name", ""))
        if "pos" in item:
            centres[name] = float(str(item["pos"]).split(",")[1])
        elif "bb" in item and name.startswith("cluster_"):
            bx0, by0, bx1, by1 = (float(v) for v in str(item["bb"]).split(","))
            centres[name.removeprefix("cluster_")] = (by0 + by1) / 2
    hosts = {n.id: n.attached_to for n in process.nodes if n.kind == "boundaryEvent" and n.attached_to}
    ys = {n.id: centres[svg_id(n.id)] for n in process.nodes if n.id not in hosts and svg_id(n.id) in centres}
    if len(ys) < 6:
        return {}
    levels = sorted(set(ys.values()), reverse=True)
    span = y1 - y0
    best: tuple[int, float, float] | None = None
    for upper, lower in itertools.pairwise(levels):
        cut = (upper + lower) / 2
        share = (y1 - cut) / span
        if not 0.35 <= share <= 0.65:
            continue
        side = {node_id: 1 if y > cut else 2 for node_id, y in ys.items()}
        crossing = sum(
            1
            for flow in process.flows
            if side.get(hosts.get(flow.source, flow.source)) != side.get(hosts.get(flow.target, flow.target))
        )
        candidate = (crossing, abs(share - 0.5), cut)
        if best is None or candidate < best:
            best = candidate
    if best is None:
        return {}
    cut = best[2]
    tallest = max(y1 - cut, cut - y0) + 60.0
    folded = _rough_scale(2 * (x1 - x0) + 40.0, tallest, **rough)  # type: ignore[arg-type]
    if folded < 1.12 * _rough_scale(x1 - x0, y1 - y0, **rough):  # type: ignore[arg-type]
        return {}
    fold = {node_id: 1 if y > cut else 2 for node_id, y in ys.items()}
    for event, host in hosts.items():
        fold[event] = fold.get(host, 1)
    return fold


def _plan(arrangement: str, width: float, height: float, side: float, page_w: float, page_h: float) -> _Plan:
    scale = min((page_w - 2 * PAGE_MARGIN_IN) * 72 / width, (page_h - 2 * PAGE_MARGIN_IN) * 72 / height)
    return _Plan(arrangement=arrangement, width=width, height=height, side_width=side, scale=scale)


def _key(block: str, width: float) -> str:
    return f"{block}_{width:.0f}"


def _measure(blocks: Mapping[str, str]) -> dict[str, tuple[float, float]]:
    """Width and height in points of each HTML block, from one ``dot -Tplain`` run."""
    graph = graphviz.Digraph("measure")
    graph.attr("graph", fontname=FONT)
    graph.attr("node", fontname=FONT, shape="plain")
    for name, markup in blocks.items():
        graph.node(name, label=f"<{markup}>")
    sizes: dict[str, tuple[float, float]] = {}
    for line in layout_plain(graph).splitlines():
        parts = line.split()
        if len(parts) >= 6 and parts[0] == "node":
            sizes[parts[1].strip('"')] = (float(parts[4]) * 72.0, float(parts[5]) * 72.0)
    return sizes


def _check_risks(risks: Iterable[RiskPoint], model: BpmnModel, process_id: str, expanded: bool) -> None:
    known = {node.id for node in model.process(process_id).iter_nodes()}
    for point in risks:
        if point.node_id in known or (expanded and "/" in point.node_id):
            continue
        raise InvalidSheet(
            f"风险点“{point.description}”所在环节 {point.node_id!r} 不在流程 {process_id} 中",
            code="unknown_risk_node",
        )


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def _em(width_pt: float, size: float) -> float:
    """How many em of text fit in a cell ``width_pt`` wide (cell padding removed)."""
    return max((width_pt - 16.0) / size, 2.0)


def _label_cell(text: str, width: float, size: float, *, rowspan: int = 1) -> str:
    span = f' ROWSPAN="{rowspan}"' if rowspan > 1 else ""
    return (
        f'<TD BGCOLOR="{LABEL_FILL}" WIDTH="{width:.0f}"{span}>'
        f'<FONT POINT-SIZE="{size:g}"><B>{html_lines(wrap(text, _em(width, size)))}</B></FONT></TD>'
    )


def _value_cell(text: str, width: float, size: float, *, colspan: int = 1, left: bool = False) -> str:
    span = f' COLSPAN="{colspan}"' if colspan > 1 else ""
    if left:
        lines = html_lines(wrap(text, _em(width, size)), align="LEFT")
        return (
            f'<TD ALIGN="LEFT" BALIGN="LEFT" WIDTH="{width:.0f}"{span}>'
            f'<FONT POINT-SIZE="{size:g}">{lines}</FONT></TD>'
        )
    return (
        f'<TD WIDTH="{width:.0f}"{span}><FONT POINT-SIZE="{size:g}">'
        f"{html_lines(wrap(text or '—', _em(width, size)))}</FONT></TD>"
    )


def _numbered(items: Sequence[str], width: float, size: float) -> str:
    """A left-aligned numbered list whose wrapped lines are indented under the text."""
    lines: list[str] = []
    for number, item in enumerate(items, start=1):
        prefix = f"{number}. " if len(items) > 1 else ""
        wrapped = wrap(item, _em(width, size) - len(prefix) * 0.6)
        lines.append(prefix + wrapped[0])
        lines.extend("　" + line for line in wrapped[1:])
    return html_lines(lines or ["—"], align="LEFT")


def _header(sheet: PowerSheet, kind: ChartKind, width: float) -> str:
    """The title and the header table (权力编码, 类型, 主体, 承办机构, 领导, 收费, 时限, 依据)."""
    size = HEADER_SIZE
    label_w = 150.0
    value_w = (width - 2 * label_w) / 2
    title_size, title_lines = _title_lines(chart_title(sheet, kind), width - 40)
    title = html_lines(title_lines)
    rows = [
        f'<TR><TD COLSPAN="4" BORDER="0" CELLPADDING="10"><FONT POINT-SIZE="{title_size:g}" '
        f'COLOR="{TITLE_COLOUR[kind]}"><B>{title}</B></FONT></TD></TR>',
        "<TR>"
        + _label_cell("权力编码", label_w, size)
        + _value_cell(sheet.code, value_w, size)
        + _label_cell("权力类型", label_w, size)
        + _value_cell(sheet.category, value_w, size)
        + "</TR>",
        "<TR>"
        + _label_cell("实施主体", label_w, size)
        + _value_cell(sheet.implementing_subject, value_w, size)
        + _label_cell("承办机构", label_w, size)
        + _value_cell(sheet.handling_unit, value_w, size)
        + "</TR>",
        "<TR>"
        + _label_cell("责任人/分管领导", label_w, size)
        + _value_cell(sheet.supervising_leader, value_w, size)
        + _label_cell("收费标准", label_w, size)
        + _value_cell(sheet.fee, value_w, size)
        + "</TR>",
        "<TR>"
        + _label_cell("法定时限", label_w, size)
        + _value_cell(sheet.legal_limit, value_w, size)
        + _label_cell("承诺时限", label_w, size)
        + _value_cell(sheet.promised_limit, value_w, size)
        + "</TR>",
        "<TR>"
        + _label_cell("实施依据", label_w, size)
        + f'<TD COLSPAN="3" ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{size:g}">'
        + _numbered(sheet.legal_bases, width - label_w, size)
        + "</FONT></TD></TR>",
    ]
    return (
        f'<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="0" CELLPADDING="6" '
        f'COLOR="{LINE}" WIDTH="{width:.0f}">' + "".join(rows) + "</TABLE>"
    )


def _title_lines(title: str, width_pt: float) -> tuple[float, list[str]]:
    """Font size and lines of the title: one line if it fits at 24 pt or more, else two
    balanced lines (bold glyphs are counted 5 % wider)."""
    em = text_width(title) * 1.05
    if em * 24 <= width_pt:
        return min(TITLE_SIZE, width_pt / em), [title]
    size = min(TITLE_SIZE, width_pt / (em / 2 + 2))
    return size, wrap(title, em / 2 / 1.05 + 1)


def _info_table(
    sheet: PowerSheet, width: float, *, qr_placeholder: bool = False, folded: bool = False
) -> str:
    """The footer: materials, phones, remedies, shape legend, QR code, issue date and version.

    With ``qr_placeholder`` an empty box of the QR code's exact size stands in for it (measuring
    a table does not need the few hundred cells of the code).
    """
    size = FOOTER_SIZE
    qr_w = 150.0 if sheet.public_url else 0.0
    label_w = 110.0
    value_w = width - label_w - qr_w
    legend = (*SHAPE_LEGEND, "Ⓐ 接续符（同字母处相连）") if folded else SHAPE_LEGEND
    info_rows = [
        ("申请材料", _numbered(sheet.materials, value_w, size), True),
        ("监督电话", html("☎ " + sheet.supervision_phone) if sheet.supervision_phone else "—", False),
        ("投诉举报", html("☎ " + sheet.complaint_phone) if sheet.complaint_phone else "—", False),
        ("救济途径", html_lines(wrap(sheet.remedy, _em(value_w, size)), align="LEFT"), True),
        ("图　　例", html_lines(_join_items(legend, _em(value_w, size)), align="LEFT"), True),
    ]
    rows: list[str] = []
    for index, (label, content, left) in enumerate(info_rows):
        align = ' ALIGN="LEFT" BALIGN="LEFT"' if left else ' ALIGN="LEFT"'
        row = _label_cell(label, label_w, size) + (
            f'<TD WIDTH="{value_w:.0f}"{align}><FONT POINT-SIZE="{size:g}">{content}</FONT></TD>'
        )
        if index == 0 and qr_w:
            code = qr_box(sheet.public_url) if qr_placeholder else qr_table(sheet.public_url)
            row += (
                f'<TD ROWSPAN="{len(info_rows) + 1}" WIDTH="{qr_w:.0f}" BGCOLOR="white">'
                f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="0">'
                f"<TR><TD>{code}</TD></TR>"
                f'<TR><TD><FONT POINT-SIZE="{size - 1:g}"><B>扫码查看办事指南</B></FONT></TD></TR>'
                f'<TR><TD><FONT POINT-SIZE="{size - 5:g}" COLOR="#546E7A">'
                f"{html_lines(wrap(sheet.public_url, _em(qr_w, size - 5)))}</FONT></TD></TR>"
                "</TABLE></TD>"
            )
        rows.append(f"<TR>{row}</TR>")
    stamp = [
        part
        for part in (
            f"发布日期：{sheet.issue_date_text}" if sheet.issue_date_text else "",
            f"版本：{sheet.version}" if sheet.version else "",
            f"发布单位：{sheet.implementing_subject}" if sheet.implementing_subject else "",
        )
        if part
    ]
    stamp_lines = html_lines(_join_items(stamp, _em(label_w + value_w, size)) if stamp else [" "])
    rows.append(
        f'<TR><TD COLSPAN="2" ALIGN="RIGHT"><FONT POINT-SIZE="{size:g}">{stamp_lines}</FONT></TD></TR>'
    )
    return (
        f'<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="0" CELLPADDING="6" '
        f'COLOR="{LINE}" WIDTH="{width:.0f}">' + "".join(rows) + "</TABLE>"
    )


def _risk_legend(risks: Sequence[RiskPoint], width: float, model: BpmnModel) -> str:
    """The legend table of the risk map: one row per risk point, in the given order."""
    size = FOOTER_SIZE
    step_w, level_w, people_w = 128.0, 46.0, 120.0
    free = width - step_w - level_w - people_w
    risk_w, measure_w = free * 0.45, free * 0.55
    header_cells = [
        ("办理环节", step_w),
        ("风险点", risk_w),
        ("等级", level_w),
        ("防控措施", measure_w),
        ("责任人／监督人", people_w),
    ]
    key = "　".join(f'<FONT COLOR="{RISK_LINE[level]}">■</FONT> {level}风险' for level in RISK_LEVELS)
    rows = [
        f'<TR><TD COLSPAN="5" BGCOLOR="#FBE9E7"><FONT POINT-SIZE="{size + 3:g}"><B>廉政风险点及防控措施</B>'
        f'</FONT>　　<FONT POINT-SIZE="{size:g}">{key}</FONT></TD></TR>',
        "<TR>" + "".join(_label_cell(text, w, size) for text, w in header_cells) + "</TR>",
    ]
    for number, point in enumerate(risks, start=1):
        colour = RISK_LINE[point.level]
        mark = f"★{circled(number)}"
        step = html_lines(wrap(_step_name(model, point.node_id), _em(step_w, size) - text_width(mark + " ")))
        people = html_lines(
            [
                line
                for text in (
                    f"责任：{point.responsible}" if point.responsible else "",
                    f"监督：{point.supervisor}" if point.supervisor else "",
                )
                if text
                for line in wrap(text, _em(people_w, size))
            ]
        )
        rows.append(
            "<TR>"
            f'<TD ID="risk_row_{number}" HREF="#{risk_callout_id(number, point.node_id)}" '
            f'TOOLTIP="{html(point.description)}" WIDTH="{step_w:.0f}">'
            f'<FONT POINT-SIZE="{size:g}">'
            f'<FONT COLOR="{colour}"><B>{mark}</B></FONT> {step}</FONT></TD>'
            + _value_cell(point.description, risk_w, size, left=True)
            + f'<TD WIDTH="{level_w:.0f}" BGCOLOR="{RISK_FILL[point.level]}">'
            f'<FONT POINT-SIZE="{size + 1:g}" COLOR="{colour}"><B>{html(point.level)}</B></FONT></TD>'
            + f'<TD WIDTH="{measure_w:.0f}" ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{size:g}">'
            + _numbered(list(point.measures) or ["—"], measure_w, size)
            + "</FONT></TD>"
            + f'<TD WIDTH="{people_w:.0f}"><FONT POINT-SIZE="{size:g}">{people or "—"}</FONT></TD>'
            + "</TR>"
        )
    return (
        f'<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="0" CELLPADDING="5" '
        f'COLOR="{LINE}" WIDTH="{width:.0f}">' + "".join(rows) + "</TABLE>"
    )


def _join_items(items: Sequence[str], width_em: float) -> list[str]:
    """Lay short items out in lines of at most ``width_em``, never splitting an item."""
    lines: list[str] = []
    current = ""
    for item in items:
        candidate = f"{current}　　{item}" if current else item
        if current and text_width(candidate) > width_em:
            lines.append(current)
            current = item
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _steps_table(
    steps: Sequence[Step], numbers: Mapping[str, tuple[int, ...]], levels: Mapping[str, str], width: float
) -> str:
    """办理环节说明: one row per step with its post, time limit and documents."""
    size = FOOTER_SIZE
    no_w, post_w, limit_w = 40.0, 104.0, 92.0
    free = width - no_w - post_w - limit_w
    step_w, doc_w = free * 0.5, free * 0.5
    rows = [
        f'<TR><TD COLSPAN="5" BGCOLOR="{LABEL_FILL}"><FONT POINT-SIZE="{size + 3:g}"><B>办理环节说明</B>'
        "</FONT></TD></TR>",
        "<TR>"
        + "".join(
            _label_cell(text, w, size)
            for text, w in (
                ("序号", no_w),
                ("办理环节", step_w),
                ("责任岗位", post_w),
                ("时限", limit_w),
                ("主要文书", doc_w),
            )
        )
        + "</TR>",
    ]
    for index, step in enumerate(steps, start=1):
        marks = numbers.get(step.node_id, ())
        star, mark = "", ""
        if marks:
            mark = "★" + "".join(circled(n) for n in marks)
            star = f'<FONT COLOR="{RISK_LINE[levels[step.node_id]]}"><B>{mark}</B></FONT> '
        name = html_lines(wrap(step.name, _em(step_w, size) - (text_width(mark + " ") if mark else 0)))
        rows.append(
            "<TR>"
            + _value_cell(str(index), no_w, size)
            + f'<TD WIDTH="{step_w:.0f}" ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{size:g}">{star}{name}'
            "</FONT></TD>"
            + _value_cell(step.position or step.lane, post_w, size)
            + _value_cell(step.time_limit, limit_w, size)
            + _value_cell(step.documents, doc_w, size, left=bool(step.documents))
            + "</TR>"
        )
    return (
        f'<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="0" CELLPADDING="5" '
        f'COLOR="{LINE}" WIDTH="{width:.0f}">' + "".join(rows) + "</TABLE>"
    )


def _step_name(model: BpmnModel, node_id: str) -> str:
    local = node_id.rsplit("/", 1)[-1]
    try:
        node = model.node(local)
    except KeyError:
        return local
    return node.name or node.id
