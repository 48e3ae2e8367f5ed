"""Admin: organizations, positions held, the holiday table, definitions; cases and the audit trail
are read-only here (they change only through the services)."""

from __future__ import annotations

from django.contrib import admin

from engine.models import (
    AccountabilityRecord,
    Assignment,
    AuditEvent,
    CalendarDay,
    Case,
    ConflictDeclaration,
    Organization,
    ProcessDefinition,
    WorkItem,
)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "position", "organization", "areas")
    list_filter = ("position", "organization")
    search_fields = ("user__username",)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
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
    list_display = ("reference", "power_code", "status", "organization", "started_at", "due_at", "separate_filing")
    list_filter = ("status", "separate_filing", "organization")
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
