"""Build the 行政权力总表, 分表, 实施依据, 廉政风险点 and 责任清单 sheets from the database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from processes.exchange import columns as c
from processes.exchange.formats import (
    format_benchmarks,
    format_bool,
    format_choice,
    format_choices,
    format_date,
    format_datetime,
    format_lines,
    format_period,
)
from processes.exchange.sheets import Sheet, write_csv, write_xlsx
from processes.models import (
    AuthoritySource,
    Category,
    CollectiveDecision,
    FiveArea,
    Flow,
    ItemClass,
    PenaltyProcedure,
    Position,
    Power,
    ProcessNode,
    Responsibility,
    RiskLevel,
    SeparationRule,
    TownshipSetting,
)


def summarize_bases(bases: Iterable[Mapping[str, Any]]) -> str:
    """The 总表 实施依据 cell: one line per basis version.

    For example "土地管理法（2019修正） 第六十二条（2020-01-01起施行）".
    Dates may be `date` objects or YYYY-MM-DD text.
    """
    lines = []
    for basis in bases:
        start, end = (_iso(basis.get("effective_from")), _iso(basis.get("effective_to")))
        when = (
            f"（{start}至{end}）"
            if start and end
            else f"（{start}起施行）"
            if start
            else f"（{end}失效）"
            if end
            else ""
        )
        lines.append(f"{basis['law']} {basis['article']}{when}")
    return "\n".join(lines)


def _iso(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else (value or "")


def linked_powers(powers: Sequence[Mapping[str, Any]], code: str) -> list[Mapping[str, Any]]:
    """The powers linked to responsibility `code`, in list order.

    `powers` are dicts with code, sequence, category and responsibilities (codes).
    """
    linked = [p for p in powers if code in p["responsibilities"]]
    return sorted(linked, key=lambda p: (p["sequence"], p["code"]))


def responsibility_categories(linked: Iterable[Mapping[str, Any]], categories: Sequence[Category]) -> str:
    used = {p["category"] for p in linked}
    return "、".join(category.name for category in categories if category.code in used)


def build_sheets() -> list[Sheet]:
    """Every sheet of the exchange workbook: 总表, one 分表 per category, 实施依据, 廉政风险点, 责任清单.

    Retired powers are included (状态 = 已移出) so that importing the file back changes nothing.
    """
    categories = list(Category.objects.order_by("order", "code"))
    settings = dict(TownshipSetting.objects.values_list("key", "value"))
    positions = dict(Position.objects.values_list("code", "name"))
    powers = list(
        Power.objects.select_related("category")
        .prefetch_related("legal_bases", "risk_points", "responsibilities")
        .order_by("sequence", "code")
    )
    sheets = [_master_sheet(powers, settings)]
    sheets += [
        _detail_sheet(category, [p for p in powers if p.category_id == category.code])
        for category in categories
    ]
    sheets.append(_bases_sheet(powers))
    sheets.append(_risks_sheet(powers, positions))
    sheets.append(_responsibilities_sheet(powers, categories, settings))
    return sheets


def _master_sheet(powers: Sequence[Power], settings: Mapping[str, Any]) -> Sheet:
    sheet = Sheet(c.MASTER, list(c.MASTER_COLUMNS))
    for power in powers:
        notice = power.notice or {}
        period = notice.get("period")
        period_setting = period.get("setting", "") if period else ""
        shown_period = settings.get(period_setting) if period_setting else period
        legal = (
            {"value": power.legal_limit_value, "unit": power.legal_limit_unit}
            if power.legal_limit_unit
            else None
        )
        sheet.add(
            {
                "序号": power.sequence,
                "权力编码": power.code,
                "权力名称": power.name,
                "权力类型": power.category.name,
                "实施依据": summarize_bases(
                    {
                        "law": b.law,
                        "article": b.article,
                        "effective_from": b.effective_from,
                        "effective_to": b.effective_to,
                    }
                    for b in power.legal_bases.all()
                ),
                "实施主体": power.implementing_subject,
                "承办机构": power.handling_unit,
                "分管领导": power.supervising_leader,
                "法定时限": format_period(legal),
                "承诺时限": format_period(
                    {"value": power.promised_limit_value, "unit": power.promised_limit_unit}
                ),
                "收费依据及标准": power.fee_basis,
                "办理流程": power.process_id,
                "监督电话": str(settings.get(power.supervision_phone_setting_id, "")),
                "备注": power.remarks,
                "流程类别": format_choice(power.flow, Flow),
                "乡镇职责": power.legal_role,
                "权力来源": format_choice(power.authority_source, AuthoritySource),
                "法定时限说明": power.legal_limit_note,
                "承诺时限说明": power.promised_limit_note,
                "办件类型": format_choice(power.item_class, ItemClass),
                "审核转报": format_bool(power.ends_in_transfer),
                "申请材料": format_lines(power.materials),
                "集体决策": format_choices(power.collective_decisions, CollectiveDecision),
                "集体决策说明": power.collective_note,
                "公示地点": notice.get("where", ""),
                "公示内容": notice.get("what", ""),
                "公示期限": format_period(shown_period),
                "公示期限设置项": period_setting,
                "未成年人不公示": format_bool(notice["minors_excluded"]) if notice else "",
                "公开时限": format_period(notice.get("publish_within")),
                "风险等级": format_choice(power.risk_level, RiskLevel),
                "职责分离": format_choices(power.separation_of_duties, SeparationRule),
                "五不直接分管领域": format_choices(power.five_areas, FiveArea),
                "对应责任事项": "、".join(
                    r.code for r in sorted(power.responsibilities.all(), key=lambda r: r.code)
                ),
                "监督电话设置项": power.supervision_phone_setting_id,
                "状态": c.STATUS_ACTIVE if power.is_active else c.STATUS_REMOVED,
                "移出清单时间": format_datetime(power.removed_at),
            }
        )
    return sheet


def _detail_value(power: Power, field: str) -> str:
    value = getattr(power, field)
    if field == "discretion_benchmarks":
        return format_benchmarks(value)
    if field == "procedures":
        return format_choices(value, PenaltyProcedure)
    if field == "suit_period":
        return format_period(value)
    return format_lines(value) if isinstance(value, list) else value


def _detail_sheet(category: Category, powers: Sequence[Power]) -> Sheet:
    layout = c.DETAIL_LAYOUT[category.flow]
    sheet = Sheet(c.detail_title(category.name), c.detail_columns(category.flow))
    for power in powers:
        cells: dict[str, str | int] = {"序号": power.sequence, "权力编码": power.code, "权力名称": power.name}
        cells.update({header: _detail_value(power, field) for field, header in layout})
        sheet.add(cells)
    return sheet


def _bases_sheet(powers: Sequence[Power]) -> Sheet:
    sheet = Sheet(c.BASES, list(c.BASIS_COLUMNS))
    for power in powers:
        for basis in power.legal_bases.all():
            sheet.add(
                {
                    "权力编码": power.code,
                    "序号": basis.position,
                    "法律法规名称": basis.law,
                    "条款": basis.article,
                    "条款内容": basis.text,
                    "施行日期": format_date(basis.effective_from),
                    "失效日期": format_date(basis.effective_to),
                }
            )
    return sheet


def _risks_sheet(powers: Sequence[Power], positions: Mapping[str, str]) -> Sheet:
    sheet = Sheet(c.RISKS, list(c.RISK_COLUMNS))
    for power in powers:
        for risk in power.risk_points.all():
            sheet.add(
                {
                    "权力编码": power.code,
                    "序号": risk.position,
                    "环节": format_choice(risk.node, ProcessNode),
                    "风险点描述": risk.description,
                    "风险等级": format_choice(risk.level, RiskLevel),
                    "防控措施": format_lines(risk.measures),
                    "责任岗位": positions[risk.responsible_id],
                    "监督岗位": positions[risk.supervisor_id],
                }
            )
    return sheet


def _responsibilities_sheet(
    powers: Sequence[Power], categories: Sequence[Category], settings: Mapping[str, Any]
) -> Sheet:
    sheet = Sheet(c.RESPONSIBILITIES, list(c.RESPONSIBILITY_COLUMNS))
    links = [
        {
            "code": p.code,
            "sequence": p.sequence,
            "category": p.category_id,
            "responsibilities": {r.code for r in p.responsibilities.all()},
        }
        for p in powers
    ]
    for item in Responsibility.objects.order_by("sequence", "code"):
        linked = linked_powers(links, item.code)
        sheet.add(
            {
                "序号": item.sequence,
                "项目编码": item.code,
                "项目名称": item.name,
                "权力类型": responsibility_categories(linked, categories),
                "对应权力": "、".join(p["code"] for p in linked),
                "实施依据": format_lines(item.legal_basis),
                "主要职责": format_lines(item.main_duties),
                "与相关部门的职责边界": format_lines(item.boundaries),
                "事中事后监管措施": format_lines(item.supervision_measures),
                "公共服务事项": format_lines(item.public_services),
                "责任主体/责任科室": item.responsible_unit,
                "追责情形": format_lines(item.accountability_cases),
                "追责依据": format_lines(item.accountability_basis),
                "监督电话": str(settings.get(item.supervision_phone_setting_id, "")),
                "监督电话设置项": item.supervision_phone_setting_id,
            }
        )
    return sheet


def export_xlsx(path: Path) -> Path:
    """Write the whole catalog as one workbook with several sheets, set up to print (see `write_xlsx`)."""
    township = TownshipSetting.objects.filter(key="township_name").values_list("value", flat=True).first()
    return write_xlsx(
        c.localize(build_sheets()),
        Path(path),
        heading=str(township or ""),
        date=timezone.localdate(),
        internal={gettext(name) for name in c.INTERNAL_COLUMNS},
        print_columns={gettext(c.MASTER): c.PRINTED_MASTER_COLUMNS},
    )


def export_csv(directory: Path) -> list[Path]:
    """Write the whole catalog as one UTF-8 (BOM) CSV file per sheet into `directory`."""
    return write_csv(c.localize(build_sheets()), Path(directory))
