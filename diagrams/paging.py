"""Splitting a flow that is too tall for one sheet at the minimum print size.

A wall chart never shrinks its text below the minimum (:data:`MIN_SCALE`: the 14 pt step text
prints at 10 pt, every other text at 8 pt or more). When the whole chart does not fit one sheet
at that scale, the flow is cut between ranks into consecutive parts, one per sheet; a sequence
flow between two sheets becomes a pair of numbered connectors (转第 2 页 Ⓐ / 接第 1 页 Ⓐ).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from diagrams.model import Process
from diagrams.shapes import svg_id

MIN_STEP_PT: Final = 10.0  # step text on paper, points
STEP_FONT_PT: Final = 14.0  # nominal size of step text
# A little above 10/14: SVG output rounds the scale to two decimals, and 0.71 would print 9.9 pt.
MIN_SCALE: Final = 0.725
CONNECTOR_PT: Final = 110.0  # room for the in- and out-connectors a part may gain


def node_extents(process: Process, layout: Mapping[str, object]) -> dict[str, tuple[float, float]]:
    """Top and bottom (graphviz points, y up) of each top-level node of ``process``.

    Args:
        process: The drawn process.
        layout: ``dot -Tjson`` output of the flow drawn on one sheet.

    Returns:
        Node id -> (top, bottom); boundary events are left out (they go with their host).
    """
    extents: dict[str, tuple[float, float]] = {}
    for item in layout.get("objects", []):  # type: ignore[attr-defined]
        name = str(item.get("name", ""))
        if "pos" in item:
            y = float(str(item["pos"]).split(",")[1])
            half = float(item.get("height", 0.5)) * 72.0 / 2
            extents[name] = (y + half, y - half)
        elif "bb" in item and name.startswith("cluster_"):
            _, y0, _, y1 = (float(v) for v in str(item["bb"]).split(","))
            extents[name.removeprefix("cluster_")] = (y1, y0)
    return {
        node.id: extents[svg_id(node.id)]
        for node in process.nodes
        if node.kind != "boundaryEvent" and svg_id(node.id) in extents
    }


def split_flow(
    process: Process, layout: Mapping[str, object], budget: Callable[[int], float]
) -> dict[str, int]:
    """Cut the flow between ranks into sheets no taller than their budgets.

    Args:
        process: The drawn process.
        layout: ``dot -Tjson`` output of the flow on one sheet.
        budget: Sheet number (1-based) -> the height in points its part of the flow may take.

    Returns:
        Top-level node id -> sheet number (1, 2, ...); boundary events are on their host's sheet.
    """
    extents = node_extents(process, layout)
    levels: dict[float, list[str]] = {}
    for node_id, (top, bottom) in extents.items():
        levels.setdefault(round((top + bottom) / 2, 1), []).append(node_id)
    pages: dict[str, int] = {}
    page, part_top = 1, None
    for centre in sorted(levels, reverse=True):
        members = levels[centre]
        top = max(extents[n][0] for n in members)
        bottom = min(extents[n][1] for n in members)
        if part_top is None:
            part_top = top
        elif part_top - bottom + CONNECTOR_PT > budget(page):
            page += 1
            part_top = top
        for node_id in members:
            pages[node_id] = page
    for node in process.nodes:
        if node.kind == "boundaryEvent":
            pages[node.id] = pages.get(node.attached_to or "", 1)
        pages.setdefault(node.id, 1)
    return pages
