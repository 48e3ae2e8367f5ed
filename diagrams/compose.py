"""Composing a wall chart: the flow and its tables on one or more sheets of A3 or A4.

1. ``dot`` lays out the flow alone (``-Tdot``: the DOT source annotated with positions).
2. ``dot -Tplain`` measures the tables (:mod:`diagrams.tables`) at the widths an arrangement
   may give them: *stacked* (header, flow, tables below, all one width) or *side by side*
   (header on top, the tables in a column beside a tall flow). The one that prints larger wins
   if it prints every text at or above the minimum (:data:`diagrams.paging.MIN_SCALE`).
3. Otherwise the flow is cut into parts (:func:`diagrams.paging.split_flow`), one per sheet:
   the header on the first sheet, a continuation strip on the others, the tables after the
   last part (beside it when there is room), every sheet at the same scale.
4. The tables are added to each laid-out part at fixed positions; ``neato -n2`` reports the
   bounding box, and a computed ``pad`` with ``size="W,H!"`` makes the PDF page, the SVG canvas
   and the PNG image exactly A3 or A4 portrait.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

import graphviz

from diagrams.errors import DiagramError
from diagrams.graph import FlowOptions, draw_flow, new_digraph
from diagrams.model import BpmnModel, Process
from diagrams.output import (
    append_graph_attributes,
    laid_out_sizes,
    layout_dot,
    layout_dot_and_json,
    layout_dots,
    layout_json,
    layout_plain,
)
from diagrams.paging import MIN_SCALE, split_flow
from diagrams.sheet import PowerSheet, RiskPoint
from diagrams.steps import list_steps
from diagrams.tables import (
    HEADER_SIZE,
    ChartKind,
    continuation_strip,
    header_table,
    info_table,
    page_number,
    risk_legend_table,
    steps_table,
)
from diagrams.text import FONT

PAGE_MARGIN_IN: Final = 0.4  # white border on paper, about 10 mm
MIN_WIDTH_PT: Final = 820.0  # stacked tables are never narrower than this (unless the paper is)
SIDE_WIDTHS_PT: Final = (520.0, 640.0, 760.0)  # candidate widths of the side column
SIDE_ADVANTAGE: Final = 1.06  # side by side must print at least this much larger to be chosen
GAP_PT: Final = 24.0
PAGED_SIDE_MIN_PT: Final = 460.0  # the tables may go beside the last part of a paged flow from this width
FRAME_PT: Final = 60.0  # the 办理流程 frame around a part: title and margins
NUMBER_PT: Final = 30.0  # the page number line
_BB: Final = re.compile(r'\bbb="([-0-9.e]+),([-0-9.e]+),([-0-9.e]+),([-0-9.e]+)"')


@dataclass(frozen=True, slots=True)
class Composition:
    sources: tuple[str, ...]
    arrangement: str
    scale: float


@dataclass(frozen=True, slots=True)
class _Plan:
    arrangement: str
    width: float  # total width, points
    height: float  # total height, points
    side_width: float  # side column width (side arrangement), else the table width
    scale: float


class _Blocks:
    """The chart's tables, measured once at every width they may be given."""

    def __init__(self, sheet: PowerSheet, kind: ChartKind, model: BpmnModel, steps: list, options: FlowOptions,
                 legend_points: Sequence[RiskPoint]) -> None:  # fmt: skip
        self.sheet, self.kind, self.model, self.steps = sheet, kind, model, steps
        self.options, self.legend_points = options, legend_points
        self.sizes: dict[str, tuple[float, float]] = {}
        self.paged = False
        self.pages = 1

    def markup(self, name: str, width: float, *, measuring: bool = False, page: int = 1) -> str:
        if name == "header":
            return header_table(self.sheet, self.kind, width)
        if name == "strip":
            return continuation_strip(self.sheet, self.kind, width, page, self.pages)
        if name == "number":
            return page_number(page, self.pages)
        if name == "info":
            return info_table(self.sheet, width, qr_placeholder=measuring, folded=self.paged)
        if name == "legend":
            return risk_legend_table(self.legend_points, width, self.model)
        return steps_table(self.steps, self.options.risk_numbers, self.options.risk_levels, width)

    def measure(self, wanted: Sequence[tuple[str, float]]) -> None:
        todo = {_key(n, w): self.markup(n, w, measuring=True) for n, w in wanted if _key(n, w) not in self.sizes}
        if todo:
            self.sizes.update(_measure(todo))

    def size(self, name: str, width: float) -> tuple[float, float]:
        return self.sizes.get(_key(name, width), (0.0, 0.0))

    def column(self, width: float) -> float:
        """Height of the legend (risk map) and the info table stacked, at ``width``."""
        legend_h = self.size("legend", width)[1]
        return (legend_h + GAP_PT if legend_h else 0.0) + self.size("info", width)[1]


