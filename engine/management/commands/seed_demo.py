"""A demo township: organizations, one user per position with fixed passwords and tokens, and
cases of real powers in different states, all made through the engine's services.

Idempotent: users, assignments and tokens are reconciled; each demo case carries a `demo_seed`
key in its start data and is made only when no case with that key exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from engine import clock, public, services
from engine.models import Assignment, AuditEvent, Case, Complaint, Organization, TownshipSettingValue, WorkItem
from engine.townships import derive_township_list
from processes.models import Position, Power, TownshipSetting

# ------------------------------------------------------------------------------------------
# Who is who
# ------------------------------------------------------------------------------------------

TOWNSHIP_CODE, COUNTY_CODE = "township", "county"
# a second township of the same county, with the same station and village codes, shows that
# townships are tenants: its staff (user names prefixed "b_") and cases are invisible to the first
SECOND_TOWNSHIP, SECOND_NAME, SECOND_PREFIX = "township-b", "东岭乡", "b_"
SECOND_SCENARIOS = ("mid_review", "notice_period", "overdue")
COUNTY_INSPECTOR = ("county_inspector", "严县纪检", "discipline_inspector")  # sees every township
VILLAGES = [("village-dong", "东村"), ("village-xi", "西村"), ("village-nan", "南村")]
STATIONS = "stations"  # marker: every station of the township
COMMITTEE = ["chief", "deputy", "committee_member_1", "committee_member_2", "committee_member_3"]

# username, full name, [(position, organization code or STATIONS, areas)]
USERS: list[tuple[str, str, list[tuple[str, str, tuple[str, ...]]]]] = [
    ("window_clerk", "李受理", [("window_clerk", TOWNSHIP_CODE, ())]),
    ("handler", "王经办", [("handler", STATIONS, ())]),
    ("station_head", "赵所长", [("station_head", STATIONS, ())]),
    (
        "deputy",
        "孙副乡长",
        [("deputy", TOWNSHIP_CODE, ("财务", "行政审批")), ("committee_member", TOWNSHIP_CODE, ())],
    ),
    ("chief", "周书记", [("chief", TOWNSHIP_CODE, ()), ("committee_member", TOWNSHIP_CODE, ())]),
    ("committee_member_1", "吴委员", [("committee_member", TOWNSHIP_CODE, ())]),
    ("committee_member_2", "郑委员", [("committee_member", TOWNSHIP_CODE, ())]),
    ("committee_member_3", "冯委员", [("committee_member", TOWNSHIP_CODE, ())]),
    ("recorder", "陈记录", [("recorder", TOWNSHIP_CODE, ())]),
    ("discipline_inspector", "褚纪检", [("discipline_inspector", TOWNSHIP_CODE, ())]),
    ("archivist", "卫档案", [("archivist", TOWNSHIP_CODE, ())]),
    ("village_agent", "蒋代办", [("village_agent", "village-dong", ())]),
    ("village_committee", "沈村委", [("village_committee", "village-dong", ())]),
    ("administrator", "韩管理", [("administrator", TOWNSHIP_CODE, ())]),
]

ADMIN_USERNAME = "administrator"

# lane (position name in the BPMN) -> the demo user who works it
LANE_USERS = {
    "窗口受理员": "window_clerk",
    "经办人": "handler",
    "站所负责人": "station_head",
    "分管领导": "deputy",
    "主要负责人": "chief",
    "记录人": "recorder",
    "档案管理员": "archivist",
    "村委会": "village_committee",
    "纪检委员": "discipline_inspector",
    "代办员": "village_agent",
    "班子成员": "committee_member_1",
}


def demo_token(username: str) -> str:
    return f"demo-{username}"


def demo_password(username: str) -> str:
    return f"Demo-{username}-2026"


# ------------------------------------------------------------------------------------------
# Form answers ("everything in order"), per form of the power processes
# ------------------------------------------------------------------------------------------


@dataclass
class Answers:
    """The data each form gets; meeting minutes are written from the stances given so far."""

    now: datetime
    applicant: str = "张三"
    stances: list[dict[str, Any]] = field(default_factory=list)
    attendance: dict[str, Any] = field(default_factory=dict)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    prefix: str = ""  # of the township's user names

    def u(self, username: str) -> str:
        return self.prefix + username

    def day(self, days: int = 0) -> str:
        return timezone.localtime(self.now + timedelta(days=days)).date().isoformat()

    def at(self, **delta: float) -> str:
        return timezone.localtime(self.now + timedelta(**delta)).isoformat(timespec="seconds")

    def for_form(self, form: str, bpmn_id: str) -> dict[str, Any]:
        data = dict(self._base(form)) if form else {}
        data.update(self.overrides.get(bpmn_id, {}))
        return data

    def _base(self, form: str) -> dict[str, Any]:
        members = [self.u(m) for m in COMMITTEE]
        everyone = self.stances
        counts = {k: len([s for s in everyone if s["stance"] == k]) for k in ("agree", "disagree", "defer", "abstain")}
        table: dict[str, Callable[[], dict[str, Any]]] = {
            "acceptance_register": lambda: {
                "applicant": self.applicant,
                "applicant_contact": "13812345678",
                "application_channel": "窗口",
                "matter": "申请办理",
                "materials_received": ["申请书", "户口簿和家庭成员身份证"],
            },
            "acceptance_check": lambda: {
                "materials_complete": True,
                "conditions_met": True,
                "check_opinion": "材料齐全，符合受理条件",
            },
            "acceptance_receipt": lambda: {
                "receipt_number": "SL-" + self.day().replace("-", ""),
                "promised_date": self.day(14),
                "first_responder_phone": "0351-5551234",
                "complaint_phone": "12345",
            },
            "investigation_household": lambda: {
                "investigators": [self.u("handler"), self.u("station_head")],
                "investigated_at": self.day(),
                "household_members": 3,
                "household_income_monthly": 320.5,
                "economic_check_ref": "HD-2026-001",
                "investigation_findings": "双人入户，家庭收入情况属实",
                "investigators_signed": True,
                "applicant_signed": True,
                "related_to_staff": False,
                "household_eligible": True,
            },
            "village_evaluation": lambda: {
                "village_meeting_kind": "村民代表会议",
                "village_meeting_date": self.day(),
                "village_expected_count": 30,
                "village_present_count": 26,
                "village_agree_count": 24,
                "village_disagree_count": 1,
                "village_abstain_count": 1,
                "village_supervisor": self.u("handler"),
                "village_signature_ref": "QZ-2026-001",
                "village_opinion": "同意",
            },
            "review_handler": lambda: {
                "handler_action": "forward",
                "handler_opinion": "经审查符合条件",
                "handler_recommendation": "approve",
            },
            "review_station_head": lambda: {
                "station_head_action": "forward",
                "station_head_opinion": "同意经办意见",
                "station_head_recommendation": "approve",
            },
            "review_deputy": lambda: {
                "deputy_action": "conclude",
                "deputy_opinion": "同意",
                "deputy_conclusion": "approve",
            },
            "meeting_attendance": lambda: {
                "meeting_kind": "党政联席会议",
                "meeting_time": self.at(),
                "place": "乡政府三楼会议室",
                "recorder": self.u("recorder"),
                "topic": "研究审议事项",
                "matter_type": "ordinary",
                "attendees": members,
                "absentees": [],
                "nonvoting_attendees": [self.u("handler")],
                "recused": [],
            },
            "member_stance": lambda: {"stance": "agree"},
            "chief_stance": lambda: {"chief_stance": "agree", "chief_reason": ""},
            "meeting_minutes": lambda: {
                "minutes": {
                    "meeting_time": self.attendance.get("meeting_time", self.at()),
                    "place": "乡政府三楼会议室",
                    "host": self.u("chief"),
                    "present": members,
                    "absent": [],
                    "nonvoting": [self.u("handler")],
                    "recorder": self.u("recorder"),
                    "topic": "研究审议事项",
                    "matters": "经办站所汇报调查、审核情况，与会人员逐一发表意见",
                    "member_opinions": [
                        {"member": s["member"], "stance": s["stance"], "opinion": "同意"} for s in everyone
                    ],
                    "other_opinions": "",
                    "dissent": [],
                    "result": counts,
                    "decision": "同意" if counts["agree"] * 2 > len(members) else "不同意或缓议",
                }
            },
            "minutes_signature": lambda: {"confirmed": True},
            "notice_post": lambda: {
                "notice_title": "最低生活保障初审对象公示",
                "notice_place": "东村村务公开栏",
                "notice_content": (
                    f"户主：{self.applicant}，身份证号 140121198001011234，联系电话 13812345678，拟保障人数 3 人"
                ),
                "photo_ref": "ZP-2026-001",
                "objection_channel": "监督电话 12388；意见箱设在村委会",
            },
            "objection_examination": lambda: {
                "objection_register_no": "YY-2026-001",
                "examination_method": "重新入户调查",
                "objection_finding": "经重新入户调查，异议不成立",
                "objection_upheld": False,
                "objection_evidence_ref": "ZJ-2026-001",
                "objector_informed_at": self.day(),
            },
            "decision_report": lambda: {
                "decision_approved": True,
                "decision_opinion": "同意上报",
                "report_department": "县民政局",
                "reported_at": self.day(),
            },
            "county_result": lambda: {
                "county_approved": True,
                "county_document_no": "县民〔2026〕1号",
                "county_decided_at": self.day(),
            },
            "disbursement": lambda: {
                "disbursed_amount": 1200,
                "disbursed_at": self.day(),
                "payment_channel": "一卡通",
                "account_masked": "6217****1234",
                "finance_checked_by": "财政所钱会计",
            },
            "decision_grant": lambda: {
                "decision_approved": True,
                "decision_document_no": "QR-2026-001",
                "decided_at": self.day(),
                "decision_content": "准予",
            },
            "service_delivery": lambda: {
                "service_document": "决定书",
                "service_method": "直接送达",
                "served_at": self.day(),
                "service_recipient": self.applicant,
                "service_receipt_ref": "SD-2026-001",
            },
            "filing_archive": lambda: {
                "archive_number": "WS-2026-001",
                "retention": "定期30年",
                "archived_at": self.day(),
                "volume_contents": ["申请书", "审核表", "决定书"],
            },
        }
        if form not in table:
            raise CommandError(f"演示数据没有表单 {form} 的答案")
        return table[form]()


def task_user(item: WorkItem) -> str:
    """The demo user who acts on a work item: the named member, else the user of its lane."""
    return item.member or LANE_USERS[item.lane]


# ------------------------------------------------------------------------------------------
# Driving a case through the services
# ------------------------------------------------------------------------------------------


class Driver:
    """Advances one case a task at a time, as the demo user of each task, `step` minutes apart."""

    def __init__(self, users: dict[str, Any], answers: Answers, *, step: timedelta = timedelta(minutes=20)) -> None:
        self.users, self.answers, self.step_size = users, answers, step
        self.case: Case | None = None

    @property
    def now(self) -> datetime:
        return self.answers.now

    def tick(self) -> datetime:
        self.answers.now += self.step_size
        return self.answers.now

    def start(
        self, power_code: str, *, township: Organization, data: dict[str, Any], actor: str = "window_clerk"
    ) -> Case:
        power = Power.objects.get(code=power_code)
        start = {"applicant": self.answers.applicant, **data}
        self.case = services.start_case(
            process_id=power.process_id,
            actor=self.users[actor],
            organization=township,
            now=self.now,
            data=start,
            power_code=power_code,
        )
        return self.case

    def ready(self) -> list[WorkItem]:
        return list(WorkItem.objects.filter(case=self.case).order_by("created_at", "id"))

    def complete_next(self) -> WorkItem:
        item = self.ready()[0]
        data = self.answers.for_form(item.form, item.bpmn_id)
        if item.bpmn_id == "meeting_attendance":
            self.answers.stances, self.answers.attendance = [], data
        self.case = services.complete_task(
            self.case.pk, task_id=item.task_id, actor=self.users[task_user(item).removeprefix(self.answers.prefix)],
            data=data, now=self.tick(),
        )
        if item.form == "member_stance":
            self.answers.stances.append({"member": item.member, **data})
        if item.form == "chief_stance":
            self.answers.stances.append({"member": self.answers.u("chief"), "stance": data["chief_stance"]})
        return item

    def run_until(self, done: Callable[[Driver], bool], limit: int = 200) -> Case:
        for _ in range(limit):
            self.case = Case.objects.get(pk=self.case.pk)
            if done(self):
                return self.case
            if self.case.status != Case.Status.RUNNING:
                raise CommandError(f"{self.case.reference} 提前结束")
            if self.ready():
                self.complete_next()
            elif self.case.next_timer_due is not None:
                self.answers.now = max(self.now, self.case.next_timer_due) + timedelta(minutes=1)
                services.fire_case_timers(self.case.pk, now=self.now)
            else:
                raise CommandError(f"{self.case.reference} 无可办理的任务，也不在等待定时")
        raise CommandError(f"{self.case.reference} 在 {limit} 步内未到达目标状态")


def at_task(bpmn_id: str) -> Callable[[Driver], bool]:
    return lambda d: any(i.bpmn_id == bpmn_id for i in d.ready())


def after_task(bpmn_id: str) -> Callable[[Driver], bool]:
    return lambda d: d.case.audit_events.filter(kind=AuditEvent.Kind.TASK_COMPLETED, bpmn_id=bpmn_id).exists()


def finished(d: Driver) -> bool:
    return d.case.status != Case.Status.RUNNING


# ------------------------------------------------------------------------------------------
# The command
# ------------------------------------------------------------------------------------------


class Command(BaseCommand):
    help = "创建演示乡镇：组织、每个岗位一个用户（固定密码和令牌）、若干处于不同状态的案件。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="DEBUG 关闭时也运行（演示令牌是公开的，切勿用于正式环境）",
        )

    def handle(self, *args, allow_production: bool = False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("演示用户的密码和令牌是公开的：DEBUG 关闭时拒绝运行（确需运行请加 --allow-production）")
        if not Position.objects.exists() or not Power.objects.active().exists():
            raise CommandError("请先运行 manage.py load_catalog（载入权力清单和流程）")
        now = clock.now()
        with transaction.atomic():
            county, township = self._organizations()
            users = self._users(township)
            second = self._township(county, SECOND_TOWNSHIP, SECOND_NAME)
            second_users = self._users(second, prefix=SECOND_PREFIX)
            self._county_inspector(county)
        made = self._cases(users, township, now)
        made += self._cases(second_users, second, now, prefix=SECOND_TOWNSHIP + "/", only=SECOND_SCENARIOS)
        self._complaint(now, "mid_review")
        self._complaint(now, SECOND_TOWNSHIP + "/mid_review")
        self._print(users, made)

    # -- organizations and users -----------------------------------------------------------

    def _organizations(self) -> tuple[Organization, Organization]:
        name = TownshipSetting.objects.filter(key="township_name").values_list("value", flat=True).first() or "示范乡"
        county, _ = Organization.objects.get_or_create(
            code=COUNTY_CODE, defaults={"name": "示范县", "kind": Organization.Kind.COUNTY}
        )
        return county, self._township(county, TOWNSHIP_CODE, name)

    def _township(self, county: Organization, code: str, name: str) -> Organization:
        """A township with one station per handling unit (codes station-01… in every township),
        the villages, and its own list derived from the county's (handling stations by id)."""
        township, _ = Organization.objects.get_or_create(
            code=code, defaults={"name": name, "kind": Organization.Kind.TOWNSHIP, "parent": county}
        )
        units = list(dict.fromkeys(Power.objects.active().order_by("sequence").values_list("handling_unit", flat=True)))
        for unit in units:
            if not Organization.objects.filter(kind=Organization.Kind.STATION, name=unit, parent=township).exists():
                number = Organization.objects.filter(code__startswith="station-", parent=township).count() + 1
                while Organization.objects.filter(code=f"station-{number:02d}", parent=township).exists():
                    number += 1
                Organization.objects.create(
                    code=f"station-{number:02d}", name=unit, kind=Organization.Kind.STATION, parent=township
                )
        for village_code, village in VILLAGES:
            Organization.objects.get_or_create(
                code=village_code, parent=township, defaults={"name": village, "kind": Organization.Kind.VILLAGE}
            )
        if code != TOWNSHIP_CODE:
            setting = TownshipSetting.objects.filter(key="township_name").first()
            if setting is not None:
                TownshipSettingValue.objects.get_or_create(township=township, setting=setting, defaults={"value": name})
        derive_township_list(township)
        return township

    def _county_inspector(self, county: Organization) -> None:
        username, full_name, position = COUNTY_INSPECTOR
        user = self._user(username, full_name)
        if not Assignment.objects.filter(user=user, position__code=position, organization=county).exists():
            services.assign_position(user=user, position_code=position, organization=county, actor=None,
                                     reason="演示县级纪检初始化（seed_demo）", now=clock.now())  # fmt: skip

    def _user(self, username: str, full_name: str, *, admin: bool = False) -> Any:
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.first_name, user.last_name = full_name, ""  # Chinese names: family name first, no space
        user.is_staff = user.is_superuser = admin
        user.set_password(demo_password(username))
        user.save()
        Token.objects.filter(user=user).exclude(key=demo_token(username)).delete()
        Token.objects.update_or_create(user=user, key=demo_token(username), defaults={"created": timezone.now()})
        return user

    def _users(self, township: Organization, *, prefix: str = "") -> dict[str, Any]:
        """The township's staff, by their user name without the township's prefix."""
        stations = list(Organization.objects.filter(kind=Organization.Kind.STATION, parent=township))
        users = {}
        for username, full_name, posts in USERS:
            # the demo administrator also logs into the Django admin (/admin/) with the same password
            user = self._user(prefix + username, full_name, admin=username == ADMIN_USERNAME and not prefix)
            for position, where, areas in posts:
                if where == STATIONS:
                    targets = stations
                elif where == TOWNSHIP_CODE:
                    targets = [township]
                else:
                    targets = [Organization.objects.get(code=where, parent=township)]
                for organization in targets:
                    if not Assignment.objects.filter(
                        user=user, position__code=position, organization=organization
                    ).exists():
                        services.assign_position(
                            user=user, position_code=position, organization=organization, areas=list(areas),
                            actor=None, reason="演示乡镇初始化（seed_demo）", now=clock.now(),
                        )
            users[username] = user
        return users

    # -- cases -----------------------------------------------------------------------------

    def _cases(
        self, users: dict[str, Any], township: Organization, now: datetime, *, prefix: str = "",
        only: tuple[str, ...] | None = None,
    ) -> list[tuple[str, Case]]:  # fmt: skip
        made = []
        for key, label, build in self._scenarios(users, township, now, prefix):
            if only is not None and key.removeprefix(prefix) not in only:
                continue
            existing = AuditEvent.objects.filter(
                kind=AuditEvent.Kind.CASE_STARTED, payload__data__demo_seed=key
            ).first()
            if existing is not None:
                made.append((label, existing.case))
                continue
            with transaction.atomic():
                made.append((label, build()))
        return made

    def _scenarios(self, users, township, now, prefix=""):
        users_prefix = users["chief"].username.removesuffix("chief")
        def driver(applicant: str, days_ago: float, **kw) -> Driver:
            answers = Answers(now=now - timedelta(days=days_ago), applicant=applicant, prefix=users_prefix, **kw)
            return Driver(users, answers)

        def just_started() -> Case:
            return driver("钱六", 0).start("XK-01", township=township, data={"demo_seed": prefix + "just_started"})

        def mid_review() -> Case:
            d = driver("孙七", 3)
            d.start("JF-01", township=township, data={"demo_seed": prefix + "mid_review"})
            return d.run_until(at_task("station_head_review"))

        def notice_period() -> Case:
            # the notice was posted about a day ago and runs for the township's period (7 days)
            d = driver("王五", 1.5)
            d.start(
                "JF-01",
                township=township,
                data={"demo_seed": prefix + "notice_period", "applicant_id_number": "140121198001011234"},
            )
            return d.run_until(after_task("post_notice"))

        def minor_notice() -> Case:
            d = driver("刘小明", 1.5)
            d.start(
                "JF-02",
                township=township,
                data={"demo_seed": prefix + "minor_notice", "applicant_birth_date": "2012-05-01"},
            )
            return d.run_until(after_task("post_notice"))

        def completed() -> Case:
            d = driver("赵八", 2)
            d.start("QR-03", township=township, data={"demo_seed": prefix + "completed"})
            return d.run_until(finished)

        def overdue() -> Case:
            # nobody registered this application for 20 days: overdue, escalated up to the inspector
            d = driver("周九", 20)
            case = d.start("JF-08", township=township, data={"demo_seed": prefix + "overdue"})
            services.escalate_case(case.pk, now=now)
            return Case.objects.get(pk=case.pk)

        def cancelled() -> Case:
            d = driver("吴十", 1)
            case = d.start("QT-02", township=township, data={"demo_seed": prefix + "cancelled"})
            return services.cancel_case(case.pk, actor=users["chief"], reason="申请人书面撤回申请", now=d.tick())

        return [
            (prefix + "just_started", "刚立案（宅基地审批）", just_started),
            (prefix + "mid_review", "审核中（低保，待站所负责人审核）", mid_review),
            (prefix + "notice_period", "公示期内（低保初审公示）", notice_period),
            (prefix + "minor_notice", "公示期内，未成年人不上公示栏（特困供养）", minor_notice),
            (prefix + "completed", "已办结（独生子女父母光荣证）", completed),
            (prefix + "overdue", "超时未办（高龄津贴，已督办到纪检委员）", overdue),
            (prefix + "cancelled", "已撤销（民间纠纷调解）", cancelled),
        ]

    def _complaint(self, now: datetime, seed: str) -> None:
        """One complaint about the case under review (once)."""
        case = AuditEvent.objects.get(kind=AuditEvent.Kind.CASE_STARTED, payload__data__demo_seed=seed).case
        if not Complaint.objects.filter(case=case).exists():
            public.file_complaint(
                kind=Complaint.Kind.COMPLAINT,
                subject="民政所",
                case=case,
                content="办理低保时工作人员态度生硬，要求多次往返补交材料",
                complainant_name="孙七",
                complainant_contact="13912345678",
                now=now,
            )

    def _print(self, users: dict[str, Any], made: list[tuple[str, Case]]) -> None:
        self.stdout.write("演示用户（用户名 / 姓名 / 密码 / 令牌）：")
        for username, full_name, _posts in USERS:
            self.stdout.write(f"  {username:<22} {full_name:<6} {demo_password(username):<32} {demo_token(username)}")
        username, full_name, _position = COUNTY_INSPECTOR
        self.stdout.write(f"  {username:<22} {full_name:<6} {demo_password(username):<32} {demo_token(username)}")
        self.stdout.write(
            f"第二个乡（{SECOND_NAME}，编码 {SECOND_TOWNSHIP}）的用户名加前缀 {SECOND_PREFIX}，"
            f"如 {SECOND_PREFIX}window_clerk（令牌 {demo_token(SECOND_PREFIX + 'window_clerk')}）"
        )
        self.stdout.write("演示案件：")
        for label, case in made:
            case = Case.objects.get(pk=case.pk)
            self.stdout.write(f"  {case.reference:<28} {case.pk}  {case.get_status_display()}  {label}")
        self.stdout.write(
            self.style.SUCCESS(
                "完成。示例：curl -H 'Authorization: Token demo-handler' http://127.0.0.1:8000/api/tasks/"
            )
        )
