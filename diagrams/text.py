"""Text helpers for graphviz labels: width estimates, CJK-aware wrapping, HTML escaping.

Graphviz never wraps text, so every label is wrapped here. Widths are estimated in *em*: a CJK
or full-width character is 1 em in Noto Sans CJK, other characters are counted as 0.6 em (a safe
upper bound for the proportional Latin glyphs of the same font).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from html import escape
from typing import Final

FONT: Final = "Noto Sans CJK SC"

# Characters that must not start a line (Chinese line-breaking rule, simplified).
_NO_LINE_START: Final = frozenset("，。、；：？！）】》」』”’,.;:?!)]}%·…〉")
# Characters that must not end a line.
_NO_LINE_END: Final = frozenset("（【《「『“‘([{〈")

_CIRCLED: Final = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def char_width(char: str) -> float:
    """Estimated width of one character in em.

    Wide, full-width and ambiguous characters (★, ①, —, ○ ...) count 1 em: the CJK font draws
    the ambiguous ones full width.
    """
    if unicodedata.east_asian_width(char) in ("W", "F", "A"):
        return 1.0
    return 0.6


def text_width(text: str) -> float:
    """Estimated width of a one-line text in em."""
    return sum(char_width(c) for c in text)


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F", "A")


def wrap(text: str, width: float) -> list[str]:
    """Wrap text to lines no wider than ``width`` em.

    Chinese text breaks between any two characters (not before closing punctuation); Latin text
    breaks at spaces when it can. Existing line breaks are kept.

    Args:
        text: The text; ``\\n`` starts a new line.
        width: The maximum line width in em (at least 1).

    Returns:
        The lines, without trailing spaces; ``[""]`` for empty text.
    """
    width = max(width, 1.0)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph.strip(), width))
    return lines or [""]


def _wrap_paragraph(paragraph: str, width: float) -> list[str]:
    if not paragraph:
        return [""]
    lines: list[str] = []
    current = ""
    current_width = 0.0
    tokens = _tokens(paragraph)
    for token in tokens:
        token_width = text_width(token)
        if current_width + token_width <= width or not current.strip():
            if token_width > width and not _is_wide(token[0]) and len(token) > 1:
                # A Latin word longer than a line: hard-split it.
                for char in token:
                    if current_width + char_width(char) > width and current:
                        lines.append(current.rstrip())
                        current, current_width = "", 0.0
                    current += char
                    current_width += char_width(char)
                continue
            current += token
            current_width += token_width
            continue
        if token[0] in _NO_LINE_START and current:
            # Keep closing punctuation on the line it closes.
            current += token
            current_width += token_width
            continue
        if current and current[-1] in _NO_LINE_END:
            carry = current[-1]
            current = current[:-1]
            lines.append(current.rstrip())
            current, current_width = carry + token.lstrip(), text_width(carry + token.lstrip())
            continue
        lines.append(current.rstrip())
        stripped = token.lstrip()
        current, current_width = stripped, text_width(stripped)
    if current.strip():
        lines.append(current.rstrip())
    return [line for line in lines if line] or [""]


def _tokens(paragraph: str) -> list[str]:
    """Split into break units: single wide characters, Latin words with their trailing space."""
    tokens: list[str] = []
    buffer = ""
    for char in paragraph:
        if _is_wide(char):
            if buffer:
                tokens.append(buffer)
                buffer = ""
            tokens.append(char)
        elif char == " ":
            buffer += char
            tokens.append(buffer)
            buffer = ""
        else:
            buffer += char
    if buffer:
        tokens.append(buffer)
    return tokens


def shorten(text: str, width: float) -> str:
    """Cut text to ``width`` em, ending with an ellipsis when something was cut."""
    if text_width(text) <= width:
        return text
    out = ""
    used = 0.0
    for char in text:
        if used + char_width(char) > width - 1:
            break
        out += char
        used += char_width(char)
    return out.rstrip() + "…"


def html(text: str) -> str:
    """Escape text for a graphviz HTML-like label."""
    return escape(text, quote=True)


def html_lines(lines: Iterable[str], *, align: str | None = None) -> str:
    """Escaped lines joined with ``<BR/>`` (``align`` is LEFT, RIGHT or CENTER)."""
    br = f'<BR ALIGN="{align}"/>' if align else "<BR/>"
    parts = [html(line) for line in lines]
    if align and parts:
        return br.join(parts) + br
    return br.join(parts)


def circled(number: int) -> str:
    """①..⑳ for 1..20, ``(n)`` beyond."""
    if 1 <= number <= len(_CIRCLED):
        return _CIRCLED[number - 1]
    return f"({number})"


_COMPACT_LIMIT: Final = re.compile(r"^(\d+(?:\.\d+)?)\s*([A-Za-z_]+)$")
_UNITS: Final = {
    "wd": "个工作日",
    "workday": "个工作日",
    "workdays": "个工作日",
    "working_days": "个工作日",
    "working_day": "个工作日",
    "工作日": "个工作日",
    "个工作日": "个工作日",
    "d": "日",
    "day": "日",
    "days": "日",
    "calendar_day": "日",
    "calendar_days": "日",
    "日": "日",
    "天": "天",
    "h": "小时",
    "hour": "小时",
    "hours": "小时",
    "小时": "小时",
}


def format_time_limit(value: str | int | float | None, unit: str | None = None) -> str:
    """Format a time limit for a poster box.

    A number is combined with ``unit`` (``WD``/``working_day`` = working days, the default;
    ``d``/``calendar_day`` = calendar days; ``h`` = hours). The compact form ``"10WD"``,
    ``"5D"``, ``"3h"`` carries its own unit. Any other text is shown as written, e.g.
    ``"即办"`` or ``"7日（公示）"``.

    Args:
        value: The limit, e.g. ``3``, ``"3"``, ``"10WD"`` or ``"3个工作日"``.
        unit: The unit of a numeric value.

    Returns:
        E.g. ``"3个工作日"``; an empty string when ``value`` is empty.
    """
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    compact = _COMPACT_LIMIT.match(text)
    if compact and unit is None:
        text, unit = compact.group(1), compact.group(2)
    try:
        number = float(text)
    except ValueError:
        return text
    shown = str(int(number)) if number == int(number) else text
    if number == 0:
        return "即办"
    suffix = _UNITS.get((unit or "WD").strip().lower(), (unit or "").strip())
    return f"{shown}{suffix}"


_EDITORIAL = re.compile(r"\s*\[[^\[\]]*\]\s*")


def without_editorial_marks(text: str) -> str:
    """Drop the catalog's editorial markers (``[各地规定]``) from text meant for print.

    ``"[各地规定]"`` alone becomes ``"按本地规定"``; a note that starts with an example keeps it
    as the local rule (``"按本地规定，例：…"``).
    """
    if "[" not in text:
        return text
    cleaned = _EDITORIAL.sub(" ", text).strip()
    if not cleaned:
        return "按本地规定"
    if cleaned.startswith("例"):
        return "按本地规定，" + cleaned
    return cleaned
