"""Admin pages that change records only through the administration services: every form asks
for a reason, the rules of the record's kind show as form errors, warnings as messages, and each
save or delete writes one event to the administration log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from engine import clock
from engine import exceptions as exc
from engine.services import administration

REASON_LABEL = _("变更理由（必填，记入管理日志）")


def with_reason(form_class: type[forms.BaseForm]) -> type[forms.BaseForm]:
    """`form_class` plus a required reason and the record's rules checked on the instance."""

    class ReasonForm(form_class):  # type: ignore[misc, valid-type]
        reason = forms.CharField(label=REASON_LABEL, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)

        def _post_clean(self) -> None:
            super()._post_clean()
            if self.errors:
                return
            try:
                self.rule_warnings = administration.check(self.instance)
            except exc.EngineError as error:
                self.add_error(None, str(error))

    ReasonForm.__name__ = f"Reason{form_class.__name__}"
    return ReasonForm


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes go through `engine.services.administration`."""

    delete_confirmation_template = "admin/audited_delete_confirmation.html"

    def get_form(self, request, obj=None, change=False, **kwargs):
        # the reason is the form's own field, not the model's (None: asked by get_fields itself)
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs["fields"] is not None:
            kwargs["fields"] = [f for f in kwargs["fields"] if f != "reason"]
        return with_reason(super().get_form(request, obj, change=change, **kwargs))

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        named = {f for _, options in fieldsets for f in options.get("fields", ())}
        if "reason" not in named:
            fieldsets.append((gettext("变更理由"), {"fields": ["reason"]}))
        return fieldsets

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete has no reason: one record at a time
        return actions

    def save_model(self, request, obj, form, change) -> None:
        saved = administration.save_record(obj, actor=request.user, reason=form.cleaned_data["reason"],
                                           now=clock.now(), save=lambda: self.write(request, obj, form, change))  # fmt: skip
        for warning in saved.warnings:
            messages.warning(request, warning)

    def write(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "POST" and request.POST.get("post") and not request.POST.get("reason", "").strip():
            messages.error(request, gettext("删除须说明理由"))
            return HttpResponseRedirect(request.get_full_path())
        context: dict[str, Any] = {"reason_label": REASON_LABEL, **(extra_context or {})}
        return super().delete_view(request, object_id, extra_context=context)

    def delete_model(self, request, obj) -> None:
        administration.delete_record(obj, actor=request.user, reason=request.POST["reason"], now=clock.now())

    def delete_queryset(self, request, queryset) -> None:  # never reached: the bulk action is removed
        raise exc.ReasonRequired()
