"""Driving the institutions' procedures in tests: answers for their forms and a driver that starts
a procedure by its code (engine.institutions.services.start_procedure)."""

from __future__ import annotations

from datetime import datetime, timedelta

from engine import services
from engine.institutions.services import start_procedure
from engine.models import AuditEvent, Case, WorkItem
from processes.procedures import by_code
from tests.processes.conftest import MEMBERS, POWER_FORM_DATA, CaseDriver, _at, _day, register_power

POWER_FORM_DATA.update({
    "sanzhong_proposal_policy": lambda d, i: {
        "topic": "制定本乡农村人居环境整治实施办法", "summary": "整治范围和标准", "basis": "上级文件", "materials": ["办法草案"],
        "scope": "全乡12个村", "consultation": "已征求村两委和群众代表意见"},
    "sanzhong_proposal_personnel": lambda d, i: {
        "topic": "任命党政综合办公室主任", "summary": "拟任人选情况", "basis": "选拔任用工作条例", "materials": ["考察材料"],
        "appointees": [{"person": "handler", "post": "党政综合办公室主任"}], "inspection_summary": "考察合格"},
    "sanzhong_proposal_project": lambda d, i: {
        "topic": "东村道路硬化项目", "summary": "3公里", "basis": "年度计划", "materials": ["预算书"],
        "project_name": "东村道路硬化", "budget": 800000, "tender_method": "公开招标"},
    "sanzhong_proposal_fund": lambda d, i: {
        "topic": "拨付防汛物资采购资金", "summary": "采购沙袋和抽水泵", "basis": "防汛预案", "materials": ["采购清单"],
        "fund_amount": 50000, "fund_purpose": "防汛物资", "budget_source": "乡级预备费", "legal_review_needed": False},
    "sanzhong_circulation": lambda d, i: {"circulation_method": "当面送达", "materials_sent": ["议题材料"]},
    "sanzhong_decision_document": lambda d, i: {
        "document_no": "乡党发〔2026〕1号", "decision_content": "同意", "issued_at": _day(d)},
    "sanzhong_publication": lambda d, i: {"channel": "政务公开栏", "published_at": _day(d), "publicity_ref": "照片GK-001"},
    "sanzhong_appointment_effective": lambda d, i: {"effective_on": _day(d), "appointment_notice_no": "任字〔2026〕1号"},
    "sanzhong_implementation": lambda d, i: {"implementation_summary": "已按决定执行", "completed_at": _day(d)},
    "siyi_party_proposal": lambda d, i: {
        "proposal_text": "修建村文化广场", "proposed_at": _day(d), "proposal_record_ref": "TY-001"},
    "siyi_committees_deliberation": lambda d, i: {
        "meeting_date": _day(d), "members_total": 7, "members_present": 7, "deliberation_opinion": "同意",
        "deliberation_agreed": True},
    "siyi_party_members_review": lambda d, i: {
        "meeting_date": _day(d), "party_members_total": 30, "party_members_present": 26, "party_members_agree": 24,
        "review_opinion": "同意"},
    "siyi_villagers_resolution": lambda d, i: {
        "attendance_basis": "representatives", "meeting_date": _day(d), "base_total": 45, "present_count": 32,
        "agree_count": 28, "disagree_count": 2, "abstain_count": 2, "resolution_text": "同意修建文化广场",
        "signature_ref": "QD-001"},
    "siyi_implementation": lambda d, i: {"implemented_at": _day(d), "implementation_summary": "广场已建成"},
    "wenze_investigation": lambda d, i: {
        "facts": "案件超期5个工作日", "evidence": ["督办记录"], "investigators": ["inspector", "纪委委员乙"],
        "investigated_at": _day(d)},
    "wenze_statement": lambda d, i: {"statement": "当时入户调查人手不足，已补正"},
    "wenze_finding": lambda d, i: {
        "facts_found": "超期办理属实", "responsibility": "直接责任", "proposed_outcome": "criticism_education",
        "finding_reason": "情节轻微，已采纳其说明"},
    "wenze_decision": lambda d, i: {
        "outcome": "criticism_education", "decision_reason": "情节轻微", "decision_document_no": "乡纪〔2026〕1号",
        "decided_at": _day(d)},
    "wenze_notification": lambda d, i: {"served_at": _day(d), "service_method": "直接送达", "appeal_right_informed": True},
    "talk_record": lambda d, i: {
        "talk_kind": "pre_appointment", "talk_date": _day(d), "talkers": ["inspector"], "persons": ["handler"],
        "subject": "任前廉政谈话", "summary": "提出廉洁要求", "follow_up": "任职一年后回访", "follow_up_needed": False,
        "person_signed": True},
    "talk_follow_up": lambda d, i: {"followed_up_at": _day(d), "follow_up_result": "未发现问题"},
})  # fmt: skip

STARTER = {"SZ": "recorder", "SY": "village", "WZ": "inspector", "TH": "inspector"}


def after_circulation(driver: CaseDriver) -> None:
    """Move the clock to the first moment the meeting may open (the computed earliest time)."""
    earliest = datetime.fromisoformat(driver.computed("circulate_materials")["earliest_meeting_at"])
    driver.now = max(driver.now, earliest + timedelta(hours=9))


def meeting(matter_type: str = "major"):
    def answer(driver: CaseDriver, item: WorkItem) -> dict:
        return {"matter_type": matter_type, "meeting_time": _at(driver), "attendees": list(MEMBERS)}

    return answer


def procedure_driver(code: str, staff: dict, township, now: datetime, *, start: dict, hooks: dict | None = None,
                     **overrides) -> CaseDriver:  # fmt: skip
    procedure = by_code(code)
    register_power(procedure.process_id)
    driver = CaseDriver(procedure.process_id, staff, township, now, overrides=overrides, hooks=hooks or {})
    driver.case = start_procedure(code, actor=staff[STARTER[code[:2]]], organization=township, now=driver.tick(),
                                  data=start)  # fmt: skip
    return driver


def counts() -> tuple[int, int, int]:
    from engine.institution_models import AccountabilityOutcome

    return Case.objects.count(), AuditEvent.objects.count(), AccountabilityOutcome.objects.count()


def complete_as(driver: CaseDriver, bpmn_id: str, user: str, data: dict | None = None) -> Case:
    item = next(i for i in driver.ready() if i.bpmn_id == bpmn_id)
    data = driver.answer(item) if data is None else data
    driver.case = services.complete_task(driver.case.pk, task_id=item.task_id, actor=driver.staff[user], data=data,
                                         now=driver.tick())  # fmt: skip
    driver.submitted.append((item.bpmn_id, item.member, data))
    return driver.case
