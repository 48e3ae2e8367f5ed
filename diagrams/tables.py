"""The tables of the wall charts, as graphviz HTML-like labels.

Header (title, 权力编码, 类型, 主体, 承办机构, 分管领导, 收费, 时限, 实施依据), footer (申请材料, 电话,
救济途径, 图例, QR code, 发布日期, 版本), the risk legend and the step list. Graphviz never wraps
text, so every cell is wrapped here to the width it is given (see :mod:`diagrams.text`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final, Literal

from diagrams.model import BpmnModel
from diagrams.qr import module_size, qr_box, qr_table
from diagrams.shapes import RISK_FILL, RISK_LINE, risk_callout_id
from diagrams.sheet import RISK_LEVELS, PowerSheet, RiskPoint
from diagrams.steps import Step
from diagrams.text import circled, html, html_lines, text_width, wrap

ChartKind = Literal["flow", "risk"]
HEADER_SIZE: Final = 15.0
FOOTER_SIZE: Final = 13.0
TITLE_SIZE: Final = 32.0
LABEL_FILL: Final = "#E3ECF5"
LINE: Final = "#37474F"
TITLE_COLOUR: Final = {"flow": "#0D3B66", "risk": "#8E0000"}
KIND_SUFFIX: Final = {"flow": "运行流程图", "risk": "廉政风险防控图"}
SHAPE_LEGEND: Final = (
    "○ 开始／结束",
    "□ 办理环节（责任岗位 · 时限）",
    "◇ 判断",
    "〔默认〕 默认分支",
    "★ 廉政风险点",
)


def chart_title(sheet: PowerSheet, kind: ChartKind = "flow") -> str:
    """``"XX乡〈权力名称〉运行流程图"`` or ``"XX乡〈权力名称〉廉政风险防控图"``."""
    return f"{sheet.township}〈{sheet.name}〉{KIND_SUFFIX[kind]}"


def _em(width_pt: float, size: float) -> float:
    """How many em of text fit in a cell ``width_pt`` wide (cell padding removed)."""
    return max((width_pt - 16.0) / size, 2.0)


def _label_cell(text: str, width: float, size: float, *, rowspan: int = 1) -> str:
    span = f' ROWSPAN="{rowspan}"' if rowspan > 1 else ""
    return (
        f'<TD BGCOLOR="{LABEL_FILL}" WIDTH="{width:.0f}"{span}>'
        f'<FONT POINT-SIZE="{size:g}"><B>{html_lines(wrap(text, _em(width, size)))}</B></FONT></TD>'
    )


def _value_cell(text: str, width: float, size: float, *, colspan: int = 1, left: bool = False) -> str:
    span = f' COLSPAN="{colspan}"' if colspan > 1 else ""
    if left:
        lines = html_lines(wrap(text, _em(width, size)), align="LEFT")
        return (
            f'<TD ALIGN="LEFT" BALIGN="LEFT" WIDTH="{width:.0f}"{span}><FONT POINT-SIZE="{size:g}">{lines}</FONT></TD>'
        )
    return (
        f'<TD WIDTH="{width:.0f}"{span}><FONT POINT-SIZE="{size:g}">'
        f"{html_lines(wrap(text or '—', _em(width, size)))}</FONT></TD>"
    )


def _numbered(items: Sequence[str], width: float, size: float) -> str:
    """A left-aligned numbered list whose wrapped lines are indented under the text."""
    lines: list[str] = []
    for number, item in enumerate(items, start=1):
        prefix = f"{number}. " if len(items) > 1 else ""
        wrapped = wrap(item, _em(width, size) - len(prefix) * 0.6)
        lines.append(prefix + wrapped[0])
        lines.extend("　" + line for line in wrapped[1:])
    return html_lines(lines or ["—"], align="LEFT")


def header_table(sheet: PowerSheet, kind: ChartKind, width: float) -> str:
    """The title and the header table (权力编码, 类型, 主体, 承办机构, 领导, 收费, 时限, 依据)."""
    size = HEADER_SIZE
    label_w = 150.0
    value_w = (width - 2 * label_w) / 2
    title_size, title_lines = _title_lines(chart_title(sheet, kind), width - 40)
    title = html_lines(title_lines)

    def pair_row(label_a: str, value_a: str, label_b: str, value_b: str) -> str:
        return (
            "<TR>"
            + _label_cell(label_a, label_w, size)
            + _value_cell(value_a, value_w, size)
            + _label_cell(label_b, label_w, size)
            + _value_cell(value_b, value_w, size)
            + "</TR>"
        )

    rows = [
        f'<TR><TD COLSPAN="4" BORDER="0" CELLPADDING="10"><FONT POINT-SIZE="{title_size:g}" '
        f'COLOR="{TITLE_COLOUR[kind]}"><B>{title}</B></FONT></TD></TR>',
        pair_row("权力编码", sheet.code, "权力类型", sheet.category),
        pair_row("实施主体", sheet.implementing_subject, "承办机构", sheet.handling_unit),
        pair_row("责任人/分管领导", sheet.supervising_leader, "收费标准", sheet.fee),
        pair_row("法定时限", sheet.legal_limit, "承诺时限", sheet.promised_limit),
        "<TR>"
        + _label_cell("实施依据", label_w, size)
        + f'<TD COLSPAN="3" ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{size:g}">'
        + _numbered(sheet.legal_bases, width - label_w, size)
        + "</FONT></TD></TR>",
    ]
    return (
        f'<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="0" CELLPADDING="6" '
        f'COLOR="{LINE}" WIDTH="{width:.0f}">' + "".join(rows) + "</TABLE>"
    )


def _title_lines(title: str, width_pt: float) -> tuple[float, list[str]]:
    """Font size and lines of the title: one line if it fits at 24 pt or more, else two
    balanced lines (bold glyphs are counted 5 % wider)."""
    em = text_width(title) * 1.05
    if em * 24 <= width_pt:
        return min(TITLE_SIZE, width_pt / em), [title]
    size = min(TITLE_SIZE, width_pt / (em / 2 + 2))
    return size, wrap(title, em / 2 / 1.05 + 1)


def info_table(sheet: PowerSheet, width: float, *, qr_placeholder: bool = False, folded: bool = False) -> str:
    """The footer: materials, phones, remedies, shape legend, QR code, issue date and version.

    With ``qr_placeholder`` an empty box of the QR code's exact size stands in for it (measuring
    a table does not need the few hundred cells of the code).
    """
    size = FOOTER_SIZE
    qr_w = 176.0 if sheet.public_url else 0.0
    label_w = 110.0
    value_w = width - label_w - qr_w
    legend = (*SHAPE_LEGEND, "Ⓐ 转第n页／接第n页（同字母处相连）") if folded else SHAPE_LEGEND
    info_rows = [
        ("申请材料", _numbered(sheet.materials, value_w, size), True),
        ("监督电话", html("☎ " + sheet.supervision_phone) if sheet.supervision_phone else "—", False),
        ("投诉举报", html("☎ " + sheet.complaint_phone) if sheet.complaint_phone else "—", False),
        ("救济途径", html_lines(wrap(sheet.remedy, _em(value_w, size)), align="LEFT"), True),
        ("图　　例", html_lines(join_items(legend, _em(value_w, size)), align="LEFT"), True),
    ]
    rows: list[str] = []
    for index, (label, content, left) in enumerate(info_rows):
        align = ' ALIGN="LEFT" BALIGN="LEFT"' if left else ' ALIGN="LEFT"'
        row = _label_cell(label, label_w, size) + (
            f'<TD WIDTH="{value_w:.0f}"{align}><FONT POINT-SIZE="{size:g}">{content}</FONT></TD>'
        )
        if index == 0 and qr_w:
            module = module_size(sheet.public_url, qr_w - 8)
            code = (
                qr_box(sheet.public_url, module=module) if qr_placeholder else qr_table(sheet.public_url, module=module)
            )
            row += (
                f'<TD ROWSPAN="{len(info_rows) + 1}" WIDTH="{qr_w:.0f}" BGCOLOR="white">'
                f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="0">'
                f"<TR><TD>{code}</TD></TR>"
                f'<TR><TD><FONT POINT-SIZE="{size - 1:g}"><B>扫码查看办事指南</B></FONT></TD></TR>'
                f'<TR><TD><FONT POINT-SIZE="{size - 1:g}" COLOR="#546E7A">'
                f"{html_lines(wrap(sheet.public_url, _em(qr_w, size - 1)))}</FONT></TD></TR>"
                "</TABLE></TD>"
            )
        rows.append(f"<TR>{row}</TR>")
    stamp = [
        part
        for part in (
            f"发布日期：{sheet.issue_date_text}" if sheet.issue_date_text else "",
            f"版本：{sheet.version}" if sheet.version else "",
            f"发布单位：{sheet.implementing_subject}" if sheet.implementing_subject else "",
        )
        if part
    ]
    stamp_lines = html_lines(join_items(stamp, _em(label_w + value_w, size)) if stamp else [" "])
    rows.append(f'<TR><TD COLSPAN="2" ALIGN="RIGHT"><FONT POINT-SIZE="{size:g}">{stamp_lines}</FONT></TD></TR>')
    return (
        f'<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="0" CELLPADDING="6" '
        f'COLOR="{LINE}" WIDTH="{width:.0f}">' + "".join(rows) + "</TABLE>"
    )


def risk_legend_table(risks: Sequence[RiskPoint], width: float, model: BpmnModel) -> str:
    """The legend table of the risk map: one row per risk point, in the given order."""
    size = FOOTER_SIZE
    step_w, level_w, people_w = 128.0, 46.0, 120.0
    free = width - step_w - level_w - people_w
    risk_w, measure_w = free * 0.45, free * 0.55
    header_cells = [
        ("办理环节", step_w),
        ("风险点", risk_w),
        ("等级", level_w),
        ("防控措施", measure_w),
        ("责任人／监督人", people_w),
    ]
    key = "　".join(f'<FONT COLOR="{RISK_LINE[level]}">■</FONT> {level}风险' for level in RISK_LEVELS)
    rows = [
        f'<TR><TD COLSPAN="5" BGCOLOR="#FBE9E7"><FONT POINT-SIZE="{size + 3:g}"><B>廉政风险点及防控措施</B>'
        f'</FONT>　　<FONT POINT-SIZE="{size:g}">{key}</FONT></TD></TR>',
        "<TR>" + "".join(_label_cell(text, w, size) for text, w in header_cells) + "</TR>",
    ]
    for number, point in enumerate(risks, start=1):
        colour = RISK_LINE[point.level]
        mark = f"★{circled(number)}"
        step = html_lines(wrap(_step_name(model, point.node_id), _em(step_w, size) - text_width(mark + " ")))
        people = html_lines(
            [
                line
                for text in (
                    f"责任：{point.responsible}" if point.responsible else "",
                    f"监督：{point.supervisor}" if point.supervisor else "",
                )
                if text
                for line in wrap(text, _em(people_w, size))
            ]
        )
        rows.append(
            "<TR>"
            f'<TD ID="risk_row_{number}" HREF="#{risk_callout_id(number, point.node_id)}" '
            f'TOOLTIP="{html(point.description)}" WIDTH="{step_w:.0f}">'
            f'<FONT POINT-SIZE="{size:g}">'
            f'<FONT COLOR="{colour}"><B>{mark}</B></FONT> {step}</FONT></TD>'
            + _value_cell(point.description, risk_w, size, left=True)
            + f'<TD WIDTH="{level_w:.0f}" BGCOLOR="{RISK_FILL[point.level]}">'
            f'<FONT POINT-SIZE="{size + 1:g}" COLOR="{colour}"><B>{html(point.level)}</B></FONT></TD>'
            + f'<TD WIDTH="{measure_w:.0f}" ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{size:g}">'
            + _numbered(list(point.measures) or ["—"], measure_w, size)
            + "</FONT></TD>"
            + f'<TD WIDTH="{people_w:.0f}"><FONT POINT-SIZE="{size:g}">{people or "—"}</FONT></TD>'
            + "</TR>"
        )
    return (
        f'<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="0" CELLPADDING="5" '
        f'COLOR="{LINE}" WIDTH="{width:.0f}">' + "".join(rows) + "</TABLE>"
    )


def join_items(items: Sequence[str], width_em: float) -> list[str]:
    """Lay short items out in lines of at most ``width_em``, never splitting an item."""
    lines: list[str] = []
    current = ""
    for item in items:
        candidate = f"{current}　　{item}" if current else item
        if current and text_width(candidate) > width_em:
            lines.append(current)
            current = item
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def steps_table(
    steps: Sequence[Step], numbers: Mapping[str, tuple[int, ...]], levels: Mapping[str, str], width: float
) -> str:
    """办理环节说明: one row per step with its post, time limit and documents."""
    size = FOOTER_SIZE
    no_w, post_w, limit_w = 40.0, 104.0, 92.0
    free = width - no_w - post_w - limit_w
    step_w, doc_w = free * 0.5, free * 0.5
    rows = [
        f'<TR><TD COLSPAN="5" BGCOLOR="{LABEL_FILL}"><FONT POINT-SIZE="{size + 3:g}"><B>办理环节说明</B>'
        "</FONT></TD></TR>",
        "<TR>"
        + "".join(
            _label_cell(text, w, size)
            for text, w in (
                ("序号", no_w),
                ("办理环节", step_w),
                ("责任岗位", post_w),
                ("时限", limit_w),
                ("主要文书", doc_w),
            )
        )
        + "</TR>",
    ]
    for index, step in enumerate(steps, start=1):
        marks = numbers.get(step.node_id, ())
        star, mark = "", ""
        if marks:
            mark = "★" + "".join(circled(n) for n in marks)
            star = f'<FONT COLOR="{RISK_LINE[levels[step.node_id]]}"><B>{mark}</B></FONT> '
        name = html_lines(wrap(step.name, _em(step_w, size) - (text_width(mark + " ") if mark else 0)))
        rows.append(
            "<TR>"
            + _value_cell(str(index), no_w, size)
            + f'<TD WIDTH="{step_w:.0f}" ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{size:g}">{star}{name}'
            "</FONT></TD>"
            + _value_cell(step.position or step.lane, post_w, size)
            + _value_cell(step.time_limit, limit_w, size)
            + _value_cell(step.documents, doc_w, size, left=bool(step.documents))
            + "</TR>"
        )
    return (
        f'<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="0" CELLPADDING="5" '
        f'COLOR="{LINE}" WIDTH="{width:.0f}">' + "".join(rows) + "</TABLE>"
    )


def _step_name(model: BpmnModel, node_id: str) -> str:
    local = node_id.rsplit("/", 1)[-1]
    try:
        node = model.node(local)
    except KeyError:
        return local
    return node.name or node.id


def continuation_strip(sheet: PowerSheet, kind: ChartKind, width: float, page: int, pages: int) -> str:
    """The top of a continuation sheet: the chart's title with 续 and the sheet number."""
    title = f"{chart_title(sheet, kind)}（续）"
    size, lines = _title_lines(title, width - 240)
    size = min(size, 24.0)
    return (
        f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="6" WIDTH="{width:.0f}"><TR>'
        f'<TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{size:g}" COLOR="{TITLE_COLOUR[kind]}"><B>'
        f"{html_lines(lines, align='LEFT')}</B></FONT></TD>"
        f'<TD ALIGN="RIGHT"><FONT POINT-SIZE="{HEADER_SIZE:g}">{html(sheet.code)}　第 {page} 页／共 {pages} 页'
        "</FONT></TD></TR></TABLE>"
    )


def page_number(page: int, pages: int) -> str:
    """``第 k 页／共 n 页`` at the foot of a sheet."""
    return (
        f'<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="2"><TR><TD><FONT POINT-SIZE="{FOOTER_SIZE:g}">'
        f"第 {page} 页／共 {pages} 页</FONT></TD></TR></TABLE>"
    )
