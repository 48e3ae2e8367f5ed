"""Admin for the catalog: categories, powers (legal bases and risk points inline), responsibilities.

An edit here proposes a change set (processes/admin_changes.py); the list changes when a second
person approves it. Township settings change directly, with a reason, into the administration log.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from engine.admin_audit import AuditedAdmin
from processes.admin_changes import ProposingAdmin
from processes.catalog_data import ALL_DETAIL_FIELDS
from processes.models import Category, LegalBasis, Position, Power, Responsibility, RiskPoint, TownshipSetting


@admin.register(TownshipSetting)
class TownshipSettingAdmin(AuditedAdmin):
    list_display = ["key", "label", "value"]
    search_fields = ["key", "label", "note"]


@admin.register(Position)
class PositionAdmin(ProposingAdmin):
    list_display = ["code", "name", "order"]
    search_fields = ["code", "name"]


@admin.register(Category)
class CategoryAdmin(ProposingAdmin):
    list_display = ["code", "name", "flow", "order", "power_count"]
    list_filter = ["flow"]
    search_fields = ["code", "name"]

    @admin.display(description=_("现行权力数"))
    def power_count(self, obj: Category) -> int:
        return obj.powers.filter(is_active=True).count()


class LegalBasisInline(admin.TabularInline):
    model = LegalBasis
    extra = 0
    fields = ["position", "law", "article", "text", "effective_from", "effective_to"]


class RiskPointInline(admin.StackedInline):
    model = RiskPoint
    extra = 0
    fields = ["position", "node", "level", "description", "measures", "responsible", "supervisor"]


@admin.register(Power)
class PowerAdmin(ProposingAdmin):
    list_display = [
        "sequence",
        "code",
        "name",
        "category",
        "handling_unit",
        "item_class",
        "promised_limit",
        "risk_level",
        "is_active",
    ]
    list_display_links = ["code", "name"]
    list_filter = [
        "category",
        "is_active",
        "flow",
        "item_class",
        "risk_level",
        "ends_in_transfer",
        "authority_source",
    ]
    search_fields = ["code", "name", "handling_unit", "supervising_leader", "legal_bases__law"]
    list_select_related = ["category"]
    filter_horizontal = ["responsibilities"]
    # the list itself (which powers are on it) changes only through the catalog files or a spreadsheet import
    readonly_fields = ["is_active", "removed_at"]
    inlines = [LegalBasisInline, RiskPointInline]
    fieldsets = [
        (
            _("总表"),
            {
                "fields": [
                    "sequence",
                    "code",
                    "name",
                    "category",
                    "flow",
                    "process_id",
                    "legal_role",
                    "authority_source",
                    "implementing_subject",
                    "handling_unit",
                    "supervising_leader",
                    "fee_basis",
                    "supervision_phone_setting",
                    "remarks",
                ]
            },
        ),
        (
            _("时限与办件类型"),
            {
                "fields": [
                    ("legal_limit_value", "legal_limit_unit"),
                    "legal_limit_note",
                    ("promised_limit_value", "promised_limit_unit"),
                    "promised_limit_note",
                    "item_class",
                    "ends_in_transfer",
                ]
            },
        ),
        (
            _("申请材料、集体决策与公示"),
            {
                "fields": [
                    "materials",
                    "collective_decisions",
                    "collective_note",
                    "notice",
                ]
            },
        ),
        (
            _("分表"),
            {
                "fields": list(ALL_DETAIL_FIELDS)
            },
        ),
        (
            _("廉政风险与监督"),
            {
                "fields": [
                    "risk_level",
                    "separation_of_duties",
                    "five_areas",
                    "responsibilities",
                ]
            },
        ),
        (_("清单状态"), {"fields": ["is_active", "removed_at"]}),
    ]

    @admin.display(description=_("承诺时限"))
    def promised_limit(self, obj: Power) -> str:
        return f"{obj.promised_limit_value}{obj.get_promised_limit_unit_display()}"


class _ViewOnly(admin.ModelAdmin):
    """Edited inline on the power's page (as a proposed change), not on their own."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LegalBasis)
class LegalBasisAdmin(_ViewOnly):
    list_display = ["power", "position", "law", "article", "effective_from", "effective_to"]
    list_filter = ["power__category"]
    search_fields = ["law", "article", "text", "power__code", "power__name"]
    list_select_related = ["power"]


@admin.register(RiskPoint)
class RiskPointAdmin(_ViewOnly):
    list_display = ["power", "position", "node", "level", "description", "responsible", "supervisor"]
    list_filter = ["level", "node", "power__category"]
    search_fields = ["description", "power__code", "power__name"]
    list_select_related = ["power", "responsible", "supervisor"]


@admin.register(Responsibility)
class ResponsibilityAdmin(ProposingAdmin):
    list_display = ["sequence", "code", "name", "responsible_unit"]
    list_display_links = ["code", "name"]
    list_filter = ["powers__category"]
    search_fields = ["code", "name", "responsible_unit"]
