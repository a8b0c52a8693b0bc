from django.contrib import admin

from alerts.models import Alert, AlertNotification


class AlertNotificationInline(admin.TabularInline):
    model = AlertNotification
    extra = 0
    can_delete = False
    fields = ["level", "recipient", "email", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "project", "level", "status", "first_seen_at", "cleared_at"]
    list_filter = ["kind", "status", "level"]
    search_fields = ["subject", "project__name"]
    list_select_related = ["project"]
    raw_id_fields = [
        "project",
        "task",
        "milestone",
        "risk",
        "issue",
        "owner",
        "acknowledged_by",
        "resolved_by",
    ]
    readonly_fields = ["kind", "object_key", "first_seen_at", "last_seen_at", "cleared_at"]
    inlines = [AlertNotificationInline]


@admin.register(AlertNotification)
class AlertNotificationAdmin(admin.ModelAdmin):
    list_display = ["alert", "level", "recipient", "created_at"]
    list_filter = ["level"]
    list_select_related = ["alert", "recipient"]
    raw_id_fields = ["alert", "recipient", "email"]
    search_fields = ["alert__subject", "recipient__username"]
