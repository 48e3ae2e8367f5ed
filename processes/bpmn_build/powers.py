"""The 31 powers: one compact description each, turned into a BPMN process by its category's builder.

The table mirrors DOMAIN.md §2 (and processes/catalog/powers.yaml once it exists; the tests compare
them): which collective decisions a power has, whether it has a public notice and where, whether
the township only reviews and reports to the county (审核转报), and the 五不直接分管 areas.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from processes.bpmn_build.model import POSITIONS, Process

LANE_ORDER = ["window_clerk", "village_committee", "handler", "station_head", "deputy", "chief", "archivist"]

# village-level vote rules (processes/catalog/settings.yaml village.*, 村民委员会组织法, 农村土地承包法)
VILLAGE_RULES = {
    # 民主评议: 应到会 2/3 以上出席, 到会 2/3 以上同意
    "village_eval": ({"numerator": 2, "denominator": 3, "comparison": "gte", "base": "expected"},
                     {"numerator": 2, "denominator": 3, "comparison": "gte", "base": "present"}),
    # 村民会议 2/3 以上成员或 2/3 以上村民代表同意 (农村土地承包法 第28/52条)
    "village_2_3": ({"numerator": 1, "denominator": 2, "comparison": "gt", "base": "expected"},
                    {"numerator": 2, "denominator": 3, "comparison": "gte", "base": "expected"}),
    # 一事一议 村民会议: 过半数到会, 到会过半数通过
    "villagers_meeting": ({"numerator": 1, "denominator": 2, "comparison": "gt", "base": "expected"},
                          {"numerator": 1, "denominator": 2, "comparison": "gt", "base": "present"}),
}  # fmt: skip


@dataclass(frozen=True)
class PowerSpec:
    code: str  # catalog code, e.g. "JF-01"
    name: str
    flow: str  # benefit, permit, confirmation, penalty, coercion, emergency, adjudication, mediation, audit
    village: str | None = None  # key of VILLAGE_RULES
    leaders: bool = False  # 乡镇集体决策 (班子会/党政联席会议/负责人集体讨论)
    notice: str | None = None  # None, "before_decision", "after_decision"
    transfer: bool = False  # 审核转报: the county decides after the township's opinion
    site_inspection: bool = False  # 现场踏勘/现场核查 (permits, 危房改造)
    investigation: bool = False  # 入户核查 for confirmations
    tags: tuple[str, ...] = ()  # 五不直接分管 areas of the decision
    collective_types: tuple[str, ...] = field(default=("none",))  # catalog collective_decisions

    @property
    def slug(self) -> str:
        return self.code.lower().replace("-", "_")

    @property
    def process_id(self) -> str:
        return f"power_{self.slug}"


B, P, C = "benefit", "permit", "confirmation"
POWERS: list[PowerSpec] = [
    PowerSpec("XK-01", "农村村民宅基地审批（乡镇审核/审批）", P, village="village_eval", notice="before_decision",
              site_inspection=True, tags=("行政审批",), collective_types=("village_eval",)),
    PowerSpec("XK-02", "乡村建设规划许可证（受理、初审、转报/核发）", P, notice="after_decision", transfer=True,
              site_inspection=True, tags=("行政审批",)),
    PowerSpec("XK-03", "农村集体土地发包给本集体经济组织以外单位或个人承包的批准", P, village="village_2_3",
              leaders=True, notice="before_decision", tags=("行政审批",),
              collective_types=("village_2_3", "leaders_meeting")),
    PowerSpec("XK-04", "承包期内个别农户承包地调整的审核批准", P, village="village_2_3", notice="before_decision",
              transfer=True, tags=("行政审批",), collective_types=("village_2_3",)),
    PowerSpec("CF-01", "对农村村民未经批准或违反规划建住宅的处罚", "penalty", leaders=True, tags=("行政审批",),
              collective_types=("penalty_collective",)),
    PowerSpec("CF-02", "对损坏村庄集镇房屋、公共设施，乱堆粪便垃圾柴草破坏村容镇貌和环境卫生的处罚", "penalty",
              leaders=True, tags=("行政审批",), collective_types=("penalty_collective",)),
    PowerSpec("CF-03", "擅自在村庄集镇规划区内街道、广场、市场、车站等场所修建临时建筑物、构筑物和其他设施的处罚",
              "penalty", leaders=True, tags=("行政审批",), collective_types=("penalty_collective",)),
    PowerSpec("CF-04", "殡葬违法行为处理（应火化遗体土葬、在公墓和农村公益性墓地以外区域建坟）", "penalty",
              leaders=True, tags=("行政审批",), collective_types=("penalty_collective",)),
    PowerSpec("QZ-01", "对乡、村庄规划区内未取得或未按乡村建设规划许可证建设的责令停止建设、限期改正，逾期不改正的强制拆除",
              "coercion", leaders=True, notice="after_decision", tags=("行政审批",),
              collective_types=("leaders_meeting",)),
    PowerSpec("QZ-02", "突发事件应急处置措施（含应急征用单位和个人财产）", "emergency", leaders=True,
              notice="after_decision", tags=("财务", "物资采购"), collective_types=("leaders_meeting",)),
    PowerSpec("JF-01", "农村最低生活保障申请受理、调查、审核（初审）", B, village="village_eval", leaders=True,
              notice="before_decision", transfer=True, tags=("财务", "行政审批"),
              collective_types=("village_eval", "leaders_meeting")),
    PowerSpec("JF-02", "特困人员（农村五保）救助供养审核", B, village="village_eval", notice="before_decision",
              transfer=True, tags=("财务", "行政审批"), collective_types=("village_eval",)),
    PowerSpec("JF-03", "临时救助审核（小额由乡镇审批）", B, village="village_eval", notice="before_decision",
              transfer=True, tags=("财务", "行政审批"), collective_types=("village_eval",)),
    PowerSpec("JF-04", "医疗救助申请审核", B, notice="before_decision", transfer=True, tags=("财务", "行政审批")),
    PowerSpec("JF-05", "受灾人员冬春/过渡期生活救助对象审核", B, village="village_eval", notice="before_decision",
              transfer=True, tags=("财务", "行政审批"), collective_types=("village_eval",)),
    PowerSpec("JF-06", "农村危房改造补助对象审核", B, village="village_eval", leaders=True, notice="before_decision",
              transfer=True, site_inspection=True, tags=("财务", "工程项目", "行政审批"), collective_types=("village_eval", "leaders_meeting")),
    PowerSpec("JF-07", "义务兵家庭优待金审核发放", B, notice="before_decision", tags=("财务",)),
    PowerSpec("JF-08", "高龄津贴（80周岁以上）申请审核", B, notice="before_decision", transfer=True, tags=("财务",)),
    PowerSpec("JF-09", "耕地地力保护补贴（原粮食直补/农资综合补贴）面积核实与发放", B, notice="before_decision",
              transfer=True, tags=("财务",)),
    PowerSpec("QR-01", "农村部分计划生育家庭奖励扶助对象资格确认（初审）", C, village="village_eval",
              notice="before_decision", transfer=True, investigation=True, tags=("行政审批",),
              collective_types=("village_eval",)),
    PowerSpec("QR-02", "计划生育家庭特别扶助对象资格确认（初审）", C, village="village_eval",
              notice="before_decision", transfer=True, investigation=True, tags=("行政审批",),
              collective_types=("village_eval",)),
    PowerSpec("QR-03", "独生子女父母光荣证核发（注销）", C, tags=("行政审批",)),
    PowerSpec("QR-04", "生育登记服务（一孩/二孩生育登记、生育服务证）", C, tags=("行政审批",)),
    PowerSpec("QR-05", "残疾人证申领受理、初审", C, transfer=True, tags=("行政审批",)),
    PowerSpec("CJ-01", "个人之间、个人与单位之间土地所有权和使用权争议处理", "adjudication", leaders=True,
              collective_types=("leaders_meeting",)),
    PowerSpec("CJ-02", "个人之间、个人与单位之间林木所有权和林地使用权争议处理", "adjudication", leaders=True,
              collective_types=("leaders_meeting",)),
    PowerSpec("QT-01", "农村土地承包经营纠纷调解", "mediation"),
    PowerSpec("QT-02", "民间纠纷调解/处理", "mediation"),
    PowerSpec("QT-03", "适龄儿童、少年延缓入学或休学批准；对不送适龄子女入学的批评教育、责令限期改正", P,
              tags=("行政审批",)),
    PowerSpec("QT-04", "村民一事一议筹资筹劳方案审核", P, village="villagers_meeting", notice="before_decision",
              transfer=True, tags=("财务", "工程项目"), collective_types=("village_eval",)),
    PowerSpec("QT-05", "村级财务审计（含村干部任期和离任经济责任审计）", "audit", leaders=True,
              notice="after_decision", tags=("财务",), collective_types=("leaders_meeting",)),
]  # fmt: skip

START_NAMES = {
    "penalty": "发现违法行为", "coercion": "发现违法建设", "emergency": "发生突发事件", "audit": "启动审计",
}  # fmt: skip
REJECTION_NAMES = {
    "permit": "书面告知不予许可理由", "benefit": "书面告知不予救助（给付）理由", "confirmation": "书面告知不予确认理由",
    "penalty": "书面告知不予立案/不予处罚理由", "coercion": "书面告知终结、不予强制执行理由",
    "emergency": "书面记录不予启动/不予追认理由", "adjudication": "书面告知驳回申请理由",
    "mediation": "书面告知终止调解理由", "audit": "书面告知不予立项理由",
}  # fmt: skip

# the documents (文书) of each stage block, printed on the wall poster under the step
CALL_DOCUMENTS = {
    "block_acceptance": "受理回执、一次性告知书", "block_review": "审核审批表",
    "block_village_evaluation": "民主评议记录", "block_collective_decision": "会议记录、会议纪要",
    "block_public_notice": "公示、公示照片", "block_filing": "卷内目录",
}  # fmt: skip
CONCLUDE_APPROVED = "approved = True\noutcome = 'approved'"
CONCLUDE_REJECTED = "approved = False\noutcome = 'rejected'"
EXECUTION_TIME_CHECK = """
execution_time_ok = (not_night_or_holiday == True and execution_start[:10] == execution_end[:10]
                     and int(execution_start[11:13]) >= 6
                     and execution_end[11:16] <= '22:00' and execution_start[11:16] < execution_end[11:16])
