"""The stage blocks: reusable processes that the power files call through call activities.

Each block's interface (what it reads from the case data, what it leaves there) is written in
its process documentation and in `BLOCK_INTERFACES` below.
"""

from __future__ import annotations

from processes.bpmn_build.model import Process

# The meeting's rules (quorum_fraction, pass_fraction, expected_members, host) are computed by the
# engine when the attendance is recorded (engine/meetings.py), from the township's settings and
# the organization: never from case data.
RULE_DEFAULTS = """
try:
    meeting_round
except NameError:
    meeting_round = 0
try:
    meeting_records
except NameError:
    meeting_records = []
"""

BLOCK_INTERFACES: dict[str, dict[str, str]] = {
    "block_acceptance": {
        "reads": "（无必需输入）applicant 可预先带入",
        "sets": "accepted (bool); 系统计算：first_responder（登记人）、received_at（收件日）、correction_notice_deadline（收件后5个工作日）; "
                "deemed_accepted, accepted_as_of（逾期未告知视为受理）; applicant, materials_received; "
                "correction_notices [{missing_items, notice_date, notice_document_no}], correction_rounds; "
                "receipt_number, promised_date（受理时）; refusal_reasons（不予受理时）",
    },
    "block_review": {
        "reads": "（无必需输入）",
        "sets": "review_approved (bool); handler_opinion/handler_recommendation, station_head_opinion/…, "
                "deputy_opinion/deputy_conclusion; review_rounds",
    },
    "block_collective_decision": {
        "reads": "（无必需输入）会议签到时系统计算 expected_members（本乡班子成员任职）、host（主持人）、"
                 "quorum_fraction、pass_fraction（乡镇设置，按议题类型）",
        "sets": "collective_passed (bool); meeting_outcome (passed|rejected|deferred，最后一次会议); attendees, "
                "present_members, recused, host; stances [{member, stance, reason}]; chief_stance, chief_reason; "
                "vote_counts, agree_votes, expected_count; dissents; minutes; signatures; meeting_round; "
                "meeting_records（每次会议一条）",
    },
    "block_minutes_signing": {
        "reads": "signatories（签字人用户名列表）",
        "sets": "signatures [{member, confirmed, remark}]",
    },
    "block_public_notice": {
        "reads": "（无必需输入）",
        "sets": "notice_title, notice_place, notice_content, photo_ref, objection_channel; 系统计算："
                "notice_start（张贴时的服务器时间）, notice_end（按乡镇设置的公示期）, notice_period, "
                "notice_history（每一轮，含被异议中断的）; notice_round; notice_completed (bool)",
    },
    "block_village_evaluation": {
        "reads": "village_quorum, village_pass（{numerator, denominator, comparison, base: expected|present}，"
                 "由权力流程的 init_case 设定）",
        "sets": "village_passed (bool); village_quorum_met, village_counts_valid; 评议记录各字段 (village_*)",
    },
    "block_filing": {
        "reads": "（无必需输入）",
        "sets": "archive_number, retention (永久|定期30年|定期10年), archived_at, volume_contents",
    },
}


def _doc(block: str) -> str:
    i = BLOCK_INTERFACES[block]
    return f"输入：{i['reads']}。输出：{i['sets']}。"


