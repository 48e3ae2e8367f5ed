from django.contrib import admin

from ops.models import Delivery, Notification, NotificationProfile, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "beat_at", "started_at", "rounds", "errors")
    readonly_fields = ("name", "started_at", "beat_at", "rounds", "errors", "last_error")

    def has_add_permission(self, request):
        return False


@admin.register(NotificationProfile)
class NotificationProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "email", "phone", "wecom_id", "channels")
    search_fields = ("user__username", "email", "phone")


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    readonly_fields = ("channel", "address", "status", "attempts", "next_attempt_at", "sent_at", "last_error")
    can_delete = False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "user", "subject")
    list_filter = ("kind",)
    readonly_fields = ("key", "kind", "user", "subject", "body", "payload", "created_at")
    inlines = [DeliveryInline]

    def has_add_permission(self, request):
        return False
