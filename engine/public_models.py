"""Rows of the public's side (社会化监督), written only by the engine's public services:

- `ObjectionReceipt`: one objection (异议) to a case on the notice board, the objector's identity
  kept here for the discipline inspector only;
- `Complaint`: 投诉/举报 from the public, handled by the discipline inspector;

- `ServiceRating`: 政务服务“好差评”, one per case, bound to it by a one-time code printed on the
  receipt and the decision; a 差评 opens a `RatingFollowUp` for the station head;
- `StandingListEntry`: the standing public lists (长期公示) fed by approved cases;
- `Publication`: the 三务公开 register (党务、政务、财务);
- `Petition`: 信访 with its acceptance and handling periods, routed to a mediation or a power's case;
- `PublicEscalation`: one rung of the escalation ladder of an overdue follow-up, complaint or petition.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _township() -> models.ForeignKey:
    return models.ForeignKey(
        "engine.Organization", verbose_name=_("所属乡镇"), on_delete=models.PROTECT, related_name="+", editable=False,
        limit_choices_to={"kind": "township"},
    )  # fmt: skip


def _user(label: str, **kwargs) -> models.ForeignKey:
    return models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=label, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+", **kwargs)  # fmt: skip


class ServiceRating(models.Model):
    """政务服务“好差评” of one case: the code is issued with the receipt; the rating is given once."""

    class Level(models.IntegerChoices):
        VERY_SATISFIED = 5, _("非常满意")
        SATISFIED = 4, _("满意")
        BASICALLY_SATISFIED = 3, _("基本满意")
        DISSATISFIED = 2, _("不满意")
        VERY_DISSATISFIED = 1, _("非常不满意")

    township = _township()
    case = models.OneToOneField("engine.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="rating")
    code = models.CharField(_("评价码"), max_length=16, unique=True)
    power_code = models.CharField(_("权力编码"), max_length=20, blank=True, db_index=True)
    station = models.ForeignKey("engine.Organization", verbose_name=_("承办站所"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")  # fmt: skip
    issued_at = models.DateTimeField(_("发码时间"))
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=Level, null=True, blank=True)
    reasons = models.JSONField(_("差评原因"), default=list, blank=True)
    comment = models.TextField(_("评价意见"), blank=True)
    channel = models.CharField(_("评价渠道"), max_length=16, blank=True, help_text=_("窗口评价器、扫码、短信链接等"))
    case_stage = models.CharField(_("评价时案件状态"), max_length=16, blank=True)
    staff = models.JSONField(_("经办人员"), default=list, blank=True, help_text=_("办理过本案任务的工作人员账号"))
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")
        ordering = ["-rated_at", "-issued_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.level or '-'}"

    @property
    def is_bad(self) -> bool:
        return self.level is not None and self.level <= self.Level.DISSATISFIED


class RatingFollowUp(models.Model):
    """A 差评's follow-up: the station head checks it, rectifies and replies to the rater."""

    township = _township()
    rating = models.OneToOneField(ServiceRating, verbose_name=_("差评"), on_delete=models.PROTECT,
                                  related_name="followup")  # fmt: skip
    owners = models.JSONField(_("责任人"), default=list, help_text=_("承办站所负责人"))
    opened_at = models.DateTimeField(_("开启时间"))
    due_at = models.DateTimeField(_("整改反馈期限"))
    founded = models.BooleanField(_("差评属实"), null=True, blank=True)
    rectification = models.TextField(_("整改情况"), blank=True)
    reply = models.TextField(_("反馈评价人"), blank=True)
    closed_by = _user(_("办理人"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        ordering = ["due_at"]


class StandingListEntry(models.Model):
    """One line of a standing public list (长期公示): only the fields the rule names, masked."""

    township = _township()
    case = models.ForeignKey("engine.Case", verbose_name=_("案件"), on_delete=models.PROTECT,
                             related_name="standing_entries")  # fmt: skip
    power_code = models.CharField(_("权力编码"), max_length=20, db_index=True)
    list_title = models.CharField(_("公示名单"), max_length=100)
    place = models.CharField(_("公示地点"), max_length=200, blank=True)
    fields = models.JSONField(_("公示内容"), help_text=_("[[项目, 内容], …]，已遮蔽"))
    starts_on = models.DateField(_("公示起始日"))
    ends_on = models.DateField(_("公示截止日"), null=True, blank=True, help_text=_("待遇终止或复核到期之日"))
    ended_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)
    end_reason = models.CharField(_("撤下原因"), max_length=200, blank=True)
    ended_by = _user(_("撤下人"))
    created_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("长期公示")
        verbose_name_plural = _("长期公示")
        ordering = ["power_code", "starts_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case"], name="standing_entry_once_per_case")]


