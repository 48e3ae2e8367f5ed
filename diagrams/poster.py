"""The two wall charts of a power: 权力运行流程图 (flow poster) and 廉政风险防控图 (risk map).

Every text prints at a readable size: step text at 10 pt or more and every other text at 8 pt
or more, on A3 and on A4. A chart that would need smaller print is laid out on several sheets
instead (:mod:`diagrams.compose`, :mod:`diagrams.paging`); a flow that continues on another
sheet says so with numbered connectors (转第 2 页 Ⓐ / 接第 1 页 Ⓐ).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from diagrams.compose import compose
from diagrams.errors import DiagramError, InvalidSheet
from diagrams.graph import FlowOptions, risk_options
from diagrams.model import BpmnModel
from diagrams.output import Format, render_laid_out, render_laid_out_many
from diagrams.sheet import PowerSheet, RiskPoint
from diagrams.tables import ChartKind, chart_title

Paper = Literal["A3", "A4"]
MM_PER_INCH: Final = 25.4
PAPER_MM: Final[Mapping[str, tuple[float, float]]] = {"A3": (297.0, 420.0), "A4": (210.0, 297.0)}
PNG_DPI: Final[Mapping[str, int]] = {"A3": 150, "A4": 200}


@dataclass(frozen=True, slots=True)
class Poster:
    """A composed wall chart, laid out and fitted to its paper.

    Attributes:
        kind: ``"flow"`` (权力运行流程图) or ``"risk"`` (廉政风险防控图).
        title: The printed title.
        paper: ``"A3"`` or ``"A4"``.
        arrangement: ``"stacked"``, ``"side"`` (tables beside the flow) or ``"paged"`` (the
            flow continues over several sheets).
        pages: Number of sheets.
        scale: Print scale: 1.0 prints every font at its nominal size (step text 14 pt); never
            below :data:`diagrams.paging.MIN_SCALE`.
        sources: The laid-out DOT source of each sheet, rendered with ``neato -n2``.
    """

    kind: str
    title: str
    paper: str
    arrangement: str
    pages: int
    scale: float
    sources: tuple[str, ...]

    @property
    def source(self) -> str:
        """The first sheet's laid-out DOT source."""
        return self.sources[0]

    def render(self, fmt: Format = "pdf", *, dpi: int | None = None, page: int | None = None) -> bytes:
        """Render the chart as ``"pdf"``, ``"svg"`` or ``"png"``.

        Args:
            fmt: The output format.
            dpi: PNG pixel density; 150 for A3 and 200 for A4 when omitted.
            page: The sheet (1-based). A PDF holds every sheet when omitted; SVG and PNG are
                one sheet each, the first when omitted.

        Returns:
            The file content; PDF pages and SVG canvases are exactly the paper size.

        Raises:
            DiagramError: No such sheet (``unknown_page``).
        """
        if page is not None and not 1 <= page <= self.pages:
            raise DiagramError(f"没有第 {page} 页（共 {self.pages} 页）", code="unknown_page")
        if page is None and fmt == "pdf" and self.pages > 1:
            return _join_pdf(render_laid_out_many(self.sources, "pdf"))
        return render_laid_out(self.sources[(page or 1) - 1], fmt, dpi=dpi or PNG_DPI[self.paper])

    def render_pages(self, fmt: Format = "pdf", *, dpi: int | None = None) -> list[bytes]:
        """Every sheet as its own file."""
        return render_laid_out_many(self.sources, fmt, dpi=dpi or PNG_DPI[self.paper])


def _join_pdf(pages: Sequence[bytes]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for data in pages:
        writer.append(io.BytesIO(data))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


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
# Composition (see diagrams.compose)
# --------------------------------------------------------------------------------------------


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
    page_in = paper_size_in(paper)
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
    laid = compose(sheet, model, process, kind=kind, page_in=page_in, options=options, risks=risks)
    return Poster(
        kind=kind,
        title=chart_title(sheet, kind),
        paper=paper.upper(),
        arrangement=laid.arrangement,
        pages=len(laid.sources),
        scale=laid.scale,
        sources=laid.sources,
    )


def _check_risks(risks: Iterable[RiskPoint], model: BpmnModel, process_id: str, expanded: bool) -> None:
    known = {node.id for node in model.process(process_id).iter_nodes()}
    for point in risks:
        if point.node_id in known or (expanded and "/" in point.node_id):
            continue
        raise InvalidSheet(
            f"风险点“{point.description}”所在环节 {point.node_id!r} 不在流程 {process_id} 中",
            code="unknown_risk_node",
        )
