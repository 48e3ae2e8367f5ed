"""QR codes drawn as a graphviz HTML table, so SVG, PDF and PNG carry them as vector shapes.

Each row of the QR matrix becomes one table row; runs of equal modules are merged into one cell
(``COLSPAN``) to keep the output small. No image file is written and nothing depends on the
temporary directory, so the output stays deterministic.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

import qrcode
import qrcode.constants

from diagrams.text import html

QUIET_ZONE: Final = 4  # modules of white border, as ISO/IEC 18004 asks: scanners find the code by it
MAX_MODULE_PT: Final = 4


def module_size(data: str, width_pt: float) -> int:
    """The module edge in whole points (graphviz sizes table cells in whole points) that fits
    the code, quiet zone included, in ``width_pt``; at most :data:`MAX_MODULE_PT`. On a wall
    chart printed at its minimum scale (0.725) a 4 pt module is 1 mm on paper and 6 pixels in
    the 150 dpi PNG."""
    return max(1, min(MAX_MODULE_PT, int(width_pt // len(_matrix(data)))))


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR modules for ``data`` (medium error correction), quiet zone included.

    Args:
        data: The text to encode, usually a URL.

    Returns:
        Rows of booleans, ``True`` for a dark module.
    """
    return [list(row) for row in _matrix(data)]


@lru_cache(maxsize=256)
def _matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The code of ``data``, computed once per process: a poster draws and measures it several
    times, and choosing the mask pattern is most of a code's cost."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


def qr_table(data: str, *, module: float = 3.0, link: bool = True) -> str:
    """An HTML-like graphviz ``<TABLE>`` drawing the QR code (no surrounding ``< >``).

    Args:
        data: The text to encode.
        module: Edge length of one module in points.
        link: Make the code a link to ``data`` in SVG output (``<g id="qr"><a href=...>``).

    Returns:
        The table markup; dark runs are cells with ``BGCOLOR="black"``.
    """
    matrix = _matrix(data)
    size = len(matrix)
    height = f"{module:g}"
    rows: list[str] = []
    for row in matrix:
        cells: list[str] = []
        start = 0
        while start < size:
            end = start
            while end < size and row[end] == row[start]:
                end += 1
            span = end - start
            # A dark run is filled and stroked: the stroke closes the hairline seams an
            # anti-aliasing rasterizer leaves between vertically adjacent cells.
            colour = ' BGCOLOR="black" BORDER="1" COLOR="black"' if row[start] else ""
            cells.append(
                f'<TD COLSPAN="{span}" WIDTH="{module * span:g}" HEIGHT="{height}" '
                f'FIXEDSIZE="TRUE"{colour}></TD>'
            )
            start = end
        rows.append("<TR>" + "".join(cells) + "</TR>")
    # One invisible row of single cells fixes every column to exactly one module.
    grid = "".join(f'<TD WIDTH="{module:g}" HEIGHT="1" FIXEDSIZE="TRUE"></TD>' for _ in range(size))
    rows.append(f"<TR>{grid}</TR>")
    href = f' HREF="{html(data)}" TARGET="_blank"' if link else ""
    # FIXEDSIZE: a table placed in a larger cell must not spread its rows and columns apart.
    return (
        f'<TABLE ID="qr"{href} TOOLTIP="扫码查看办事指南" BORDER="0" CELLBORDER="0" CELLSPACING="0" '
        f'CELLPADDING="0" BGCOLOR="white" FIXEDSIZE="TRUE" WIDTH="{module * size:g}" '
        f'HEIGHT="{module * size + 1:g}">' + "".join(rows) + "</TABLE>"
    )


def qr_box(data: str, *, module: float = 3.0) -> str:
    """An empty table exactly as large as :func:`qr_table` draws ``data`` (for measuring)."""
    size = len(_matrix(data))
    return (
        f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0" FIXEDSIZE="TRUE" '
        f'WIDTH="{module * size:g}" HEIGHT="{module * size + 1:g}"><TR><TD></TD></TR></TABLE>'
    )
