"""SVG and font helpers shared by the diagrams tests."""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

from lxml import etree

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MIWG_DIR = Path(__file__).resolve().parent / "miwg"  # OMG MIWG reference models, CC BY 3.0 (see README.md there)
SVG_NS = "http://www.w3.org/2000/svg"
CJK_FAMILY = "Noto Sans CJK SC"


def svg_tree(svg: bytes) -> etree._Element:
    """Parse rendered SVG (graphviz escapes ``-`` in ids as ``&#45;``; the parser undoes it)."""
    return etree.fromstring(svg)


def svg_ids(svg: bytes) -> set[str]:
    return {el.get("id") for el in svg_tree(svg).iter() if el.get("id")}


def svg_text(svg: bytes) -> str:
    """All text of the drawing, concatenated in document order."""
    return "".join(el.text or "" for el in svg_tree(svg).iter(f"{{{SVG_NS}}}text"))


def svg_group(svg: bytes, group_id: str) -> etree._Element:
    for el in svg_tree(svg).iter(f"{{{SVG_NS}}}g"):
        if el.get("id") == group_id:
            return el
    raise AssertionError(f"no <g id={group_id!r}> in the SVG")


@cache
def cjk_charset() -> frozenset[int]:
    """Code points covered by the font fontconfig picks for Noto Sans CJK SC."""
    out = subprocess.run(
        ["fc-match", CJK_FAMILY, "--format=%{charset}"], capture_output=True, text=True, check=True
    ).stdout
    points: set[int] = set()
    for part in out.split():
        low, _, high = part.partition("-")
        points.update(range(int(low, 16), int(high or low, 16) + 1))
    return frozenset(points)


def miwg_files() -> list[Path]:
    if not MIWG_DIR.is_dir():
        raise RuntimeError(
            f"The OMG MIWG reference models are missing: expected {MIWG_DIR} (part of the repository)."
        )
    files = sorted(MIWG_DIR.glob("*.bpmn"))
    if not files:
        raise RuntimeError(f"No .bpmn files in {MIWG_DIR}")
    return files


def merged_svg(pages: list[bytes]) -> bytes:
    """The sheets of a multi-sheet chart as one SVG document (each sheet's drawing in turn), so
    tests can look for ids and text anywhere on the chart."""
    if len(pages) == 1:
        return pages[0]
    root = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS})
    for page in pages:
        for child in svg_tree(page):
            root.append(child)
    return etree.tostring(root)
