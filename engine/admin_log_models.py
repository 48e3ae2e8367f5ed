"""The administration log: every change to assignments, settings, the catalog, the holiday table
and user accounts, appended and hash-chained by engine/services/administration.py only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AdminEvent(models.Model):
    """One administrative change, with its reason and the values before and after. Append-only and
    hash-chained like a case's audit trail (one chain for the whole installation)."""

    sequence = models.PositiveIntegerField(_("序号"), unique=True)
    kind = models.CharField(_("类型"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150)
    at = models.DateTimeField(_("时间"))
    reason = models.TextField(_("理由"))
    target = models.CharField(_("对象"), max_length=200)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64)
    hash_scheme = models.PositiveSmallIntegerField(_("哈希方案"))

    class Meta:
        verbose_name = _("管理日志")
        verbose_name_plural = _("管理日志")
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.kind} {self.target}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("the administration log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("the administration log is append-only")


class AdminLogHead(models.Model):
    """The head of the administration log (one row): locked while appending, and the reference
    that shows a deleted or inserted tail."""

    last_sequence = models.PositiveIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")
    last_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("管理日志头")
        verbose_name_plural = _("管理日志头")
