"""Engine rows: process definitions, cases, work items, timers and the append-only audit trail."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    """A node of the organization tree: county → township → stations and villages."""

    class Kind(models.TextChoices):
        COUNTY = "county", _("县")
        TOWNSHIP = "township", _("乡")
        STATION = "station", _("站所")
        VILLAGE = "village", _("村")

    code = models.SlugField(_("编码"), max_length=64, help_text=_("县、乡的编码全局唯一；站所、村的编码在其上级内唯一"))
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["code"]
        constraints = [
            # two townships may both have a "station-01" (民政所); counties and townships are unique
            models.UniqueConstraint(fields=["parent", "code"], name="organization_code_unique_in_parent"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(kind__in=["county", "township"]), name="organization_code_unique_top"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def township(self) -> Organization | None:
        """The township this organization is in (itself for a township; None for a county)."""
        node: Organization | None = self
        while node is not None and node.kind != Organization.Kind.TOWNSHIP:
            node = node.parent
        return node


def _township_fk(*, null: bool = False) -> models.ForeignKey:
    """The township a row belongs to (set by the services, never by the caller)."""
    return models.ForeignKey(
        Organization, verbose_name=_("所属乡镇"), null=null, blank=null, on_delete=models.PROTECT, related_name="+",
        editable=False, limit_choices_to={"kind": "township"},
    )  # fmt: skip


class Assignment(models.Model):
    """A user holds a position in an organization (a deputy also lists the areas he supervises)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="assignments")  # fmt: skip
    position = models.ForeignKey("processes.Position", verbose_name=_("岗位"), on_delete=models.PROTECT,
                                 related_name="assignments")  # fmt: skip
    organization = models.ForeignKey(Organization, verbose_name=_("组织"), on_delete=models.CASCADE,
                                     related_name="assignments")  # fmt: skip
    areas = models.JSONField(_("分管领域"), default=list, blank=True, help_text=_("财务、人事、工程项目、行政审批、物资采购等"))
    # the term of office: the meeting roster (应到会) is the 班子 on the meeting day
    started_on = models.DateField(_("任职起始日"), null=True, blank=True)
    ended_on = models.DateField(_("任职终止日"), null=True, blank=True, help_text=_("空白表示现任"))
    township = _township_fk(null=True)  # empty for a county-level post

    def save(self, *args, **kwargs):
        self.township = self.organization.township
        super().save(*args, **kwargs)

    class Meta:
        verbose_name = _("岗位任职")
        verbose_name_plural = _("岗位任职")
        constraints = [
            models.UniqueConstraint(fields=["user", "position", "organization"], name="assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.position} · {self.organization}"


class CalendarDay(models.Model):
    """An admin-maintained holiday or make-up working day, for years the packaged calendar lacks
    (or to correct it). A row here always wins over the packaged data."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("名称"), max_length=50, blank=True, help_text=_("如：元旦、春节调休上班"))

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.name}"


class ProcessDefinition(models.Model):
    """One version of a BPMN process: its sources (BPMN files and forms) keyed by their sha256.

    A changed file is a new row; cases stay pinned to the row they started on.
    """

    process_id = models.CharField(_("流程标识"), max_length=100, db_index=True)
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("名称"), max_length=200, blank=True)
    sources = models.JSONField(_("源文件"), help_text=_("文件名 → 内容（BPMN 与表单 JSON Schema）"))
    sha256 = models.CharField(_("内容摘要"), max_length=64)
    spiff_version = models.CharField(_("引擎版本"), max_length=32)
    serializer_version = models.CharField(_("序列化版本"), max_length=16)
    is_current = models.BooleanField(_("现行版本"), default=True)
    created_at = models.DateTimeField(_("载入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("流程定义")
        verbose_name_plural = _("流程定义")
        ordering = ["process_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["process_id", "sha256"], name="definition_unique_content"),
            models.UniqueConstraint(fields=["process_id", "version"], name="definition_unique_version"),
            models.UniqueConstraint(
                fields=["process_id"], condition=models.Q(is_current=True), name="definition_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process_id} v{self.version}"


class Case(models.Model):
    """A running (or finished) instance of a process, pinned to one definition version."""

    class Status(models.TextChoices):
        RUNNING = "running", _("办理中")
        COMPLETED = "completed", _("已办结")
        CANCELLED = "cancelled", _("已撤销")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("案件编号"), max_length=40, unique=True)
    definition = models.ForeignKey(
        ProcessDefinition, verbose_name=_("流程版本"), on_delete=models.PROTECT, related_name="cases"
    )
    power_code = models.CharField(_("权力编码"), max_length=20, blank=True, db_index=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("所属组织"), on_delete=models.PROTECT, related_name="cases"
    )
    township = _township_fk()
    handling_unit = models.ForeignKey(
        Organization, verbose_name=_("承办站所"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人账号"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("申请人本身是系统用户时（如村干部），其不得经办本案"),
    )  # fmt: skip
    agent_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("代办员"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    separate_filing = models.BooleanField(_("单独备案"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.RUNNING, db_index=True)
    promised_limit = models.JSONField(_("承诺时限"), null=True, blank=True,
                                      help_text=_("立案时从权力清单复制：{\"value\": 10, \"unit\": \"working_day\"}"))  # fmt: skip
    legal_limit = models.JSONField(_("法定时限"), null=True, blank=True)
    due_at = models.DateTimeField(_("承诺办结时间"), null=True, blank=True, db_index=True)
    legal_due_at = models.DateTimeField(_("法定办结时间"), null=True, blank=True, db_index=True)
    paused_since = models.DateTimeField(_("计时暂停自"), null=True, blank=True,
                                        help_text=_("补正等待、公示期间不计入办理时限"))  # fmt: skip
    paused_working_days = models.PositiveIntegerField(_("已暂停工作日"), default=0)
    workflow_json = models.TextField(_("流程快照"))
    state_hash = models.CharField(_("状态摘要"), max_length=64)
    last_sequence = models.PositiveIntegerField(_("最新审计序号"), default=0)
    last_hash = models.CharField(_("最新审计哈希"), max_length=64, default="")
    last_event_at = models.DateTimeField(_("最新审计时间"), null=True, blank=True,
                                         help_text=_("本案最后一条审计事件的时间；之后的事件不得早于它"))
    catalog_version = models.ForeignKey(
        "processes.CatalogVersion", verbose_name=_("清单版本"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text=_("立案时的权力清单版本；案件按该版本的规则办理"),
    )  # fmt: skip
    first_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("首问负责人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text=_("登记申请的用户，由系统记录"),
    )  # fmt: skip
    next_timer_due = models.DateTimeField(_("下次定时"), null=True, blank=True, db_index=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("发起时间"))
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-started_at"]
        indexes = [
            # the case lists: newest first, within the user's townships or across them
            models.Index(F("township"), F("started_at").desc(), F("reference"), name="case_township_started"),
            models.Index(F("started_at").desc(), F("reference"), name="case_started"),
        ]

    def __str__(self) -> str:
        return self.reference


class WorkItem(models.Model):
    """One READY human task of a case, kept by the engine so inboxes never deserialize workflows."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="work_items")
    township = _township_fk()  # the case's township, kept here so an inbox reads one township's tasks
    task_id = models.UUIDField(_("任务标识"))
    bpmn_id = models.CharField(_("环节标识"), max_length=100)
    name = models.CharField(_("环节名称"), max_length=200)
    mi_index = models.CharField(_("多实例序号"), max_length=40, blank=True, default="")
    member = models.CharField(_("指定成员"), max_length=150, blank=True, default="")
    lane = models.CharField(_("泳道（岗位）"), max_length=100, blank=True, default="")
    form = models.CharField(_("表单"), max_length=100, blank=True, default="")
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("认领人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="claimed_work_items",
    )  # fmt: skip
    created_at = models.DateTimeField(_("生成时间"))
    due_at = models.DateTimeField(_("到期时间"), null=True, blank=True, db_index=True)
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)

    class Meta:
        verbose_name = _("待办任务")
        verbose_name_plural = _("待办任务")
        ordering = ["created_at", "bpmn_id", "mi_index"]
        constraints = [models.UniqueConstraint(fields=["case", "task_id"], name="work_item_unique_task")]
        indexes = [
            # the inboxes: a lane's unclaimed pool, and the tasks named for one member
            models.Index(fields=["township", "lane", "claimed_by", "member"], name="workitem_lane_pool"),
            models.Index(fields=["member"], name="workitem_member"),
            # the inbox's order: a township's first page without sorting (or skipping) every open task
            models.Index(fields=["township", "due_at", "created_at", "id"], name="workitem_inbox_order"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.bpmn_id}"


class Timer(models.Model):
    """A BPMN timer a case waits on; the timer worker fires due rows through the services."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待触发")
        FIRED = "fired", _("已触发")
        CANCELLED = "cancelled", _("已取消")

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="timers")
    bpmn_id = models.CharField(_("环节标识"), max_length=100)
    due_at = models.DateTimeField(_("触发时间"), db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.PENDING, db_index=True)
    fired_at = models.DateTimeField(_("实际触发时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("定时器")
        verbose_name_plural = _("定时器")
        ordering = ["due_at"]
        # the notice board: pending notice timers by their end
        indexes = [models.Index(fields=["bpmn_id", "status", "due_at"], name="timer_kind_status_due")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.bpmn_id}@{self.due_at.isoformat()}"


class ConflictDeclaration(models.Model):
    """A declared conflict of interest: the user is recused from acting or voting on the case,
    and the case is marked for separate filing (单独备案)."""

    class Relation(models.TextChoices):
        RELATIVE = "relative", _("近亲属")
        VILLAGE_CADRE = "village_cadre", _("村干部本人或其近亲属")
        HANDLER_RELATIVE = "handler_relative", _("经办人近亲属")
        OTHER = "other", _("其他利害关系")

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="conflicts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("回避人"), on_delete=models.PROTECT,
                             related_name="+")  # fmt: skip
    relation = models.CharField(_("关系"), max_length=20, choices=Relation)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    declared_at = models.DateTimeField(_("申报时间"))

    class Meta:
        verbose_name = _("利害关系申报")
        verbose_name_plural = _("利害关系申报")
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="conflict_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.user} ({self.relation})"


class AccountabilityRecord(models.Model):
    """An accountability record (问责记录) raised by deadline escalation or by an inspector."""

    class Kind(models.TextChoices):
        OVERDUE = "overdue", _("超时")
        LONG_DELAY = "long_delay", _("久拖不办")
        CORRECTION_LATE = "correction_late", _("逾期未一次性告知")

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="accountability")
    township = _township_fk()
    kind = models.CharField(_("类型"), max_length=20, choices=Kind)
    level = models.PositiveSmallIntegerField(_("督办级别"))
    bpmn_id = models.CharField(_("环节标识"), max_length=100)
    task_name = models.CharField(_("环节名称"), max_length=200)
    responsibility_code = models.CharField(_("责任事项"), max_length=20, blank=True)
    handler_name = models.CharField(_("经办人"), max_length=150, blank=True)
    station_head_name = models.CharField(_("站所负责人"), max_length=150, blank=True)
    notified = models.JSONField(_("督办对象"), default=list)
    due_at = models.DateTimeField(_("应办结时间"))
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("问责记录")
        verbose_name_plural = _("问责记录")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "bpmn_id", "level", "due_at"], name="accountability_once_per_level"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} L{self.level}"


class AuditEvent(models.Model):
    """One input to a case. Append-only: no code path updates or deletes a row.

    ``hash = sha256(prev_hash + canonical(event))`` where the canonical event holds every
    field below except ``hash`` itself; ``hash_scheme`` names the canonical form (engine/audit.py).
    """

    class Kind(models.TextChoices):
        CASE_STARTED = "case_started", _("立案")
        TASK_CLAIMED = "task_claimed", _("认领任务")
        TASK_UNCLAIMED = "task_unclaimed", _("退回认领")
        TASK_COMPLETED = "task_completed", _("办理任务")
        MESSAGE_RECEIVED = "message_received", _("收到消息")
        TIMER_FIRED = "timer_fired", _("定时触发")
        CASE_CANCELLED = "case_cancelled", _("撤销案件")
        DEADLINE_ESCALATED = "deadline_escalated", _("超时督办")
        CONFLICT_DECLARED = "conflict_declared", _("利害关系申报")
        DEADLINES_RECOMPUTED = "deadlines_recomputed", _("节假日变更，重算期限")
        FILE_ATTACHED = "file_attached", _("上传申请材料")

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="audit_events")
    sequence = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("类型"), max_length=32, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150)
    at = models.DateTimeField(_("时间"))
    bpmn_id = models.CharField(_("环节标识"), max_length=100, blank=True, default="")
    mi_index = models.CharField(_("多实例序号"), max_length=40, blank=True, default="")
    payload = models.JSONField(_("数据"), default=dict)
    state_hash = models.CharField(_("办理后状态摘要"), max_length=64)
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64)
    hash_scheme = models.PositiveSmallIntegerField(
        _("哈希方案"), default=1, help_text=_("1：旧版排序 JSON；2：RFC 8785 规范化 JSON（新事件）")
    )

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["case", "sequence"]
        constraints = [models.UniqueConstraint(fields=["case", "sequence"], name="audit_unique_sequence")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.sequence} {self.kind}"


class CaseFile(models.Model):
    """An application material (申请材料) uploaded to a case: the file in Django's storage, its
    sha256 also in the audit event that recorded the upload."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="files")
    name = models.CharField(_("文件名"), max_length=200)
    storage_name = models.CharField(_("存储位置"), max_length=300)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    uploaded_at = models.DateTimeField(_("上传时间"))
    audit_sequence = models.PositiveIntegerField(_("审计序号"))

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["case", "uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.name}"


from engine.township_models import TownshipPower, TownshipSettingValue  # noqa: E402,F401  (registers the models)
from engine.institution_models import AccountabilityOutcome  # noqa: E402,F401  (registers the model)
from engine.idempotency_models import IdempotencyKey  # noqa: E402,F401  (registers the model)
from engine.admin_log_models import AdminEvent, AdminLogHead  # noqa: E402,F401  (the administration log)

from engine.evidence.models import Checkpoint, LogLeaf  # noqa: E402,F401  (the transparency log's rows)
from engine.public_models import (  # noqa: E402,F401  (registers the models)
    Complaint, ObjectionReceipt, Petition, Publication, PublicEscalation, RatingFollowUp, ServiceRating, StandingListEntry,
)
