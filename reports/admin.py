from django.contrib import admin

from reports.models import ReportDocument, StatusReport, StatusReportSettings


@admin.register(StatusReportSettings)
class StatusReportSettingsAdmin(admin.ModelAdmin):
    list_display = ["project", "cadence", "weekday", "schedule_changed_on", "updated_at"]
    list_filter = ["cadence", "weekday"]
    list_select_related = ["project"]
    search_fields = ["project__name", "project__client__name"]
    raw_id_fields = ["project", "updated_by"]
    filter_horizontal = ["client_recipients"]
    # A schedule change starts with the next period: report_settings_update sets the day.
    readonly_fields = ["updated_at", "schedule_changed_on"]


@admin.register(StatusReport)
class StatusReportAdmin(admin.ModelAdmin):
    """Reports are records of what was sent: readable here, never edited."""

    list_display = ["subject", "project", "kind", "period_start", "health", "created_at"]
    list_filter = ["kind", "health"]
    list_select_related = ["project"]
    search_fields = ["project__name", "subject", "key"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "project",
        "kind",
        "key",
        "period_start",
        "created_at",
        "created_by",
        "health",
        "subject",
        "snapshot",
        "body_html",
        "body_text",
        "recipients",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A report's key stops a period from being reported twice.
        return False


@admin.register(ReportDocument)
class ReportDocumentAdmin(admin.ModelAdmin):
    """Each version of a report as it went out: readable here, never edited."""

    list_display = ["subject", "audience", "report"]
    list_filter = ["audience"]
    list_select_related = ["report"]
    search_fields = ["subject", "report__project__name"]
    # The PDF's bytes are left out of the page; the report page offers the download.
    exclude = ["pdf"]
    readonly_fields = [
        "report",
        "audience",
        "subject",
        "snapshot",
        "body_html",
        "body_text",
        "document_html",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