"""


class Builder:
    """Chains a power's steps left to right; gateways send their 'no' branch to the rejection path."""

    def __init__(self, spec: PowerSpec) -> None:
        self.spec = spec
        self.p = Process(spec.process_id, spec.name, list(POSITIONS), _documentation(spec))
        self.pending: list[tuple[str, str | None, str | None, bool]] = []
        p = self.p
        p.start("start", START_NAMES.get(spec.flow, "申请人提出申请"), self._first_lane())
        p.script("init_case", "开始办理", self._first_lane(), _init_script(spec))
        p.flow("start", "init_case")
        self.pending = [("init_case", None, None, False)]
        # the tail shared by both outcomes: conclude, file, end
        p.script("conclude_approved", "办结（准予）", "handler", CONCLUDE_APPROVED)
        p.script("conclude_rejected", "办结（不予）", "handler", CONCLUDE_REJECTED)
        p.call("filing", "立卷归档", "archivist", "block_filing")
        p.gateway("gw_final", "办理结果", "archivist")
        p.end("end_approved", "办结（准予）", "archivist")
        p.end("end_rejected", "办结（不予）", "archivist")
        p.flow("conclude_approved", "filing")
        p.flow("conclude_rejected", "filing")
        p.flow("filing", "gw_final")
        p.flow("gw_final", "end_approved", "准予", "approved == True")
        p.flow("gw_final", "end_rejected", "不予", default=True)

    def _first_lane(self) -> str:
        return "handler" if self.spec.flow in ("penalty", "coercion", "emergency", "audit") else "window_clerk"

    # -------------------------------------------------------------- chaining
    def to(self, node_id: str) -> str:
        for source, name, condition, default in self.pending:
            self.p.flow(source, node_id, name, condition, default=default)
        self.pending = [(node_id, None, None, False)]
        return node_id

    def user(self, id: str, name: str, lane: str, form: str, **kw) -> str:
        self.p.user(id, name, lane, form, **kw)
        return self.to(id)

    def call(self, id: str, name: str, lane: str, block: str) -> str:
        self.p.call(id, name, lane, block, documents=CALL_DOCUMENTS.get(block))
        return self.to(id)

    def rejection(self) -> str:
        if "written_rejection" not in self.p.nodes:
            self.p.user("written_rejection", REJECTION_NAMES[self.spec.flow], "handler", "rejection_notice",
                        time_limit="3WD", doc="不予办理的，书面说明理由并告知申请复议或提起诉讼的权利。",
                        documents="不予办理决定书（载明理由和救济途径）")  # fmt: skip
            self.p.flow("written_rejection", "conclude_rejected")
        return "written_rejection"

    def split(self, gw: str, name: str, lane: str) -> None:
        """A deciding gateway at the end of the chain; when several branches arrive there they first meet
        in a merging gateway of their own (a gateway never both merges and splits: bpmnlint's
        no-gateway-join-fork, docs/bpmn-conventions.md)."""
        if len(self.pending) > 1:
            self.p.gateway(f"{gw}_merge", "", lane)
            self.to(f"{gw}_merge")
        self.p.gateway(gw, name, lane)
        self.to(gw)

    def check(self, gw: str, name: str, lane: str, condition: str, yes: str, no: str, no_to: str | None = None) -> None:
        """A gateway whose condition continues the chain; anything else goes to `no_to` (rejection)."""
        self.split(gw, name, lane)
        self.p.flow(gw, no_to or self.rejection(), no, default=True)
        self.pending = [(gw, yes, condition, False)]

    def optional(self, gw: str, name: str, lane: str, condition: str, yes: str, no: str, branch) -> None:
        """A gateway that runs `branch()` when the condition holds and skips it otherwise."""
        self.split(gw, name, lane)
        self.pending = [(gw, yes, condition, False)]
        branch()
        self.pending.append((gw, no, None, True))

    # -------------------------------------------------------------- stages
    def acceptance(self) -> None:
        self.call("acceptance", "受理", "window_clerk", "block_acceptance")
        self.p.gateway("gw_accepted", "受理？", "window_clerk")
        self.to("gw_accepted")
        self.p.flow("gw_accepted", "conclude_rejected", "不予受理", default=True)
        self.pending = [("gw_accepted", "受理", "accepted == True", False)]

    def village(self) -> None:
        self.call("village_evaluation", "村级民主评议", "village_committee", "block_village_evaluation")
        self.check("gw_village", "评议通过？", "village_committee", "village_passed == True", "通过", "未通过")

    def review(self) -> None:
        self.call("review", "审核（经办人→站所负责人→分管领导）", "handler", "block_review")
        self.check("gw_review", "审核同意？", "handler", "review_approved == True", "同意", "不同意")

    def collective(self, no: str = "未通过") -> None:
        self.call("collective_decision", "集体研究决定", "chief", "block_collective_decision")
        self.check("gw_collective", "集体决定通过？", "chief", "collective_passed == True", "通过", no)

    def notice(self) -> None:
        p = self.p
        self.call("public_notice", "公示", "handler", "block_public_notice")
        p.boundary_signal("notice_interrupted", "异议成立", "public_notice", "objection_upheld")
        p.flow("notice_interrupted", "review", "重新审核")
        sub = p.event_subprocess("objections", "公示异议处理", "station_head")
        sub.message_start("objection_received", "收到异议", "objection")
        sub.user("examine_objection", "异议登记与核查", None, "objection_examination", time_limit="5WD",
                 doc="登记异议人（保密）、内容和证据；重新入户调查或重新评议后作出核查结论并反馈异议人。")
        sub.gateway("gw_objection_upheld", "异议成立？", None)
        sub.signal_throw("raise_objection_upheld", "中止公示，重新审核", None, "objection_upheld")
        sub.end("objection_closed", "异议处理完毕", None)
        sub.flow("objection_received", "examine_objection")
        sub.flow("examine_objection", "gw_objection_upheld")
        sub.flow("gw_objection_upheld", "raise_objection_upheld", "成立", "objection_upheld == True")
        sub.flow("gw_objection_upheld", "objection_closed", "不成立", default=True)
        sub.flow("raise_objection_upheld", "objection_closed")

    def decision(self, name: str, form: str = "decision_grant") -> None:
        s = self.spec
        if s.transfer:
            self.user("decision", "乡镇审核意见并转报县级", "deputy", "decision_report", time_limit="3WD",
                      tags=s.tags, duty="approve", documents="审核意见表")
            self.check("gw_decision", "同意上报？", "deputy", "decision_approved == True", "同意上报", "不同意")
            self.user("county_result", "登记县级审批结果", "handler", "county_result", documents="县级批复",
                      pauses_clock=True)  # the county decides: not the township's time
            self.check("gw_county", "县级批准？", "handler", "county_approved == True", "批准", "不批准")
        else:
            self.user("decision", name, "deputy", form, time_limit="3WD", tags=s.tags, duty="approve",
                      documents="决定书")
            self.check("gw_decision", "准予？", "deputy", "decision_approved == True", "准予", "不予")

    def approve(self) -> None:
        self.to("conclude_approved")
        self.pending = []

    # -------------------------------------------------------------- result
    def process(self) -> Process:
        if self.pending:
            raise ValueError(f"{self.spec.code}: the chain does not end in conclude_approved")
        used = {n.lane for n in self.p.nodes.values()}
        self.p.lanes = [code for code in LANE_ORDER if code in used]
        return self.p


