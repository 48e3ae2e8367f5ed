"""The task forms: JSON Schema draft 2020-12, one per form name, Chinese titles everywhere.

Choices are enums (with their Chinese labels in ``x-enum-titles``); fields that are required only
in some cases (a reason for anything but agreement, ...) use if/then.
"""

from __future__ import annotations

from typing import Any

SCHEMA = "https://json-schema.org/draft/2020-12/schema"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$"


# ------------------------------------------------------------------ property helpers
def s(title: str, *, min_length: int = 1, max_length: int = 2000, pattern: str | None = None) -> dict:
    d: dict[str, Any] = {"type": "string", "title": title, "minLength": min_length, "maxLength": max_length}
    if pattern:
        d["pattern"] = pattern
    return d


def opt_text(title: str) -> dict:
    return {"type": "string", "title": title, "maxLength": 2000}


def b(title: str) -> dict:
    return {"type": "boolean", "title": title}


def yes(title: str) -> dict:
    """A confirmation that must be given (true)."""
    return {"type": "boolean", "const": True, "title": title}


def enum(title: str, values: list[str], labels: list[str] | None = None) -> dict:
    d: dict[str, Any] = {"enum": values, "title": title}
    if labels:
        d["x-enum-titles"] = labels
    return d


def date(title: str) -> dict:
    return {"type": "string", "format": "date", "pattern": DATE_PATTERN, "title": title}


def dt(title: str) -> dict:
    return {"type": "string", "format": "date-time", "pattern": DATETIME_PATTERN, "title": title}


def integer(title: str, minimum: int = 0) -> dict:
    return {"type": "integer", "minimum": minimum, "title": title}


def number(title: str, minimum: float = 0) -> dict:
    return {"type": "number", "minimum": minimum, "title": title}


def strings(title: str, item_title: str, min_items: int = 0, unique: bool = True) -> dict:
    d: dict[str, Any] = {"type": "array", "title": title, "items": s(item_title, max_length=200)}
    if min_items:
        d["minItems"] = min_items
    if unique:
        d["uniqueItems"] = True
    return d


def objects(title: str, props: dict[str, dict], min_items: int = 0) -> dict:
    d: dict[str, Any] = {
        "type": "array", "title": title,
        "items": {"type": "object", "title": title, "additionalProperties": False, "required": list(props),
                  "properties": props},
    }  # fmt: skip
    if min_items:
        d["minItems"] = min_items
    return d


def member_reasons(title: str) -> dict:
    return objects(title, {"member": s("人员", max_length=150), "reason": s("原因")})


def computed_props(props: dict[str, dict]) -> dict[str, dict]:
    """Fields the rules compute (engine/computed.py): shown read-only, never asked for."""
    return {name: {**schema, "readOnly": True} for name, schema in props.items()}


FRACTION = {"type": "object", "title": "比例（乡镇设置）", "additionalProperties": False,
            "required": ["numerator", "denominator", "comparison"],
            "properties": {"numerator": {"type": "integer", "minimum": 1, "title": "分子"},
                           "denominator": {"type": "integer", "minimum": 1, "title": "分母"},
                           "comparison": {"enum": ["gt", "gte"], "title": "比较", "x-enum-titles": ["超过", "达到或超过"]}}}
PERIOD = {"type": "object", "title": "期限（乡镇设置）", "additionalProperties": False,
          "required": ["value", "unit", "setting"],
          "properties": {"value": {"type": "integer", "minimum": 1, "title": "天数"},
                         "unit": {"enum": ["calendar_day", "working_day"], "title": "单位", "x-enum-titles": ["日", "工作日"]},
                         "setting": {"type": "string", "title": "设置项"}}}  # fmt: skip


def when(field: str, value: Any, required: list[str], *, negate: bool = False, values: list | None = None) -> dict:
    """if `field` equals `value` (or is one of `values`; or not, with negate) then `required` are required, non-empty."""
    cond: dict[str, Any] = {"const": value} if values is None else {"enum": values}
    if negate:
        cond = {"not": cond}
    then_props = {name: {"minLength": 1, "minItems": 1} for name in required}
    return {"if": {"properties": {field: cond}, "required": [field]},
            "then": {"required": required, "properties": then_props}}  # fmt: skip


def form(name: str, title: str, props: dict[str, dict], required: list[str] | None = None,
         rules: list[dict] | None = None) -> dict:  # fmt: skip
    schema: dict[str, Any] = {
        "$schema": SCHEMA,
        "$id": f"urn:township-forms:{name}",
        "title": title,
        "type": "object",
        "additionalProperties": False,
        "required": list(props) if required is None else required,
        "properties": props,
    }
    if rules:
        if len(rules) == 1:
            schema.update(rules[0])
        else:
            schema["allOf"] = rules
    return schema


