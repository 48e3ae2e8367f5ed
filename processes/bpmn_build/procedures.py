"""The institutions as processes (processes/catalog/procedures.yaml): 三重一大 in its four kinds,
四议两公开, 问责 and the 四谈话 record. They reuse the stage blocks of the powers (collective
decision, public notice, filing) and the same conventions (docs/bpmn-conventions.md).
"""

from __future__ import annotations

from processes.bpmn_build.model import Process
from processes.bpmn_build.powers import CALL_DOCUMENTS, CONCLUDE_APPROVED, CONCLUDE_REJECTED
from processes.procedures import Procedure, procedures

SANZHONG_NAMES = {"policy": "重大决策", "personnel": "重要干部任免", "project": "重大项目安排", "fund": "大额资金使用"}
# the law asks for a legality review before the meeting (重大行政决策程序暂行条例 art. 25; 招标投标法 for
# projects); a fund use asks for it when the proposer says so (a contract, a subsidy rule)
LEGAL_REVIEW = {"policy": "always", "project": "always", "fund": "optional", "personnel": "never"}
MATTER_TYPE = {"policy": "major", "project": "major", "fund": "major", "personnel": "appointment"}
LANES = ["village_committee", "deputy", "recorder", "station_head", "committee_member", "chief",
         "discipline_inspector", "archivist"]  # fmt: skip


def _init(proc: Procedure, extra: str = "") -> str:
    lines = [f"procedure_code = {proc.code!r}", f"procedure_name = {proc.name!r}", "approved = False",
             "outcome = 'pending'"]  # fmt: skip
    return "\n".join(lines) + ("\n" + extra.strip("\n") if extra else "")


def _tail(p: Process, lane: str) -> None:
    """conclude (approved / rejected) → filing → end, as in every power."""
    p.script("conclude_approved", "办结", lane, CONCLUDE_APPROVED)
    p.script("conclude_rejected", "办结（未通过）", lane, CONCLUDE_REJECTED)
    p.call("filing", "立卷归档", "archivist", "block_filing", documents=CALL_DOCUMENTS["block_filing"])
    p.end("end", "办结", "archivist")
    p.flow("conclude_approved", "filing")
    p.flow("conclude_rejected", "filing")
    p.flow("filing", "end")


def _lanes(p: Process) -> Process:
    used = {n.lane for n in p.nodes.values()}
    p.lanes = [code for code in LANES if code in used]
    return p


def sanzhong(proc: Procedure) -> Process:
    kind = proc.sanzhong_kind
    p = Process(proc.process_id, proc.name, LANES, f"{proc.code} {proc.name}。启动数据：topic（议题）" +
                ("、fund_amount（金额，达到本乡大额标准）" if kind == "fund" else ""))  # fmt: skip
    p.start("start", "提出议题", "deputy")
    _tail(p, "recorder")
    p.script("init_case", "开始办理", "deputy", _init(proc, f"sanzhong_kind = {kind!r}\n"
                                                        f"sanzhong_matter_type = {MATTER_TYPE[kind]!r}"))
    p.user("proposal", f"提出{SANZHONG_NAMES[kind]}议题并附材料", "deputy", f"sanzhong_proposal_{kind}",
           time_limit="5WD", documents="议题申报表、相关材料",
           doc="分管领导提出议题，附决策依据、方案和相关材料，报党政综合办公室。")
    p.user("circulate_materials", "会前酝酿：议题和材料送达每位班子成员", "recorder", "sanzhong_circulation",
           time_limit="2WD", documents="议题材料送达记录",
           doc="党政综合办公室把议题和材料送达每位应到会成员；酝酿期（本乡设置的工作日数）届满前不得开会。")
    p.chain("start", "init_case", "proposal", "circulate_materials")
    after_circulation = "circulate_materials"
    if LEGAL_REVIEW[kind] != "never":
        p.user("legal_review", "合法性审查", "station_head", "legal_review", time_limit="5WD",
               documents="合法性审查意见书")
        p.gateway("gw_legal", "审查通过？", "station_head")
        p.flow("legal_review", "gw_legal")
        p.flow("gw_legal", "proposal", "修改议题", default=True)
        if LEGAL_REVIEW[kind] == "always":
            p.flow("circulate_materials", "legal_review")
        else:
            p.gateway("gw_legal_needed", "需要合法性审查？", "recorder")
            p.flow("circulate_materials", "gw_legal_needed")
            p.flow("gw_legal_needed", "legal_review", "需要", "legal_review_needed == True")
        after_circulation = "gw_legal"
    p.call("collective_decision", "集体研究决定（会议签到、逐一表态、末位表态）", "chief",
           "block_collective_decision", documents=CALL_DOCUMENTS["block_collective_decision"])
    if after_circulation == "gw_legal":
        p.flow("gw_legal", "collective_decision", "通过", "legal_review_passed == True")
        if LEGAL_REVIEW[kind] == "optional":
            p.flow("gw_legal_needed", "collective_decision", "不需要", default=True)
    else:
        p.flow("circulate_materials", "collective_decision")
    p.gateway("gw_collective", "集体决定通过？", "chief")
    p.user("decision_document", "印发决定（会议纪要、决定文件）", "recorder", "sanzhong_decision_document",
           time_limit="3WD", documents="会议纪要、决定文件")
    publish_name = "任前公示" if kind == "personnel" else "公开决定"
    p.user("publish_decision", publish_name, "recorder", "sanzhong_publication", time_limit="5WD",
           documents="公开（公示）记录")
    p.flow("collective_decision", "gw_collective")
    p.flow("gw_collective", "decision_document", "通过", "collective_passed == True")
    p.flow("gw_collective", "conclude_rejected", "未通过", default=True)
    p.flow("decision_document", "publish_decision")
    last = "publish_decision"
    if kind == "personnel":
        p.user("appointment_effective", "任职生效（任前廉政谈话后）", "recorder", "sanzhong_appointment_effective",
               time_limit="5WD", documents="任职通知",
               doc="每位拟任人员须已由纪委进行任前廉政谈话并有记录，任职方可生效（系统核对谈话记录）。")
        p.flow("publish_decision", "appointment_effective")
        last = "appointment_effective"
    p.user("implementation_report", "执行情况报告", "deputy", "sanzhong_implementation", documents="执行情况报告")
    p.flow(last, "implementation_report")
    p.flow("implementation_report", "conclude_approved")
    return _lanes(p)


