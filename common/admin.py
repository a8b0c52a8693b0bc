from django.contrib import admin

from common.models import Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """The record of create forms already sent: read-only, as it is what stops a repeat."""

    list_display = ("key", "user", "url", "created_at")
    list_select_related = ("user",)
    search_fields = ("url", "user__username")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