# ---------------------------------------------------------------------------------------------
# Category builders
# ---------------------------------------------------------------------------------------------


def _site_inspection(b: Builder) -> None:
    b.user("site_inspection", "现场踏勘（双人）", "handler", "site_inspection", time_limit="3WD",
           documents="现场踏勘记录、照片")
    b.check("gw_site", "符合条件？", "handler", "site_conditions_met == True", "符合", "不符合")


def _permit(b: Builder) -> None:
    s = b.spec
    b.acceptance()
    if s.village:
        b.village()
    if s.site_inspection:
        _site_inspection(b)
    b.review()
    if s.leaders:
        b.collective()
    if s.notice == "before_decision":
        b.notice()
    b.decision("作出许可决定")
    if s.notice == "after_decision":
        b.notice()
    b.user("service", "送达（发证）", "window_clerk", "service_delivery", time_limit="2WD", documents="送达回证")
    b.approve()


def _benefit(b: Builder) -> None:
    s = b.spec
    b.acceptance()
    b.user("investigation", "入户调查、家庭经济状况核对（双人）", "handler", "investigation_household",
           time_limit="10WD", doc="两名以上工作人员入户调查，调查人与申请人在调查表上签字。",
           documents="入户调查表、家庭经济状况核对报告")
    b.check("gw_eligible", "符合条件？", "handler", "household_eligible == True", "符合", "不符合")
    if s.site_inspection:
        _site_inspection(b)
    if s.village:
        b.village()
    b.review()
    if s.leaders:
        b.collective()
    if s.notice == "before_decision":
        b.notice()
    b.decision("作出给付决定")
    if s.notice == "after_decision":
        b.notice()
    b.user("disbursement", "资金发放（一卡通直发）", "handler", "disbursement", time_limit="5WD", tags=("财务",),
           documents="发放花名册")
    b.approve()


