from django.contrib import admin

from ops.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "beat_at", "started_at", "rounds", "errors")
    readonly_fields = ("name", "started_at", "beat_at", "rounds", "errors", "last_error")

    def has_add_permission(self, request):
        return False