class Publication(models.Model):
    """An item of 三务公开 (党务、政务、财务): registered, approved, published, then archived."""

    class Category(models.TextChoices):
        PARTY = "party", _("党务公开")
        GOVERNMENT = "government", _("政务公开")
        FINANCE = "finance", _("财务公开")

    township = _township()
    category = models.CharField(_("类别"), max_length=16, choices=Category)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"))
    attachments = models.JSONField(_("附件"), default=list, blank=True, help_text=_("[{name, ref}]"))
    period = models.CharField(_("所属期间"), max_length=50, help_text=_("如：2026年第三季度"))
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    sanzhong_case = models.ForeignKey("engine.Case", verbose_name=_("三重一大决策"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="publications")  # fmt: skip
    registered_by = _user(_("登记人"))
    registered_at = models.DateTimeField(_("登记时间"))
    approved_by = _user(_("审核人"))
    approved_at = models.DateTimeField(_("审核发布时间"), null=True, blank=True)
    display_until = models.DateField(_("公开至"), null=True, blank=True, help_text=_("此后转入公开档案"))

    class Meta:
        verbose_name = _("三务公开")
        verbose_name_plural = _("三务公开")
        ordering = ["-approved_at", "-registered_at"]


class Petition(models.Model):
    """A 信访 matter: registration, the decision to accept, handling (routed to a mediation or a
    power's case), extensions and the outcome reported back to the petitioner."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("已登记")
        ACCEPTED = "accepted", _("已受理")
        NOT_ACCEPTED = "not_accepted", _("不予受理")
        CONCLUDED = "concluded", _("已办结")

    township = _township()
    number = models.CharField(_("信访编号"), max_length=32, unique=True)
    channel = models.CharField(_("信访形式"), max_length=16)
    petitioner_name = models.CharField(_("信访人姓名"), max_length=100, blank=True)
    petitioner_contact = models.CharField(_("信访人联系方式"), max_length=100, blank=True)
    subject = models.CharField(_("信访事项"), max_length=200)
    content = models.TextField(_("主要诉求"))
    registered_by = _user(_("登记人"))
    received_at = models.DateTimeField(_("收到时间"))
    accept_due_at = models.DateTimeField(_("受理告知期限"))
    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.REGISTERED, db_index=True)
    decided_at = models.DateTimeField(_("受理决定时间"), null=True, blank=True)
    decided_by = _user(_("受理决定人"))
    decision_note = models.TextField(_("受理告知内容"), blank=True)
    handle_due_at = models.DateTimeField(_("办结期限"), null=True, blank=True)
    extended_days = models.PositiveSmallIntegerField(_("延长期限"), default=0)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    extended_by = _user(_("延期批准人"))
    route = models.CharField(_("办理途径"), max_length=16, blank=True, help_text=_("mediation / power / direct"))
    case = models.ForeignKey("engine.Case", verbose_name=_("转办案件"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="petitions")  # fmt: skip
    case_outcome = models.CharField(_("案件结果"), max_length=40, blank=True)
    outcome = models.TextField(_("办理结果"), blank=True)
    concluded_at = models.DateTimeField(_("办结告知时间"), null=True, blank=True)
    concluded_by = _user(_("告知人"))
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)

    class Meta:
        verbose_name = _("信访事项")
        verbose_name_plural = _("信访事项")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.number


class PublicEscalation(models.Model):
    """One rung of the ladder for an overdue follow-up, complaint or petition: level 1 the owner,
    level 2 the leaders (one working day later), level 3 the discipline inspector (two later)."""

    class Kind(models.TextChoices):
        RATING_FOLLOWUP = "rating_followup", _("差评整改")
        COMPLAINT = "complaint", _("投诉举报答复")
        PETITION_ACCEPT = "petition_accept", _("信访受理告知")
        PETITION_HANDLE = "petition_handle", _("信访办结")

    township = _township()
    kind = models.CharField(_("事项"), max_length=20, choices=Kind)
    object_id = models.PositiveIntegerField(_("对象"))
    number = models.CharField(_("编号"), max_length=40, blank=True)
    level = models.PositiveSmallIntegerField(_("督办级别"))
    notified = models.JSONField(_("督办对象"), default=list)
    due_at = models.DateTimeField(_("应办结时间"))
    created_at = models.DateTimeField(_("督办时间"))

    class Meta:
        verbose_name = _("公众事项督办")
        verbose_name_plural = _("公众事项督办")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "level", "due_at"], name="public_escalation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number} L{self.level}"


class ObjectionReceipt(models.Model):
    """The receipt of one objection (异议) to a case during its notice period.

    The objection itself reaches the case as an `objection` message (an audit event carrying
    the receipt number and the content); the objector's identity stays here, confidential,
    visible only to the discipline inspector.
    """

    number = models.CharField(_("回执编号"), max_length=32, unique=True)
    case = models.ForeignKey("engine.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="objections")
    township = _township()
    content = models.TextField(_("异议内容"))
    evidence = models.TextField(_("证据或线索"), blank=True)
    objector_name = models.CharField(_("异议人姓名"), max_length=100, blank=True)
    objector_contact = models.CharField(_("异议人联系方式"), max_length=100, blank=True)
    audit_sequence = models.PositiveIntegerField(_("审计序号"))
    received_at = models.DateTimeField(_("收到时间"))

    class Meta:
        verbose_name = _("异议回执")
        verbose_name_plural = _("异议回执")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.number


class Complaint(models.Model):
    """A complaint or report (投诉/举报) from the public, handled by the discipline inspector.

    The complainant's identity is confidential: only the discipline inspector sees it.
    """

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("投诉")
        REPORT = "report", _("举报")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("已登记")
        REPLIED = "replied", _("已答复")

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上")
        PHONE = "phone", _("电话")
        BOX = "box", _("举报箱")
        COUNTER = "counter", _("投诉台")

    number = models.CharField(_("受理编号"), max_length=32, unique=True)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel, default=Channel.ONLINE)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    kind = models.CharField(_("类型"), max_length=16, choices=Kind)
    subject = models.CharField(_("被投诉（举报）对象"), max_length=200)
    content = models.TextField(_("事项内容"))
    case = models.ForeignKey("engine.Case", verbose_name=_("相关案件"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="complaints")  # fmt: skip
    township = _township()  # the case's township, or the one the complaint was filed to
    complainant_name = models.CharField(_("投诉人姓名"), max_length=100, blank=True)
    complainant_contact = models.CharField(_("投诉人联系方式"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.REGISTERED, db_index=True)
    received_at = models.DateTimeField(_("登记时间"))
    reply_due_at = models.DateTimeField(_("答复期限"))
    finding = models.TextField(_("调查核实情况"), blank=True)
    reply = models.TextField(_("答复意见"), blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    reply_rating = models.PositiveSmallIntegerField(_("对答复的评价"), null=True, blank=True,
                                                    help_text=_("5 非常满意 … 1 非常不满意"))  # fmt: skip
    reply_rating_comment = models.TextField(_("评价意见"), blank=True)
    reply_rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="registered", replied_at__isnull=True)
                | models.Q(status="replied", replied_at__isnull=False),
                name="complaint_replied_at_iff_replied",
            ),
        ]

    def __str__(self) -> str:
        return self.number
