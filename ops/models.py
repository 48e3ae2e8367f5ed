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
