"""Sheet titles and column headers of the 行政权力总表, 分表, 实施依据, 廉政风险点 and 责任清单.

The Chinese names are the keys the code uses. They are marked for translation; files are written
with the names in the active language (`localize`) and read back through `canonicalize`.
"""

from collections.abc import Sequence

from django.utils.translation import gettext, gettext_noop

from processes.exchange.sheets import Row, Sheet
from processes.models import Flow

_ = gettext_noop  # marks names for translation; the value stays the Chinese key

MASTER = _("行政权力总表")
BASES = _("实施依据")
RISKS = _("廉政风险点")
RESPONSIBILITIES = _("责任清单")
DETAIL_SUFFIX = _("分表")  # one sheet per category, e.g. 行政许可分表

STATUS_ACTIVE, STATUS_REMOVED = _("现行"), _("已移出")

# the published standard columns first, then the rest of what the catalog holds
MASTER_COLUMNS = [
    _("序号"),
    _("权力编码"),
    _("权力名称"),
    _("权力类型"),
    _("实施依据"),
    _("实施主体"),
    _("承办机构"),
    _("分管领导"),
    _("法定时限"),
    _("承诺时限"),
    _("收费依据及标准"),
    _("办理流程"),
    _("监督电话"),
    _("备注"),
    _("流程类别"),
    _("乡镇职责"),
    _("权力来源"),
    _("法定时限说明"),
    _("承诺时限说明"),
    _("办件类型"),
    _("审核转报"),
    _("申请材料"),
    _("集体决策"),
    _("集体决策说明"),
    _("公示地点"),
    _("公示内容"),
    _("公示期限"),
    _("公示期限设置项"),
    _("未成年人不公示"),
    _("公开时限"),
    _("风险等级"),
    _("职责分离"),
    _("五不直接分管领域"),
    _("对应责任事项"),
    _("监督电话设置项"),
    _("状态"),
    _("移出清单时间"),
]
# internal keys (process ids, setting keys): hidden in the workbook and left out of print, but kept
# in the file so that importing it back reads them
INTERNAL_COLUMNS = (_("办理流程"), _("公示期限设置项"), _("监督电话设置项"))
PRINTED_MASTER_COLUMNS = 14  # the published 总表 columns, 序号 to 备注

# 总表 columns the system fills from other data (实施依据, 监督电话, and 公示期限 when it names a setting):
# on import they may be blank, unchanged, or equal to what the system would write.

# powers.yaml key -> 总表 column
MASTER_FIELDS = {
    "code": "权力编码",
    "name": "权力名称",
    "category": "权力类型",
    "flow": "流程类别",
    "process_id": "办理流程",
    "legal_role": "乡镇职责",
    "authority_source": "权力来源",
    "implementing_subject": "实施主体",
    "handling_unit": "承办机构",
    "supervising_leader": "分管领导",
    "legal_limit": "法定时限",
    "legal_limit_note": "法定时限说明",
    "promised_limit": "承诺时限",
    "promised_limit_note": "承诺时限说明",
    "item_class": "办件类型",
    "ends_in_transfer": "审核转报",
    "fee_basis": "收费依据及标准",
    "supervision_phone": "监督电话设置项",
    "materials": "申请材料",
    "collective_decisions": "集体决策",
    "collective_note": "集体决策说明",
    "notice": "公示地点",
    "risk_level": "风险等级",
    "separation_of_duties": "职责分离",
    "five_areas": "五不直接分管领域",
    "responsibilities": "对应责任事项",
    "remarks": "备注",
}
NOTICE_FIELDS = {
    "where": "公示地点",
    "what": "公示内容",
    "minors_excluded": "未成年人不公示",
    "publish_within": "公开时限",
}

BASIS_COLUMNS = [
    _("权力编码"),
    _("序号"),
    _("法律法规名称"),
    _("条款"),
    _("条款内容"),
    _("施行日期"),
    _("失效日期"),
]
BASIS_FIELDS = {
    "law": "法律法规名称",
    "article": "条款",
    "text": "条款内容",
    "effective_from": "施行日期",
    "effective_to": "失效日期",
}

RISK_COLUMNS = [
    _("权力编码"),
    _("序号"),
    _("环节"),
    _("风险点描述"),
    _("风险等级"),
    _("防控措施"),
    _("责任岗位"),
    _("监督岗位"),
]
RISK_FIELDS = {
    "node": "环节",
    "description": "风险点描述",
    "level": "风险等级",
    "measures": "防控措施",
    "responsible": "责任岗位",
    "supervisor": "监督岗位",
}