def block_acceptance() -> Process:
    p = Process("block_acceptance", "受理（首问负责、一次性告知、受理回执）", ["window_clerk"],
                _doc("block_acceptance"))  # fmt: skip
    L = "window_clerk"
    p.start("acc_start", "申请人提出申请", L)
    p.script("acc_init", "建立受理记录", L, """
try:
    correction_notices
except NameError:
    correction_notices = []
correction_rounds = len(correction_notices)
deemed_accepted = False
""")
    p.user("register_application", "登记申请（首问负责）", L, "acceptance_register", time_limit="1WD", duty="accept",
           documents="申请登记表",
           doc="首问负责人如实登记申请人、事项和收到的材料。")
    p.user("check_materials", "材料审查", L, "acceptance_check", time_limit="1WD", duty="accept")
    p.gateway("gw_materials", "材料齐全、符合条件？", L)
    p.user("one_time_notice", "一次性告知补正", L, "acceptance_correction_notice", duty="accept",
           documents="一次性告知书",
           doc="收到材料后5个工作日内一次性书面告知需补正的全部材料；逾期不告知的，自收到材料之日起即为受理。")
    # 行政许可法 art. 32: the engine computes correction_notice_deadline (5 working days after receipt);
    # past it the notice is refused and the application counts as accepted from receipt
    p.boundary_timer("correction_notice_overdue", "逾期未一次性告知", "one_time_notice", time_date="correction_notice_deadline")
    p.script("mark_deemed_accepted", "视为受理（自收到材料之日起）", L,
             "deemed_accepted = True\naccepted_as_of = received_at")
    p.script("log_correction", "记录补正告知", L, """
correction_notices = correction_notices + [{'missing_items': missing_items, 'notice_date': notice_date,
                                            'notice_document_no': notice_document_no}]
correction_rounds = len(correction_notices)
""")
    # 补正 waiting: the limit runs from complete materials (not counted)
    p.user("resubmission", "接收补正材料", L, "acceptance_resubmission", duty="accept", pauses_clock=True)
    p.user("non_acceptance", "不予受理（书面说明理由）", L, "acceptance_refusal", time_limit="1WD", duty="accept",
           documents="不予受理通知书")
    p.script("mark_not_accepted", "不予受理", L, "accepted = False")
    p.user("issue_receipt", "出具受理回执", L, "acceptance_receipt", time_limit="1WD", duty="accept",
           documents="受理回执")
    p.script("mark_accepted", "已受理", L, "accepted = True")
    p.end("acc_accepted", "已受理", L)
    p.end("acc_not_accepted", "不予受理", L)
    p.chain("acc_start", "acc_init", "register_application", "check_materials", "gw_materials")
    p.flow("gw_materials", "issue_receipt", "齐全且符合条件", "materials_complete == True and conditions_met == True")
    p.flow("gw_materials", "non_acceptance", "不符合受理条件", "materials_complete == True and conditions_met == False")
    p.flow("gw_materials", "one_time_notice", "材料不齐全", default=True)
    p.chain("one_time_notice", "log_correction", "resubmission", "check_materials")
    p.chain("non_acceptance", "mark_not_accepted", "acc_not_accepted")
    p.chain("issue_receipt", "mark_accepted", "acc_accepted")
    p.chain("correction_notice_overdue", "mark_deemed_accepted", "issue_receipt")
    return p


def block_review() -> Process:
    p = Process("block_review", "审核（经办人→站所负责人→分管领导）",
                ["window_clerk", "handler", "station_head", "deputy"], _doc("block_review"))  # fmt: skip
    p.start("rev_start", "提交审核", "handler")
    p.script("rev_init", "开始审核", "handler", """
try:
    review_rounds
except NameError:
    review_rounds = 0
""")
    p.user("handler_review", "经办人初审", "handler", "review_handler", time_limit="3WD", duty="review",
           documents="审核审批表")
    p.gateway("gw_handler", "经办人意见", "handler")
    p.user("collect_supplement", "接收补充材料", "window_clerk", "review_supplement", duty="accept", pauses_clock=True)
    p.user("station_head_review", "站所负责人审核", "station_head", "review_station_head", time_limit="2WD",
           duty="review", documents="审核审批表")
    p.gateway("gw_station_head", "站所负责人意见", "station_head")
    # the deputy signs off (签批): the approving duty, so he must not have reviewed at a lower level
    p.user("deputy_review", "分管领导审核签批", "deputy", "review_deputy", time_limit="2WD", duty="approve",
           documents="审核审批表")
    p.gateway("gw_deputy", "分管领导意见", "deputy")
    p.script("conclude_review", "形成审核结论", "deputy", """
review_rounds = review_rounds + 1
review_approved = deputy_conclusion == 'approve'
""")
    p.end("rev_end", "审核完成", "deputy")
    p.chain("rev_start", "rev_init", "handler_review", "gw_handler")
    p.flow("gw_handler", "collect_supplement", "要求补充材料", "handler_action == 'request_supplement'")
    p.flow("gw_handler", "station_head_review", "提交审核", default=True)
    p.flow("collect_supplement", "handler_review")
    p.chain("station_head_review", "gw_station_head")
    p.flow("gw_station_head", "handler_review", "退回经办人", "station_head_action == 'return_to_handler'")
    p.flow("gw_station_head", "deputy_review", "报分管领导", default=True)
    p.chain("deputy_review", "gw_deputy")
    p.flow("gw_deputy", "station_head_review", "退回站所负责人", "deputy_action == 'return_to_station_head'")
    p.flow("gw_deputy", "handler_review", "退回经办人", "deputy_action == 'return_to_handler'")
    p.flow("gw_deputy", "conclude_review", "签署意见", default=True)
    p.chain("conclude_review", "rev_end")
    return p