def compose(sheet: PowerSheet, model: BpmnModel, process: Process, *, kind: ChartKind, page_in: tuple[float, float],
            options: FlowOptions, risks: Sequence[RiskPoint]) -> Composition:  # fmt: skip
    """Lay the chart out on one sheet if it prints at the minimum size or larger, else on several."""
    page_w, page_h = page_in
    usable_w, usable_h = (page_w - 2 * PAGE_MARGIN_IN) * 72, (page_h - 2 * PAGE_MARGIN_IN) * 72
    name = f"{kind}_{sheet.code}"
    flow = _flow_graph(name, model, process.id, options)
    laid, layout = layout_dot_and_json(flow)
    fx0, fy0, fx1, fy1 = _root_bb(laid)
    flow_w, flow_h = fx1 - fx0, fy1 - fy0
    steps = list_steps(process, position_names=options.position_names) if kind == "flow" else []
    blocks = _Blocks(sheet, kind, model, steps, options, risks if kind == "risk" else ())
    stacked_w = max(flow_w, min(MIN_WIDTH_PT, usable_w / MIN_SCALE))
    wanted = [("header", w) for w in sorted({stacked_w, *(flow_w + GAP_PT + s for s in SIDE_WIDTHS_PT)})]
    for width in (stacked_w, *SIDE_WIDTHS_PT):
        wanted.append(("info", width))
        if blocks.legend_points:
            wanted.append(("legend", width))
        if steps and width in SIDE_WIDTHS_PT:
            wanted.append(("steps", width))
    # Most charts end up on several sheets: measure those widths too, in the same run.
    table_w, col_w = _paged_widths(_room((usable_w, usable_h))[0], flow_w)
    blocks.measure([*wanted, *_paged_blocks(blocks, table_w, col_w)])

    def plan(arrangement: str, width: float, height: float, side: float) -> _Plan:
        scale = min(usable_w / width, usable_h / height)
        return _Plan(arrangement=arrangement, width=width, height=height, side_width=side, scale=scale)

    header_at = lambda w: blocks.size("header", w)[1]  # noqa: E731
    plans = [plan("stacked", stacked_w, header_at(stacked_w) + GAP_PT + flow_h + GAP_PT + blocks.column(stacked_w),
                  stacked_w)]  # fmt: skip
    for side in SIDE_WIDTHS_PT:
        total_w = flow_w + GAP_PT + side
        plans.append(plan("side", total_w, header_at(total_w) + GAP_PT + max(flow_h, blocks.column(side)), side))
    best_side = max(plans[1:], key=lambda p: p.scale)
    chosen = best_side if best_side.scale > plans[0].scale * SIDE_ADVANTAGE else plans[0]
    if chosen.scale >= MIN_SCALE:
        source = _single_sheet(laid, chosen, blocks)
        size = laid_out_sizes([source])[0]
        scale = min((page_w - 2 * PAGE_MARGIN_IN) / size[0], (page_h - 2 * PAGE_MARGIN_IN) / size[1])
        if scale >= MIN_SCALE:  # the estimate held
            return Composition((_fit(source, size, page_in, scale),), chosen.arrangement, scale)
    return _paged(name, model, process, options, blocks, (usable_w, usable_h), page_in, layout)


def _single_sheet(laid: str, plan: _Plan, blocks: _Blocks) -> str:
    fx0, fy0, fx1, fy1 = _root_bb(laid)
    header_h = blocks.size("header", plan.width)[1]
    placed: list[tuple[str, str, float, float]] = []  # (name, markup, centre x, centre y)
    if plan.arrangement == "stacked":
        centre = (fx0 + fx1) / 2
        col_x, col_w, y = centre, plan.side_width, fy0 - GAP_PT
    else:
        centre = fx0 + plan.width / 2
        col_w = plan.side_width
        col_x, y = fx1 + GAP_PT + col_w / 2, fy1
    placed.append(("poster_header", blocks.markup("header", plan.width), centre, fy1 + GAP_PT + header_h / 2))
    steps_h = blocks.size("steps", col_w)[1]
    if plan.arrangement == "side" and steps_h and blocks.column(col_w) + GAP_PT + steps_h <= fy1 - fy0:
        # Room to spare beside a tall flow: list the steps with post, limit and documents.
        placed.append(("poster_steps", blocks.markup("steps", col_w), col_x, y - steps_h / 2))
        y -= steps_h + GAP_PT
    y = _place_column(placed, blocks, col_w, col_x, y)
    return _add_nodes(laid, placed)