RESPONSIBILITY_COLUMNS = [
    _("序号"),
    _("项目编码"),
    _("项目名称"),
    _("权力类型"),
    _("对应权力"),
    _("实施依据"),
    _("主要职责"),
    _("与相关部门的职责边界"),
    _("事中事后监管措施"),
    _("公共服务事项"),
    _("责任主体/责任科室"),
    _("追责情形"),
    _("追责依据"),
    _("监督电话"),
    _("监督电话设置项"),
]
# 权力类型, 对应权力 and 监督电话 are filled by the system (see MASTER_COLUMNS)
RESPONSIBILITY_FIELDS = {
    "code": "项目编码",
    "name": "项目名称",
    "legal_basis": "实施依据",
    "main_duties": "主要职责",
    "boundaries": "与相关部门的职责边界",
    "supervision_measures": "事中事后监管措施",
    "public_services": "公共服务事项",
    "responsible_unit": "责任主体/责任科室",
    "accountability_cases": "追责情形",
    "accountability_basis": "追责依据",
    "supervision_phone": "监督电话设置项",
}

DETAIL_COMMON = [_("序号"), _("权力编码"), _("权力名称")]
_APPLICATION = [
    ("conditions", _("申请条件")),
    ("result_document", _("办理结果（证件名称）")),
    ("remedies", _("救济途径")),
]
# 分表 extra columns by the category's flow family: (powers.yaml details key, header)
DETAIL_LAYOUT: dict[str, list[tuple[str, str]]] = {
    Flow.BENEFIT: _APPLICATION,
    Flow.PERMIT: _APPLICATION,
    Flow.CONFIRMATION: _APPLICATION,
    Flow.MEDIATION: _APPLICATION,
    Flow.PENALTY: [
        ("violation", _("违法行为")),
        ("penalty_kinds", _("处罚种类")),
        ("discretion_benchmarks", _("自由裁量基准（情节 → 幅度）")),
        ("procedures", _("适用程序")),
        ("remedies", "救济途径"),
    ],
    Flow.COERCION: [
        ("coercion_measures", _("强制措施种类")),
        ("demand_notice", _("催告")),
        ("execution_method", _("执行方式")),
        ("remedies", "救济途径"),
    ],
    Flow.ADJUDICATION: [
        ("adjudication_scope", _("受理范围")),
        ("conditions", _("受理条件")),
        ("suit_period", _("起诉期限")),
        ("remedies", "救济途径"),
    ],
}


def detail_title(category_name: str) -> str:
    return f"{category_name}{DETAIL_SUFFIX}"


def detail_columns(flow: str) -> list[str]:
    return DETAIL_COMMON + [header for _field, header in DETAIL_LAYOUT[flow]]


def _all_columns() -> set[str]:
    columns = set(MASTER_COLUMNS) | set(BASIS_COLUMNS) | set(RISK_COLUMNS) | set(RESPONSIBILITY_COLUMNS)
    return (
        columns | set(DETAIL_COMMON) | {header for layout in DETAIL_LAYOUT.values() for _f, header in layout}
    )


_FIXED_TITLES = (MASTER, BASES, RISKS, RESPONSIBILITIES)


def _localize_title(title: str) -> str:
    if title not in _FIXED_TITLES and title.endswith(DETAIL_SUFFIX):
        return title.removesuffix(DETAIL_SUFFIX) + gettext(DETAIL_SUFFIX)
    return gettext(title)


def _canonical_title(title: str) -> str:
    fixed = {gettext(name): name for name in _FIXED_TITLES}
    suffix = gettext(DETAIL_SUFFIX)
    if title in fixed:
        return fixed[title]
    return title.removesuffix(suffix) + DETAIL_SUFFIX if title.endswith(suffix) else title


def localize(sheets: Sequence[Sheet]) -> list[Sheet]:
    """The sheets with titles and headers in the active language, as they are written to files."""
    return [
        _renamed(sheet, _localize_title(sheet.title), {c: gettext(c) for c in sheet.columns})
        for sheet in sheets
    ]


def canonicalize(sheets: Sequence[Sheet]) -> list[Sheet]:
    """Sheets read from files with their titles and headers mapped back to the names the code uses."""
    names = {gettext(column): column for column in _all_columns()}
    return [
        _renamed(sheet, _canonical_title(sheet.title), {c: names.get(c, c) for c in sheet.columns})
        for sheet in sheets
    ]


def _renamed(sheet: Sheet, title: str, names: dict[str, str]) -> Sheet:
    rows = [Row(row.number, {names[k]: v for k, v in row.cells.items()}) for row in sheet.rows]
    return Sheet(title, [names[c] for c in sheet.columns], rows)
