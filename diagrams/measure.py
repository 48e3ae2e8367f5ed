"""Printed text sizes of a rendered chart, read back from its SVG.

Graphviz writes each text with its nominal ``font-size`` inside a root group scaled to the
canvas; the canvas is the paper (``width="842pt"`` for A3). The printed size of a text is its
font size times that scale, so a test can check every text element of a wall chart on paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from lxml import etree

SVG_NS: Final = "http://www.w3.org/2000/svg"
_SCALE: Final = re.compile(r"scale\(([-0-9.e]+)(?:[ ,]+([-0-9.e]+))?\)")


@dataclass(frozen=True, slots=True)
class PrintedText:
    """One text element as printed.

    Attributes:
        text: Its characters.
        points: Printed size in points.
        group: The SVG id of the node, edge or cluster group holding it.
        group_class: ``"node"``, ``"edge"``, ``"cluster"`` or ``""``.
    """

    text: str
    points: float
    group: str
    group_class: str


def printed_texts(svg: bytes) -> list[PrintedText]:
    """Every non-blank text element of an SVG chart with its printed size.

    Args:
        svg: Graphviz SVG output whose canvas is the paper.

    Returns:
        The texts in document order.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(svg, parser)
    width_pt = float(root.get("width", "0").removesuffix("pt"))
    view_w = float(root.get("viewBox", "0 0 1 1").split()[2])
    canvas = width_pt / view_w if view_w else 1.0
    graph = root.find(f"{{{SVG_NS}}}g")
    match = _SCALE.search(graph.get("transform", "") if graph is not None else "")
    scale = float(match.group(1)) if match else 1.0
    texts: list[PrintedText] = []
    for element in root.iter(f"{{{SVG_NS}}}text"):
        content = "".join(element.itertext()).strip()
        if not content:
            continue
        group = next((g for g in element.iterancestors(f"{{{SVG_NS}}}g") if g.get("class")), None)
        size = float(element.get("font-size", "14"))
        texts.append(
            PrintedText(
                content,
                size * scale * canvas,
                group.get("id", "") if group is not None else "",
                group.get("class", "") if group is not None else "",
            )
        )
    return texts