def _confirmation(b: Builder) -> None:
    s = b.spec
    b.acceptance()
    if s.investigation:
        b.user("investigation", "入户核查（双人）", "handler", "investigation_verification", time_limit="5WD",
               documents="入户核查表")
        b.check("gw_verified", "核查属实？", "handler", "verification_passed == True", "属实", "不属实")
    if s.village:
        b.village()
    b.review()
    if s.leaders:
        b.collective()
    if s.notice == "before_decision":
        b.notice()
    b.decision("作出确认决定")
    b.user("service", "送达（发证、登记）", "window_clerk", "service_delivery", time_limit="2WD",
           documents="证书、送达回证")
    b.approve()


def _registration(b: Builder, form: str = "case_registration", name: str = "立案",
                  documents: str = "立案审批表") -> None:  # fmt: skip
    b.user("case_registration", name, "handler", form, time_limit="5WD", documents=documents)
    b.check("gw_registered", "立案？", "handler", "registered == True", "立案", "不予立案")


def _penalty(b: Builder) -> None:
    _registration(b)
    b.user("investigation", "调查取证（两名以上执法人员）", "handler", "investigation_enforcement", time_limit="30D",
           doc="出示执法证件，告知回避权利，全过程记录。", documents="现场检查笔录、询问笔录")
    b.check("gw_established", "违法事实成立？", "handler", "violation_established == True", "成立", "不成立")
    b.review()

    def legal() -> None:
        b.user("legal_review", "重大执法决定法制审核", "station_head", "legal_review", time_limit="5WD",
               documents="法制审核意见书")
        b.check("gw_legal", "审核通过？", "station_head", "legal_review_passed == True", "通过", "补充调查",
                no_to="investigation")

    b.optional("gw_major", "情节复杂或重大？", "handler", "major_case == True", "是", "否", legal)
    b.user("hearing_notice", "告知陈述、申辩和听证权利", "handler", "hearing_notice", time_limit="3WD",
           documents="行政处罚事先告知书")

    def hearing() -> None:
        b.user("hearing", "组织听证", "station_head", "hearing_record", time_limit="20D", documents="听证笔录",
               pauses_clock=True)  # 听证时间不计入期限

    b.optional("gw_hearing", "要求听证？", "handler", "hearing_requested == True", "要求", "未要求", hearing)
    b.optional("gw_collective_needed", "须集体讨论？", "handler", "major_case == True", "是", "否",
               lambda: b.collective("集体讨论不予处罚"))
    b.user("decision", "作出行政处罚决定", "deputy", "penalty_decision", time_limit="5WD", tags=b.spec.tags,
           duty="approve", documents="行政处罚决定书")
    b.check("gw_decision", "给予处罚？", "deputy", "decision_approved == True", "处罚", "不予处罚")
    b.user("service", "送达处罚决定书", "handler", "service_delivery", time_limit="7D", documents="送达回证")
    b.user("execution", "执行（罚缴分离）", "handler", "penalty_execution",
           doc="罚款由当事人到指定银行缴纳，执法人员不得自行收缴。", documents="罚款缴款凭证")
    b.user("public_notice", "行政执法决定公示", "handler", "enforcement_publicity", time_limit="20WD",
           documents="行政执法决定公示")
    b.approve()


