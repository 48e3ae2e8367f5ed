"""A township's own list, derived from the county's template (the catalog in `processes`).

The county keeps one template: categories, powers, responsibilities, settings and BPMN. Each
township keeps only what differs for it: per power its handling station (an organization id in
that township, never a name), limits, fee and supervision phone; per setting its own value.
Anything a township has not set is read from the template (`engine.townships`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

TOWNSHIP_ONLY = {"kind": "township"}


class TownshipPower(models.Model):
    """One power of the county list as one township runs it."""

    township = models.ForeignKey("engine.Organization", verbose_name=_("乡镇"), on_delete=models.CASCADE,
                                 related_name="township_powers", limit_choices_to=TOWNSHIP_ONLY)  # fmt: skip
    power = models.ForeignKey("processes.Power", verbose_name=_("行政权力"), on_delete=models.CASCADE,
                              related_name="township_entries")  # fmt: skip
    handling_station = models.ForeignKey(
        "engine.Organization", verbose_name=_("承办站所"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", limit_choices_to={"kind": "station"}, help_text=_("本乡的站所；空表示由乡统一办理"),
    )  # fmt: skip
    promised_limit_value = models.PositiveSmallIntegerField(_("承诺时限"), null=True, blank=True,
                                                            help_text=_("空表示沿用县级模板"))  # fmt: skip
    promised_limit_unit = models.CharField(_("承诺时限单位"), max_length=16, blank=True,
                                           choices=[("working_day", _("工作日")), ("calendar_day", _("日"))])  # fmt: skip
    fee_basis = models.CharField(_("收费依据及标准"), max_length=300, blank=True, help_text=_("空表示沿用县级模板"))
    supervision_phone = models.CharField(_("监督电话"), max_length=50, blank=True, help_text=_("空表示沿用县级模板"))

    class Meta:
        verbose_name = _("乡镇权力事项")
        verbose_name_plural = _("乡镇权力清单")
        ordering = ["township", "power"]
        constraints = [models.UniqueConstraint(fields=["township", "power"], name="township_power_unique")]

    def __str__(self) -> str:
        return f"{self.township} · {self.power}"

    def clean(self) -> None:
        station = self.handling_station
        if station is not None and (station.kind != "station" or station.parent_id != self.township_id):
            raise ValidationError({"handling_station": _("承办站所必须是本乡的站所")})
        if (self.promised_limit_value is None) != (self.promised_limit_unit == ""):
            raise ValidationError({"promised_limit_unit": _("承诺时限与单位须同时填写")})

    def save(self, *args, **kwargs):
        self.clean()
        super().save(*args, **kwargs)


class TownshipSettingValue(models.Model):
    """A township's own value of a setting of the county template (phones, notice days, limits)."""

    township = models.ForeignKey("engine.Organization", verbose_name=_("乡镇"), on_delete=models.CASCADE,
                                 related_name="setting_values", limit_choices_to=TOWNSHIP_ONLY)  # fmt: skip
    setting = models.ForeignKey("processes.TownshipSetting", verbose_name=_("设置项"), to_field="key",
                                on_delete=models.CASCADE, related_name="township_values")  # fmt: skip
    value = models.JSONField(_("取值"))

    class Meta:
        verbose_name = _("乡镇设置取值")
        verbose_name_plural = _("乡镇设置取值")
        ordering = ["township", "setting"]
        constraints = [models.UniqueConstraint(fields=["township", "setting"], name="township_setting_value_unique")]

    def __str__(self) -> str:
        return f"{self.township} · {self.setting_id}"