def siyi(proc: Procedure) -> Process:
    L = "village_committee"
    p = Process(proc.process_id, proc.name, LANES, f"{proc.code} {proc.name}。启动数据：village（村）、matter（事项）")
    p.start("start", "村级重大事项", L)
    _tail(p, L)
    p.script("init_case", "开始办理", L, _init(proc))
    p.user("party_proposal", "村党组织提议", L, "siyi_party_proposal", time_limit="5WD", documents="提议记录")
    p.user("committees_deliberation", "村“两委”会议商议", L, "siyi_committees_deliberation", time_limit="10WD",
           documents="两委会议记录")
    p.gateway("gw_deliberation", "商议同意？", L)
    p.user("party_members_review", "党员大会审议", L, "siyi_party_members_review", time_limit="10WD",
           documents="党员大会记录、签到表",
           doc="赞成人数超过应到会有表决权党员的半数为通过（系统计算）。")
    p.gateway("gw_party_members", "审议通过？", L)
    p.user("villagers_resolution", "村民会议或村民代表会议决议", L, "siyi_villagers_resolution", time_limit="15WD",
           documents="会议记录、签到表、表决票",
           doc="村民会议须本村十八周岁以上村民过半数或三分之二以上的户的代表参加，村民代表会议须三分之二以上组成人员参加；"
               "决定经到会人员过半数通过（村民委员会组织法第二十二条、第二十六条；到会不足的决议系统拒绝）。")
    p.gateway("gw_resolution", "决议通过？", L)
    p.call("resolution_notice", "决议公开（村务公开栏）", L, "block_public_notice",
           documents=CALL_DOCUMENTS["block_public_notice"])
    p.user("implementation", "组织实施", L, "siyi_implementation", documents="实施记录")
    p.call("result_notice", "实施结果公开（村务公开栏）", L, "block_public_notice",
           documents=CALL_DOCUMENTS["block_public_notice"])
    p.chain("start", "init_case", "party_proposal", "committees_deliberation", "gw_deliberation")
    p.flow("gw_deliberation", "party_members_review", "同意", "deliberation_agreed == True")
    p.flow("gw_deliberation", "conclude_rejected", "不同意", default=True)
    p.flow("party_members_review", "gw_party_members")
    p.flow("gw_party_members", "villagers_resolution", "通过", "party_members_passed == True")
    p.flow("gw_party_members", "conclude_rejected", "未通过", default=True)
    p.flow("villagers_resolution", "gw_resolution")
    p.flow("gw_resolution", "resolution_notice", "通过", "resolution_passed == True")
    p.flow("gw_resolution", "conclude_rejected", "未通过", default=True)
    p.chain("resolution_notice", "implementation", "result_notice", "conclude_approved")
    sub = p.event_subprocess("objections", "公开期间的意见处理", L)
    sub.message_start("objection_received", "收到意见", "objection")
    sub.user("examine_objection", "意见登记与答复", None, "objection_examination", time_limit="5WD")
    sub.end("objection_closed", "处理完毕", None)
    sub.flow("objection_received", "examine_objection")
    sub.flow("examine_objection", "objection_closed")
    return _lanes(p)


