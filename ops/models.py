"""Operations records: timer-worker heartbeats, and the notification outbox with its deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per running timer worker, rewritten every round; a stale row is a stalled worker."""

    name = models.CharField(_("进程"), max_length=200, unique=True, help_text=_("主机名:进程号"))
    started_at = models.DateTimeField(_("启动时间"))
    beat_at = models.DateTimeField(_("最近心跳"))
    rounds = models.PositiveBigIntegerField(_("轮次"), default=0)
    errors = models.PositiveBigIntegerField(_("数据库错误次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("定时任务进程心跳")
        verbose_name_plural = verbose_name
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NotificationProfile(models.Model):
    """A user's contacts and what he wants to be told, by which channels."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        WEBHOOK = "webhook", _("短信/企业微信网关")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                                related_name="notification_profile")  # fmt: skip
    email = models.EmailField(_("电子邮箱"), blank=True)
    phone = models.CharField(_("手机号"), max_length=32, blank=True, help_text=_("经网关发送短信时使用"))
    wecom_id = models.CharField(_("企业微信账号"), max_length=64, blank=True)
    channels = models.JSONField(_("接收渠道"), default=list, blank=True, help_text=_('如 ["email", "webhook"]'))
    muted_kinds = models.JSONField(_("不接收的通知类型"), default=list, blank=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return str(self.user)


class Notification(models.Model):
    """One message to one user, created once per event (`key` is unique: several workers, no doubles)."""

    class Kind(models.TextChoices):
        TASK = "task", _("新待办")
        MEETING = "meeting", _("会议通知")
        ESCALATION = "escalation", _("超时督办")
        COMPLAINT_DUE = "complaint_due", _("投诉答复到期提醒")

    key = models.CharField(_("事件键"), max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE,
                             related_name="notifications")  # fmt: skip
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    payload = models.JSONField(_("数据"), default=dict)
    created_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """One notification through one channel: every attempt counted, the outcome recorded."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    notification = models.ForeignKey(Notification, verbose_name=_("通知"), on_delete=models.CASCADE,
                                     related_name="deliveries")  # fmt: skip
    channel = models.CharField(_("渠道"), max_length=20)
    address = models.CharField(_("地址"), max_length=254)
    status = models.CharField(_("状态"), max_length=10, choices=Status, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("送达记录")
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="one_delivery_per_channel")]

    def __str__(self) -> str:
        return f"{self.channel} → {self.address}"


class OutboxEvent(models.Model):
    """An event the notification collector has handled (unique: handled once, by one worker)."""

    key = models.CharField(max_length=200, primary_key=True)
    handled_at = models.DateTimeField()


class OutboxCursor(models.Model):
    """How far the notification collector has read a source table (re-reading a margin behind it)."""

    name = models.CharField(max_length=50, primary_key=True)
    last_id = models.BigIntegerField(default=0)
