"""Labels of the "as modelled" drawing: width estimates, word wrapping, SVG text blocks.

Latin text wraps only at spaces (and after a hyphen): a word is never split, even when it is
wider than the box; it then overflows the box a little, as a modeller's own drawing does. Chinese
(and any wide) text wraps between any two characters, never before closing punctuation.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from lxml import etree

from diagrams.text import FONT

SVG_NS: Final = "http://www.w3.org/2000/svg"
FONT_FAMILY: Final = f"'{FONT}', 'Noto Sans', sans-serif"
FONT_SIZE: Final = 11.0
LINE_HEIGHT: Final = 1.2
INK: Final = "#1a1a1a"

_NO_LINE_START: Final = frozenset("，。、；：？！）】》」』”’,.;:?!)]}%·…〉")
_NARROW: Final = frozenset("iljtfrI.,:;|!'()[]-/ ")
_WIDE_LATIN: Final = frozenset("mwMW@%")


def is_wide(char: str) -> bool:
    """True for CJK and other full-width characters (1 em; a line may break around them)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def em(char: str) -> float:
    """Estimated advance of one character in em (Noto Sans CJK's Latin glyphs are narrow)."""
    if is_wide(char):
        return 1.0
    if char in _NARROW:
        return 0.3
    if char in _WIDE_LATIN:
        return 0.85
    if char.isupper() or char.isdigit():
        return 0.62
    return 0.53


def width(text: str, size: float = FONT_SIZE) -> float:
    """Estimated width of one line of text in diagram units."""
    return sum(em(c) for c in text) * size


def tokens(text: str) -> list[str]:
    """Break units: each wide character alone, each Latin word with the spaces after it.

    A hyphen ends a unit too (``Multi-`` ``Instance``), so long compounds can break after it.
    """
    out: list[str] = []
    buffer = ""
    for char in text:
        if is_wide(char):
            if buffer:
                out.append(buffer)
                buffer = ""
            out.append(char)
        elif char.isspace():
            buffer += " "
        else:
            if buffer.endswith(" ") or (buffer.endswith("-") and len(buffer) > 1):
                out.append(buffer)
                buffer = ""
            buffer += char
    if buffer:
        out.append(buffer)
    return out


def wrap(text: str, max_width: float, size: float = FONT_SIZE) -> list[str]:
    """Wrap text into lines no wider than ``max_width`` units where it can be done at a break.

    Explicit line breaks are kept. Words are never split; closing punctuation stays on the line
    it closes.
    """
    lines: list[str] = []
    for paragraph in text.replace("\r", "").split("\n"):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        current = ""
        for token in tokens(paragraph):
            candidate = current + token
            fits = width(candidate.rstrip(), size) <= max_width
            if not current or fits or token[0] in _NO_LINE_START:
                current = candidate
                continue
            lines.append(current.rstrip())
            current = token.lstrip()
        if current.strip():
            lines.append(current.rstrip())
    return lines


def text_block(
    parent: etree._Element,
    lines: list[str],
    cx: float,
    cy: float,
    *,
    size: float = FONT_SIZE,
    anchor: str = "middle",
    x: float | None = None,
    top: float | None = None,
    css_class: str = "bpmn-label",
    weight: str | None = None,
    halo: bool = False,
) -> etree._Element | None:
    """Draw lines of text centred on (``cx``, ``cy``), or from ``top`` down when it is given.

    Args:
        anchor: ``"middle"`` (centred on ``cx``) or ``"start"`` (left-aligned at ``x``).

    Returns:
        The ``<text>`` element (one ``<tspan>`` per line), ``None`` for no lines.
    """
    if not lines:
        return None
    step = size * LINE_HEIGHT
    first = (top if top is not None else cy - step * len(lines) / 2) + size * 0.95
    left = x if (anchor == "start" and x is not None) else cx
    text = etree.SubElement(parent, f"{{{SVG_NS}}}text")
    text.set("class", css_class)
    text.set("x", fmt(left))
    text.set("y", fmt(first))
    text.set("font-family", FONT_FAMILY)
    text.set("font-size", fmt(size))
    text.set("text-anchor", anchor)
    text.set("fill", INK)
    if weight:
        text.set("font-weight", weight)
    if halo:  # a white outline keeps a label readable where a line runs under it
        text.set("stroke", "#ffffff")
        text.set("stroke-width", "3")
        text.set("stroke-linejoin", "round")
        text.set("paint-order", "stroke")
    for index, line in enumerate(lines):
        span = etree.SubElement(text, f"{{{SVG_NS}}}tspan")
        span.set("x", fmt(left))
        span.set("y", fmt(first + index * step))
        span.text = line
    return text


def block_height(lines: list[str], size: float = FONT_SIZE) -> float:
    return len(lines) * size * LINE_HEIGHT


def fmt(value: float) -> str:
    """A coordinate as short, exact-enough text (two decimals, no trailing zeros)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
