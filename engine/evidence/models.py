"""Rows of the transparency log: its leaves (one per committed audit event) and the signed
checkpoints over them. Append-only like the audit trail: no code path updates or deletes a row."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LogLeaf(models.Model):
    """Leaf `index` of the log: which event of which chain, and that event's hash.

    ``leaf_hash = SHA-256(0x00 || JCS(leaf data))`` (engine/evidence/log.py: leaf_data).
    """

    index = models.PositiveBigIntegerField(_("叶序号"), primary_key=True)
    chain = models.CharField(_("链"), max_length=16, default="case", help_text=_("case：案件审计链；admin：管理日志"))
    case_id = models.UUIDField(_("案件"), null=True, blank=True)
    reference = models.CharField(_("案件编号"), max_length=40, blank=True)
    sequence = models.PositiveIntegerField(_("事件序号"))
    event_hash = models.CharField(_("事件哈希"), max_length=64)
    leaf_hash = models.CharField(_("叶哈希"), max_length=64)
    logged_at = models.DateTimeField(_("入日志时间"))

    class Meta:
        app_label = "engine"
        verbose_name = _("透明日志叶")
        verbose_name_plural = _("透明日志叶")
        ordering = ["index"]
        constraints = [
            models.UniqueConstraint(fields=["case_id", "sequence"], condition=models.Q(chain="case"),
                                    name="log_leaf_one_per_case_event"),
            models.UniqueConstraint(fields=["sequence"], condition=models.Q(chain="admin"),
                                    name="log_leaf_one_per_admin_event"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"#{self.index} {self.chain} {self.reference or self.case_id or ''}:{self.sequence}"


class Checkpoint(models.Model):
    """A signed tree head: the log had `tree_size` leaves with this root at this time."""

    tree_size = models.PositiveBigIntegerField(_("日志大小"))
    root_hash = models.CharField(_("根哈希"), max_length=64)
    origin = models.CharField(_("日志名称"), max_length=200)
    time = models.DateTimeField(_("签署时间"), db_index=True)
    key_id = models.CharField(_("公钥标识"), max_length=16)
    signature = models.CharField(_("签名"), max_length=200, help_text=_("Ed25519 签名（Base64）"))

    class Meta:
        app_label = "engine"
        verbose_name = _("签名检查点")
        verbose_name_plural = _("签名检查点")
        ordering = ["tree_size", "time"]

    def __str__(self) -> str:
        return f"{self.origin} {self.tree_size} {self.root_hash[:12]}"