QUORUM_SCRIPT = """
rule = quorum_fraction_major if major_matter else quorum_fraction
recused_members = [r['member'] for r in recused]
expected_count = len(expected_members)
quorum_count = len([m for m in attendees if m in expected_members and m not in recused_members])
if rule['comparison'] == 'gte':
    quorum_met = quorum_count * rule['denominator'] >= expected_count * rule['numerator']
else:
    quorum_met = quorum_count * rule['denominator'] > expected_count * rule['numerator']
present_members = [m for m in attendees if m != host and m not in recused_members]
meeting_round = meeting_round + 1
stances = []
signatures = []
chief_reason_required = False
del rule
"""

MAJORITY_SCRIPT = """
member_counts = {k: len([s for s in stances if s['stance'] == k]) for k in ['agree', 'disagree', 'defer', 'abstain']}
majority = [k for k in ['agree', 'disagree', 'defer', 'abstain'] if member_counts[k] * 2 > len(stances)]
majority_stance = majority[0] if majority else 'none'
del majority
"""

CHIEF_REASON_MISSING = (
    "majority_stance != 'none' and chief_stance != majority_stance and len(chief_reason.strip()) == 0"
)

TALLY_SCRIPT = """
all_stances = stances + [{'member': host, 'stance': chief_stance, 'reason': chief_reason, 'chief': True}]
vote_counts = {k: len([s for s in all_stances if s['stance'] == k]) for k in ['agree', 'disagree', 'defer', 'abstain']}
vote_names = {k: [s['member'] for s in all_stances if s['stance'] == k] for k in ['agree', 'disagree', 'defer', 'abstain']}
agree_votes = vote_counts['agree']
if pass_fraction['comparison'] == 'gte':
    votes_pass = agree_votes * pass_fraction['denominator'] >= expected_count * pass_fraction['numerator']
else:
    votes_pass = agree_votes * pass_fraction['denominator'] > expected_count * pass_fraction['numerator']
deferred = chief_stance == 'defer' or vote_counts['defer'] * 2 > len(all_stances)
collective_passed = votes_pass and not deferred
meeting_outcome = 'deferred' if deferred else ('passed' if votes_pass else 'rejected')
dissents = [{'member': s['member'], 'stance': s['stance'], 'reason': s['reason']}
            for s in all_stances if s['stance'] != 'agree']
minutes_problems = []
del all_stances
"""

MINUTES_CHECK = """
recorded_dissent = {d['member']: d['opinion'] for d in minutes['dissent']}
recorded_stances = {s['member']: s['stance'] for s in minutes['member_opinions']}
minutes_problems = (
    [d['member'] + '：不同意见未如实载明' for d in dissents if d['reason'] not in recorded_dissent.get(d['member'], '')]
    + [m + '：表态未记录或与表态不符' for m in [s['member'] for s in stances] + [host]
       if recorded_stances.get(m) != ([s['stance'] for s in stances if s['member'] == m] + [chief_stance])[0]]
    + (['表决结果与计票不符'] if minutes['result'] != vote_counts else [])
)
minutes_complete = len(minutes_problems) == 0
del recorded_dissent, recorded_stances
"""

RECORD_MEETING = """
meeting_records = meeting_records + [{
    'round': meeting_round, 'meeting_time': meeting_time, 'place': place, 'host': host,
    'outcome': meeting_outcome, 'vote_counts': vote_counts, 'expected_count': expected_count,
    'minutes': minutes, 'signatures': signatures,
}]
"""


