"""Run graphviz: lay graphs out and turn them into SVG, PDF or PNG bytes.

Only the system graphviz binaries are used: ``dot`` lays out and renders flow graphs;
``neato -n2`` renders a graph that is already laid out (the composed posters), so the layout
is computed once and reused for every format. PDF and PNG go through cairo, SVG through the core
renderer. Graphviz failures become :class:`~diagrams.errors.DiagramError` (``render_failed``).
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final, Literal

import graphviz

from diagrams.errors import DiagramError

Format = Literal["svg", "pdf", "png"]
FORMATS: Final = ("svg", "pdf", "png")
_LAYOUT_FORMATS: Final = ("plain", "dot")
DEFAULT_PNG_DPI: Final = 150
_GRAPH_START: Final = re.compile(r"^(?=(?:strict )?(?:di)?graph\b)", re.MULTILINE)


def render(graph: graphviz.Digraph, fmt: Format = "svg", *, dpi: int | None = None) -> bytes:
    """Lay out a digraph with ``dot`` and render it.

    Args:
        graph: The graph from :func:`diagrams.graph.to_digraph`.
        fmt: ``"svg"``, ``"pdf"`` or ``"png"``.
        dpi: Pixel density of PNG output (150 when omitted); ignored for SVG and PDF.

    Returns:
        The rendered file content.

    Raises:
        DiagramError: Unknown format (``unsupported_format``), graphviz missing or failing
            (``render_failed``).
    """
    _check_format(fmt)
    source = graph
    if fmt == "png":
        source = graph.copy()
        source.attr("graph", dpi=str(dpi or DEFAULT_PNG_DPI))
    return _run(lambda: source.pipe(format=fmt, renderer=_renderer(fmt), engine="dot", quiet=True))


def render_laid_out(dot_source: str, fmt: Format = "svg", *, dpi: int | None = None) -> bytes:
    """Render DOT source that already carries positions (``pos``/``bb``) with ``neato -n2``.

    Args:
        dot_source: Laid-out DOT, e.g. ``dot -Tdot`` output with nodes added at fixed positions.
        fmt: ``"svg"``, ``"pdf"`` or ``"png"`` (``"plain"`` and ``"dot"`` report the layout).
        dpi: Pixel density of PNG output (150 when omitted).

    Returns:
        The rendered file content.

    Raises:
        DiagramError: As :func:`render`.
    """
    if fmt not in _LAYOUT_FORMATS:
        _check_format(fmt)
    data = _with_dpi(dot_source, fmt, dpi).encode("utf-8")
    return _run(lambda: graphviz.pipe("neato", fmt, data, renderer=_renderer(fmt), neato_no_op=2, quiet=True))


def render_laid_out_many(sources: Sequence[str], fmt: Format = "svg", *, dpi: int | None = None) -> list[bytes]:
    """:func:`render_laid_out` for several sheets; PDF and PNG in one ``neato -n2`` process (``-O``:
    one output file per input), so cairo and the fonts load once, not once per sheet. The files live in a
    temporary folder only while graphviz writes them; each sheet's bytes are what
    :func:`render_laid_out` gives it.
    """
    if len(sources) <= 1 or fmt == "svg":
        # SVG: graphviz names the second graph of a run "page0,1_…" (and SVG needs no fonts loaded)
        return [render_laid_out(source, fmt, dpi=dpi) for source in sources]
    _check_format(fmt)
    renderer = _renderer(fmt)
    with tempfile.TemporaryDirectory(prefix="sheets-") as folder:
        names = [f"sheet{index:03d}.gv" for index in range(len(sources))]
        for name, source in zip(names, sources, strict=True):
            (Path(folder) / name).write_text(_with_dpi(source, fmt, dpi), encoding="utf-8")
        _command(["neato", "-n2", f"-T{fmt}:{renderer}" if renderer else f"-T{fmt}", "-O", *names], cwd=folder)
        suffix = f".{renderer}.{fmt}" if renderer else f".{fmt}"
        return [(Path(folder) / (name + suffix)).read_bytes() for name in names]


def layout_dot(graph: graphviz.Digraph) -> str:
    """Lay out a digraph with ``dot`` and return the laid-out DOT (``-Tdot``)."""
    return _run(lambda: graph.pipe(format="dot", engine="dot", quiet=True)).decode("utf-8")


def layout_dots(graphs: Sequence[graphviz.Digraph]) -> list[str]:
    """Lay out several digraphs with one ``dot -Tdot`` run; the laid-out DOT of each, in order."""
    if not graphs:
        return []
    data = "".join(graph.source for graph in graphs).encode("utf-8")
    text = _run(lambda: graphviz.pipe("dot", "dot", data, quiet=True)).decode("utf-8")
    laid = [chunk for chunk in _GRAPH_START.split(text) if chunk.strip()]
    if len(laid) != len(graphs):
        raise DiagramError("graphviz 返回的版面数目不符", code="render_failed")
    return laid


def laid_out_sizes(sources: Sequence[str]) -> list[tuple[float, float]]:
    """Width and height in inches that ``neato -n2`` gives each laid-out source, in one run."""
    if not sources:
        return []
    data = "".join(source if source.endswith("\n") else source + "\n" for source in sources).encode("utf-8")
    plain = _run(lambda: graphviz.pipe("neato", "plain", data, neato_no_op=2, quiet=True)).decode("utf-8")
    sizes = [
        (float(fields[2]), float(fields[3]))
        for fields in (line.split() for line in plain.splitlines())
        if len(fields) >= 4 and fields[0] == "graph"
    ]
    if len(sizes) != len(sources):
        raise DiagramError("graphviz 未返回版面尺寸", code="render_failed")
    return sizes


def layout_dot_and_json(graph: graphviz.Digraph) -> tuple[str, dict[str, object]]:
    """One ``dot -Tdot -Tjson`` run: the laid-out DOT and its ``json`` description (points)."""
    text = _command(["dot", "-Tdot", "-Tjson"], stdin=graph.source.encode("utf-8")).decode("utf-8")
    cut = text.find("\n}\n{") + 3  # the DOT graph closes at column 0; the JSON object follows
    if cut < 3:
        raise DiagramError("graphviz 未返回流程图版面", code="render_failed")
    return text[:cut], json.loads(text[cut:])


def layout_json(graph: graphviz.Digraph) -> dict[str, object]:
    """Lay out a digraph with ``dot`` and return the ``json`` description (points)."""
    data = _run(lambda: graph.pipe(format="json", engine="dot", quiet=True))
    return json.loads(data.decode("utf-8"))  # type: ignore[no-any-return]


def layout_plain(graph: graphviz.Digraph) -> str:
    """Lay out a digraph with ``dot`` and return the ``plain`` text (inches)."""
    return _run(lambda: graph.pipe(format="plain", engine="dot", quiet=True)).decode("utf-8")


def append_graph_attributes(dot_source: str, attributes: dict[str, str]) -> str:
    """Add root graph attributes at the end of a DOT source (later values win).

    Args:
        dot_source: A complete DOT graph ending with ``}``.
        attributes: Attribute name -> value; values are quoted.

    Returns:
        The source with a ``graph [...]`` statement before its closing brace.
    """
    body = dot_source.rstrip()
    if not body.endswith("}"):
        raise DiagramError("DOT 源文件不完整", code="render_failed")
    pairs = ", ".join(f'{name}="{_escape(value)}"' for name, value in attributes.items())
    return f"{body[:-1]}\tgraph [{pairs}];\n}}\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _renderer(fmt: str) -> str | None:
    return "cairo" if fmt in ("pdf", "png") else None


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise DiagramError(f"不支持的输出格式: {fmt!r}（可用: svg, pdf, png）", code="unsupported_format")


def _with_dpi(source: str, fmt: str, dpi: int | None) -> str:
    """A PNG's pixel density as a graph attribute (150 when omitted); other formats unchanged."""
    return append_graph_attributes(source, {"dpi": str(dpi or DEFAULT_PNG_DPI)}) if fmt == "png" else source