def _coercion(b: Builder) -> None:
    _registration(b)
    b.user("investigation", "现场勘查、调查取证（两名以上执法人员）", "handler", "investigation_enforcement")
    b.check("gw_established", "违法建设成立？", "handler", "violation_established == True", "成立", "不成立")
    b.user("order_correction", "责令停止建设、限期改正", "handler", "order_correction", time_limit="3WD",
           documents="责令限期改正通知书")
    b.user("correction_check", "逾期复查", "handler", "correction_check", pauses_clock=True)  # the party's period
    b.check("gw_corrected", "逾期未改正？", "handler", "corrected == False", "未改正", "已自行改正")
    b.user("demand_notice", "催告履行", "handler", "demand_notice", time_limit="10WD", documents="催告书")
    b.user("statement", "听取陈述、申辩", "handler", "statement_record", time_limit="3WD",
           documents="陈述申辩笔录")
    b.check("gw_statement", "理由不成立？", "handler", "statement_adopted == False", "不成立", "理由成立")
    b.review()
    b.user("legal_review", "重大执法决定法制审核", "station_head", "legal_review", time_limit="5WD",
           documents="法制审核意见书")
    b.check("gw_legal", "审核通过？", "station_head", "legal_review_passed == True", "通过", "补充调查",
            no_to="investigation")
    b.collective("集体决定不予强制执行")
    b.user("decision", "作出强制执行决定", "deputy", "coercion_decision", time_limit="3WD", tags=b.spec.tags,
           duty="approve", documents="强制执行决定书")
    b.check("gw_decision", "决定强制执行？", "deputy", "decision_approved == True", "决定", "不予")
    b.user("service", "送达强制执行决定书", "handler", "service_delivery", time_limit="3WD", documents="送达回证")
    b.notice()  # 强制拆除公告，限期当事人自行拆除（notice_end = 自行拆除期限）
    b.user("self_demolition_check", "限期届满复查", "handler", "self_demolition_check", pauses_clock=True)
    b.p.gateway("gw_self_demolished", "已自行拆除？", "handler")
    b.to("gw_self_demolished")
    b.p.flow("gw_self_demolished", "conclude_approved", "已自行拆除", "self_demolished == True")
    b.pending = [("gw_self_demolished", "未拆除", None, True)]
    b.p.timer("remedy_period", "等待复议、诉讼期限届满", "handler", time_date="remedy_period_end", pauses_clock=True)
    b.to("remedy_period")
    b.user("remedy_check", "核实复议、诉讼情况", "handler", "remedy_check")
    b.check("gw_remedy", "决定维持或未申请救济？", "handler", "remedy_outcome != 'revoked'", "可执行", "被撤销")
    b.user("execution", "强制拆除（不得夜间、法定节假日实施）", "handler", "demolition_execution",
           doc="全过程音像记录；清点、登记、妥善保管屋内财物。", documents="强制执行笔录、财物清单")
    b.p.script("check_execution_time", "核对执行时间", "handler", EXECUTION_TIME_CHECK)
    b.to("check_execution_time")
    b.p.gateway("gw_execution_time", "非夜间、非节假日？", "handler")
    b.to("gw_execution_time")
    b.p.flow("gw_execution_time", "execution", "重新安排执行", default=True)
    b.pending = [("gw_execution_time", "合规", "execution_time_ok == True", False)]
    b.approve()


