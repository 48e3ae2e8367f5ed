"""Admin for the living power list: an edit of a catalog record becomes a proposed change set (两阅)
instead of changing the list; change sets are approved or rejected by a second person with a
leader's position; published versions are read-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ModelAdmin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from engine import clock
from engine import exceptions as exc
from engine.admin_audit import AuditedAdmin
from engine.services import catalog
from processes.models import CatalogChangeSet, CatalogVersion


class ProposingAdmin(AuditedAdmin):
    """Saving the form proposes the change (with the reason given); the list changes on approval.
    Rows are added or removed through the catalog files or a spreadsheet, not here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change) -> None:
        request.catalog_pending = obj  # written with the inlines, inside the proposal's savepoint

    def save_related(self, request, form, formsets, change) -> None:
        obj = request.catalog_pending

        def apply() -> None:
            ModelAdmin.save_model(self, request, obj, form, change)
            ModelAdmin.save_related(self, request, form, formsets, change)

        change_set, _ = catalog.propose(source=CatalogChangeSet.Source.ADMIN, change=apply, actor=request.user,
                                        reason=form.cleaned_data["reason"], now=clock.now())  # fmt: skip
        request.catalog_proposed = change_set

    def response_change(self, request, obj):
        change_set = getattr(request, "catalog_proposed", None)
        if change_set is None:
            messages.info(request, gettext("没有改动，未提出清单变更"))
        else:
            messages.warning(request, gettext("已提出清单变更 #%(id)s（%(n)s 处），经另一位领导审批后生效")
                             % {"id": change_set.pk, "n": len(change_set.changes)})  # fmt: skip
        return HttpResponseRedirect(reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_changelist"))

    def log_change(self, request, obj, message):
        return None  # nothing changed yet: the administration log records the proposal


class DecisionForm(forms.ModelForm):
    DECISIONS = [("approve", _("批准并发布新版本")), ("reject", _("驳回"))]

    decision = forms.ChoiceField(label=_("审批"), choices=DECISIONS)
    note = forms.CharField(label=_("审批意见（必填，记入管理日志）"), widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=1000)  # fmt: skip
    effective_from = forms.DateField(label=_("生效日期（缺省：今天）"), required=False)

    class Meta:
        model = CatalogChangeSet
        fields: list[str] = []

    def clean(self):
        data = super().clean()
        user = self.request_user
        try:
            catalog._check_approver(self.instance, user)
        except exc.EngineError as error:
            raise forms.ValidationError(str(error)) from error
        return data


@admin.register(CatalogChangeSet)
class CatalogChangeSetAdmin(admin.ModelAdmin):
    list_display = ("pk", "status", "source", "proposed_by_name", "proposed_at", "reason", "decided_at")
    list_filter = ("status", "source")
    readonly_fields = ("source", "status", "reason", "changes", "proposed_by_name", "proposed_at", "decision_note",
                       "decided_at", "base_hash", "proposed_hash")  # fmt: skip
    fields = readonly_fields + ("decision", "note", "effective_from")
    form = DecisionForm

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.status == CatalogChangeSet.Status.PROPOSED

    def get_actions(self, request):
        return {}

    def get_form(self, request, obj=None, **kwargs):
        kwargs["fields"] = ["decision", "note", "effective_from"]
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"request_user": request.user})

    def save_model(self, request, obj, form, change) -> None:
        note, now = form.cleaned_data["note"], clock.now()
        if form.cleaned_data["decision"] == "approve":
            version = catalog.approve(obj.pk, actor=request.user, note=note, now=now,
                                      effective_from=form.cleaned_data.get("effective_from"))  # fmt: skip
            messages.success(request, gettext("已发布权力清单第 %(n)s 版") % {"n": version.number})
        else:
            catalog.reject(obj.pk, actor=request.user, note=note, now=now)
        obj.refresh_from_db()

    def log_change(self, request, obj, message):
        return None


@admin.register(CatalogVersion)
class CatalogVersionAdmin(admin.ModelAdmin):
    list_display = ("number", "effective_from", "published_at", "published_by_name", "change_set")
    readonly_fields = ("number", "effective_from", "published_at", "published_by_name", "change_set", "snapshot_hash")
    exclude = ("snapshot",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
