"""The forms of the institutions' procedures (processes/bpmn_build/procedures.py) and their start
data. Values the rules decide (the threshold, the circulation period, the village meeting's
quorum, who stated and when) are read-only: the engine computes them (engine/institutions/)."""

from __future__ import annotations

from processes.bpmn_build.forms import (
    b, computed_props, date, dt, enum, form, integer, number, objects, opt_text, s, strings, when,
)  # fmt: skip
from processes.procedures import Procedure

SANZHONG_EXTRA = {
    "policy": {"scope": s("影响范围"), "consultation": s("征求意见、专家论证和风险评估情况")},
    "personnel": {"appointees": objects("拟任免人员", {"person": s("人员（用户名）", max_length=150),
                                                       "post": s("拟任（免）职务", max_length=200)}, min_items=1),
                  "inspection_summary": s("考察（酝酿）情况")},
    "project": {"project_name": s("项目名称", max_length=200), "budget": number("项目预算（元）"),
                "tender_method": enum("发包方式", ["公开招标", "邀请招标", "竞争性谈判", "询价", "单一来源"])},
    "fund": {"fund_amount": number("资金金额（元）"), "fund_purpose": s("资金用途"),
             "budget_source": s("资金来源（预算科目）", max_length=200),
             "legal_review_needed": b("需要合法性审查（合同、补助办法等）")},
}  # fmt: skip
TALK_KINDS = (["daily_education", "inquiry", "pre_appointment", "admonishment"],
              ["日常教育谈话", "函询约谈", "任前廉政谈话", "教育诫勉谈话"])
OUTCOMES = (["none", "criticism_education", "admonishment_talk", "circulated_criticism", "sanction_proposal"],
            ["不予问责", "批评教育", "诫勉谈话", "通报批评", "处分建议（报县纪委监委）"])
SOURCES = (["accountability_record", "complaint", "inspection"], ["问责记录（超时、久拖不办）", "投诉举报", "纪委发现"])
ATTENDANCE_BASES = (["adults", "households", "representatives"],
                    ["村民会议：本村十八周岁以上村民", "村民会议：本村的户（户代表）", "村民代表会议：组成人员"])