STANCES = (["agree", "disagree", "defer", "abstain"], ["同意", "不同意", "缓议", "弃权"])
SERVICE_METHODS = ["直接送达", "留置送达", "邮寄送达", "电子送达", "委托送达", "公告送达"]
RETENTION = ["永久", "定期30年", "定期10年"]
REJECTION_KINDS = ["不予受理", "不予许可", "不予批准", "不予给付", "不予确认", "不予立案", "不予处罚", "不予强制执行",
                   "终结", "不予追认", "驳回申请", "不予立项"]  # fmt: skip


def _forms() -> list[dict]:
    f: list[dict] = []
    add = f.append

    # ---------------------------------------------------------------- acceptance
    add(form("acceptance_register", "登记申请（首问负责）", {
        "applicant": s("申请人", max_length=100),
        "applicant_contact": s("联系方式", max_length=100),
        "application_channel": enum("申请渠道", ["窗口", "代办员代办", "网上", "电话", "信函"]),
        "agent": opt_text("代办员"),
        "matter": s("申请事项", max_length=500),
        "materials_received": strings("收到材料", "材料名称"),
        **computed_props({
            "first_responder": s("首问负责人（登记人，系统记录）", max_length=150),
            "received_at": date("收件日期（系统记录）"),
            "correction_notice_deadline": dt("一次性告知期限（收件后5个工作日，系统计算）"),
        }),
    }, required=["applicant", "applicant_contact", "application_channel", "matter", "materials_received"],
        rules=[when("application_channel", "代办员代办", ["agent"])]))  # fmt: skip
    add(form("acceptance_check", "材料审查", {
        "materials_complete": b("材料齐全"),
        "conditions_met": b("符合受理条件"),
        "check_opinion": s("审查意见"),
    }))
    add(form("acceptance_correction_notice", "一次性告知补正", {
        "missing_items": strings("需补正材料（一次性全部列明）", "材料名称", min_items=1),
        "notice_document_no": s("一次性告知书编号", max_length=100),
        "notice_method": enum("告知方式", ["当面送达", "邮寄", "电子送达"]),
        **computed_props({"notice_date": date("告知日期（系统记录，须在收件后5个工作日内）")}),
    }, required=["missing_items", "notice_document_no", "notice_method"]))
    add(form("acceptance_resubmission", "接收补正材料", {
        "resubmitted_items": strings("补正材料", "材料名称", min_items=1),
        **computed_props({
            "resubmitted_at": date("补正日期（系统记录）"),
            "correction_notice_deadline": dt("再次告知的期限（收到补正材料后5个工作日，系统计算）"),
        }),
    }, required=["resubmitted_items"]))
    add(form("acceptance_refusal", "不予受理（书面说明理由）", {
        "refusal_reasons": s("不予受理理由"),
        "refusal_document_no": s("不予受理通知书编号", max_length=100),
        "refusal_served_at": date("送达日期"),
        "refusal_remedy": s("救济途径及应向何机关申请的告知"),
    }))
    add(form("acceptance_receipt", "受理回执", {
        "receipt_number": s("回执编号", max_length=100),
        "promised_date": date("承诺办结日期"),
        "first_responder_phone": s("首问负责人电话", max_length=50),
        "complaint_phone": s("投诉电话", max_length=50),
    }))

    # ---------------------------------------------------------------- review
    add(form("review_handler", "经办人初审", {
        "handler_action": enum("处理", ["forward", "request_supplement"], ["提交审核", "要求补充材料"]),
        "handler_opinion": s("初审意见"),
        "handler_recommendation": enum("拟办结论", ["approve", "reject"], ["拟同意", "拟不同意"]),
        "handler_reason": opt_text("理由"),
        "supplement_items": strings("需补充的材料", "材料名称"),
    }, required=["handler_action", "handler_opinion", "handler_recommendation"], rules=[
        when("handler_recommendation", "reject", ["handler_reason"]),
        when("handler_action", "request_supplement", ["handler_reason", "supplement_items"]),
    ]))  # fmt: skip
    add(form("review_supplement", "接收补充材料", {
        "supplement_received": strings("补充材料", "材料名称", min_items=1),
        "supplement_received_at": date("接收日期"),
    }))
    add(form("review_station_head", "站所负责人审核", {
        "station_head_action": enum("处理", ["forward", "return_to_handler"], ["报分管领导", "退回经办人"]),
        "station_head_opinion": s("审核意见"),
        "station_head_recommendation": enum("审核结论", ["approve", "reject"], ["同意", "不同意"]),
        "station_head_reason": opt_text("退回或不同意的理由"),
    }, required=["station_head_action", "station_head_opinion", "station_head_recommendation"], rules=[
        when("station_head_action", "return_to_handler", ["station_head_reason"]),
        when("station_head_recommendation", "reject", ["station_head_reason"]),
    ]))  # fmt: skip
    add(form("review_deputy", "分管领导审核", {
        "deputy_action": enum("处理", ["conclude", "return_to_station_head", "return_to_handler"],
                              ["签署意见", "退回站所负责人", "退回经办人"]),
        "deputy_opinion": s("审核意见"),
        "deputy_conclusion": enum("审核结论", ["approve", "reject"], ["同意", "不同意"]),
        "deputy_reason": opt_text("退回或不同意的理由"),
    }, required=["deputy_action", "deputy_opinion", "deputy_conclusion"], rules=[
        when("deputy_action", "conclude", ["deputy_reason"], negate=True),
        when("deputy_conclusion", "reject", ["deputy_reason"]),
    ]))  # fmt: skip

    # ---------------------------------------------------------------- collective decision
    add(form("meeting_attendance", "会议签到（应到、实到、缺席、列席、回避）", {
        "meeting_kind": enum("会议类型", ["党委会", "党政联席会议", "乡长办公会", "负责人集体讨论"]),
        "matter_type": enum("议题类型（决定法定人数和表决比例）", ["ordinary", "major", "appointment"],
                            ["一般事项", "“三重一大”事项", "干部任免"]),
        "meeting_time": dt("会议时间"),
        "place": s("会议地点", max_length=200),
        "recorder": s("记录人", max_length=150),
        "topic": s("议题", max_length=500),
        "attendees": strings("到会人员（用户名，须为应到会人员）", "人员", min_items=1),
        "absentees": member_reasons("缺席人员及原因"),
        "nonvoting_attendees": strings("列席人员", "人员"),
        "recused": member_reasons("回避人员及原因"),
        "designated_presider": opt_text("主要负责人缺席时，其指定主持会议的分管领导（用户名）"),
        "presider_designation": opt_text("指定主持的记录（如：书记委托，委托书编号）"),
        **computed_props({
            "expected_members": strings("应到会人员（本乡班子成员任职，系统生成）", "人员"),
            "host": s("主持人（系统确定）", max_length=150),
            "presider_designated_by": opt_text("指定主持人的主要负责人（系统记录）"),
            "major_matter": b("重大事项或干部任免（系统按议题类型确定）"),
            "quorum_fraction": FRACTION, "quorum_fraction_major": FRACTION, "pass_fraction": FRACTION,
        }),
    }, required=["meeting_kind", "matter_type", "meeting_time", "place", "recorder", "topic", "attendees",
                 "absentees", "nonvoting_attendees", "recused"]))
    add(form("meeting_reschedule", "未达到法定人数，改期召开", {
        "reschedule_reason": s("改期原因"),
        "next_meeting_time": dt("改期后的会议时间"),
    }))
    add(form("member_stance", "班子成员表态", {
        "stance": enum("表态", *STANCES),
        "reason": opt_text("理由（不同意、缓议、弃权时必填）"),
    }, required=["stance"], rules=[when("stance", "agree", ["reason"], negate=True)]))
    add(form("chief_stance", "主要负责人末位表态", {
        "chief_stance": enum("表态", *STANCES),
        "chief_reason": {"type": "string", "maxLength": 2000,
                         "title": "理由（与多数意见不同或不同意、缓议、弃权时必填）"},
    }, rules=[when("chief_stance", "agree", ["chief_reason"], negate=True)]))  # fmt: skip
    stance_counts = {"type": "object", "title": "表决结果", "additionalProperties": False,
                     "required": ["agree", "disagree", "defer", "abstain"],
                     "properties": {"agree": integer("同意"), "disagree": integer("不同意"), "defer": integer("缓议"),
                                    "abstain": integer("弃权")}}  # fmt: skip
    minutes_props = {
        "meeting_time": dt("时间"),
        "place": s("地点", max_length=200),
        "host": s("主持人", max_length=150),
        "present": strings("出席人员", "人员", min_items=1),
        "absent": objects("缺席人员及原因", {"member": s("人员", max_length=150), "reason": s("缺席原因")}),
        "nonvoting": strings("列席人员", "人员"),
        "recorder": s("记录人", max_length=150),
        "topic": s("议题", max_length=500),
        "matters": s("决策事项及主要问题"),
        "member_opinions": objects("各成员意见和表态", {
            "member": s("成员", max_length=150), "stance": enum("表态", *STANCES), "opinion": opt_text("发表意见"),
        }, min_items=1),
        "other_opinions": opt_text("其他参会人员意见"),
        "dissent": objects("不同意见（如实载明）", {"member": s("成员", max_length=150), "opinion": s("不同意见原文")}),
        "result": stance_counts,
        "decision": s("决定"),
    }  # fmt: skip
    add(form("meeting_minutes", "会议记录", {
        "minutes": {"type": "object", "title": "会议记录", "additionalProperties": False,
                    "required": list(minutes_props), "properties": minutes_props},
    }))  # fmt: skip
    add(form("minutes_signature", "审阅会议记录并签字", {
        "confirmed": yes("已审阅，确认记录属实并签字"),
        "remark": opt_text("保留意见或备注"),
    }, required=["confirmed"]))
    add(form("meeting_followup", "缓议：补充调查、核实情况", {
        "followup_findings": s("补充调查、核实的情况"),
        "followup_materials": strings("补充材料", "材料名称"),
        "next_meeting_time": dt("下次会议时间"),
    }))

    # ---------------------------------------------------------------- notice, village, filing
    add(form("notice_post", "张贴公示", {
        "notice_title": s("公示标题", max_length=200),
        "notice_place": s("公示地点", max_length=200),
        "notice_content": s("公示内容（隐去身份证号等隐私信息）"),
        "photo_ref": s("公示照片留档编号", max_length=200),
        "objection_channel": s("异议渠道（电话、意见箱、地点）", max_length=500),
        "minors_excluded": b("未成年人信息未予公示"),
        **computed_props({
            "notice_start": dt("公示开始时间（张贴时的服务器时间）"),
            "notice_end": dt("公示结束时间（按本乡公示期计算）"),
            "notice_period": {**PERIOD, "title": "公示期（乡镇设置）"},
            "notice_history": objects("历次公示（含被异议中断的）", {
                "round": integer("轮次", 1), "place": s("公示地点", max_length=200), "start": dt("开始时间"),
                "end": dt("结束时间"), "photo_ref": s("照片留档编号", max_length=200),
                "status": enum("结果", ["running", "interrupted", "completed"], ["公示中", "因异议中断", "期满"]),
            }),
        }),
    }, required=["notice_title", "notice_place", "notice_content", "photo_ref", "objection_channel"]))  # fmt: skip
    add(form("village_evaluation", "村级民主评议记录", {
        "village_meeting_kind": enum("会议形式", ["村民会议", "村民代表会议", "村民小组会议", "民主评议小组会议"]),
        "village_meeting_date": date("会议日期"),
        "village_expected_count": integer("应到人数", 1),
        "village_present_count": integer("实到人数"),
        "village_agree_count": integer("同意人数"),
        "village_disagree_count": integer("不同意人数"),
        "village_abstain_count": integer("弃权人数"),
        "village_supervisor": s("到场监督的乡镇干部", max_length=150),
        "village_signature_ref": s("签字表留档编号", max_length=200),
        "village_opinion": s("评议意见"),
        "siyi_case": s("本村“四议两公开”案件编号（清单规定须经“四议两公开”的事项）", max_length=40),
    }, required=["village_meeting_kind", "village_meeting_date", "village_expected_count", "village_present_count",
                 "village_agree_count", "village_disagree_count", "village_abstain_count", "village_supervisor",
                 "village_signature_ref", "village_opinion"]))  # fmt: skip
    add(form("filing_archive", "立卷归档", {
        "archive_number": s("档号", max_length=64),
        "retention": enum("保管期限", RETENTION),
        "archived_at": date("归档日期"),
        "volume_contents": strings("卷内材料", "材料名称", min_items=1),
    }))

    # ---------------------------------------------------------------- common power steps
    add(form("rejection_notice", "不予办理决定（书面说明理由）", {
        "rejection_kind": enum("决定类型", REJECTION_KINDS),
        "rejection_reasons": s("理由"),
        "rejection_document_no": s("文书编号", max_length=100),
        "rejection_served_at": date("送达日期"),
        "remedy_notice": s("救济途径告知（复议、诉讼）"),
    }))
    add(form("objection_examination", "公示异议登记与核查", {
        "objection_register_no": s("异议登记号", max_length=100),
        "examination_method": enum("核查方式", ["重新入户调查", "重新民主评议", "核查材料", "走访询问", "其他"]),
        "objection_finding": s("核查结论"),
        "objection_upheld": b("异议成立"),
        "objection_evidence_ref": s("证据留档编号", max_length=200),
        "objector_informed_at": date("向异议人反馈日期"),
    }))
    add(form("site_inspection", "现场踏勘", {
        "inspectors": strings("踏勘人员（两人以上）", "人员", min_items=2),
        "inspected_at": date("踏勘日期"),
        "site_findings": s("踏勘情况"),
        "site_photos_ref": s("现场照片留档编号", max_length=200),
        "site_conditions_met": b("符合条件"),
        "site_reason": opt_text("不符合的理由"),
    }, required=["inspectors", "inspected_at", "site_findings", "site_photos_ref", "site_conditions_met"],
        rules=[when("site_conditions_met", False, ["site_reason"])]))  # fmt: skip
    add(form("decision_report", "乡镇审核意见并转报县级", {
        "decision_approved": b("同意上报"),
        "decision_opinion": s("审核意见"),
        "decision_reason": opt_text("不同意的理由"),
        "report_department": opt_text("报送县级部门"),
        "reported_at": date("报送日期"),
    }, required=["decision_approved", "decision_opinion"], rules=[
        when("decision_approved", False, ["decision_reason"]),
        when("decision_approved", True, ["report_department", "reported_at"]),
    ]))  # fmt: skip
    add(form("county_result", "登记县级审批结果", {
        "county_approved": b("县级批准"),
        "county_document_no": s("县级批复文号", max_length=100),
        "county_decided_at": date("批复日期"),
        "county_reason": opt_text("不予批准的理由"),
    }, required=["county_approved", "county_document_no", "county_decided_at"],
        rules=[when("county_approved", False, ["county_reason"])]))  # fmt: skip
    add(form("decision_grant", "作出决定", {
        "decision_approved": b("准予"),
        "decision_document_no": s("决定书编号", max_length=100),
        "decided_at": date("决定日期"),
        "decision_content": s("决定内容"),
        "decision_reason": opt_text("不予的理由"),
    }, required=["decision_approved", "decision_document_no", "decided_at", "decision_content"],
        rules=[when("decision_approved", False, ["decision_reason"])]))  # fmt: skip
    add(form("service_delivery", "送达", {
        "service_document": s("送达文书", max_length=200),
        "service_method": enum("送达方式", SERVICE_METHODS),
        "served_at": date("送达日期"),
        "service_recipient": s("受送达人", max_length=150),
        "service_receipt_ref": s("送达回证编号", max_length=100),
    }))

    # ---------------------------------------------------------------- benefit
    add(form("investigation_household", "入户调查、家庭经济状况核对", {
        "investigators": strings("调查人员（两人以上）", "人员", min_items=2),
        "investigated_at": date("调查日期"),
        "household_members": integer("家庭人口", 1),
        "household_income_monthly": number("家庭月人均收入（元）"),
        "economic_check_ref": s("家庭经济状况核对报告编号", max_length=100),
        "investigation_findings": s("调查情况"),
        "investigators_signed": yes("调查人员已在调查表上签字"),
        "applicant_signed": yes("申请人已在调查表上签字"),
        "related_to_staff": b("申请人为村干部或经办人员近亲属（单独备案）"),
        "household_eligible": b("符合条件"),
        "ineligible_reason": opt_text("不符合条件的理由"),
    }, required=["investigators", "investigated_at", "household_members", "household_income_monthly",
                 "economic_check_ref", "investigation_findings", "investigators_signed", "applicant_signed",
                 "related_to_staff", "household_eligible"],
        rules=[when("household_eligible", False, ["ineligible_reason"])]))  # fmt: skip
    add(form("investigation_verification", "入户核查", {
        "investigators": strings("核查人员（两人以上）", "人员", min_items=2),
        "investigated_at": date("核查日期"),
        "verification_findings": s("核查情况"),
        "applicant_signed": yes("申请人已在核查表上签字"),
        "verification_passed": b("情况属实、符合条件"),
        "verification_reason": opt_text("不属实或不符合条件的理由"),
    }, required=["investigators", "investigated_at", "verification_findings", "applicant_signed",
                 "verification_passed"], rules=[when("verification_passed", False, ["verification_reason"])]))
    add(form("disbursement", "资金发放（一卡通直发）", {
        "disbursed_amount": number("发放金额（元）"),
        "disbursed_at": date("发放日期"),
        "payment_channel": enum("发放渠道", ["一卡通", "社保卡", "银行账户"]),
        "account_masked": s("账号（隐去中间位）", max_length=50),
        "finance_checked_by": s("财政所复核人", max_length=150),
    }))

    # ---------------------------------------------------------------- enforcement (penalty, coercion)
    add(form("case_registration", "立案", {
        "case_source": enum("案件来源", ["巡查发现", "群众举报", "上级交办", "部门移送", "其他"]),
        "party": s("当事人", max_length=150),
        "violation_summary": s("违法行为概要"),
        "discovered_at": date("发现日期"),
        "registered": b("予以立案"),
        "registration_approver": s("批准立案的负责人", max_length=150),
        "registration_reason": opt_text("不予立案的理由"),
    }, required=["case_source", "party", "violation_summary", "discovered_at", "registered", "registration_approver"],
        rules=[when("registered", False, ["registration_reason"])]))  # fmt: skip
    add(form("investigation_enforcement", "调查取证", {
        "officers": objects("执法人员（两人以上）", {"name": s("姓名", max_length=50),
                                                  "certificate_no": s("执法证号", max_length=50)}, min_items=2),
        "certificates_shown": yes("已出示执法证件"),
        "recusal_informed": yes("已告知申请回避的权利"),
        "evidence": strings("证据清单", "证据", min_items=1),
        "facts_found": s("查明的事实"),
        "violation_established": b("违法事实成立"),
        "major_case": b("情节复杂或重大"),
        "proposed_action": s("拟处理意见"),
        "av_record_ref": s("执法全过程音像记录编号", max_length=200),
    }))  # fmt: skip
    add(form("legal_review", "重大执法决定法制审核", {
        "legal_reviewer": s("法制审核人员", max_length=150),
        "legal_review_opinion": s("审核意见"),
        "legal_review_passed": b("审核通过"),
        "legal_review_issues": strings("需补充或纠正的问题", "问题"),
    }, required=["legal_reviewer", "legal_review_opinion", "legal_review_passed"],
        rules=[when("legal_review_passed", False, ["legal_review_issues"])]))  # fmt: skip
    add(form("hearing_notice", "告知陈述、申辩和听证权利", {
        "hearing_notice_no": s("告知书编号", max_length=100),
        "hearing_notice_served_at": date("送达日期"),
        "statement_received": b("当事人提出陈述、申辩"),
        "statement_summary": opt_text("陈述、申辩要点及复核意见"),
        "hearing_requested": b("当事人要求听证"),
    }, required=["hearing_notice_no", "hearing_notice_served_at", "statement_received", "hearing_requested"],
        rules=[when("statement_received", True, ["statement_summary"])]))  # fmt: skip
    add(form("hearing_record", "听证", {
        "hearing_date": date("听证日期"),
        "hearing_host": s("听证主持人（非本案调查人员）", max_length=150),
        "hearing_participants": strings("听证参加人", "人员", min_items=1),
        "hearing_record_ref": s("听证笔录编号", max_length=100),
        "hearing_opinion": s("听证意见"),
    }))
    add(form("penalty_decision", "作出行政处罚决定", {
        "decision_approved": b("给予处罚"),
        "penalty_kinds": {"type": "array", "title": "处罚种类", "uniqueItems": True,
                          "items": enum("处罚种类", ["警告", "罚款", "没收违法所得", "责令停止违法行为", "责令限期改正",
                                                     "责令限期拆除"])},
        "fine_amount": number("罚款金额（元）"),
        "discretion_basis": opt_text("裁量基准适用说明"),
        "decision_document_no": s("决定书编号", max_length=100),
        "decided_at": date("决定日期"),
        "decision_reason": opt_text("不予处罚的理由"),
    }, required=["decision_approved", "decision_document_no", "decided_at"], rules=[
        when("decision_approved", True, ["penalty_kinds", "discretion_basis"]),
        when("decision_approved", False, ["decision_reason"]),
    ]))  # fmt: skip
    add(form("penalty_execution", "执行（罚缴分离）", {
        "execution_method": enum("执行方式", ["当事人自觉履行", "银行代收罚款", "申请人民法院强制执行"]),
        "payment_receipt_no": opt_text("银行缴款凭证号"),
        "executed_at": date("执行完毕日期"),
        "execution_note": s("执行情况"),
    }, required=["execution_method", "executed_at", "execution_note"],
        rules=[when("execution_method", "银行代收罚款", ["payment_receipt_no"])]))  # fmt: skip
    add(form("enforcement_publicity", "行政执法决定公示", {
        "published_at": date("公示日期（决定后20个工作日内）"),
        "publicity_channel": enum("公示渠道", ["政府网站", "政务公开栏", "其他"]),
        "publicity_ref": s("公示链接或位置", max_length=500),
        "privacy_redacted": yes("已隐去个人隐私信息"),
    }))
    add(form("order_correction", "责令停止建设、限期改正", {
        "order_document_no": s("责令限期改正通知书编号", max_length=100),
        "order_content": s("责令内容"),
        "order_served_at": date("送达日期"),
        "correction_deadline": date("改正期限"),
    }))
    add(form("correction_check", "逾期复查", {
        "checked_at": date("复查日期"),
        "checkers": strings("复查人员（两人以上）", "人员", min_items=2),
        "corrected": b("已自行改正"),
        "check_findings": s("复查情况"),
    }))
    add(form("demand_notice", "催告", {
        "demand_document_no": s("催告书编号", max_length=100),
        "demand_served_at": date("送达日期"),
        "performance_deadline": date("履行期限"),
        "statement_right_notified": yes("已告知陈述、申辩权利"),
    }))
    add(form("statement_record", "听取陈述、申辩", {
        "statement_made": b("当事人进行了陈述、申辩"),
        "statement_content": opt_text("陈述、申辩内容"),
        "statement_review_opinion": s("复核意见"),
        "statement_adopted": b("理由成立，予以采纳"),
    }, required=["statement_made", "statement_review_opinion", "statement_adopted"],
        rules=[when("statement_made", True, ["statement_content"])]))  # fmt: skip
    add(form("coercion_decision", "作出强制执行决定", {
        "decision_approved": b("决定强制执行"),
        "decision_document_no": s("决定书编号", max_length=100),
        "decided_at": date("决定日期"),
        "enforcement_scope": opt_text("强制执行内容（拆除范围）"),
        "remedy_period_end": dt("复议、诉讼期限届满时间"),
        "decision_reason": opt_text("不予强制执行的理由"),
    }, required=["decision_approved", "decision_document_no", "decided_at"], rules=[
        when("decision_approved", True, ["enforcement_scope", "remedy_period_end"]),
        when("decision_approved", False, ["decision_reason"]),
    ]))  # fmt: skip
    add(form("self_demolition_check", "限期届满复查", {
        "demolition_checked_at": date("复查日期"),
        "self_demolished": b("当事人已自行拆除"),
        "demolition_check_findings": s("复查情况"),
    }))
    add(form("remedy_check", "核实复议、诉讼情况", {
        "remedy_outcome": enum("复议、诉讼情况", ["none_filed", "upheld", "revoked"],
                               ["未申请复议或提起诉讼", "复议或诉讼维持", "被撤销或确认违法"]),
        "remedy_checked_at": date("核实日期"),
        "remedy_note": s("核实情况"),
    }))  # fmt: skip
    add(form("demolition_execution", "强制拆除", {
        "execution_start": dt("开始时间"),
        "execution_end": dt("结束时间"),
        "not_night_or_holiday": yes("确认不在夜间（22时至次日6时）和法定节假日实施"),
        "execution_personnel": strings("执行人员（两人以上）", "人员", min_items=2),
        "witnesses": strings("见证人", "人员", min_items=1),
        "property_inventory_ref": s("财物清点登记编号", max_length=100),
        "av_record_ref": s("音像记录编号", max_length=200),
        "execution_result": s("执行情况"),
    }))
    add(form("emergency_report", "事件报告、启动应急处置", {
        "event_type": enum("事件类型", ["自然灾害", "事故灾难", "公共卫生事件", "社会安全事件"]),
        "event_level": enum("事件等级", ["特别重大", "重大", "较大", "一般"]),
        "event_summary": s("事件概要"),
        "reported_at": dt("报告时间"),
        "registered": b("启动应急处置措施"),
        "registration_approver": s("决定启动的负责人", max_length=150),
        "registration_reason": opt_text("不启动的理由"),
    }, required=["event_type", "event_level", "event_summary", "reported_at", "registered", "registration_approver"],
        rules=[when("registered", False, ["registration_reason"])]))  # fmt: skip
    add(form("emergency_measures", "临机处置、应急征用", {
        "measures_taken": s("采取的处置措施"),
        "decided_by": s("临机处置决定人", max_length=150),
        "executed_at": dt("实施时间"),
        "requisitioned": objects("征用的财产", {"owner": s("所有人", max_length=150), "item": s("财产", max_length=200),
                                                "condition": s("征用时状况", max_length=500)}),
        "av_record_ref": s("全过程记录编号", max_length=200),
    }))  # fmt: skip
    add(form("compensation_payment", "发放征用补偿", {
        "compensation": objects("补偿明细", {"owner": s("被征用人", max_length=150), "amount": number("补偿金额（元）")},
                                min_items=1),
        "compensation_paid_at": date("发放日期"),
        "payment_channel": enum("发放渠道", ["一卡通", "银行转账"]),
        "finance_checked_by": s("财政所复核人", max_length=150),
    }))  # fmt: skip

    # ---------------------------------------------------------------- adjudication, mediation
    add(form("investigation_dispute", "调查取证、现场勘验", {
        "investigators": strings("调查人员（两人以上）", "人员", min_items=2),
        "investigated_at": date("调查日期"),
        "site_survey_ref": s("现场勘验笔录编号", max_length=100),
        "evidence": strings("证据清单", "证据", min_items=1),
        "dispute_facts": s("查明的争议事实"),
    }))
    add(form("mediation_record", "调解", {
        "mediators": strings("调解人员", "人员", min_items=1),
        "mediation_date": date("调解日期"),
        "parties_present": strings("到场当事人", "当事人", min_items=2),
        "mediation_summary": s("调解经过"),
        "mediation_result": enum("调解结果", ["agreement", "failed"], ["达成协议", "未达成协议"]),
    }))
    add(form("mediation_agreement", "签订调解协议", {
        "agreement_no": s("调解协议书编号", max_length=100),
        "agreement_terms": s("协议内容"),
        "parties_signed": yes("双方当事人已签名、盖章或按指印"),
        "mediator_signed": yes("调解人员已签名"),
        "seal_affixed": yes("已加盖调解组织印章"),
        "signed_at": date("签订日期"),
    }))
    add(form("mediation_referral", "告知申请仲裁或提起诉讼", {
        "referred_to": enum("告知途径", ["arbitration", "court", "other_authority"],
                            ["向仲裁委员会申请仲裁", "向人民法院提起诉讼", "向有关部门申请处理"]),
        "referral_notice_at": date("告知日期"),
        "limitation_notice": s("时效告知内容"),
    }))  # fmt: skip
    add(form("adjudication_decision", "作出处理决定", {
        "decision_document_no": s("处理决定书编号", max_length=100),
        "decided_at": date("决定日期"),
        "determination": s("处理决定（权属认定）"),
        "status_quo_notice": yes("已告知争议解决前不得改变土地、林地利用现状"),
    }))
    add(form("service_adjudication", "送达处理决定", {
        "service_method": enum("送达方式", SERVICE_METHODS),
        "served_at": date("送达日期"),
        "service_recipient": s("受送达人", max_length=150),
        "service_receipt_ref": s("送达回证编号", max_length=100),
        "suit_notice_given": yes("已告知不服的可在接到决定之日起30日内向人民法院起诉"),
        "suit_deadline": date("起诉期限届满日"),
    }))

    # ---------------------------------------------------------------- audit
    add(form("audit_registration", "审计立项", {
        "audited_village": s("被审计村", max_length=150),
        "audit_kind": enum("审计类型", ["年度审计", "任期经济责任审计", "离任经济责任审计", "专项审计"]),
        "audit_period": s("审计期间", max_length=100),
        "registered": b("予以立项"),
        "registration_approver": s("批准立项的负责人", max_length=150),
        "registration_reason": opt_text("不予立项的理由"),
    }, required=["audited_village", "audit_kind", "audit_period", "registered", "registration_approver"],
        rules=[when("registered", False, ["registration_reason"])]))  # fmt: skip
    add(form("audit_fieldwork", "审计实施", {
        "auditors": strings("审计人员（两人以上）", "人员", min_items=2),
        "fieldwork_from": date("审计开始日期"),
        "fieldwork_to": date("审计结束日期"),
        "audit_findings": s("审计发现"),
        "problems": strings("发现的问题", "问题"),
        "audited_party_confirmed": b("被审计单位已签字确认"),
    }))
    add(form("audit_conclusion", "审计结论和处理意见", {
        "audit_report_no": s("审计报告编号", max_length=100),
        "audit_conclusion_text": s("审计结论"),
        "rectification_items": strings("整改事项", "事项"),
        "accountability_advice": s("责任追究建议"),
        "concluded_at": date("日期"),
    }))
    return f


