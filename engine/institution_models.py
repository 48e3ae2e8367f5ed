"""Rows the institutions' procedures leave behind: the outcome of a 问责 case (one per person
concerned), which closes the accountability record or complaint it came from and names the
responsibility item (责任清单). Written by the engine inside the step that closes the case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountabilityOutcome(models.Model):
    """问责结果: how a 问责 case ended for one person concerned."""

    class Source(models.TextChoices):
        RECORD = "accountability_record", _("问责记录")
        COMPLAINT = "complaint", _("投诉举报")
        INSPECTION = "inspection", _("纪委发现")

    class Outcome(models.TextChoices):
        NONE = "none", _("不予问责")
        CRITICISM = "criticism_education", _("批评教育")
        ADMONISHMENT = "admonishment_talk", _("诫勉谈话")
        CIRCULATED = "circulated_criticism", _("通报批评")
        SANCTION = "sanction_proposal", _("处分建议（报县纪委监委）")

    case = models.ForeignKey("engine.Case", verbose_name=_("问责案件"), on_delete=models.PROTECT,
                             related_name="accountability_outcomes")  # fmt: skip
    township = models.ForeignKey(  # the 问责 case's township (set by the engine, never by the caller)
        "engine.Organization", verbose_name=_("所属乡镇"), on_delete=models.PROTECT, related_name="+", editable=False,
        limit_choices_to={"kind": "township"},
    )  # fmt: skip
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("当事人"), on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    source = models.CharField(_("线索来源"), max_length=24, choices=Source)
    accountability_record = models.ForeignKey(
        "engine.AccountabilityRecord", verbose_name=_("问责记录"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="outcomes",
    )  # fmt: skip
    complaint = models.ForeignKey("engine.Complaint", verbose_name=_("投诉举报"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="accountability_outcomes")  # fmt: skip
    subject_case = models.ForeignKey("engine.Case", verbose_name=_("所涉案件"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")  # fmt: skip
    responsibility_code = models.CharField(_("责任事项"), max_length=20, blank=True)
    outcome = models.CharField(_("问责方式"), max_length=24, choices=Outcome)
    decision_document_no = models.CharField(_("问责决定文号"), max_length=100)
    county_referral_no = models.CharField(_("处分建议报送文号"), max_length=100, blank=True)
    decided_on = models.DateField(_("决定日期"))
    closed_at = models.DateTimeField(_("结案时间"))

    class Meta:
        verbose_name = _("问责结果")
        verbose_name_plural = _("问责结果")
        ordering = ["-closed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="accountability_outcome_once")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.person_id} {self.outcome}"
