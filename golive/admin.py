from django.contrib import admin

from golive.models import CutoverStep, HandoffMessage


@admin.register(CutoverStep)
class CutoverStepAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "owner", "state", "order"]
    list_filter = ["state"]
    list_select_related = ["project", "owner"]
    raw_id_fields = ["project", "owner"]
    search_fields = ["title", "project__name"]


@admin.register(HandoffMessage)
class HandoffMessageAdmin(admin.ModelAdmin):
    list_display = ["report", "author", "from_support", "created_at"]
    list_select_related = ["report__project", "author"]
    raw_id_fields = ["report", "author"]
    readonly_fields = ["created_at"]
