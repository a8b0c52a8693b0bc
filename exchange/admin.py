from django.contrib import admin

from exchange.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Read-only: a run changes only through its page and its job."""

    list_display = [
        "file_name",
        "status",
        "mode",
        "rows_total",
        "rows_bad",
        "created_by",
        "created_at",
    ]
    list_filter = ["status", "mode"]
    search_fields = ["file_name"]
    list_select_related = ["created_by"]
    exclude = ["content"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