def _command(command: list[str], *, stdin: bytes | None = None, cwd: str | None = None) -> bytes:
    """Run a graphviz command line the ``graphviz`` package has no call for (several ``-T`` at
    once, ``-O``); its failures become the same :class:`DiagramError` as :func:`_run`'s."""

    def call() -> bytes:
        try:
            return subprocess.run(command, input=stdin, cwd=cwd, capture_output=True, check=True).stdout
        except FileNotFoundError as exc:
            raise graphviz.ExecutableNotFound(command[:1]) from exc

    return _run(call)


def _run(call: Callable[[], bytes]) -> bytes:
    try:
        return call()
    except graphviz.ExecutableNotFound as exc:
        raise DiagramError("找不到 graphviz 程序（dot/neato），请安装 graphviz", code="render_failed") from exc
    except (graphviz.CalledProcessError, subprocess.CalledProcessError) as exc:
        stderr = exc.stderr.decode("utf-8", "replace") if isinstance(exc.stderr, bytes) else str(exc.stderr)
        raise DiagramError(f"graphviz 渲染失败: {stderr.strip()[:500]}", code="render_failed") from exc


def render_svg(graph: graphviz.Digraph) -> bytes:
    """Shorthand for ``render(graph, "svg")``."""
    return render(graph, "svg")


def convert_svg(svg: bytes, fmt: Format, *, zoom: float = 1.0, max_width: int | None = None) -> bytes:
    """Turn an SVG drawing into PDF or PNG with ``rsvg-convert`` (Debian ``librsvg2-bin``).

    Args:
        svg: A standalone SVG document whose ``width`` is in px (user units).
        fmt: ``"pdf"`` or ``"png"`` (``"svg"`` returns the input).
        zoom: Scale; 1 user unit is 1 px (PNG) or 0.75 pt (PDF) at zoom 1.
        max_width: Shrink the zoom so the output is at most this wide (px).

    Raises:
        DiagramError: Unknown format (``unsupported_format``), rsvg-convert missing or failing
            (``render_failed``).
    """
    _check_format(fmt)
    if fmt == "svg":
        return svg
    if max_width:
        match = re.search(rb'<svg[^>]*\swidth="([0-9.]+)"', svg)
        if match and float(match.group(1)) * zoom > max_width:
            zoom = (max_width - 0.99) / float(match.group(1))  # rsvg-convert rounds the size up
    command = ["rsvg-convert", "--format", fmt, "--zoom", f"{zoom:.4f}", "--background-color", "white"]
    try:
        done = subprocess.run(command, input=svg, capture_output=True, check=False, timeout=120)
    except FileNotFoundError as exc:
        raise DiagramError("找不到 rsvg-convert，请安装 librsvg2-bin", code="render_failed") from exc
    except subprocess.TimeoutExpired as exc:
        raise DiagramError("rsvg-convert 超时", code="render_failed") from exc
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace").strip()[:500]
        raise DiagramError(f"rsvg-convert 渲染失败: {stderr}", code="render_failed")
    return done.stdout