FORMS: dict[str, dict] = {}
for _schema in _forms():
    _name = _schema["$id"].rsplit(":", 1)[1]
    if _name in FORMS:
        raise ValueError(f"duplicate form {_name}")
    FORMS[_name] = _schema


# ------------------------------------------------------------------ start data (one form per power)
ID_NUMBER_PATTERN = r"^\d{17}[\dXx]$"
EX_OFFICIO_FLOWS = ("penalty", "coercion", "emergency", "audit")  # started by the township, not by an application


def start_form(process_id: str, code: str, name: str, flow: str, tags: tuple[str, ...] = ()) -> dict:
    """The start data of a power's case (validated like a task form). Rule values (meeting
    fractions, the roster, periods) are never part of it: they come from the catalog and settings.
    A power in the 财务 area states the fund amount it uses: at or above the township's 三重一大
    threshold it names the passed collective decision (SZ-04) that allows it."""
    who = "当事人" if flow in EX_OFFICIO_FLOWS else "申请人"
    funds = {"fund_amount": number("涉及资金金额（元）"),
             "sanzhong_decision": s("“三重一大”大额资金集体决策案件编号（金额达到大额标准时）", max_length=40)} \
        if "财务" in tags else {}  # fmt: skip
    return form(f"start_{process_id}", f"{code} {name}：立案数据", {
        "applicant": s(who, max_length=100),
        "applicant_contact": s(f"{who}联系方式", max_length=100),
        "applicant_id_number": s(f"{who}身份证号码（不上公示栏）", max_length=18, pattern=ID_NUMBER_PATTERN),
        "applicant_birth_date": date(f"{who}出生日期（未成年人不公示）"),
        "applicant_is_minor": b(f"{who}为未成年人（不公示）"),
        "matter": s("事项简述", max_length=500),
        "demo_seed": s("演示数据标记（仅演示数据使用）", max_length=50),
        **funds,
    }, required=[])  # fmt: skip