def wenze(proc: Procedure) -> Process:
    L = "discipline_inspector"
    p = Process(proc.process_id, proc.name, LANES,
                f"{proc.code} {proc.name}。启动数据：source（问责记录/投诉举报/纪委发现）、persons_concerned（当事人用户名）、"
                "responsibility_code（责任事项）、accountability_record 或 complaint_number")  # fmt: skip
    p.start("start", "问责线索", L)
    p.script("init_case", "开始办理", L, _init(proc))
    p.user("investigation", "调查核实", L, "wenze_investigation", time_limit="15WD", documents="调查笔录、证据材料")
    p.parallel("split_hearing", "听取陈述与起草认定", L)
    p.user("hear_person", "当事人陈述和申辩", L, "wenze_statement", time_limit="5WD", documents="陈述申辩记录",
           mi={"input": "persons_concerned", "output": "statements", "item": "member", "output_item": "statement"},
           concerned=True, doc="由当事人本人填写陈述和申辩，记录在案；陈述前不能作出认定。")
    p.user("finding", "作出认定", L, "wenze_finding", time_limit="5WD", documents="问责认定意见",
           doc="认定事实、责任和拟问责方式；须在听取每位当事人的陈述和申辩之后（系统拒绝此前的认定）。")
    p.parallel("join_hearing", "陈述和认定均已完成", L)
    p.user("decide_outcome", "作出问责决定", "chief", "wenze_decision", time_limit="5WD", documents="问责决定书")
    p.user("notify_person", "送达问责决定并结案", L, "wenze_notification", time_limit="3WD",
           documents="送达回证；处分建议函（报县纪委监委）",
           doc="送达当事人；问责记录以决定结案，并与责任事项和案件关联。")
    p.chain("start", "init_case", "investigation", "split_hearing")
    p.flow("split_hearing", "hear_person")
    p.flow("split_hearing", "finding")
    p.flow("hear_person", "join_hearing")
    p.flow("finding", "join_hearing")
    p.script("conclude_approved", "结案", L, CONCLUDE_APPROVED)
    p.call("filing", "立卷归档", "archivist", "block_filing", documents=CALL_DOCUMENTS["block_filing"])
    p.end("end", "办结", "archivist")
    p.chain("join_hearing", "decide_outcome", "notify_person", "conclude_approved", "filing", "end")
    return _lanes(p)


def talk(proc: Procedure) -> Process:
    L = "discipline_inspector"
    p = Process(proc.process_id, proc.name, LANES, f"{proc.code} {proc.name}。启动数据：talk_kind、persons")
    p.start("start", "安排谈话", L)
    p.script("init_case", "开始办理", L, _init(proc))
    p.user("record_talk", "谈话并记录", L, "talk_record", time_limit="10WD", documents="谈话记录",
           doc="记录谈话类型、日期、谈话人和谈话对象、主题、要点和后续措施。")
    p.gateway("gw_follow_up", "需要跟踪？", L)
    p.user("follow_up", "跟踪回访", L, "talk_follow_up", documents="回访记录")
    p.script("conclude_approved", "办结", L, CONCLUDE_APPROVED)
    p.call("filing", "立卷归档", "archivist", "block_filing", documents=CALL_DOCUMENTS["block_filing"])
    p.end("end", "办结", "archivist")
    p.chain("start", "init_case", "record_talk", "gw_follow_up")
    p.flow("gw_follow_up", "follow_up", "需要", "follow_up_needed == True")
    p.flow("gw_follow_up", "conclude_approved", "不需要", default=True)
    p.flow("follow_up", "conclude_approved")
    p.chain("conclude_approved", "filing", "end")
    return _lanes(p)


BUILDERS = {"sanzhong": sanzhong, "siyi": siyi, "wenze": wenze, "talk": talk}


def build(proc: Procedure) -> Process:
    return BUILDERS[proc.kind](proc)


def all_procedures() -> list[tuple[Procedure, Process]]:
    return [(proc, build(proc)) for proc in procedures()]
