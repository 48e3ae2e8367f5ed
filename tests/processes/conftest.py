"""Fixtures for the catalog tests: a copy of the catalog files to break, a loaded catalog, a DB snapshot."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from processes.catalog_data import CATALOG_DIR, CatalogLoadReport, load_catalog_data
from processes.models import Category, LegalBasis, Position, Power, Responsibility, RiskPoint, TownshipSetting

LOADED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """A writable copy of processes/catalog/ (YAML files and schemas)."""
    return Path(shutil.copytree(CATALOG_DIR, tmp_path / "catalog"))


@pytest.fixture
def loaded_at() -> datetime:
    return LOADED_AT


@pytest.fixture
def loaded(db) -> CatalogLoadReport:
    return load_catalog_data(CATALOG_DIR, now=LOADED_AT)


@pytest.fixture
def edit_catalog(catalog_dir: Path):
    """`edit_catalog(name, old, new)`: replace one exact, unique fragment of a file in `catalog_dir`."""

    def edit(name: str, old: str, new: str) -> None:
        path = catalog_dir / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return edit


def _state() -> dict[str, Any]:
    """Every catalog row by natural key, so two loads or a round trip can be compared exactly."""
    powers = {}
    for power in Power.objects.prefetch_related("responsibilities").order_by("code"):
        values = {k: v for k, v in power.__dict__.items() if not k.startswith("_") and k != "id"}
        values["responsibilities"] = sorted(r.code for r in power.responsibilities.all())
        powers[power.code] = values
    return {
        "settings": list(TownshipSetting.objects.order_by("key").values("key", "value", "label", "note")),
        "positions": list(Position.objects.order_by("code").values("code", "name", "order", "description")),
        "categories": list(
            Category.objects.order_by("code").values("code", "name", "order", "flow", "description")
        ),
        "responsibilities": [
            {k: v for k, v in r.items() if k != "id"}
            for r in Responsibility.objects.order_by("code").values()
        ],
        "powers": powers,
        "legal_bases": [
            {k: v for k, v in b.items() if k not in ("id", "power_id")}
            for b in LegalBasis.objects.order_by("power__code", "position").values(
                "power__code", *_fields(LegalBasis)
            )
        ],
        "risk_points": [
            {k: v for k, v in r.items() if k not in ("id", "power_id")}
            for r in RiskPoint.objects.order_by("power__code", "position").values(
                "power__code", *_fields(RiskPoint)
            )
        ],
    }


def _fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


@pytest.fixture
def catalog_state():
    """A function returning the whole catalog as plain data."""
    return _state


@pytest.fixture
def row_counts():
    """A function returning how many rows each catalog table holds."""

    def counts() -> dict[str, int]:
        models = [TownshipSetting, Position, Category, Responsibility, Power, LegalBasis, RiskPoint]
        return {model.__name__: model.objects.count() for model in models}

    return counts


# =============================================================================================
# Power processes: register a power's definition and drive a case through the engine services
# (start_case, complete_task, send_message, fire_due_timers), one user per role. Task data comes
# from POWER_FORM_DATA (one factory per form, the "everything in order" answer) merged with the
# scenario's overrides per BPMN id.
# =============================================================================================

from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import timedelta  # noqa: E402

from engine import audit, services  # noqa: E402
from engine.models import Case, WorkItem  # noqa: E402
from engine.replay import replay_case  # noqa: E402
from processes.bpmn_build.sources import definition_sources  # noqa: E402

# lane (position name) -> the user who acts in it
LANE_USERS = {
    "窗口受理员": "clerk", "经办人": "handler", "站所负责人": "station_head", "分管领导": "deputy",
    "主要负责人": "chief", "记录人": "recorder", "档案管理员": "archivist", "村委会": "village", "纪检委员": "inspector",
}  # fmt: skip
MEMBERS = ["chief", "alice", "bob", "carol"]  # 应到会: the chief (host) and three members
# user -> the positions (codes) he holds in the township
POSITIONS_HELD = {
    "clerk": ["window_clerk"], "handler": ["handler"], "station_head": ["station_head"], "deputy": ["deputy"],
    "chief": ["chief", "committee_member"], "alice": ["committee_member"], "bob": ["committee_member"],
    "carol": ["committee_member"], "recorder": ["recorder"], "archivist": ["archivist"],
    "village": ["village_committee"], "inspector": ["discipline_inspector"],
}  # fmt: skip


def register_power(process_id: str):
    """Register the committed files of a power (power file + blocks it calls + forms) as its definition."""
    definition, _ = services.register_definition(process_id=process_id, sources=definition_sources(process_id))
    return definition


@pytest.fixture
def staff(make_user, township) -> dict:
    """One user per role, each holding the position of his lane in the township."""
    from tests.conftest import staff_holding

    return staff_holding(POSITIONS_HELD, make_user=make_user, organization=township)


def _minutes(d: CaseDriver, item: WorkItem) -> dict:
    """Minutes with every field of DOMAIN.md §3.3, built from what was submitted in this meeting."""
    att = {**d.last("meeting_attendance"), "host": d.presider()}
    chief = d.last("chief_stance")
    everyone = [*d.meeting_stances,
                {"member": att["host"], "stance": chief["chief_stance"], "reason": chief["chief_reason"]}]
    counts = {k: len([s for s in everyone if s["stance"] == k]) for k in ("agree", "disagree", "defer", "abstain")}
    return {"minutes": {
        "meeting_time": att["meeting_time"], "place": att["place"], "host": att["host"], "present": att["attendees"],
        "absent": [{"member": a["member"], "reason": a["reason"]} for a in att["absentees"]],
        "nonvoting": att["nonvoting_attendees"], "recorder": att["recorder"], "topic": att["topic"],
        "matters": "经办站所汇报调查、审核情况，与会人员逐一发表意见",
        "member_opinions": [{"member": s["member"], "stance": s["stance"], "opinion": s.get("reason", "") or "同意"}
                            for s in everyone],
        "other_opinions": "",
        "dissent": [{"member": s["member"], "opinion": s["reason"]} for s in everyone if s["stance"] != "agree"],
        "result": counts,
        "decision": "通过" if counts["agree"] * 2 > len(MEMBERS) else "未通过或缓议",
    }}  # fmt: skip


def _day(d: CaseDriver, days: int = 0) -> str:
    return (d.now + timedelta(days=days)).date().isoformat()


def _at(d: CaseDriver, **delta: float) -> str:
    return (d.now + timedelta(**delta)).isoformat(timespec="seconds")


def _daytime(d: CaseDriver, hour: int) -> str:
    return (d.now + timedelta(days=1)).replace(hour=hour, minute=0, second=0, microsecond=0).isoformat()


POWER_FORM_DATA: dict[str, Callable[[CaseDriver, WorkItem], dict]] = {
    "acceptance_register": lambda d, i: {
        "applicant": "张三", "applicant_contact": "13800000000",
        "application_channel": "窗口", "matter": "申请办理", "materials_received": ["申请书", "身份证复印件"]},
    "acceptance_check": lambda d, i: {"materials_complete": True, "conditions_met": True, "check_opinion": "材料齐全"},
    "acceptance_correction_notice": lambda d, i: {
        "missing_items": ["户口簿复印件", "收入证明"], "notice_document_no": "GZ-001", "notice_method": "当面送达"},
    "acceptance_resubmission": lambda d, i: {"resubmitted_items": ["户口簿复印件", "收入证明"]},
    "acceptance_refusal": lambda d, i: {
        "refusal_reasons": "申请事项不属于本乡职权范围", "refusal_document_no": "BSL-001", "refusal_served_at": _day(d),
        "refusal_remedy": "可向县相关部门申请"},
    "acceptance_receipt": lambda d, i: {
        "receipt_number": "HZ-001", "promised_date": _day(d, 14), "first_responder_phone": "0351-1234567",
        "complaint_phone": "12345"},
    "review_handler": lambda d, i: {
        "handler_action": "forward", "handler_opinion": "经审查符合条件", "handler_recommendation": "approve"},
    "review_supplement": lambda d, i: {"supplement_received": ["补充说明"], "supplement_received_at": _day(d)},
    "review_station_head": lambda d, i: {
        "station_head_action": "forward", "station_head_opinion": "同意经办意见", "station_head_recommendation": "approve"},
    "review_deputy": lambda d, i: {"deputy_action": "conclude", "deputy_opinion": "同意", "deputy_conclusion": "approve"},
    "meeting_attendance": lambda d, i: {
        "meeting_kind": "党政联席会议", "matter_type": "ordinary", "meeting_time": _at(d), "place": "乡政府三楼会议室",
        "recorder": "recorder", "topic": "研究审议事项", "attendees": list(MEMBERS),
        "absentees": [], "nonvoting_attendees": ["handler"], "recused": []},
    "meeting_reschedule": lambda d, i: {"reschedule_reason": "未达到法定人数", "next_meeting_time": _at(d, days=3)},
    "member_stance": lambda d, i: {"stance": "agree"},
    "chief_stance": lambda d, i: {"chief_stance": "agree", "chief_reason": ""},
    "meeting_minutes": _minutes,
    "minutes_signature": lambda d, i: {"confirmed": True},
    "meeting_followup": lambda d, i: {
        "followup_findings": "补充核实了申请人家庭收入", "followup_materials": ["收入核实表"],
        "next_meeting_time": _at(d, days=7)},
    "notice_post": lambda d, i: {
        "notice_title": "公示", "notice_place": "村务公开栏", "notice_content": "户主：张*，拟保障人数：3",
        "photo_ref": "ZP-001",
        "objection_channel": "监督电话12388；意见箱设在村委会"},
    "village_evaluation": lambda d, i: {
        "village_meeting_kind": "村民代表会议", "village_meeting_date": _day(d), "village_expected_count": 30,
        "village_present_count": 25, "village_agree_count": 22, "village_disagree_count": 2,
        "village_abstain_count": 1, "village_supervisor": "handler", "village_signature_ref": "QZ-001",
        "village_opinion": "同意"},
    "filing_archive": lambda d, i: {
        "archive_number": "WS-2026-001", "retention": "定期30年", "archived_at": _day(d),
        "volume_contents": ["申请书", "审核表", "决定书"]},
    "rejection_notice": lambda d, i: {
        "rejection_kind": "不予批准", "rejection_reasons": "经审核不符合条件", "rejection_document_no": "BY-001",
        "rejection_served_at": _day(d), "remedy_notice": "可在60日内申请行政复议或6个月内提起行政诉讼"},
    "objection_examination": lambda d, i: {
        "objection_register_no": "YY-001", "examination_method": "重新入户调查", "objection_finding": "异议不成立",
        "objection_upheld": False, "objection_evidence_ref": "ZJ-001", "objector_informed_at": _day(d)},
    "site_inspection": lambda d, i: {
        "inspectors": ["handler", "station_head"], "inspected_at": _day(d), "site_findings": "四至清楚",
        "site_photos_ref": "XC-001", "site_conditions_met": True},
    "decision_report": lambda d, i: {
        "decision_approved": True, "decision_opinion": "同意上报", "report_department": "县民政局",
        "reported_at": _day(d)},
    "county_result": lambda d, i: {
        "county_approved": True, "county_document_no": "县批〔2026〕1号", "county_decided_at": _day(d)},
    "decision_grant": lambda d, i: {
        "decision_approved": True, "decision_document_no": "JD-001", "decided_at": _day(d), "decision_content": "准予"},
    "service_delivery": lambda d, i: {
        "service_document": "决定书", "service_method": "直接送达", "served_at": _day(d), "service_recipient": "张三",
        "service_receipt_ref": "SD-001"},
    "investigation_household": lambda d, i: {
        "investigators": ["handler", "station_head"], "investigated_at": _day(d), "household_members": 3,
        "household_income_monthly": 320.5, "economic_check_ref": "HD-001", "investigation_findings": "情况属实",
        "investigators_signed": True, "applicant_signed": True, "related_to_staff": False, "household_eligible": True},
    "investigation_verification": lambda d, i: {
        "investigators": ["handler", "station_head"], "investigated_at": _day(d), "verification_findings": "情况属实",
        "applicant_signed": True, "verification_passed": True},
    "disbursement": lambda d, i: {
        "disbursed_amount": 1200, "disbursed_at": _day(d), "payment_channel": "一卡通", "account_masked": "6217****1234",
        "finance_checked_by": "财政所李四"},
    "case_registration": lambda d, i: {
        "case_source": "巡查发现", "party": "王五", "violation_summary": "未经批准建住宅", "discovered_at": _day(d),
        "registered": True, "registration_approver": "station_head"},
    "investigation_enforcement": lambda d, i: {
        "officers": [{"name": "赵一", "certificate_no": "ZF-01"}, {"name": "钱二", "certificate_no": "ZF-02"}],
        "certificates_shown": True, "recusal_informed": True, "evidence": ["现场照片", "询问笔录"],
        "facts_found": "事实清楚", "violation_established": True, "major_case": True, "proposed_action": "拟处罚款",
        "av_record_ref": "YX-001"},
    "legal_review": lambda d, i: {
        "legal_reviewer": "司法所孙六", "legal_review_opinion": "程序合法", "legal_review_passed": True},
    "hearing_notice": lambda d, i: {
        "hearing_notice_no": "GZ-002", "hearing_notice_served_at": _day(d), "statement_received": True,
        "statement_summary": "当事人称不知情；复核不成立", "hearing_requested": True},
    "hearing_record": lambda d, i: {
        "hearing_date": _day(d), "hearing_host": "司法所孙六", "hearing_participants": ["王五"],
        "hearing_record_ref": "TZ-001", "hearing_opinion": "维持拟处罚意见"},
    "penalty_decision": lambda d, i: {
        "decision_approved": True, "penalty_kinds": ["罚款"], "fine_amount": 1000, "discretion_basis": "一般情节",
        "decision_document_no": "CF-001", "decided_at": _day(d)},
    "penalty_execution": lambda d, i: {
        "execution_method": "银行代收罚款", "payment_receipt_no": "YH-001", "executed_at": _day(d),
        "execution_note": "已缴纳"},
    "enforcement_publicity": lambda d, i: {
        "published_at": _day(d), "publicity_channel": "政府网站", "publicity_ref": "http://example.org/gs/1",
        "privacy_redacted": True},
    "order_correction": lambda d, i: {
        "order_document_no": "ZL-001", "order_content": "停止建设，限期拆除", "order_served_at": _day(d),
        "correction_deadline": _day(d, 15)},
    "correction_check": lambda d, i: {
        "checked_at": _day(d), "checkers": ["handler", "station_head"], "corrected": False, "check_findings": "未改正"},
    "demand_notice": lambda d, i: {
        "demand_document_no": "CG-001", "demand_served_at": _day(d), "performance_deadline": _day(d, 10),
        "statement_right_notified": True},
    "statement_record": lambda d, i: {
        "statement_made": True, "statement_content": "要求宽限", "statement_review_opinion": "理由不成立",
        "statement_adopted": False},
    "coercion_decision": lambda d, i: {
        "decision_approved": True, "decision_document_no": "QZ-001", "decided_at": _day(d),
        "enforcement_scope": "拆除违法建筑", "remedy_period_end": _at(d, days=183)},
    "self_demolition_check": lambda d, i: {
        "demolition_checked_at": _day(d), "self_demolished": False, "demolition_check_findings": "未拆除"},
    "remedy_check": lambda d, i: {"remedy_outcome": "none_filed", "remedy_checked_at": _day(d), "remedy_note": "未申请"},
    "demolition_execution": lambda d, i: {
        "execution_start": _daytime(d, 9), "execution_end": _daytime(d, 12), "not_night_or_holiday": True,
        "execution_personnel": ["handler", "station_head"], "witnesses": ["村民代表"], "property_inventory_ref": "QD-001",
        "av_record_ref": "YX-002", "execution_result": "已拆除"},
    "emergency_report": lambda d, i: {
        "event_type": "自然灾害", "event_level": "一般", "event_summary": "暴雨致河堤险情", "reported_at": _at(d),
        "registered": True, "registration_approver": "chief"},
    "emergency_measures": lambda d, i: {
        "measures_taken": "转移群众，征用挖掘机抢险", "decided_by": "deputy", "executed_at": _at(d),
        "requisitioned": [{"owner": "刘七", "item": "挖掘机一台", "condition": "完好"}], "av_record_ref": "YX-003"},
    "compensation_payment": lambda d, i: {
        "compensation": [{"owner": "刘七", "amount": 3000}], "compensation_paid_at": _day(d),
        "payment_channel": "银行转账", "finance_checked_by": "财政所李四"},
    "investigation_dispute": lambda d, i: {
        "investigators": ["handler", "station_head"], "investigated_at": _day(d), "site_survey_ref": "KY-001",
        "evidence": ["土地证", "证人证言"], "dispute_facts": "四至争议"},
    "mediation_record": lambda d, i: {
        "mediators": ["handler"], "mediation_date": _day(d), "parties_present": ["甲", "乙"],
        "mediation_summary": "双方陈述", "mediation_result": "agreement"},
    "mediation_agreement": lambda d, i: {
        "agreement_no": "TJ-001", "agreement_terms": "以田埂为界", "parties_signed": True, "mediator_signed": True,
        "seal_affixed": True, "signed_at": _day(d)},
    "mediation_referral": lambda d, i: {
        "referred_to": "arbitration", "referral_notice_at": _day(d), "limitation_notice": "仲裁时效为二年"},
    "adjudication_decision": lambda d, i: {
        "decision_document_no": "CL-001", "decided_at": _day(d), "determination": "争议地使用权归甲",
        "status_quo_notice": True},
    "service_adjudication": lambda d, i: {
        "service_method": "直接送达", "served_at": _day(d), "service_recipient": "甲、乙", "service_receipt_ref": "SD-002",
        "suit_notice_given": True, "suit_deadline": _day(d, 30)},
    "audit_registration": lambda d, i: {
        "audited_village": "东村", "audit_kind": "年度审计", "audit_period": "2025年度", "registered": True,
        "registration_approver": "deputy"},
    "audit_fieldwork": lambda d, i: {
        "auditors": ["handler", "station_head"], "fieldwork_from": _day(d), "fieldwork_to": _day(d, 5),
        "audit_findings": "账目基本清楚", "problems": ["白条入账2笔"], "audited_party_confirmed": True},
    "audit_conclusion": lambda d, i: {
        "audit_report_no": "SJ-001", "audit_conclusion_text": "基本合规", "rectification_items": ["规范票据"],
        "accountability_advice": "无", "concluded_at": _day(d)},
}  # fmt: skip

Override = dict | list | Callable[["CaseDriver", WorkItem], dict]


@dataclass
class CaseDriver:
    """Runs a case to its end through the services, answering every task as the user of its lane.

    `overrides` maps a BPMN id to extra data: a dict (every time), a list (one per occurrence, the
    last one repeating) or a callable (driver, work item) -> dict. `hooks` maps a BPMN id to a
    callable run right after that task was completed (e.g. to send an objection).
    """

    process_id: str
    staff: dict
    township: Any
    now: datetime
    overrides: dict[str, Override] = field(default_factory=dict)
    hooks: dict[str, Callable[[CaseDriver], None]] = field(default_factory=dict)
    case: Case | None = None
    submitted: list[tuple[str, str, dict]] = field(default_factory=list)  # (bpmn_id, member, data)
    meeting_stances: list[dict] = field(default_factory=list)
    timers_fired: list[str] = field(default_factory=list)

    def tick(self, minutes: int = 1) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now

    def start(self, data: dict | None = None) -> Case:
        start = {"applicant": "张三"}
        start.update(data or {})
        start = {k: v for k, v in start.items() if v is not None}  # None: leave the key out
        self.case = services.start_case(process_id=self.process_id, actor=self.staff["clerk"],
                                        organization=self.township, now=self.tick(), data=start)  # fmt: skip
        return self.case

    def refresh(self) -> Case:
        self.case = Case.objects.get(pk=self.case.pk)
        return self.case

    def computed(self, bpmn_id: str) -> dict:
        """The data the last completion of `bpmn_id` stored: what was typed plus what the rules computed."""
        from engine.models import AuditEvent

        event = AuditEvent.objects.filter(case=self.case, kind=AuditEvent.Kind.TASK_COMPLETED, bpmn_id=bpmn_id)
        return event.order_by("-sequence").first().payload["data"]

    def presider(self) -> str:
        return self.computed("meeting_attendance")["host"]

    def count(self, bpmn_id: str) -> int:
        return len([s for s in self.submitted if s[0] == bpmn_id])

    def last(self, bpmn_id: str) -> dict:
        return [s[2] for s in self.submitted if s[0] == bpmn_id][-1]

    def ready(self) -> list[WorkItem]:
        """Ready work items; the chief's instance of a multi-instance task last (末位)."""
        items = list(WorkItem.objects.filter(case=self.case).order_by("created_at", "id"))
        return sorted(items, key=lambda i: i.member == "chief")

    def answer(self, item: WorkItem) -> dict:
        data = dict(POWER_FORM_DATA[item.form](self, item)) if item.form else {}
        override = self.overrides.get(item.bpmn_id)
        if isinstance(override, list):
            override = override[min(self.count(item.bpmn_id), len(override) - 1)]
        if callable(override):
            override = override(self, item)
        data.update(override or {})
        return {k: v for k, v in data.items() if v is not None}

    def complete(self, item: WorkItem, data: dict | None = None) -> Case:
        data = self.answer(item) if data is None else data
        user = self.staff[item.member] if item.member else self.staff[LANE_USERS[item.lane]]
        self.case = services.complete_task(self.case.pk, task_id=item.task_id, actor=user, data=data, now=self.tick())
        self.submitted.append((item.bpmn_id, item.member, data))
        if item.bpmn_id == "meeting_attendance":
            self.meeting_stances = []
        if item.bpmn_id == "member_stance":
            self.meeting_stances.append({"member": item.member, **data})
        hook = self.hooks.get(item.bpmn_id)
        if hook is not None:
            hook(self)
        return self.case

    def fire_timers(self) -> None:
        due = self.refresh().next_timer_due
        assert due is not None, "the case waits for nothing"
        self.now = max(self.now, due) + timedelta(seconds=1)
        self.timers_fired += list(self.case.timers.filter(status="pending").values_list("bpmn_id", flat=True))
        assert services.fire_due_timers(now=self.now) == 1
        self.refresh()

    def step(self) -> bool:
        """Do the next thing (complete the first ready task, else fire the due timer); False when over."""
        if self.refresh().status != Case.Status.RUNNING:
            return False
        items = self.ready()
        if items:
            self.complete(items[0])
        else:
            self.fire_timers()
        return True

    def run_until(self, bpmn_id: str, max_steps: int = 400) -> WorkItem:
        """Run until a task with `bpmn_id` is ready (without completing it)."""
        for _ in range(max_steps):
            match = [i for i in self.ready() if i.bpmn_id == bpmn_id]
            if match:
                return match[0]
            assert self.step(), f"the case ended before {bpmn_id}"
        raise AssertionError(f"{bpmn_id} not reached in {max_steps} steps")

    def run(self, max_steps: int = 400) -> Case:
        for _ in range(max_steps):
            if not self.step():
                return self.case
        raise AssertionError(f"not finished after {max_steps} steps; ready: {[i.bpmn_id for i in self.ready()]}")

    def object(self, text: str = "申请人家庭有隐瞒收入") -> Case:
        """An objection during the notice period (the message `objection`)."""
        self.case = services.send_message(self.case.pk, name="objection", data={"content": text, "objector": "匿名"},
                                          actor=None, now=self.tick())  # fmt: skip
        return self.case

    def completed_ids(self) -> list[str]:
        return [s[0] for s in self.submitted]


def assert_closed(case: Case, *, approved: bool) -> dict:
    """The case is completed, its final data says approved/rejected, its chain and its replay are intact."""
    case = Case.objects.get(pk=case.pk)
    assert case.status == Case.Status.COMPLETED
    assert audit.verify_case(case).ok
    report = replay_case(case)
    assert report.ok, (report.divergence, report.chain)
    assert report.status == Case.Status.COMPLETED
    assert report.data["approved"] is approved
    assert report.data["outcome"] == ("approved" if approved else "rejected")
    return report.data


@pytest.fixture
def drive(staff, township, t0):
    """drive(process_id, start=..., hooks=..., **overrides) -> a started CaseDriver of a freshly registered power."""

    def make(process_id: str, *, start: dict | None = None, hooks: dict | None = None, **overrides) -> CaseDriver:
        register_power(process_id)
        driver = CaseDriver(process_id, staff, township, t0, overrides=overrides, hooks=hooks or {})
        driver.start(start)
        return driver

    return make