def block_collective_decision() -> Process:
    lanes = ["handler", "recorder", "committee_member", "chief"]
    p = Process("block_collective_decision", "集体决策（会议签到、逐一表态、末位表态、计票、纪要签字）", lanes,
                _doc("block_collective_decision"))  # fmt: skip
    p.start("cd_start", "提交集体研究", "recorder")
    p.script("cd_init", "会议规则", "recorder", RULE_DEFAULTS)
    p.user("meeting_attendance", "会议签到（应到、实到、缺席、回避）", "recorder", "meeting_attendance",
           documents="会议签到表")
    p.script("check_quorum", "核对法定人数", "recorder", QUORUM_SCRIPT)
    p.gateway("gw_quorum", "达到法定人数？", "recorder")
    p.user("reschedule_meeting", "改期召开", "recorder", "meeting_reschedule")
    p.user("member_stance", "班子成员逐一表态", "committee_member", "member_stance", stance=True,
           mi={"input": "present_members", "output": "stances", "item": "member", "output_item": "stance_record"})
    p.script("compute_majority", "汇总成员意见", "committee_member", MAJORITY_SCRIPT)
    p.user("chief_stance", "主持人末位表态", "chief", "chief_stance", presider=True,
           doc="会议主持人（主要负责人；其缺席时为其指定的分管领导）最后表态；与多数意见不同的，须当场说明理由。")
    p.gateway("gw_chief_reason", "与多数意见不同且未说明理由？", "chief")
    p.script("require_chief_reason", "要求说明理由", "chief", "chief_reason_required = True")
    p.script("tally_votes", "计票（以应到会人数为基数）", "chief", TALLY_SCRIPT)
    p.user("record_minutes", "会议记录", "recorder", "meeting_minutes", documents="会议记录、会议纪要",
           doc="如实记录时间、地点、主持人、出席/缺席/列席、记录人、议题、各成员意见、不同意见、表决结果和决定。")
    p.script("check_minutes", "核对会议记录", "recorder", MINUTES_CHECK)
    p.gateway("gw_minutes", "记录完整？", "recorder")
    p.script("prepare_signing", "确定签字人", "recorder", "signatories = present_members + [host]\nsignatures = []")
    p.call("sign_minutes_round", "与会人员及主持人签字", "committee_member", "block_minutes_signing")
    p.script("record_meeting", "会议归卷", "recorder", RECORD_MEETING)
    p.gateway("gw_outcome", "会议结果", "recorder")
    p.user("prepare_next_meeting", "缓议：补充调查、核实情况", "handler", "meeting_followup", time_limit="10WD")
    p.end("cd_end", "集体决策完成", "recorder")
    p.chain("cd_start", "cd_init", "meeting_attendance", "check_quorum", "gw_quorum")
    p.flow("gw_quorum", "member_stance", "达到", "quorum_met == True")
    p.flow("gw_quorum", "reschedule_meeting", "未达到", default=True)
    p.flow("reschedule_meeting", "meeting_attendance")
    p.chain("member_stance", "compute_majority", "chief_stance", "gw_chief_reason")
    p.flow("gw_chief_reason", "require_chief_reason", "未说明理由", CHIEF_REASON_MISSING)
    p.flow("require_chief_reason", "chief_stance")
    p.flow("gw_chief_reason", "tally_votes", default=True)
    p.chain("tally_votes", "record_minutes", "check_minutes", "gw_minutes")
    p.flow("gw_minutes", "record_minutes", "记录不完整", "minutes_complete == False")
    p.flow("gw_minutes", "prepare_signing", "完整", default=True)
    p.chain("prepare_signing", "sign_minutes_round", "record_meeting", "gw_outcome")
    p.flow("gw_outcome", "prepare_next_meeting", "缓议", "meeting_outcome == 'deferred'")
    p.flow("prepare_next_meeting", "meeting_attendance")
    p.flow("gw_outcome", "cd_end", "通过/未通过", default=True)
    return p


