from django.contrib import admin

from alerts import services
from alerts.models import Alert, AlertNotification
from projects.admin import run_service_action


class AlertNotificationInline(admin.TabularInline):
    model = AlertNotification
    extra = 0
    can_delete = False
    fields = ["level", "recipient", "email", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
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
    # The sweep and the services move an alert along; who acted, and when, is on record.
    readonly_fields = [
        "kind",
        "object_key",
        "level",
        "status",
        "first_seen_at",
        "last_seen_at",
        "next_escalation_at",
        "acknowledged_by",
        "acknowledged_at",
        "resolved_by",
        "resolved_at",
        "resolution_note",
        "cleared_at",
    ]
    inlines = [AlertNotificationInline]
    actions = ["acknowledge", "resolve"]

    @admin.action(description="Acknowledge (stops escalating)")
    def acknowledge(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            done="alert(s) acknowledged",
            call=lambda alert: services.alert_acknowledge(alert=alert, user=request.user),
        )

    @admin.action(description="Resolve")
    def resolve(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            done="alert(s) resolved",
            call=lambda alert: services.alert_resolve(
                alert=alert, user=request.user, note="Resolved in the Django admin."
            ),
        )


@admin.register(AlertNotification)
class AlertNotificationAdmin(admin.ModelAdmin):
    list_display = ["alert", "level", "recipient", "created_at"]
    list_filter = ["level"]
    list_select_related = ["alert", "recipient"]
    raw_id_fields = ["alert", "recipient", "email"]
    search_fields = ["alert__subject", "recipient__username"]

    # The record of who was told: the sweep's dedup rests on it.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
