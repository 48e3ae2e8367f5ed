"""Demo cases of the institutions, after seed_demo (each carries a `demo_seed` key, made once):
a 大额资金 matter whose materials were circulated, a 四议两公开 resolution on the notice board,
a 问责 case waiting for the person concerned to state his side, a recorded talk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from engine import services
from engine.management.demo_addon import DemoAddOnCommand
from engine.institutions.services import start_procedure
from engine.models import AccountabilityRecord, AuditEvent, Case, Organization, WorkItem



class _Run:
    def __init__(self, users: dict[str, Any], township: Organization, now: datetime) -> None:
        self.users, self.township, self.now = users, township, now
        self.case: Case | None = None

    def day(self) -> str:
        return timezone.localtime(self.now).date().isoformat()

    def start(self, code: str, actor: str, data: dict[str, Any]) -> None:
        self.case = start_procedure(code, actor=self.users[actor], organization=self.township, now=self.now, data=data)

    def do(self, bpmn_id: str, actor: str, data: dict[str, Any]) -> None:
        self.now += timedelta(minutes=30)
        item = WorkItem.objects.filter(case=self.case, bpmn_id=bpmn_id).order_by("created_at", "id").first()
        self.case = services.complete_task(self.case.pk, task_id=item.task_id, actor=self.users[actor], data=data,
                                           now=self.now)  # fmt: skip


def scenarios(users: dict[str, Any], township: Organization, now: datetime) -> list[tuple[str, str, Callable]]:
    def fund() -> Case:
        r = _Run(users, township, now - timedelta(days=1))
        r.start("SZ-04", "recorder", {"topic": "拨付防汛物资采购资金", "fund_amount": 50000, "demo_seed": "sanzhong_fund"})
        r.do("proposal", "deputy", {"topic": "拨付防汛物资采购资金", "summary": "采购沙袋和抽水泵", "basis": "防汛预案",
                                    "materials": ["采购清单", "询价记录"], "fund_amount": 50000, "fund_purpose": "防汛物资",
                                    "budget_source": "乡级预备费", "legal_review_needed": False})  # fmt: skip
        r.do("circulate_materials", "recorder", {"circulation_method": "当面送达", "materials_sent": ["议题材料"]})
        return r.case

    def village() -> Case:
        r = _Run(users, township, now - timedelta(days=2))
        r.start("SY-01", "village_committee", {"village": "东村", "matter": "修建村文化广场", "demo_seed": "siyi_notice"})
        r.do("party_proposal", "village_committee", {"proposal_text": "修建村文化广场", "proposed_at": r.day(),
                                                     "proposal_record_ref": "TY-001"})  # fmt: skip
        r.do("committees_deliberation", "village_committee", {
            "meeting_date": r.day(), "members_total": 7, "members_present": 7, "deliberation_opinion": "同意",
            "deliberation_agreed": True})  # fmt: skip
        r.do("party_members_review", "village_committee", {
            "meeting_date": r.day(), "party_members_total": 30, "party_members_present": 26, "party_members_agree": 24,
            "review_opinion": "同意"})  # fmt: skip
        r.do("villagers_resolution", "village_committee", {
            "attendance_basis": "representatives", "meeting_date": r.day(), "base_total": 45, "present_count": 32,
            "agree_count": 28, "disagree_count": 2, "abstain_count": 2, "resolution_text": "同意修建村文化广场，预算12万元",
            "signature_ref": "QD-001"})  # fmt: skip
        r.do("post_notice", "handler", {
            "notice_title": "东村“四议两公开”决议公开", "notice_place": "东村村务公开栏",
            "notice_content": "村民代表会议决议：修建村文化广场（应到45人，实到32人，同意28人）", "photo_ref": "ZP-SY-001",
            "objection_channel": "监督电话12388；意见箱设在村委会"})  # fmt: skip
        return r.case

    def wenze() -> Case:
        r = _Run(users, township, now - timedelta(hours=6))
        record = AccountabilityRecord.objects.filter(township=township).order_by("created_at", "id").first()
        source = ({"source": "accountability_record", "accountability_record": record.pk} if record is not None
                  else {"source": "inspection"})  # fmt: skip
        r.start("WZ-01", "discipline_inspector", {**source, "persons_concerned": ["handler"], "responsibility_code": "ZR-13",
                                                  "matter": "高龄津贴申请久拖不办", "demo_seed": "wenze_hearing"})  # fmt: skip
        r.do("investigation", "discipline_inspector", {
            "facts": "申请登记后20日未办理", "evidence": ["督办记录", "受理登记表"],
            "investigators": ["discipline_inspector", "纪委委员"], "investigated_at": r.day()})  # fmt: skip
        return r.case

    def talk() -> Case:
        r = _Run(users, township, now - timedelta(days=3))
        r.start("TH-01", "discipline_inspector", {"talk_kind": "daily_education", "persons": ["handler", "station_head"],
                                                  "demo_seed": "talk_recorded"})  # fmt: skip
        r.do("record_talk", "discipline_inspector", {
            "talk_kind": "daily_education", "talk_date": r.day(), "talkers": ["discipline_inspector"],
            "persons": ["handler", "station_head"], "subject": "民政资金发放廉政提醒",
            "summary": "讲解低保资金“一卡通”发放纪律和近亲属备案要求", "follow_up": "三个月后回访",
            "follow_up_needed": True, "person_signed": True})  # fmt: skip
        return r.case

    return [
        ("sanzhong_fund", "“三重一大”大额资金，已会前酝酿（待开会）", fund),
        ("siyi_notice", "“四议两公开”决议公开中（东村）", village),
        ("wenze_hearing", "问责：待当事人陈述和申辩（王经办）", wenze),
        ("talk_recorded", "日常教育谈话已记录（待回访）", talk),
    ]


def seed(users: dict[str, Any], township: Organization, now: datetime) -> list[tuple[str, Case]]:
    made = []
    for key, label, build in scenarios(users, township, now):
        existing = AuditEvent.objects.filter(kind=AuditEvent.Kind.CASE_STARTED, payload__data__demo_seed=key).first()
        made.append((label, existing.case if existing is not None else build()))
    return made


class Command(DemoAddOnCommand):
    help = "在演示乡镇（seed_demo 之后）加入制度程序的演示案件：“三重一大”、“四议两公开”、问责、“四谈话”。可重复运行。"
    usernames = ("recorder", "deputy", "village_committee", "handler", "discipline_inspector", "station_head")
    seed = seed

    def line(self, made: tuple[str, Case]) -> str:
        label, case = made
        return f"{case.reference:<28} {case.id}  {case.get_status_display()}  {label}"