def block_minutes_signing() -> Process:
    p = Process("block_minutes_signing", "会议记录签字", ["committee_member"], _doc("block_minutes_signing"))
    L = "committee_member"
    p.start("sign_start", "记录完成", L)
    p.user("sign_minutes", "审阅记录并签字", L, "minutes_signature", documents="会议记录签字页",
           mi={"input": "signatories", "output": "signatures", "item": "member", "output_item": "signature"})
    p.end("sign_end", "签字完成", L)
    p.chain("sign_start", "sign_minutes", "sign_end")
    return p


def block_public_notice() -> Process:
    p = Process("block_public_notice", "公示（张贴、公示期）", ["handler"], _doc("block_public_notice"))
    L = "handler"
    p.start("pn_start", "开始公示", L)
    p.user("post_notice", "张贴公示并拍照留档", L, "notice_post", time_limit="1WD", documents="公示、公示照片")
    # notice_start/notice_end/notice_history are computed by the engine when the notice is posted
    # (the start is the server time, the end from the township's period; every round is kept)
    p.script("open_notice", "公示期开始", L, """
notice_round = len(notice_history)
notice_completed = False
""")
    p.timer("notice_period", "公示期", L, time_date="notice_end", pauses_clock=True)  # 公示期不计入办理时限
    p.script("close_notice", "公示期满", L, """
notice_completed = True
notice_history = notice_history[:-1] + [{**notice_history[-1], 'status': 'completed'}]
""")
    p.end("pn_end", "公示结束", L)
    p.chain("pn_start", "post_notice", "open_notice", "notice_period", "close_notice", "pn_end")
    return p


VILLAGE_TALLY = """
if village_quorum['comparison'] == 'gte':
    village_quorum_met = village_present_count * village_quorum['denominator'] >= village_expected_count * village_quorum['numerator']
else:
    village_quorum_met = village_present_count * village_quorum['denominator'] > village_expected_count * village_quorum['numerator']
pass_base = village_expected_count if village_pass['base'] == 'expected' else village_present_count
if village_pass['comparison'] == 'gte':
    village_pass_met = village_agree_count * village_pass['denominator'] >= pass_base * village_pass['numerator']
else:
    village_pass_met = village_agree_count * village_pass['denominator'] > pass_base * village_pass['numerator']
village_counts_valid = (village_present_count <= village_expected_count
                        and village_agree_count + village_disagree_count + village_abstain_count <= village_present_count)
village_passed = village_quorum_met and village_pass_met and village_counts_valid
del pass_base
"""


def block_village_evaluation() -> Process:
    p = Process("block_village_evaluation", "村级民主评议", ["village_committee"], _doc("block_village_evaluation"))
    L = "village_committee"
    p.start("ve_start", "提请村级评议", L)
    p.user("village_meeting", "召开评议会议并记录", L, "village_evaluation", time_limit="5WD",
           documents="民主评议记录、签字表",
           doc="法定人数到会、乡镇干部到场、评议结果当场公布、参会人员签字。")
    p.script("tally_village", "统计到会与表决", L, VILLAGE_TALLY)
    p.gateway("gw_village_valid", "到会人数达到、数据无误？", L)
    p.end("ve_end", "评议完成", L)
    p.chain("ve_start", "village_meeting", "tally_village", "gw_village_valid")
    p.flow("gw_village_valid", "village_meeting", "重新召开", "village_quorum_met == False or village_counts_valid == False")
    p.flow("gw_village_valid", "ve_end", "有效", default=True)
    return p


def block_filing() -> Process:
    p = Process("block_filing", "立卷归档", ["archivist"], _doc("block_filing"))
    L = "archivist"
    p.start("fi_start", "办结", L)
    p.user("archive_case", "立卷归档", L, "filing_archive", time_limit="5WD", documents="卷内目录、备考表")
    p.end("fi_end", "已归档", L)
    p.chain("fi_start", "archive_case", "fi_end")
    return p


BLOCKS = {
    "block_acceptance": block_acceptance,
    "block_review": block_review,
    "block_collective_decision": block_collective_decision,
    "block_minutes_signing": block_minutes_signing,
    "block_public_notice": block_public_notice,
    "block_village_evaluation": block_village_evaluation,
    "block_filing": block_filing,
}

# blocks a block calls (call activities inside blocks)
BLOCK_CALLS = {"block_collective_decision": ["block_minutes_signing"]}