def _emergency(b: Builder) -> None:
    _registration(b, "emergency_report", "事件报告、启动应急处置", "突发事件报告")
    b.user("execution", "临机处置、应急征用（全程记录）", "handler", "emergency_measures",
           doc="个人临机处置的，事后须向班子报告并经集体追认。", documents="应急处置记录、征用清单")
    b.review()
    b.collective("不予追认")
    b.notice()  # 征用及补偿情况公示
    b.user("disbursement", "发放征用补偿", "handler", "compensation_payment", time_limit="10WD", tags=("财务",),
           documents="补偿发放清单")
    b.approve()


def _mediation_step(b: Builder) -> None:
    """Mediation; an agreement ends the case (approved), a failure continues with the next step."""
    b.user("mediation", "组织调解", "handler", "mediation_record", time_limit="30D", documents="调解笔录")
    b.p.gateway("gw_mediation", "达成协议？", "handler")
    b.to("gw_mediation")
    b.p.user("agreement_signing", "签订调解协议（双方签名、调解人签名、盖章）", "handler", "mediation_agreement",
             documents="调解协议书")
    b.p.flow("gw_mediation", "agreement_signing", "达成", "mediation_result == 'agreement'")
    b.p.flow("agreement_signing", "conclude_approved")
    b.pending = [("gw_mediation", "未达成", None, True)]


