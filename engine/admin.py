"""Admin: organizations, positions held, the holiday table, user accounts (each change through the
administration services, with a reason, into the administration log), definitions; cases, the
audit trail and the administration log are read-only here."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from engine.admin_audit import AuditedAdmin
from engine.models import (
    AccountabilityRecord,
    AdminEvent,
    Assignment,
    AuditEvent,
    CalendarDay,
    Case,
    ConflictDeclaration,
    Organization,
    ProcessDefinition,
    TownshipPower,
    TownshipSettingValue,
    WorkItem,
)


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "parent")
    list_filter = ("kind", "parent")
    search_fields = ("code", "name")


@admin.register(Assignment)
class AssignmentAdmin(AuditedAdmin):
    """五不直接分管 is refused on the form; one deputy holding all five areas shows a warning."""

    list_display = ("user", "position", "organization", "areas")
    list_filter = ("position", "organization")
    search_fields = ("user__username",)


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    def changelist_view(self, request, extra_context=None):
        warn_missing_holiday_notice(request)
        return super().changelist_view(request, extra_context)

    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "date"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the engine's services: viewable, never edited or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(ReadOnlyAdmin):
    list_display = ("process_id", "version", "is_current", "sha256", "created_at")
    list_filter = ("is_current",)
    search_fields = ("process_id",)
    exclude = ("sources",)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("reference", "power_code", "status", "township", "organization", "started_at", "due_at",
                    "separate_filing")  # fmt: skip
    list_filter = ("status", "separate_filing", "township")
    search_fields = ("reference", "power_code")
    exclude = ("workflow_json",)


@admin.register(WorkItem)
class WorkItemAdmin(ReadOnlyAdmin):
    list_display = ("case", "bpmn_id", "name", "lane", "member", "claimed_by", "due_at", "escalation_level")
    search_fields = ("case__reference", "bpmn_id")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("case", "sequence", "kind", "actor_name", "at", "bpmn_id", "mi_index")
    list_filter = ("kind",)
    search_fields = ("case__reference", "actor_name")


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ("case", "user", "relation", "declared_at")


@admin.register(AccountabilityRecord)
class AccountabilityRecordAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "level", "task_name", "handler_name", "station_head_name", "created_at")
    list_filter = ("kind", "level")


@admin.register(TownshipPower)
class TownshipPowerAdmin(AuditedAdmin):
    """A township's own values for a power of the county list (empty: the template's)."""

    list_display = ("township", "power", "handling_station", "promised_limit_value", "fee_basis", "supervision_phone")
    list_filter = ("township",)
    search_fields = ("power__code", "power__name")

    def get_readonly_fields(self, request, obj=None):
        return ("township", "power") if obj is not None else ()


@admin.register(TownshipSettingValue)
class TownshipSettingValueAdmin(AuditedAdmin):
    list_display = ("township", "setting", "value")
    list_filter = ("township",)


@admin.register(AdminEvent)
class AdminEventAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "at", "actor_name", "kind", "target", "reason")
    list_filter = ("kind",)
    search_fields = ("target", "actor_name", "reason")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    """User accounts: created, changed and deleted with a reason, into the administration log."""


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdmin, GroupAdmin):
    """Permission groups of admin users: changed with a reason, into the administration log."""


def warn_missing_holiday_notice(request) -> None:
    """Administrators see a banner from 1 November while next year's 调休 notice is missing."""
    from django.contrib import messages
    from django.utils.translation import gettext as _

    from engine import clock, holidays

    year = holidays.missing_notice_year(clock.now())
    if year is not None and request.user.is_active and request.user.is_staff:
        messages.warning(request, _("尚未录入 %(year)s 年国务院办公厅节假日安排通知（调休上班日和连休日）；在此之前只按法定节日计算工作日")
                         % {"year": year})  # fmt: skip


_admin_index = admin.site.index


def _index_with_holiday_warning(request, extra_context=None):
    warn_missing_holiday_notice(request)
    return _admin_index(request, extra_context)


admin.site.index = _index_with_holiday_warning
