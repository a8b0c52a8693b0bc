from django.contrib import admin

from calendars.models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Who has a calendar link, and since when; the secret itself is never shown."""

    list_display = ["user", "created_at"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    fields = ["user", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
