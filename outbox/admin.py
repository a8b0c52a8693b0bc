from django.contrib import admin, messages

from outbox import services
from outbox.models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """Read-only: rows are written by the jobs and their delivery, never by hand."""

    list_display = ["subject", "to_email", "kind", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to_email", "subject", "dedup_key"]
    date_hierarchy = "created_at"
    list_select_related = ["about_type"]
    actions = ["retry_failed"]
    fields = [
        "kind",
        "to_email",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "dedup_key",
        "about_type",
        "about_id",
        "body_text",
        "body_html",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # The row is the record of what was sent, and its dedup key what stops a second send.
        return False

    @admin.action(description="Retry the selected failed messages")
    def retry_failed(self, request, queryset):
        retried = sum(services.email_retry(email=email) for email in queryset)
        skipped = queryset.count() - retried
        self.message_user(request, f"{retried} message(s) queued to be sent again.")
        if skipped:
            self.message_user(
                request,
                f"{skipped} message(s) had not failed and were left as they were.",
                messages.WARNING,
            )