def _place_column(placed: list, blocks: _Blocks, width: float, x: float, y: float) -> float:
    """Put the risk legend (if any) and the info table in a column whose top is at ``y``."""
    if blocks.legend_points:
        legend_h = blocks.size("legend", width)[1]
        placed.append(("poster_risk_legend", blocks.markup("legend", width), x, y - legend_h / 2))
        y -= legend_h + GAP_PT
    info_h = blocks.size("info", width)[1]
    placed.append(("poster_footer", blocks.markup("info", width), x, y - info_h / 2))
    return y - info_h


def _paged(name: str, model: BpmnModel, process: Process, options: FlowOptions, blocks: _Blocks,
           usable: tuple[float, float], page_in: tuple[float, float],
           layout: Mapping[str, object]) -> Composition:  # fmt: skip
    """The chart on several sheets of one scale, none printing below the minimum.

    The flow is split with a shrinking height budget until every sheet fits at the minimum
    scale. A risk map whose callouts make the flow wider than the sheet keeps the ★ numbers on
    the steps and the legend table, without the callouts beside the steps. ``layout`` is the
    ``json`` of the flow drawn on one sheet.
    """
    room_w, room_h = _room(usable)
    flow_w = _json_width(layout)
    if flow_w > room_w and options.risk_callouts:
        options = replace(options, risk_callouts=False)
        flow = _flow_graph(name, model, process.id, options)
        layout = layout_json(flow)
        flow_w = _json_width(layout)
    blocks.paged = True
    result = None
    for attempt in range(8):
        result = _paged_once(name, model, process, options, blocks, layout, flow_w, (room_w, room_h),
                             0.9**attempt, page_in)  # fmt: skip
        if result.scale >= MIN_SCALE:
            break
    assert result is not None
    return result


def _paged_once(name: str, model: BpmnModel, process: Process, options: FlowOptions, blocks: _Blocks,
                layout: Mapping[str, object], flow_w: float, room: tuple[float, float], shrink: float,
                page_in: tuple[float, float]) -> Composition:  # fmt: skip
    room_w, room_h = room
    table_w, col_w = _paged_widths(room_w, flow_w)
    blocks.measure(_paged_blocks(blocks, table_w, col_w))
    header_h, strip_h = blocks.size("header", table_w)[1], blocks.size("strip", table_w)[1]
    column_h = blocks.column(col_w)
    first = (room_h - header_h - GAP_PT - NUMBER_PT - FRAME_PT) * shrink
    later = (room_h - strip_h - GAP_PT - NUMBER_PT - FRAME_PT) * shrink
    pages = split_flow(process, layout, lambda page: first if page == 1 else later)
    count = max(pages.values())
    parts = layout_dots(
        [_flow_graph(name, model, process.id, replace(options, fold=pages, page=page)) for page in range(1, count + 1)]
    )
    lx0, ly0, lx1, ly1 = _root_bb(parts[-1])
    budget = first if count == 1 else later
    fits_beside = col_w < table_w and lx1 - lx0 + GAP_PT + col_w <= room_w and max(ly1 - ly0, column_h) <= budget
    fits_below = ly1 - ly0 + GAP_PT + column_h <= budget
    own_sheet = not (fits_beside or fits_below)
    blocks.pages = count + (1 if own_sheet else 0)
    if own_sheet:
        col_w = table_w
        blocks.measure(_paged_blocks(blocks, table_w, col_w))  # header and strip are measured already
        parts.append(layout_dot(_blank(name)))
    sheets: list[tuple[str, float, float]] = []  # (source, top y, centre x), points
    for page, laid in enumerate(parts, start=1):
        fx0, fy0, fx1, fy1 = _root_bb(laid)
        centre = fx0 + table_w / 2
        placed: list[tuple[str, str, float, float]] = []
        top_block = "header" if page == 1 else "strip"
        top_h = blocks.size(top_block, table_w)[1]
        markup = blocks.markup(top_block, table_w, page=page)
        placed.append((f"poster_{top_block}", markup, centre, fy1 + GAP_PT + top_h / 2))
        bottom = fy0
        if page == blocks.pages:
            if fits_beside and not own_sheet:
                bottom = min(fy0, _place_column(placed, blocks, col_w, fx1 + GAP_PT + col_w / 2, fy1))
            else:
                bottom = _place_column(placed, blocks, col_w, centre, fy0 - GAP_PT)
        placed.append(("poster_page_number", blocks.markup("number", 0, page=page), fx0 + table_w - 60,
                       bottom - NUMBER_PT / 2))  # fmt: skip
        sheets.append((_add_nodes(laid, placed), fy1 + GAP_PT + top_h, centre))
    sizes = laid_out_sizes([source for source, _, _ in sheets])
    page_w, page_h = page_in
    scale = min(min((page_w - 2 * PAGE_MARGIN_IN) / w, (page_h - 2 * PAGE_MARGIN_IN) / h) for w, h in sizes)
    room_pt = (page_h - 2 * PAGE_MARGIN_IN) * 72 / scale - 2
    # An invisible point a sheet's height below the top keeps every sheet's content at its top.
    floored = [
        _add_nodes(source, [("poster_floor", "", centre, top - room_pt)]).replace(
            "poster_floor [shape=plain, id=poster_floor, label=<>", "poster_floor [shape=point, style=invis, width=0.01"
        )
        for source, top, centre in sheets
    ]
    fitted = (_fit(source, size, page_in, scale) for source, size in zip(floored, laid_out_sizes(floored), strict=True))
    return Composition(tuple(fitted), "paged", scale)