def procedure_forms() -> list[dict]:
    f: list[dict] = []
    add = f.append
    for kind, extra in SANZHONG_EXTRA.items():
        props = {"topic": s("议题", max_length=300), "summary": s("议题说明"), "basis": s("决策依据"),
                 "materials": strings("附送材料", "材料名称", min_items=1), **extra}  # fmt: skip
        required = [k for k in props if k != "legal_review_needed"]
        if kind == "fund":
            props.update(computed_props({"large_amount_threshold": number("本乡大额资金标准（元，乡镇设置）")}))
        add(form(f"sanzhong_proposal_{kind}", "提出议题并附材料", props, required=required))
    add(form("sanzhong_circulation", "会前酝酿：议题和材料送达", {
        "circulation_method": enum("送达方式", ["当面送达", "电子送达", "当面和电子送达"]),
        "materials_sent": strings("送达的材料", "材料名称", min_items=1),
        **computed_props({
            "circulated_at": dt("送达时间（系统记录）"),
            "circulated_to": strings("送达人员（本乡班子成员任职，系统生成）", "人员"),
            "circulation_days": integer("酝酿期（工作日，乡镇设置）", minimum=1),
            "earliest_meeting_at": dt("最早开会时间（系统计算）"),
        }),
    }, required=["circulation_method", "materials_sent"]))
    add(form("sanzhong_decision_document", "印发决定", {
        "document_no": s("文号", max_length=100), "decision_content": s("决定内容"), "issued_at": date("印发日期"),
    }))
    add(form("sanzhong_publication", "公开决定（干部任免为任前公示）", {
        "channel": enum("公开方式", ["政务公开栏", "政府网站", "党务公开栏", "会议通报", "不宜公开（说明理由）"]),
        "published_at": date("公开日期"), "publicity_ref": s("公开记录（照片、网址、文号）", max_length=300),
        "reason_not_public": opt_text("不宜公开的理由"),
    }, required=["channel", "published_at", "publicity_ref"],
        rules=[when("channel", "不宜公开（说明理由）", ["reason_not_public"])]))  # fmt: skip
    add(form("sanzhong_appointment_effective", "任职生效", {
        "effective_on": date("任职生效日期"), "appointment_notice_no": s("任职通知文号", max_length=100),
        **computed_props({"pre_appointment_talks": strings("任前廉政谈话记录（系统核对）", "案件编号")}),
    }, required=["effective_on", "appointment_notice_no"]))
    add(form("sanzhong_implementation", "执行情况报告", {
        "implementation_summary": s("执行情况"), "completed_at": date("完成日期"), "deviations": opt_text("与决定不一致之处及原因"),
    }, required=["implementation_summary", "completed_at"]))

    # ---------------------------------------------------------------- 四议两公开
    add(form("siyi_party_proposal", "村党组织提议", {
        "proposal_text": s("提议内容"), "proposed_at": date("提议日期"), "proposal_record_ref": s("记录编号", max_length=100),
    }))
    add(form("siyi_committees_deliberation", "村“两委”会议商议", {
        "meeting_date": date("会议日期"), "members_total": integer("两委成员人数", minimum=1),
        "members_present": integer("到会人数"), "deliberation_opinion": s("商议意见"),
        "deliberation_agreed": b("商议同意提交党员大会审议"),
    }))
    add(form("siyi_party_members_review", "党员大会审议", {
        "meeting_date": date("会议日期"), "party_members_total": integer("应到会有表决权的党员人数", minimum=1),
        "party_members_present": integer("到会党员人数"), "party_members_agree": integer("赞成人数"),
        "review_opinion": s("审议意见"),
        **computed_props({"party_members_passed": b("审议通过（赞成超过应到会有表决权党员的半数，系统计算）")}),
    }, required=["meeting_date", "party_members_total", "party_members_present", "party_members_agree",
                 "review_opinion"]))  # fmt: skip
    add(form("siyi_villagers_resolution", "村民会议或村民代表会议决议", {
        "attendance_basis": enum("会议和到会人数的计算基数", *ATTENDANCE_BASES),
        "meeting_date": date("会议日期"), "base_total": integer("基数（十八周岁以上村民数、户数或村民代表会议组成人员数）", minimum=1),
        "present_count": integer("到会人数（户代表会议为到会的户数）"), "agree_count": integer("赞成人数"),
        "disagree_count": integer("反对人数"), "abstain_count": integer("弃权人数"),
        "resolution_text": s("决议内容"), "signature_ref": s("签到表、表决票编号", max_length=100),
        **computed_props({
            "resolution_quorum_met": b("到会人数达到法定要求（系统计算）"),
            "resolution_passed": b("决议通过（到会人员过半数，系统计算）"),
            "resolution_rule": s("适用的规则（系统记录）", max_length=300),
        }),
    }, required=["attendance_basis", "meeting_date", "base_total", "present_count", "agree_count", "disagree_count",
                 "abstain_count", "resolution_text", "signature_ref"]))  # fmt: skip
    add(form("siyi_implementation", "组织实施", {
        "implemented_at": date("实施完成日期"), "implementation_summary": s("实施情况"),
        "funds_used": number("使用资金（元）"),
    }, required=["implemented_at", "implementation_summary"]))

    # ---------------------------------------------------------------- 问责
    add(form("wenze_investigation", "调查核实", {
        "facts": s("调查核实的情况"), "evidence": strings("证据材料", "材料", min_items=1),
        "investigators": strings("调查人员（两人以上）", "人员", min_items=2), "investigated_at": date("调查日期"),
    }))
    add(form("wenze_statement", "当事人陈述和申辩", {
        "statement": s("陈述和申辩（本人填写）"), "evidence_offered": opt_text("提供的证据或说明"),
        **computed_props({"stated_by": s("陈述人（系统记录）", max_length=150), "stated_at": dt("陈述时间（系统记录）")}),
    }, required=["statement"]))
    add(form("wenze_finding", "作出认定", {
        "facts_found": s("认定的事实"), "responsibility": s("责任认定（直接责任、领导责任）"),
        "proposed_outcome": enum("拟问责方式", *OUTCOMES), "finding_reason": s("理由（含对陈述申辩的采纳情况）"),
    }))
    add(form("wenze_decision", "作出问责决定", {
        "outcome": enum("问责方式", *OUTCOMES), "decision_reason": s("决定理由"),
        "decision_document_no": s("问责决定文号", max_length=100), "decided_at": date("决定日期"),
    }))
    add(form("wenze_notification", "送达问责决定并结案", {
        "served_at": date("送达日期"), "service_method": enum("送达方式", ["直接送达", "会议宣布", "书面送达"]),
        "appeal_right_informed": {"type": "boolean", "const": True, "title": "已告知申诉权利"},
        "county_referral_no": opt_text("处分建议报送县纪委监委的文号（处分建议时必填）"),
        **computed_props({"outcome_record": integer("问责结果记录编号（系统生成）", minimum=1)}),
    }, required=["served_at", "service_method", "appeal_right_informed"]))

    # ---------------------------------------------------------------- 四谈话
    add(form("talk_record", "谈话记录", {
        "talk_kind": enum("谈话类型", *TALK_KINDS), "talk_date": date("谈话日期"),
        "talkers": strings("谈话人", "人员", min_items=1), "persons": strings("谈话对象（用户名）", "人员", min_items=1),
        "subject": s("谈话主题", max_length=300), "summary": s("谈话要点"), "follow_up": s("后续措施"),
        "follow_up_needed": b("需要跟踪回访"), "person_signed": {"type": "boolean", "const": True, "title": "谈话对象已签字确认"},
    }))
    add(form("talk_follow_up", "跟踪回访", {"followed_up_at": date("回访日期"), "follow_up_result": s("回访情况")}))
    return f


