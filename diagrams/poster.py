"""The two wall charts of a power: 权力运行流程图 (flow poster) and 廉政风险防控图 (risk map).

A chart is composed from graphviz runs, none of them repeated per output format:

1. ``dot`` lays out the flow alone (``-Tdot``: the DOT source annotated with positions). A
   tall flow is first laid out once more as JSON to find the rank gap where it folds into two
   columns joined by lettered connectors, when that prints at least 12 % larger.
2. ``dot -Tplain`` measures the tables (:mod:`diagrams.tables`) at the widths two arrangements
   would give them: *stacked* (header, flow, tables below, all one width) or *side by side*
   (header on top, the tables in a column beside a tall flow). The one that prints larger wins.
3. The tables are added to the laid-out flow at fixed positions; ``neato -n2`` reports the
   bounding box, and a computed ``pad`` with ``size="W,H!"`` makes the PDF page, the SVG canvas
   and the PNG image exactly A3 or A4 portrait. ``neato -n2`` then renders each format without
   laying anything out again.
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
    FlowOptions,
    draw_flow,
    new_digraph,
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
from diagrams.sheet import PowerSheet, RiskPoint
from diagrams.steps import list_steps
from diagrams.tables import (
    HEADER_SIZE,
    ChartKind,
    chart_title,
    header_table,
    info_table,
    risk_legend_table,
    steps_table,
)
from diagrams.text import FONT

Paper = Literal["A3", "A4"]
MM_PER_INCH: Final = 25.4
PAPER_MM: Final[Mapping[str, tuple[float, float]]] = {"A3": (297.0, 420.0), "A4": (210.0, 297.0)}
PAGE_MARGIN_IN: Final = 0.4  # white border on paper, about 10 mm
PNG_DPI: Final[Mapping[str, int]] = {"A3": 150, "A4": 200}

MIN_WIDTH_PT: Final = 820.0  # stacked tables are never narrower than this
SIDE_WIDTHS_PT: Final = (520.0, 640.0, 760.0)  # candidate widths of the side column
SIDE_ADVANTAGE: Final = 1.06  # side by side must print at least this much larger to be chosen
GAP_PT: Final = 24.0
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
            return header_table(sheet, kind, width)
        if name == "info":
            return info_table(sheet, width, qr_placeholder=measuring, folded=bool(options.fold))
        if name == "legend":
            return risk_legend_table(legend_points, width, model)
        return steps_table(steps, options.risk_numbers, options.risk_levels, width)

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