def _room(usable: tuple[float, float]) -> tuple[float, float]:
    """Room on a sheet at the minimum scale, points (graphviz adds a little)."""
    return usable[0] / MIN_SCALE * 0.98, usable[1] / MIN_SCALE * 0.98


def _paged_widths(room_w: float, flow_w: float) -> tuple[float, float]:
    """Width of the header and strip, and of the table column, when a flow ``flow_w`` wide is paged."""
    table_w = max(room_w, flow_w)
    side_w = room_w - flow_w - GAP_PT
    return table_w, (side_w if side_w >= PAGED_SIDE_MIN_PT else table_w)


def _paged_blocks(blocks: _Blocks, table_w: float, col_w: float) -> list[tuple[str, float]]:
    """The blocks a paged chart measures: header and strip across, info (and legend) in the column."""
    wanted = [("header", table_w), ("strip", table_w), ("info", col_w)]
    return [*wanted, ("legend", col_w)] if blocks.legend_points else wanted


def _json_width(layout: Mapping[str, object]) -> float:
    x0, _, x1, _ = (float(v) for v in str(layout["bb"]).split(","))
    return x1 - x0


def _blank(name: str) -> graphviz.Digraph:
    graph = new_digraph(name)
    graph.attr("graph", margin="0", pad="0")
    graph.node("poster_blank", label="", shape="point", style="invis", width="0.01")
    return graph


def _add_nodes(laid: str, placed: Sequence[tuple[str, str, float, float]]) -> str:
    added = "".join(
        f'\t{name} [shape=plain, id={name}, label=<{markup}>, pos="{x:.2f},{yy:.2f}!"];\n'
        for name, markup, x, yy in placed
    )
    return laid.rstrip()[:-1] + added + "}\n"


def _fit(source: str, size_in: tuple[float, float], page_in: tuple[float, float], scale: float) -> str:
    """Pad a laid-out sheet of ``size_in`` (from :func:`laid_out_sizes`) to the paper at ``scale``
    (``size="W,H!"`` and a computed ``pad``)."""
    page_w, page_h = page_in
    width_in, height_in = size_in
    pad_x = max((page_w / scale - width_in) / 2, 0.0)
    pad_y = max((page_h / scale - height_in) / 2, 0.0)
    return append_graph_attributes(
        source, {"size": f"{page_w:.4f},{page_h:.4f}!", "pad": f"{pad_x:.4f},{pad_y:.4f}", "margin": "0"}
    )


def _flow_graph(name: str, model: BpmnModel, process_id: str, options: FlowOptions) -> graphviz.Digraph:
    """The flow alone, inside the framed ``办理流程`` cluster."""
    flow = new_digraph(name, ranksep=0.3, nodesep=0.3)
    flow.attr("graph", margin="0", pad="0")
    title = "办理流程" if not options.fold else f"办理流程（第 {options.page} 部分）"
    with flow.subgraph(name="cluster_poster_flow") as frame:
        frame.attr(
            label=f'<<FONT POINT-SIZE="{HEADER_SIZE:g}"><B>{title}</B></FONT>>',
            labelloc="t",
            labeljust="l",
            color="#B0BEC5",
            style="rounded",
            margin="14",
            id="poster_flow",
        )
        draw_flow(frame, model, process_id=process_id, options=options)
    return flow


def _root_bb(laid: str) -> tuple[float, float, float, float]:
    match = _BB.search(laid)
    if match is None:
        raise DiagramError("graphviz 未返回流程图版面", code="render_failed")
    x0, y0, x1, y1 = (float(v) for v in match.groups())
    return x0, y0, x1, y1


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