def _adjudication(b: Builder) -> None:
    b.acceptance()
    b.user("investigation", "调查取证、现场勘验（双人）", "handler", "investigation_dispute", time_limit="30D",
           documents="调查笔录、现场勘验笔录")
    _mediation_step(b)
    b.review()
    b.collective("驳回申请")
    b.user("decision", "作出处理决定", "deputy", "adjudication_decision", time_limit="5WD", tags=b.spec.tags,
           duty="approve", documents="处理决定书")
    b.user("service", "送达处理决定（告知30日内起诉）", "handler", "service_adjudication", time_limit="7D",
           documents="送达回证")
    b.approve()


def _mediation(b: Builder) -> None:
    b.acceptance()
    _mediation_step(b)
    b.user("referral", "告知申请仲裁或提起诉讼", "handler", "mediation_referral", time_limit="3WD",
           documents="调解终结告知书")
    b.to("conclude_rejected")
    b.pending = []


def _audit(b: Builder) -> None:
    _registration(b, "audit_registration", "审计立项", "审计立项审批表、审计通知书")
    b.user("investigation", "审计实施（两名以上审计人员）", "handler", "audit_fieldwork", time_limit="30D",
           documents="审计工作底稿")
    b.review()
    b.collective("不予通过")
    b.user("decision", "作出审计结论和处理意见", "deputy", "audit_conclusion", time_limit="5WD", tags=b.spec.tags,
           duty="approve", documents="审计报告")
    b.notice()  # 审计结果公示
    b.user("service", "送达审计报告、督促整改", "handler", "service_delivery", time_limit="5WD", documents="送达回证")
    b.approve()


BUILDERS = {
    "permit": _permit, "benefit": _benefit, "confirmation": _confirmation, "penalty": _penalty,
    "coercion": _coercion, "emergency": _emergency, "adjudication": _adjudication, "mediation": _mediation,
    "audit": _audit,
}  # fmt: skip


def _init_script(spec: PowerSpec) -> str:
    lines = [
        f"power_code = {spec.code!r}",
        f"power_name = {spec.name!r}",
        "approved = False",
        "outcome = 'pending'",
    ]
    if spec.village:
        quorum, passing = VILLAGE_RULES[spec.village]
        # the vote rules come from the catalog, never from case data
        lines += [f"village_quorum = {quorum!r}", f"village_pass = {passing!r}"]
    return "\n".join(lines)


def _documentation(spec: PowerSpec) -> str:
    parts = [f"{spec.code} {spec.name}"]
    needs = ["applicant（可选）"]
    parts.append("启动数据：" + "、".join(needs))
    return "。".join(parts)


def build(spec: PowerSpec) -> Process:
    b = Builder(spec)
    BUILDERS[spec.flow](b)
    return b.process()
