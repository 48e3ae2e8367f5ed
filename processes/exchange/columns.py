"""Sheet titles and column headers of the 行政权力总表, 分表, 实施依据, 廉政风险点 and 责任清单."""

from processes.models import Flow

MASTER = "行政权力总表"
BASES = "实施依据"
RISKS = "廉政风险点"
RESPONSIBILITIES = "责任清单"
DETAIL_SUFFIX = "分表"  # one sheet per category: "行政许可分表"

STATUS_ACTIVE, STATUS_REMOVED = "现行", "已移出"

# the published standard columns first, then the rest of what the catalog holds
MASTER_COLUMNS = [
    "序号", "权力编码", "权力名称", "权力类型", "实施依据", "实施主体", "承办机构", "分管领导", "法定时限",
    "承诺时限", "收费依据及标准", "办理流程", "监督电话", "备注",
    "流程类别", "乡镇职责", "权力来源", "法定时限说明", "承诺时限说明", "办件类型", "审核转报", "申请材料",
    "集体决策", "集体决策说明", "公示地点", "公示内容", "公示期限", "公示期限设置项", "未成年人不公示", "公开时限",
    "风险等级", "职责分离", "五不直接分管领域", "对应责任事项", "监督电话设置项", "状态", "移出清单时间",
]
# columns the system fills from other data; on import they must be blank or match what it would write
MASTER_DERIVED = {"实施依据", "监督电话"}

# powers.yaml key -> 总表 column
MASTER_FIELDS = {
    "code": "权力编码", "name": "权力名称", "category": "权力类型", "flow": "流程类别", "process_id": "办理流程",
    "legal_role": "乡镇职责", "authority_source": "权力来源", "implementing_subject": "实施主体",
    "handling_unit": "承办机构", "supervising_leader": "分管领导", "legal_limit": "法定时限",
    "legal_limit_note": "法定时限说明", "promised_limit": "承诺时限", "promised_limit_note": "承诺时限说明",
    "item_class": "办件类型", "ends_in_transfer": "审核转报", "fee_basis": "收费依据及标准",
    "supervision_phone": "监督电话设置项", "materials": "申请材料", "collective_decisions": "集体决策",
    "collective_note": "集体决策说明", "notice": "公示地点", "risk_level": "风险等级",
    "separation_of_duties": "职责分离", "five_areas": "五不直接分管领域", "responsibilities": "对应责任事项",
    "remarks": "备注",
}
NOTICE_FIELDS = {
    "where": "公示地点", "what": "公示内容", "minors_excluded": "未成年人不公示", "publish_within": "公开时限",
}

BASIS_COLUMNS = ["权力编码", "序号", "法律法规名称", "条款", "条款内容", "施行日期", "失效日期"]
BASIS_FIELDS = {"law": "法律法规名称", "article": "条款", "text": "条款内容", "effective_from": "施行日期",
                "effective_to": "失效日期"}

RISK_COLUMNS = ["权力编码", "序号", "环节", "风险点描述", "风险等级", "防控措施", "责任岗位", "监督岗位"]
RISK_FIELDS = {"node": "环节", "description": "风险点描述", "level": "风险等级", "measures": "防控措施",
               "responsible": "责任岗位", "supervisor": "监督岗位"}

RESPONSIBILITY_COLUMNS = [
    "序号", "项目编码", "项目名称", "权力类型", "对应权力", "实施依据", "主要职责", "与相关部门的职责边界",
    "事中事后监管措施", "公共服务事项", "责任主体/责任科室", "追责情形", "追责依据", "监督电话", "监督电话设置项",
]
RESPONSIBILITY_DERIVED = {"权力类型", "对应权力", "监督电话"}
RESPONSIBILITY_FIELDS = {
    "code": "项目编码", "name": "项目名称", "legal_basis": "实施依据", "main_duties": "主要职责",
    "boundaries": "与相关部门的职责边界", "supervision_measures": "事中事后监管措施",
    "public_services": "公共服务事项", "responsible_unit": "责任主体/责任科室", "accountability_cases": "追责情形",
    "accountability_basis": "追责依据", "supervision_phone": "监督电话设置项",
}

DETAIL_COMMON = ["序号", "权力编码", "权力名称"]
_APPLICATION = [("conditions", "申请条件"), ("result_document", "办理结果（证件名称）"), ("remedies", "救济途径")]
# 分表 extra columns by the category's flow family: (powers.yaml details key, header)
DETAIL_LAYOUT: dict[str, list[tuple[str, str]]] = {
    Flow.BENEFIT: _APPLICATION,
    Flow.PERMIT: _APPLICATION,
    Flow.CONFIRMATION: _APPLICATION,
    Flow.MEDIATION: _APPLICATION,
    Flow.PENALTY: [("violation", "违法行为"), ("penalty_kinds", "处罚种类"),
                   ("discretion_benchmarks", "自由裁量基准（情节 → 幅度）"), ("procedures", "适用程序"),
                   ("remedies", "救济途径")],
    Flow.COERCION: [("coercion_measures", "强制措施种类"), ("demand_notice", "催告"),
                    ("execution_method", "执行方式"), ("remedies", "救济途径")],
    Flow.ADJUDICATION: [("adjudication_scope", "受理范围"), ("conditions", "受理条件"), ("suit_period", "起诉期限"),
                        ("remedies", "救济途径")],
}


def detail_title(category_name: str) -> str:
    return f"{category_name}{DETAIL_SUFFIX}"


def detail_columns(flow: str) -> list[str]:
    return DETAIL_COMMON + [header for _field, header in DETAIL_LAYOUT[flow]]