def procedure_start_form(proc: Procedure) -> dict:
    """The start data of a procedure's case (validated like a task form)."""
    props: dict = {"matter": s("事项简述", max_length=500), "demo_seed": s("演示数据标记（仅演示数据使用）", max_length=50)}
    required: list[str] = []
    if proc.kind == "sanzhong":
        props["topic"] = s("议题", max_length=300)
        required = ["topic"]
        if proc.sanzhong_kind == "fund":
            props["fund_amount"] = number("资金金额（元）")
            props["related_case"] = s("提出资金使用的权力案件编号", max_length=40)
            required.append("fund_amount")
    elif proc.kind == "siyi":
        props["village"] = s("村", max_length=100)
        required = ["village", "matter"]
    elif proc.kind == "wenze":
        props.update({
            "source": enum("问责线索来源", *SOURCES), "accountability_record": integer("问责记录编号", minimum=1),
            "complaint_number": s("投诉举报受理编号", max_length=32),
            "persons_concerned": strings("当事人（用户名）", "人员", min_items=1),
            "responsibility_code": s("责任事项编码（责任清单）", max_length=20),
        })  # fmt: skip
        required = ["source", "persons_concerned", "matter"]
        return form(f"start_{proc.process_id}", f"{proc.code} {proc.name}：立案数据", props, required=required, rules=[
            when("source", "accountability_record", ["accountability_record"]),
            when("source", "complaint", ["complaint_number"])])  # fmt: skip
    elif proc.kind == "talk":
        props.update({"talk_kind": enum("谈话类型", *TALK_KINDS), "persons": strings("谈话对象（用户名）", "人员", min_items=1),
                      "related_case": s("相关案件编号（如干部任免、问责）", max_length=40)})  # fmt: skip
        required = ["talk_kind", "persons"]
    return form(f"start_{proc.process_id}", f"{proc.code} {proc.name}：立案数据", props, required=required)
